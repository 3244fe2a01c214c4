"""The interface's languages: which one a request is answered in, the message functions and locale formats.

Messages are wrapped where they are written: `_("...")` (now, in a request), `_l("...")` (lazily, for
module-level constants and form labels), `ngettext` for counts; templates call `_()` too. The catalogues
are fieldapp/translations/{fr,pt}/LC_MESSAGES/messages.po (`make i18n` extracts and updates them, the
set-up compiles them). Outside a request (the CLI, the worker) every message is English.

The language of a request: the account's choice, else the visitor's switch (a cookie), else the
browser's Accept-Language, else English.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path

from babel.core import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import get_month_names
from babel.messages.pofile import read_po
from babel.numbers import NumberPattern, parse_pattern
from babel.numbers import format_decimal as babel_format_decimal
from babel.numbers import format_percent as babel_format_percent
from flask import Flask, has_request_context, request
from flask_babel import Babel, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

__all__ = [
    "COOKIE",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "TRANSLATIONS",
    "_",
    "_l",
    "choose_language",
    "current_language",
    "decade",
    "format_date",
    "format_locale",
    "format_number",
    "format_percent",
    "init_i18n",
    "js_catalogue",
    "month_name",
    "month_short",
    "month_range",
    "ngettext",
]

log = logging.getLogger(__name__)

LANGUAGES = ("en", "fr", "pt")
DEFAULT_LANGUAGE = "en"
# Each language named in itself: the switch shows these, untranslated.
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "pt": "Português"}
# The locale each language's dates and numbers follow: the island's English, Portugal's Portuguese.
FORMAT_LOCALES = {"en": "en_GB", "fr": "fr_FR", "pt": "pt_PT"}
COOKIE = "fieldapp_lang"
# How long the switch remembers a visitor's language.
COOKIE_KEPT_S = 365 * 24 * 3600
TRANSLATIONS = Path(__file__).resolve().with_name("translations")


def choose_language(account: str | None, cookie: str | None, accept: Callable[[], str | None]) -> str:
    """The account's language, else the cookie's, else the best of Accept-Language, else English."""
    for choice in (account, cookie):
        if choice in LANGUAGES:
            return choice
    return accept() or DEFAULT_LANGUAGE


def init_i18n(app: Flask, account_language: Callable[[], str | None]) -> None:
    """Flask-Babel with fieldapp's catalogues; account_language reads the signed-in user's choice."""

    def select() -> str:
        if not has_request_context():
            return DEFAULT_LANGUAGE
        try:
            account = account_language()
        except Exception:  # noqa: BLE001 - an error page must render even when the account cannot be read
            log.warning("the account's language could not be read; the browser's is used", exc_info=True)
            account = None
        return choose_language(
            account,
            request.cookies.get(COOKIE),
            lambda: request.accept_languages.best_match(LANGUAGES),
        )

    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT_LANGUAGE
    Babel(app, locale_selector=select)
    app.jinja_env.globals.update(
        current_language=current_language,
        language_names=LANGUAGE_NAMES,
        format_date=format_date,
        format_number=format_number,
        month_range=month_range,
        month_name=month_name,
        month_short=month_short,
        decade=decade,
    )


def current_language() -> str:
    """The request's language code ("en" outside a request)."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else DEFAULT_LANGUAGE


def format_locale() -> str:
    """The Babel locale of the request's dates and numbers ("en_GB", "fr_FR", "pt_PT")."""
    return FORMAT_LOCALES[current_language()]


def format_date(value: date | datetime | None, form: str = "medium") -> str:
    """A date in the request's language ("4 Apr 2026", "4 avr. 2026"); "" for none."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return babel_format_date(value, format=form, locale=format_locale())


@cache
def _locale(name: str) -> Locale:
    return Locale.parse(name)


@cache
def _number_pattern(digits: int) -> NumberPattern:
    return parse_pattern("#,##0" + ("." + "0" * digits if digits else ""))


def format_number(value: float | int, digits: int | None = None) -> str:
    """A number with the language's separators ("1,234.5", "1 234,5").

    The locale and the pattern are parsed once (functools.cache): Babel parses both on every call otherwise, which
    made the numbers of a sensing page (about 3,000) half of its time."""
    locale = _locale(format_locale())
    if digits is not None:
        return babel_format_decimal(value, format=_number_pattern(digits), locale=locale)
    return babel_format_decimal(value, locale=locale)


def format_percent(value: float) -> str:
    """A share as a whole percentage in the request's language ("80%", "80 %")."""
    return babel_format_percent(value, locale=format_locale())


def month_name(month: int) -> str:
    """The month's full name as it stands alone ("April", "avril", "abril")."""
    return str(get_month_names("wide", "stand-alone", locale=format_locale())[month])


def month_short(month: int) -> str:
    """The month's short name as it stands alone ("Apr", "avr.", "abr.")."""
    return str(get_month_names("abbreviated", "stand-alone", locale=format_locale())[month])


def month_range(first: int, last: int) -> str:
    """A span of months: "April to June", "avril à juin", "abril a junho"; one month alone when equal."""
    if first == last:
        return month_name(first)
    return _("%(first)s to %(last)s", first=month_name(first), last=month_name(last))


def decade(year: int) -> str:
    """The decade a year starts: "1990s", "années 1990", "década de 1990"."""
    return _("%(decade)ss", decade=year - year % 10)


def js_catalogue(language: str) -> dict[str, str]:
    """The browser's messages in a language: {English: translation}, from its js.po (untranslated and
    fuzzy entries left out, so the browser shows the English); {} for English or an unknown language."""
    if language not in LANGUAGES or language == DEFAULT_LANGUAGE:
        return {}
    path = TRANSLATIONS / language / "LC_MESSAGES" / "js.po"
    if not path.exists():
        return {}
    return dict(_read_js_po(path, path.stat().st_mtime_ns))


@lru_cache(maxsize=8)
def _read_js_po(path: Path, _mtime: int) -> tuple[tuple[str, str], ...]:
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    return tuple(
        (str(m.id), str(m.string))
        for m in catalogue
        if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string and not m.fuzzy
    )
