"""Photo decoding stays within about 300 MB of a worker: peak memory measured in a fresh process."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tests.integration.test_media import recorded, upload  # noqa: F401 (a fixture)

WORKER_BUDGET_MB = 300
# Read one photo as the upload endpoint does, and report the process's peak memory: VmHWM, because
# ru_maxrss keeps the high-water mark of the (forked) test process across exec.
MEASURE = """
import json, re, sys
from fieldapp import create_app
from fieldapp.config import Settings
from fieldapp.errors import FieldAppError
from fieldapp.observations.media import read_photo
create_app(Settings(development=True))  # a worker holds the whole app: measure on top of that
data = open(sys.argv[1], "rb").read()
try:
    photo = read_photo(data)
    outcome = {"ok": True, "public_bytes": len(photo.public_jpeg)}
except FieldAppError as exc:
    outcome = {"ok": False, "status": exc.status, "message": exc.message, "details": exc.details}
status = open("/proc/self/status").read()
outcome["peak_mb"] = int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) / 1024
print(json.dumps(outcome))
"""
# Images are made in a process of their own, so the test process never holds their pixels.
MAKE = """
import sys
from PIL import Image
kind, width, height, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
mode = "RGBA" if kind == "PNG" else "RGB"
Image.new(mode, (width, height), (40, 90, 120, 255)[: len(mode)]).save(path, kind)
"""


def _run(script: str, *args: str) -> str:
    root = str(Path(__file__).resolve().parents[2])
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=180, env={"PYTHONPATH": root}
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def images(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("big-images")
    sizes = {"bomb.png": ("PNG", 7745, 7745), "at-limit.png": ("PNG", 5000, 5000), "huge.jpg": ("JPEG", 9000, 9000)}
    for name, (kind, width, height) in sizes.items():
        _run(MAKE, kind, str(width), str(height), str(folder / name))
    return {name: folder / name for name in sizes}


def measure(path: Path) -> dict:
    return json.loads(_run(MEASURE, str(path)))


def test_a_small_png_of_60_megapixels_is_refused_before_decoding(images):
    assert images["bomb.png"].stat().st_size < 1024 * 1024
    outcome = measure(images["bomb.png"])
    assert outcome["ok"] is False and outcome["status"] == 422
    assert outcome["details"] == [{"path": "file", "message": "too many pixels"}]
    assert "at most 25,000,000 pixels" in outcome["message"] and "7,745 x 7,745" in outcome["message"]
    assert outcome["peak_mb"] < WORKER_BUDGET_MB


def test_a_png_just_under_the_limit_decodes_within_the_budget(images):
    outcome = measure(images["at-limit.png"])
    assert outcome["ok"] is True
    assert outcome["peak_mb"] < WORKER_BUDGET_MB, outcome


def test_an_81_megapixel_jpeg_is_decoded_reduced_within_the_budget(images):
    outcome = measure(images["huge.jpg"])
    assert outcome["ok"] is True
    assert outcome["peak_mb"] < WORKER_BUDGET_MB, outcome


def test_the_upload_endpoint_names_the_limit(client, recorded, images):  # noqa: F811
    warden, oid = recorded
    response = upload(client, warden, oid, images["bomb.png"].read_bytes(), name="bomb.png")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert "at most 25,000,000 pixels" in error["message"]
    assert error["details"] == [{"path": "file", "message": "too many pixels"}]


def test_the_limit_comes_from_settings(client, app, recorded, monkeypatch):  # noqa: F811
    from dataclasses import replace

    warden, oid = recorded
    settings = replace(app.extensions["fieldapp.settings"], photo_max_pixels=100_000)
    monkeypatch.setitem(app.extensions, "fieldapp.settings", settings)
    out = io.BytesIO()
    Image.new("RGB", (400, 300)).save(out, "PNG")
    response = upload(client, warden, oid, out.getvalue(), name="small.png")
    assert response.status_code == 422 and "at most 100,000 pixels" in response.get_json()["error"]["message"]
