"""Settings in one place: paths and secrets, with environment overrides."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path
    index_dir: Path
    admin_token: str | None


def _path_from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def get_settings() -> Settings:
    """Resolve settings from ASSISTANT_* environment variables, defaulting to the repo."""
    return Settings(
        corpus_dir=_path_from_env("ASSISTANT_CORPUS", REPO_ROOT / "corpus"),
        index_dir=_path_from_env("ASSISTANT_INDEX", REPO_ROOT / "index"),
        admin_token=os.environ.get("ASSISTANT_ADMIN_TOKEN") or None,
    )
