"""The Open Government Licence and CC-BY-SA: recognised on import, kept per record, given as URIs in exports."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from fieldapp.transfer.values import parse_licence
from fieldapp.vocab import LICENCE_URIS
from tests.factories import JERSEY_POINT, feature
from tests.integration.transfer_helpers import do_import

OGL_URI = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
BY_SA_URI = "https://creativecommons.org/licenses/by-sa/4.0/"


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("OGL", "OGL-UK-3.0"),
        ("OGL v3.0", "OGL-UK-3.0"),
        ("Open Government Licence v3.0", "OGL-UK-3.0"),
        ("OGL-UK-3.0", "OGL-UK-3.0"),
        ("http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/", "OGL-UK-3.0"),
        ("https://www.nationalarchives.gov.uk/doc/open-government-licence/version/2/", None),
        ("CC-BY-SA 4.0", "CC-BY-SA-4.0"),
        ("https://creativecommons.org/licenses/by-sa/4.0/", "CC-BY-SA-4.0"),
        ("https://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
    ],
)
def test_licence_names_and_uris_are_read(written, code):
    assert parse_licence(written) == code


def test_the_licences_have_their_uris():
    assert LICENCE_URIS["OGL-UK-3.0"] == OGL_URI
    assert LICENCE_URIS["CC-BY-SA-4.0"] == BY_SA_URI


def test_ogl_rows_into_a_cc_by_dataset_keep_their_licence_and_warn(db, make, client, tmp_path):
    steward = make.account("steward", name="Marine survey team")
    dataset = make.dataset(steward, title="Seabed habitats", licence="CC-BY-4.0")
    path = tmp_path / "habitats.csv"
    path.write_text(
        "id,species,lat,lon,date,licence\n"
        "h1,Zostera marina,49.18,-2.12,2019-06-01,Open Government Licence v3.0\n"
        "h2,Zostera marina,49.19,-2.11,2019-06-01,OGL\n"
        "h3,Zostera marina,49.20,-2.10,2019-06-01,\n",
        encoding="utf-8",
    )
    report = do_import(db, path, dataset.slug, tmp_path / "w")
    assert report.created == 3, report.rejected
    warning = next(w for w in report.warnings if "own licence" in w)
    assert "2 under OGL-UK-3.0" in warning and "CC-BY-4.0" in warning
    db.commit()
    response = client.get(f"/api/v1/datasets/{dataset.slug}/export?format=dwca")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as zf:
        rows = list(csv.DictReader(io.StringIO(zf.read("occurrence.txt").decode()), delimiter="\t"))
    assert sorted(r["license"] for r in rows) == sorted([OGL_URI, OGL_URI, LICENCE_URIS["CC-BY-4.0"]])


def test_rows_under_the_datasets_own_licence_do_not_warn(db, make, tmp_path):
    steward = make.account("steward")
    dataset = make.dataset(steward, licence="OGL-UK-3.0")
    path = tmp_path / "rows.csv"
    path.write_text("id,species,lat,lon,date,licence\nr1,Ormer,49.18,-2.12,2019-06-01,OGL\n", encoding="utf-8")
    report = do_import(db, path, dataset.slug, tmp_path / "w")
    assert report.created == 1
    assert not [w for w in report.warnings if "own licence" in w]


def test_a_dataset_and_a_record_can_be_cc_by_sa(client, make):
    steward = make.account("steward")
    created = client.post(
        "/api/v1/datasets",
        json={
            "slug": "community-names",
            "title": "Community names",
            "knowledge_kind": "local",
            "licence": "CC-BY-SA-4.0",
        },
        headers=steward.headers,
    )
    assert created.status_code == 201, created.get_json()
    body = feature(
        "community-names",
        {"type": "Point", "coordinates": list(JERSEY_POINT)},
        subject_text="ormer",
        licence="OGL-UK-3.0",
    )
    response = client.post("/api/v1/observations", json=body, headers=steward.headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["properties"]["licence"] == "OGL-UK-3.0"
