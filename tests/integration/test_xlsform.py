"""XLSForm in and out with real forms: what is kept, what is named, a dry run, and the round trip."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import text

from fieldapp.cli import main
from fieldapp.forms.definition import FormSchema
from fieldapp.forms.xlsform import read_xlsform, write_xlsform
from tests.integration.test_forms import SEASON_FORM
from tests.shared_data import data

BIOMASS = data("forms/UCL_Biomass_Plot_Form.xlsx")
SPEC = data("forms/xlsform_spec_test.xlsx")


@pytest.fixture
def steward_dataset(make):
    steward = make.account("steward", name="Form Steward")
    return steward, make.dataset(steward, title="Plots")


def upload(client, account, dataset, path, dry_run=False):
    with open(path, "rb") as handle:
        return client.post(
            f"/api/v1/datasets/{dataset.slug}/form/xlsform",
            data={"file": (handle, path.name), "dry_run": "true" if dry_run else ""},
            headers=account.headers,
            content_type="multipart/form-data",
        )


def test_the_bilingual_field_form_keeps_its_questions_and_names_every_row_left_out():
    report = read_xlsform(BIOMASS)
    names = [f["name"] for f in report.definition["fields"]]
    assert report.definition["languages"] == ["sw", "en"]
    assert "leader_name" in names and "leader_name_other" in names
    other = next(f for f in report.definition["fields"] if f["name"] == "leader_name_other")
    assert other["relevant"] == "${leader_name} = 'other'" and other["required"] is True
    assert other["label"] == {"sw": "Jina Lako", "en": "Your Name"}
    notes = "\n".join(report.notes)
    for left_out in (
        "group 'intro': flattened",
        "select from a file needs the file",
        "geopoint",
        "photos are the record's own photos",
        "start 'info/start'",
        "regex(",
    ):
        assert left_out in notes, left_out


def test_the_specification_form_names_repeats_calculations_and_media():
    report = read_xlsform(SPEC)
    notes = "\n".join(report.notes)
    for left_out in (
        "repeat 'everything/repeat_test': not supported",
        "calculate",
        "only photos are supported",
        "time 'everything/time_test': type not supported",
    ):
        assert left_out in notes, left_out
    kinds = {f["type"] for f in report.definition["fields"]}
    assert {"integer", "decimal", "text", "select_one", "boolean", "date", "note"} <= kinds
    # The repeat's questions (a select_multiple among them) went with it, as its note says.
    assert "select_multiple_test" not in {f["name"] for f in report.definition["fields"]}


def test_a_dry_run_reports_and_writes_nothing_then_the_import_publishes(client, steward_dataset, db):
    steward, dataset = steward_dataset
    dry = upload(client, steward, dataset, BIOMASS, dry_run=True)
    assert dry.status_code == 200, dry.get_json()
    body = dry.get_json()
    assert body["dry_run"] is True and body["form"] is None and body["notes"]
    assert db.execute(text("SELECT count(*) FROM dataset_form")).scalar_one() == 0
    done = upload(client, steward, dataset, BIOMASS)
    assert done.status_code == 201 and done.get_json()["form"]["version"] == 1


def test_an_import_by_a_member_and_a_file_that_is_not_a_form_are_refused(client, make, steward_dataset, tmp_path):
    steward, dataset = steward_dataset
    assert upload(client, make.account(), dataset, BIOMASS).status_code == 403
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a spreadsheet")
    refused = upload(client, steward, dataset, junk)
    assert refused.status_code == 422 and refused.get_json()["error"]["details"][0]["path"] == "file"


@pytest.mark.parametrize("path", [BIOMASS, SPEC], ids=["biomass", "spec"])
def test_an_exported_form_imports_as_the_same_form(tmp_path, path):
    first = read_xlsform(path).definition
    exported = tmp_path / "exported.xlsx"
    exported.write_bytes(write_xlsform(first))
    again = read_xlsform(exported)
    assert again.definition["fields"] == first["fields"]
    assert again.notes == []


def test_ranges_units_and_sensitivity_travel_through_xlsform(tmp_path, client, steward_dataset):
    steward, dataset = steward_dataset
    client.put(f"/api/v1/datasets/{dataset.slug}/form", json=SEASON_FORM, headers=steward.headers)
    exported = client.get(f"/api/v1/datasets/{dataset.slug}/form.xlsx")
    assert exported.status_code == 200
    survey = openpyxl.load_workbook(io.BytesIO(exported.data))["survey"]
    header = [c.value for c in survey[1]]
    pots = dict(zip(header, [c.value for c in survey[2]], strict=True))
    assert pots["constraint"] == ". >= 0 and . <= 500"  # ODK enforces the range too
    path = tmp_path / "season.xlsx"
    path.write_bytes(exported.data)
    # The import path checks what it read with the form's schema, as the API does the form it stores.
    back = FormSchema().load(read_xlsform(path).definition)
    stored = client.get(f"/api/v1/datasets/{dataset.slug}/form").get_json()["form"]
    assert back["fields"] == stored["fields"]
    assert next(f for f in back["fields"] if f["name"] == "mark")["sensitive"] is True


def test_the_command_line_imports_and_exports(app, db, steward_dataset, tmp_path):
    _, dataset = steward_dataset
    runner = app.test_cli_runner()
    dry = runner.invoke(main, args=["forms", "import", str(BIOMASS), "--dataset", dataset.slug, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "note: group 'intro': flattened" in dry.output and "dry run: nothing written" in dry.output
    assert db.execute(text("SELECT count(*) FROM dataset_form")).scalar_one() == 0
    done = runner.invoke(main, args=["forms", "import", str(BIOMASS), "--dataset", dataset.slug])
    assert done.exit_code == 0 and "published as version 1" in done.output, done.output
    out = tmp_path / "out.xlsx"
    assert runner.invoke(main, args=["forms", "export", "--dataset", dataset.slug, str(out)]).exit_code == 0
    assert read_xlsform(out).definition["fields"] == read_xlsform(BIOMASS).definition["fields"]
    missing = runner.invoke(main, args=["forms", "import", str(BIOMASS), "--dataset", "nope"])
    assert missing.exit_code == 1 and "No dataset 'nope'" in missing.output
