"""The small condition language of `relevant` and `constraint`: comparisons joined by `and` / `or`.

`${name} = 'yes'`, `${count} >= 3 and ${sea_state} < 6`, `. <= 100` (the field's own value). No
parentheses, functions or arithmetic: a form that needs more is refused on import, naming the row.
`and` binds tighter than `or`, as in XPath. One definition serves the server and, as data, the phone.
"""

from __future__ import annotations

import re
from typing import Any

_TOKEN = re.compile(
    r"\s*(?:(?P<field>\$\{[A-Za-z_][A-Za-z0-9_.-]*\})|(?P<self>\.)(?![0-9])|(?P<number>-?\d+(?:\.\d+)?)"
    r"|'(?P<string>[^']*)'|\"(?P<dstring>[^\"]*)\"|(?P<op>!=|>=|<=|=|>|<)|(?P<word>and|or))\s*"
)
OPERATORS = ("=", "!=", ">", ">=", "<", "<=")


class ConditionError(ValueError):
    """A condition outside the subset, with what is wrong."""


def parse(text: str) -> list[list[tuple[Any, str, Any]]]:
    """A condition as OR-groups of AND-ed comparisons (left, operator, right); raise ConditionError."""
    tokens, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ConditionError(f"cannot read {text[position : position + 20]!r} (only comparisons joined by and/or)")
        position = match.end()
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "field":
            tokens.append(("field", value[2:-1]))
        elif kind == "self":
            tokens.append(("field", "."))
        elif kind == "number":
            tokens.append(("value", float(value)))
        elif kind in ("string", "dstring"):
            tokens.append(("value", value))
        else:
            tokens.append((kind, value))
    groups: list[list[tuple[Any, str, Any]]] = [[]]
    i = 0
    while i < len(tokens):
        if i + 2 >= len(tokens) or tokens[i + 1][0] != "op" or tokens[i][0] not in ("field", "value"):
            raise ConditionError("each part must be a comparison such as ${name} = 'value'")
        groups[-1].append((tokens[i], tokens[i + 1][1], tokens[i + 2]))
        i += 3
        if i < len(tokens):
            if tokens[i][0] != "word":
                raise ConditionError("join comparisons with 'and' or 'or'")
            if tokens[i][1] == "or":
                groups.append([])
            i += 1
            if i == len(tokens):
                raise ConditionError("a condition cannot end with 'and' or 'or'")
    return groups


def fields_named(text: str) -> set[str]:
    """The other fields a condition reads."""
    return {
        side[1]
        for group in parse(text)
        for comparison in group
        for side in (comparison[0], comparison[2])
        if side[0] == "field" and side[1] != "."
    }


def holds(text: str, values: dict[str, Any], own: Any = None) -> bool:
    """Does the condition hold for these values (an unanswered field makes its comparison false)?"""
    return any(all(_compare(c, values, own) for c in group) for group in parse(text))


def _side(side: tuple[str, Any], values: dict[str, Any], own: Any) -> Any:
    if side[0] == "value":
        return side[1]
    return own if side[1] == "." else values.get(side[1])


def _compare(comparison: tuple[Any, str, Any], values: dict[str, Any], own: Any) -> bool:
    left, op, right = comparison
    a, b = _side(left, values, own), _side(right, values, own)
    if a is None or b is None:
        return op == "!=" and (a is None) != (b is None)
    if isinstance(a, bool) or isinstance(b, bool):
        a, b = _bool_text(a), _bool_text(b)
    if isinstance(a, int | float) or isinstance(b, int | float):
        try:
            a, b = float(a), float(b)
        except (TypeError, ValueError):
            return op == "!="
    else:
        a, b = str(a), str(b)
    return {"=": a == b, "!=": a != b, ">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}[op]


def _bool_text(value: Any) -> Any:
    return ("yes" if value else "no") if isinstance(value, bool) else value
