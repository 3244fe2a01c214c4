"""The OpenAPI document of /api/v1, generated from the routes' declarations and their marshmallow schemas.

A view declares itself with `@operation(...)` (operations.py): its query arguments, path, body and
answers are marshmallow schemas, and the same arguments schema parses the request. `document(app,
prefix)` (document.py) walks the app's URL map and builds the document with apispec.
"""

from fieldapp.openapi.document import document
from fieldapp.openapi.operations import GEOJSON, JSON, PUBLIC, READ, WRITE, Answer, NoArgs, answer, operation

__all__ = ["GEOJSON", "JSON", "PUBLIC", "READ", "WRITE", "Answer", "NoArgs", "answer", "document", "operation"]
