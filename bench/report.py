"""The compact report: a table on stdout and the same figures as JSON in bench/out/."""

from __future__ import annotations

import json
import platform
from datetime import UTC, datetime
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent / "out"
LOAD_MODES = {"bulk": "row triggers off, their work in SQL", "triggers": "triggers on"}


def read_rows(read: list[dict]) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for r, target in zip(read, (2.0, 1.5), strict=False):
        rows.append(
            (
                f"GET {r['features']:,} features ({r['bytes'] / 1e6:.1f} MB)",
                f"{r['api']['median_ms']:.1f} ms",
                f"{r['raw']['median_ms']:.1f} ms",
                f"{r['ratio']:.2f}x",
                f"<= {target}x {'ok' if r['ratio'] <= target else 'MISSED'}",
            )
        )
    return rows


def write_rows(write: dict, target: float = 5000) -> list[tuple[str, str, str, str, str]]:
    rows, copy = [], write["copy"]["obs_per_s"]
    for clients, figures in write["api"].items():
        rate = figures["obs_per_s"]
        rows.append(
            (
                f"POST {write['observations']:,} in batches of {write['batch']:,}, {clients} client(s)",
                f"{rate:,.0f} obs/s",
                f"{copy:,.0f} obs/s (COPY)",
                f"{copy / rate:.1f}x slower",
                f">= {target:,.0f} obs/s {'ok' if rate >= target else 'MISSED'}",
            )
        )
    return rows


def table(results: dict) -> str:
    """Render the results as a fixed-width table."""
    head = ("measure", "API", "baseline", "ratio", "target")
    load = results.get("load")
    rows = []
    if load:
        how = LOAD_MODES.get(load["mode"], load["mode"])
        rows.append(
            (
                f"load {load['rows']:,} rows by COPY, {how}",
                f"{load['load_s']:.1f} s",
                f"{load['rows_per_s']:,.0f} rows/s",
                f"+ANALYZE {load['analyze_s']:.1f} s",
                "",
            )
        )
    rows += read_rows(results.get("read", []))
    if results.get("write"):
        rows += write_rows(results["write"])
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([line.format(*head), line.format(*("-" * w for w in widths)), *(line.format(*r) for r in rows)])


def save(results: dict) -> Path:
    """Write the results (with when and where they were measured) as JSON; returns the path."""
    OUT_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    document = {"measured_at": stamp, "machine": platform.node(), "python": platform.python_version(), **results}
    path = OUT_DIR / f"bench-{stamp}.json"
    path.write_text(json.dumps(document, indent=2, default=str))
    (OUT_DIR / "latest.json").write_text(path.read_text())
    return path
