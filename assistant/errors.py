"""The library's errors. Every message names the file or thing at fault and what to do."""

from __future__ import annotations

from pathlib import Path


class AssistantError(Exception):
    """Base class: a problem the user can act on, with a message that says how."""


class DocumentError(AssistantError):
    """One corpus file cannot be read; the others are still indexed."""

    def __init__(self, path: Path | str, problem: str, remedy: str):
        self.path = Path(path)
        self.problem = problem
        self.remedy = remedy
        super().__init__(f"{self.path}: {problem}; {remedy}")


class ModelUnavailableError(AssistantError):
    """The bundled embedding model cannot be loaded."""


class IndexMissingError(AssistantError):
    """No usable index generation exists yet."""


class IndexMismatchError(AssistantError):
    """The index was built by a different model or format than the running code."""


class IndexCorruptError(AssistantError):
    """A generation's files do not match its manifest."""


class BuildLockedError(AssistantError):
    """Another rebuild holds the index lock."""


class BuildFailedError(AssistantError):
    """A rebuild could not produce a new generation; the previous one stays live."""
