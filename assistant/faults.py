"""Crash points for the crash tests: `checkpoint("name")` kills the process with SIGKILL when
ASSISTANT_CRASH_AT names that point (and, as "name:N", its N-th pass). A no-op otherwise.

The build calls it between the steps that must leave the last good index usable: the tests
kill a rebuild at each point and check that the next reader and the next build are fine.
"""

from __future__ import annotations

import functools
import os
import signal

from .config import crash_point

_passes: dict[str, int] = {}


@functools.cache
def _target() -> str:
    return crash_point()  # read once per process: a test sets it for the process it starts


def checkpoint(name: str) -> None:
    if not _target():
        return
    _passes[name] = _passes.get(name, 0) + 1
    if _target() in (name, f"{name}:{_passes[name]}"):
        os.kill(os.getpid(), signal.SIGKILL)
