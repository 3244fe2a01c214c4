"""Security headers on every response: a Content-Security-Policy with a per-request script nonce, and friends."""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from flask import Response, current_app, g
from markupsafe import Markup

# Scripts run only from our own files or with this response's nonce: no inline handler, no eval.
# Styles allow inline because Leaflet and folium write style attributes into markup; a style cannot
# run code. Images allow the one external host, the OpenStreetMap base map.
POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline';"
    " img-src 'self' data: https://tile.openstreetmap.org{tiles}; connect-src 'self'; font-src 'self';"
    " worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self';"
    " frame-ancestors 'none'"
)
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # frame-ancestors for current browsers, X-Frame-Options for older ones: no page may be framed.
    "X-Frame-Options": "DENY",
    # The base map's tile server asks for a Referer; it gets our origin, never a page's path.
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)", re.IGNORECASE)


def csp_nonce() -> str:
    """This request's script nonce, made on first use."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def nonced(html: str) -> Markup:
    """Give every inline <script> of generated markup (folium's) this request's nonce."""
    return Markup(_INLINE_SCRIPT.sub(f'<script nonce="{csp_nonce()}"', str(html)))


def _tiles_origin() -> str:
    """The configured online tile server (FIELDAPP_BASE_TILES_URL), allowed as an image source."""
    url = current_app.extensions["fieldapp.settings"].base_tiles_url
    if not url:
        return ""
    parts = urlsplit(url)
    return f" {parts.scheme}://{parts.netloc}"


def security_headers(response: Response) -> Response:
    """Add the policy and the other security headers to a response (every route, errors included)."""
    response.headers["Content-Security-Policy"] = POLICY.format(nonce=csp_nonce(), tiles=_tiles_origin())
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
