"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from geoalchemy2 import alembic_helpers

from fieldapp.models import Base


def _include(obj, name, type_, reflected, compare_to):
    # Tables and indexes made by SQL alone (the map aggregates, PostGIS's own) have no model.
    if type_ == "table" and reflected and name not in Base.metadata.tables:
        return False
    if type_ == "index" and reflected and compare_to is None:
        return False
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)


def test_models_and_migrations_agree(connection):
    context = MigrationContext.configure(connection, opts={"include_object": _include, "compare_type": True})
    assert compare_metadata(context, Base.metadata) == []
