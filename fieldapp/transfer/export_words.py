"""The exports' human-readable texts in the language of the request: worded once per export in Python and
bound as parameters into the SQL that writes the rows, so the codes stay in SQL and the words are the reader's.

A sentence with parts from the row (a remark's author, date, field) is translated whole with `%(name)s`
placeholders and handed to PostgreSQL's format() with those placeholders turned into positions (`sql_format`).
"""

from __future__ import annotations

from collections.abc import Sequence

from fieldapp.i18n import _
from fieldapp.ui import word

# The dataset's agreement, on every row (bound to "terms": Export.words).
TERMS_SQL = "CAST(:terms AS text)"
# What each kind of annotation says in exported remarks, with the placeholders each one takes (in this order).
REMARK_PARTS = ("name", "date", "field", "value")


def sql_format(message: str, names: Sequence[str]) -> str:
    """A %(name)s message as a PostgreSQL format() string whose placeholders are positions (%1$s, ...)."""
    for position, name in enumerate(names, start=1):
        message = message.replace(f"%({name})s", f"%{position}$s")
    return message


def remark_words() -> dict[str, str]:
    """The remarks' sentences in the request's language, as format() strings by the parameter name they bind to."""
    placeholders = {name: f"%({name})s" for name in REMARK_PARTS}
    sentences = {
        "corroborate": _("Corroborated by %(name)s (%(date)s)", **placeholders),
        "question": _("Questioned by %(name)s (%(date)s)", **placeholders),
        "context": _("Context from %(name)s (%(date)s)", **placeholders),
        "correction": _("Correction proposed by %(name)s (%(date)s) of %(field)s to %(value)s", **placeholders),
        "withheld": _("a %(field)s (withheld)", **placeholders),
    }
    words = {f"remark_{kind}": sql_format(sentence, REMARK_PARTS) for kind, sentence in sentences.items()}
    words |= {f"remark_status_{s}": word("annotation_status", s) for s in ("accepted", "answered")}
    return words
