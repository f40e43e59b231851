"""A rebuild killed (SIGKILL) at any point leaves the last good index usable and whole, and
the next rebuild succeeds and cleans up what the dead one left."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.engine import Assistant
from assistant.index import store
from assistant.index.build import build
from tests.conftest import PLAN, UPDATE, FakeEmbedder

ROOT = Path(__file__).resolve().parents[2]
NEW = "status-update-2026.txt"
# spread over loading, embedding, writing SQLite, writing FAISS, the manifest, switching CURRENT
BEFORE_SWITCH = [
    "load:1",
    "load:2",
    "load:3",
    "embed-batch:1",
    "embedded",
    "sqlite-open",
    "sqlite-items",
    "sqlite-fts",
    "sqlite-committed",
    "faiss-built",
    "faiss-written",
    "fsynced",
    "tmp-written-manifest.json",
    "tmp-synced-manifest.json",
    "replaced-manifest.json",
    "manifest-written",
    "written",
    "verified",
    "tmp-written-CURRENT",
    "tmp-synced-CURRENT",
]
AFTER_SWITCH = ["replaced-CURRENT", "switched", "pruned"]


@pytest.fixture(scope="module")
def good_state(tmp_path_factory):
    """A corpus with an index of its two documents, and a third document waiting."""
    root = tmp_path_factory.mktemp("crash")
    corpus, index = root / "corpus", root / "index"
    shutil.copytree(ROOT / "corpus", corpus)
    build(corpus, index, FakeEmbedder())
    (corpus / NEW).write_text(
        "I. Progress\n\n1. GCAP-19 guidelines on return-refill containers were adopted in 2026.\n",
        encoding="utf-8",
    )
    return corpus, index


def _rebuild(corpus, index, crash_at=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("ASSISTANT_CRASH_AT", None)
    if crash_at:
        env["ASSISTANT_CRASH_AT"] = crash_at
    return subprocess.run(
        [sys.executable, "-m", "tests.crash_build", str(corpus), str(index)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _check_whole(corpus, index, expect_new: bool):
    live = store.Generation.open(index / store.current_name(index), verify=True)  # checksums match
    docs = {d.doc for d in live.documents()}
    assert docs == ({PLAN, UPDATE, NEW} if expect_new else {PLAN, UPDATE})
    assert live.manifest["counts"]["items"] == len(live.items_of()) == live.vectors.ntotal
    assistant = Assistant(Settings(corpus, index, None), embedder=FakeEmbedder())
    answer = assistant.ask("What is the status of GCAP-19?")
    assert not answer.abstained and answer.citations
    assert len(assistant.actions()) == 38


@pytest.mark.parametrize("point", BEFORE_SWITCH + AFTER_SWITCH)
def test_a_rebuild_killed_at_any_point_loses_nothing(good_state, tmp_path, point):
    corpus, index = tmp_path / "trial" / "corpus", tmp_path / "trial" / "index"
    shutil.copytree(good_state[0], corpus)
    shutil.copytree(good_state[1], index)
    killed = _rebuild(corpus, index, crash_at=point)
    assert killed.returncode == -9, (point, killed.stdout, killed.stderr)
    _check_whole(corpus, index, expect_new=point in AFTER_SWITCH)

    finished = _rebuild(corpus, index)
    assert finished.returncode == 0, finished.stderr
    _check_whole(corpus, index, expect_new=True)
    # nothing half-written is left behind: every generation is complete, no temp files
    assert all((g / store.MANIFEST).exists() for g in index.glob("g-*"))
    assert not list(index.glob(".*.tmp"))
    assert len(list(index.glob("g-*"))) <= store.KEEP_GENERATIONS
