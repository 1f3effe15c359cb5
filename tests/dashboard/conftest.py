from tests.data_manager.conftest import as_user, manager  # noqa: F401 - shared fixtures
