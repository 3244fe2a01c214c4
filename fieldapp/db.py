"""Engine, per-request session and the declarative Base with a naming convention."""

from __future__ import annotations

import functools
import select
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime

from flask import Flask, Response, current_app, g, has_request_context, request
from psycopg import DataError
from psycopg.types.datetime import TimestamptzBinaryLoader, TimestamptzLoader
from sqlalchemy import MetaData, TextClause, create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError
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


# psycopg prepares a statement it has run five times on a connection, and PostgreSQL may then plan it once for
# any parameters (a generic plan) when that looks cheaper on average. The lists, tiles and counts share one
# statement text for very different bboxes: the generic plan of the list sorted every match of the whole
# island before taking a page (100 features at 100,000 rows: 3-5 s on every request of that connection
# from about its seventh, instead of 0.2 s). Prepared statements still save parsing; each is planned anew.
PLAN_CACHE_MODE = "force_custom_plan"
# What the planner charges for starting parallel workers (PostgreSQL's default: 1000). At 1000 it gave the
# whole island's first page of 100 features a worker to save 1% of its cost estimate (7,041 instead of
# 7,116), and the page then waited for the worker to start: 0.1-0.2 s on a busy 2-core machine for
# a millisecond of work. Large statements (a million-row grouping, costed in the hundreds of thousands)
# still run in parallel.
PARALLEL_SETUP_COST = 5000
# A pooled connection idle for longer than this is pinged before use (see check_on_checkout).
IDLE_PING_S = 30.0


def make_engine(settings: Settings, **connect_args: object) -> Engine:
    """Create the engine; every connection learns the deployment's grid and JIT settings, and the planner's (below)."""
    engine = create_engine(
        settings.database_url,
        # Not pre-pinged on every checkout (a round trip per request, a tenth of a list's throughput at
        # 8 clients): check_on_checkout pings only a connection the server has spoken on or closed while
        # it sat in the pool, or that sat there long.
        pool_pre_ping=False,
        future=True,
        connect_args=connect_args,
        execution_options={JIT_OPTION: settings.db_jit},  # what no_jit reads, without a round trip
    )

    @event.listens_for(engine, "connect")
    def _set_grid(dbapi_conn, _record):  # the public-geometry trigger reads the grid settings
        with dbapi_conn.cursor() as cur:
            # The planner: PLAN_CACHE_MODE and PARALLEL_SETUP_COST above.
            cur.execute(
                "SELECT set_config('fieldapp.metric_srid', %s, false), set_config('fieldapp.generalise_m', %s, false),"
                " set_config('fieldapp.generalise_floor_m', %s, false), set_config('jit', %s, false),"
                f" set_config('plan_cache_mode', '{PLAN_CACHE_MODE}', false),"
                f" set_config('parallel_setup_cost', '{PARALLEL_SETUP_COST}', false)",
                (
                    str(settings.metric_srid),
                    str(settings.generalise_m),
                    str(settings.generalise_floor_m),
                    "on" if settings.db_jit else "off",
                ),
            )
        dbapi_conn.commit()
        read_dates_safely(dbapi_conn)

    check_on_checkout(engine, IDLE_PING_S)
    return engine


def check_on_checkout(engine: Engine, idle_ping_s: float) -> None:
    """Hand out no connection the server has dropped, at the cost of a round trip only when one may be.

    A server that restarts, fails over or ends a backend (pg_terminate_backend, idle timeouts) first sends
    an error or closes the socket, so an idle connection whose socket has something to read is suspect;
    one that sat unused for `idle_ping_s` (a network may have dropped it silently) is too. Either is
    pinged, and one that does not answer is replaced (DisconnectionError: the pool retries with a new
    connection), as pool_pre_ping would. A connection dropped while a request holds it still fails that
    request (503), and the pool then replaces every connection older than the failure."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn, record):
        record.info["fieldapp_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn, record, _proxy):
        since = record.info.pop("fieldapp_idle_since", None)
        if since is None:  # a new connection
            return
        if time.monotonic() - since < idle_ping_s and not _socket_readable(dbapi_conn):
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as error:
            raise DisconnectionError(f"pooled connection lost: {error}") from error


def _socket_readable(dbapi_conn) -> bool:
    """Whether the server sent anything (a termination notice, end of file) to an idle connection."""
    try:
        fd = dbapi_conn.pgconn.socket
        readable, _, _ = select.select([fd], [], [], 0)
    except Exception:  # closed, or no socket to read: let the ping find out
        return True
    return bool(readable)


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


# Reads that may come from a replica (GET and HEAD only): blueprints whose every GET only reads, and single
# endpoints. Not "every GET": exports and comparisons record their use, the comparison page stores its cells.
READ_BLUEPRINTS = frozenset({"tiles", "ogcapi"})
READ_ENDPOINTS = frozenset(
    {"observations_api.list_observations", "datasets_api.list_datasets", "datasets_api.get_dataset"}
)
# The cookie holding the primary's WAL position after a client's last write (read-your-writes).
WROTE_COOKIE = "fieldapp_wrote"
_REPLICA_STATE = text("""
    SELECT pg_last_wal_replay_lsn()::text AS replay,
           CASE WHEN NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN NULL
                WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END AS lag_s""")


def lsn_number(lsn: str) -> int:
    """A PostgreSQL LSN ('16/B374D848') as a number, for comparing."""
    high, low = lsn.split("/")
    return (int(high, 16) << 32) + int(low, 16)


class Database:
    """The app's engine and session factory, and its read replicas' (DATABASE_REPLICA_URLS)."""

    def __init__(self, settings: Settings):
        self.engine = make_engine(settings)
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.replicas = [
            sessionmaker(
                bind=make_engine(replace(settings, database_url=url), connect_timeout=3), expire_on_commit=False
            )
            for url in settings.database_replica_urls
        ]
        self.replica_max_lag_s = settings.replica_max_lag_s

    def replica_sessionmaker(self, wrote_lsn: int = 0) -> sessionmaker | None:
        """The first replica that is streaming, within the lag bound and has replayed wrote_lsn; None if none."""
        for maker in self.replicas:
            try:
                with maker.kw["bind"].connect() as conn:
                    state = conn.execute(_REPLICA_STATE).one()
            except DBAPIError:  # down or unreachable: the primary serves the read
                continue
            if state.replay is None or state.lag_s is None or state.lag_s > self.replica_max_lag_s:
                continue
            if lsn_number(state.replay) >= wrote_lsn:
                return maker
        return None

    def wal_position(self) -> str:
        """The primary's current WAL position: at or past every transaction committed so far."""
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT pg_current_wal_lsn()::text")).scalar_one()

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
        for name in ("db_session", "db_write_session"):
            session = g.pop(name, None)
            if session is not None:
                session.close()

    return database


