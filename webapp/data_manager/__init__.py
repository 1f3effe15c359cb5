"""Data Manager: the project's task table with filters, ordering, tabs and bulk actions
(DM-1), shown per the who-sees-what rules (OPT-3, REV-6, REV-8). No Flask here."""
from webapp.data_manager import indexes  # noqa: F401 - attaches the indexes to the Task table
from webapp.data_manager import search_index  # noqa: F401 - creates the text search index with the Task table
from webapp.data_manager.actions import ActionResult, BulkAction, get_action, register_action, registered_actions, run_action
from webapp.data_manager.columns import BY_KEY, COLUMNS
from webapp.data_manager.page import Page, TaskRow, load_page, row_json
from webapp.data_manager.query import MAX_OFFSET, PAGE_SIZES, TaskQuery, matching, parse_query
from webapp.data_manager.visibility import Viewer, viewer_for

__all__ = [
    "ActionResult", "BY_KEY", "BulkAction", "COLUMNS", "MAX_OFFSET", "PAGE_SIZES", "Page", "TaskQuery", "TaskRow", "Viewer",
    "get_action", "load_page", "matching", "parse_query", "register_action", "registered_actions", "row_json", "run_action",
    "viewer_for",
]
