"""The photo endpoint: real photos stored privately with stripped public copies; bad uploads refused, nothing kept."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select, text

from fieldapp.config import Settings
from fieldapp.observations import media
from fieldapp.observations.models import Media
from tests.factories import feature
from tests.shared_data import PHOTOS

# What the data README says each photo carries (rounded to 4 decimals).
GPS = {"DSCN0010.jpg": (11.8851, 43.4674), "DSCN0025.jpg": (11.8816, 43.4684), "DSCN0042.jpg": (11.8815, 43.4645)}


@pytest.fixture
def recorded(client, make):
    """A warden with one recorded observation."""
    warden = make.account()
    dataset = make.dataset(warden)
    response = client.post("/api/v1/observations", json=feature(dataset.slug), headers=warden.headers)
    assert response.status_code == 201
    return warden, response.get_json()["id"]


def upload(client, account, observation_id, data: bytes, media_id: str | None = None, name: str = "photo.jpg"):
    """POST a photo as multipart/form-data, the way the phone's outbox sends it."""
    boundary = uuid.uuid4().hex
    parts = (
        []
        if media_id is None
        else [f'--{boundary}\r\nContent-Disposition: form-data; name="id"\r\n\r\n{media_id}\r\n'.encode()]
    )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    # Encoded here, because the test client leaves its own spooled file for large bodies open.
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return client.post(
        f"/api/v1/observations/{observation_id}/media",
        data=body,
        headers=account.headers if account else {},
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def fetch(client, url: str, **kwargs):
    """GET and close, so that files sent by send_file are not left open."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def source_image(name: str) -> Image.Image:
    with Image.open(PHOTOS / name) as image:
        image.load()
        return image


def jpeg_markers(data: bytes) -> list[int]:
    """The segment markers of a JPEG's header, up to the start of the scan."""
    markers, at = [], 2
    while at < len(data) and data[at] == 0xFF and data[at + 1] != 0xDA:
        markers.append(data[at + 1])
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return markers


def stored_files(settings) -> list[Path]:
    return [p for p in Path(settings.media_dir).rglob("*") if p.is_file()]


@pytest.mark.parametrize("name", sorted(p.name for p in PHOTOS.glob("*.jpg")))
def test_each_photo_is_stored_with_a_stripped_upright_public_copy(client, db, settings, recorded, name):
    warden, oid = recorded
    original = (PHOTOS / name).read_bytes()
    response = upload(client, warden, oid, original, name=name)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    row = db.get(Media, uuid.UUID(body["id"]))
    assert (Path(settings.media_dir) / row.stored_path).read_bytes() == original
    public = fetch(client, body["public_url"])
    assert public.status_code == 200 and public.mimetype == "image/jpeg"
    copy = Image.open(io.BytesIO(public.data))
    assert not copy.getexif() and not copy.getexif().get_ifd(0x8825)
    # Only the JFIF header, tables and frame: no APP1 (EXIF/XMP), APP13 (IPTC) or comment segment.
    assert not {0xE1, 0xED, 0xFE} & set(jpeg_markers(public.data))
    assert not {"exif", "xmp", "icc_profile", "comment"} & set(copy.info)
    source = source_image(name)
    width, height = source.size
    upright = (height, width) if source.getexif().get(0x0112) in (5, 6, 7, 8) else (width, height)
    assert copy.size[0] / copy.size[1] == pytest.approx(upright[0] / upright[1], rel=0.01)
    thumb = Image.open(io.BytesIO(fetch(client, body["thumb_url"]).data))
    assert max(thumb.size) <= media.THUMB_SIDE and not thumb.getexif()
    if name in GPS:
        assert body["exif_location"] == pytest.approx(list(GPS[name]), abs=1e-4)
        assert body["exif_time"].startswith("2008-10-22")
    else:
        assert body["exif_location"] is None


def test_a_camera_time_without_a_zone_is_read_as_jersey_time(client, recorded, db):
    """DSCN0010 says 2008:10:22 16:28:39 with no offset: 16:28:39 on Jersey's clock (BST), 15:28:39 UTC."""
    warden, oid = recorded
    response = upload(client, warden, oid, (PHOTOS / "DSCN0010.jpg").read_bytes())
    assert response.status_code == 201
    body = response.get_json()
    assert datetime.fromisoformat(body["exif_time"]) == datetime(2008, 10, 22, 15, 28, 39, tzinfo=UTC)
    stored = db.get(Media, uuid.UUID(body["id"])).exif_time
    assert stored == datetime(2008, 10, 22, 15, 28, 39, tzinfo=UTC)
    # In winter Jersey keeps GMT: the same wall time is the same UTC time.
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2009:01:15 09:00:00"
    assert media.exif_time(exif) == datetime(2009, 1, 15, 9, 0, tzinfo=UTC)
    exif.get_ifd(0x8769)[0x9011] = "-05:00"  # an offset the camera did record wins
    assert media.exif_time(exif) == datetime(2009, 1, 15, 14, 0, tzinfo=UTC)


def test_portrait_6_is_turned_upright(client, recorded):
    warden, oid = recorded
    body = upload(client, warden, oid, (PHOTOS / "portrait_6.jpg").read_bytes()).get_json()
    source = source_image("portrait_6.jpg")
    assert source.getexif()[0x0112] == 6 and source.width > source.height
    copy = Image.open(io.BytesIO(fetch(client, body["public_url"]).data))
    assert copy.height > copy.width


def test_exif_location_is_stored_as_private_precise_data(client, db, recorded):
    warden, oid = recorded
    body = upload(client, warden, oid, (PHOTOS / "DSCN0010.jpg").read_bytes()).get_json()
    lon, lat = db.execute(
        text("SELECT ST_X(exif_geom), ST_Y(exif_geom) FROM media WHERE id = :id"), {"id": body["id"]}
    ).one()
    assert (round(lon, 4), round(lat, 4)) == GPS["DSCN0010.jpg"]
    # The observation keeps the place the warden gave; the photo's place is only offered, never applied.
    record = client.get(f"/api/v1/observations/{oid}").get_json()
    assert record["geometry"]["coordinates"] == pytest.approx([-2.1542, 49.1869])


def test_a_retry_with_the_same_media_id_stores_one_copy(client, db, settings, recorded):
    warden, oid = recorded
    media_id = str(uuid.uuid4())
    data = (PHOTOS / "DSCN0025.jpg").read_bytes()
    first = upload(client, warden, oid, data, media_id)
    files = len(stored_files(settings))
    again = upload(client, warden, oid, data, media_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == media_id
    assert db.scalar(select(func.count()).select_from(Media).where(Media.observation_id == oid)) == 1
    assert len(stored_files(settings)) == files
    other = upload(client, warden, oid, (PHOTOS / "DSCN0042.jpg").read_bytes(), media_id)
    assert other.status_code == 409


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG")
    return out.getvalue()


BAD_INPUTS = {
    "not an image": (lambda: b"%PDF-1.4 this is not a photo\n" * 50, 422, "not an image"),
    "truncated": (lambda: (PHOTOS / "DSCN0010.jpg").read_bytes()[:40_000], 422, "damaged or truncated image"),
    "decompression bomb": (lambda: _png(10_000, 10_000), 422, "too many pixels"),
    "over the size limit": (lambda: b"\xff\xd8\xff\xe0" + b"\0" * Settings.photo_max_bytes, 413, "too large"),
    "empty": (lambda: b"", 422, "empty"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_uploads_get_a_clear_4xx_and_nothing_is_stored(client, db, settings, recorded, case):
    warden, oid = recorded
    make_data, status, message = BAD_INPUTS[case]
    data = make_data()
    before = stored_files(settings)
    response = upload(client, warden, oid, data)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["details"][0] == {"path": "file", "message": message}
    assert db.scalar(select(func.count()).select_from(Media).where(Media.observation_id == oid)) == 0
    assert stored_files(settings) == before


def test_the_bomb_is_small_on_disk(recorded):
    # The point of the bomb case: a few kilobytes that would decode to 100 megapixels.
    assert len(_png(10_000, 10_000)) < 100_000


def test_only_those_who_may_change_the_record_add_photos(client, make, recorded):
    _, oid = recorded
    stranger = make.account()
    data = (PHOTOS / "image01551.jpg").read_bytes()
    assert upload(client, stranger, oid, data).status_code == 403
    anonymous = upload(client, None, oid, data)
    assert anonymous.status_code == 401
    missing = upload(client, stranger, str(uuid.uuid4()), data)
    assert missing.status_code == 404


def test_missing_file_field_and_bad_media_id(client, recorded):
    warden, oid = recorded
    no_file = client.post(
        f"/api/v1/observations/{oid}/media",
        data={"id": str(uuid.uuid4())},
        headers=warden.headers,
        content_type="multipart/form-data",
    )
    assert no_file.status_code == 422 and no_file.get_json()["error"]["details"][0]["path"] == "file"
    bad_id = upload(client, warden, oid, (PHOTOS / "image01551.jpg").read_bytes(), media_id="photo-1")
    assert bad_id.status_code == 422 and bad_id.get_json()["error"]["details"][0]["path"] == "id"


def test_photos_of_private_records_are_hidden_from_others(client, make, recorded):
    warden, _ = recorded
    dataset = make.dataset(warden)
    created = client.post(
        "/api/v1/observations", json=feature(dataset.slug, visibility="private"), headers=warden.headers
    ).get_json()
    body = upload(client, warden, created["id"], (PHOTOS / "image01551.jpg").read_bytes()).get_json()
    assert fetch(client, body["thumb_url"], headers=warden.headers).status_code == 200
    assert fetch(client, body["thumb_url"]).status_code == 404
    assert fetch(client, body["public_url"], headers=make.account().headers).status_code == 404
