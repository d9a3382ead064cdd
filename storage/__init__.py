"""Persistence: SQLAlchemy 2.0 models, the coach's store implementation and Alembic migrations."""
