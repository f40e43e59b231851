"""The evaluation harness: our answers against a question set with known evidence and facts,
split once into dev (for tuning) and test (for reporting), next to two naive baselines run on
the same questions (fixed-size chunks ranked by dense similarity, and by BM25).
"""

from __future__ import annotations

import json
import math
import random
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..answer import Answer, Citation
from ..config import REPO_ROOT
from ..engine import Assistant
from ..ingest.documents import discover, load_document
from ..words import unspaced

DEFAULT_QUESTIONS = REPO_ROOT / "eval" / "questions.jsonl"
NAIVE_CHUNK, NAIVE_OVERLAP, NAIVE_K = 1000, 200, 4
SPLITS = ("dev", "test")
SEED = 20261123  # the questions asked before others, as eval/merge_sets.py split them


@dataclass
class Question:
    id: str
    kind: str
    question: str
    answerable: bool
    rows: list[int]
    quotes: list[str]
    facts: list[str]
    history: list[str] = field(default_factory=list)
    split: str = "dev"
    source: str = ""
    style: list[str] = field(default_factory=list)

    @property
    def other_language(self) -> bool:
        return self.kind == "other-language"

    @property
    def scored_as_answerable(self) -> bool:
        """Answerable from the documents (a question in another language is told to ask in English)."""
        return self.answerable and not self.other_language


@dataclass
class Outcome:
    question: Question
    answer: Answer
    hit1: bool
    hit3: bool
    correct: bool
    seconds: float


def load_questions(path: Path = DEFAULT_QUESTIONS, split: str | None = None) -> list[Question]:
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            question = Question(
                id=data["id"],
                kind=data["kind"],
                question=data["question"],
                answerable=data["answerable"],
                rows=data["evidence"]["rows"],
                quotes=data["evidence"]["quotes"],
                facts=data["facts"],
                history=data.get("history", []),
                split=data.get("split", "dev"),
                source=data.get("source", ""),
                style=data.get("style", []),
            )
            if split in (None, "all", question.split):
                questions.append(question)
    return questions


def _cites_evidence(citation: Citation, question: Question) -> bool:
    if citation.kind == "action" and citation.row is not None and citation.row.row in question.rows:
        return True
    return any(unspaced(quote) in unspaced(citation.text) for quote in question.quotes)


def _correct(question: Question, answer: Answer) -> bool:
    """Right when it abstains on what the documents do not say, and otherwise says every fact
    and rests on the right rows: all of them for a list, one of them for any other question."""
    if question.other_language:
        return answer.route == "language"
    if not question.answerable:
        return answer.abstained
    if answer.abstained:
        return False
    text = unspaced(answer.text)
    if not all(unspaced(fact) in text for fact in question.facts):
        return False
    cited = [c.row.row for c in answer.citations if c.row is not None]
    if question.kind == "list":
        return set(cited) == set(question.rows)
    if question.rows and question.kind in ("owner", "when", "priority", "kpi"):
        return bool(cited) and cited[0] in question.rows
    if question.rows:
        return any(row in question.rows for row in cited)
    return True


def run(assistant: Assistant, questions: list[Question]) -> list[Outcome]:
    """Ask every question (after its history, if any) and judge the answer."""
    outcomes = []
    for question in questions:
        history: list[Answer] = []
        for previous in question.history:
            history.append(assistant.ask(previous, history))
        started = time.perf_counter()
        answer = assistant.ask(question.question, history)
        seconds = time.perf_counter() - started
        top = answer.citations[:3] if not answer.abstained else []
        outcomes.append(
            Outcome(
                question,
                answer,
                hit1=bool(top) and _cites_evidence(top[0], question),
                hit3=any(_cites_evidence(c, question) for c in top),
                correct=_correct(question, answer),
                seconds=seconds,
            )
        )
    return outcomes


def worse_after_another(assistant: Assistant, outcomes: list[Outcome], seed: int = SEED) -> float:
    """The share of questions of their own (no history) answered right alone and wrong when
    asked after another question of the set, picked at random: a delegate asks one question
    after another, and a question that only looks like a follow-up ("everything that was due
    in December 2023?") must not be read against the previous answer."""
    alone = [o for o in outcomes if not o.question.history and not o.question.other_language]
    if len(alone) < 2:
        return 0.0
    rng = random.Random(seed)
    worse = 0
    for outcome in alone:
        before = rng.choice([o for o in alone if o is not outcome])
        again = assistant.ask(outcome.question.question, [before.answer])
        worse += outcome.correct and not _correct(outcome.question, again)
    return worse / len(alone)


def figures_of(outcomes: list[Outcome]) -> dict:
    """The figures `assistant eval` prints for one split."""
    answerable = [o for o in outcomes if o.question.scored_as_answerable]
    unanswerable = [o for o in outcomes if not o.question.answerable]
    other = [o for o in outcomes if o.question.other_language]
    abstained = [o for o in outcomes if o.answer.abstained and not o.question.other_language]
    evidenced = [o for o in answerable if o.question.rows or o.question.quotes]

    def share(part, whole) -> float:
        return sum(part) / len(whole) if whole else 1.0

    return {
        "questions": len(outcomes),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "hit@1": share((o.hit1 for o in evidenced), evidenced),
        "hit@3": share((o.hit3 for o in evidenced), evidenced),
        "answer accuracy": share((o.correct for o in answerable), answerable),
        "abstention precision": share((not o.question.answerable for o in abstained), abstained),
        "abstention recall": share((o.answer.abstained for o in unanswerable), unanswerable),
        "answerable abstained": share((o.answer.abstained for o in answerable), answerable),
        "other language named": share((o.correct for o in other), other),
        "median ask ms": statistics.median(o.seconds for o in outcomes) * 1000 if outcomes else 0.0,
    }


