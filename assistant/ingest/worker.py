"""Reading corpus files in a separate process, with limits on time and memory, so that one
damaged or hostile file (a decompression bomb, a reference loop) cannot hang or exhaust a build
or the app that previews an upload.

The worker is its own program (`python -m assistant.ingest.worker`), not a fork or a spawn of
the caller: it never re-imports the caller's script, so `build()` works from any script,
guarded by `if __name__ == "__main__":` or not. It limits its own memory, dies with its parent
(a parent-death signal), says when it is ready, and only then does a file's time limit start:
the limit counts reading, never the worker's start-up. Messages are JSON, never pickle: what
a hostile file made the worker say is data, not code.

The worker is started on the first file that needs reading and reused for the next ones; a
worker that overruns is killed and a new one started for the next file.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path

from ..errors import DocumentError
from .documents import DocumentInfo
from .items import Prepared

START_SECONDS = 120.0  # for the worker to start (a loaded machine); not counted against a file
_REMEDY_SLOW = "if it is genuinely that large, raise ASSISTANT_PARSE_SECONDS and rebuild"


class ParseWorker:
    """prepare(path, info, sha) and preview(path) in a child process; DocumentError for
    anything that fails, saying which limit a file reached and which setting raises it."""

    def __init__(self, seconds: float, megabytes: int, limits: dict):
        self.seconds = seconds
        self.megabytes = megabytes
        self.limits = limits  # max_bytes, max_passages
        self._process: subprocess.Popen | None = None
        self._conn: Connection | None = None

    def prepare(self, path: Path, info: DocumentInfo, sha: str) -> Prepared:
        task = {"task": "prepare", "path": str(path), "info": info.__dict__, "sha": sha}
        return Prepared.from_json(self._ask(path, task))

    def preview(self, path: Path) -> dict:
        return self._ask(path, {"task": "preview", "path": str(path)})

    def _ask(self, path: Path, task: dict) -> dict:
        if self._process is None or self._process.poll() is not None:
            self._start()
        task["limits"] = self.limits
        self._conn.send_bytes(json.dumps(task).encode())
        if not self._conn.poll(self.seconds):
            self._kill()
            raise DocumentError(
                path, f"took longer than {self.seconds:g} s to read (ASSISTANT_PARSE_SECONDS)", _REMEDY_SLOW
            )
        try:
            reply = json.loads(self._conn.recv_bytes())
        except (EOFError, OSError):
            self._kill()
            raise DocumentError(
                path,
                f"crashed the reader or needed more than {self.megabytes} MB (ASSISTANT_PARSE_MB)",
                "re-export it from its source (or raise ASSISTANT_PARSE_MB), then rebuild",
            ) from None
        kind = reply["kind"]
        if kind == "ok":
            return reply["result"]
        if kind == "document":
            raise DocumentError(reply["path"], reply["problem"], reply["remedy"])
        if kind == "memory":
            self._kill()
            raise DocumentError(
                path,
                f"needed more than {self.megabytes} MB to read (ASSISTANT_PARSE_MB)",
                "re-export it from its source (or raise ASSISTANT_PARSE_MB), then rebuild",
            )
        raise DocumentError(
            path, f"could not be read ({reply['error']})", "re-export it from its source, then rebuild"
        )

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.send_bytes(b"null")
            except OSError:
                pass
        if self._process is not None:
            try:
                self._process.wait(2)
            except subprocess.TimeoutExpired:
                pass
        self._kill()

    def __enter__(self) -> ParseWorker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self) -> None:
        parent, child = socket.socketpair()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "assistant.ingest.worker", str(child.fileno()), str(self.megabytes)],
            pass_fds=[child.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        child.close()
        self._conn = Connection(parent.detach())
        # start-up (interpreter, imports) is the worker's own business, not the file's
        if not self._conn.poll(START_SECONDS) or json.loads(self._conn.recv_bytes()) != "ready":
            self._kill()
            raise DocumentError(
                "the file reader", f"did not start within {START_SECONDS:g} s", "check the installation"
            )

    def _kill(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(5)
        if self._conn is not None:
            self._conn.close()
        self._process = None
        self._conn = None


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (a killed build leaves no worker)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _serve(fd: int, megabytes: int) -> None:
    """The child: limit its own memory, then read files until told to stop."""
    import resource

    parent = os.getppid()
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the signal was asked for
        return
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    conn = Connection(fd)
    # the readers a PDF needs are part of start-up too: imported now, not in a file's time
    import pdfplumber  # noqa: F401
    import pypdf  # noqa: F401

    from .pipeline import prepare_file, preview_file  # imported under the limit

    conn.send_bytes(json.dumps("ready").encode())
    while True:
        try:
            task = json.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        if task is None:
            return
        path = Path(task["path"])
        try:
            if task["task"] == "prepare":
                result = prepare_file(
                    path, DocumentInfo(**task["info"]), task["sha"], **task["limits"]
                ).to_json()
            else:
                result = preview_file(path, **task["limits"])
            reply = {"kind": "ok", "result": result}
        except DocumentError as exc:
            reply = {"kind": "document", "path": str(exc.path), "problem": exc.problem, "remedy": exc.remedy}
        except MemoryError:
            reply = {"kind": "memory"}
        except Exception as exc:  # a parser's own bug on a strange file: reported, never fatal
            reply = {"kind": "error", "error": f"{type(exc).__name__}: {exc}"[:300]}
        try:
            conn.send_bytes(json.dumps(reply).encode())
        except MemoryError:
            conn.send_bytes(b'{"kind": "memory"}')
            return
        if reply["kind"] == "memory":
            return


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]))
