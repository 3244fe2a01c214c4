"""A steward uploads a real XLSForm from the dataset page in Chromium: a dry run's report, then the new version."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fieldapp.accounts.models import User
from fieldapp.datasets.models import Dataset
from tests.shared_data import data

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough passphrase"
BIOMASS = data("forms/UCL_Biomass_Plot_Form.xlsx")


@pytest.fixture
def stewarded(live_server) -> tuple[str, str]:
    """A steward with a password and an empty dataset of their own (deleted with the live server's clean-up)."""
    email, _token = live_server.account("Plot Steward", password=PASSWORD, role="steward")
    slug = live_server.slug("xlsform")
    with live_server.database.session() as session:
        user = session.query(User).filter_by(email=email).one()
        session.add(
            Dataset(
                slug=slug,
                title="Biomass plots " + slug[-6:],
                knowledge_kind="scientific",
                licence="CC-BY-4.0",
                default_visibility="public",
                steward_id=user.contributor_id,
            )
        )
    return email, slug


def sign_in(page, email: str, slug: str) -> None:
    page.goto(f"/login?next=/datasets/{slug}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(f"/datasets/{slug}$"))


def test_steward_dry_runs_a_real_xlsform_then_publishes_it(page, stewarded):
    email, slug = stewarded
    sign_in(page, email, slug)
    expect(page.locator("#form-version")).to_contain_text("Only the common fields")
    upload = page.locator("form.xlsform-upload")
    upload.get_by_label("XLSForm (.xlsx)").set_input_files(str(BIOMASS))
    expect(upload.get_by_label(re.compile("Check only"))).to_be_checked()
    upload.get_by_role("button", name="Upload the form").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Dry run of {BIOMASS.name}: nothing written")
    notes = page.locator("#notes tbody tr")
    expect(notes.filter(has_text="group 'intro'")).to_contain_text("flattened, its questions kept in order")
    expect(notes.filter(has_text="geopoint")).to_contain_text("the record's own place is its location; left out")
    expect(notes.filter(has_text="a select from a file needs the file").first).to_be_visible()
    expect(page.locator("#questions")).to_contain_text("leader_name_other")

    page.get_by_role("link", name="Back to the dataset").click()
    expect(page.locator("#form-version")).to_contain_text("Only the common fields")  # the dry run wrote nothing
    upload.get_by_label("XLSForm (.xlsx)").set_input_files(str(BIOMASS))
    upload.get_by_label(re.compile("Check only")).uncheck()
    upload.get_by_role("button", name="Upload the form").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{BIOMASS.name} published as version 1 of the recording form"
    )
    page.get_by_role("link", name="Back to the dataset").click()
    expect(page.locator("#form-version")).to_contain_text("Version 1 of its own fields")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download it as an XLSForm").click()
    assert download_info.value.suggested_filename == f"{slug}-form-v1.xlsx"


def test_a_file_that_is_not_a_form_gets_a_clear_error_and_a_member_gets_no_upload(
    page, stewarded, live_server, tmp_path
):
    email, slug = stewarded
    sign_in(page, email, slug)
    junk = tmp_path / "plots.xlsx"
    junk.write_text("type,name,label\ninteger,trees,Trees\n")
    upload = page.locator("form.xlsform-upload")
    upload.get_by_label("XLSForm (.xlsx)").set_input_files(str(junk))
    upload.get_by_label(re.compile("Check only")).uncheck()
    upload.get_by_role("button", name="Upload the form").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("422")
    expect(page.locator("main")).to_contain_text("This is not an .xlsx XLSForm: the file is not a spreadsheet.")
    page.goto(f"/datasets/{slug}")
    expect(page.locator("#form-version")).to_contain_text("Only the common fields")

    member, _token = live_server.account("Plot Member", password=PASSWORD)
    page.context.clear_cookies()
    sign_in(page, member, slug)
    expect(page.locator("#form-title")).to_be_visible()
    expect(page.locator("form.xlsform-upload")).to_have_count(0)