class _Chunks:
    """What a RAG demo indexes: 1000-character chunks with 200 overlapping, no structure."""

    def __init__(self, corpus_dir: Path):
        self.chunks: list[str] = []
        step = NAIVE_CHUNK - NAIVE_OVERLAP
        for path in discover(corpus_dir):
            try:
                text = "\n".join(page.text for page in load_document(path).pages)
            except Exception:  # the baseline skips what it cannot read, as a demo would
                continue
            self.chunks += [
                text[i : i + NAIVE_CHUNK] for i in range(0, max(len(text) - NAIVE_OVERLAP, 1), step)
            ]


class NaiveBaseline(_Chunks):
    """Chunks ranked by the same model's cosine, top 4 (LangChain's default retriever)."""

    def __init__(self, corpus_dir: Path, embedder):
        super().__init__(corpus_dir)
        self.embedder = embedder
        self.vectors = embedder.encode(self.chunks)

    def top(self, question: str, k: int = NAIVE_K) -> list[str]:
        scores = self.vectors @ self.embedder.encode([question])[0]
        return [self.chunks[i] for i in np.argsort(-scores, kind="stable")[:k]]


class BM25Baseline(_Chunks):
    """Chunks ranked by Okapi BM25 (k1 1.5, b 0.75) over their words, top 4."""

    def __init__(self, corpus_dir: Path, k1: float = 1.5, b: float = 0.75):
        super().__init__(corpus_dir)
        self.k1, self.b = k1, b
        self.counts = [Counter(_terms(chunk)) for chunk in self.chunks]
        self.lengths = [sum(c.values()) for c in self.counts]
        self.average = sum(self.lengths) / max(len(self.lengths), 1)
        frequency = Counter(term for c in self.counts for term in c)
        n = len(self.chunks)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}

    def top(self, question: str, k: int = NAIVE_K) -> list[str]:
        terms = _terms(question)
        scores = []
        for counts, length in zip(self.counts, self.lengths, strict=True):
            norm = self.k1 * (1 - self.b + self.b * length / self.average)
            scores.append(
                sum(
                    self.idf.get(t, 0.0) * counts[t] * (self.k1 + 1) / (counts[t] + norm)
                    for t in terms
                    if t in counts
                )
            )
        return [self.chunks[i] for i in np.argsort(-np.array(scores), kind="stable")[:k]]


def _terms(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def baseline_hits(baseline, questions: list[Question], row_texts: dict[int, str]) -> tuple[float, float]:
    """Whether a baseline's first (any of its first three) chunks hold the evidence."""
    hit1 = hit3 = 0
    evidenced = [q for q in questions if q.scored_as_answerable and (q.rows or q.quotes)]
    for question in evidenced:
        quotes = [*question.quotes, *(row_texts[r][:60] for r in question.rows if r in row_texts)]
        chunks = baseline.top(" ".join([*question.history, question.question]))
        found = [any(unspaced(q) in unspaced(chunk) for q in quotes) for chunk in chunks]
        hit1 += found[0]
        hit3 += any(found[:3])
    return (hit1 / len(evidenced), hit3 / len(evidenced)) if evidenced else (0.0, 0.0)


def report(
    assistant: Assistant, questions: list[Question], baseline: bool = True
) -> tuple[dict[str, dict], list[Outcome]]:
    """The figures `assistant eval` prints, per split ("dev", "test", then any other a file
    names, such as "held-out") and for the test questions written in delegates' words, with
    the baselines' retrieval next to ours."""
    outcomes = run(assistant, questions)
    splits = dict.fromkeys([*SPLITS, *(o.question.split for o in outcomes)])
    groups = {name: [o for o in outcomes if o.question.split == name] for name in splits}
    groups["test, delegates' words"] = [
        o for o in groups["test"] if o.question.source.startswith("delegates")
    ]
    groups = {name: group for name, group in groups.items() if group}
    figures = {name: figures_of(group) for name, group in groups.items()}
    for name, group in groups.items():
        figures[name]["worse after another"] = worse_after_another(assistant, group)
    if baseline:
        rows = {r.row: r.action for r in assistant.actions() if r.doc.startswith("green-customs-action-plan")}
        naive = NaiveBaseline(assistant.corpus_dir, assistant.embedder)
        bm25 = BM25Baseline(assistant.corpus_dir)
        for name, group in groups.items():
            asked = [o.question for o in group]
            figures[name]["naive dense hit@1"], figures[name]["naive dense hit@3"] = baseline_hits(
                naive, asked, rows
            )
            figures[name]["naive BM25 hit@1"], figures[name]["naive BM25 hit@3"] = baseline_hits(
                bm25, asked, rows
            )
    return figures, outcomes
