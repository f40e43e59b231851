"""Is passage choice limited by its weights or by its signals? Run on dev only.

For every dev question answered from a passage (a quote as its evidence, no follow-up), the
five passages the answerer searches are labelled by whether they hold the quote. Printed:
how often the right passage is among the five, how often the answerer's relevance puts it
first, and how often a ranker learned on the other dev questions (logistic regression,
left-one-out) does: over the signals available when a question is asked (the passage's
similarity, its words' coverage, keyword score, rank, its best sentence's coverage, its
section's coverage, the log of its length), and with each sentence's own similarity to the
question too (which needs every candidate sentence embedded).

    .venv/bin/python eval/passage_ranking.py
"""

from __future__ import annotations

import re

import numpy as np
from sklearn.linear_model import LogisticRegression

from assistant.answer.routes import LENGTH_SHARE, RANK_STEP, relevance_of
from assistant.config import get_settings
from assistant.engine import Assistant
from assistant.ingest.text import split_sentences
from assistant.tooling.evaluation import load_questions
from assistant.words import keys_of

SIGNALS = ["dense", "coverage", "keyword", "rank", "best sentence coverage", "section", "log length"]
SENTENCES = "best sentence dense"  # the signal that needs every candidate sentence embedded


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def main() -> None:
    assistant = Assistant(get_settings())
    answerer, embedder = assistant.answerer(), assistant.embedder
    groups, current, asked = [], 0, 0
    for question in load_questions(split="dev"):
        if not (question.scored_as_answerable and question.quotes and not question.history):
            continue
        asked += 1
        reading = answerer.read(question.question)
        hits = [h for h in answerer._nearest(reading) if h.item.kind == "passage"][:5]
        quotes = [_flat(q)[:60] for q in question.quotes]
        right = np.array([any(q in _flat(h.item.text) for q in quotes) for h in hits], dtype=float)
        if not right.any():
            continue
        relevance = relevance_of(reading, hits)
        scores = [
            relevance(h) - RANK_STEP * i + LENGTH_SHARE * np.log(max(len(h.item.text.split()), 1))
            for i, h in enumerate(hits)
        ]
        current += right[int(np.argmax(scores))]
        top = max((h.keyword or 0.0) for h in hits) or 1.0
        sentences = [split_sentences(h.item.text) for h in hits]
        similarity = embedder.encode([s for group in sentences for s in group]) @ reading.vector
        rows, start = [], 0
        for rank, (hit, group) in enumerate(zip(hits, sentences, strict=True)):
            own = similarity[start : start + len(group)]
            start += len(group)
            rows.append(
                [
                    hit.dense,
                    reading.coverage(keys_of(hit.item.search_text or hit.item.text)),
                    (hit.keyword or 0.0) / top,
                    -rank,
                    max(reading.coverage(keys_of(s)) for s in group),
                    reading.coverage(keys_of(hit.item.section or "")),
                    float(np.log(max(len(hit.item.text.split()), 1))),
                    float(own.max()),
                ]
            )
        features = np.asarray(rows)
        groups.append((features - features.max(axis=0), right))  # each against the best of its five

    print(f"dev questions answered from a passage: {asked}; right one in the five searched: {len(groups)}")
    print(f"first by the answerer's relevance: {current:.0f}")
    cheap = [(f[:, : len(SIGNALS)], r) for f, r in groups]
    for name, data, names in (
        ("at question time", cheap, SIGNALS),
        ("with " + SENTENCES, groups, [*SIGNALS, SENTENCES]),
    ):
        learned = 0
        for i, (features, right) in enumerate(data):
            rest = data[:i] + data[i + 1 :]
            model = LogisticRegression(max_iter=1000).fit(
                np.vstack([f for f, _ in rest]), np.concatenate([r for _, r in rest])
            )
            learned += right[int(np.argmax(model.decision_function(features)))]
        everything = LogisticRegression(max_iter=1000).fit(
            np.vstack([f for f, _ in data]), np.concatenate([r for _, r in data])
        )
        weights = ", ".join(f"{n} {w:+.2f}" for n, w in zip(names, everything.coef_[0], strict=True))
        print(f"learned left-one-out, {name}: {learned:.0f} ({weights})")


if __name__ == "__main__":
    main()
