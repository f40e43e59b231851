"""Shared fixtures: a deterministic fake embedder, tmp corpus/index, and no network at all."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from assistant.config import get_settings
from assistant.engine import Assistant
from tests.fakes import FakeEmbedder  # noqa: F401  (re-exported for the tests)
from tests.netguard.sitecustomize import _loopback  # one definition of "loopback" for both guards

SEEDS = Path(__file__).resolve().parent.parent / "corpus"
PLAN = "green-customs-action-plan-draft-2023.txt"
UPDATE = "green-customs-status-update-2025.txt"
REGISTER = "green-customs-action-plan-draft-2023.actions.csv"


class NetworkBlocked(AssertionError):
    pass


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Every test runs with outgoing connections to anything but loopback refused (and failed)."""
    attempts: list[str] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def guard(address):
        if isinstance(address, tuple) and not _loopback(address[0]):
            attempts.append(str(address))
            raise NetworkBlocked(f"test tried to connect to {address}")

    def connect(self, address):
        guard(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        guard(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if not _loopback(host):
            attempts.append(f"dns:{host}")
            raise NetworkBlocked(f"test tried to resolve {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield attempts
    assert not attempts, f"network access attempted: {attempts}"


@pytest.fixture(autouse=True)
def isolated_paths(tmp_path, monkeypatch):
    """No test touches the repo's own corpus or index."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    monkeypatch.setenv("ASSISTANT_CORPUS", str(corpus))
    monkeypatch.setenv("ASSISTANT_INDEX", str(index))
    monkeypatch.delenv("ASSISTANT_ADMIN_TOKEN", raising=False)
    return corpus, index


@pytest.fixture
def corpus_dir(isolated_paths) -> Path:
    return isolated_paths[0]


@pytest.fixture
def index_dir(isolated_paths) -> Path:
    return isolated_paths[1]


@pytest.fixture
def seeded_corpus(corpus_dir) -> Path:
    """The client's two documents, their manifest and the plan's reviewed action register."""
    for name in (PLAN, UPDATE, REGISTER, "manifest.toml"):
        shutil.copy(SEEDS / name, corpus_dir / name)
    return corpus_dir


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def assistant(fake_embedder) -> Assistant:
    return Assistant(get_settings(), embedder=fake_embedder)


@pytest.fixture(scope="session")
def real_embedder():
    """The bundled model on the default backend (openvino where installed), as users run it."""
    from assistant.index.embedding import bundled_embedder

    return bundled_embedder()


@pytest.fixture(scope="session")
def real_index(tmp_path_factory, real_embedder) -> tuple[Path, Path]:
    """The client's corpus built once with the real model: (corpus, index). Read-only for tests."""
    from assistant.index.build import build

    root = tmp_path_factory.mktemp("real")
    corpus, index = root / "corpus", root / "index"
    corpus.mkdir()
    for name in (PLAN, UPDATE, REGISTER, "manifest.toml"):
        shutil.copy(SEEDS / name, corpus / name)
    build(corpus, index, real_embedder)
    return corpus, index
