"""`python -m bench.failover`: kill the primary under a stream of writes, promote its standby, count what survived.

A throw-away primary and its synchronous streaming standby (bench/cluster.py, under /tmp, 127.0.0.1 only),
the production web tier (gunicorn from deploy/gunicorn.conf.py) connected by a multi-host URL with
target_session_attrs=read-write, and client threads posting records with ids they generate (idempotent:
a retry of the same id and content is the same record) and retrying each until it is acknowledged. After
--before seconds the primary's postmaster gets SIGKILL; once it has stopped answering for --detect seconds
the standby is promoted (this script is the failover manager, as pg_auto_failover's monitor would be). The
clients write on for --after seconds. Then the promoted primary is asked for every record.

Prints records sent, acknowledged, found after failover, lost (acknowledged, not found), duplicates (one
client record stored twice) and seconds of unavailability (the longest time, from the kill on, in which no
write was acknowledged). Bounded: every wait has a deadline; the whole run takes about a minute (most of it creating and
migrating the cluster).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bench.cluster import Pair, free_port, migrate_fieldapp

ROOT = Path(__file__).resolve().parents[1]
JERSEY = (-2.13, 49.21)


@dataclass
class Tally:
    """What the clients saw, shared by their threads."""

    sent: set[str] = field(default_factory=set)
    acknowledged: dict[str, float] = field(default_factory=dict)  # id -> when its write was acknowledged
    failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _account_and_dataset(url: str) -> tuple[str, str]:
    """A steward with an API token and a dataset to write into; (token, slug)."""
    from fieldapp.accounts.service import create_user, issue_token
    from fieldapp.config import Settings
    from fieldapp.datasets.models import Dataset
    from fieldapp.db import Database

    database = Database(Settings(database_url=url, development=True))
    with database.sessionmaker() as session:
        user = create_user(session, "failover@example.org", role="steward", name="Failover Bench")
        token = issue_token(session, user)
        session.add(
            Dataset(
                slug="failover",
                title="Failover bench",
                knowledge_kind="volunteer",
                licence="CC-BY-4.0",
                default_visibility="public",
                steward_id=user.contributor_id,
            )
        )
        session.commit()
    database.engine.dispose()
    return token, "failover"


def _feature(record_id: str, marker: str) -> dict:
    return {
        "type": "Feature",
        "id": record_id,
        "geometry": {"type": "Point", "coordinates": list(JERSEY)},
        "properties": {"dataset": "failover", "subject_text": "spider crab", "notes": marker},
    }


def _client(base: str, token: str, number: int, tally: Tally, stop: threading.Event, deadline: float) -> None:
    """Post records one after another; retry each (same id, same body) until acknowledged or the run ends."""
    with requests.Session() as http:
        http.headers["Authorization"] = f"Bearer {token}"
        _post_until_stopped(http, base, number, tally, stop, deadline)


def _post_until_stopped(
    http: requests.Session, base: str, number: int, tally: Tally, stop: threading.Event, deadline: float
) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        record_id = str(uuid.uuid4())
        body = _feature(record_id, f"failover client {number} record {n}")
        with tally.lock:
            tally.sent.add(record_id)
        while time.monotonic() < deadline:
            try:
                answer = http.post(f"{base}/api/v1/observations", json=body, timeout=10)
                if answer.status_code in (200, 201):
                    with tally.lock:
                        tally.acknowledged[record_id] = time.monotonic()
                    break
            except requests.RequestException:
                pass
            with tally.lock:
                tally.failures += 1
            time.sleep(0.1)
        else:
            return


def _wait_up(url: str, process: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout_s} s")


def _gunicorn(url: str, port: int, workers: int, folder: Path) -> subprocess.Popen:
    env = os.environ | {
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": url,
        "FIELDAPP_ENV": "production",
        "FIELDAPP_SECRET_KEY": "failover-bench-secret",
        "FIELDAPP_MEDIA_DIR": str(folder / "media"),
    }
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--access-logfile", "/dev/null"]
    with (folder / "gunicorn.log").open("wb") as log:  # the server keeps its own descriptor
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def _promote_when_down(pair: Pair, detect_s: float, timeout_s: float = 30) -> float:
    """Wait until the primary has not answered for detect_s, then promote the standby; when it was promoted."""
    deadline = time.monotonic() + timeout_s
    down_since = None
    while time.monotonic() < deadline:
        if pair.primary.up():
            down_since = None
        elif down_since is None:
            down_since = time.monotonic()
        elif time.monotonic() - down_since >= detect_s:
            pair.standby.promote()
            return time.monotonic()
        time.sleep(0.2)
    raise RuntimeError("the primary kept answering after it was killed")


def _stored(pair: Pair) -> dict[str, int]:
    """Every record of the bench dataset on the promoted standby, and how often each client record is there."""
    rows = pair.standby.sql(
        "SELECT o.id::text, o.notes FROM observation o JOIN dataset d ON d.id = o.dataset_id WHERE d.slug = 'failover'"
    )
    counts: dict[str, int] = {}
    for _id, notes in rows or []:
        counts[notes] = counts.get(notes, 0) + 1
    return {"ids": {r[0] for r in rows or []}, "markers": counts}  # type: ignore[dict-item]


def run(clients: int, before_s: float, after_s: float, detect_s: float, workers: int, synchronous: bool) -> dict:
    pair = Pair(synchronous=synchronous, prefix="fieldapp-failover-")
    server = None
    try:
        started = time.monotonic()
        pair.create(migrate_fieldapp)
        token, _slug = _account_and_dataset(pair.url())
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = _gunicorn(pair.url(), port, workers, pair.root)
        _wait_up(base + "/", server)
        setup_s = time.monotonic() - started

        tally, stop = Tally(), threading.Event()
        deadline = time.monotonic() + before_s + after_s + 60
        threads = [
            threading.Thread(target=_client, args=(base, token, n, tally, stop, deadline), daemon=True)
            for n in range(clients)
        ]
        for thread in threads:
            thread.start()
        time.sleep(before_s)
        killed = time.monotonic()
        pair.primary.kill()
        promoted = _promote_when_down(pair, detect_s)
        time.sleep(after_s)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

        stored = _stored(pair)
        acknowledged = set(tally.acknowledged)
        after_kill = sorted(t for t in tally.acknowledged.values() if t > killed)
        # The outage: the longest time without any acknowledged write, from the kill on.
        marks = [killed, *after_kill]
        outage = max((b - a for a, b in zip(marks, marks[1:], strict=False)), default=None)
        return {
            "clients": clients,
            "synchronous_standby": synchronous,
            "setup_s": round(setup_s, 1),
            "sent": len(tally.sent),
            "acknowledged": len(acknowledged),
            "found_after_failover": len(acknowledged & stored["ids"]),
            "lost_acknowledged": len(acknowledged - stored["ids"]),
            "stored_unacknowledged": len(stored["ids"] - acknowledged),
            "duplicates": sum(n - 1 for n in stored["markers"].values() if n > 1),
            "failed_attempts": tally.failures,
            "promoted_after_kill_s": round(promoted - killed, 2),
            "unavailable_s": round(outage, 2) if outage is not None else None,
            "acknowledged_after_failover": len(after_kill),
        }
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        pair.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.failover", description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=4, help="client threads posting records")
    parser.add_argument("--before", type=float, default=5.0, help="seconds of writes before the primary is killed")
    parser.add_argument("--after", type=float, default=10.0, help="seconds of writes after the standby is promoted")
    parser.add_argument("--detect", type=float, default=1.0, help="seconds the primary must be silent before promotion")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--asynchronous", action="store_true", help="asynchronous standby (acknowledged writes may be lost)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    args = parser.parse_args(argv)
    figures = run(args.clients, args.before, args.after, args.detect, args.workers, not args.asynchronous)
    if args.json:
        print(json.dumps(figures))
    else:
        for name, value in figures.items():
            print(f"{name:>28}: {value}")
    return 0 if figures["lost_acknowledged"] == 0 and figures["duplicates"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
