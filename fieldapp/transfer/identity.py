"""Which records an import updates: only those the same source gave the same id; the rest are new."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.errors import Invalid
from fieldapp.transfer.report_lines import Line, quoted

# A source key is part of every record's source_ref, so it cannot hold the separators ':' and '#'.
SOURCE_KEY_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"
_SOURCE_KEY = re.compile(SOURCE_KEY_PATTERN)
_KINDS = {0: "point", 1: "line", 2: "area"}
EXAMPLES = 5


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def check_source_key(key: str | None) -> str | None:
    """A user-named source key, or None; refuse keys that could not stay one stable name."""
    if key is None or key == "":
        return None
    if not _SOURCE_KEY.fullmatch(key):
        raise Invalid(
            f"The source key {key[:80]!r} must be 1 to 64 letters, digits, '.', '_' or '-',"
            " starting with a letter or digit (e.g. mcz-2024).",
            [{"path": "source_key", "message": "1-64 of A-Z a-z 0-9 . _ -"}],
        )
    return key


@dataclass(frozen=True)
class Identity:
    """How one import names its records: the file's own ids, else row numbers within a source."""

    sha256: str
    key: str | None = None

    def reference(self, own_id: str | None, row_ref: str) -> str:
        """The source_ref of a record: its own id (under the key, if named), else its row in this source."""
        if own_id:
            return f"{self.key}:{own_id}" if self.key else own_id
        # A row number only names a row within one source: this file (its checksum) or the named key.
        return f"{self.key or 'sha256:' + self.sha256[:16]}#{row_ref}"

    def describe(self, id_column: str | None) -> Line:
        """How the report explains the identity of this file's records."""
        ids = Line("by_id_column", column=quoted(id_column)) if id_column else Line("by_number")
        if self.key:
            return Line("within_key", ids=ids, key=quoted(self.key))
        if id_column:
            return Line("rows_without_id", ids=ids)
        return Line("within_this_file", ids=ids, sha=self.sha256[:16])


def earlier_imports(session: Session, table: str, dataset_id: int) -> list[dict[str, Any]]:
    """The earlier imports whose records the staged rows would update, with how many of each."""
    sql = f"""SELECT f.id, f.name, f.sha256, f.source_key, f.imported_at, count(*) AS records
                FROM {table} s JOIN observation o ON o.dataset_id = :d AND o.source_ref = s.source_ref
                LEFT JOIN import_file f ON f.id = o.import_file_id
               GROUP BY f.id ORDER BY count(*) DESC, f.id"""
    return [
        {
            "import_id": row.id,
            "file": row.name,
            "sha256": row.sha256,
            "source_key": row.source_key,
            "imported_at": row.imported_at.isoformat() if row.imported_at else None,
            "records": row.records,
        }
        for row in session.execute(text(sql), {"d": dataset_id})
    ]


def identity_changes(session: Session, table: str, dataset_id: int) -> dict[str, Any]:
    """Updates that would change a record's geometry kind or subject: a sign of another source."""
    sql = f"""
    WITH matched AS (
      SELECT s.row_no, s.source_ref, o.subject_text AS old_subject, s.subject_text AS new_subject,
             ST_Dimension(o.geom) AS old_dim, CASE WHEN s.geom IS NULL THEN 0 ELSE ST_Dimension(s.geom) END AS new_dim
        FROM {table} s JOIN observation o ON o.dataset_id = :d AND o.source_ref = s.source_ref
    ), flagged AS (
      SELECT *, old_dim <> new_dim AS kind_changed,
             lower(old_subject) IS DISTINCT FROM lower(new_subject) AS subject_changed FROM matched
    )
    SELECT count(*) FILTER (WHERE kind_changed) AS kind, count(*) FILTER (WHERE subject_changed) AS subject,
           (SELECT json_agg(e) FROM (SELECT row_no, source_ref, old_subject, new_subject, old_dim, new_dim
                                       FROM flagged WHERE kind_changed OR subject_changed
                                      ORDER BY row_no LIMIT {EXAMPLES}) e) AS examples
      FROM flagged"""
    row = session.execute(text(sql), {"d": dataset_id}).one()
    examples = [_example(e) for e in row.examples or []]
    return {"geometry_kind": row.kind, "subject": row.subject, "examples": examples}


def _example(e: dict[str, Any]) -> dict[str, Any]:
    return {
        "row": e["row_no"],
        "source_ref": e["source_ref"],
        "subject": [e["old_subject"], e["new_subject"]],
        "geometry_kind": [_KINDS.get(e["old_dim"]), _KINDS.get(e["new_dim"])],
    }


def change_warnings(changes: dict[str, Any], earlier: list[dict[str, Any]], dry_run: bool) -> list[Line]:
    """Loud warnings for updates that would (or did) change what a record is."""
    named = [Line("import_of_file", file=e["file"], id=e["import_id"]) for e in earlier if e["file"]]
    files: list[Line] | Line = named or Line("earlier_records")
    warnings = []
    for field in ("geometry_kind", "subject"):
        n = changes[field]
        if not n:
            continue
        shown = [e for e in changes["examples"] if e[field][0] != e[field][1]][:3]
        examples = [
            Line("change_example", row=e["row"], before=quoted(e[field][0]), after=quoted(e[field][1])) for e in shown
        ]
        code = "would_change" if dry_run else "changed"
        warnings.append(Line(code, count=n, what=Line(field), examples=examples, files=files))
    return warnings


def new_version_hints(session: Session, dataset_id: int, source: dict[str, Any]) -> list[Line]:
    """Tell a user re-importing an edited file without ids that its rows cannot update the old ones."""
    if source["source_key"] or source["id_column"]:
        return []
    sql = """SELECT name, imported_at FROM import_file WHERE dataset_id = :d AND name = :name
              AND sha256 <> :sha256 AND source_key IS NULL ORDER BY imported_at DESC LIMIT 1"""
    earlier = session.execute(text(sql), {"d": dataset_id, "name": source["name"], "sha256": source["sha256"]}).first()
    hints = []
    if earlier is not None:
        hints.append(Line("same_name_earlier", name=quoted(earlier.name), date=f"{earlier.imported_at:%Y-%m-%d}"))
    legacy = session.execute(text(_LEGACY), {"d": dataset_id}).scalar_one()
    if legacy:
        hints.append(Line("legacy_records", count=legacy))
    return hints


# Records written by imports before import_file existed: row or feature numbers, perhaps after a layer name.
_LEGACY = r"""SELECT count(*) FROM observation WHERE dataset_id = :d AND import_file_id IS NULL
               AND source_ref ~ '^(row:)?[0-9]+$|^[A-Za-z_][A-Za-z0-9_ -]*:[0-9]+$'"""


def record_import(session: Session, dataset_id: int, user_id: int | None, source: dict[str, Any]) -> int:
    """Remember the file an import is writing from; the id goes on every record it writes."""
    sql = """INSERT INTO import_file (dataset_id, user_id, name, sha256, size, format, source_key, created, updated)
             VALUES (:dataset, :user, :name, :sha256, :size, :format, :key, 0, 0) RETURNING id"""
    params = {"dataset": dataset_id, "user": user_id, **{k: source[k] for k in ("name", "sha256", "size", "format")}}
    return session.execute(text(sql), {**params, "key": source["source_key"]}).scalar_one()


def record_outcome(session: Session, import_id: int, created: int, updated: int) -> None:
    session.execute(
        text("UPDATE import_file SET created = :c, updated = :u WHERE id = :id"),
        {"c": created, "u": updated, "id": import_id},
    )
