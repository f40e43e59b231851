"""Settings in one place: every ASSISTANT_* variable is read here, once per call of
`get_settings()`, and the library is handed the result; nothing else reads the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import AssistantError

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path
    index_dir: Path
    admin_token: str | None = None
    max_file_mb: int = 100  # files over this are refused before a byte is read
    parse_seconds: float = 120.0  # time to read one file (the worker's start-up not counted)
    parse_mb: int = 2048  # memory the file reader may use
    max_passages: int = 10_000  # items one file may make: bounds its embedding time and memory
    embedding_backend: str | None = None  # openvino | torch; None: openvino where installed
    backend: str = "files"  # where the index lives: files (index_dir) or postgres (database_url)
    database_url: str | None = None

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_mb * 1_000_000

    @property
    def limits(self) -> dict:
        """What bounds the reading of one file, as the worker is told."""
        return {"max_bytes": self.max_file_bytes, "max_passages": self.max_passages}


def _path_from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def _number_from_env(name: str, default: float, kind=float):
    value = os.environ.get(name)
    if not value:
        return default
    try:
        number = kind(value)
    except ValueError:
        raise AssistantError(f"{name}={value!r} is not a number; set it to a number or unset it") from None
    if number <= 0:
        raise AssistantError(f"{name}={value!r} must be above zero; set a positive number or unset it")
    return number


def _choice_from_env(name: str, choices: tuple[str, ...]) -> str | None:
    value = os.environ.get(name, "").strip().lower()
    if value and value not in choices:
        raise AssistantError(
            f"{name}={value!r} is not one of {', '.join(choices)}; set one of them or unset it"
        )
    return value or None


def get_settings() -> Settings:
    """Resolve settings from ASSISTANT_* environment variables, defaulting to the repo."""
    return Settings(
        corpus_dir=_path_from_env("ASSISTANT_CORPUS", REPO_ROOT / "corpus"),
        index_dir=_path_from_env("ASSISTANT_INDEX", REPO_ROOT / "index"),
        admin_token=os.environ.get("ASSISTANT_ADMIN_TOKEN") or None,
        max_file_mb=_number_from_env("ASSISTANT_MAX_FILE_MB", 100, int),
        parse_seconds=_number_from_env("ASSISTANT_PARSE_SECONDS", 120.0),
        parse_mb=_number_from_env("ASSISTANT_PARSE_MB", 2048, int),
        max_passages=_number_from_env("ASSISTANT_MAX_PASSAGES", 10_000, int),
        embedding_backend=_choice_from_env("ASSISTANT_EMBEDDING_BACKEND", ("openvino", "torch")),
        backend=_choice_from_env("ASSISTANT_BACKEND", ("files", "postgres")) or "files",
        database_url=os.environ.get("ASSISTANT_DATABASE_URL") or None,
    )


def crash_point() -> str:
    """ASSISTANT_CRASH_AT, for the crash tests only (see faults.py)."""
    return os.environ.get("ASSISTANT_CRASH_AT", "")
