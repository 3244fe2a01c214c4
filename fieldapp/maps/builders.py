"""folium map builders: vendored assets, the outline, one layer per dataset, parts for templates."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import folium
from branca.element import Element, Figure, MacroElement
from flask import current_app, has_app_context
from folium.elements import JSCSSMixin
from folium.plugins import GroupedLayerControl, VectorGridProtobuf
from folium.template import Template

from fieldapp import ui

StaticUrl = Callable[[str], str]

# Jersey's default view.
JERSEY_CENTRE, JERSEY_ZOOM = (49.215, -2.13), 11
MAX_ZOOM = 19
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
# Every script and stylesheet folium or a plugin would fetch from a CDN, by folium's own
# resource name, mapped to the copy in static/. A name missing here fails the build loudly.
VENDORED = {
    "leaflet": "vendor/leaflet/leaflet.js",
    "leaflet_css": "vendor/leaflet/leaflet.css",
    "vectorGrid": "vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js",
    "leaflet.groupedlayercontrol.min.js": "vendor/leaflet-groupedlayercontrol/leaflet.groupedlayercontrol.min.js",
    "leaflet.groupedlayercontrol.min.css": "vendor/leaflet-groupedlayercontrol/leaflet.groupedlayercontrol.min.css",
    "fieldapp_map": "js/folium-glue.js",
    "place_labels": "js/place-labels.js",
    "fieldapp_compare": "js/compare-map.js",
}
# The map needs Leaflet and our glue only: not jQuery, Bootstrap or the awesome-markers fonts.
MAP_JS = ("leaflet", "fieldapp_map", "place_labels")
MAP_CSS = ("leaflet_css",)
_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>', re.DOTALL)
_ESCAPES = str.maketrans({"$": "&#36;", "`": "&#96;", "{": "&#123;", "}": "&#125;", "\\": "&#92;"})


def escape_text(value: object) -> str:
    """Escape user text for folium/Leaflet HTML: markup, and the `${...}` template syntax."""
    return html.escape("" if value is None else str(value), quote=True).translate(_ESCAPES)


def script_json(value: Any) -> str:
    """JSON safe inside a <script> element."""
    text = json.dumps(value, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass(frozen=True)
class MapParts:
    """What a template places: the <head> links, the map <div>, and the script."""

    header: str
    html: str
    script: str


class _Hook(MacroElement):
    """A line of our own script, run after the elements it names exist."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")

    def __init__(self, code: str):
        super().__init__()
        self._name = "FieldappHook"
        self.code = code


def add_hook(m: folium.Map, code: str) -> None:
    """Run a line of our own script once the map's elements exist."""
    _Hook(code).add_to(m)


def _base_tiles() -> tuple[str, str]:
    settings = current_app.extensions["fieldapp.settings"] if has_app_context() else None
    if settings is not None and settings.base_tiles_url:
        return settings.base_tiles_url, settings.base_tiles_attribution or settings.base_tiles_url
    return OSM_TILES, OSM_ATTRIBUTION


def new_map(
    static_url: StaticUrl, location: tuple[float, float] = JERSEY_CENTRE, zoom: int = JERSEY_ZOOM, height: str = "100%"
) -> folium.Map:
    """A map with OSM tiles (when online), the three geometry panes and vendored assets."""
    m = folium.Map(
        location=list(location), zoom_start=zoom, tiles=None, max_zoom=MAX_ZOOM, height=height, control_scale=True
    )
    m.default_js = [(name, static_url(VENDORED[name])) for name in MAP_JS]
    m.default_css = [(name, static_url(VENDORED[name])) for name in MAP_CSS]
    # The only external URL: the base map (the deployment's FIELDAPP_BASE_TILES_URL when set, else
    # OpenStreetMap). Blocked or offline, the outline and data still draw.
    tiles, attribution = _base_tiles()
    folium.TileLayer(tiles, attr=attribution, name="Base map", max_zoom=MAX_ZOOM, control=False).add_to(m)
    for pane, z_index in ui.PANES.values():
        folium.map.CustomPane(pane, z_index=z_index, pointer_events=True).add_to(m)
    return m


def add_outline(m: folium.Map, outline: dict[str, Any], labels_url: str | None = None) -> folium.GeoJson:
    """Draw Jersey's outline under everything, always (not switchable), and the public places' names on it
    (static/js/place-labels.js: by zoom, never overlapping) when the labels' URL is given."""
    layer = folium.GeoJson(
        outline, name="Jersey outline", control=False, style_function=lambda _feature: dict(ui.OUTLINE_STYLE)
    )
    layer.add_to(m)
    if labels_url:
        _Hook(f"fieldappPlaceLabels({m.get_name()}, {json.dumps(labels_url)});").add_to(m)
    return layer


