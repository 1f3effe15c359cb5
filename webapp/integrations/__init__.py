"""integrations domain package."""
