"""Failures below the app: a database outage is a 503 with Retry-After, a full disk a 507 that keeps nothing."""

from __future__ import annotations

import io
import os
import subprocess
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select, text

from fieldapp import create_app
from fieldapp.observations.models import Media
from tests.factories import feature
from tests.integration.test_media import upload

# Nothing listens on port 1: every connection is refused, as when PostgreSQL is down.
CLOSED_PORT_URL = "postgresql+psycopg://fieldapp@127.0.0.1:1/fieldapp"


@pytest.fixture
def outage_app(settings):
    app = create_app(replace(settings, database_url=CLOSED_PORT_URL))
    yield app
    app.extensions["fieldapp.db"].engine.dispose()


@pytest.mark.parametrize(
    ("method", "path", "kind"),
    [
        ("GET", "/api/v1/observations", "json"),
        ("GET", "/ogc/collections", "ogc"),
        ("GET", "/", "html"),
        ("GET", "/map", "html"),
        ("POST", "/api/v1/observations", "json"),
    ],
)
def test_a_database_outage_answers_503_with_retry_after(outage_app, method, path, kind):
    headers = {"Authorization": "Bearer some-token"} if method == "POST" else {}
    response = outage_app.test_client().open(path, method=method, json=feature("any"), headers=headers)
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert int(response.headers["Retry-After"]) > 0
    if kind == "json":
        assert "database is unavailable" in response.get_json()["error"]["message"]
    elif kind == "ogc":
        assert response.get_json()["code"] == "ServiceUnavailable"
    else:
        assert "database is unavailable" in response.get_data(as_text=True)


def test_a_signed_in_page_during_an_outage_is_still_a_503(outage_app):
    client = outage_app.test_client()
    with client.session_transaction() as session:
        session["user_id"] = str(uuid.uuid4())
    response = client.get("/")
    assert response.status_code == 503
    assert "database is unavailable" in response.get_data(as_text=True)


@pytest.fixture
def tiny_disk(tmp_path):
    """A media folder on a tmpfs of `size` bytes: writes past it fail with ENOSPC, as on a full disk."""
    mounts: list[Path] = []

    def mount(size: int) -> Path:
        point = tmp_path / f"disk{len(mounts)}"
        point.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.decode().strip()}")
        mounts.append(point)
        return point

    yield mount
    for point in mounts:
        subprocess.run(["umount", str(point)], check=True)


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def noisy_jpeg() -> bytes:
    """A photo of about 200 KB (noise does not compress), with public copies of some size too."""
    image = Image.frombytes("RGB", (600, 400), os.urandom(600 * 400 * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def test_a_full_disk_during_a_photo_upload_is_507_and_keeps_nothing(app, client, db, make, tiny_disk, monkeypatch):
    warden = make.account()
    dataset = make.dataset(warden)
    oid = client.post("/api/v1/observations", json=feature(dataset.slug), headers=warden.headers).get_json()["id"]
    data = noisy_jpeg()
    # Room for the original but not for its public copy: the failure comes part-way through.
    disk = tiny_disk(len(data) + 16 * 1024)
    monkeypatch.setitem(
        app.extensions, "fieldapp.settings", replace(app.extensions["fieldapp.settings"], media_dir=disk)
    )
    response = upload(client, warden, oid, data)
    assert response.status_code == 507, response.get_json()
    error = response.get_json()["error"]
    assert "no room" in error["message"] and error["details"][0]["path"] == "file"
    assert files_under(disk) == []
    assert db.scalar(select(func.count()).select_from(Media).where(Media.observation_id == oid)) == 0


def test_a_full_disk_during_an_import_upload_is_507_and_keeps_nothing(
    app, client, db, steward, dataset, tiny_disk, monkeypatch
):
    disk = tiny_disk(64 * 1024)
    monkeypatch.setitem(
        app.extensions, "fieldapp.settings", replace(app.extensions["fieldapp.settings"], media_dir=disk)
    )
    rows = "".join(f"r{i},Spider crab,49.18,-2.15,2021-05-01\n" for i in range(10_000))
    body = ("id,species,lat,lon,date\n" + rows).encode()
    response = client.post(
        f"/api/v1/datasets/{dataset.slug}/imports",
        data={"file": (io.BytesIO(body), "many.csv")},
        headers=steward.headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 507, response.get_json()
    assert files_under(disk) == [] and list((disk / "imports").iterdir()) == []
    assert db.scalar(text("SELECT count(*) FROM import_job WHERE dataset_id = :d"), {"d": dataset.id}) == 0
