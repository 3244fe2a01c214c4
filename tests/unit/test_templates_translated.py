"""Every word a template shows goes through the catalogue: no text node, no translatable attribute and no
quoted sentence inside a Jinja expression is left outside a gettext call.

Jinja is taken out first (an expression becomes a placeholder, a statement or comment nothing), then the
page is read with the HTML parser. What may stay untranslated is listed here, each word with its reason.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from fieldapp.config import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "templates"
# Attributes a person reads (or hears from a screen reader).
TRANSLATABLE_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-confirm", "aria-description", "label"}
# Proper names, codes and units that are the same in every language.
ALLOWED = {
    "fieldapp",  # the application's name
    "SACFOR",  # the abundance scale's name (Superabundant ... Rare)
    "GeoJSON",
    "CSV",
    "DwC-A",
    "Darwin Core",
    "XLSForm",
    "ODK",
    "KoboToolbox",
    "Survey123",
    "WKT",
    "km",
    "m",
    "m²",
    "ha",
    "API",
    "OGC API",
    "WGS84",
    "EPSG:4326",
    "GBIF",
    "CC0",
    "CC BY",
    "CC BY-NC",
    "JSON",
    "ZIP",
    "Authorization: Bearer",
    "GSHHG (Wessel and Smith)",  # the coastline's citation
    "ORCID",
    "SHA-256",
    "GeoPackage",
    "KML",
    "GPX",
    "n",  # a sample size, "n=12"
    "EUNIS",  # the European habitat classification
}
EXPRESSION = re.compile(r"\{\{.*?\}\}", re.S)
STATEMENT = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.S)
PLACEHOLDER = "\ue000"
# A gettext call's first argument(s) inside an expression: _('...'), _("..."), ngettext('...', "...", n).
GETTEXT_CALL = re.compile(
    r"""\b(?:_|gettext|ngettext|_l)\(\s*(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")(?:\s*,\s*(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"))?"""
)
LITERAL = re.compile(r"""'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)\"""")
# A quoted literal in an expression that reads as words to a person: two words, or a capitalised word.
WORDS = re.compile(r"[A-Za-zÀ-ÿ]{2,}[^\w]+[A-Za-zÀ-ÿ]{2,}|^[A-Z][a-z]+$")
# Literals in expressions that are code, not prose (CSS classes, formats, keys).
CODE_LITERAL = re.compile(r"^[\w./:#%{}\-\[\]=,*|]*$")


def untranslated(text: str) -> str | None:
    """The words of a text node or attribute left outside the catalogue, or None."""
    rest = text.replace(PLACEHOLDER, " ")
    for allowed in sorted(ALLOWED, key=len, reverse=True):
        rest = re.sub(rf"(?<!\w){re.escape(allowed)}(?!\w)", " ", rest)
    rest = rest.strip()
    return rest if re.search(r"[A-Za-zÀ-ÿ]", rest) else None


class Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skipping += 1
        attributes = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            # A button's label is its value only for <input type="submit|button|reset">; a <button>'s value is
            # a code sent with the form (its label is its content, a text node checked below).
            readable = name in TRANSLATABLE_ATTRIBUTES or (
                name == "value" and tag == "input" and attributes.get("type") in ("submit", "button", "reset")
            )
            if readable and (words := untranslated(value)):
                self.found.append(f"<{tag} {name}>: {words!r}")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self.skipping -= 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and (words := untranslated(data)):
            self.found.append(f"text: {words!r}")


def prose_in_expressions(source: str) -> list[str]:
    """Quoted words inside {{ }} and {% %} that no gettext call wraps."""
    found = []
    for block in re.findall(r"\{\{.*?\}\}|\{%.*?%\}", source, re.S):
        rest = GETTEXT_CALL.sub("", block)
        for single, double in LITERAL.findall(rest):
            literal = re.sub(r"<[^>]*>", "", single or double)
            prose = WORDS.search(literal) and not CODE_LITERAL.fullmatch(literal) and untranslated(literal)
            if prose or re.fullmatch(r"[A-Z][a-z]+( [a-z]+)*[.:]?", literal):
                found.append(f"expression: {literal!r}")
    return found


def problems(source: str) -> list[str]:
    without_jinja = STATEMENT.sub(" ", EXPRESSION.sub(PLACEHOLDER, source))
    reader = Reader()
    reader.feed(without_jinja)
    reader.close()
    return reader.found + prose_in_expressions(source)


def template_files() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def test_the_check_finds_what_is_left_out():
    # The check itself: each of these must be reported, and their wrapped forms must not.
    assert problems("<p>Hello there</p>")
    assert problems('<button title="Delete it">{{ _("Delete") }}</button>')
    assert problems('<input type="submit" value="Send">')
    assert problems('<img src="a.png" alt="A puffin">')
    assert problems("<td>{{ token.label or '(no label)' }}</td>")
    assert problems("<span>{{ 'Yes' if ok else 'No' }}</span>")
    assert problems("<p>{% if a %}Many{% endif %}</p>")
    assert not problems("<p>{{ _('Hello there') }} {{ name }} · 42 %</p>")
    assert not problems('<button title="{{ _(\'Delete it\') }}">{{ _("Delete") }}</button>')
    assert not problems("<td>{{ token.label or _('(no label)') }}</td>")
    assert not problems("<p class=\"kind-{{ kind }}\">{{ url_for('static', filename='css/site.css') }}</p>")
    assert not problems("<script>var a = 'Hello there';</script><p>fieldapp · SACFOR</p>")


def test_templates_exist():
    assert len(template_files()) > 20


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_every_word_of_the_template_is_in_the_catalogue(path):
    found = problems(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(PROJECT_ROOT)}: wrap these in _() (or allow a proper name): {found}"
