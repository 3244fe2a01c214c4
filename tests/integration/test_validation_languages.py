"""Validation messages in the language of the request: marshmallow's own (a field missing, not one of the
choices, too long) are worded through the catalogue on pages and in API answers; other text passes unchanged."""

from __future__ import annotations

import pytest

from fieldapp import schema_words
from tests.integration.test_dataset_pages import form, post, signed_in


@pytest.mark.parametrize(
    ("language", "choices", "required"),
    [
        ("fr", "Doit être l&#39;une des valeurs : ", "Les données ne sont pas valides"),
        ("pt", "Tem de ser um dos valores: ", "Os dados não são válidos"),
    ],
)
def test_a_page_repeats_a_refused_fields_message_in_its_language(client, make, language, choices, required):
    signed_in(client, make, role="staff")
    client.set_cookie("fieldapp_lang", language)
    answer = post(client, "/datasets/new", form(knowledge_kind="expert"))
    assert 400 <= answer.status_code < 500
    assert "knowledge_kind:" in answer.text and choices in answer.text
    assert "Must be one of" not in answer.text


def test_the_api_words_marshmallows_messages_for_its_accept_language(client, make):
    account = make.account("steward")
    body = {"title": "x" * 1000, "knowledge_kind": "scientific"}
    answer = client.post("/api/v1/datasets", json=body, headers={**account.headers, "Accept-Language": "pt"})
    assert answer.status_code == 422, answer.json
    messages = {d["path"]: d["message"] for d in answer.json["error"]["details"]}
    assert messages == {
        "title": "O comprimento tem de estar entre 1 e 200.",
        "slug": "Falta um valor num campo obrigatório.",
    }
    english = client.post("/api/v1/datasets", json=body, headers=account.headers)
    assert "Missing data for required field." in {d["message"] for d in english.json["error"]["details"]}


def test_every_pattern_reads_marshmallows_own_words(app):
    """The patterns match what marshmallow's validators say (so a marshmallow upgrade that rewords fails here)."""
    from marshmallow import validate

    said = [
        validate.Length.message_max.format(max=3),
        validate.Length.message_min.format(min=2),
        validate.Length.message_all.format(min=1, max=3),
        validate.Length.message_equal.format(equal=4),
        validate.OneOf.default_message.format(choices="a, b"),
        validate.Range.message_all.format(min_op="greater than or equal to", max_op="less than or equal to").format(
            min=0, max=9
        ),
        validate.Range.message_min.format(min_op="greater than").format(min=0),
        validate.Range.message_max.format(max_op="less than").format(max=9),
    ]
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        for message in said:
            assert schema_words.word(message) != message, message


def test_a_bad_parameter_and_malformed_json_are_worded_in_the_accept_language(client, make):
    account = make.account("steward")
    fr = {**account.headers, "Accept-Language": "fr"}
    answer = client.get("/api/v1/observations?bbox=1,2", headers=fr)
    assert answer.status_code == 400, answer.json
    assert answer.json["error"]["message"].startswith("Paramètre 'bbox' :"), answer.json
    body = client.post("/api/v1/datasets", data="{", content_type="application/json", headers=fr)
    assert body.status_code == 400 and body.json["error"]["message"].startswith("JSON mal formé"), body.json
    pt = client.post(
        "/api/v1/datasets", data="", content_type="application/json", headers={**fr, "Accept-Language": "pt"}
    )
    assert pt.json["error"]["message"] == "O corpo do pedido está vazio; envie JSON.", pt.json
