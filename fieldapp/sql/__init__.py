"""The database's own code: each SQL function and trigger is one file here, the source of truth.

`functions/<name>.sql` holds one CREATE OR REPLACE FUNCTION, `triggers/<name>.sql` one CREATE
TRIGGER; leading `--` lines say why and are not sent. alembic_utils turns each into an entity:
migrations/env.py registers them, so `alembic check` (and the test suite) fails while the database
differs from the files, and `alembic revision --autogenerate` writes the replace_entity operation
for an edited file. See sql/README.md for how to change one.
"""

from __future__ import annotations

from pathlib import Path

from alembic_utils.pg_function import PGFunction
from alembic_utils.pg_trigger import PGTrigger
from alembic_utils.replaceable_entity import ReplaceableEntity

SQL_DIR = Path(__file__).resolve().parent
ENTITY_TYPES = (PGFunction, PGTrigger)


def statement(path: Path) -> str:
    """The file's one statement, without its leading comment lines and final semicolon."""
    lines = path.read_text(encoding="utf-8").splitlines()
    while lines and (not lines[0].strip() or lines[0].lstrip().startswith("--")):
        lines.pop(0)
    return "\n".join(lines).strip().removesuffix(";").rstrip()


def functions() -> list[PGFunction]:
    """Every SQL function, by file name (SQL-language bodies may call functions sorted before them)."""
    return [PGFunction.from_sql(statement(p)) for p in sorted((SQL_DIR / "functions").glob("*.sql"))]


def triggers() -> list[PGTrigger]:
    """Every trigger, by file name."""
    return [PGTrigger.from_sql(statement(p)) for p in sorted((SQL_DIR / "triggers").glob("*.sql"))]


def entities(names: tuple[str, ...] | None = None) -> list[ReplaceableEntity]:
    """Functions then triggers (a trigger needs its function), optionally only those with these file names."""
    found = [*functions(), *triggers()]
    if names is None:
        return found
    by_name = {entity_name(e): e for e in found}
    missing = sorted(set(names) - set(by_name))
    if missing:
        raise LookupError(f"no SQL file for {', '.join(missing)}")
    return [by_name[n] for n in (entity_name(e) for e in found) if n in names]


def entity_name(entity: ReplaceableEntity) -> str:
    """The name a file gives its function or trigger (without the argument list)."""
    return entity.signature.split("(", 1)[0].strip()
