"""Small multiples for sensing as server-rendered SVG: one time axis for every source, text escaped.

Bins where a source did not look are drawn as unknown (a grey question mark), never as zero; the
share of a bin's effort spread from records whose interval spans several bins is drawn lighter.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from fieldapp.i18n import _, format_number
from fieldapp.ui import word

# Drawn at a phone's width, so text is its own size there and a desktop only scales it up.
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 380, 120, 44, 8, 12, 22
ARROWS = {"increasing": "↑", "decreasing": "↓", "stable": "→"}


class Axis:
    """Years to x positions, shared by every chart of one answer."""

    def __init__(self, bins: Sequence[int], bin_years: int):
        self.start, self.end, self.bin_years = bins[0], bins[-1] + bin_years, bin_years
        self.bins = list(bins)
        self.width = WIDTH - LEFT - RIGHT

    def x(self, year: float) -> float:
        return LEFT + (year - self.start) / (self.end - self.start) * self.width

    def bar(self) -> float:
        return self.width * self.bin_years / (self.end - self.start) * 0.8

    def labels(self) -> list[str]:
        step = max(1, -(-len(self.bins) // 6))
        return [
            f'<text x="{self.x(b + self.bin_years / 2):.1f}" y="{HEIGHT - 6}" text-anchor="middle" font-size="10">{b}'
            "</text>"
            for b in self.bins[::step]
        ]


def _frame(title: str, axis: Axis, top_label: str) -> list[str]:
    base = HEIGHT - BOTTOM
    return [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" class="chart sensing-chart">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#555"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 8}" text-anchor="end" font-size="10">{escape(top_label)}</text>',
        f'<text x="{LEFT - 4}" y="{base}" text-anchor="end" font-size="10">0</text>',
        *axis.labels(),
    ]


def _unknown(axis: Axis, start: int) -> str:
    x = axis.x(start + axis.bin_years / 2)
    note = _("%(start)s: no records from this source (unknown, not absence)", start=start)
    return (
        f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM - 4}" text-anchor="middle" font-size="11" fill="#999">?'
        f"<title>{escape(note)}</title></text>"
    )


def records(value: float) -> str:
    """A (possibly fractional) number of records, in the request's language."""
    return _("%(num)s records", num=format_number(value, 1))


def effort_chart(title: str, axis: Axis, bins: list[dict[str, Any]], colour: str) -> str:
    """Records of anything per bin; the share spread from wider intervals drawn lighter."""
    top = max((b["effort"] for b in bins), default=0) or 1
    plot_h = HEIGHT - BOTTOM - TOP
    parts = _frame(title, axis, format_number(top, 0) if top >= 10 else format_number(float(f"{top:.2g}")))
    for b in bins:
        if not b["effort"]:
            parts.append(_unknown(axis, b["bin"]))
            continue
        x = axis.x(b["bin"]) + (axis.bar() / 0.8 - axis.bar()) / 2
        whole, spread = b["effort"] - b["spread"], b["spread"]
        y = HEIGHT - BOTTOM
        spread_note = " " + _("spread from records spanning several bins")
        for value, opacity, note in ((whole, 0.9, ""), (spread, 0.35, spread_note)):
            h = plot_h * value / top
            if h > 0:
                y -= h
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{axis.bar():.1f}" height="{h:.1f}" fill="{colour}"'
                    f' fill-opacity="{opacity}"><title>{b["bin"]}: {escape(records(value) + note)}</title></rect>'
                )
    parts.append("</svg>")
    return "".join(parts)


def points_chart(
    title: str,
    axis: Axis,
    years: Sequence[int],
    values: Sequence[float],
    colour: str,
    top_label: str,
    top: float,
    labels: Sequence[str],
) -> str:
    """A measure per bin as dots joined by a line (gaps where the source did not look)."""
    plot_h = HEIGHT - BOTTOM - TOP
    parts = _frame(title, axis, top_label)
    looked = set(years)
    parts += [_unknown(axis, start) for start in axis.bins if start not in looked]
    points = [
        (axis.x(y + axis.bin_years / 2), HEIGHT - BOTTOM - plot_h * v / (top or 1))
        for y, v in zip(years, values, strict=True)
    ]
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
    for (x, y), year, label in zip(points, years, labels, strict=True):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"><title>{year}: {escape(label)}</title></circle>'
        )
    parts.append("</svg>")
    return "".join(parts)


def statements_chart(title: str, axis: Axis, statements: list[dict[str, Any]], colour: str) -> str:
    """Each stated trend as a bar over the interval it speaks about, with its arrow and credit line."""
    height = TOP + BOTTOM + 12 * max(len(statements), 3)
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" class="chart sensing-chart">',
        f"<title>{escape(title)}</title>",
        *(label.replace(f'y="{HEIGHT - 6}"', f'y="{height - 6}"') for label in axis.labels()),
    ]
    for i, s in enumerate(statements):
        start = max(int(s["from"][:4]), axis.start)
        end = min(int(s["to"][:4]) + 1, axis.end)
        y = TOP + 12 * i
        x0, x1 = axis.x(start), max(axis.x(end), axis.x(start) + 4)
        season = f", {s['season']}" if s.get("season") else ""
        said = _(
            "%(trend)s from %(start)s to %(end)s", trend=word("trend", s["trend"]), start=s["from"][:4], end=s["to"][:4]
        )
        words = f"{said}{season} · {s['credit']}"
        parts.append(
            f'<g><title>{escape(words)}</title><rect x="{x0:.1f}" y="{y}" width="{x1 - x0:.1f}" height="8"'
            f' fill="{colour}" fill-opacity="0.5"/><text x="{x1 + 3:.1f}" y="{y + 8}" font-size="10">'
            f"{ARROWS[s['trend']]}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)
