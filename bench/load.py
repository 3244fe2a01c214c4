"""Bulk load of synthetic observations by COPY, with the triggers on or in one bulk pass."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg

# Jersey's bounding box (minLon, minLat, maxLon, maxLat).
JERSEY_BBOX = (-2.30, 49.13, -1.90, 49.30)
SUBJECTS = (
    "Zostera marina",
    "Patella vulgata",
    "Halichoerus grypus",
    "Haematopus ostralegus",
    "Calidris alba",
    "Ascophyllum nodosum",
    "Ostrea edulis",
    "Tursiops truncatus",
    "ormer",
    "vraic",
    "Phalacrocorax aristotelis",
    "Arenicola marina",
)
COLUMNS = (
    "id",
    "dataset_id",
    "contributor_id",
    "entered_by",
    "subject_text",
    "occurrence_status",
    "count",
    "observed_start",
    "time_precision",
    "geom",
    "visibility",
    "licence",
    "attributes",
)
HISTORY_TRIGGERS = ("observation_history_insert", "observation_history_update", "observation_history_delete")
# With the triggers off, the loader writes what the public-geometry trigger would have.
BULK_COLUMNS = (*COLUMNS, "public_geom")
# The history trigger's insert, as one statement, through the trigger's own row-to-JSON function.
HISTORY_SQL = """
    INSERT INTO observation_history (observation_id, action, actor_id, changes)
    SELECT o.id, 'create', %(actor)s, fieldapp_observation_json(o)
    FROM observation o WHERE o.dataset_id = %(dataset)s
"""
# Only the triggers whose work the bulk path repeats (public geometry per row, history per statement);
# the rollups' statement triggers keep firing.
TRIGGERS = ("observation_public_geom", *HISTORY_TRIGGERS)
EPOCH = datetime(2015, 1, 1, tzinfo=UTC)
SPAN_S = 10 * 365 * 86400


@dataclass(frozen=True)
class Owner:
    """Where loaded rows go and whom they credit."""

    dataset_id: int
    contributor_id: int
    user_id: int


@dataclass(frozen=True)
class Synthetic:
    """One synthetic public point observation."""

    id: uuid.UUID
    lon: float
    lat: float
    subject_text: str
    count: int
    observed_start: datetime


def synthetic(n: int, seed: int = 1) -> Iterator[Synthetic]:
    """N observations spread uniformly over Jersey's bounding box (reproducible)."""
    rnd = random.Random(seed)
    minx, miny, maxx, maxy = JERSEY_BBOX
    for _ in range(n):
        yield Synthetic(
            id=uuid.UUID(int=rnd.getrandbits(128), version=4),
            lon=round(rnd.uniform(minx, maxx), 7),
            lat=round(rnd.uniform(miny, maxy), 7),
            subject_text=rnd.choice(SUBJECTS),
            count=rnd.randint(1, 50),
            observed_start=EPOCH + timedelta(seconds=rnd.randrange(SPAN_S)),
        )


def copy_line(obs: Synthetic, owner: Owner, with_public_geom: bool) -> str:
    """One row in COPY text format."""
    point = f"SRID=4326;POINT({obs.lon} {obs.lat})"
    fields = [
        str(obs.id),
        str(owner.dataset_id),
        str(owner.contributor_id),
        str(owner.user_id),
        obs.subject_text,
        "present",
        str(obs.count),
        obs.observed_start.isoformat(),
        "instant",
        point,
        "public",
        "CC-BY-4.0",
        "{}",
    ]
    if with_public_geom:
        fields.append(point)
    return "\t".join(fields) + "\n"


def copy_rows(
    conn: psycopg.Connection, rows: Iterator[Synthetic], owner: Owner, bulk: bool = False, chunk: int = 5000
) -> int:
    """COPY rows into observation in the current transaction; returns how many."""
    columns = ", ".join(BULK_COLUMNS if bulk else COLUMNS)
    count, buffer = 0, []
    with conn.cursor() as cur, cur.copy(f"COPY observation ({columns}) FROM STDIN") as copy:
        for obs in rows:
            buffer.append(copy_line(obs, owner, bulk))
            count += 1
            if len(buffer) >= chunk:
                copy.write("".join(buffer))
                buffer.clear()
        if buffer:
            copy.write("".join(buffer))
    return count


def _alter_triggers(action: str) -> str:
    return "ALTER TABLE observation " + ", ".join(f"{action} TRIGGER {t}" for t in TRIGGERS)


def secondary_indexes(conn: psycopg.Connection) -> list[tuple[str, str]]:
    """Observation's indexes that back no constraint, with the DDL that recreates each."""
    return conn.execute("""
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = 'observation'
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
    """).fetchall()


def bulk_copy(conn: psycopg.Connection, n: int, owner: Owner) -> int:
    """COPY with triggers off and secondary indexes dropped, then do the triggers' work in SQL."""
    # One transaction: nobody else ever sees the table without its triggers or indexes.
    indexes = secondary_indexes(conn)
    conn.execute(_alter_triggers("DISABLE"))
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    copied = copy_rows(conn, synthetic(n), owner, bulk=True)
    conn.execute(HISTORY_SQL, {"actor": owner.user_id, "dataset": owner.dataset_id})
    for _, ddl in indexes:
        conn.execute(ddl)
    conn.execute(_alter_triggers("ENABLE"))
    return copied


def load(conninfo: str, n: int, owner: Owner, mode: str) -> dict:
    """Load n observations and ANALYZE; mode 'triggers' keeps the triggers on, 'bulk' does not."""
    started = time.perf_counter()
    with psycopg.connect(conninfo) as conn:
        copied = bulk_copy(conn, n, owner) if mode == "bulk" else copy_rows(conn, synthetic(n), owner)
        conn.commit()
        loaded = time.perf_counter()
        conn.autocommit = True
        conn.execute("ANALYZE observation")
        conn.execute("ANALYZE observation_history")
    finished = time.perf_counter()
    return {
        "rows": copied,
        "mode": mode,
        "load_s": loaded - started,
        "analyze_s": finished - loaded,
        "total_s": finished - started,
        "rows_per_s": copied / (loaded - started),
    }
