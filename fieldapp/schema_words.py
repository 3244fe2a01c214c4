"""marshmallow's messages (a field missing, not a number, too long...) in the language of the request.

marshmallow words its messages in English when a schema loads; `word` turns each one it knows into the
request's language as the errors are flattened for an answer or a page (`http.flatten_errors`). Messages a
schema or a service writes itself are translated where they are written; any other text passes unchanged.
"""

from __future__ import annotations

import re
from functools import cache

from flask_babel import gettext


def N_(message: str) -> str:
    """Mark a message for the catalogue; `word` translates it."""
    return message


# marshmallow's fixed messages (fields' default_error_messages, Schema's, validators' defaults).
EXACT = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Unknown field."),
    N_("Invalid input type."),
    N_("Invalid input."),
    N_("Invalid value."),
    N_("Invalid type."),
    N_("Not a valid string."),
    N_("Not a valid utf-8 string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Not a valid boolean."),
    N_("Not a valid list."),
    N_("Not a valid tuple."),
    N_("Not a valid mapping type."),
    N_("Not a valid UUID."),
    N_("Not a valid URL."),
    N_("Not a valid email address."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid aware datetime."),
    N_("Not a valid naive datetime."),
    N_("Not a valid time."),
    N_("Not a valid period of time."),
    N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("String does not match expected pattern."),
    # The schemas' own validators' messages (written in English where the schemas declare them).
    N_("No control characters."),
    N_("Use an ISO 639 code such as en, fr, pt or nrf."),
    N_("The type must be 'Feature'."),
    N_("Say community, professionals or both."),
    N_("Use 2-80 lower-case letters, digits and hyphens."),
    N_("Use 2-80 lower-case letters, digits and hyphens, starting with a letter or digit."),
    N_("give a year such as 2025"),
    N_("use 'square' or 'hex'"),
    N_("Use letters, digits and _, 64 at most."),
)
# Its messages with values in them (validate.Length, OneOf, Range), as the catalogue's %(name)s messages.
PATTERNS = (
    N_("Longer than maximum length %(max)s."),
    N_("Shorter than minimum length %(min)s."),
    N_("Length must be between %(min)s and %(max)s."),
    N_("Length must be %(equal)s."),
    N_("Must be one of: %(choices)s."),
    N_("Must be equal to %(other)s."),
    N_("Must be greater than or equal to %(min)s and less than or equal to %(max)s."),
    N_("Must be greater than %(min)s and less than or equal to %(max)s."),
    N_("Must be greater than or equal to %(min)s and less than %(max)s."),
    N_("Must be greater than %(min)s and less than %(max)s."),
    N_("Must be greater than or equal to %(min)s."),
    N_("Must be greater than %(min)s."),
    N_("Must be less than or equal to %(max)s."),
    N_("Must be less than %(max)s."),
    N_("Unknown licence; use one of %(choices)s."),
    N_("use one of %(choices)s"),
)
_PLACEHOLDER = re.compile(r"%\\\((\w+)\\\)s")


@cache
def _matchers() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each pattern as a regular expression over marshmallow's English words, with its message id."""
    return tuple(
        (re.compile("^" + _PLACEHOLDER.sub(r"(?P<\1>.+?)", re.escape(message)) + "$"), message) for message in PATTERNS
    )


def word(message: str) -> str:
    """A marshmallow message in the request's language; any other text as it is."""
    if message in EXACT:
        return gettext(message)
    for pattern, msgid in _matchers():
        if found := pattern.match(message):
            return gettext(msgid, **found.groupdict())
    return message
