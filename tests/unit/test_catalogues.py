"""The French and Portuguese catalogues translate every message the code and templates wrap.

Messages are extracted here as `make i18n` does (babel.cfg, babel-js.cfg), so a message wrapped but
not yet merged into the catalogues fails as surely as one merged and left untranslated; a fuzzy entry
counts as untranslated (it is never compiled).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from fieldapp.config import PROJECT_ROOT
from fieldapp.i18n import LANGUAGES, TRANSLATIONS

TRANSLATED = [code for code in LANGUAGES if code != "en"]
# Each domain: its mapping file and the extra keywords `make i18n` passes.
DOMAINS = {"messages": ("babel.cfg", {"_l": None}), "js": ("babel-js.cfg", {"t": None})}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")


@cache
def extracted(domain: str) -> frozenset[str | tuple[str, ...]]:
    """Every message id the domain's sources wrap (plural messages as (singular, plural))."""
    config, extra = DOMAINS[domain]
    with (PROJECT_ROOT / config).open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {**DEFAULT_KEYWORDS, **extra}
    found: set[str | tuple[str, ...]] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(PROJECT_ROOT), method_map, options_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return frozenset(found)


def catalogue(language: str, domain: str) -> dict[str | tuple[str, ...], tuple[tuple[str, ...], bool]]:
    """{id: (translations, fuzzy)} of one .po file."""
    path: Path = TRANSLATIONS / language / "LC_MESSAGES" / f"{domain}.po"
    with path.open("rb") as handle:
        po = read_po(handle, locale=language)
    entries: dict[str | tuple[str, ...], tuple[tuple[str, ...], bool]] = {}
    for message in po:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else tuple(message.id)
        strings = (message.string,) if isinstance(message.string, str) else tuple(message.string)
        entries[key] = (tuple(s or "" for s in strings), message.fuzzy)
    return entries


def test_the_sources_wrap_messages_in_both_domains():
    # Guards the extraction itself: an empty result would make every check below pass.
    assert "Sign in" in extracted("messages")
    assert "Open the record" in extracted("js")
    assert len(extracted("messages")) > 20


@pytest.mark.parametrize("domain", sorted(DOMAINS))
@pytest.mark.parametrize("language", TRANSLATED)
def test_every_wrapped_message_is_translated(language, domain):
    entries = catalogue(language, domain)
    untranslated = []
    for message in sorted(extracted(domain), key=str):
        strings, fuzzy = entries.get(message, ((), False))
        if fuzzy or not strings or not all(s.strip() for s in strings):
            untranslated.append(message)
    assert not untranslated, (
        f"{len(untranslated)} message(s) of {language}/{domain}.po untranslated or fuzzy "
        f"(run `make i18n`, then translate them): {untranslated[:20]}"
    )


@pytest.mark.parametrize("domain", sorted(DOMAINS))
@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders(language, domain):
    wrong = []
    for message, (strings, _fuzzy) in catalogue(language, domain).items():
        ids = (message,) if isinstance(message, str) else message
        wanted = {m for text in ids for m in PLACEHOLDER.findall(text)}
        for text in strings:
            if text and {m for m in PLACEHOLDER.findall(text)} - wanted:
                wrong.append((message, text))
            if text and isinstance(message, str) and set(PLACEHOLDER.findall(text)) != wanted:
                wrong.append((message, text))
    assert not wrong, f"placeholders differ from the English in {language}/{domain}.po: {wrong[:10]}"
