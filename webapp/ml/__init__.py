"""ml domain package."""
