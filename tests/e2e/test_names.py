"""A name added in Jèrriais on a subject's page finds its species in the recording suggestions and the map filter."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from fieldapp.places.models import Place, PlaceName
from fieldapp.subjects.models import Subject, SubjectName
from tests.e2e.conftest import wait_in_page
from tests.e2e.test_map import DRAWN
from tests.e2e.test_record import SHORE, outbox_item, phone, signed_in_page, until, wait_for_fix, warden  # noqa: F401

pytestmark = pytest.mark.e2e
# A made-up Jèrriais-looking name (test data), with accents the people searching will not type.
NEW_NAME = "Pâtchi-chancre"


@pytest.fixture
def crab(live_server) -> Iterator[int]:
    """Cancer pagurus with its English and French names; deleted (with its records' links) afterwards."""
    with live_server.database.session() as session:
        subject = Subject(
            kind="taxon",
            scientific_name="Cancer pagurus",
            names=[SubjectName(name="edible crab", language="en"), SubjectName(name="tourteau", language="fr")],
        )
        session.add(subject)
        session.flush()
        subject_id = subject.id
    yield subject_id
    with live_server.database.session() as session:
        session.execute(text("UPDATE observation SET subject_id = NULL WHERE subject_id = :s"), {"s": subject_id})
        session.execute(text("DELETE FROM subject WHERE id = :s"), {"s": subject_id})


def test_a_name_added_in_jerriais_is_suggested_and_filters_the_map(phone, live_server, warden, crab):  # noqa: F811
    page = signed_in_page(phone, warden, f"/subjects/{crab}")
    page.get_by_label("The name").fill(NEW_NAME)
    page.locator("#add-name select[name=language]").select_option("nrf")
    page.get_by_role("button", name="Add the name").click()
    expect(page.locator(".flash")).to_contain_text("the name is added")
    added = page.locator(".name", has_text=NEW_NAME)
    expect(added).to_contain_text("Jèrriais")
    expect(added).to_contain_text("Warden Le Cornu")

    # Recording: typed without accents or capitals, the new name is suggested with its species.
    page.goto("/record")
    wait_for_fix(page)
    page.get_by_label("What did you see").fill("patchi")
    suggestion = page.locator("#subject-suggestions .suggestion", has_text=NEW_NAME)
    expect(suggestion).to_contain_text("Cancer pagurus")
    expect(suggestion).to_contain_text("nrf")
    suggestion.click()
    expect(page.get_by_label("What did you see")).to_have_value(NEW_NAME)
    expect(page.locator("#subject-match")).to_contain_text("Linked to Cancer pagurus")
    page.get_by_role("button", name="Save").click()
    expect(outbox_item(page, NEW_NAME)).to_have_attribute("data-state", "sent")
    record = until(lambda: warden.observations(live_server)["features"])[0]
    assert (record["properties"]["subject_id"], record["properties"]["subject_text"]) == (crab, NEW_NAME)

    # Nothing matches: the field says so, and the words are kept.
    page.get_by_label("What did you see").fill("zzyzx")
    expect(page.locator("#subject-suggestions")).to_be_hidden()
    expect(page.locator("#subject-match")).to_contain_text("No name we know matches")

    # The map's filter: part of the new name, without its accent, reaches the species and draws the record.
    page.goto(f"/map?subject=chancre&lat={SHORE['latitude']}&lon={SHORE['longitude']}&zoom=16")
    expect(page.locator("#subject-found")).to_contain_text("Cancer pagurus")
    wait_in_page(page, f"({DRAWN})()[{warden.dataset!r}] === 1")
    page.goto("/map?subject=zzyzx")
    expect(page.locator("#subject-found")).to_contain_text("No name matches")
    assert re.search("zzyzx", page.url)


@pytest.fixture
def lecq(live_server, warden) -> Iterator[int]:  # noqa: F811
    """A public place in the warden's dataset, named in French and English; deleted afterwards."""
    with live_server.database.session() as session:
        dataset_id = session.execute(text("SELECT id FROM dataset WHERE slug = :s"), {"s": warden.dataset}).scalar_one()
        place = Place(
            dataset_id=dataset_id,
            kind="bay",
            geom="SRID=4326;POINT(-2.1985 49.2478)",
            visibility="public",
            names=[PlaceName(name="Grève de Lecq", language="fr"), PlaceName(name="Lecq bay", language="en")],
        )
        session.add(place)
        session.flush()
        place_id = place.id
    yield place_id
    with live_server.database.session() as session:
        session.execute(text("DELETE FROM place WHERE id = :p"), {"p": place_id})


def test_at_a_named_place_the_point_goes_there_and_the_map_is_labelled(phone, live_server, warden, lecq):  # noqa: F811
    page = signed_in_page(phone, warden)
    wait_for_fix(page)
    page.get_by_label("At a named place").fill("greve")
    page.locator("#place-suggestions .suggestion", has_text="Grève de Lecq").click()
    expect(page.locator("#place-chosen")).to_have_text("Grève de Lecq")
    expect(page.locator("#coords")).to_have_value("49.24780, -2.19850")
    # The base layer names the place, once, at this zoom.
    expect(page.locator(".place-label", has_text="Grève de Lecq")).to_have_count(1)
    page.get_by_label("At a named place").fill("zzyzx")
    expect(page.locator("#place-none")).to_be_visible()
    page.get_by_label("At a named place").fill("lecq")
    page.locator("#place-suggestions .suggestion", has_text="Grève de Lecq").click()
    page.get_by_label("What did you see").fill("ormer")
    page.get_by_role("button", name="Save").click()
    expect(outbox_item(page, "ormer")).to_have_attribute("data-state", "sent")
    record = until(lambda: warden.observations(live_server)["features"])[0]
    assert record["geometry"]["coordinates"] == [-2.1985, 49.2478]
    # Offline, after this visit, the places still answer: the service worker kept their labels.
    wait_in_page(page, "navigator.serviceWorker.controller !== null")
    phone.set_offline(True)
    assert page.reload().from_service_worker
    page.get_by_label("At a named place").fill("lecq")
    page.locator("#place-suggestions .suggestion", has_text="Grève de Lecq").click()
    expect(page.locator(".place-label", has_text="Grève de Lecq")).to_have_count(1)
    phone.set_offline(False)
    # The record names its place; its page says so to its recorder.
    assert (record["properties"]["place_id"], record["properties"]["place"]["name"]) == (lecq, "Grève de Lecq")
    page.goto(f"/observations/{record['id']}")
    expect(page.locator("#record-place")).to_contain_text("At Grève de Lecq")


@pytest.fixture
def two_rocks(live_server, warden) -> Iterator[None]:  # noqa: F811
    """Two public rocks 10 m apart (north-south) and a bay beside them, in the warden's dataset; deleted afterwards."""
    with live_server.database.session() as session:
        dataset_id = session.execute(text("SELECT id FROM dataset WHERE slug = :s"), {"s": warden.dataset}).scalar_one()
        made = [
            Place(
                dataset_id=dataset_id,
                kind=kind,
                geom=f"SRID=4326;POINT({lon} {lat})",
                visibility="public",
                names=[PlaceName(name=name, language="en")],
            )
            for name, kind, lon, lat in (
                ("North test rock", "rock", -2.3, 49.22009),
                ("South test rock", "rock", -2.3, 49.22000),
                ("Test bay", "bay", -2.31, 49.2203),
            )
        ]
        session.add_all(made)
        session.flush()
        ids = [p.id for p in made]
    yield None
    with live_server.database.session() as session:
        session.execute(text("DELETE FROM place WHERE id = ANY(:ids)"), {"ids": ids})


def test_map_labels_show_by_zoom_and_never_overlap(phone, live_server, two_rocks):  # noqa: F811
    page = phone.new_page()
    page.set_default_timeout(15_000)
    labels = page.locator(".place-label", has_text="test rock")
    # A bay is named from zoom 12, rocks from 15; at 16 the two rocks' labels would overlap, so one is left out.
    page.goto("/map?lat=49.2203&lon=-2.3&zoom=13")
    expect(page.locator(".place-label", has_text="Test bay")).to_have_count(1)
    expect(labels).to_have_count(0)
    page.goto("/map?lat=49.2200&lon=-2.3&zoom=16")
    expect(labels).to_have_count(1)
    page.goto("/map?lat=49.2200&lon=-2.3&zoom=19")
    expect(labels).to_have_count(2)
    boxes = [labels.nth(i).locator("span").bounding_box() for i in range(2)]
    assert boxes[0]["y"] + boxes[0]["height"] <= boxes[1]["y"] or boxes[1]["y"] + boxes[1]["height"] <= boxes[0]["y"]
