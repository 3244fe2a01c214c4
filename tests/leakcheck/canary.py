"""Canary records at one precise place, made through the API as real users would, with secrets to guard."""

from __future__ import annotations

import io
import math
import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PIL import Image
from sqlalchemy import text

from fieldapp.datasets.models import DatasetAgreement
from fieldapp.transfer import export_jobs, jobs
from tests.factories import JERSEY_POINT, Account, Factory, feature

LON, LAT = -2.123456, 49.201234
OWNER_NAME = "Zebedee Canaryowner"  # the account behind the pseudonym
PSEUDONYM = "Silent Heron"
MEMBER_NAME = "Quillon Canarymember"  # a group member who is not shown
GROUP = "Ouaisne Shore Group"
PASSWORD = "correct horse battery"
TILE_ZOOMS = (4, 9, 11, 12, 13, 14, 16, 18, 22)
# The recorder's uncertainty on records whose place is withheld: derived from the precise place, withheld too.
UNCERTAINTY_M = 4.321
# Notes of the records their holders keep from the crawl's viewers (embargo, audience, withdrawal).
HELD_NOTE = "Quaggy held-knowledge note"
# The name of a private fishing mark at the canary's place: nobody the crawl asks as may read it.
PRIVATE_MARK = "Quimper's Secret Ledge"


