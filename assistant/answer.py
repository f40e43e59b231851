"""Answers built from the documents themselves: quoted sentences and action-row fields,
every one followed by its citation marker; "not in these documents" when nothing answers."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from . import questions
from .acronyms import expand
from .actions import ActionRow, matches
from .embedding import Embedder
from .questions import Intent
from .search import Hit, content_terms, search
from .status import StatusItem
from .store import Generation, Item
from .text import split_sentences

# Calibrated on eval/questions.jsonl (see `assistant eval`): below these a match is not trusted.
ROW_MIN = 0.40  # cosine of the best action row for a who/when/priority/KPI question
ANSWER_MIN = 0.25  # cosine of the best passage or row for any answer at all
COVERAGE_MIN = 0.30  # share (idf-weighted) of the question's words found in the best passage...
COVERAGE_DENSE = 0.50  # ... unless its cosine is at least this
ROW_BIAS = 0.10  # a who/when/priority/KPI question prefers a row unless a passage is clearly better
_SUFFIXES = ("ations", "ation", "ising", "izing", "ised", "ized", "ings", "ing", "ies", "ed", "es", "s")
MAX_SENTENCES = 3
MAX_LIST = 60

# words that frame a question ("what does ... mean?"): never what it is about
_QUESTION_WORDS = frozenset(
    """who whom whose which what when where why how else also plan say says said does do did
    document documents mention mentions according there anything much many mean means meaning
    stand stands cover covers offer offered describe explain happen happened include includes
    involve involves tell list show give""".split()
)
# words that name the field asked: kept for search (the index weighs them), but a question is
# not refused for using them
_FIELD_WORDS = frozenset(
    """owns own owner owners owned body bodies team teams unit units responsible responsibility
    charge lead leads leading deadline due timeframe timeline priority kpi kpis indicator
    indicators measured status progress delivered action actions item items update""".split()
)
_ROUTING_WORDS = _QUESTION_WORDS | _FIELD_WORDS
_PRONOUNS = frozenset("it its that this they them those these one same".split())


@dataclass(frozen=True)
class Citation:
    kind: str  # "passage" or "action" (the contract's two kinds)
    doc: str
    title: str
    page: int
    section: str
    text: str
    score: float
    paragraph: str = ""
    item_id: int = 0
    quote: str = ""  # what the answer quotes from this passage, for highlighting
    row: ActionRow | None = None

    def to_json(self) -> dict:
        data = {
            "kind": self.kind,
            "doc": self.doc,
            "title": self.title,
            "page": self.page,
            "section": self.section,
            "text": self.text,
            "score": round(self.score, 4),
            "paragraph": self.paragraph,
        }
        if self.row is not None:
            # the citation's own doc, page and section stand; the row adds all its fields
            data.update({k: v for k, v in self.row.contract_dict().items() if k not in data})
        return data


@dataclass
class Answer:
    question: str
    text: str
    citations: list[Citation]
    abstained: bool
    route: str = "passage"
    subject: dict = field(default_factory=dict)  # what a follow-up may refer to

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [c.to_json() for c in self.citations],
            "route": self.route,
        }


class Answerer:
    """Answers questions from one index generation."""

    def __init__(self, generation: Generation, embedder: Embedder):
        self.generation = generation
        self.embedder = embedder
        self.documents = generation.documents()
        self.titles = {d.doc: d.title for d in self.documents}
        self.acronyms = generation.acronyms()
        items = generation.items_of()
        self.items_by_id = {i.id: i for i in items}
        self.rows = {i.id: ActionRow.from_dict(i.data) for i in items if i.kind == "action"}
        self.row_items = {i.id: i for i in items if i.kind == "action"}
        self.statuses = [StatusItem(**i.data) for i in items if i.kind == "status"]
        self.passages = {i.id: i for i in items if i.kind == "passage"}
        self.bodies = {b for r in self.rows.values() for b in r.body_in_charge if _is_name(b)}
        self.teams = {t for r in self.rows.values() for t in r.responsible_team if _is_name(t)}
        self.total = max(generation.item_count(), 1)

    # ------------------------------------------------------------ entry point

    def ask(self, question: str, history: Sequence[Answer] = (), vector: np.ndarray | None = None) -> Answer:
        question = question.strip()
        intent = questions.read(question, self.bodies, self.teams)
        previous = next((a for a in reversed(history) if a.subject), None)
        if previous is not None and self._leans_on_previous(question, intent):
            return self._follow_up(question, intent, previous)
        expanded = expand(question, self.acronyms)
        if vector is None:
            vector = self.embedder.encode([expanded])[0]
        if intent.route == "gcap":
            return self._gcap(question, intent.gcap, vector, expanded)
        if intent.route == "list":
            return self._list(question, intent)
        if intent.route == "status-list":
            return self._status_list(question, intent.where.status, vector, expanded)
        if self._unknown_terms(question):  # it names what the documents never mention
            return self._abstain(question, self._nearest(vector, expanded))
        if intent.route == "field":
            answer = self._field(question, intent, vector, expanded)
            if answer is not None:
                return answer
        return self._passages(question, vector, expanded)

    # ------------------------------------------------------------ routes

    def _field(self, question: str, intent: Intent, vector, expanded: str) -> Answer | None:
        focus = _focus(expanded)
        weights = self._weights(expanded)
        rows = self._search(expanded, vector, focus, k=3, kinds=("action",))
        if not rows or rows[0].dense < ROW_MIN:
            return None
        passages = self._search(expanded, vector, focus, k=3, kinds=("passage",))
        row_score = max(_relevance(h, weights) for h in rows[:1])
        passage_score = max((_relevance(h, weights) for h in passages), default=0.0)
        # "when was the survey circulated?" is about a passage, not a row; a bare "who" too
        bias = ROW_BIAS if intent.strong_owner or intent.fields != ("owner",) else 0.0
        if passage_score > row_score + bias:
            return None
        return self._row_answer(question, [rows[0].item.id], intent.fields, rows[0].dense)

    def _row_answer(self, question: str, row_ids: list[int], fields: tuple[str, ...], score: float) -> Answer:
        citations: list[Citation] = []
        sentences = []
        for row_id in row_ids:
            row = self.rows[row_id]
            citations.append(self._row_citation(row_id, score))
            marker = len(citations)
            sentences.append(f"“{row.action}”: {_fields_text(row, fields)} [{marker}].")
            status = self._status_for(row)
            if status is not None:
                citation = self._status_citation(status, score)
                if citation is not None:
                    citations.append(citation)
                    sentences.append(
                        f"The update lists {status.code} ({status.status or 'no status given'}) as its "
                        f"likely match: “{citation.quote}” [{len(citations)}]."
                    )
        return Answer(
            question, " ".join(sentences), citations, False, "field", {"rows": row_ids, "fields": fields}
        )

    def _list(self, question: str, intent: Intent) -> Answer:
        ids = [
            i
            for i, row in sorted(self.rows.items(), key=lambda kv: (kv[1].doc, kv[1].row))
            if matches(row, intent.where)
        ]
        described = _describe(intent.where)
        if not ids:
            return Answer(question, f"No action in the plan's table matches {described}.", [], True, "list")
        citations = [self._row_citation(i, 1.0) for i in ids[:MAX_LIST]]
        lines = [f"{len(ids)} action(s) match {described}:"]
        for n, row_id in enumerate(ids[:MAX_LIST], 1):
            row = self.rows[row_id]
            lines.append(f"- “{row.action}” ({_fields_text(row, ('owner', 'when', 'priority'))}) [{n}]")
        return Answer(
            question, "\n".join(lines), citations, False, "list", {"rows": ids, "fields": ("owner", "when")}
        )

    def _status_list(self, question: str, status: str, vector, expanded: str) -> Answer:
        """Which items the updates call delivered (or in progress), with the sentences that say so."""
        latest: dict[str, StatusItem] = {}
        for item in sorted(self.statuses, key=lambda s: s.date):
            latest[item.code] = item
        items = sorted((s for s in latest.values() if s.status == status), key=lambda s: s.number)
        if not items:
            return self._abstain(
                question, self._nearest(vector, expanded), f"The updates list no item as {status}."
            )
        citations: list[Citation] = []
        lines = [
            f"The updates list {len(items)} item(s) as {status}: " + ", ".join(s.code for s in items) + "."
        ]
        for sentence in dict.fromkeys(s.evidence for s in items if s.evidence):
            doc = next(s.doc for s in items if s.evidence == sentence)
            passage = self._passage_quoting(doc, sentence)
            if passage is not None:
                citations.append(self._passage_citation(passage, 1.0, quote=sentence))
                codes = ", ".join(s.code for s in items if s.evidence == sentence)
                lines.append(f"{codes}: “{sentence}” [{len(citations)}]")
        return Answer(question, "\n".join(lines), citations, False, "status-list", {})

    def _gcap(self, question: str, code: str, vector, expanded: str) -> Answer:
        items = [s for s in self.statuses if s.code == code]
        if not items:
            hits = self._nearest(vector, expanded)
            return self._abstain(question, hits, f"The documents do not mention {code}.")
        item = max(items, key=lambda s: s.date)
        citations: list[Citation] = []
        sentences = []
        listed = self._passage_with(item.doc, paragraph=item.code)
        if listed is not None:
            citations.append(self._passage_citation(listed, 1.0, quote=listed.text))
            responsible = f" Responsible: {item.responsible}." if item.responsible else ""
            sentences.append(f"{item.code}: “{item.text}”.{responsible} [1]")
        if item.evidence:
            passage = self._passage_quoting(item.doc, item.evidence)
            if passage is not None:
                citations.append(self._passage_citation(passage, 1.0, quote=item.evidence))
                sentences.append(
                    f"Status: {item.status or 'not stated'} — “{item.evidence}” [{len(citations)}]"
                )
        if item.consolidated_into:
            passage = self._passage_quoting(item.doc, item.consolidation_evidence)
            if passage is not None:
                citations.append(self._passage_citation(passage, 1.0, quote=item.consolidation_evidence))
                sentences.append(f"“{item.consolidation_evidence}” [{len(citations)}]")
        absorbed = [s for s in self.statuses if s.consolidated_into == code and s.consolidation_evidence]
        if absorbed:
            sentence = absorbed[0].consolidation_evidence
            passage = self._passage_quoting(absorbed[0].doc, sentence)
            if passage is not None and all(c.item_id != passage.id or c.quote != sentence for c in citations):
                citations.append(self._passage_citation(passage, 1.0, quote=sentence))
                sentences.append(f"“{sentence}” [{len(citations)}]")
        row_ids = []
        if item.link:
            row_id = next((i for i, r in self.rows.items() if r.id == item.link), None)
            if row_id is not None:
                row_ids.append(row_id)
                citations.append(self._row_citation(row_id, item.link_score or 0.0))
                row = self.rows[row_id]
                sentences.append(
                    f"Likely plan row (word overlap {item.link_score:.2f}): “{row.action}” — "
                    f"{_fields_text(row, ('owner', 'when', 'priority'))} [{len(citations)}]."
                )
        return Answer(
            question,
            "\n".join(sentences),
            citations,
            False,
            "gcap",
            {"gcap": code, "rows": row_ids, "fields": ("owner", "when")},
        )

    def _passages(
        self,
        question: str,
        vector,
        expanded: str,
        focus: str | None = None,
        focus_vector: np.ndarray | None = None,
    ) -> Answer:
        """Quoted sentences of the best passages. `focus` (a follow-up's own words) weighs the
        sentences when the search ran on more than the question."""
        docs = self._documents_named(expanded)
        hits = self._nearest(vector, expanded, docs)
        if docs and (not hits or max(h.dense for h in hits) < ANSWER_MIN):
            hits = self._nearest(vector, expanded)  # the hint led nowhere: search everything
        if not hits or self._unanswerable(question, hits, expanded):
            return self._abstain(question, hits)
        if docs:  # "the 2025 update" chose the documents: it is not what the answer is about
            focus = re.sub(
                r"\b(?:20\d\d|updates?|status|draft)\b", " ", focus or expanded, flags=re.IGNORECASE
            )
        terms = self._weights(focus or expanded) or self._weights(expanded)
        scored = []
        if focus_vector is not None:  # a follow-up: its own words decide among the hits
            own = self.generation.vectors_of([h.item.id for h in hits]) @ focus_vector
            order = np.argsort(-(np.array([h.dense for h in hits]) + own), kind="stable")
            hits = [hits[i] for i in order]
        for rank, hit in enumerate(hits[:3]):
            if hit.item.kind == "action":
                scored.append((hit.dense + 0.5 - 0.1 * rank, rank, 0, hit, None))
                continue
            for position, sentence in enumerate(split_sentences(hit.item.text)):
                # the section heading counts half: "Short-term objective (...)" is what its text is
                own = _overlap(sentence, terms)
                overlap = own + 0.5 * (_overlap(f"{hit.item.section} {sentence}", terms) - own)
                scored.append(
                    (overlap + hit.dense - 0.15 * rank - 0.02 * position, rank, position, hit, sentence)
                )
        scored.sort(key=lambda t: -t[0])
        best = scored[0][0]
        chosen = [s for s in scored if s[0] >= best * 0.75][:MAX_SENTENCES]
        # best passage first; within a passage, its sentences in reading order
        best_of = {}
        for score, _, _, hit, _ in chosen:
            best_of[hit.item.id] = max(best_of.get(hit.item.id, score), score)
        chosen.sort(key=lambda t: (-best_of[t[3].item.id], t[1], t[2]))
        if _wants_number(question) and not any(
            re.search(r"\d", sentence or hit.item.text) for _, _, _, hit, sentence in chosen
        ):
            return self._abstain(question, hits)  # "how many ...?" and no figure in the answer
        citations: list[Citation] = []
        pieces: list[tuple[int, str]] = []  # (citation index, quoted text)
        last_position: dict[int, int] = {}
        for _, _, position, hit, sentence in chosen:
            if hit.item.kind == "action":
                row = self.rows[hit.item.id]
                citations.append(self._row_citation(hit.item.id, hit.dense))
                pieces.append((len(citations), f"“{row.action}” ({_fields_text(row, ('owner', 'when'))})"))
                continue
            index = next((i for i, c in enumerate(citations, 1) if c.item_id == hit.item.id), None)
            if index is None:
                citations.append(self._passage_citation(hit.item, hit.dense, quote=sentence))
                pieces.append((len(citations), sentence))
            else:  # another sentence of a passage already cited: one quote, one marker
                # "…" marks sentences left out between two quoted ones
                gap = " " if position == last_position[hit.item.id] + 1 else " … "
                citations[index - 1] = replace(
                    citations[index - 1], quote=f"{citations[index - 1].quote}{gap}{sentence}"
                )
                pieces = [(i, f"{text}{gap}{sentence}" if i == index else text) for i, text in pieces]
            last_position[hit.item.id] = position
        text = " ".join(f"{quote} [{n}]" for n, quote in pieces)
        return Answer(
            question,
            text,
            citations,
            False,
            "passage",
            {"passages": [c.item_id for c in citations], "query": expanded},
        )

    def _follow_up(self, question: str, intent: Intent, previous: Answer) -> Answer:
        subject = previous.subject
        if subject.get("gcap") and intent.route != "field":
            return self._gcap(question, subject["gcap"], None, question)
        if subject.get("rows"):
            fields = intent.fields or ("owner", "when", "priority", "kpi")
            if re.search(r"\belse\b|\bwho\b", question, re.IGNORECASE) and "owner" not in fields:
                fields = ("owner", *fields)
            answer = self._row_answer(question, subject["rows"][:MAX_LIST], fields, 1.0)
            answer.route = "follow-up"
            return answer
        combined = f"{subject.get('query', previous.question)} {question}"
        expanded = expand(combined, self.acronyms)
        vectors = self.embedder.encode([expanded, expand(question, self.acronyms)])
        answer = self._passages(question, vectors[0], expanded, focus=question, focus_vector=vectors[1])
        answer.route = "follow-up"
        return answer

    # ------------------------------------------------------------ abstention

    def _nearest(self, vector, expanded: str, docs: tuple[str, ...] | None = None) -> list[Hit]:
        return self._search(expanded, vector, _focus(expanded), k=5, kinds=("passage", "action"), docs=docs)

    def _search(
        self,
        expanded: str,
        vector,
        keywords: str,
        k: int,
        kinds: tuple[str, ...],
        docs: tuple[str, ...] | None = None,
    ) -> list[Hit]:
        """Hybrid search of this generation, hits read from the items held in memory."""
        return search(
            self.generation,
            self.embedder,
            expanded,
            k=k,
            kinds=kinds,
            docs=docs,
            vector=vector,
            keywords=keywords,
            lookup=self.items_by_id,
        )

    def _documents_named(self, question: str) -> tuple[str, ...] | None:
        """Documents a question points at: "the 2025 update" means the status updates of 2025."""
        kinds = []
        if re.search(r"\bupdates?\b", question, re.IGNORECASE):
            kinds.append("status update")
        if re.search(r"\bdraft (?:action )?plan\b", question, re.IGNORECASE) and not kinds:
            kinds.append("plan")
        if not kinds:
            return None
        years = re.findall(r"\b(20\d\d)\b", question)
        docs = tuple(
            d.doc
            for d in self.documents
            if d.kind in kinds and (not years or any(d.date.startswith(y) for y in years))
        )
        return docs or None

    def _unanswerable(self, question: str, hits: list[Hit], expanded: str) -> bool:
        """Nothing answers when even the best passage is far from the question in meaning and
        in words (questions naming what the documents never mention are refused earlier)."""
        best = max(h.dense for h in hits)
        if best < ANSWER_MIN:
            return True
        weights = self._weights(expanded)
        coverage = max(_overlap(h.item.search_text or h.item.text, weights) for h in hits)
        return coverage < COVERAGE_MIN and best < COVERAGE_DENSE

    def _unknown_terms(self, question: str) -> list[str]:
        """Words (and years) of the question that no indexed item uses in any form."""
        unknown = []
        for term in content_terms(question):
            if term in _ROUTING_WORDS or term in _PRONOUNS or (term.isdigit() and len(term) != 4):
                continue
            if not all(self._known(part) for part in re.split(r"[-/]", term) if part):
                unknown.append(term)
        return unknown

    def _known(self, word: str) -> bool:
        singular = word[:-1] if word.endswith("s") and len(word) > 3 else word
        if self.generation.document_frequencies({word, singular}):
            return True
        if word.isdigit() or len(word) < 4:
            return False
        return self.generation.has_prefix(stem(word))

    def _abstain(self, question: str, hits: list[Hit], lead: str | None = None) -> Answer:
        closest = [h for h in hits if h.item.kind in ("passage", "action")][:3]
        citations = [
            self._row_citation(h.item.id, h.dense)
            if h.item.kind == "action"
            else self._passage_citation(h.item, h.dense)
            for h in closest
        ]
        text = lead or "This is not in these documents."
        if citations:
            text += (
                " The closest passages are " + ", ".join(f"[{n}]" for n in range(1, len(citations) + 1)) + "."
            )
        return Answer(question, text, citations, True, "abstain", {})

    # ------------------------------------------------------------ helpers

    def _leans_on_previous(self, question: str, intent: Intent) -> bool:
        if not intent.follow_up or intent.route in ("gcap", "list"):
            return False
        own = [t for t in content_terms(question) if t not in _ROUTING_WORDS and t not in _PRONOUNS]
        return len(own) <= 1

    def _weights(self, text: str) -> dict[str, float]:
        """Inverse document frequency of the text's terms ("self-assessment" counts as its parts)."""
        terms = _parts(t for t in content_terms(text) if t not in _QUESTION_WORDS)
        frequencies = self.generation.document_frequencies(terms)
        # a word the index holds only in other forms ("fund": "funding") weighs as a rare one
        return {
            t: math.log(1 + self.total / (1 + frequencies.get(t, 1)))
            for t in terms
            if t in frequencies or self._known(t)
        }

    def _status_for(self, row: ActionRow) -> StatusItem | None:
        if not row.gcap:
            return None
        matching = [s for s in self.statuses if s.code == row.gcap]
        return max(matching, key=lambda s: s.date) if matching else None

    def _status_citation(self, status: StatusItem, score: float) -> Citation | None:
        sentence = status.evidence or status.text
        passage = self._passage_quoting(status.doc, sentence) or self._passage_with(status.doc, status.code)
        return None if passage is None else self._passage_citation(passage, score, quote=sentence)

    def _passage_with(self, doc: str, paragraph: str) -> Item | None:
        return next((p for p in self.passages.values() if p.doc == doc and p.paragraph == paragraph), None)

    def _passage_quoting(self, doc: str, sentence: str) -> Item | None:
        probe = re.sub(r"\s+", " ", sentence).strip()[:80]
        return next((p for p in self.passages.values() if p.doc == doc and probe and probe in p.text), None)

    def _passage_citation(self, item: Item, score: float, quote: str = "") -> Citation:
        return Citation(
            "passage",
            item.doc,
            self.titles.get(item.doc, item.doc),
            item.page,
            item.section,
            item.text,
            float(score),
            item.paragraph,
            item.id,
            quote,
        )

    def _row_citation(self, row_id: int, score: float) -> Citation:
        item, row = self.row_items[row_id], self.rows[row_id]
        return Citation(
            "action",
            item.doc,
            self.titles.get(item.doc, item.doc),
            item.page,
            item.section,
            row.action,
            float(score),
            item.paragraph,
            item.id,
            row.action,
            row,
        )


def _is_name(value: str) -> bool:
    """Bodies and teams worth recognising in a question: not 'TBD', 'All', 'None' or prose."""
    return value not in ("TBD", "All", "None") and len(value.split()) <= 3 and not value.islower()


def _focus(question: str) -> str:
    """The words of a question that say what it is about (for keyword search)."""
    terms = [t for t in content_terms(question) if t not in _QUESTION_WORDS]
    return " ".join(terms) or question


def _parts(terms) -> list[str]:
    return list(dict.fromkeys(part for term in terms for part in re.split(r"[-/]", term) if part))


def stem(term: str) -> str:
    """A light stem: "funding" and "fund", "delivered" and "deliver" meet."""
    for suffix in _SUFFIXES:
        if term.endswith(suffix) and len(term) - len(suffix) >= 4:
            return term[: -len(suffix)]
    return term


def _relevance(hit: Hit, weights: dict[str, float]) -> float:
    """Meaning and words together: the cosine plus the share of the question's words present."""
    return hit.dense + _overlap(hit.item.search_text or hit.item.text, weights)


def _wants_number(question: str) -> bool:
    return bool(re.search(r"\bhow (?:many|much)\b", question, re.IGNORECASE))


def _overlap(sentence: str, weights: dict[str, float]) -> float:
    """Share of the question's (idf-weighted) terms that the sentence uses, in any form."""
    if not weights:
        return 0.0
    present = {stem(t) for t in _parts(content_terms(sentence))}
    return sum(w for t, w in weights.items() if stem(t) in present) / sum(weights.values())


def _fields_text(row: ActionRow, fields: tuple[str, ...]) -> str:
    """The asked fields of a row, named explicitly, as the table gives them."""
    fields = fields or ("owner", "when")
    parts = []
    if "owner" in fields:
        parts.append(f"body in charge: {', '.join(row.body_in_charge) or 'not given in the table'}")
        parts.append(f"responsible team: {', '.join(row.responsible_team) or 'not given in the table'}")
    if "when" in fields:
        parts.append(f"timeframe: {row.timeframe or 'not given in the table'}")
    if "priority" in fields:
        parts.append(f"priority: {row.priority or 'not given in the table'}")
    if "kpi" in fields:
        parts.append(f"KPI: {row.kpi or 'not given in the table'}")
    if "status" in fields:
        status = f"{row.status} ({row.gcap}, likely match)" if row.status else "no status in the updates"
        parts.append(f"status: {status}")
    return "; ".join(parts)


def _describe(where) -> str:
    parts = []
    for name, label in (
        ("body", "body in charge"),
        ("team", "responsible team"),
        ("priority", "priority"),
        ("so", "strategic objective"),
        ("section", "section"),
        ("status", "status"),
        ("due_after", "due from"),
        ("due_before", "due before"),
        ("text", "about"),
    ):
        value = getattr(where, name)
        if value:
            parts.append(f"{label} {value}")
    return ", ".join(parts) or "the question"
