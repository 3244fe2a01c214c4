"""Security headers on every response: each route of the URL map, errors, files and outages included."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.integration.test_outages import outage_app  # noqa: F401 (a fixture)

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
# Pages whose URL carries a secret send no Referer at all (stricter than the default), by path prefix.
NO_REFERRER = ("/account/set-password/",)
# Placeholder values for URL arguments by converter: enough to reach each view (most answer 404).
PLACEHOLDERS = {"int": "1", "uuid": str(uuid.UUID(int=1)), "path": "x/y", "default": "x"}


def assert_secured(response, where: str) -> str:
    response.close()  # files are streamed: close them, the headers are all this needs
    for name, value in EXPECTED.items():
        if name == "Referrer-Policy" and where.startswith(NO_REFERRER):
            value = "no-referrer"
        assert response.headers.get(name) == value, f"{where}: {name}"
    policy = response.headers.get("Content-Security-Policy", "")
    script_src = re.search(r"script-src ([^;]*)", policy)
    assert script_src and "'unsafe-inline'" not in script_src.group(1), f"{where}: {policy}"
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy, where
    return re.search(r"'nonce-([^']+)'", policy).group(1)


def every_get_url(app) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        url = rule.rule
        for argument in rule.arguments:
            kind = type(rule._converters[argument]).__name__.replace("Converter", "").lower()
            value = PLACEHOLDERS.get({"unicode": "default", "string": "default"}.get(kind, kind), "x")
            url = re.sub(rf"<(?:[^:>]+:)?{argument}>", value, url)
        urls.append(url)
    return sorted(set(urls))


def test_every_route_of_the_url_map_sends_the_headers(app, client):
    urls = every_get_url(app)
    assert len(urls) > 30
    for url in urls:
        assert_secured(client.get(url), url)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/no/such/page"),  # 404 page
        ("GET", "/api/v1/observations/not-a-uuid"),  # 404 JSON
        ("DELETE", "/map"),  # 405
        ("POST", "/api/v1/observations"),  # 401 JSON
        ("GET", "/static/css/site.css"),  # a file
        ("GET", "/record"),  # a redirect to sign in
    ],
)
def test_errors_files_and_redirects_send_the_headers(client, method, path):
    assert_secured(client.open(path, method=method), f"{method} {path}")


def test_a_503_during_an_outage_sends_the_headers(outage_app):  # noqa: F811
    assert_secured(outage_app.test_client().get("/"), "outage")


def test_each_page_gets_its_own_nonce_on_its_inline_scripts(client):
    first, second = client.get("/map"), client.get("/map")
    nonces = [assert_secured(first, "first"), assert_secured(second, "second")]
    assert nonces[0] != nonces[1] and len(nonces[0]) >= 22
    html = first.get_data(as_text=True)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline, "the map page has folium's inline scripts"
    assert all(f'nonce="{nonces[0]}"' in attributes for attributes in inline), inline
    assert not re.search(r"\son[a-z]+=", html), "no inline event handler"
