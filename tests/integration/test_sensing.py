"""Sensing on hand-built data with known answers: effort, reporting rates, bins, trends, symmetry, privacy."""

from __future__ import annotations

import csv
import io
import itertools
import math
import statistics

import pytest
from sqlalchemy import text

from fieldapp.sensing.trend import trend
from tests.factories import JERSEY_POINT, feature

POINT = {"type": "Point", "coordinates": list(JERSEY_POINT)}
BIN5 = {"bin": "5years", "from": "2000", "to": "2024"}


class World:
    def __init__(self, client, make):
        self.client, self.make = client, make
        self.scientist = make.account("steward", name="Seabed Team")
        self.warden = make.account("steward", name="Wanda Warden")
        self.fisher = make.account("member", name="Fred Fisher")
        self.survey = make.dataset(self.scientist, knowledge_kind="scientific", title="Seabed survey")
        self.counts = make.dataset(self.warden, knowledge_kind="volunteer", title="Wardens' counts")
        self.grounds = make.dataset(self.scientist, knowledge_kind="local", title="Fishers' grounds")
        self.notebooks = make.dataset(self.scientist, knowledge_kind="historical", title="Naturalists' notebooks")

    def post(self, account, dataset, subject, year, month=6, geometry=None, **props):
        body = feature(dataset.slug, geometry or POINT, subject_text=subject, **props)
        body["properties"].setdefault("observed_start", f"{year}-{month:02d}-15T10:00:00Z")
        response = self.client.post("/api/v1/observations", json=body, headers=account.headers)
        assert response.status_code == 201, response.get_json()
        return response.get_json()


# The survey's eelgrass: found in 8, 6, 5, 4 and 2 of its 10 stations per 5-year bin.
SURVEY = {2000: 8, 2005: 6, 2010: 5, 2015: 4, 2020: 2}


@pytest.fixture
def world(client, make):
    w = World(client, make)
    for start, found in SURVEY.items():
        for station in range(10):
            subject = "eelgrass" if station < found else "sand"
            w.post(w.scientist, w.survey, subject, start + 1)
    # Wardens count spider crab in 2010-2024 only (so 2000 and 2005 are unknown, not zero).
    for year, n in [(2011, 3), (2012, 5), (2016, 4), (2018, 6), (2021, 5), (2023, 5)]:
        w.post(w.warden, w.counts, "spider crab", year, count=n)
    # Fishers say eelgrass decreased from the 1990s, as statements over an interval.
    for start, end in [("1995-01-01", "2020-12-31"), ("2000-01-01", "2015-12-31")]:
        w.post(
            w.fisher,
            w.grounds,
            "eelgrass",
            None,
            trend="decreasing",
            time_precision="year",
            observed_start=f"{start}T00:00:00Z",
            observed_end=f"{end}T23:59:59Z",
        )
    # A notebook's record known only to the decade 2000-2009: half in the 2000 bin, half in 2005.
    w.post(
        w.scientist,
        w.notebooks,
        "eelgrass",
        None,
        time_precision="decade",
        observed_start="2000-01-01T00:00:00Z",
        observed_end="2009-12-31T23:59:59Z",
    )
    return w


def sensing(client, headers=None, **args):
    response = client.get("/api/v1/sensing", query_string=args, headers=headers or {})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def source(body, slug):
    return next(s for s in body["sources"] if s["dataset"] == slug)


def test_effort_and_reporting_rate_per_bin(client, world):
    body = sensing(client, subject="Eelgrass", **BIN5)
    assert body["bins"] == [2000, 2005, 2010, 2015, 2020]
    survey = source(body, world.survey.slug)
    assert [b["effort"] for b in survey["bins"]] == [10, 10, 10, 10, 10]
    assert [b["present"] for b in survey["bins"]] == list(SURVEY.values())
    assert [b["reporting_rate"] for b in survey["bins"]] == [n / 10 for n in SURVEY.values()]


