"""Exports' human-readable texts in the language of the request (the agreement notice, the remarks, the EML's
words), their machine fields unchanged; a background export keeps the language of the request that asked."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from tests.integration.test_agreements import AGREEMENT, grounds, put, record, steward  # noqa: F401
from tests.integration.test_export_credit import DWC, _dwca_rows, scene  # noqa: F401


def _url(slug: str) -> str:
    return f"/api/v1/datasets/{slug}/export"


def test_the_agreement_notice_is_in_the_requests_language(client, steward, grounds, record):  # noqa: F811
    assert put(client, steward, grounds.slug, AGREEMENT | {"embargo_until": None}).status_code == 200
    french = {"Accept-Language": "fr"}
    terms = client.get(_url(grounds.slug), query_string={"format": "geojson"}, headers=french).get_json()["terms"]
    assert terms.startswith("Accord sur les données. Objet : Managing the bass nursery areas")
    assert "Pas d'usage commercial" in terms and "Révision le 2028-01-01" in terms
    assert "Étiquettes : TK Seasonal (Shared for the summer season only.)" in terms
    body = client.get(_url(grounds.slug), query_string={"format": "csv"}, headers=french).get_data(as_text=True)
    [row] = list(csv.DictReader(io.StringIO(body)))
    assert row["terms"] == terms and row["licence"] == "CC-BY-4.0"
    portuguese = {"Accept-Language": "pt"}
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(_url(grounds.slug), query_string={"format": "dwca"}, headers=portuguese).data)
    )
    header, line = archive.read("occurrence.txt").decode().splitlines()[:2]
    access = dict(zip(header.split("\t"), line.split("\t"), strict=True))["accessRights"]
    assert "Sem uso comercial" in access
    assert "No commercial use" not in access
    eml = archive.read("eml.xml").decode()
    assert "Sem uso comercial" in eml and "No commercial use" not in eml
    assert 'xml:lang="pt"' in eml and 'xml:lang="en"' not in eml


def test_darwin_core_remarks_are_in_the_requests_language(client, scene, tmp_path):  # noqa: F811
    rows = _dwca_rows(client, scene["dataset"].slug, tmp_path, {"Accept-Language": "fr"})
    crab = rows[scene["crab"]]
    identification, occurrence = crab[DWC + "identificationRemarks"], crab[DWC + "occurrenceRemarks"]
    assert "Mis en question par Dr Renouf (" in identification and "Could it be a toad crab?" in identification
    assert "Correction proposée par Fisher Ahier (" in identification and "de quantity en count 4" in identification
    assert "de place en un place (non communiqué)" in identification
    assert "Corroboré par Fisher Ahier (" in occurrence and "Contexte de Fisher Ahier (" in occurrence
    for english in ("Questioned by", "Correction proposed by", "Corroborated by", "Context from", "(withheld)"):
        assert english not in identification + occurrence


@pytest.mark.parametrize("language", ["en", "pt"])
def test_an_export_job_writes_its_notices_in_the_language_it_was_asked_in(
    client,
    app,
    db,
    steward,  # noqa: F811
    grounds,  # noqa: F811
    record,  # noqa: F811
    language,
):
    from fieldapp.access import viewer_of
    from fieldapp.transfer import export_jobs

    assert put(client, steward, grounds.slug, AGREEMENT | {"embargo_until": None}).status_code == 200

    with app.test_request_context(headers={"Accept-Language": language}):
        job = export_jobs.create_export_job(
            db, app.extensions["fieldapp.settings"], grounds, viewer_of(steward.user), "csv"
        )
    db.commit()
    assert job.options["language"] == language
    workdir = Path(job.stored_path).parent / "work"  # as the worker has it: inside the job's folder
    workdir.mkdir(parents=True)
    with app.app_context():
        status, count, _, error = export_jobs._write(None, db, job, workdir)  # noqa: SLF001 - the worker's step
    assert (status, count, error) == ("succeeded", 1, "")
    [row] = list(csv.DictReader(io.StringIO(Path(job.stored_path).read_text(encoding="utf-8"))))
    expected = "Sem uso comercial" if language == "pt" else "No commercial use"
    assert expected in row["terms"]
