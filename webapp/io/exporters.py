"""Export a project in one of Label Studio's formats, as a stream of bytes (DM-2)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy.orm import Session

from webapp.io.errors import ExportError
from webapp.io.export_conll import conll_chunks
from webapp.io.export_json import csv_chunks, json_chunks, json_min_chunks, tsv_chunks
from webapp.io.export_spacy import spacy_chunks
from webapp.io.pages import ExportSource
from webapp.labeling import parse_config
from webapp.models import Project
from webapp.models._types import utcnow


@dataclass(frozen=True)
class Export:
    filename: str
    mimetype: str
    chunks: Iterator[bytes]


@dataclass(frozen=True)
class _Format:
    extension: str
    mimetype: str
    # Checks the config at once (ExportError), then returns the lazy chunk generator.
    write: Callable[[ExportSource], Iterator[bytes]]


FORMATS: dict[str, _Format] = {
    "JSON": _Format("json", "application/json", json_chunks),
    "JSON_MIN": _Format("json", "application/json", json_min_chunks),
    "CSV": _Format("csv", "text/csv", csv_chunks),
    "TSV": _Format("tsv", "text/tab-separated-values", tsv_chunks),
    "CONLL2003": _Format("conll", "text/plain", conll_chunks),
    "SPACY": _Format("spacy", "application/octet-stream", spacy_chunks),
}


def export_project(
    session: Session, project: Project, export_type: str, only_annotated: bool = True
) -> Export:
    """Describe the export and its chunks; tasks are read only as the chunks are consumed,
    so the caller must keep the session open until the stream ends."""
    export_format = FORMATS.get(export_type.upper())
    if export_format is None:
        raise ExportError(
            f"Unknown export type '{export_type}'; choose one of {', '.join(FORMATS)}."
        )
    source = ExportSource(session, project.id, parse_config(project.label_config), only_annotated)
    stamp = utcnow().strftime("%Y-%m-%d-%H-%M")
    return Export(
        filename=f"project-{project.id}-at-{stamp}.{export_format.extension}",
        mimetype=export_format.mimetype,
        chunks=export_format.write(source),
    )
