"""Import and export of tasks in Label Studio's formats (rule DM-2).

Domain code: takes a SQLAlchemy session and plain values, imports nothing from Flask.
"""
from webapp.io.errors import ExportError, TaskImportError
from webapp.io.exporters import FORMATS as EXPORT_FORMATS, Export, export_project
from webapp.io.importers import ImportResult, import_records, import_tasks

__all__ = [
    "EXPORT_FORMATS", "Export", "ExportError", "ImportResult", "TaskImportError",
    "export_project", "import_records", "import_tasks",
]
