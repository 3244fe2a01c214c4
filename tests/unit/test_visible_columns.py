"""What a viewer may see of a record has one home: observations.columns.record_columns."""

from __future__ import annotations

import re

from fieldapp.access import ANONYMOUS, Viewer
from fieldapp.config import PROJECT_ROOT
from fieldapp.observations.columns import PRECISE_FIELDS, record_columns

# An observation's precise-derived column read through the read side's alias for it.
DIRECT_READ = re.compile(r"\bo\.(" + "|".join(PRECISE_FIELDS) + r")\b")


def test_no_module_but_visible_names_a_precise_column_of_a_record():
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path in (PROJECT_ROOT / "fieldapp").rglob("*.py")
        if path.name != "columns.py" and DIRECT_READ.search(path.read_text())
    ]
    assert offenders == []


def test_precise_fields_are_withheld_unless_the_viewer_may_see_precisely():
    member = Viewer(user_id=1, contributor_id=1, role="member")
    for viewer in (ANONYMOUS, member):
        columns = record_columns(viewer)
        for name in PRECISE_FIELDS:
            assert columns[name].startswith("CASE WHEN ("), (viewer, name)
    staff = record_columns(Viewer(user_id=2, contributor_id=2, role="staff"))
    assert staff["repair_note"] == "o.repair_note" and staff["location_precise"] == "true"


# An annotation's proposed value read in SQL (a one- or two-letter alias is a query's, not Python's).
PROPOSAL_READ = re.compile(r"\b\w{1,2}\.proposed_value\b")


def test_no_module_but_columns_reads_a_proposed_value_in_sql():
    """A proposed place is precise data: every output reads proposals through columns.proposed_value_sql."""
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path in (PROJECT_ROOT / "fieldapp").rglob("*.py")
        if path.name != "columns.py" and PROPOSAL_READ.search(path.read_text())
    ]
    assert offenders == []


def test_a_proposal_is_withheld_unless_its_field_is_known_to_be_public():
    """Private by default: a correctable field not listed as public is shown only to the record's managers."""
    from fieldapp.observations.columns import PUBLIC_PROPOSALS, proposed_value_sql
    from fieldapp.vocab import CORRECTABLE_FIELDS

    assert "place" not in PUBLIC_PROPOSALS and set(PUBLIC_PROPOSALS) <= set(CORRECTABLE_FIELDS)
    member = Viewer(user_id=1, contributor_id=1, role="member")
    for viewer in (ANONYMOUS, member):
        sql = proposed_value_sql(viewer)
        assert "'place'" not in sql and "withheld" in sql, (viewer, sql)
    assert proposed_value_sql(Viewer(user_id=2, contributor_id=2, role="staff")) == "a.proposed_value"
