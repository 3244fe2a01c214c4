"""Engine, per-request session and the declarative Base with a naming convention."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Flask, current_app, g
from psycopg import DataError
from psycopg.types.datetime import TimestamptzBinaryLoader, TimestamptzLoader
from sqlalchemy import MetaData, create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from fieldapp.config import Settings

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(settings: Settings) -> Engine:
    """Create the engine; every connection learns the deployment's grid and JIT settings."""
    engine = create_engine(settings.database_url, pool_pre_ping=True, future=True)

    @event.listens_for(engine, "connect")
    def _set_grid(dbapi_conn, _record):  # the public-geometry trigger reads the grid settings
        with dbapi_conn.cursor() as cur:
            cur.execute(
                "SELECT set_config('fieldapp.metric_srid', %s, false), set_config('fieldapp.generalise_m', %s, false),"
                " set_config('fieldapp.generalise_floor_m', %s, false), set_config('jit', %s, false)",
                (
                    str(settings.metric_srid),
                    str(settings.generalise_m),
                    str(settings.generalise_floor_m),
                    "on" if settings.db_jit else "off",
                ),
            )
        dbapi_conn.commit()
        read_dates_safely(dbapi_conn)

    return engine


class _ClampedTimestamptz(TimestamptzLoader):
    def load(self, data):
        try:
            return super().load(data)
        except DataError:  # PostgreSQL's range is wider than Python's (4713 BC to 294276 AD)
            return _clamped(b"BC" in bytes(data))


class _ClampedTimestamptzBinary(TimestamptzBinaryLoader):
    def load(self, data):
        try:
            return super().load(data)
        except DataError:  # microseconds since 2000: negative means before year 1
            return _clamped(int.from_bytes(bytes(data), "big", signed=True) < 0)


def _clamped(early: bool) -> datetime:
    return (datetime.min if early else datetime.max).replace(tzinfo=UTC)


def read_dates_safely(dbapi_conn) -> None:
    """Read a stored date Python cannot hold as the nearest one it can, so one bad row cannot break every page."""
    dbapi_conn.adapters.register_loader("timestamptz", _ClampedTimestamptz)
    dbapi_conn.adapters.register_loader("timestamptz", _ClampedTimestamptzBinary)


class Database:
    """The app's engine and session factory."""

    def __init__(self, settings: Settings):
        self.engine = make_engine(settings)
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False)

    def bind_to(self, connection: Connection) -> None:
        """Join sessions to an outer transaction (tests roll it back afterwards)."""
        self.sessionmaker.configure(bind=connection, join_transaction_mode="create_savepoint")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session outside a request (CLI, background work); commits on success."""
        session = self.sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def init_db(app: Flask, settings: Settings) -> Database:
    """Attach the database to the app and close each request's session at teardown."""
    database = Database(settings)
    app.extensions["fieldapp.db"] = database

    @app.teardown_appcontext
    def _close_session(_exc):
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    return database


def get_db() -> Database:
    return current_app.extensions["fieldapp.db"]


def get_session() -> Session:
    """The current request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = get_db().sessionmaker()
    return g.db_session


def read_in_autocommit(session: Session) -> None:
    """Let this request's statements run in autocommit: each its own implicit transaction, with no BEGIN
    and ROLLBACK round trips around them (at 8 concurrent clients those two cost a list about a fifth of
    its throughput). For views that only read, called before their first statement; a session joined to
    an outer transaction (the tests') or already in one is left as it is. The pool restores the
    connection's isolation level when the request returns it."""
    if isinstance(session.bind, Engine) and not session.in_transaction():
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def in_autocommit(session: Session) -> bool:
    """Whether the session's statements run in autocommit (read_in_autocommit)."""
    return session.connection().get_execution_options().get("isolation_level") == "AUTOCOMMIT"


def set_actor(session: Session, user_id: object | None) -> None:
    """Tell the history trigger who is making this transaction's changes."""
    session.execute(
        text("SELECT set_config('fieldapp.actor_id', :uid, true)"),
        {"uid": "" if user_id is None else str(user_id)},
    )


@contextmanager
def planner_settings(session: Session, **settings: str) -> Iterator[None]:
    """Planner settings for the statements inside, restored after (set_config's local values would
    otherwise last to the end of the transaction and steer every later statement too)."""
    names = sorted(settings)
    before = session.execute(text("SELECT " + ", ".join(f"current_setting('{n}')" for n in names))).one()
    apply = ", ".join(f"set_config('{n}', :{n}, true)" for n in names)
    session.execute(text(f"SELECT {apply}"), settings)
    try:
        yield
    finally:
        session.execute(text(f"SELECT {apply}"), dict(zip(names, before, strict=True)))
