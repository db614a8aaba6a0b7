"""Insert many rows at once: PostgreSQL COPY (one round trip per stream, not per row), executemany elsewhere."""
from collections.abc import Iterable

import psycopg
import sqlalchemy as sa

from core.extensions import db


def insert_rows(model, rows: list[dict]) -> None:
    """Insert dicts keyed by the model's attribute names; keys that are no mapped column are ignored.

    The values go through each column's own bind processing (Money, ScaledDecimal, UTCDateTime, enums), so the
    stored rows are the ones `sa.insert(model)` would store. Columns absent from every row are left to the database.
    """
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        db.session.execute(sa.insert(model), rows)
        return
    attrs = sa.inspect(model).column_attrs
    keys = [key for key in dict.fromkeys(k for row in rows for k in row) if key in attrs]
    columns = [attrs[key].columns[0] for key in keys]
    processors = [column.type.bind_processor(connection.dialect) for column in columns]
    copy_rows(model.__table__, [column.name for column in columns], (
        [value if process is None or value is None else process(value)
         for value, process in zip((row.get(key) for key in keys), processors)] for row in rows))


def copy_rows(table: sa.Table, columns: list[str], rows: Iterable) -> None:
    """Insert rows already in stored form (cents, enum values: see `stored`), in `columns` order."""
    connection = db.session.connection()
    names = ", ".join(f'"{name}"' for name in columns)
    if connection.dialect.name != "postgresql":
        rows = [tuple(row) for row in rows]
        if rows:
            connection.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(columns))})',
                                       rows)
        return
    statement = f'COPY "{table.name}" ({names}) FROM STDIN'
    raw = connection.connection.driver_connection
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except psycopg.IntegrityError as exc:  # the same exception as the executemany path, for callers' handlers
        raise sa.exc.IntegrityError(statement, None, exc) from exc


def stored(model, key: str, value):
    """The value as the model's column `key` stores it (Money in cents, an enum as its value): for copy_rows."""
    column = sa.inspect(model).column_attrs[key].columns[0]
    process = column.type.bind_processor(db.session.connection().dialect)
    return value if process is None or value is None else process(value)
