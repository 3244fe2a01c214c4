"""Abundance scales: each value is checked against its scale and stored in its canonical form."""

from __future__ import annotations

import pytest

from fieldapp.observations.abundance import HELP, normalise
from fieldapp.vocab import ABUNDANCE_SCALES


@pytest.mark.parametrize(
    ("scale", "value", "canonical"),
    [
        ("SACFOR", "C", "C"),
        ("SACFOR", "c", "C"),
        ("SACFOR", " S ", "S"),
        ("SACFOR", "Common", "C"),
        ("SACFOR", "SUPERABUNDANT", "S"),
        ("SACFOR", "rare", "R"),
        ("SACFOR", "P", "P"),
        ("SACFOR", "present", "P"),
        ("DAFOR", "D", "D"),
        ("DAFOR", "Dominant", "D"),
        ("DAFOR", "occasional", "O"),
        ("DOMIN", "+", "+"),
        ("DOMIN", "1", "1"),
        ("DOMIN", "10", "10"),
        ("DOMIN", 7, "7"),
        ("percent_cover", "0", "0"),
        ("percent_cover", 100, "100"),
        ("percent_cover", 12.5, "12.5"),
        ("percent_cover", "40.0", "40"),
    ],
)
def test_values_on_the_scale_are_canonical(scale, value, canonical):
    assert normalise(scale, value) == canonical


@pytest.mark.parametrize(
    ("scale", "value", "words"),
    [
        ("SACFOR", "X", "not on the SACFOR scale"),
        ("SACFOR", "", "not on the SACFOR scale"),
        ("SACFOR", "D", "not on the SACFOR scale"),
        ("SACFOR", "dominant", "not on the SACFOR scale"),
        ("SACFOR", "Commonish", "not on the SACFOR scale"),
        ("DAFOR", "C", "not on the DAFOR scale"),
        ("DAFOR", "S", "not on the DAFOR scale"),
        ("DAFOR", "superabundant", "not on the DAFOR scale"),
        ("DOMIN", "11", "not on the DOMIN scale"),
        ("DOMIN", "0", "not on the DOMIN scale"),
        ("DOMIN", "-", "not on the DOMIN scale"),
        ("DOMIN", "5.5", "not on the DOMIN scale"),
        ("DOMIN", "C", "not on the DOMIN scale"),
        ("percent_cover", "150", "outside 0 to 100"),
        ("percent_cover", -1, "outside 0 to 100"),
        ("percent_cover", 100.01, "outside 0 to 100"),
        ("percent_cover", "nan", "not a percentage"),
        ("percent_cover", "inf", "not a percentage"),
        ("percent_cover", "lots", "not a percentage"),
        ("percent_cover", True, "not a percentage"),
        ("Braun-Blanquet", "3", "Unknown abundance scale"),
    ],
)
def test_values_off_the_scale_are_rejected_saying_what_is_allowed(scale, value, words):
    with pytest.raises(ValueError, match=words):
        normalise(scale, value)


def test_sacfor_error_lists_the_letters():
    with pytest.raises(ValueError) as caught:
        normalise("SACFOR", "X")
    assert "S, A, C, F, O, R, P" in str(caught.value)


def test_every_scale_has_help_text():
    assert set(HELP) == set(ABUNDANCE_SCALES)


def test_the_recording_page_gets_the_rules_normalise_applies():
    """page_rules() is what the phone checks with: every spelling it accepts normalises to its class,
    and its refusals are the server's words."""
    import json

    from fieldapp.observations.abundance import page_rules

    served = json.loads(json.dumps(page_rules()))
    for scale, table in served["classes"].items():
        for spelling, canonical in table["accepts"].items():
            assert normalise(scale, spelling) == normalise(scale, spelling.upper()) == canonical
        with pytest.raises(ValueError) as refused:
            normalise(scale, "Lots")
        assert str(refused.value) == table["refusal"].replace("{value}", "Lots")
    assert set(served["classes"]) | {"percent_cover"} == set(ABUNDANCE_SCALES)
