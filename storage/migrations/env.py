"""Alembic environment: the engine is handed in by storage.db (no alembic.ini needed)."""

from alembic import context
from sqlalchemy import text

from storage.models import Base

MIGRATION_LOCK = 7_263_011  # any constant; several instances starting at once migrate one after the other

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    if connection.dialect.name == "postgresql":  # held until this transaction ends
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
