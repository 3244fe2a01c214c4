"""Map builders: vendored assets only, one layer per dataset grouped by kind, equal styles, escaping."""

from __future__ import annotations

import re

import folium
import pytest
from werkzeug.datastructures import MultiDict

from fieldapp import ui as styles
from fieldapp.maps import builders
from fieldapp.maps.views import filter_args
from fieldapp.vocab import KNOWLEDGE_KINDS

STATIC = "/static/"


def static_url(path: str) -> str:
    return STATIC + path


DATASETS = [
    {"slug": "fishers", "title": "Fishers' grounds", "knowledge_kind": "local"},
    {"slug": "wardens", "title": "Warden sightings", "knowledge_kind": "volunteer"},
    {"slug": "survey", "title": "<img src=x onerror=alert(1)> ${alert(1)}", "knowledge_kind": "scientific"},
]
SHAPES = {"fishers": {"area": 4, "point": 2}, "wardens": {"point": 10}, "survey": {"line": 1, "point": 1}}


def build(hidden=(), filters=None):
    m = builders.new_map(static_url)
    builders.add_outline(m, {"type": "FeatureCollection", "features": []})
    groups = builders.add_dataset_layers(m, DATASETS, SHAPES, "/tiles/observations", filters or {}, static_url, hidden)
    builders.track_state(m)
    return m, groups, builders.render_parts(m, static_url)


@pytest.mark.parametrize(
    "text, forbidden",
    [
        ("<img src=x onerror=alert(1)>", "<"),
        ("${alert(1)}", "${"),
        ("`${x}`", "`"),
        ("a\\u0060b", "\\"),
        ('" onmouseover="x', '"'),
    ],
)
def test_escape_text_neutralises_markup_and_template_syntax(text, forbidden):
    escaped = builders.escape_text(text)
    assert forbidden not in escaped
    assert "{" not in escaped and "}" not in escaped


def test_escape_text_keeps_plain_words():
    assert builders.escape_text("Société Jersiaise · ormer") == "Société Jersiaise · ormer"
    assert builders.escape_text(None) == ""


def test_every_script_and_stylesheet_is_served_by_us():
    _, _, parts = build()
    urls = re.findall(r'(?:src|href)="([^"]+)"', parts.header)
    assert urls and all(u.startswith(STATIC) for u in urls)
    assert "cdn" not in parts.header and "unpkg" not in parts.header
    assert "jquery" not in parts.header.lower() and "bootstrap" not in parts.header.lower()
    # The base map is the one external URL, and only in the script.
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in parts.script


def test_a_plugin_left_on_its_cdn_fails_the_build():
    m = builders.new_map(static_url)
    folium.plugins.Fullscreen().add_to(m)
    with pytest.raises(ValueError, match="Fullscreen"):
        builders.render_parts(m, static_url)


def test_one_layer_per_dataset_grouped_by_kind():
    _, groups, parts = build()
    assert {k: [g.layer_name for g in v] for k, v in groups.items()} == {
        "Local knowledge": ["Fishers&#x27; grounds"],
        "Volunteer records": ["Warden sightings"],
        "Scientific surveys": [builders.escape_text(DATASETS[2]["title"])],
    }
    # A grid per geometry class the dataset holds, and no more.
    assert parts.script.count("L.vectorGrid.protobuf(") == 5
    assert "dataset=wardens&shape=point" in parts.script
    assert "dataset=wardens&shape=area" not in parts.script
    assert "L.control.groupedLayers(" in parts.script


def test_layer_names_carry_no_markup():
    _, _, parts = build()
    assert "<img" not in parts.script and "${alert" not in parts.script


def test_hidden_layers_start_switched_off():
    _, groups, parts = build(hidden={"wardens"})
    [wardens] = groups["Volunteer records"]
    assert f"{wardens.get_name()}.remove();" in parts.script


def test_filters_reach_the_tile_urls_quoted():
    url = builders.tile_url(
        "/tiles/observations", "survey", "point", {"subject": "x'{y}</script>", "datetime": "2020-01-01/.."}
    )
    assert url.startswith("/tiles/observations/{z}/{x}/{y}.pbf?")
    query = url.split("?", 1)[1]
    assert not set("'{}<>\" ") & set(query)
    assert "subject=x%27%7By%7D%3C%2Fscript%3E" in query
    assert "datetime=2020-01-01%2F.." in query


def test_the_review_choices_reach_the_tile_urls():
    args = filter_args(MultiDict([("review", "open_questions"), ("review", "corroborated")]))
    assert args["review"] == "open_questions,corroborated"
    url = builders.tile_url("/tiles/observations", "survey", "point", {"review": args["review"]})
    assert "review=open_questions%2Ccorroborated" in url.split("?", 1)[1]
    assert set(styles.REVIEW_LABELS) == {"open_questions", "corroborated"}


def test_every_kind_has_the_same_weight_and_its_own_hue():
    kind_styles = [styles.kind_style(k) for k in KNOWLEDGE_KINDS]
    hues = {s.pop("color") for s in kind_styles}
    fills = {s.pop("fillColor") for s in kind_styles}
    assert len(hues) == len(KNOWLEDGE_KINDS) == len(fills)
    assert all(s == kind_styles[0] for s in kind_styles)


def test_generalised_records_look_generalised_for_every_kind():
    for kind in KNOWLEDGE_KINDS:
        style = styles.generalised_style(kind)
        assert style["dashArray"] == styles.GENERALISED_DASH
        assert style["fillOpacity"] < styles.kind_style(kind)["fillOpacity"]


def test_draw_order_is_by_geometry_type_never_by_kind():
    z = {shape: z_index for shape, (_, z_index) in styles.PANES.items()}
    assert z["area"] < z["line"] < z["point"]
    _, _, parts = build()
    assert '"pane":"fieldapp-areas"' in parts.script and '"pane":"fieldapp-points"' in parts.script


def test_legend_says_kind_is_provenance_not_quality():
    items = styles.legend_items()
    assert [i["kind"] for i in items] == list(KNOWLEDGE_KINDS)
    assert "never how good it is" in styles.LEGEND_NOTE


def test_the_map_page_html_stays_small():
    _, _, parts = build()
    assert len(parts.header) + len(parts.html) + len(parts.script) < 40_000
