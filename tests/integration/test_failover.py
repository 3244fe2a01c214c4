"""Failover: the primary is killed under a stream of writes and its synchronous standby promoted (bench/failover.py).

Small and bounded (two clients, a few seconds each side of the kill; about 30 s with the cluster's creation).
Clients that retry with the same ids lose no acknowledged record and create no duplicate, and writes are
acknowledged again after the promotion through the app's multi-host URL.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import failover

BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"), reverse=True)), None)
pytestmark = [pytest.mark.slow, pytest.mark.skipif(BIN is None, reason="needs PostgreSQL's server binaries")]


def test_a_killed_primary_loses_no_acknowledged_record_and_makes_no_duplicate(capsys):
    figures = failover.run(clients=2, before_s=2, after_s=3, detect_s=1, workers=2, synchronous=True)
    with capsys.disabled():
        print(f"\nfailover: {figures}")
    assert figures["acknowledged"] > 0 and figures["acknowledged_after_failover"] > 0, figures
    assert figures["found_after_failover"] == figures["acknowledged"], figures
    assert figures["lost_acknowledged"] == 0 and figures["duplicates"] == 0, figures
    # Every record a client sent was acknowledged in the end: the retries got through the new primary.
    assert figures["sent"] == figures["acknowledged"], figures
