"""Insert many rows at once: PostgreSQL COPY (one round trip per stream, not per row), executemany elsewhere."""
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
    names = ", ".join(f'"{column.name}"' for column in columns)
    statement = f'COPY "{model.__table__.name}" ({names}) FROM STDIN'
    raw = connection.connection.driver_connection
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([value if process is None or value is None else process(value)
                                for value, process in zip((row.get(key) for key in keys), processors)])
    except psycopg.IntegrityError as exc:  # the same exception as the executemany path, for callers' handlers
        raise sa.exc.IntegrityError(statement, None, exc) from exc
