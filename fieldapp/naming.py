"""Matching names in every language: folded (no case, no accents), by prefix, partial word or likeness.

One SQL vocabulary for every search of names (subjects' names, places' names): the folding is the
database function fieldapp_fold (unaccent), likeness is pg_trgm's word similarity. The recording
page's offline suggestions fold the same way in the browser (static/js/record/what.js).
"""

from __future__ import annotations

# A name and a query reduced to folded words separated by single spaces, with a space in front.
_WORDS = "(' ' || btrim(regexp_replace(fieldapp_fold({value}), '[^[:alnum:]]+', ' ', 'g')))"
# Partial words (inside a word) from this many letters; likeness (typos) from this many.
PARTIAL_MIN, LIKENESS_MIN = 3, 4
# Ranks of a match, best first: the whole name, its start, a word's start, inside a word, alike.
EXACT, START, WORD, PARTIAL, ALIKE = 0, 1, 2, 3, 4


def words_sql(value: str) -> str:
    """SQL: the folded words of a text expression, each after one space."""
    return _WORDS.format(value=value)


def match_rank_sql(column: str, param: str = "q", likeness: bool = True) -> str:
    """SQL: how well the text in `column` matches the query :param (0 best), NULL when it does not.

    Folded on both sides, so "greve" finds "Grève de Lecq" and "CRABE" finds "crabe"; a query of
    PARTIAL_MIN letters or more also matches inside a word ("agurus"), and with `likeness` one of
    LIKENESS_MIN or more matches a name whose words are alike (pg_trgm's word similarity, "tourtau").
    """
    name, query = words_sql(column), words_sql(f":{param}")
    alike = f" WHEN length({query}) > {LIKENESS_MIN} AND btrim({query}) <% {name} THEN {ALIKE}" if likeness else ""
    return (
        f"(CASE WHEN length({query}) < 2 THEN NULL"
        f" WHEN {name} = {query} THEN {EXACT}"
        f" WHEN left({name}, length({query})) = {query} THEN {START}"
        f" WHEN strpos({name}, {query}) > 0 THEN {WORD}"
        f" WHEN length({query}) > {PARTIAL_MIN} AND strpos({name}, btrim({query})) > 0 THEN {PARTIAL}"
        f"{alike} END)"
    )


def matches_sql(column: str, param: str = "q", likeness: bool = False) -> str:
    """SQL: does the text in `column` match the query :param (a filter's test)?"""
    return f"({match_rank_sql(column, param, likeness)} IS NOT NULL)"
