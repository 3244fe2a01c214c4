"""Small server-rendered SVG bar charts (no JavaScript, no CDN), escaped like any other page text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 220, 44, 34, 10
# At most this many category labels under the bars, so they never overlap.
LABELS = 8


@dataclass(frozen=True)
class Series:
    label: str
    colour: str
    values: Sequence[float]


def stacked_bars(title: str, categories: Sequence[str], series: Sequence[Series]) -> str:
    """A stacked bar chart as an accessible SVG string: one bar per category, one band per series."""
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    top = max(totals, default=0) or 1
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    step = plot_w / max(len(categories), 1)
    bar = step * 0.7
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 8}" y2="{TOP + plot_h}" stroke="#555"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="11">{_number(top)}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" font-size="11">0</text>',
    ]
    for i, category in enumerate(categories):
        x, y = LEFT + i * step + (step - bar) / 2, float(TOP + plot_h)
        for s in series:
            h = plot_h * s.values[i] / top
            if h > 0:
                y -= h
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{s.colour}">'
                    f"<title>{escape(category)} · {escape(s.label)}: {_number(s.values[i])}</title></rect>"
                )
        if i % -(-len(categories) // LABELS) == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{TOP + plot_h + 14}" text-anchor="middle" font-size="10">'
                f"{escape(category)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _number(value: float) -> str:
    return f"{value:,.0f}"
