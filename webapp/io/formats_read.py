"""Turn an uploaded file into raw task records, each labelled with where it came from.

Readers only parse; the importer validates. Every record is paired with its location
("line 7", "record 3") so that any later error can name it (rule DM-2).
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import PurePath
from typing import Any, Callable

from webapp.input_limits import InputLimitError, parse_json, unstorable_text
from webapp.io.errors import TaskImportError

Located = tuple[str, Any]  # (location, raw record)


def read_file(filename: str, raw: bytes, txt_field: str) -> list[Located]:
    """Records of a file, by its extension; TXT lines go to ``txt_field``."""
    reader = _reader_for(filename)
    text = _decode(filename, raw)
    if not text.strip():
        raise TaskImportError(f"{filename} is empty.")
    _check_storable(filename, text)
    return reader(text, txt_field)


def _check_storable(filename: str, text: str) -> None:
    """A NUL would be refused by PostgreSQL mid-import; name its line instead."""
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise TaskImportError(f"line {line}: {filename} {unstorable_text(text)}.")


def _reader_for(filename: str) -> Callable[[str, str], list[Located]]:
    extension = PurePath(filename).suffix.lower()
    if extension not in _READERS:
        found = f"file type '{extension}'" if extension else "a file without extension"
        raise TaskImportError(f"Cannot import {found}; accepted: {', '.join(_READERS)}.")
    return _READERS[extension]


def _decode(filename: str, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TaskImportError(
            f"line {line}: {filename} is not UTF-8 text (byte 0x{raw[exc.start]:02x} "
            f"at offset {exc.start}); save it as UTF-8 and import it again."
        ) from exc


def _invalid_json(where: str, exc: json.JSONDecodeError) -> TaskImportError:
    return TaskImportError(f"{where}: invalid JSON: {exc.msg} (column {exc.colno})")


def _parse(text: str, line: int | None = None) -> Any:
    """Parse one JSON text (the file, or its ``line``); too deep or unstorable JSON is
    refused before it can crash the parser or the database."""
    try:
        return parse_json(text)
    except json.JSONDecodeError as exc:
        raise _invalid_json(f"line {line or exc.lineno}", exc) from exc
    except InputLimitError as exc:
        raise TaskImportError(f"line {line}: {exc}" if line else str(exc)) from exc


def _read_json(text: str) -> list[Located]:
    """A list of tasks, or one task object (Label Studio accepts both)."""
    return number_records(_parse(text), "The JSON")


def number_records(parsed: Any, source: str) -> list[Located]:
    """Name each task of a parsed JSON value "record N" (1-based)."""
    records = [parsed] if isinstance(parsed, dict) else parsed
    if not isinstance(records, list):
        raise TaskImportError(f"{source} must be a list of tasks or one task object.")
    return [(f"record {number}", record) for number, record in enumerate(records, 1)]


def _read_jsonl(text: str) -> list[Located]:
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        records.append((f"line {number}", _parse(line, number)))
    return records


def _read_delimited(text: str, dialect: type[csv.Dialect]) -> list[Located]:
    """The header row names the data fields; each later row is one task's data."""
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
        _check_header(header)
        return [_row_record(reader.line_num, header, row) for row in reader if any(row)]
    except csv.Error as exc:
        raise TaskImportError(f"line {reader.line_num}: {exc}") from exc


def _check_header(header: list[str]) -> None:
    if any(not name.strip() for name in header):
        raise TaskImportError("line 1: the header row has an empty column name.")
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise TaskImportError(f"line 1: the header row repeats column(s) {', '.join(duplicates)}.")


def _row_record(line: int, header: list[str], row: list[str]) -> Located:
    if len(row) != len(header):
        raise TaskImportError(
            f"line {line}: has {len(row)} values but the header has {len(header)} columns."
        )
    return f"line {line}", {"data": dict(zip(header, row))}


def _read_txt(text: str, field: str) -> list[Located]:
    return [
        (f"line {number}", {"data": {field: line.strip()}})
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip()
    ]


# Every reader takes (text, txt_field); only TXT needs the field.
_READERS: dict[str, Callable[[str, str], list[Located]]] = {
    ".json": lambda text, _: _read_json(text),
    ".jsonl": lambda text, _: _read_jsonl(text),
    ".csv": lambda text, _: _read_delimited(text, csv.excel),
    ".tsv": lambda text, _: _read_delimited(text, csv.excel_tab),
    ".txt": _read_txt,
}
