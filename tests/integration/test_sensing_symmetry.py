"""Sensing's symmetry (no source is the reference) and its interval rule for quantities, on hand-built data."""

from __future__ import annotations

from tests.integration.test_sensing import BIN5, World, sensing, source

FALLING, RISING = [9, 7, 5, 3, 1], [1, 3, 5, 7, 9]


def _two_sources(client, make, alpha_counts, beta_counts):
    w = World(client, make)
    alpha = make.dataset(w.warden, knowledge_kind="volunteer", title="Alpha counts")
    beta = make.dataset(w.scientist, knowledge_kind="scientific", title="Beta survey")
    for dataset, owner, counts in ((alpha, w.warden, alpha_counts), (beta, w.scientist, beta_counts)):
        for start, n in zip((2000, 2005, 2010, 2015, 2020), counts, strict=True):
            w.post(owner, dataset, "ormer", start + 2, count=n)
    return sensing(client, subject="ormer", dataset=f"{alpha.slug},{beta.slug}", **BIN5)


def test_swapping_what_two_sources_say_swaps_only_their_names_in_the_sentences(client, make):
    first = _two_sources(client, make, FALLING, RISING)
    assert first["sentences"][0] == "The sources differ about the direction of change."
    assert any(s.startswith("Alpha counts") and s.endswith("shows a decrease.") for s in first["sentences"])
    second = _two_sources(client, make, RISING, FALLING)
    # A scientific survey and wardens' counts are described by the same rules: swap the data and
    # the names in the sentences, and the sentences are the same, word for word.
    swapped = [
        s.replace("Alpha counts (volunteer records)", "\0")
        .replace("Beta survey (scientific surveys)", "Alpha counts (volunteer records)")
        .replace("\0", "Beta survey (scientific surveys)")
        for s in second["sentences"]
    ]
    assert swapped == first["sentences"]


def test_a_record_spanning_several_bins_gives_no_quantity_to_any_of_them(client, make):
    w = World(client, make)
    w.post(
        w.scientist,
        w.notebooks,
        "ormer",
        None,
        count=12,
        time_precision="decade",
        observed_start="2000-01-01T00:00:00Z",
        observed_end="2009-12-31T23:59:59Z",
    )
    spread = source(sensing(client, subject="ormer", **BIN5), w.notebooks.slug)["bins"]
    assert [b["present"] for b in spread[:2]] == [0.5, 0.5]
    # Its count is not placed in a 5-year bin it does not claim...
    assert [b["median_count"] for b in spread] == [None] * 5
    # ... but it is the decade's own.
    decade = source(sensing(client, subject="ormer", bin="decade", **{"from": "2000", "to": "2024"}), w.notebooks.slug)
    assert decade["bins"][0]["median_count"] == 12 and decade["bins"][0]["spread"] == 0
