"""Alembic environment: runs migrations on the connection or URL the CLI hands over."""

from alembic import context
from alembic_utils.replaceable_entity import register_entities
from geoalchemy2 import alembic_helpers
from sqlalchemy import create_engine

from fieldapp import sql
from fieldapp.migrate import autogenerate_options
from fieldapp.models import Base

config = context.config
target_metadata = Base.metadata
# The SQL functions and triggers in fieldapp/sql are compared like the models' tables.
register_entities(sql.entities())


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        process_revision_directives=alembic_helpers.writer,
        render_item=alembic_helpers.render_item,
        **autogenerate_options(),
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
