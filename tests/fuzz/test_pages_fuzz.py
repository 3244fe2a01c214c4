"""Property-based fuzzing of every GET route without path arguments (pages, OGC, API): any query string, no 5xx."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Parameter names the routes read, so the values reach their parsers; and any other name.
KNOWN = ["bbox", "datetime", "dataset", "kind", "subject", "review", "limit", "cursor", "q", "f", "shape"]
KNOWN += ["a", "b", "cell_m", "next", "format", "offset", "collection"]
NAMES = st.one_of(st.sampled_from(KNOWN), st.text(min_size=1, max_size=8))
VALUES = st.one_of(
    st.text(max_size=40),
    st.integers().map(str),
    st.floats().map(str),
    st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "..", "-180,-90,180,90", "1" * 310]),
)
QUERIES = st.lists(st.tuples(NAMES, VALUES), max_size=4)


def routes(app) -> list[str]:
    """Every GET route without path arguments: a new one joins the fuzzing by itself."""
    rules = [r for r in app.url_map.iter_rules() if "GET" in (r.methods or ()) and not r.arguments]
    return sorted({r.rule for r in rules})


@settings(max_examples=150, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), query=QUERIES)
def test_no_query_string_makes_a_page_fail(app, client, data, query):
    route = data.draw(st.sampled_from(routes(app)), label="route")
    with client.get(f"{route}?{urlencode(query)}") as response:  # closed: some answers stream a file
        assert response.status_code < 500, (route, query, response.get_data(as_text=True)[:300])
