"""`python -m bench.traffic`: the load scenario (bench/locustfile.py) against the production stack, with and without
a read replica; throughput, p50/p95 per request kind, errors, and records lost or duplicated (counted in the database).

A throw-away primary and its streaming standby under /tmp (bench/cluster.py), seeded with --records public points;
`fieldapp serve` (nginx -> gunicorn, a job worker) on 127.0.0.1, started once without DATABASE_REPLICA_URLS and once
with the standby in it; locust, headless, for --seconds each run. Bounded: each run's locust is stopped after
--seconds, and killed if it has not ended 60 s later. Figures go to stdout and bench/out/traffic-latest.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

from bench.cluster import Pair, free_port, migrate_fieldapp
from bench.load import Owner, load

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


def _seed(pair: Pair, records: int) -> dict[str, str]:
    """A warden (steward of the wardens' dataset), a staff member, and --records public points in another dataset."""
    from fieldapp.accounts.service import create_user, issue_token
    from fieldapp.config import Settings
    from fieldapp.datasets.models import Dataset
    from fieldapp.db import Database

    database = Database(Settings(database_url=pair.url(), development=True))
    with database.sessionmaker() as session:
        warden = create_user(session, "warden@example.org", role="steward", name="Load Warden")
        staff = create_user(session, "staff@example.org", role="staff", name="Load Staff")
        tokens = {"warden": issue_token(session, warden), "staff": issue_token(session, staff)}
        datasets = {}
        for slug, title in (("load-wardens", "Wardens under load"), ("load-seed", "Seeded survey")):
            dataset = Dataset(
                slug=slug,
                title=title,
                knowledge_kind="volunteer",
                licence="CC-BY-4.0",
                default_visibility="public",
                steward_id=warden.contributor_id,
            )
            session.add(dataset)
            session.flush()
            datasets[slug] = dataset.id
        session.commit()
        owner = Owner(datasets["load-seed"], warden.contributor_id, warden.id)
    database.engine.dispose()
    load(pair.primary.dsn(), records, owner, "triggers")
    return tokens


def _serve(pair: Pair, replica: bool, port: int, folder: Path, log: Path) -> subprocess.Popen:
    env = os.environ | {
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": pair.url(),
        "FIELDAPP_ENV": "production",
        "FIELDAPP_SECRET_KEY": "traffic-bench-secret",
        "FIELDAPP_MEDIA_DIR": str(pair.root / "media"),
    }
    env.pop("DATABASE_REPLICA_URLS", None)
    if replica:
        env["DATABASE_REPLICA_URLS"] = f"postgresql+psycopg://{pair.standby.dsn().split('://', 1)[1]}"
    command = [sys.executable, "-c", "from fieldapp.cli import main; main()", "serve", "--port", str(port)]
    command += ["--app-port", str(free_port()), "--dir", str(folder), "--web-workers", "2", "--workers", "1"]
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"fieldapp serve exited: {log.read_text()[-2000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.5)
    server.send_signal(signal.SIGTERM)
    raise RuntimeError("fieldapp serve did not answer within 60 s")


def _stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=45)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _locust(port: int, users: int, seconds: int, tokens: dict[str, str], mark: str, folder: Path) -> dict:
    prefix = folder / mark
    env = os.environ | {
        "FIELDAPP_LOAD_WARDEN_TOKEN": tokens["warden"],
        "FIELDAPP_LOAD_STAFF_TOKEN": tokens["staff"],
        "FIELDAPP_LOAD_DATASET": "load-wardens",
        "FIELDAPP_LOAD_MARK": mark,
        "FIELDAPP_LOAD_OUT": f"{prefix}-ids.json",
    }
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless"]
    command += ["-u", str(users), "-r", str(max(1, users // 2)), "-t", f"{seconds}s", "--stop-timeout", "10"]
    command += ["--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"]
    with (folder / f"{mark}-locust.log").open("wb") as log:
        subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=seconds + 60)
    failures = []
    if Path(f"{prefix}_failures.csv").exists():
        with Path(f"{prefix}_failures.csv").open() as f:
            failures = [f"{r['Name']}: {r['Error'][:200]} (x{r['Occurrences']})" for r in csv.DictReader(f)]
    return {
        "stats": _stats(Path(f"{prefix}_stats.csv")),
        "ids": json.loads(Path(f"{prefix}-ids.json").read_text()),
        "failures": failures,
    }


def _stats(path: Path) -> dict[str, dict]:
    rows = {}
    with path.open() as f:
        for row in csv.DictReader(f):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 1),
                "p50_ms": int(float(row["50%"] or 0)),
                "p95_ms": int(float(row["95%"] or 0)),
            }
    return rows


