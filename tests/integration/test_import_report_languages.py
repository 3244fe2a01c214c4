"""The import report in the reader's language: lines are stored as codes and parameters and worded on the page;
the API keeps each line's English message beside its code; a report stored as English sentences reads as written."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import text

from tests.integration.test_transfer_pages import BAD_CSV, PASSWORD, _upload, sign_in

NO_DATE_CSV = "id,species,latitude,longitude\nb1,Ormer,49.18,-2.15\nb2,Ormer,49.19,-2.16\n"


@pytest.fixture
def steward(make):
    return make.account("steward", name="Steward", password=PASSWORD)


@pytest.fixture
def dataset(make, steward):
    return make.dataset(steward, title="Shore survey")


def _in(client, language: str) -> None:
    client.set_cookie("fieldapp_lang", language)


@pytest.mark.parametrize(
    ("language", "rejected", "latitude", "unreadable", "column"),
    [
        (
            "fr",
            "2 lignes sur 3 ne peuvent pas être importées",
            "ses coordonnées (-2.15, 95) sont hors de longitude",
            "n&#39;est pas une date que cet importateur sait lire",
            "colonne &#39;species&#39; (indiquée)",
        ),
        (
            "pt",
            "2 de 3 linhas não podem ser importadas",
            "as suas coordenadas (-2.15, 95) estão fora de longitude",
            "não é uma data que este importador saiba ler",
            "coluna &#39;species&#39; (indicada)",
        ),
    ],
)
def test_rejections_and_their_summary_are_in_the_pages_language(
    client, steward, dataset, language, rejected, latitude, unreadable, column
):
    sign_in(client, steward)
    _in(client, language)
    response = _upload(client, dataset.slug, BAD_CSV.encode(), "rows.csv", map="subject=species")
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html
    assert rejected in html and latitude in html and unreadable in html and column in html
    for english in ("cannot be imported", "is the CRS right?", "is not a date this importer reads", "(given)"):
        assert english not in html, english
    # The row's own value is quoted as it was, escaped.
    assert "&#39;&lt;i&gt;soon&lt;&#39;" in html and "<i>" not in html


def test_warnings_and_readings_are_in_the_pages_language(client, steward, dataset):
    sign_in(client, steward)
    _in(client, "pt")
    html = _upload(client, dataset.slug, NO_DATE_CSV.encode(), "rows.csv", dry_run="on").get_data(as_text=True)
    assert "2 linhas não têm data, por isso observed_start é" in html
    assert "Datas lidas como" in html and "nenhuma data numérica dia/mês encontrada" in html
    assert "pelo seu identificador na coluna &#39;id&#39;" in html
    assert "rows have no date" not in html and "no numeric day/month dates seen" not in html


def test_the_api_answers_each_line_with_its_code_params_and_english_message(client, db, steward, dataset):
    body = NO_DATE_CSV.encode()
    response = client.post(
        f"/api/v1/datasets/{dataset.slug}/imports",
        data={"file": (io.BytesIO(body), "rows.csv"), "dry_run": "true"},
        headers={"Authorization": f"Bearer {steward.token}", "Accept-Language": "fr"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.json
    report = response.json["report"]
    (warning,) = [w for w in report["warnings"] if w["code"] == "no_date"]
    assert warning["params"]["count"] == 2 and warning["message"].startswith("2 rows have no date, so observed_start")
    assert report["readings"]["dates"]["params"]["why"]["code"] == "no_numeric_dates"
    assert report["mapping"]["subject"] == {
        "code": "column_detected",
        "params": {"column": "'species'"},
        "message": "column 'species' (detected)",
    }


def test_a_report_stored_as_english_sentences_reads_as_it_was_written(client, db, steward, dataset):
    sign_in(client, steward)
    _upload(client, dataset.slug, NO_DATE_CSV.encode(), "rows.csv", dry_run="on")
    job_id, report = db.execute(text("SELECT id, report FROM import_job ORDER BY created_at DESC LIMIT 1")).one()
    # A report as the importer stored it before its lines had codes.
    report.update(
        warnings=["2 rows have no date, written before report lines had codes."],
        readings={"dates": "dmy (no numeric day/month dates seen)"},
        mapping={"subject": "column 'species' (detected)"},
        rejected=[{"row": 3, "layer": None, "reason": "an old rejection"}],
        rejected_count=1,
        crs="EPSG:4326 (assumed: a table of coordinates says no CRS)",
    )
    report["source"]["identified"] = "by row or feature number"
    db.execute(text("UPDATE import_job SET report = :r WHERE id = :id"), {"r": json.dumps(report), "id": job_id})
    db.commit()
    _in(client, "fr")
    page = client.get(f"/datasets/{dataset.slug}/imports/{job_id}").get_data(as_text=True)
    assert "2 rows have no date, written before report lines had codes." in page
    assert "dmy (no numeric day/month dates seen)" in page and "an old rejection" in page
    assert "column &#39;species&#39; (detected)" in page and "by row or feature number" in page
    assert "Dates lues comme" in page


NO_GEOMETRY_CSV = "id,species\nb1,Ormer\n"


@pytest.mark.parametrize(
    ("language", "body", "fields", "worded", "english"),
    [
        ("fr", NO_GEOMETRY_CSV, {}, "Le fichier n&#39;a pas de géométrie", "The file has no geometry"),
        ("pt", NO_GEOMETRY_CSV, {}, "O ficheiro não tem geometria", "The file has no geometry"),
        ("fr", NO_DATE_CSV, {"crs": "EPSG:nonsense"}, "Système de coordonnées de référence", "Unknown"),
        ("pt", NO_DATE_CSV, {"crs": "EPSG:nonsense"}, "Sistema de coordenadas de referência", "Unknown"),
        ("fr", "", {}, "Le fichier est vide", "The file is empty"),
        ("pt", "id,species,latitude,longitude\n", {}, "O ficheiro não contém linhas", "The file holds no rows"),
    ],
)
def test_a_whole_file_failure_is_in_the_pages_language(
    client, db, steward, dataset, language, body, fields, worded, english
):
    sign_in(client, steward)
    _in(client, language)
    response = _upload(client, dataset.slug, body.encode(), "rows.csv", map="subject=species", **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html
    assert worded in html and english not in html
    # The API keeps the English sentence: the job's error is stored as its line.
    job_id = db.execute(text("SELECT id FROM import_job ORDER BY created_at DESC LIMIT 1")).scalar()
    api = client.get(f"/api/v1/imports/{job_id}", headers={"Authorization": f"Bearer {steward.token}"})
    assert english in api.get_json()["error"]["message"]
