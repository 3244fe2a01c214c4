"""Query-string filters: bbox, datetime instants and intervals, limit clamping, paging cursors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from werkzeug.datastructures import MultiDict

from fieldapp.errors import BadRequest
from fieldapp.geo.filters import (
    Interval,
    decode_cursor,
    encode_cursor,
    parse_bbox,
    parse_datetime,
    parse_instant,
    parse_limit,
    reject_unknown,
)


def assert_names(exc: BadRequest, parameter: str, words: str) -> None:
    """A 400 that names the parameter in its message and its one detail."""
    assert exc.status == 400
    assert f"'{parameter}'" in exc.message
    assert exc.details == [{"path": parameter, "message": exc.details[0]["message"]}]
    assert words in exc.details[0]["message"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("-2.3,49.15,-2.0,49.3", (-2.3, 49.15, -2.0, 49.3)),
        (" -2.3, 49.15 ,-2 ,49.3", (-2.3, 49.15, -2.0, 49.3)),
        ("-180,-90,180,90", (-180.0, -90.0, 180.0, 90.0)),
        ("1,1,1,1", (1.0, 1.0, 1.0, 1.0)),
    ],
)
def test_bbox_parses(raw, expected):
    assert parse_bbox(raw) == expected


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("", "four numbers"),
        ("1,2,3", "four numbers"),
        ("1,2,3,4,5", "four numbers"),
        ("a,b,c,d", "not a number"),
        ("1,2,3,", "not a number"),
        ("nan,0,1,1", "finite"),
        ("0,0,inf,1", "finite"),
        ("-181,0,0,1", "-180..180"),
        ("0,-91,1,1", "-90..90"),
        ("0,0,1,90.5", "-90..90"),
        ("2,0,1,1", "must not exceed"),
        ("0,2,1,1", "must not exceed"),
    ],
)
def test_bad_bbox_names_the_parameter(raw, words):
    with pytest.raises(BadRequest) as caught:
        parse_bbox(raw)
    assert_names(caught.value, "bbox", words)


def test_bbox_errors_use_the_given_parameter_name():
    with pytest.raises(BadRequest) as caught:
        parse_bbox("1,2", parameter="extent")
    assert_names(caught.value, "extent", "four numbers")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
        ("2024-05-01T10:30:00Z", datetime(2024, 5, 1, 10, 30, tzinfo=UTC)),
        ("2024-05-01T10:30:00", datetime(2024, 5, 1, 10, 30, tzinfo=UTC)),
        ("2024-05-01T10:30:00+02:00", datetime(2024, 5, 1, 10, 30, tzinfo=timezone(timedelta(hours=2)))),
    ],
)
def test_instant_is_aware_and_utc_when_naive(raw, expected):
    value = parse_instant(raw)
    assert value == expected
    assert value.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-05-01", Interval(datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 1, tzinfo=UTC))),
        ("2024-05-01/2024-06-01", Interval(datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 6, 1, tzinfo=UTC))),
        (
            "2024-05-01T00:00:00Z/2024-05-01T00:00:00Z",
            Interval(datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 1, tzinfo=UTC)),
        ),
        ("2024-05-01/..", Interval(datetime(2024, 5, 1, tzinfo=UTC), None)),
        ("2024-05-01/", Interval(datetime(2024, 5, 1, tzinfo=UTC), None)),
        ("../2024-06-01", Interval(None, datetime(2024, 6, 1, tzinfo=UTC))),
        ("/2024-06-01", Interval(None, datetime(2024, 6, 1, tzinfo=UTC))),
    ],
)
def test_datetime_instant_interval_and_open_ends(raw, expected):
    assert parse_datetime(raw) == expected


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("yesterday", "not an RFC 3339"),
        ("2024-13-01", "not an RFC 3339"),
        ("2024-02-30", "not an RFC 3339"),
        ("2024-05-01/soon", "not an RFC 3339"),
        ("../..", "at least one end"),
        ("/", "at least one end"),
        ("2024-06-01/2024-05-01", "ends before it starts"),
    ],
)
def test_bad_datetime_names_the_parameter(raw, words):
    with pytest.raises(BadRequest) as caught:
        parse_datetime(raw)
    assert_names(caught.value, "datetime", words)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, 100),
        ("1", 1),
        ("250", 250),
        ("10000", 10_000),
        ("10001", 10_000),
        ("99999999", 10_000),
    ],
)
def test_limit_defaults_and_is_clamped_to_the_maximum(raw, expected):
    assert parse_limit(raw, default=100, maximum=10_000) == expected


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("0", "at least 1"),
        ("-5", "at least 1"),
        ("ten", "not a whole number"),
        ("1.5", "not a whole number"),
        ("", "not a whole number"),
    ],
)
def test_bad_limit_names_the_parameter(raw, words):
    with pytest.raises(BadRequest) as caught:
        parse_limit(raw, default=100, maximum=10_000)
    assert_names(caught.value, "limit", words)


@pytest.mark.parametrize("seq", [0, 1, 42, 2**31, 2**62])
def test_cursor_round_trips_and_is_url_safe(seq):
    cursor = encode_cursor(seq)
    assert decode_cursor(cursor) == seq
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@pytest.mark.parametrize("raw", ["!!!", "abc", "MTIz", "s", encode_cursor(5)[:-1] + "*", "\u00e9"])
def test_cursor_not_made_by_the_server_is_a_bad_request(raw):
    with pytest.raises(BadRequest) as caught:
        decode_cursor(raw)
    assert_names(caught.value, "cursor", "follow the 'next' link")


def test_unknown_query_parameters_are_each_named():
    reject_unknown(MultiDict([("bbox", "1"), ("limit", "2")]), {"bbox", "limit", "cursor"})
    with pytest.raises(BadRequest) as caught:
        reject_unknown(MultiDict([("bbox", "1"), ("colour", "red"), ("bboxx", "2")]), {"bbox", "limit"})
    assert caught.value.status == 400
    assert caught.value.details == [
        {"path": "bboxx", "message": "unknown parameter"},
        {"path": "colour", "message": "unknown parameter"},
    ]
    assert "bboxx, colour" in caught.value.message and "allowed: bbox, limit" in caught.value.message
