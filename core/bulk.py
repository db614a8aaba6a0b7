"""Bulk reads and writes: PostgreSQL COPY in (one round trip per stream, not per row) and server-side cursors out.

`insert_rows` takes rows as the models see them and brings them to their stored form; `copy_rows` writes rows
already in that form; `insert_new` inserts rows whose key is not there yet; `plain_rows` reads millions of rows. `copy_rows`, `plain_rows` and `matching` are where the
two backends differ."""
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain

import psycopg
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from core.extensions import db


def insert_rows(model, rows: Iterable[dict], columns: Sequence[str] | None = None) -> None:
    """Insert dicts keyed by the model's attribute names; keys that are no mapped column are ignored.

    `columns` names the attributes to write, so that `rows` may be a generator that COPY consumes as it goes;
    by default they are every key of any row. A column that a row leaves out is NULL in that row; columns that
    are not written are left to the database. The values go through each column's own bind processing (Money,
    ScaledDecimal, UTCDateTime, enums), so the stored rows are the ones `sa.insert(model)` would store.
    """
    attrs = sa.inspect(model).column_attrs
    if columns is None:
        rows = list(rows)
        present = set().union(*rows)
        columns = [key for key in attrs.keys() if key in present]
    keys = [key for key in columns if key in attrs]
    if not keys:
        return
    dialect = db.session.connection().dialect
    table_columns = [attrs[key].columns[0] for key in keys]
    processors = [(index, _memoised(process)) for index, column in enumerate(table_columns)
                  if (process := column.type.bind_processor(dialect))]

    def processed(row: dict) -> list:
        values = list(map(row.get, keys))
        for index, process in processors:
            if values[index] is not None:
                values[index] = process(values[index])
        return values

    copy_rows(model.__table__, [column.name for column in table_columns], map(processed, rows))


def insert_new(table: sa.Table, rows: list[dict], connection=None) -> None:
    """INSERT the rows whose key is not there yet (ON CONFLICT DO NOTHING, on both databases): a twin inserted at
    the same moment by another transaction is kept once. In the session's transaction unless a connection is given."""
    executor = connection if connection is not None else db.session
    bind = connection if connection is not None else db.session.get_bind()
    insert = (sqlite.insert if bind.dialect.name == "sqlite" else postgresql.insert)(table)
    executor.execute(insert.values(rows).on_conflict_do_nothing())


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
    except psycopg.Error as exc:  # the same exceptions as the executemany path, for callers' handlers
        raise sa.exc.DBAPIError.instance(statement, None, exc, psycopg.Error) from exc


def plain_rows(statement: sa.Select, size: int) -> Iterator[tuple]:
    """A SELECT's rows, `size` at a time through a server-side cursor: for reads of millions of rows.

    On PostgreSQL, when neither a selected column nor a parameter needs SQLAlchemy's type processing (ints, strings,
    dates), psycopg runs the compiled query itself and its tuples come as they are: that halves the time of reading
    4,000,000 events. Such a query bypasses SQLAlchemy's execution events and SQL log. Otherwise, and on SQLite
    (whose dates are text), SQLAlchemy's rows. Close the generator (contextlib.closing) when it may be left unread.
    """
    connection = db.session.connection()
    dialect = connection.dialect
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    types = [column.type for column in statement.selected_columns] + [bind.type for bind in compiled.binds.values()]
    if dialect.name != "postgresql" or any(_processed(type_, dialect) for type_ in types):
        yield from chain.from_iterable(connection.execute(statement.execution_options(yield_per=size)).partitions())
        return
    params = compiled.construct_params()
    try:
        with connection.connection.driver_connection.cursor(name=f"plain_rows_{id(compiled)}") as cursor:
            cursor.execute(compiled.string, params)
            while rows := cursor.fetchmany(size):
                yield from rows
    except psycopg.Error as exc:  # as SQLAlchemy would raise it, for callers' handlers
        raise sa.exc.DBAPIError.instance(compiled.string, params, exc, psycopg.Error) from exc


def _processed(type_: sa.types.TypeEngine, dialect) -> bool:
    """Whether SQLAlchemy converts this type's values; for numbers that depends on the column's own type in the
    database, which is known only once the query has run, so they always count as converted."""
    impl = type_.dialect_impl(dialect)
    return (isinstance(impl, sa.Numeric) or impl.bind_processor(dialect) is not None
            or impl.result_processor(dialect, None) is not None)


def stored(model, key: str, value):
    """The value as the model's column `key` stores it (Money in cents, an enum as its value): for copy_rows."""
    column = sa.inspect(model).column_attrs[key].columns[0]
    process = column.type.bind_processor(db.session.connection().dialect)
    return value if process is None or value is None else process(value)


def _memoised(process):
    """Bulk rows repeat their values (one created_at, a few hour counts): process each distinct value once."""
    done = {}

    def cached(value):
        try:
            return done[value]
        except KeyError:
            done[value] = result = process(value)
            return result
        except TypeError:  # unhashable (JSON)
            return process(value)
    return cached


def matching(column, values) -> sa.ColumnElement[bool]:
    """`column IN values` for long lists: on PostgreSQL one array parameter (`= ANY`), which is quicker to build
    and send than thousands of parameters."""
    values = list(values)
    if db.session.get_bind().dialect.name != "postgresql":
        return column.in_(values)
    return column == sa.any_(sa.bindparam(None, values, type_=postgresql.ARRAY(column.type)))
