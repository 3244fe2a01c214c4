"""gzip for text answers, so the recording page's first load stays small on a weak signal."""

from __future__ import annotations

import gzip

from flask import Response, request

# A proxy in front may compress as well; these are the types worth it.
COMPRESSIBLE = (
    "text/",
    "application/javascript",
    "application/json",
    "application/geo+json",
    "application/manifest+json",
    "image/svg+xml",
)


def gzip_response(response: Response) -> Response:
    """Compress a successful text answer of 1 KB or more for a client that accepts gzip."""
    if (
        response.status_code != 200
        or "gzip" not in request.headers.get("Accept-Encoding", "")
        or "Content-Encoding" in response.headers
        or not (response.mimetype or "").startswith(COMPRESSIBLE)
    ):
        return response
    response.direct_passthrough = False
    data = response.get_data()
    if len(data) < 1024:
        return response
    response.set_data(gzip.compress(data, compresslevel=6))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    etag, _weak = response.get_etag()
    if etag:
        # The compressed body is another representation of the same resource.
        response.set_etag(etag, weak=True)
    return response
