"""The ML fixtures (a small labeled project with its built-in model) for the job tests."""
from tests.ml.conftest import labeled, tiny  # noqa: F401 - fixtures used by tests/jobs
