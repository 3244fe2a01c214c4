"""Photos of observations: private originals, public copies rebuilt without metadata, thumbnails, EXIF."""

from __future__ import annotations

import hashlib
import io
import math
import uuid
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from geoalchemy2.shape import from_shape, to_shape
from PIL import Image, UnidentifiedImageError
from shapely.geometry import Point
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from fieldapp.access import ANONYMOUS, Viewer, is_shared, may_see_record
from fieldapp.accounts.models import User
from fieldapp.config import Settings
from fieldapp.errors import Conflict, Invalid, NotFound, TooLarge
from fieldapp.files import remove_quietly, write_atomic
from fieldapp.geo.crs import STORAGE_SRID
from fieldapp.observations.models import Media
from fieldapp.observations.service import load_for_change

# Decoding costs up to 4 bytes a pixel whatever the file's size (a 250 KB PNG can hold 60 megapixels),
# so images are refused by their pixel count before decoding; JPEGs are first decoded at 1/2 to 1/8
# scale where that still covers the public copy (Image.draft), so a 48-megapixel phone photo is fine.
# The limits themselves are Settings.photo_max_pixels and photo_max_bytes (their defaults here when
# none is given); Pillow's own bomb check is kept as a backstop.
JPEG_MAX_REDUCTION = 8 * 8
# Camera clocks keep local time without a zone; here that is Jersey's (GMT, BST in summer). The
# recording page reads EXIF times the same way, so the phone and the server agree on the instant.
CAMERA_ZONE = "Europe/Jersey"
PUBLIC_MAX_SIDE = 2048
THUMB_SIDE = 320
FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}

STRIP_ROWS = 256
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_ORIENTATION = 0x0112
_ORIENTATIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_DATETIME_ORIGINAL, _OFFSET_ORIGINAL, _DATETIME = 0x9003, 0x9011, 0x0132


@dataclass(frozen=True)
class Photo:
    """A checked upload: its facts, and the public copy and thumbnail as JPEG bytes."""

    data: bytes
    sha256: str
    content_type: str
    extension: str
    exif_time: datetime | None
    exif_lonlat: tuple[float, float] | None
    public_jpeg: bytes
    thumb_jpeg: bytes


def read_photo(
    data: bytes, max_pixels: int = Settings.photo_max_pixels, max_bytes: int = Settings.photo_max_bytes
) -> Photo:
    """Check an uploaded image and build its metadata-free copies; raise a 4xx error when it is unusable."""
    if len(data) > max_bytes:
        raise TooLarge(
            f"A photo may be at most {max_bytes / (1024 * 1024):g} MB; this one is {len(data)} bytes.",
            [{"path": "file", "message": "too large"}],
        )
    if not data:
        raise Invalid("The photo file is empty.", [{"path": "file", "message": "empty"}])
    image = _open(data, max_pixels)
    content_type, extension = FORMATS[str(image.format)]  # _open refused any other format
    exif = image.getexif()
    small = _decode(lambda: _reduced(image), max_pixels)
    image.close()  # only the small copy is needed from here
    upright = _upright(small, exif)
    return Photo(
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        content_type=content_type,
        extension=extension,
        exif_time=exif_time(exif),
        exif_lonlat=exif_lonlat(exif),
        public_jpeg=_jpeg(_rebuilt(upright), PUBLIC_MAX_SIDE),
        thumb_jpeg=_jpeg(_rebuilt(upright), THUMB_SIDE),
    )


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """Open and decode an image, refusing by pixel count before any pixel is decoded."""
    Image.MAX_IMAGE_PIXELS = max_pixels * JPEG_MAX_REDUCTION
    image = _decode(lambda: Image.open(io.BytesIO(data)), max_pixels)
    if image.format not in FORMATS:
        raise Invalid(
            f"Photos must be JPEG, PNG or WebP, not {image.format}.",
            [{"path": "file", "message": f"unsupported format {image.format}"}],
        )
    if image.format == "JPEG":
        image.draft("RGB", (PUBLIC_MAX_SIDE, PUBLIC_MAX_SIDE))
    if image.width * image.height > max_pixels:
        raise _too_many_pixels(max_pixels, image.size)
    _decode(image.load, max_pixels)
    return image