def test_a_bin_where_a_source_did_not_look_is_unknown(client, world):
    counts = source(sensing(client, subject="spider crab", **BIN5), world.counts.slug)
    assert [b["effort"] for b in counts["bins"]][:2] == [0, 0]
    assert [b["reporting_rate"] for b in counts["bins"]][:2] == [None, None]
    # Medians of the counts in the bins it has: 3 and 5 -> 4; 4 and 6 -> 5; 5 and 5 -> 5.
    assert [b["median_count"] for b in counts["bins"]] == [None, None, 4, 5, 5]


def test_a_decade_record_is_spread_over_the_bins_it_spans(client, world):
    notebooks = source(sensing(client, subject="eelgrass", **BIN5), world.notebooks.slug)
    assert [b["effort"] for b in notebooks["bins"]] == [0.5, 0.5, 0, 0, 0]
    assert [b["spread"] for b in notebooks["bins"]] == [0.5, 0.5, 0, 0, 0]
    decades = source(
        sensing(client, subject="eelgrass", bin="decade", **{"from": "2000", "to": "2024"}), world.notebooks.slug
    )
    assert [b["effort"] for b in decades["bins"]] == [1, 0, 0]
    assert [b["spread"] for b in decades["bins"]] == [0, 0, 0]


def _sen_slope(xs, ys):
    return statistics.median((ys[j] - ys[i]) / (xs[j] - xs[i]) for i, j in itertools.combinations(range(len(xs)), 2))


def _mann_kendall_p(ys):
    """Two-sided p of the Mann-Kendall S statistic without ties, by the normal approximation."""
    n = len(ys)
    s = sum((ys[j] > ys[i]) - (ys[j] < ys[i]) for i, j in itertools.combinations(range(n), 2))
    var = n * (n - 1) * (2 * n + 5) / 18
    z = (s - math.copysign(1, s)) / math.sqrt(var) if s else 0.0
    return math.erfc(abs(z) / math.sqrt(2))


def test_mann_kendall_and_sens_slope_match_values_computed_by_hand():
    years, values = [2000, 2005, 2010, 2015, 2020], [0.8, 0.6, 0.5, 0.4, 0.2]
    found = trend(years, values)
    assert found.direction == "decrease" and found.n == 5
    assert found.p == pytest.approx(_mann_kendall_p(values))
    assert found.p == pytest.approx(0.0275, abs=1e-4)
    assert found.slope_per_year == pytest.approx(_sen_slope(years, values))
    assert found.strength == "moderate"
    assert trend([2000, 2010, 2020], [1, 2, 3]).direction == "too little data"
    assert trend([2000, 2005, 2010, 2015], [3, 3, 3, 3]).direction == "no clear direction"


def test_each_source_is_described_and_the_sentences_are_symmetric(client, world):
    body = sensing(client, subject="eelgrass", **BIN5)
    survey = source(body, world.survey.slug)
    assert survey["direction"]["measure"] == "reporting_rate"
    assert survey["direction"]["direction"] == "decrease"
    grounds = source(body, world.grounds.slug)
    assert grounds["direction"] == {
        "measure": "statements",
        "direction": "decrease",
        "n": 2,
        "first_year": 1995,
        "last_year": 2020,
    }
    assert [s["credit"].split(" · ")[0] for s in grounds["statements"]] == ["Fred Fisher", "Fred Fisher"]
    text = " ".join(body["sentences"])
    assert "2 sources agree on a decrease" in text
    assert "reporting rate 80% to 20% between 2000 and 2020 (n=5 5-year bins, moderate evidence, p=0.03)" in text
    assert "Too little data to say: Naturalists' notebooks (historical records) (n=2 5-year bins with records)" in text
    # Listing the sources the other way round changes nothing.
    reordered = sensing(
        client,
        subject="eelgrass",
        dataset=",".join([world.notebooks.slug, world.grounds.slug, world.survey.slug]),
        **BIN5,
    )
    forward = sensing(
        client,
        subject="eelgrass",
        dataset=",".join([world.survey.slug, world.grounds.slug, world.notebooks.slug]),
        **BIN5,
    )
    assert reordered["sentences"] == forward["sentences"]
    assert forward["sentences"][0] == body["sentences"][0]


