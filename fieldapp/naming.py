"""Names in every language: matching them (folded, by prefix, partial word or likeness) and their review.

One SQL vocabulary for every search of names (subjects' names, places' names): the folding is the
database function fieldapp_fold (unaccent), likeness is pg_trgm's word similarity. The recording
page's offline suggestions fold the same way in the browser (static/js/record/what.js).
A name of a subject and a name of a place are reviewed alike, through the annotation table (one
column per target): the tally and the list of annotations below are the one rule for both.
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


# The annotation column that points at each kind of name (annotations.models.Annotation).
NAME_TARGETS = {"subject_name": "subject_name_id", "place_name": "place_name_id"}


def name_tally_sql(kind: str, table: str, alias: str = "n") -> str:
    """SQL: how many people annotated the name `alias` (a row of `table`) this way, each counted once;
    a name's own giver (its credit or the account that added it) corroborating it is not counted."""
    target = NAME_TARGETS[table]
    own = f"coalesce(a.contributor_id = {alias}.contributor_id OR a.author_user_id = {alias}.added_by, false)"
    extra = f" AND NOT {own}" if kind == "corroborate" else ""
    return (
        "(SELECT count(DISTINCT a.contributor_id) FROM annotation a"
        f" WHERE a.{target} = {alias}.id AND a.kind = '{kind}'{extra})::integer"
    )


def name_annotations_sql(table: str, param: str = "id") -> str:
    """SQL: the annotations of the name :param (a row of `table`), oldest first, each with its author as credited."""
    return f"""
        SELECT coalesce(json_agg(json_build_object('id', a.id, 'kind', a.kind, 'body', a.body, 'status', a.status,
                 'author', json_build_object('id', c.id, 'display_name', c.display_name, 'kind', c.kind),
                 'created_at', a.created_at) ORDER BY a.created_at, a.id), '[]'::json)
          FROM annotation a JOIN contributor c ON c.id = a.contributor_id WHERE a.{NAME_TARGETS[table]} = :{param}
    """
