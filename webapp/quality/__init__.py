"""quality domain package."""
