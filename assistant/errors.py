"""The library's errors. Every message names the file or thing at fault and what to do."""

from __future__ import annotations

import unicodedata
from pathlib import Path


def shown(name: str) -> str:
    """A file name as it may be printed: control characters, and bytes that are not UTF-8,
    written as escapes, so a name can neither forge a line nor move a terminal's cursor."""
    out = []
    for ch in str(name):
        if "\udc80" <= ch <= "\udcff":  # a byte the file system gave that is not UTF-8
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


class AssistantError(Exception):
    """Base class: a problem the user can act on, with a message that says how."""


class DocumentError(AssistantError):
    """One corpus file cannot be read; the others are still indexed."""

    def __init__(self, path: Path | str, problem: str, remedy: str):
        self.path = Path(path)
        self.problem = problem
        self.remedy = remedy
        super().__init__(f"{shown(str(self.path))}: {problem}; {remedy}")


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
