"""The dataset page's download links and its steward-only import form, report page and background jobs."""

from __future__ import annotations

import dataclasses
import io
import re
import time
import uuid

import pytest
from sqlalchemy import text

from tests.factories import Factory
from tests.integration.transfer_helpers import count
from tests.integration.worker_helpers import workers
from tests.shared_data import data

PASSWORD = "a long enough passphrase"
GEOJSON = data("crs/jersey_ne10m_land_EPSG3109.geojson")
BAD_CSV = (
    "id,species,latitude,longitude,eventDate\n"
    "a1,Spider crab,49.18,-2.15,2021-04-25\n"
    "a2,Ormer,95,-2.15,2021-04-25\n"
    "a3,Ormer,49.18,-2.15,<i>soon</i>\n"
)


def _token(page: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def sign_in(client, account) -> None:
    token = _token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"csrf_token": token, "email": account.user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def _upload(client, slug, path_or_bytes, name, **fields):
    token = _token(client.get(f"/datasets/{slug}").get_data(as_text=True))
    body = path_or_bytes.read_bytes() if hasattr(path_or_bytes, "read_bytes") else path_or_bytes
    form = {"csrf_token": token, "file": (io.BytesIO(body), name), **fields}
    return client.post(f"/datasets/{slug}/import", data=form, content_type="multipart/form-data")


@pytest.fixture
def steward(make):
    return make.account("steward", name="Jersey <b>Seasearch</b>", password=PASSWORD)


@pytest.fixture
def dataset(make, steward):
    return make.dataset(steward, title="Shore <script>alert(1)</script> survey")


def test_everyone_gets_download_links_for_every_format_and_no_import_form(client, dataset):
    page = client.get(f"/datasets/{dataset.slug}").get_data(as_text=True)
    for fmt, label in (("geojson", "GeoJSON"), ("csv", "CSV"), ("gpkg", "GeoPackage"), ("dwca", "Darwin Core Archive")):
        assert f'href="/datasets/{dataset.slug}/download?format={fmt}">{label}</a>' in page
    assert 'name="file"' not in page and f"/datasets/{dataset.slug}/import" not in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    response = client.get(f"/datasets/{dataset.slug}/download?format=gpkg")
    assert response.status_code == 200 and response.data[:16] == b"SQLite format 3\x00"


def test_only_stewards_and_staff_see_the_form_and_may_post(client, make, dataset):
    member = make.account(name="Member", password=PASSWORD)
    sign_in(client, member)
    page = client.get(f"/datasets/{dataset.slug}").get_data(as_text=True)
    assert 'name="file"' not in page
    refused = _upload(client, dataset.slug, GEOJSON, GEOJSON.name)
    assert refused.status_code == 403 and "stewards" in refused.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": _token(page)})
    staff = make.account("staff", name="Park Staff", password=PASSWORD)
    sign_in(client, staff)
    page = client.get(f"/datasets/{dataset.slug}").get_data(as_text=True)
    assert 'name="file"' in page and 'name="dry_run"' in page and 'name="map"' in page
    assert 'name="crs"' in page and 'name="layer"' in page and 'name="format"' in page


def test_anonymous_posts_and_posts_without_csrf_are_refused(client, db, steward, dataset):
    anonymous = _upload(client, dataset.slug, GEOJSON, GEOJSON.name)
    assert anonymous.status_code == 401
    sign_in(client, steward)
    forged = client.post(
        f"/datasets/{dataset.slug}/import",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(GEOJSON.read_bytes()), GEOJSON.name)},
    )
    assert forged.status_code == 400 and "CSRF" in forged.get_data(as_text=True)
    assert count(db, dataset.slug) == 0


def test_steward_dry_runs_then_imports_and_sees_the_report(client, db, steward, dataset):
    sign_in(client, steward)
    page = client.get(f"/datasets/{dataset.slug}").get_data(as_text=True)
    assert 'name="file"' in page and f'action="/datasets/{dataset.slug}/import"' in page
    dry = _upload(client, dataset.slug, GEOJSON, GEOJSON.name, dry_run="on")
    html = dry.get_data(as_text=True)
    assert dry.status_code == 200, html
    assert "Dry run of jersey_ne10m_land_EPSG3109.geojson: nothing written" in html
    assert re.search(r'class="rows-read">1<', html) and re.search(r'class="to-create">1<', html)
    assert "EPSG:3109" in html
    assert "&lt;script&gt;" in html and "<script>alert(1)</script>" not in html
    assert count(db, dataset.slug) == 0
    real = _upload(client, dataset.slug, GEOJSON, GEOJSON.name)
    html = real.get_data(as_text=True)
    assert real.status_code == 200, html
    assert "Imported jersey_ne10m_land_EPSG3109.geojson" in html and re.search(r'class="created">1<', html)
    assert count(db, dataset.slug) == 1
    again = _upload(client, dataset.slug, GEOJSON, GEOJSON.name).get_data(as_text=True)
    assert re.search(r'class="created">0<', again) and count(db, dataset.slug) == 1