def _count(pair: Pair, mark: str, ids: dict) -> dict:
    """The run's records in the primary: lost (acknowledged, not there), duplicated, photos stored."""
    rows = pair.primary.sql(
        "SELECT o.id::text, o.notes, (SELECT count(*) FROM media m WHERE m.observation_id = o.id)"
        f" FROM observation o WHERE o.notes LIKE '{mark} %'"
    )
    stored = {r[0] for r in rows or []}
    notes: dict[str, int] = {}
    for _id, note, _photos in rows or []:
        notes[note] = notes.get(note, 0) + 1
    acknowledged = set(ids["acknowledged"])
    return {
        "records_sent": len(ids["sent"]),
        "records_acknowledged": len(acknowledged),
        "records_found": len(acknowledged & stored),
        "records_lost": len(acknowledged - stored),
        "records_duplicated": sum(n - 1 for n in notes.values() if n > 1),
        "photos_acknowledged": len(ids["photos"]),
        "photos_found": sum(1 for r in rows or [] if r[0] in set(ids["photos"]) and r[2] > 0),
    }


def run(modes: list[str], users: int, seconds: int, records: int) -> dict:
    pair = Pair(synchronous=False, prefix="fieldapp-traffic-")
    results: dict = {"users": users, "seconds": seconds, "seeded_records": records, "runs": {}}
    try:
        pair.create(migrate_fieldapp)
        tokens = _seed(pair, records)
        for mode in modes:
            mark = f"load-{mode}-{uuid.uuid4().hex[:6]}"
            port = free_port()
            server = _serve(pair, mode == "replica", port, pair.root / f"serve-{mode}", pair.root / f"{mode}.log")
            try:
                outcome = _locust(port, users, seconds, tokens, mark, pair.root)
            finally:
                _stop(server)
            total = outcome["stats"].pop("Aggregated", {})
            results["runs"][mode] = {
                "throughput_rps": total.get("rps"),
                "requests": total.get("requests"),
                "errors": total.get("failures"),
                "by_kind": outcome["stats"],
                "failures": outcome["failures"],
                **_count(pair, mark, outcome["ids"]),
            }
        results["load_average"] = os.getloadavg()
    finally:
        pair.close()
    return results


def _print(results: dict) -> None:
    print(f"{results['users']} users, {results['seconds']} s per run, {results['seeded_records']:,} seeded records")
    for mode, run_ in results["runs"].items():
        print(f"\n== {mode}: {run_['throughput_rps']} req/s, {run_['requests']} requests, {run_['errors']} errors")
        print(f"   {'kind':<22} {'requests':>8} {'errors':>6} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7}")
        for name, s in run_["by_kind"].items():
            print(
                f"   {name:<22} {s['requests']:>8} {s['failures']:>6} {s['rps']:>6} {s['p50_ms']:>7} {s['p95_ms']:>7}"
            )
        print(
            f"   records sent {run_['records_sent']}, acknowledged {run_['records_acknowledged']}, found"
            f" {run_['records_found']}, lost {run_['records_lost']}, duplicated {run_['records_duplicated']};"
            f" photos acknowledged {run_['photos_acknowledged']}, found {run_['photos_found']}"
        )
        for failure in run_["failures"]:
            print(f"   error: {failure}")
    print(f"\nload average at the end: {results['load_average']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.traffic", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="length of each run")
    parser.add_argument("--users", type=int, default=12, help="locust users (wardens:staff:GIS = 3:3:1)")
    parser.add_argument("--records", type=int, default=50_000, help="public records seeded before the runs")
    parser.add_argument("--modes", default="primary,replica", help="comma list of: primary, replica")
    args = parser.parse_args(argv)
    results = run(args.modes.split(","), args.users, args.seconds, args.records)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "traffic-latest.json").write_text(json.dumps(results, indent=2))
    _print(results)
    lost = sum(r["records_lost"] + r["records_duplicated"] for r in results["runs"].values())
    return 0 if lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
