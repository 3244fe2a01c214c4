"""The browser's ES modules: relative imports of our own files only, no loop, none left unused, no inline page code."""

from __future__ import annotations

import re
from pathlib import Path

from fieldapp.config import PROJECT_ROOT

STATIC_JS = PROJECT_ROOT / "static" / "js"
TEMPLATES = PROJECT_ROOT / "templates"
IMPORT = re.compile(r"""^\s*(?:import|export)\b[^'"]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']""", re.M)
ENTRIES = ("record/main.js", "observation-map.js")


def imports_of(module: Path) -> list[Path]:
    found = []
    for match in IMPORT.finditer(module.read_text(encoding="utf-8")):
        target = match.group(1) or match.group(2)
        assert target.startswith("./") or target.startswith("../"), f"{module}: {target} is not one of our files"
        path = (module.parent / target).resolve()
        assert path.is_file() and STATIC_JS in path.parents, f"{module}: {target} is not a file under static/js"
        found.append(path)
    return found


def graph() -> dict[Path, list[Path]]:
    edges: dict[Path, list[Path]] = {}
    todo = [(STATIC_JS / entry).resolve() for entry in ENTRIES]
    while todo:
        module = todo.pop()
        if module not in edges:
            edges[module] = imports_of(module)
            todo.extend(edges[module])
    return edges


def test_the_modules_import_each_other_without_a_loop():
    edges = graph()
    done: set[Path] = set()

    def visit(module: Path, path: tuple[Path, ...]) -> None:
        assert module not in path, "import loop: " + " -> ".join(p.name for p in (*path, module))
        if module in done:
            return
        for target in edges[module]:
            visit(target, (*path, module))
        done.add(module)

    for module in edges:
        visit(module, ())


def test_every_recording_module_is_imported_from_the_entry():
    reached = set(graph())
    recording = {p.resolve() for p in (STATIC_JS / "record").glob("*.js")}
    assert recording - reached == set(), "modules nobody imports"
    assert len(recording) >= 8  # one per concern: map, coordinates, EXIF, photos, form, outbox...


def test_pages_keep_their_code_in_files():
    """No template holds a script of its own: only folium's generated script, given the nonce."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)
    for template in TEMPLATES.rglob("*.html"):
        for body in inline.findall(template.read_text(encoding="utf-8")):
            assert body.strip() == "{{ parts.script|safe }}", f"{template}: inline script"


def test_preloads_follow_every_import_once_and_refuse_other_hosts(tmp_path):
    from fieldapp.pwa.modules import module_preloads

    (tmp_path / "js" / "record").mkdir(parents=True)
    (tmp_path / "js" / "map.js").write_text("export var m = 1;\n")
    (tmp_path / "js" / "record" / "main.js").write_text(
        'import { a } from "./a.js";\nimport * as b from "./b.js";\nimport "../map.js";\n'
    )
    (tmp_path / "js" / "record" / "a.js").write_text('import { m } from "../map.js";\nexport { b } from "./b.js";\n')
    (tmp_path / "js" / "record" / "b.js").write_text('import { a } from "./a.js";\nexport var b = 2;\n')
    assert module_preloads("js/record/main.js", root=tmp_path) == ["js/record/a.js", "js/map.js", "js/record/b.js"]
    (tmp_path / "js" / "record" / "b.js").write_text('import L from "https://unpkg.com/leaflet";\n')
    try:
        module_preloads("js/record/main.js", root=tmp_path)
    except ValueError as error:
        assert "unpkg" in str(error)
    else:
        raise AssertionError("an import from another host was accepted")
