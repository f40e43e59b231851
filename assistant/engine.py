"""The Assistant: one object the CLI and the app share (settings, model, live index)."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from pathlib import Path

from .answer import Answer, Answerer
from .answer.search import Hit, search
from .config import Settings, get_settings
from .errors import AssistantError
from .index.backends import open_index
from .index.build import BuildSummary, Notice, Progress, build
from .index.embedding import Embedder, bundled_embedder
from .index.storage import Generation, Index
from .ingest import uploads
from .ingest.acronyms import expand
from .ingest.actions import ActionFilter, ActionRow, matches
from .ingest.items import DocumentRecord
from .ingest.status import StatusItem
from .ingest.uploads import Preview
from .words import fold


class Assistant:
    """Answers from the live index generation; picks up a new one as soon as it is switched."""

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None):
        self.settings = settings or get_settings()
        self._embedder = embedder
        self.index: Index = open_index(self.settings)
        self._generation: Generation | None = None
        self._answerer: Answerer | None = None
        self._lock = threading.Lock()

    @property
    def corpus_dir(self) -> Path:
        return self.settings.corpus_dir

    @property
    def index_dir(self) -> Path:
        return self.settings.index_dir

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = bundled_embedder(self.settings.embedding_backend)
        return self._embedder

    def generation(self) -> Generation:
        """The live generation, reopened when the index names a new one live."""
        return self._live()[0]

    def _live(self) -> tuple[Generation, Answerer]:
        live = self.index.live_name()
        with self._lock:
            if self._generation is None or self._generation.name != live:
                # the old generation is not closed: another thread may be reading it, and a
                # generation is immutable, so letting it be collected is safe
                generation = self.index.open_live(self.embedder.vectors)
                self._answerer = Answerer(generation, self.embedder)
                self._generation = generation
            return self._generation, self._answerer

    def answerer(self) -> Answerer:
        """The answerer of the live generation."""
        return self._live()[1]

    def ask(self, question: str, history: Sequence[Answer] = ()) -> Answer:
        """An answer to a question, every sentence quoted from the documents and cited."""
        if not question or not question.strip():
            raise AssistantError("the question is empty; type a question about the Green Customs documents")
        _, answerer = self._live()
        return answerer.ask(question, history)

    def build(
        self, progress: Progress | None = None, wait: float | None = None, notice: Notice | None = None
    ) -> BuildSummary:
        return build(self.corpus_dir, self.index, self.embedder, progress, wait, self.settings, notice)

    def preview(self, path: Path) -> Preview:
        """What a staged upload would add, read under the same limits as the build."""
        return uploads.preview(path, self.settings)

    def documents(self) -> list[DocumentRecord]:
        return self.generation().documents()

    def search(self, query: str, k: int = 5, kinds: tuple[str, ...] | None = None) -> list[Hit]:
        """The k best items for a text (acronyms the documents define expanded), hybrid."""
        generation, answerer = self._live()
        return search(
            generation,
            self.embedder,
            expand(query, answerer.acronyms),
            k=k,
            kinds=kinds,
            lookup=answerer.items_by_id,
        )

    def actions(self, where: ActionFilter | None = None) -> list[ActionRow]:
        """Every action row (of every plan), in document order, passing the filter."""
        rows = [ActionRow.from_dict(i.data) for i in self.generation().items_of(kind="action")]
        rows.sort(key=lambda r: (r.doc, r.row))
        return [r for r in rows if where is None or matches(r, where)]

    def spelled(self, text: str) -> str:
        """`text` with each word the index never uses replaced by the index word it most likely
        misspells ("wildife" -> "wildlife"), as questions are read; other words as typed."""
        lexicon = self.answerer().lib.lexicon

        def mend(match: re.Match) -> str:
            word = match.group(0)
            if lexicon.knows(fold(word)):
                return word
            return lexicon.correct(fold(word)) or word

        return re.sub(r"[^\W\d_]+", mend, text)

    def status_items(self) -> list[StatusItem]:
        """Status items (GCAP-n) from the updates, with their likely plan row."""
        items = [StatusItem(**i.data) for i in self.generation().items_of(kind="status")]
        return sorted(items, key=lambda s: (s.number, s.date))