def get_db() -> Database:
    return current_app.extensions["fieldapp.db"]


def get_session() -> Session:
    """The current request's session, opened on first use: on a replica for the reads that may (use_replica)."""
    if "db_session" not in g:
        database = get_db()
        maker = None
        if database.replicas and _may_read_from_replica():
            maker = database.replica_sessionmaker(_wrote_lsn())
        g.db_session = (maker or database.sessionmaker)()
        g.db_on_replica = maker is not None
    return g.db_session


def write_session() -> Session:
    """A session on the primary for the small write a read makes (the log of exact views): the request's own
    session, unless the request reads from a replica, which takes no writes. The caller commits."""
    session = get_session()
    if not g.get("db_on_replica"):
        return session
    if "db_write_session" not in g:
        g.db_write_session = get_db().sessionmaker()
    return g.db_write_session


def _may_read_from_replica() -> bool:
    return (
        has_request_context()
        and request.method in ("GET", "HEAD")
        and (request.blueprint in READ_BLUEPRINTS or request.endpoint in READ_ENDPOINTS)
    )


def _wrote_lsn() -> int:
    try:
        return lsn_number(request.cookies.get(WROTE_COOKIE, "0/0"))
    except ValueError:
        return 0


def remember_writes(response: Response) -> Response:
    """After a write, tell the client where the primary's WAL is, so its next reads wait for a replica to get there
    (an after_request hook; only with replicas)."""
    database = get_db()
    if database.replicas and request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400:
        response.set_cookie(
            WROTE_COOKIE, database.wal_position(), max_age=600, httponly=True, samesite="Lax", secure=request.is_secure
        )
    return response


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
    otherwise last to the end of the transaction and steer every later statement too). In autocommit
    (read_in_autocommit) each statement is its own transaction: the setting is the session's, restored after."""
    names = sorted(settings)
    before = session.execute(text("SELECT " + ", ".join(f"current_setting('{n}')" for n in names))).one()
    local = "false" if in_autocommit(session) else "true"
    apply = ", ".join(f"set_config('{n}', :{n}, {local})" for n in names)
    session.execute(text(f"SELECT {apply}"), settings)
    try:
        yield
    finally:
        session.execute(text(f"SELECT {apply}"), dict(zip(names, before, strict=True)))


@functools.lru_cache(maxsize=256)
def cached_text(sql: str) -> TextClause:
    """text(sql), built once per process for a statement sent again and again: building it scans the whole
    text for bind parameters with a regular expression (about 2 ms a tile or list request on a busy machine)."""
    return text(sql)


JIT_OPTION = "fieldapp_jit"


@contextmanager
def no_jit(session: Session) -> Iterator[None]:
    """JIT off for the statements inside: the list, count, tile and bulk-write statements use it.

    PostGIS functions are costed high, so their statements cross jit_above_cost and PostgreSQL compiles
    them for longer than they run (FIELD-NOTES: 0.8 s of compiling for a 0.35 s whole-island list, 0.35 s
    per 100,000 imported rows). Every connection starts with JIT off (make_engine, FIELDAPP_DB_JIT
    unset), and then this costs nothing; where a deployment turns JIT on for its other statements, these
    run with `jit = off` set locally (planner_settings) and restored after."""
    if not session.connection().get_execution_options().get(JIT_OPTION):
        yield
        return
    with planner_settings(session, jit="off"):
        yield
