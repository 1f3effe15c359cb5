"""Full-text search over task data for the Data Manager's text filter (DM-1).

What is indexed: the string and number *values* of the task's JSON (never its keys),
split into words, lower-cased. A search matches tasks that contain every word of the
query, each as a word prefix ("deliv" finds "delivery", "Café" finds "café").

- PostgreSQL: a stored generated column `search_vector` = jsonb_to_tsvector('simple',
  data, '["string", "numeric"]') with a GIN index, matched by to_tsquery('simple',
  'w1:* & w2:*'); the planner reads the index (rare words) or filters an ordered index
  walk (common words), and the filter reads the stored vector instead of recomputing
  it per row.
- SQLite: a contentless FTS5 table `task_search` (rowid = task.id) kept in sync by
  triggers on task insert, update of data, and delete. The same words go in, as
  `"w1"* "w2"*`. A page in id order walks the matches in FTS5's rowid order (a
  join, see `search_driven`), so it stops when the page is full; other orders sort
  the matches (cost grows with the number of matches: fine for rare words, about
  0.1-0.5 s at 1M tasks when nearly every task matches).

`create_search_index(bind)` / `drop_search_index(bind)` create and remove these objects
(the migration calls them; so does create_all through the Task table's DDL events).

One difference remains between the two: PostgreSQL's parser keeps an e-mail address or
a URL host as one word ("ada@example.org" is found by "ada" or the whole address, not
by "example"), where FTS5 splits it at the punctuation.
"""
from __future__ import annotations

import re

from sqlalchemy import column, event, func, literal_column, select, table
from sqlalchemy.engine import Connection
from sqlalchemy.sql import FromClause
from sqlalchemy.sql.elements import ColumnElement

from webapp.models import Task

FTS_TABLE = "task_search"
PG_INDEX = "ix_task_data_search"
PG_COLUMN = "search_vector"  # not mapped by the model: the ORM never reads or writes it
MAX_WORDS = 8
_WORD = re.compile(r"[^\W_]+")

# The text FTS5 indexes for a task: its JSON's string and number values, in tree order.
_SQLITE_BODY = "(SELECT group_concat(value, ' ') FROM json_tree({row}.data) WHERE type IN ('text', 'integer', 'real'))"
_SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "body, content='', tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON task BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, body) VALUES (new.id, {_SQLITE_BODY.format(row='new')}); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON task BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, body) VALUES ('delete', old.id, {_SQLITE_BODY.format(row='old')}); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE OF data ON task BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, body) VALUES ('delete', old.id, {_SQLITE_BODY.format(row='old')}); "
    f"INSERT INTO {FTS_TABLE}(rowid, body) VALUES (new.id, {_SQLITE_BODY.format(row='new')}); END",
    # Tasks that existed before the index.
    f"INSERT INTO {FTS_TABLE}(rowid, body) SELECT id, {_SQLITE_BODY.format(row='task')} FROM task",
)
_SQLITE_DROP = (
    *(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{op}" for op in ("insert", "delete", "update")),
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
_PG_DDL = (
    f"ALTER TABLE task ADD COLUMN IF NOT EXISTS {PG_COLUMN} tsvector GENERATED ALWAYS AS "
    "(jsonb_to_tsvector('simple'::regconfig, data, '[\"string\", \"numeric\"]'::jsonb)) STORED",
    f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON task USING gin ({PG_COLUMN})",
)
_PG_DROP = (f"DROP INDEX IF EXISTS {PG_INDEX}", f"ALTER TABLE task DROP COLUMN IF EXISTS {PG_COLUMN}")


def search_ddl(dialect: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(create statements, drop statements) for a dialect: the migration's exact SQL."""
    if dialect == "postgresql":
        return _PG_DDL, _PG_DROP
    if dialect == "sqlite":
        return _SQLITE_DDL, _SQLITE_DROP
    return (), ()


def create_search_index(bind: Connection) -> None:
    """Idempotent: an existing FTS5 table is left as it is (its rows are not re-added)."""
    if bind.dialect.name == "sqlite" and bind.exec_driver_sql(
        f"SELECT 1 FROM sqlite_master WHERE name = '{FTS_TABLE}'"
    ).first():
        return
    for statement in search_ddl(bind.dialect.name)[0]:
        bind.exec_driver_sql(statement)


def drop_search_index(bind: Connection) -> None:
    for statement in search_ddl(bind.dialect.name)[1]:
        bind.exec_driver_sql(statement)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """For Alembic's autogenerate and compare: the FTS5 table, its shadow tables and the
    expression index are made by create_search_index, not by the models."""
    if type_ == "table" and name and name.startswith(FTS_TABLE):
        return False
    return not ((type_ == "index" and name == PG_INDEX) or (type_ == "column" and name == PG_COLUMN))


def search_words(text_: str) -> list[str]:
    """The query's words as both tokenizers split them (letters and digits)."""
    return [w.lower() for w in _WORD.findall(text_)][:MAX_WORDS]


def _words_or_none(text_: str) -> list[str] | None:
    return search_words(text_) or None


def search_clause(dialect: str, text_: str) -> ColumnElement | None:
    """Membership in the matches as a WHERE term on Task; None when the text has no word."""
    words = _words_or_none(text_)
    if words is None:
        return None
    if dialect == "postgresql":
        vector = literal_column(f"task.{PG_COLUMN}")
        query = func.to_tsquery(literal_column("'simple'::regconfig"), " & ".join(f"{w}:*" for w in words))
        return vector.op("@@")(query)
    fts = table(FTS_TABLE, column("rowid"))
    return Task.id.in_(select(fts.c.rowid).where(_fts_match(words)))


def search_driven(dialect: str, text_: str) -> tuple[FromClause, ColumnElement, ColumnElement] | None:
    """SQLite, for a page in id order: (task_search JOIN task, the MATCH term, the rowid to
    order by). FTS5 hands out its matches in rowid order, so the page reads matches until
    it is full instead of collecting them all first. None elsewhere."""
    words = _words_or_none(text_)
    if dialect != "sqlite" or words is None:
        return None
    fts = table(FTS_TABLE, column("rowid"))
    return fts.join(Task, Task.id == fts.c.rowid), _fts_match(words), fts.c.rowid


def _fts_match(words: list[str]) -> ColumnElement:
    return literal_column(FTS_TABLE).op("MATCH")(" ".join(f'"{w}"*' for w in words))


def _after_create(table, connection: Connection, **_) -> None:
    create_search_index(connection)


def _before_drop(table, connection: Connection, **_) -> None:
    drop_search_index(connection)


event.listen(Task.__table__, "after_create", _after_create)
event.listen(Task.__table__, "before_drop", _before_drop)
