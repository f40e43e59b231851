"""Choosing where the index lives, from the settings: files (the default) or PostgreSQL."""

from __future__ import annotations

from ..config import Settings
from ..errors import AssistantError
from .storage import Index


def open_index(settings: Settings) -> Index:
    """The index the settings name: files under ASSISTANT_INDEX, or ASSISTANT_DATABASE_URL."""
    if settings.backend == "files":
        from .store import FileIndex

        return FileIndex(settings.index_dir)
    if settings.backend == "postgres":
        if not settings.database_url:
            raise AssistantError(
                "ASSISTANT_BACKEND=postgres needs ASSISTANT_DATABASE_URL "
                "(e.g. postgresql://user@host/dbname); set it, or unset ASSISTANT_BACKEND for files"
            )
        from .postgres import PostgresIndex

        return PostgresIndex(settings.database_url)
    raise AssistantError(
        f"ASSISTANT_BACKEND={settings.backend!r} is not a storage backend; set it to files or postgres"
    )
