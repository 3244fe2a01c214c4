"""A sighting with a count and a photo on a Pixel 7 with GPS on: at most 5 taps on at most 2 screens."""

from __future__ import annotations

import math
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.test_record import outbox_item, phone, signed_in_page, wait_for_fix, warden  # noqa: F401 (fixtures)

pytestmark = pytest.mark.e2e

TAPS_MAX = 5
SCREENS_MAX = 2
# Where a control's bottom edge lies in the page, with the page scrolled to the top.
BOTTOM = "s => { const r = document.querySelector(s).getBoundingClientRect(); return r.bottom + window.scrollY; }"


def test_a_counted_sighting_with_a_photo_takes_five_taps_on_two_screens(
    phone,  # noqa: F811
    live_server,
    warden,  # noqa: F811
    record_property,
    tmp_path,  # noqa: F811
):
    photo = tmp_path / "crab.jpg"  # taken just now: no old EXIF time or far-away place to weigh
    Image.new("RGB", (640, 480), (40, 90, 120)).save(photo, "JPEG")
    page = signed_in_page(phone, warden)
    wait_for_fix(page)  # GPS on: the place needs no tap
    taps = 0
    used = []

    def tap(selector: str) -> None:
        nonlocal taps
        taps += 1
        used.append(selector)

    tap("#subject")
    page.locator("#subject").fill("Spider crab")  # typed on the keyboard, not tapped
    if page.locator("#count").is_hidden():
        tap("#quantity-kind")  # open the list
        taps += 1  # and choose "A count"
        page.get_by_label("How much").select_option("count")
    tap("#count")
    page.locator("#count").fill("3")
    tap("#photos")  # the camera or gallery is the phone's own
    page.locator("#photos").set_input_files(str(photo))
    save_fixed = page.evaluate("getComputedStyle(document.querySelector('#save')).position") in ("sticky", "fixed")
    tap("#save")
    page.evaluate("window.scrollTo(0, 0)")
    height = page.evaluate("window.innerHeight")
    lowest = max(page.evaluate(BOTTOM, s) for s in used if s != "#save" or not save_fixed)
    screens = math.ceil(lowest / height)
    page.get_by_role("button", name="Save").click()
    expect(outbox_item(page, "Spider crab")).to_have_attribute("data-state", "sent", timeout=20_000)
    print(
        f"counted sighting with a photo, Pixel 7, GPS on: {taps} taps, {screens} screen(s)"
        f" ({lowest:.0f} px of {height} px)"
    )
    record_property("taps", taps)
    record_property("screens", screens)
    assert taps <= TAPS_MAX and screens <= SCREENS_MAX, (taps, screens, used)
    body = warden.observations(live_server)
    assert body["features"][0]["properties"]["count"] == 3
    assert re.search(r"Spider crab", body["features"][0]["properties"]["subject_text"])
