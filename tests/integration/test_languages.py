"""The language a page is answered in: the account's choice, else the switch's cookie, else Accept-Language,
else English; and dates, months and numbers in that language."""

from __future__ import annotations

from datetime import date

import pytest
from flask import render_template_string

from fieldapp.i18n import COOKIE, choose_language, decade, format_date, format_number, month_range
from tests.integration.test_accounts import PASSWORD, csrf_token, login, user_by_email

# The home page's navigation, in each language.
HOME = {"en": "Sign in", "fr": "Se connecter", "pt": "Entrar"}


def language_of(page) -> str:
    text = page.get_data(as_text=True)
    found = [code for code, word in HOME.items() if f">{word}</a>" in text]
    assert len(found) == 1, found
    assert f'<html lang="{found[0]}">' in text
    return found[0]


def switch(client, language: str, next_path: str = "/"):
    token = csrf_token(client, "/")
    return client.post("/language", data={"language": language, "next": next_path, "csrf_token": token})


def test_without_any_choice_the_pages_are_in_english(client):
    assert language_of(client.get("/")) == "en"


@pytest.mark.parametrize(
    ("header", "expected"),
    [("fr-FR,fr;q=0.9,en;q=0.5", "fr"), ("pt-PT,pt;q=0.9", "pt"), ("pt-BR", "pt"), ("de-DE,de;q=0.9", "en")],
)
def test_accept_language_picks_the_best_offered_language(client, header, expected):
    assert language_of(client.get("/", headers={"Accept-Language": header})) == expected


def test_the_switch_sets_a_cookie_that_wins_over_accept_language(client):
    answer = switch(client, "pt", "/map?subject=puffin")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/map?subject=puffin")
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None and cookie.value == "pt" and cookie.http_only
    assert language_of(client.get("/", headers={"Accept-Language": "fr"})) == "pt"


def test_the_switch_needs_a_csrf_token_and_a_known_language(client):
    refused = client.post("/language", data={"language": "fr", "next": "/"})
    assert refused.status_code == 400
    assert client.get_cookie(COOKIE) is None
    unknown = switch(client, "de")
    assert unknown.status_code == 400
    assert "language" in unknown.get_data(as_text=True)
    assert client.get_cookie(COOKIE) is None


def test_the_switch_never_sends_the_browser_to_another_site(client):
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        answer = switch(client, "fr", target)
        assert answer.status_code == 303
        assert answer.headers["Location"] in ("/", "http://localhost/")


def test_a_signed_in_choice_is_stored_on_the_account_and_wins_everywhere(app, client, db, make):
    account = make.account(password=PASSWORD)
    email = account.user.email
    assert login(client, email, PASSWORD).status_code == 302
    assert user_by_email(db, email).language is None
    assert switch(client, "fr", "/account").status_code == 303
    assert user_by_email(db, email).language == "fr"
    # Another browser with a Portuguese cookie and English headers: the account's French wins once signed in.
    other = app.test_client()
    other.set_cookie(COOKIE, "pt")
    assert language_of(other.get("/", headers={"Accept-Language": "en"})) == "pt"
    assert login(other, email, PASSWORD).status_code == 302
    page = other.get("/account", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert '<html lang="fr">' in page.get_data(as_text=True)
    assert "Votre compte" in page.get_data(as_text=True)


def test_the_account_page_offers_the_language_setting(client, db, make):
    account = make.account(password=PASSWORD)
    login(client, account.user.email, PASSWORD)
    text = client.get("/account").get_data(as_text=True)
    assert 'name="language"' in text and '<option value="pt" lang="pt">Português</option>' in text


def test_form_errors_and_flashes_come_in_the_language(client):
    client.set_cookie(COOKIE, "fr")
    token = csrf_token(client, "/login")
    page = client.post("/login", data={"email": "nobody@example.org", "password": "wrong", "csrf_token": token})
    assert page.status_code == 401
    assert "ne correspondent à aucun compte" in page.get_data(as_text=True)
    # WTForms' own messages (a required field left empty) come from its catalogues in the same language.
    empty = client.post("/login", data={"email": "", "password": "", "csrf_token": token})
    assert "Ce champ est requis" in empty.get_data(as_text=True)


def test_choose_language_order():
    def never():
        raise AssertionError("Accept-Language read although a choice was made")

    assert choose_language("pt", "fr", never) == "pt"
    assert choose_language(None, "fr", never) == "fr"
    assert choose_language("xx", "yy", lambda: "pt") == "pt"
    assert choose_language(None, None, lambda: None) == "en"


@pytest.mark.parametrize(
    ("language", "months", "decade_text", "number", "day"),
    [
        ("en", "April to June", "1990s", "1,234.5", "4 Apr 2026"),
        ("fr", "avril à juin", "années 1990", "1\u202f234,5", "4 avr. 2026"),
        ("pt", "abril a junho", "década de 1990", "1\u00a0234,5", "04/04/2026"),
    ],
)
def test_months_decades_numbers_and_dates_in_each_language(app, language, months, decade_text, number, day):
    with app.test_request_context("/", headers={"Cookie": f"{COOKIE}={language}"}):
        assert month_range(4, 6) == months
        assert decade(1994) == decade_text
        assert format_number(1234.5) == number
        assert format_date(date(2026, 4, 4)) == day
        assert render_template_string("{{ month_range(4, 6) }}") == months