def test_counts_without_other_subjects_give_the_direction_from_counts(client, world):
    counts = source(
        sensing(client, subject="spider crab", bin="year", **{"from": "2010", "to": "2024"}), world.counts.slug
    )
    # Wardens record only spider crab: a reporting rate of 100% says nothing, so it is not a measure.
    assert "reporting_rate" not in counts["measures"]
    assert counts["direction"]["measure"] == "count"
    assert counts["direction"]["n"] == 6


def test_a_private_record_of_another_person_never_counts(client, world):
    world.post(world.fisher, world.counts, "eelgrass", 2001, visibility="private")
    anonymous = source(sensing(client, subject="eelgrass", **BIN5), world.counts.slug)
    assert anonymous["bins"][0]["effort"] == 0
    own = source(sensing(client, headers=world.fisher.headers, subject="eelgrass", **BIN5), world.counts.slug)
    assert own["bins"][0]["present"] == 1


def test_a_generalised_record_counts_where_others_may_see_it(client, make, db):
    w = World(client, make)
    hidden = make.dataset(
        w.scientist,
        knowledge_kind="local",
        title="Nest sites",
        default_visibility="generalised",
        generalise_m=1000,
        force_generalised=True,
    )
    w.post(w.scientist, hidden, "puffin", 2020)
    cell = db.execute(
        text(
            "SELECT ST_XMin(public_geom), ST_YMin(public_geom), ST_XMax(public_geom), ST_YMax(public_geom)"
            " FROM observation WHERE dataset_id = :d"
        ),
        {"d": hidden.id},
    ).one()
    lon, lat = JERSEY_POINT
    # A box inside the record's cell that does not hold its precise point.
    corner = (cell[0], cell[1], cell[0] + 0.0005, cell[1] + 0.0005)
    assert not (corner[0] <= lon <= corner[2] and corner[1] <= lat <= corner[3])
    box = ",".join(f"{v:.6f}" for v in corner)
    anonymous = sensing(client, subject="puffin", bbox=box, **BIN5)
    assert source(anonymous, hidden.slug)["bins"][4]["present"] == 1
    steward = sensing(client, headers=w.scientist.headers, subject="puffin", bbox=box, **BIN5)
    assert all(s["dataset"] != hidden.slug for s in steward["sources"])


@pytest.mark.parametrize(
    ("args", "path"),
    [
        ({}, "subject"),
        ({"subject": "x", "bin": "century"}, "bin"),
        ({"subject": "x", "from": "2020", "to": "2000"}, "from"),
        ({"subject": "x", "from": "²⁰²⁰"}, "from"),
        ({"subject": "x", "bbox": "1,2,3"}, "bbox"),
        ({"subject": "x", "kind": "gossip"}, "kind"),
        ({"subject": "x", "bin": "year", "from": "1000"}, "bin"),
        ({"subject": "x", "colour": "red"}, "colour"),
    ],
)
def test_bad_questions_are_refused_naming_the_parameter(client, args, path):
    response = client.get("/api/v1/sensing", query_string=args)
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["path"] == path


def test_the_page_draws_charts_sentences_and_offers_the_table_as_csv(client, world):
    page = client.get("/sensing", query_string={"subject": "eelgrass", **BIN5})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('class="chart sensing-chart"') >= 8
    assert "2 sources agree on a decrease" in html
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/sensing", query_string={"subject": "eelgrass", "format": "csv", **BIN5}).get_data(
                    as_text=True
                )
            )
        )
    )
    survey = [r for r in rows if r["dataset"] == world.survey.slug]
    assert [r["reporting_rate"] for r in survey] == ["0.8", "0.6", "0.5", "0.4", "0.2"]


def test_user_text_is_escaped_in_the_page_and_neutralised_in_the_csv(client, make):
    w = World(client, make)
    hostile = make.dataset(w.warden, knowledge_kind="volunteer", title='=HYPERLINK("x") <script>alert(1)</script>')
    w.post(w.warden, hostile, "ormer", 2020, count=2)
    html = client.get("/sensing", query_string={"subject": "ormer", **BIN5}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    body = client.get("/sensing", query_string={"subject": "ormer", "format": "csv", **BIN5}).get_data(as_text=True)
    assert "'=HYPERLINK" in body