def test_rejected_rows_are_listed_with_row_numbers_escaped_and_nothing_written(client, db, steward, dataset):
    sign_in(client, steward)
    response = _upload(client, dataset.slug, BAD_CSV.encode(), "rows.csv", map="subject=species")
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html
    assert "Nothing imported from rows.csv" in html and "cannot be imported" in html
    # Row numbers count the header line, as an editor shows them.
    assert re.search(r"<li>row 3: [^<]*latitude", html), html
    assert re.search(r"<li>row 4: [^<]*&lt;i&gt;soon", html), html
    assert re.search(r'class="rejected">2<', html)
    assert "<td>subject</td><td>column &#39;species&#39; (given)</td>" in html
    assert "<i>soon</i>" not in html
    assert count(db, dataset.slug) == 0
    skipped = _upload(client, dataset.slug, BAD_CSV.encode(), "rows.csv", skip_rejected="on")
    html = skipped.get_data(as_text=True)
    assert skipped.status_code == 200, html
    assert re.search(r'class="created">1<', html) and re.search(r'class="rejected">2<', html)
    assert count(db, dataset.slug) == 1


def test_an_unknown_format_is_a_clear_error_page(client, steward, dataset):
    sign_in(client, steward)
    response = _upload(client, dataset.slug, b"x", "x.txt", format="shp")
    assert response.status_code == 400 and "Unknown format" in response.get_data(as_text=True)


# --- background jobs: run by a `fieldapp worker` process with its own connection, so these commit for real ---


@pytest.fixture
def committed(app):
    database = app.extensions["fieldapp.db"]
    session = database.sessionmaker()
    factory = Factory(session)
    steward = factory.account("steward", password=PASSWORD)
    dataset = factory.dataset(steward, slug=f"page-jobs-{uuid.uuid4().hex[:8]}")
    yield steward, dataset
    session.execute(text("DELETE FROM import_job WHERE dataset_id = :d"), {"d": dataset.id})
    session.execute(text("DELETE FROM observation WHERE dataset_id = :d"), {"d": dataset.id})
    session.execute(text("DELETE FROM dataset WHERE id = :d"), {"d": dataset.id})
    session.execute(text("DELETE FROM user_account WHERE id = :u"), {"u": steward.user.id})
    session.commit()
    session.close()


@pytest.fixture(scope="module")
def worker(settings, migrated, tmp_path_factory):
    with workers(settings, tmp_path_factory.mktemp("page-workers")) as (one,):
        yield one


def test_big_files_go_to_the_background_with_a_status_page(app, committed, worker, monkeypatch):
    steward, dataset = committed
    settings = dataclasses.replace(app.extensions["fieldapp.settings"], import_inline_max_bytes=100)
    monkeypatch.setitem(app.extensions, "fieldapp.settings", settings)
    client = app.test_client()
    sign_in(client, steward)
    response = _upload(client, dataset.slug, GEOJSON, GEOJSON.name)
    html = response.get_data(as_text=True)
    assert response.status_code == 202, html
    assert "imported in the background" in html
    status_url = re.search(r'<a href="([^"]+)">Check its progress</a>', html).group(1)
    assert status_url.startswith(f"/datasets/{dataset.slug}/imports/")
    deadline = time.monotonic() + 60
    while (status := client.get(status_url)).status_code == 202 and time.monotonic() < deadline:
        time.sleep(0.2)
    html = status.get_data(as_text=True)
    assert status.status_code == 200, html
    assert "Imported jersey_ne10m_land_EPSG3109.geojson" in html and re.search(r'class="created">1<', html)
    assert app.test_client().get(status_url).status_code == 404  # not for anyone else
    assert 'class="cancel-import"' not in html


def test_a_queued_import_is_cancelled_from_its_page(app, client, steward, dataset, monkeypatch):
    settings = dataclasses.replace(app.extensions["fieldapp.settings"], import_inline_max_bytes=100)
    monkeypatch.setitem(app.extensions, "fieldapp.settings", settings)
    sign_in(client, steward)
    html = _upload(client, dataset.slug, GEOJSON, GEOJSON.name).get_data(as_text=True)
    form = re.search(r'<form method="post" action="([^"]+)" class="cancel-import">', html)
    assert form, html
    assert client.post(form.group(1)).status_code == 400  # without the CSRF token
    assert app.test_client().post(form.group(1), data={"csrf_token": _token(html)}).status_code in (400, 401)
    response = client.post(form.group(1), data={"csrf_token": _token(html)})
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "cancelled: nothing written" in page.get_data(as_text=True)
    job_id = form.group(1).split("/")[-2]
    assert not (settings.media_dir / "imports" / job_id).exists()


def test_the_import_page_reads_date_order_default_date_and_source_key(client, db, steward, dataset):
    sign_in(client, steward)
    body = b"species,latitude,longitude,eventDate\nCrab,49.18,-2.15,03/04/2021\nOrmer,49.19,-2.16,\n"
    response = _upload(
        client, dataset.slug, body, "shore.csv", date_order="mdy", default_date="2020-05-01", source_key="shore"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "mdy (given)" in html and "source key &#39;shore&#39;" in html
    assert re.search(r'class="sha256">[0-9a-f]{64}<', html)
    starts = db.execute(
        text("SELECT observed_start::date::text FROM observation WHERE dataset_id = :d ORDER BY 1"), {"d": dataset.id}
    ).scalars()
    assert list(starts) == ["2020-05-01", "2021-03-04"]
    again = _upload(client, dataset.slug, body, "shore.csv", source_key="shore", dry_run="on")
    assert re.search(r'class="updates-from"><li>2 from\s+import \d+ of shore.csv', again.get_data(as_text=True))


def test_the_import_page_refuses_a_bad_date_order_naming_it(client, db, steward, dataset):
    sign_in(client, steward)
    response = _upload(client, dataset.slug, GEOJSON, "land.geojson", date_order="ydm")
    assert response.status_code == 400 and "date_order" in response.get_data(as_text=True)
    assert count(db, dataset.slug) == 0
