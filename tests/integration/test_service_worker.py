"""The service worker's shell is generated: every script of the recording pages, and a new cache per deploy."""

from __future__ import annotations

import re
import shutil

from fieldapp.config import PROJECT_ROOT
from fieldapp.pwa.shell import CACHE_PREFIX, build_shell, static_files

STATIC = PROJECT_ROOT / "static"
IMPORT = re.compile(r"""^\s*(?:import|export)\b[^'"]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']""", re.M)
SCRIPT_OR_LINK = re.compile(r"""<(?:script[^>]*\bsrc|link[^>]*\bhref)="([^"]+)\"""")


def _shell(text: str) -> tuple[str, list[str], list[str]]:
    version = re.search(r'var VERSION = "([^"]+)";', text).group(1)
    shell = re.search(r"var SHELL = (\[.*?\]);", text, re.S).group(1)
    network_first = re.search(r"var NETWORK_FIRST = (\[.*?\]);", text, re.S).group(1)
    return version, re.findall(r'"([^"]+)"', shell), re.findall(r'"([^"]+)"', network_first)


def _imports(url: str) -> set[str]:
    """The module at a /static/ URL and every module it imports, followed through each file."""
    seen: set[str] = set()
    todo = [url]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        source = (STATIC / current.removeprefix("/static/")).read_text(encoding="utf-8")
        for match in IMPORT.finditer(source):
            target = match.group(1) or match.group(2)
            assert target.startswith("."), f"{current} imports {target}: only relative imports of our own files"
            todo.append(_normalise(current.rsplit("/", 1)[0] + "/" + target))
    return seen


def _normalise(url: str) -> str:
    parts: list[str] = []
    for part in url.split("/"):
        if part == "..":
            parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/" + "/".join(parts)


def test_the_worker_lists_every_script_the_pages_the_outline_and_leaflet(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    text = response.get_data(as_text=True)
    assert "@shell" not in text
    version, shell, network_first = _shell(text)
    assert re.fullmatch(CACHE_PREFIX + "[0-9a-f]{16}", version)
    scripts = {"/static/" + p.relative_to(STATIC).as_posix() for p in (STATIC / "js").rglob("*.js")}
    assert scripts and scripts <= set(shell)
    # The pages, the places' names for the maps, and the browser code's catalogues (static/js/i18n.js).
    assert network_first == [
        "/record",
        "/record/area",
        "/record/subjects.json",
        "/places/labels.geojson",
        "/i18n/fr.json",
        "/i18n/pt.json",
    ]
    assert set(network_first) <= set(shell)
    for url in (
        "/geodata/jersey-coast.geojson",
        "/geodata/jersey-land.geojson",
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/leaflet/leaflet.css",
        "/static/vendor/leaflet/images/marker-icon.png",
        "/static/vendor/leaflet-geoman/leaflet-geoman.min.js",
        "/static/manifest.webmanifest",
    ):
        assert url in shell
    assert len(shell) == len(set(shell))


def test_every_file_and_module_the_recording_pages_load_is_in_the_shell_and_answers(client, make):
    member = make.account()
    _version, shell, _ = _shell(client.get("/sw.js").get_data(as_text=True))
    for page in ("/record", "/record/area"):
        html = client.get(page, headers=member.headers).get_data(as_text=True)
        # By path: the worker answers by path, and stylesheets and classic scripts are linked with ?v=<hash>.
        loaded = {url.split("?v=")[0] for url in SCRIPT_OR_LINK.findall(html)}
        entries = re.findall(r'<script type="module" src="([^"]+)"', html)
        assert entries == ["/static/js/record/main.js"]
        modules = set().union(*(_imports(entry) for entry in entries))
        # The recording code is split by concern, and each of those modules is on the phone.
        assert {"/static/js/map.js", "/static/js/record/outbox.js", "/static/js/record/exif.js"} <= modules
        # The page asks for every module at once instead of one level of imports per round trip.
        preloads = re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)
        assert len(preloads) == len(set(preloads)) and set(preloads) == modules - set(entries)
        missing = (loaded | modules) - set(shell)
        assert not missing, f"{page} loads files the worker does not keep: {sorted(missing)}"
    for url in shell:
        response = client.get(url, headers=member.headers)
        assert response.status_code == 200, url
        response.close()


def test_the_cache_name_changes_with_any_file_and_only_then(tmp_path):
    root = tmp_path / "static"
    (root / "js" / "record").mkdir(parents=True)
    (root / "js" / "record" / "main.js").write_text('import { a } from "./a.js";\n')
    (root / "js" / "record" / "a.js").write_text("export var a = 1;\n")
    (root / "notes.txt").write_text("not in the shell")
    outline = tmp_path / "outline.geojson"
    shutil.copy(PROJECT_ROOT / "geodata" / "jersey_ne10m_land.geojson", outline)

    def shell():
        return build_shell(lambda name: "/static/" + name, ["/record"], {"/geodata/o.geojson": outline}, root=root)

    first = shell()
    assert first.files == ("/geodata/o.geojson", "/static/js/record/a.js", "/static/js/record/main.js")
    assert shell().version == first.version
    (root / "notes.txt").write_text("changed, but not kept by the worker")
    assert shell().version == first.version
    (root / "js" / "record" / "a.js").write_text("export var a = 22;\n")
    second = shell()
    assert second.version != first.version
    (root / "js" / "record" / "b.js").write_text("export var b = 1;\n")
    third = shell()
    assert "/static/js/record/b.js" in third.files and third.version != second.version
    outline.write_text('{"type": "FeatureCollection", "features": []}')
    assert shell().version != third.version


def test_the_static_listing_takes_every_script_under_js():
    listed = static_files()
    assert [p for p in listed if p.startswith("js/")] == sorted(
        p.relative_to(STATIC).as_posix() for p in (STATIC / "js").rglob("*.js")
    )
