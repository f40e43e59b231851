"""Reading corpus files in a separate process, with limits on time and memory, so that one
damaged or hostile file (a decompression bomb, a reference loop) cannot hang or exhaust a build.

The worker is started on the first file that needs reading and reused for the next ones; a
worker that overruns is killed and a new one started for the next file.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from .documents import DocumentInfo
from .errors import DocumentError

DEFAULT_SECONDS = float(os.environ.get("ASSISTANT_PARSE_SECONDS", "120"))
DEFAULT_MEGABYTES = int(os.environ.get("ASSISTANT_PARSE_MB", "2048"))


class ParseWorker:
    """prepare(path, info, sha) in a child process; DocumentError for anything that fails."""

    def __init__(self, seconds: float | None = None, megabytes: int | None = None):
        self.seconds = DEFAULT_SECONDS if seconds is None else seconds
        self.megabytes = DEFAULT_MEGABYTES if megabytes is None else megabytes
        self._process = None
        self._conn = None

    def prepare(self, path: Path, info: DocumentInfo, sha: str):
        if self._process is None or not self._process.is_alive():
            self._start()
        self._conn.send((str(path), info, sha))
        if not self._conn.poll(self.seconds):
            self._kill()
            raise DocumentError(
                path,
                f"took longer than {self.seconds:g} s to read (a damaged or hostile file?)",
                "re-export it from its source; if it is genuinely that large, raise "
                "ASSISTANT_PARSE_SECONDS and rebuild",
            )
        try:
            kind, payload = self._conn.recv()
        except (EOFError, OSError):
            self._kill()
            raise DocumentError(
                path,
                f"needed more than {self.megabytes} MB or crashed the reader",
                "re-export it from its source (or raise ASSISTANT_PARSE_MB), then rebuild",
            ) from None
        if kind == "ok":
            return payload
        if kind == "document":
            raise DocumentError(*payload)
        if kind == "memory":
            self._kill()
            raise DocumentError(
                path,
                f"needed more than {self.megabytes} MB to read",
                "re-export it from its source (or raise ASSISTANT_PARSE_MB), then rebuild",
            )
        raise DocumentError(
            path, f"could not be read ({payload})", "re-export it from its source, then rebuild"
        )

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.send(None)
            except OSError:
                pass
        if self._process is not None:
            self._process.join(2)
            self._kill()

    def __enter__(self) -> ParseWorker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self) -> None:
        # spawn, not fork: the parent may hold threads (the app, torch) whose locks a fork copies
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, self.megabytes), daemon=True)
        self._process.start()
        child.close()

    def _kill(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join(5)
        self._process = None


def _serve(conn, megabytes: int) -> None:
    """The child: limit its own memory, then read files until told to stop."""
    import resource

    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from .build import prepare_file  # imported under the limit, like everything the child does

    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        path, info, sha = task
        try:
            conn.send(("ok", prepare_file(Path(path), info, sha)))
        except DocumentError as exc:
            conn.send(("document", (str(exc.path), exc.problem, exc.remedy)))
        except MemoryError:
            conn.send(("memory", None))
            return
        except Exception as exc:  # a parser's own bug on a strange file: reported, never fatal
            conn.send(("error", f"{type(exc).__name__}: {exc}"[:300]))
