"""The compact report: a table on stdout and the same figures as JSON in bench/out/."""

from __future__ import annotations

import json
import os
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


def page_rows(pages: list[dict], target: float = 1.3) -> list[tuple[str, str, str, str, str]]:
    return [
        (
            f"GET {r['page']}, limit={r['limit']:,} ({r['features']:,} features)",
            f"{r['api']['median_ms']:.1f} ms (p95 {r['api']['p95_ms']:.1f})",
            f"{r['raw']['median_ms']:.1f} ms (p95 {r['raw']['p95_ms']:.1f}, raw SQL)",
            f"{r['ratio']:.2f}x",
            f"<= {target}x {'ok' if r['ratio'] <= target else 'MISSED'}",
        )
        for r in pages
    ]


def size_rows(read: list[dict], target_mb: float = 6.0) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for r in read:
        if "full_bytes" not in r:
            continue
        mb, full = r["bytes"] / 1e6, r["full_bytes"] / 1e6
        scaled = mb * 10_000 / max(r["features"], 1)
        rows.append(
            (
                f"bytes of {r['features']:,} features (lean list vs every property)",
                f"{mb:.2f} MB",
                f"{full:.2f} MB",
                f"{mb / full:.2f}x",
                f"<= {target_mb:g} MB per 10,000 {'ok' if scaled <= target_mb else 'MISSED'}",
            )
        )
    return rows


def count_rows(counted: list[dict], target_ms: float = 30.0) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for r in counted:
        auto, exact = r["auto"], r["exact"]
        given = f"~{auto['matched']:,} estimated" if auto["estimated"] else f"{auto['matched']:,} exact"
        rows.append(
            (
                f"numberMatched, {r['filter']} ({given}; exact {exact['matched']:,})",
                f"{auto['median_ms']:.1f} ms (p95 {auto['p95_ms']:.1f})",
                f"{exact['median_ms']:.1f} ms (exact)",
                f"{auto['median_ms'] / exact['median_ms']:.2f}x",
                f"<= {target_ms:g} ms {'ok' if auto['p95_ms'] <= target_ms else 'MISSED'}",
            )
        )
    return rows


def throughput_rows(figures: dict, target: float = 0.9) -> list[tuple[str, str, str, str, str]]:
    return [
        (
            f"{figures['clients']} clients, {figures['features']:,} features",
            f"{figures['api_rps']:.1f} req/s",
            f"{figures['minimal_rps']:.1f} req/s (minimal view)",
            f"{figures['ratio']:.2f}x",
            f">= {target}x {'ok' if figures['ratio'] >= target else 'MISSED'}",
        )
    ]


def write_rows(write: dict, target: float = 10_000) -> list[tuple[str, str, str, str, str]]:
    rows, copy = [], write["copy"]["obs_per_s"]
    for clients, figures in write["api"].items():
        rate = figures["obs_per_s"]
        rows.append(
            (
                f"POST {write['observations']:,} in batches of {write['batch']:,}, {clients} client(s)",
                f"{rate:,.0f} obs/s",
                f"{copy:,.0f} obs/s (COPY)",
                f"{rate / copy:.2f}x COPY",
                # Issue 12 target 6: 10,000 obs/s with 2 clients (the other client counts are shown beside it).
                f">= {target:,.0f} obs/s {'ok' if rate >= target else 'MISSED'}" if str(clients) == "2" else "",
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
    rows += page_rows(results.get("pages", []))
    rows += size_rows(results.get("read", []))
    rows += count_rows(results.get("counts", []))
    if results.get("throughput"):
        rows += throughput_rows(results["throughput"])
    if results.get("write"):
        rows += write_rows(results["write"])
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([line.format(*head), line.format(*("-" * w for w in widths)), *(line.format(*r) for r in rows)])


def save(results: dict) -> Path:
    """Write the results (with when and where they were measured) as JSON; returns the path."""
    OUT_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    document = {
        "measured_at": stamp,
        "machine": platform.node(),
        "python": platform.python_version(),
        "load_average": os.getloadavg(),
        **results,
    }
    path = OUT_DIR / f"bench-{stamp}.json"
    path.write_text(json.dumps(document, indent=2, default=str))
    (OUT_DIR / "latest.json").write_text(path.read_text())
    return path
