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