def _too_many_pixels(max_pixels: int, size: tuple[int, int] | None = None) -> Invalid:
    found = f" this one has {size[0]:,} x {size[1]:,} = {size[0] * size[1]:,}" if size else ""
    return Invalid(
        f"A photo may have at most {max_pixels:,} pixels (width x height) to be decoded safely;{found}."
        " Resize it, or send it as a JPEG.",
        [{"path": "file", "message": "too many pixels"}],
    )


def _decode(step, max_pixels: int):
    """Run a Pillow step, turning undecodable input and decompression bombs into client errors."""
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that: refuse those as well.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return step()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(max_pixels) from None
        except UnidentifiedImageError:
            raise Invalid("The file is not an image.", [{"path": "file", "message": "not an image"}]) from None
        except (OSError, SyntaxError, ValueError) as exc:
            raise Invalid(
                f"The image cannot be read: {exc}.", [{"path": "file", "message": "damaged or truncated image"}]
            ) from None


def _reduced(image: Image.Image) -> Image.Image:
    """An RGB copy about the public copy's size, made a strip at a time.

    Resizing the whole image would copy it at full size (twice for RGBA, which Pillow premultiplies),
    doubling the memory one photo costs; a strip is a few megabytes.
    """
    factor = max(1, math.ceil(max(image.size) / PUBLIC_MAX_SIDE))
    if factor == 1:
        return image.convert("RGB")
    width, height = image.size
    out = Image.new("RGB", (math.ceil(width / factor), math.ceil(height / factor)))
    rows = factor * max(1, STRIP_ROWS // factor)
    for top in range(0, height, rows):
        strip = image.crop((0, top, width, min(top + rows, height))).convert("RGB")
        out.paste(strip.reduce(factor), (0, top // factor))
    return out


def _upright(image: Image.Image, exif: Image.Exif) -> Image.Image:
    """Apply the EXIF orientation, as ImageOps.exif_transpose does, to a copy that carries no EXIF."""
    value = exif.get(_ORIENTATION)
    method = _ORIENTATIONS.get(value) if isinstance(value, int) else None
    return image if method is None else image.transpose(method)


def _rebuilt(image: Image.Image) -> Image.Image:
    """Copy only the pixels, so no EXIF, XMP, GPS or comment can travel with the public copy."""
    rgb = image.convert("RGB")
    return Image.frombytes("RGB", rgb.size, rgb.tobytes())


def _jpeg(image: Image.Image, max_side: int) -> bytes:
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def exif_time(exif: Image.Exif) -> datetime | None:
    """When the photo was taken; a time without its zone is read as Jersey time (CAMERA_ZONE)."""
    ifd = exif.get_ifd(_EXIF_IFD)
    raw = ifd.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    if not isinstance(raw, str):
        return None
    try:
        taken = datetime.strptime(raw.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    return taken.replace(tzinfo=_zone(ifd.get(_OFFSET_ORIGINAL)))


def _zone(raw: Any) -> tzinfo:
    if isinstance(raw, str) and len(raw) >= 6 and raw[0] in "+-":
        try:
            hours, minutes = int(raw[1:3]), int(raw[4:6])
        except ValueError:
            return ZoneInfo(CAMERA_ZONE)
        sign = -1 if raw[0] == "-" else 1
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    return ZoneInfo(CAMERA_ZONE)


def exif_lonlat(exif: Image.Exif) -> tuple[float, float] | None:
    """Where the photo was taken (longitude, latitude), or None when the GPS block is missing or empty."""
    gps = exif.get_ifd(_GPS_IFD)
    try:
        lat = _degrees(gps[2], gps.get(1, "N"), "S")
        lon = _degrees(gps[4], gps.get(3, "E"), "W")
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return round(lon, 7), round(lat, 7)


def _degrees(parts: Any, ref: Any, negative: str) -> float:
    d, m, s = (float(p) for p in parts)
    value = d + m / 60 + s / 3600
    ref = ref.decode() if isinstance(ref, bytes) else str(ref)
    return -value if ref.strip("\x00 ").upper() == negative else value


def _write_all(root: Path, files: dict[Path, bytes]) -> None:
    """Write every file of a photo or none: a full disk part-way removes those already written."""
    written: list[Path] = []
    try:
        for relative, content in files.items():
            write_atomic(root / relative, content)
            written.append(root / relative)
            if relative.parts[0] != "originals":  # readable by nginx's group (X-Accel-Redirect); originals stay 0600
                (root / relative).chmod(0o640)
    except BaseException:
        remove_quietly(written)
        raise


def store_photo(
    session: Session,
    root: Path,
    user: User,
    observation_id: uuid.UUID,
    media_id: uuid.UUID,
    data: bytes,
    max_pixels: int = Settings.photo_max_pixels,
    max_bytes: int = Settings.photo_max_bytes,
) -> tuple[Media, bool]:
    """Store a photo once per client media id: a retry returns the stored one, other content is a conflict."""
    observation = load_for_change(session, user, observation_id)
    existing = session.get(Media, media_id)
    photo = read_photo(data, max_pixels, max_bytes)
    if existing is not None:
        return _same_upload(existing, observation.id, photo), False
    original = Path("originals") / str(observation.id) / f"{media_id}{photo.extension}"
    public, thumb = Path("public") / f"{media_id}.jpg", Path("thumbs") / f"{media_id}.jpg"
    _write_all(root, {original: photo.data, public: photo.public_jpeg, thumb: photo.thumb_jpeg})
    values = {
        "id": media_id,
        "observation_id": observation.id,
        "stored_path": str(original),
        "content_type": photo.content_type,
        "size": len(photo.data),
        "sha256": photo.sha256,
        "exif_time": photo.exif_time,
        "public_path": str(public),
        "thumb_path": str(thumb),
        "exif_geom": from_shape(Point(photo.exif_lonlat), srid=STORAGE_SRID) if photo.exif_lonlat else None,
    }
    created = session.execute(insert(Media).values(values).on_conflict_do_nothing().returning(Media.id)).first()
    media = session.get_one(Media, media_id, populate_existing=True)
    if created is None:  # another request stored this id between our read and our insert
        return _same_upload(media, observation.id, photo), False
    return media, True


def _same_upload(media: Media, observation_id: uuid.UUID, photo: Photo) -> Media:
    if media.observation_id != observation_id or media.sha256 != photo.sha256:
        raise Conflict(
            "A photo with this id already exists with different content.",
            [{"path": "id", "message": f"{media.id} exists with different content"}],
        )
    return media


def media_json(media: Media, url_for) -> dict[str, Any]:
    """Describe a stored photo to its uploader (who may see its precise EXIF location)."""
    lonlat = None
    if media.exif_geom is not None:
        point = to_shape(media.exif_geom)
        lonlat = [point.x, point.y]
    return {
        "id": str(media.id),
        "observation_id": str(media.observation_id),
        "content_type": media.content_type,
        "size": media.size,
        "sha256": media.sha256,
        "exif_time": media.exif_time.isoformat() if media.exif_time else None,
        "exif_location": lonlat,
        "public_url": url_for("observations.media_file", media_id=media.id, variant="public"),
        "thumb_url": url_for("observations.media_file", media_id=media.id, variant="thumb"),
    }


def photos_of(session: Session, observation_id: uuid.UUID) -> list[Media]:
    return list(
        session.scalars(
            select(Media).where(Media.observation_id == observation_id).order_by(Media.created_at, Media.id)
        )
    )


def public_file(session: Session, root: Path, viewer: Viewer, media_id: uuid.UUID, variant: str) -> tuple[Path, bool]:
    """The path of a public copy or thumbnail, and whether anyone may cache it; hidden with private records."""
    row = session.execute(
        text(
            "SELECT m.public_path, m.thumb_path, o.visibility, o.contributor_id, o.entered_by, o.dataset_id,"
            " o.withdrawn_at"
            " FROM media m JOIN observation o ON o.id = m.observation_id WHERE m.id = :id"
        ),
        {"id": media_id},
    ).first()
    if row is None:
        raise NotFound(f"No photo {media_id}.")
    # A private record's photos may show where it is: only those who may see it precisely get them.
    if not may_see_record(session, viewer, row):
        raise NotFound(f"No photo {media_id}.")
    relative = row.public_path if variant == "public" else row.thumb_path
    # Shared caches may keep it only when anyone may see it (not kept by an agreement or withdrawn).
    return root / relative, row.visibility != "private" and is_shared(session, ANONYMOUS, row)
