"""One repair for the API and the importer: kind kept, and a note from a fixed vocabulary without any place."""

from __future__ import annotations

import re

import pytest
from shapely.geometry import MultiPolygon, Polygon

from fieldapp.geo.repair import PROBLEMS, Unrepairable, problem, repair

# A drawn area that crosses itself, at the leak tests' canary place.
X, Y = -2.123456, 49.201234
CANARY_BOW_TIE = Polygon([(X, Y), (X + 0.01, Y + 0.01), (X + 0.01, Y), (X, Y + 0.01), (X, Y)])
NUMBER = re.compile(r"\d")


def test_a_self_intersection_note_names_the_problem_but_no_coordinate():
    repaired, note = repair(CANARY_BOW_TIE)
    assert isinstance(repaired, MultiPolygon) and repaired.is_valid
    assert note == "Invalid Polygon (Self-intersection) repaired with make_valid into a MultiPolygon."
    assert not NUMBER.search(note)


def test_overlapping_parts_are_unioned_not_punched_out():
    first = Polygon([(0, 0), (2, 0), (2, 2), (0, 2)])
    second = Polygon([(1, 1), (3, 1), (3, 3), (1, 3)])
    repaired, note = repair(MultiPolygon([first, second]))
    assert repaired.area == pytest.approx(7)
    assert not NUMBER.search(note)


def test_a_collapsed_area_is_refused_without_a_coordinate():
    with pytest.raises(Unrepairable) as caught:
        repair(Polygon([(X, Y), (X + 0.01, Y), (X + 0.02, Y), (X, Y)]))
    assert "cannot be repaired without changing its kind" in str(caught.value)
    assert not NUMBER.search(str(caught.value))


def test_every_problem_comes_from_the_fixed_vocabulary():
    assert problem(CANARY_BOW_TIE) in PROBLEMS
    spike = Polygon([(0, 0), (1, 0), (1, 1), (1, 2), (1, 1), (0, 1), (0, 0)])
    assert problem(spike) == "Ring Self-intersection"
