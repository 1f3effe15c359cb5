"""The labeling domain: config parsing, result validation, templates, HTML sanitising.

Pure Python on purpose (no Flask, no SQLAlchemy), so it is testable alone and usable
from background jobs.
"""
from .config import ConfigError, parse_config
from .model import ControlTag, ControlType, Header, LabelingConfig, ObjectTag, ObjectType, Option
from .results import ResultError, is_empty_result, labels_missing, labels_used, validate_result
from .sanitize import sanitize_html
from .templates import NLP_TEMPLATES, ConfigTemplate, sample_task_data

__all__ = [
    "ConfigError", "ConfigTemplate", "ControlTag", "ControlType", "Header", "LabelingConfig",
    "NLP_TEMPLATES", "ObjectTag", "ObjectType", "Option", "ResultError", "is_empty_result",
    "labels_missing", "labels_used", "parse_config", "sample_task_data", "sanitize_html",
    "validate_result",
]
