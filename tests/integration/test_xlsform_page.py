"""The dataset page's XLSForm upload: stewards only, a dry run writes nothing, the report in the user's language,
and hostile files (not a spreadsheet, cut short, too large, a zip bomb) refused clearly with nothing written."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from sqlalchemy import text
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.integration.test_transfer_pages import PASSWORD, _token, sign_in
from tests.shared_data import data

BIOMASS = data("forms/UCL_Biomass_Plot_Form.xlsx")
SPEC = data("forms/xlsform_spec_test.xlsx")


@pytest.fixture
def steward(make):
    return make.account("steward", name="Form Steward", password=PASSWORD)


@pytest.fixture
def dataset(make, steward):
    return make.dataset(steward, title="Plots <i>2026</i>")


def versions(db, dataset) -> int:
    return db.execute(text("SELECT count(*) FROM dataset_form WHERE dataset_id = :d"), {"d": dataset.id}).scalar_one()


def post_form(client, slug, body: bytes, name: str = "form.xlsx", dry_run: bool = False, token: str | None = None):
    if token is None:
        token = _token(client.get(f"/datasets/{slug}").get_data(as_text=True))
    form = {"csrf_token": token, "file": FileStorage(io.BytesIO(body), name)}
    if dry_run:
        form["dry_run"] = "on"
    # Encoded in memory: the test client spools a large body to a temporary file it never closes.
    boundary, encoded = encode_multipart(form)
    return client.post(
        f"/datasets/{slug}/form/xlsform", data=encoded, content_type=f"multipart/form-data; boundary={boundary}"
    )


def test_the_steward_sees_the_upload_others_only_the_version_and_export(client, make, steward, dataset):
    page = client.get(f"/datasets/{dataset.slug}").get_data(as_text=True)
    assert "Recording form" in page and f"/datasets/{dataset.slug}/form/xlsform" not in page
    sign_in(client, make.account(name="Member", password=PASSWORD))
    member_page = client.get(f"/datasets/{dataset.slug}").get_data(as_text=True)
    assert f"/datasets/{dataset.slug}/form/xlsform" not in member_page
    client.post("/logout", data={"csrf_token": _token(page)})
    sign_in(client, steward)
    page = client.get(f"/datasets/{dataset.slug}").get_data(as_text=True)
    assert f'action="/datasets/{dataset.slug}/form/xlsform"' in page
    assert re.search(r'<input type="checkbox" name="dry_run" checked>', page)


def test_a_dry_run_names_every_row_left_out_and_writes_nothing_then_the_upload_publishes(client, db, steward, dataset):
    sign_in(client, steward)
    dry = post_form(client, dataset.slug, SPEC.read_bytes(), SPEC.name, dry_run=True)
    page = dry.get_data(as_text=True)
    assert dry.status_code == 200, page[:2000]
    assert f"Dry run of {SPEC.name}: nothing written" in page
    for row, what in (
        ("repeat &#39;everything/repeat_test&#39;", "not supported, left out with its questions"),
        ("calculate &#39;everything/calculate_test&#39;", "calculations are not supported; left out"),
        ("time &#39;everything/time_test&#39;", "type not supported; left out"),
        ("audio &#39;everything/audio_test&#39;", "only photos are supported as media; left out"),
    ):
        assert re.search(f"<td><code>{re.escape(row)}</code></td><td>{re.escape(what)}</td>", page), row
    assert versions(db, dataset) == 0
    done = post_form(client, dataset.slug, BIOMASS.read_bytes(), BIOMASS.name)
    assert done.status_code == 200
    assert f"{BIOMASS.name} published as version 1 of the recording form" in done.get_data(as_text=True)
    assert versions(db, dataset) == 1
    page = client.get(f"/datasets/{dataset.slug}").get_data(as_text=True)
    assert "Version 1 of its own fields" in page and f"/api/v1/datasets/{dataset.slug}/form.xlsx" in page


def test_the_report_is_in_the_user_s_language(client, steward, dataset):
    sign_in(client, steward)
    client.set_cookie("fieldapp_lang", "fr")
    page = post_form(client, dataset.slug, BIOMASS.read_bytes(), BIOMASS.name, dry_run=True).get_data(as_text=True)
    assert "Essai à blanc de UCL_Biomass_Plot_Form.xlsx : rien n’a été écrit" in page
    assert "aplati, ses questions gardées dans l’ordre" in page
    assert "une liste à choisir dans un fichier demande ce fichier ; laissée de côté" in page
    # The questions' labels in the page's language when the form has it, else its own first language (Swahili).
    assert "Jina Lako" in page
    client.set_cookie("fieldapp_lang", "pt")
    page = post_form(client, dataset.slug, SPEC.read_bytes(), SPEC.name, dry_run=True).get_data(as_text=True)
    assert "os cálculos não são suportados; deixado de fora" in page


def test_a_member_may_not_upload_even_a_dry_run_and_nothing_is_written(client, db, make, dataset):
    sign_in(client, make.account(name="Member", password=PASSWORD))
    for dry_run in (True, False):
        refused = post_form(client, dataset.slug, BIOMASS.read_bytes(), dry_run=dry_run)
        assert refused.status_code == 403 and "stewards" in refused.get_data(as_text=True)
    assert versions(db, dataset) == 0


def test_without_the_page_s_token_or_signed_out_the_upload_is_refused(client, db, steward, dataset):
    anonymous = post_form(client, dataset.slug, BIOMASS.read_bytes())
    assert anonymous.status_code in (302, 401)
    sign_in(client, steward)
    forged = post_form(client, dataset.slug, BIOMASS.read_bytes(), token="not-the-token")
    assert forged.status_code == 400
    assert versions(db, dataset) == 0


def _zip_bomb() -> bytes:
    """A small .xlsx-looking zip whose sheet unpacks to 80 MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/worksheets/sheet1.xml", b"0" * (80 * 1024 * 1024))
    return out.getvalue()


def _no_survey() -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "data"
    book.active.append(["a", "b"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("body", "name", "said"),
    [
        (b"type,name,label\ninteger,pots,Pots\n", "pots.csv", "not a spreadsheet"),
        (BIOMASS.read_bytes()[:4000], "cut.xlsx", "not a spreadsheet"),
        (b"PK\x03\x04" + b"\x00" * (6 * 1024 * 1024), "huge.xlsx", "an XLSForm is at most 5 MB"),
        (None, "bomb.xlsx", "unpacks to 80 MB"),
        (None, "data.xlsx", "pyxform cannot read this XLSForm"),
    ],
    ids=["csv", "cut-short", "too-large", "zip-bomb", "no-survey-sheet"],
)
def test_a_file_that_is_not_a_form_is_refused_clearly_and_nothing_is_written(
    client, db, steward, dataset, body, name, said
):
    body = body if body is not None else (_zip_bomb() if name == "bomb.xlsx" else _no_survey())
    sign_in(client, steward)
    refused = post_form(client, dataset.slug, body, name)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422, page[:1000]
    assert said in page and "<strong>file</strong>" in page
    # The way on is back to the dataset's page (to try another file), not only the site's start.
    assert f'<a href="/datasets/{dataset.slug}" id="back">' in page
    assert versions(db, dataset) == 0


def test_a_body_over_the_site_s_limit_is_refused_before_it_is_read(app, client, db, steward, dataset):
    sign_in(client, steward)
    limit = app.config["MAX_CONTENT_LENGTH"]
    refused = post_form(client, dataset.slug, b"\x00" * (limit + 1), "big.xlsx")
    assert refused.status_code == 413
    assert "larger than the limit" in refused.get_data(as_text=True)
    assert versions(db, dataset) == 0