def offset(east_m: float, north_m: float) -> list[float]:
    """A point a few metres from the canary (still within 100 m: precise data)."""
    return [LON + east_m / (111_320 * math.cos(math.radians(LAT))), LAT + north_m / 110_540]


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    return z, int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def gps_photo() -> bytes:
    """A small JPEG whose EXIF GPS is the canary's place."""
    image = Image.new("RGB", (64, 48), (30, 90, 140))
    exif = Image.Exif()

    def dms(value: float) -> tuple[float, float, float]:
        value = abs(value)
        degrees, minutes = int(value), int(value * 60) % 60
        return float(degrees), float(minutes), round((value * 3600) % 60, 4)

    exif.get_ifd(0x8825).update({1: "N", 2: dms(LAT), 3: "W", 4: dms(LON)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@dataclass
class Canary:
    """Everything the crawl fills URLs with, and the secrets it must never read back."""

    people: dict[str, Account] = field(default_factory=dict)
    records: dict[str, str] = field(default_factory=dict)  # role -> observation id
    datasets: list[str] = field(default_factory=list)
    contributors: list[int] = field(default_factory=list)
    annotations: list[tuple[str, int]] = field(default_factory=list)  # (observation id, annotation id)
    media: list[str] = field(default_factory=list)
    jobs: list[str] = field(default_factory=list)  # import and export jobs
    export_jobs: list[str] = field(default_factory=list)  # the steward's, run: its file holds the place
    tokens: list[int] = field(default_factory=list)  # API tokens of the people behind the credits
    comparison_runs: list[str] = field(default_factory=list)  # the stored cells of comparison pages
    access_requests: list[int] = field(default_factory=list)  # requests for precise access, undecided
    consents: list[int] = field(default_factory=list)  # the pseudonym owner's consent to the terms
    projects: list[str] = field(default_factory=list)  # discussed under the pseudonym and the group
    form_datasets: list[str] = field(default_factory=list)  # with a sensitive custom field
    sent: dict[str, dict[str, Any]] = field(default_factory=dict)  # role -> the feature as first sent
    subjects: list[int] = field(default_factory=list)  # a subject named under the pseudonym and the group
    names: list[int] = field(default_factory=list)  # those names (their credit must never name the people behind)
    places: list[int] = field(default_factory=list)  # fishing marks at the canary: private, generalised, a group's
    place_names: list[tuple[int, int]] = field(default_factory=list)  # (place id, name id), each name annotated

    @property
    def secrets(self) -> tuple[str, ...]:
        owner, member = self.people["owner"].user, self.people["member"].user
        return (OWNER_NAME, MEMBER_NAME, owner.email, member.email, HELD_NOTE, PRIVATE_MARK)

    @property
    def tiles(self) -> list[tuple[int, int, int]]:
        return [tile_of(LON, LAT, z) for z in TILE_ZOOMS]


def _ok(response, *statuses: int) -> dict[str, Any]:
    assert response.status_code in (statuses or (200, 201)), (response.status_code, response.get_data(as_text=True))
    return response.get_json(silent=True) or {}


class CanaryBuilder:
    """Builds the canary world through the API (and the factory for accounts and datasets)."""

    def __init__(self, client, make: Factory, db):
        self.client, self.make, self.db = client, make, db
        self.canary = Canary()

    def build(self) -> Canary:
        self._people()
        self._datasets()
        self._records()
        self._photos()
        self._annotations()
        self._owners_act()
        self._import()
        self._export()
        self._comparisons()
        self._project()
        self._form()
        self._access_request()
        self._terms()
        self._names()
        self._places()
        return self.canary

    def _places(self) -> None:
        """Fishing marks at the canary's place: a private one, a generalised one under the pseudonym, the group's,
        and one in the embargoed dataset; only their holders may see where they are, or the private one at all."""
        marks = (
            ("recorder", self.shore.slug, "private", None, PRIVATE_MARK),
            ("owner", self.shore.slug, "generalised", self.pseudonym, "Heron's mark"),
            ("member", self.sensitive.slug, "generalised", self.group, "The group's ledge"),
            ("recorder", self.embargoed.slug, "public", None, PRIVATE_MARK),
        )
        for who, dataset, visibility, credit, name in marks:
            properties: dict[str, Any] = {
                "dataset": dataset,
                "kind": "fishing_mark",
                "visibility": visibility,
                "names": [{"name": name, "language": "en", "community": GROUP}],
            }
            if credit:
                properties["contributor_id"] = credit
            body = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": offset(4, -3)},
                "properties": properties,
            }
            headers = self.canary.people[who].headers
            created = _ok(self.client.post("/api/v1/places", json=body, headers=headers), 201)
            self.canary.places.append(created["id"])
            # Its name annotated by its holder, quoting it: the annotations of a hidden mark's name stay hidden.
            name_id = created["properties"]["names"][0]["id"]
            self.canary.place_names.append((created["id"], name_id))
            note = {"kind": "context", "body": f"{name} on the flood.", "contributor_id": credit}
            url = f"/api/v1/places/{created['id']}/names/{name_id}/annotations"
            _ok(self.client.post(url, json={k: v for k, v in note.items() if v}, headers=headers), 201)
        # The generalised record names the private mark it was at: neither the name nor the id may reach the crawl.
        oid, recorder = self.canary.records["generalised"], self.canary.people["recorder"].headers
        patch = {"properties": {"place_id": self.canary.places[0]}}
        _ok(self.client.patch(f"/api/v1/observations/{oid}", json=patch, headers=recorder))

    def _names(self) -> None:
        """Names given under the pseudonym and the group, annotated under them: credited, never to the people behind."""
        subject = self.db.execute(
            text("INSERT INTO subject (kind, scientific_name) VALUES ('taxon', 'Fratercula arctica') RETURNING id")
        ).scalar_one()
        self.db.commit()
        self.canary.subjects.append(subject)
        for who, credit, name in (("owner", self.pseudonym, "macareux"), ("member", self.group, "pâlotin")):
            headers = self.canary.people[who].headers
            body = {"name": name, "language": "nrf", "contributor_id": credit}
            added = _ok(self.client.post(f"/api/v1/subjects/{subject}/names", json=body, headers=headers), 201)
            self.canary.names.append(added["id"])
            note = {"kind": "context", "body": "Said at the north-coast slips.", "contributor_id": credit}
            _ok(self.client.post(f"/api/v1/names/{added['id']}/annotations", json=note, headers=headers), 201)

    def _terms(self) -> None:
        """The park's terms, agreed to by every canary account (the crawl's member too, so pages are not withheld)."""
        self.db.execute(text("INSERT INTO terms_version (version, text) VALUES (1, 'Canary terms.')"))
        for name, account in self.canary.people.items():
            consent = self.db.execute(
                text("INSERT INTO consent (user_id, version, way) VALUES (:u, 1, 'online') RETURNING id"),
                {"u": account.user.id},
            ).scalar_one()
            if name == "owner":
                self.canary.consents.append(consent)
        self.db.commit()

    def _access_request(self) -> None:
        """The owner of the pseudonym asks for precise access to the nest sites (the crawl may not decide it)."""
        body = {"purpose": "Checking the nest sites against the warden's notes."}
        url = f"/api/v1/datasets/{self.sensitive.slug}/access-requests"
        asked = _ok(self.client.post(url, json=body, headers=self.canary.people["owner"].headers), 201)
        self.canary.access_requests.append(asked["id"])

    def _people(self) -> None:
        people = self.canary.people
        people["steward"] = self.make.account(role="steward", name="Canary Steward")
        people["recorder"] = self.make.account(name="Rita Recorder")
        people["owner"] = self.make.account(name=OWNER_NAME)
        people["member"] = self.make.account(name=MEMBER_NAME)
        people["annotator"] = self.make.account(name="Anna Annotator")
        people["viewer"] = self.make.account(name="Uma Unrelated", password=PASSWORD)
        body = _ok(
            self.client.post(
                "/api/v1/contributors/pseudonyms", json={"display_name": PSEUDONYM}, headers=people["owner"].headers
            )
        )
        self.pseudonym = body["id"]
        group = self.make.group(GROUP, [people["member"]])
        self.group = group.id
        # The member chose not to be listed on the group's page: nothing may name them.
        self.db.execute(text("UPDATE membership SET shown = false WHERE group_id = :g"), {"g": group.id})
        self.db.commit()
        self.canary.contributors = [self.pseudonym, self.group, people["recorder"].user.contributor_id]
        owners = [people[p].user.id for p in ("owner", "member", "steward")]
        tokens = self.db.execute(text("SELECT id FROM api_token WHERE user_id = ANY(:u) ORDER BY id"), {"u": owners})
        self.canary.tokens = list(tokens.scalars())

    def _datasets(self) -> None:
        steward = self.canary.people["steward"]
        self.shore = self.make.dataset(steward, title="Canary shore sightings")
        self.sensitive = self.make.dataset(
            steward, title="Canary nest sites", default_visibility="generalised", force_generalised=True
        )
        # Kept by their agreements from everyone the crawl asks as: under embargo, and for the park alone.
        self.embargoed = self.make.dataset(steward, title="Canary embargoed grounds")
        self.park_only = self.make.dataset(steward, title="Canary park-only grounds")
        self.db.add(DatasetAgreement(dataset_id=self.embargoed.id, embargo_until=date(2099, 1, 1)))
        self.db.add(DatasetAgreement(dataset_id=self.park_only.id, audience="park"))
        # For the members of a named group alone (the canary group; the crawl's member is not in it).
        self.group_only = self.make.dataset(steward, title="Canary group-only grounds")
        self.db.add(DatasetAgreement(dataset_id=self.group_only.id, audience="groups", audience_groups=[self.group]))
        self.db.commit()
        self.canary.datasets = [
            self.shore.slug,
            self.sensitive.slug,
            self.embargoed.slug,
            self.park_only.slug,
            self.group_only.slug,
        ]

    def _post(
        self, role: str, who: str, geometry: dict | None = None, dataset: str | None = None, **properties: Any
    ) -> str:
        body = feature(
            dataset or self.shore.slug,
            geometry or {"type": "Point", "coordinates": [LON, LAT]},
            feature_id=str(uuid.uuid4()),
            **properties,
        )
        self.canary.sent[role] = body
        created = _ok(self.client.post("/api/v1/observations", json=body, headers=self.canary.people[who].headers), 201)
        self.canary.records[role] = created["id"]
        return created["id"]

    def _records(self) -> None:
        common = {"coordinate_uncertainty_m": UNCERTAINTY_M, "subject_text": "puffin"}
        self._post(
            "public decoy", "recorder", {"type": "Point", "coordinates": list(JERSEY_POINT)}, subject_text="puffin"
        )
        self._post("generalised", "recorder", visibility="generalised", **common)
        self._post("private", "recorder", visibility="private", **common)
        self._post("pseudonym", "owner", visibility="generalised", contributor_id=self.pseudonym, **common)
        self._post("group", "member", visibility="generalised", contributor_id=self.group, **common)
        # A bow tie drawn on a phone: its two edges cross exactly at the canary, so its repair note would say where.
        a, b, c, d = offset(-30, -30), offset(30, 30), offset(30, -30), offset(-30, 30)
        bowtie = {"type": "Polygon", "coordinates": [[a, b, c, d, a]]}
        self._post(
            "self-intersecting",
            "recorder",
            bowtie,
            visibility="generalised",
            subject_text="eelgrass",
            coordinate_uncertainty_m=UNCERTAINTY_M,
        )
        # Public records, precise: only their holders' terms keep them from the crawl's viewers.
        held = {"subject_text": "bass", "notes": HELD_NOTE}
        self._post("embargoed", "recorder", dataset=self.embargoed.slug, **held)
        self._post("audience", "recorder", dataset=self.park_only.slug, **held)
        self._post("group audience", "recorder", dataset=self.group_only.slug, **held)
        self._post("withdrawn", "recorder", **held)
        self.db.execute(
            text("UPDATE observation SET withdrawn_at = now() WHERE id = :id"), {"id": self.canary.records["withdrawn"]}
        )
        self.db.commit()

    def _photos(self) -> None:
        for role in ("generalised", "private"):
            oid = self.canary.records[role]
            response = self.client.post(
                f"/api/v1/observations/{oid}/media",
                data={"file": (io.BytesIO(gps_photo()), "canary.jpg", "image/jpeg")},
                headers=self.canary.people["recorder"].headers,
                content_type="multipart/form-data",
            )
            self.canary.media.append(_ok(response, 201)["id"])

    def _annotate(self, role: str, who: str, **body: Any) -> int:
        oid = self.canary.records[role]
        url = f"/api/v1/observations/{oid}/annotations"
        annotation = _ok(self.client.post(url, json=body, headers=self.canary.people[who].headers), 201)["id"]
        self.canary.annotations.append((oid, annotation))
        return annotation

    def _annotations(self) -> None:
        place = {"geometry": {"type": "Point", "coordinates": offset(8, 6)}}
        self._annotate("generalised", "annotator", kind="correction", field="place", proposed_value=place)
        # On a private record only its keepers may write, and they may say where it is.
        self._annotate("private", "steward", kind="question", body=f"Is the nest at {LAT:.5f}, {LON:.5f}, by the wall?")
        self._annotate("private", "steward", kind="correction", field="place", proposed_value=place)
        self.questions = {
            role: self._annotate(role, "annotator", kind="question", body="Seen again this spring?")
            for role in ("pseudonym", "group")
        }
        self.corrections = {
            role: self._annotate(role, "annotator", kind="correction", field="quantity", proposed_value={"count": 3})
            for role in ("pseudonym", "group")
        }

    def _owners_act(self) -> None:
        """The owner of the pseudonym and the group's member answer, accept and edit their own records."""
        for role, who in (("pseudonym", "owner"), ("group", "member")):
            oid, headers = self.canary.records[role], self.canary.people[who].headers
            base = f"/api/v1/observations/{oid}/annotations"
            _ok(
                self.client.post(
                    f"{base}/{self.questions[role]}/response",
                    json={"action": "answer", "response": "Yes, twice."},
                    headers=headers,
                )
            )
            _ok(
                self.client.post(
                    f"{base}/{self.corrections[role]}/response", json={"action": "accept"}, headers=headers
                )
            )
            _ok(
                self.client.patch(
                    f"/api/v1/observations/{oid}", json={"properties": {"notes": "Checked again."}}, headers=headers
                )
            )

    def _import(self) -> None:
        """A steward's file whose extra columns quote the place in other forms, into a generalised dataset."""
        x, y = 40841.3, 67357.0  # the canary in EPSG:3109
        csv_text = f"species,lat,lon,grid_e,grid_n,where_found\nPuffin,{LAT},{LON},{x},{y},burrow at {LAT} {LON}\n"
        response = self.client.post(
            f"/api/v1/datasets/{self.sensitive.slug}/imports",
            data={"file": (io.BytesIO(csv_text.encode()), "nests.csv", "text/csv")},
            headers=self.canary.people["steward"].headers,
            content_type="multipart/form-data",
        )
        body = _ok(response, 201)
        self.canary.jobs.append(body["id"])
        row = self.db.execute(
            text("SELECT o.id::text FROM observation o JOIN dataset d ON d.id = o.dataset_id WHERE d.slug = :s"),
            {"s": self.sensitive.slug},
        ).scalar_one()
        self.canary.records["imported"] = row

    def _export(self) -> None:
        """The steward's background export of the generalised dataset, run as a worker runs it: its file holds
        the precise place (the steward may see it), for the steward alone."""
        response = self.client.get(
            f"/api/v1/datasets/{self.sensitive.slug}/export?format=csv&background=1",
            headers=self.canary.people["steward"].headers,
        )
        job_id = _ok(response, 202)["id"]
        self.db.execute(
            text(
                "UPDATE import_job SET status = 'running', attempts = 1, lease_until = now() + interval '1 hour'"
                " WHERE id = :id"
            ),
            {"id": job_id},
        )
        job = jobs.get_job(self.db, job_id)
        workdir = jobs.job_folder(job) / "work-1"
        workdir.mkdir(parents=True)
        app = self.client.application
        with app.app_context():
            assert export_jobs.run_claimed_export(app.extensions["fieldapp.db"], job, workdir)
        jobs.discard(job, keep_result=True)
        self.canary.jobs.append(job_id)
        self.canary.export_jobs.append(job_id)

    def _comparisons(self) -> None:
        """Comparison pages over both datasets (all records in place): their cells are kept for tiles."""
        for other in ("dataset:" + self.shore.slug, "kind:volunteer"):
            args = {"a": other, "b": f"dataset:{self.sensitive.slug}", "cell_m": "1000"}
            page = self.client.get("/compare", query_string=args).get_data(as_text=True)
            found = re.search(r"/compare/cells/([0-9a-f-]{36})/", page)
            assert found, "a comparison page keeps its cells for vector tiles"
            self.canary.comparison_runs.append(found.group(1))

    def _project(self) -> None:
        """A project partnered by the group, its protocol discussed under the pseudonym and the group."""
        people = self.canary.people
        body = {
            "slug": "canary-project",
            "title": "Canary nest watch",
            "designed_by": "both",
            "delivered_by": "both",
            "draft_protocol": "Watch the burrows.",
            "partners": [{"contributor_id": self.group, "role": "watchers"}],
        }
        _ok(self.client.post("/api/v1/projects", json=body, headers=people["steward"].headers), 201)
        for who, credit in (("owner", self.pseudonym), ("member", self.group)):
            comment = {"body": "Count at dawn.", "contributor_id": credit}
            url = "/api/v1/projects/canary-project/comments"
            _ok(self.client.post(url, json=comment, headers=people[who].headers), 201)
        _ok(
            self.client.post("/api/v1/projects/canary-project/versions", json={}, headers=people["steward"].headers),
            201,
        )
        self.canary.projects.append("canary-project")

    def _form(self) -> None:
        """A dataset whose form has a sensitive field; a public record elsewhere writes the canary's place in it."""
        steward = self.canary.people["steward"]
        logs = self.make.dataset(steward, title="Canary pot logs")
        form = {
            "fields": [
                {"name": "mark", "type": "text", "label": {"en": "Mark"}, "sensitive": True},
                {"name": "pots", "type": "integer", "label": {"en": "Pots"}},
            ]
        }
        _ok(self.client.put(f"/api/v1/datasets/{logs.slug}/form", json=form, headers=steward.headers), 201)
        self._post(
            "sensitive field",
            "recorder",
            {"type": "Point", "coordinates": list(JERSEY_POINT)},
            dataset=logs.slug,
            subject_text="spider crab",
            fields={"mark": f"{LAT:.6f} {LON:.6f}", "pots": 3},
        )
        self.canary.form_datasets.append(logs.slug)
