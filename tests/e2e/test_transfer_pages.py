"""A steward imports a survey layer from the dataset page in Chromium, then downloads it as a GeoPackage."""

from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import expect

from fieldapp.accounts.models import User
from fieldapp.datasets.models import Dataset
from tests.shared_data import data

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough passphrase"
OUTLINE = data("crs/jersey_ne10m_land_EPSG3109.geojson")


@pytest.fixture
def stewarded(live_server) -> tuple[str, str]:
    """A steward with a password and an empty dataset of their own (deleted with the live server's clean-up)."""
    email, _token = live_server.account("Jersey Seasearch", password=PASSWORD, role="steward")
    slug = live_server.slug("transfer")
    with live_server.database.session() as session:
        user = session.query(User).filter_by(email=email).one()
        session.add(
            Dataset(
                slug=slug,
                title="Outline " + slug[-6:],
                knowledge_kind="scientific",
                licence="CC-BY-4.0",
                default_visibility="public",
                steward_id=user.contributor_id,
            )
        )
    return email, slug


def test_steward_dry_runs_imports_and_downloads_a_geopackage(page, stewarded, tmp_path):
    email, slug = stewarded
    page.goto(f"/login?next=/datasets/{slug}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(f"/datasets/{slug}$"))

    page.get_by_label("File").set_input_files(str(OUTLINE))
    expect(page.get_by_label(re.compile("Dry run"))).to_be_checked()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Dry run of {OUTLINE.name}: nothing written")
    expect(page.locator(".rows-read")).to_have_text("1")
    expect(page.locator(".to-create")).to_have_text("1")
    expect(page.locator("main")).to_contain_text("EPSG:3109")

    page.get_by_role("link", name="Back to the dataset").click()
    page.get_by_label("File").set_input_files(str(OUTLINE))
    page.get_by_label(re.compile("Dry run")).uncheck()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Imported {OUTLINE.name}")
    expect(page.locator(".created")).to_have_text("1")

    page.get_by_role("link", name="Back to the dataset").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="GeoPackage").click()
    target = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(target)
    assert target.name == f"{slug}.gpkg"
    info = subprocess.run(["ogrinfo", "-so", "-al", str(target)], capture_output=True, text=True, timeout=60)
    assert info.returncode == 0, info.stderr
    assert "Feature Count: 1" in info.stdout
    assert re.search(r'ID\["EPSG",\s*4326\]', info.stdout), info.stdout
