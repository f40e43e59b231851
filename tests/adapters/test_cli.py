"""The command line, as scripts use it."""

import json
import re

import pytest

from assistant import cli, engine
from tests.conftest import PLAN, UPDATE, FakeEmbedder


@pytest.fixture(autouse=True)
def fake_model(monkeypatch):
    monkeypatch.setattr(engine, "bundled_embedder", lambda backend=None: FakeEmbedder())


def test_build_docs_search(seeded_corpus, capsys):
    assert cli.main(["build", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "2 added, 0 updated, 0 unchanged, 0 removed, 0 failed;" in out
    assert cli.main(["build", "--quiet"]) == 0
    assert "index unchanged at g-" in capsys.readouterr().out

    assert cli.main(["docs", "--json"]) == 0
    docs = json.loads(capsys.readouterr().out)
    assert [d["doc"] for d in docs] == [PLAN, UPDATE]
    assert all(d["pages"] == 3 and d["passages"] > 10 for d in docs)

    assert cli.main(["search", "GCAP-19 return-refill", "--k", "3", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 3
    assert hits[0]["paragraph"] == "GCAP-19"
    assert set(hits[0]) >= {"kind", "doc", "title", "page", "section", "text", "score"}
    assert hits[0]["score"] >= hits[1]["score"] >= hits[2]["score"]

    assert cli.main(["search", "definition of Green Customs"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert re.match(
        r"1\. \[0\.\d{4}\] (Draft Green Customs Action Plan|Green Customs Action Plan: status)"
        r".*, p\. \d",
        lines[0],
    )
    assert sum(1 for line in lines if re.match(r"\d\. \[", line)) == 5


def test_build_exit_status_says_a_file_failed(seeded_corpus, capsys):
    (seeded_corpus / "notes.txt").write_bytes("Caf\xe9".encode("latin-1"))
    assert cli.main(["build", "--quiet"]) == cli.EXIT_FILES_FAILED
    captured = capsys.readouterr()
    assert "notes.txt: is not UTF-8 text" in captured.err
    assert "1 failed" in captured.out


def test_errors_are_one_line_and_non_zero(corpus_dir, capsys):
    assert cli.main(["search", "anything"]) == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "has no index yet; run `python -m assistant build`" in err
    assert err.count("\n") == 1
    assert cli.main(["build", "--quiet"]) == cli.EXIT_ERROR
    assert "has no documents" in capsys.readouterr().err


def test_corpus_and_index_flags_override_the_environment(seeded_corpus, tmp_path, capsys):
    other = tmp_path / "elsewhere"
    assert cli.main(["build", "--quiet", "--corpus", str(seeded_corpus), "--index", str(other)]) == 0
    assert (other / "CURRENT").exists()
