"""A fresh database for a benchmark: a temporary SQLite file, or a new database on a PostgreSQL server that is
dropped afterwards."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

from storage.db import normalize_url


@contextmanager
def fresh_database(url: str | None, name: str) -> Iterator[str]:
    """The URL of an empty database: `name` in a temporary folder without `url`, else a new one on its server."""
    if not url:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/{name}"
        return
    admin = create_engine(normalize_url(url), isolation_level="AUTOCOMMIT")
    database = f"salescoach_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield normalize_url(url).rsplit("/", 1)[0] + "/" + database
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()
