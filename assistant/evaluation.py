"""The evaluation harness: our answers against a question set with known evidence and facts,
next to a naive baseline (fixed-size chunks, dense search only) in the same run."""

from __future__ import annotations

import json
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .answer import Answer, Citation
from .config import REPO_ROOT
from .documents import discover, load_document
from .engine import Assistant

DEFAULT_QUESTIONS = REPO_ROOT / "eval" / "questions.jsonl"
NAIVE_CHUNK, NAIVE_OVERLAP, NAIVE_K = 1000, 200, 4


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


@dataclass
class Outcome:
    question: Question
    answer: Answer
    hit1: bool
    hit3: bool
    correct: bool
    seconds: float


def load_questions(path: Path = DEFAULT_QUESTIONS) -> list[Question]:
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            questions.append(
                Question(
                    id=data["id"],
                    kind=data["kind"],
                    question=data["question"],
                    answerable=data["answerable"],
                    rows=data["evidence"]["rows"],
                    quotes=data["evidence"]["quotes"],
                    facts=data["facts"],
                    history=data.get("history", []),
                )
            )
    return questions


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def _cites_evidence(citation: Citation, question: Question) -> bool:
    if citation.kind == "action" and citation.row is not None and citation.row.row in question.rows:
        return True
    return any(_flat(quote) in _flat(citation.text) for quote in question.quotes)


def _correct(question: Question, answer: Answer) -> bool:
    if not question.answerable:
        return answer.abstained
    if answer.abstained:
        return False
    text = _flat(answer.text)
    if not all(_flat(fact) in text for fact in question.facts):
        return False
    if question.kind == "list":
        cited = {c.row.row for c in answer.citations if c.row is not None}
        return cited == set(question.rows)
    return True


def run(assistant: Assistant, questions: list[Question]) -> list[Outcome]:
    """Ask every question (after its history, if any) and judge the answer."""
    outcomes = []
    for question in questions:
        history = [assistant.ask(previous) for previous in question.history]
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


class NaiveBaseline:
    """What a RAG demo does: 1000-character chunks (200 overlap), dense search only, top 4."""

    def __init__(self, corpus_dir: Path, embedder):
        self.embedder = embedder
        self.chunks: list[str] = []
        for path in discover(corpus_dir):
            try:
                text = "\n".join(page.text for page in load_document(path).pages)
            except Exception:  # the baseline skips what it cannot read, as a demo would
                continue
            step = NAIVE_CHUNK - NAIVE_OVERLAP
            self.chunks += [
                text[i : i + NAIVE_CHUNK] for i in range(0, max(len(text) - NAIVE_OVERLAP, 1), step)
            ]
        self.vectors = embedder.encode(self.chunks)

    def top(self, question: str, k: int = NAIVE_K) -> list[str]:
        scores = self.vectors @ self.embedder.encode([question])[0]
        return [self.chunks[i] for i in np.argsort(-scores)[:k]]


def baseline_hits(baseline: NaiveBaseline, questions: list[Question], row_texts: dict[int, str]):
    hit1 = hit3 = 0
    answerable = [q for q in questions if q.answerable]
    for question in answerable:
        quotes = [*question.quotes, *(row_texts[r][:60] for r in question.rows if r in row_texts)]
        chunks = baseline.top(" ".join([*question.history, question.question]))
        found = [any(_flat(q) in _flat(chunk) for q in quotes) for chunk in chunks]
        hit1 += found[0]
        hit3 += any(found[:3])
    return hit1 / len(answerable), hit3 / len(answerable)


def report(
    assistant: Assistant, questions: list[Question], baseline: bool = True
) -> tuple[dict, list[Outcome]]:
    """The figures `assistant eval` prints."""
    outcomes = run(assistant, questions)
    answerable = [o for o in outcomes if o.question.answerable]
    unanswerable = [o for o in outcomes if not o.question.answerable]
    abstained = [o for o in outcomes if o.answer.abstained]
    figures = {
        "questions": len(outcomes),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "hit@1": sum(o.hit1 for o in answerable) / len(answerable),
        "hit@3": sum(o.hit3 for o in answerable) / len(answerable),
        "answer accuracy": sum(o.correct for o in answerable) / len(answerable),
        "abstention precision": (
            sum(not o.question.answerable for o in abstained) / len(abstained) if abstained else 1.0
        ),
        "abstention recall": (
            sum(o.answer.abstained for o in unanswerable) / len(unanswerable) if unanswerable else 1.0
        ),
        "answerable abstained": sum(o.answer.abstained for o in answerable) / len(answerable),
        "median ask ms": statistics.median(o.seconds for o in outcomes) * 1000,
    }
    if baseline:
        rows = {r.row: r.action for r in assistant.actions() if r.doc.startswith("green-customs-action-plan")}
        naive = NaiveBaseline(assistant.corpus_dir, assistant.embedder)
        figures["naive hit@1"], figures["naive hit@3"] = baseline_hits(naive, questions, rows)
    return figures, outcomes
