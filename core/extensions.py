"""Extensions, created unbound and initialised by the app factory."""
import sqlite3

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
import sqlalchemy as sa
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations portable between SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

db = SQLAlchemy(model_class=Base)
_AFTER_COMMIT = "after_commit"


def after_commit(callback) -> None:
    """Call `callback()` once the current transaction has committed (at once if none is open); forget it on a
    rollback. For effects outside the database: sending a task, removing a file."""
    session = db.session()
    if session.in_transaction():
        session.info.setdefault(_AFTER_COMMIT, []).append(callback)
    else:
        callback()


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_wal(dbapi_connection, _record) -> None:
    """A SQLite file is shared by the web, worker and scheduler processes: in WAL mode a reader never waits for the
    writer (a worker's import), only writers take turns."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA journal_mode=WAL")


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _after_commit(session) -> None:
    if session.get_nested_transaction() is None:  # a savepoint's release is no commit
        for callback in session.info.pop(_AFTER_COMMIT, []):
            callback()


@sa.event.listens_for(sa.orm.Session, "after_transaction_end")
def _after_rollback(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_AFTER_COMMIT, None)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()


def enum_type(enum_cls, length: int = 30):
    """A StrEnum stored as its readable value in a VARCHAR (no native enum, so adding a member needs no DDL)."""
    return sa.Enum(enum_cls, native_enum=False, length=length, validate_strings=True,
                   values_callable=lambda members: [m.value for m in members])

#: The largest id an integer key holds (PostgreSQL `integer`); a larger number in a URL or body names no object.
MAX_ID = 2**31 - 1