def tile_url(tiles_base: str, dataset: str, shape: str, filters: dict[str, str]) -> str:
    """The XYZ URL of one dataset's tiles of one geometry class, with the list filters."""
    args = {k: v for k, v in filters.items() if v} | {"dataset": dataset, "shape": shape}
    # quote() turns braces, quotes and angle brackets into %XX: the URL goes into a JS string
    # and through Leaflet's {z}/{x}/{y} templating, where a stray brace would be a variable.
    return f"{tiles_base}/{{z}}/{{x}}/{{y}}.pbf?" + urlencode(sorted(args.items()), quote_via=quote)


def grid_options(kind: str, shape: str) -> str:
    """VectorGrid options (JavaScript): the kind's style in the shape's pane, popups on click."""
    config = {
        "pane": ui.PANES[shape][0],
        "style": ui.kind_style(kind),
        "generalised": ui.generalised_style(kind),
        "countRadius": [ui.COUNT_RADIUS_STEP, ui.COUNT_RADIUS_MAX],
    }
    return f"fieldappMap.gridOptions({script_json(config)})"


def add_dataset_layers(
    m: folium.Map,
    datasets: Iterable[dict[str, Any]],
    shapes: dict[str, dict[str, int]],
    tiles_base: str,
    filters: dict[str, str],
    static_url: StaticUrl,
    hidden: Iterable[str] = (),
) -> dict[str, list[folium.FeatureGroup]]:
    """One switchable layer per dataset (its tiles per geometry class), grouped by kind."""
    hidden = set(hidden)
    groups: dict[str, list[folium.FeatureGroup]] = {}
    for dataset in datasets:
        slug, kind = dataset["slug"], dataset["knowledge_kind"]
        group = folium.FeatureGroup(name=escape_text(dataset["title"]), show=slug not in hidden)
        group.add_to(m)
        present = shapes.get(slug, {})
        # Only the classes a dataset holds are requested: most datasets hold one.
        for shape in ("area", "line", "point"):
            if present.get(shape):
                grid = VectorGridProtobuf(
                    tile_url(tiles_base, slug, shape, filters), options=grid_options(kind, shape), control=False
                )
                grid.default_js = [("vectorGrid", static_url(VENDORED["vectorGrid"]))]
                grid.add_to(group)
                _Hook(
                    f"fieldappMap.attach({m.get_name()}, {grid.get_name()}, {group.get_name()}, {script_json(slug)});"
                ).add_to(m)
        _Hook(f"fieldappMap.dataset({m.get_name()}, {group.get_name()}, {script_json(slug)});").add_to(m)
        groups.setdefault(str(ui.KIND_LABELS[kind]), []).append(group)
    if groups:
        # Folded until asked for: open, it covered about half the map (the whole width on a phone).
        control = GroupedLayerControl(groups, exclusive_groups=False, collapsed=True)
        control.default_js = [(n, static_url(VENDORED[n])) for n, _ in control.default_js]
        control.default_css = [(n, static_url(VENDORED[n])) for n, _ in control.default_css]
        control.add_to(m)
    return groups


def track_state(m: folium.Map) -> None:
    """Keep the map's position, zoom and hidden layers in the page URL."""
    _Hook(f"fieldappMap.trackState({m.get_name()});").add_to(m)


def walk(element: Element) -> Iterator[Element]:
    """Every element of a folium tree."""
    yield element
    for child in element._children.values():
        yield from walk(child)


def check_vendored(m: folium.Map, static_url: StaticUrl) -> None:
    """Fail if any element would load a script or stylesheet from outside our server."""
    allowed = {static_url(path) for path in VENDORED.values()}
    for element in walk(m):
        if isinstance(element, JSCSSMixin):
            for name, url in [*element.default_js, *element.default_css]:
                if url not in allowed:
                    raise ValueError(f"{type(element).__name__} would load {name} from {url}")


def render_parts(m: folium.Map, static_url: StaticUrl) -> MapParts:
    """Render the map's figure and split it for our own template."""
    check_vendored(m, static_url)
    root = m.get_root()
    if not isinstance(root, Figure):
        raise TypeError("a folium map's root is a Figure")
    root.render()
    # Our page has its own charset and viewport; folium's viewport forbids zooming the page.
    root.header._children.pop("meta_http", None)
    header = _VIEWPORT.sub("", root.header.render())
    return MapParts(header, root.html.render(), root.script.render())
