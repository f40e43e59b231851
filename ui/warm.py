"""The model, the index and the answer models loaded once per process, before the first visit.

`python -m ui.serve` calls `warmed()` before the server starts listening, so the health check
answers only once a question can be answered at full speed; a page that runs first (plain
`streamlit run app.py`) loads them itself, once."""

from __future__ import annotations

import threading

from assistant.config import Settings
from assistant.engine import Assistant
from assistant.errors import AssistantError
from assistant.index.embedding import Embedder, bundled_embedder

_lock = threading.Lock()
_embedders: dict[str | None, Embedder] = {}  # one model per backend, shared by every settings
_assistants: dict[Settings, Assistant] = {}


def warmed(settings: Settings) -> Assistant:
    """The process's Assistant for these settings, with every lazy part loaded."""
    with _lock:
        if settings in _assistants:
            return _assistants[settings]
        backend = settings.embedding_backend
        if backend not in _embedders:
            _embedders[backend] = bundled_embedder(backend)
        embedder = _embedders[backend]
        assistant = Assistant(settings, embedder=embedder)
        try:  # one real question loads the weights, the index, the lexicon and the language models
            assistant.ask("Who is responsible for the waste guidelines?")
            assistant.actions()
        except AssistantError:
            embedder.encode(["warm up"])  # no index yet: the pages say how to build one
        _assistants[settings] = assistant
        return assistant
