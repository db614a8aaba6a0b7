"""Unique keys that two requests can race on (the same trajectory reference, KvK number, contract reference ... sent
at the same moment): each service checks for a twin first, but of two requests that both found none, the database
refuses the second insert. That refusal reaches the user as the Conflict (409) the key declares, named by field,
instead of a 500; HTML forms show it on the field like the service's own check.

A key declares it in its `info` (on the column for a one-column key, else on the constraint or index):
`info=on_conflict("reference", "Deze trajectreferentie is al in gebruik.")`. Keys without one stay an
IntegrityError, for code that expects the refusal and handles it itself (idempotency keys, job claims, event_ids).
"""
import re
from functools import cache

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from core.errors import Conflict
from core.extensions import db

#: PostgreSQL's unique_violation.
UNIQUE_VIOLATION = "23505"
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)")


def on_conflict(field: str | None, message: str) -> dict:
    """The `info` of a unique key: the field to name and the Dutch message for a twin stored at the same moment."""
    return {"conflict": (field, message)}


def install() -> None:
    """Translate the refusals of every engine (once per process)."""
    if not sa.event.contains(sa.engine.Engine, "handle_error", _translate):
        sa.event.listen(sa.engine.Engine, "handle_error", _translate)


def _translate(context) -> None:
    if isinstance(context.sqlalchemy_exception, IntegrityError):
        declared = _declared().get(_key(context.original_exception))
        if declared is not None:
            field, message = declared
            raise Conflict(message, field=field) from context.sqlalchemy_exception


def _key(error) -> str | tuple | None:
    """The refused key: its name on PostgreSQL, (table, its columns) on SQLite, whose message names no key."""
    if getattr(error, "sqlstate", None) == UNIQUE_VIOLATION:
        return error.diag.constraint_name
    found = _SQLITE_UNIQUE.match(str(error))
    if found is None:
        return None
    columns = [name.strip().split(".") for name in found.group(1).split(",")]
    return columns[0][0], tuple(sorted(column for _, column in columns))


@cache
def _declared() -> dict:
    """Every declared key by name and by (table, columns)."""
    keys = {}
    for table in db.metadata.tables.values():
        for key in [*table.constraints, *table.indexes]:
            if not isinstance(key, sa.UniqueConstraint) and not getattr(key, "unique", False):
                continue
            columns = list(key.columns)
            declared = key.info.get("conflict") or (columns[0].info.get("conflict") if len(columns) == 1 else None)
            if declared:
                keys[key.name] = keys[table.name, tuple(sorted(c.name for c in columns))] = declared
    return keys
