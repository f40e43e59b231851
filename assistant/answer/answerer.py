"""Answering a question from one index generation: read it, pick the kind of answer it asks
for, build that answer from the documents, then decide on the evidence whether it stands."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace

from ..index.embedding import Embedder
from ..index.storage import Generation
from ..ingest.acronyms import expand
from ..ingest.actions import ActionFilter
from ..ingest.status import status_word
from ..ingest.timeframes import PERIOD_NAMES
from ..words import TOKEN, fold, keys_of
from . import language
from .abstention import Calibration
from .lexicon import NEIGHBOURS
from .library import Library
from .precedents import WEIGHT as PRECEDENT_WEIGHT
from .precedents import Precedents
from .reading import (
    DATED_DOCUMENT,
    PLAIN_ROUTE,
    REFERRING,
    REFERS,
    UPDATE,
    Reader,
    Reading,
    Word,
    asks_meaning,
)
from .rendering import Answer
from .router import FIELDS, Router
from .routes import (
    MAX_LIST,
    NOT_A_COLUMN,
    abstain,
    acronym_answer,
    as_role,
    best_row_and_passage,
    candidates,
    checked,
    describe,
    evidence_of,
    gcap_answer,
    list_answer,
    list_rows,
    passage_answer,
    row_answer,
    status_list_answer,
    wanted_kind,
    with_unmatched_deliveries,
)
from .search import RRF_K, Hit

# How far the router's belief that a row's field is asked moves the choice between a row and
# a passage of equal relevance, per unit of its log-odds (tuned on dev): a question surely asking
# for an owner or a date is answered by a row unless a passage is much closer to it.
FIELD_LEAN = 0.1
SURE_LIST = 0.8  # a list route believed less than this gives way when it finds no row
HITS = 12  # passages and rows searched for each question
ROW_MIN = 0.25  # a row this far from the question in meaning is never its answer
ALIKE = 0.15  # rows this close in meaning to the best, using all of a short topic, answer alike
ALL = 0.99  # a text's coverage of a question's topic words that counts as using every one
TERSE = 3  # words a question naming nothing may have and still lean on the previous answer
_ABOUT = re.compile(
    r"\b(?:about|on|concerning|regarding|related to|relating to|dealing with|in the area of)\s+(.+)$",
    re.IGNORECASE,
)
RARE_WORD = 1.0  # a topic word this rare, absent from a document a question names, is not in it
CONTEXT_WEIGHT = 1.0  # the rows just discussed lean as far as an identical labelled question
# a yes/no question about one thing: not "is there any ...", "are there ...", "can you list ..."
_ASKS_WHETHER = re.compile(
    r"^\W*(?:is|are|was|were|does|do|did|has|have|will)\b(?!\s+(?:there|you)\b)(?!.*\bany)", re.IGNORECASE
)
_ITEMS = re.compile(r"\bGCAPs?\b|\bitems?\b", re.IGNORECASE)
# what the table's rows are called: a word naming what is listed, not what it is about
_ROWS_NAME = re.compile(r"(?:actions?|items?|tasks?|activit(?:y|ies)|entr(?:y|ies)|rows?|things?)$")
# a question narrowing the list just given: "which of those", "and only ...", "what about ..."
_NARROWS = re.compile(
    r"\b(?:those|these|them|of which|the ones|which ones)\b|"
    r"^\W*(?:and|also|only|just|what about|how about)\b",
    re.IGNORECASE,
)
# "which of those", "which ones": the list just given, asked which of its rows are about something
_OF_THOSE = re.compile(r"\b(?:of|among)\s+(?:those|these|them)\b|\bwhich ones\b|\bthe ones\b", re.IGNORECASE)
_PARALLEL = re.compile(r"^\W*(?:and\s+)?(?:what|how) about\b", re.IGNORECASE)
# "who is in charge of the first one?": a row just listed, by its place in the list
_ORDINAL = re.compile(
    r"\b(?:the\s+)?(first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th)\s+(?:one|action|row|item)\b",
    re.IGNORECASE,
)
_PLACES = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3}
_PLACES |= {"fifth": 4, "5th": 4, "last": -1}
_IDENTITY = frozenset("what who is are was were the a an s".split())  # "what's the PTC?"
_DRAFT = re.compile(r"\bdraft (?:action )?plan\b", re.IGNORECASE)


class Answerer:
    """Answers questions from one index generation."""

    def __init__(self, generation: Generation, embedder: Embedder):
        self.lib = Library(generation, embedder)
        self.embedder = embedder
        self.router = Router(getattr(embedder, "fingerprint", None))
        self.reader = Reader(
            self.lib.lexicon,
            self.router,
            self.lib.bodies,
            self.lib.teams,
            self.lib.categories,
            self.lib.acronyms,
            self.lib.initials,
        )
        self.calibration = Calibration(fingerprint=getattr(embedder, "fingerprint", None))
        self.precedents = Precedents.load(
            self.lib.items_by_id, getattr(embedder, "fingerprint", None), twins=self.lib.twins
        )

    # the library's contents, for the engine and the tests
    @property
    def acronyms(self) -> dict[str, str]:
        return self.lib.acronyms

    @property
    def items_by_id(self):
        return self.lib.items_by_id

    # ------------------------------------------------------------ entry point

    def ask(self, question: str, history: Sequence[Answer] = ()) -> Answer:
        question = question.strip()
        if name := language.detect(question, lambda word: self.lib.lexicon.knows(fold(word))):
            return Answer(
                question,
                f"This question looks like {name}. The documents, and the answers quoted from them, "
                "are in English: please ask in English.",
                [],
                True,
                "language",
                {},
            )
        reading = self.read(question)
        previous = next((a for a in reversed(history) if a.subject), None)
        if previous is not None and self._leans_on_previous(reading, previous):
            return self._follow_up(reading, previous)
        if previous is not None and reading.follow_up and (cited := _cited(previous)):
            reading.precedent = reading.precedent.with_context(cited, CONTEXT_WEIGHT)
        if previous is None and self._refers_to_nothing(reading):
            return Answer(
                question,
                "This question refers to something said before (“it”, “that one”), but nothing was "
                "asked before it in this conversation: please name the action, GCAP item or "
                "document it is about.",
                [],
                True,
                "clarify",
                {},
            )
        return self._answer(reading)

    @staticmethod
    def _refers_to_nothing(reading: Reading) -> bool:
        """ "and when is it due?" opening a conversation: a referring word and nothing else
        that says what it is about (no topic word, filter, item, row or acronym)."""
        return (
            bool(REFERS.search(reading.question))
            and all(w.text in REFERRING for w in reading.topic)
            and reading.where == ActionFilter()
            and not reading.gcap
            and reading.row is None
            and not reading.acronym
        )

    def read(self, question: str) -> Reading:
        """The question's words bridged to the index's, its route, filters and embedding."""
        words, text, need = self.reader.words(question)
        expanded = expand(text, self.lib.acronyms)
        if spelled := [self.lib.initials[w.text.upper()] for w in words if w.how == "initials"]:
            expanded = f"{expanded} ({'; '.join(spelled)})"  # embedded with its phrase, like an acronym
        # a body or team by its long name is routed as by its code (one more text to embed)
        coded = self.reader.codes_for_names(text)
        vectors = self.embedder.encode([expanded, *need, *([coded] if coded != text else [])])
        neighbours = {}
        if need:
            nearest = self.lib.generation.nearest_terms(vectors[1 : 1 + len(need)], NEIGHBOURS)
            neighbours = {w: self.lib.lexicon.neighbours(n) for w, n in zip(need, nearest, strict=True)}
        words = self.reader.with_neighbours(words, neighbours)
        route_vector = vectors[-1] if coded != text else None
        reading = self.reader.read(question, words, text, vectors[0], expanded, route_vector, coded)
        reading.precedent = self.precedents.nearest(reading.vector)
        return reading

    # ------------------------------------------------------------ routes

    def _answer(self, reading: Reading) -> Answer:
        answer = as_role(reading, checked(reading, self._route(reading), self.lib))
        if answer.subject:
            answer.subject.setdefault("query", reading.text)
        return answer

    def _route(self, reading: Reading) -> Answer:
        question = reading.question
        hits = self._nearest(reading)
        if reading.gcap:
            draft = gcap_answer(self.lib, question, reading.gcap, reading)
            if draft is None:
                return abstain(question, hits, f"The documents do not mention {reading.gcap}.", self.lib)
            return self._decide(reading, draft, hits)
        if reading.row is not None:  # "who owns action 14?": that row, whichever document has one
            ids = [i for i, r in self.lib.rows.items() if r.row == reading.row]
            if not ids:
                return abstain(question, hits, f"The action table has no row {reading.row}.", self.lib)
            return row_answer(self.lib, question, ids, reading.asked_fields, 1.0)
        # "what does the TTA team do?" asks for its rows, though the documents never spell TTA out
        if self._names_rows_only(reading) and (listed := self._list(reading)) is not None:
            return self._chosen_or_decided(reading, listed, hits)
        if reading.acronym and (reading.route == "acronym" or reading.spell_out):
            return acronym_answer(self.lib, question, reading.acronym, hits)
        status = status_word(reading.text)
        # "which items are delivered?", "what has been delivered, according to the 2025 update?"
        if (
            status
            and (_ITEMS.search(reading.text) or UPDATE.search(reading.text))
            and reading.routes["status"] + reading.routes["list"] >= 0.4
        ):
            return status_list_answer(self.lib, question, status) or abstain(
                question, hits, f"The updates list no item as {status}.", self.lib
            )
        # "Is the DEMETER operation due in 2024?" asks about one action, not for 2024's
        if (
            reading.route == "list"
            and not _ASKS_WHETHER.search(reading.question)
            and (listed := self._list(reading)) is not None
        ):
            return self._chosen_or_decided(reading, listed, hits)
        draft = self._field_or_passage(reading, hits)
        return self._decide(reading, self._card_for_listing(reading, draft) or draft, hits)

    def _chosen_or_decided(self, reading: Reading, listed: Answer, hits: list[Hit]) -> Answer:
        """Rows chosen by a filter (a body, a priority, dates) are the answer; rows chosen by
        their words alone are evidence, weighed like any other answer, and so are rows a
        question asking for something no row has a column for chooses by a filter ("which
        country will host the April 2024 workshop?", "who chairs the Policy Commission?")."""
        if reading.where != ActionFilter() and wanted_kind(reading) not in NOT_A_COLUMN:
            return listed
        return self._decide(reading, listed, hits)

    def _card_for_listing(self, reading: Reading, draft: Answer) -> Answer | None:
        """A passage answer led by a GCAP item's own listing ("the return/refill packaging
        guidelines in the 2025 update") is that item's card: the listing, who is responsible,
        its status and its likely row, as if the question had named its code."""
        if draft.route != "passage" or not draft.citations:
            return None
        lead = self.lib.items_by_id.get(draft.citations[0].item_id)
        if lead is None or not any(s.code == lead.paragraph and s.doc == lead.doc for s in self.lib.statuses):
            return None
        return gcap_answer(self.lib, reading.question, lead.paragraph, reading)

    def _decide(self, reading: Reading, draft: Answer, hits: list[Hit], own: Reading | None = None) -> Answer:
        """The calibrated decision: the draft answer stands, or the documents do not answer (a
        draft that already says so, "the 2025 update does not mention ...", stands as it is).
        A follow-up read with the previous turn is compared with the labelled questions by its
        `own` words too: "what is the committee asked to do with it?" after "did the PTC
        endorse the Baku Declaration?" is not the unanswered question its context is near."""
        if draft.abstained:
            return draft
        vectors = (reading.vector, own.vector) if own is not None else (reading.vector,)
        evidence = replace(evidence_of(reading, draft, self.lib), **self.calibration.neighbours(*vectors))
        answers, probability = self.calibration.answers(evidence)
        answer = draft if answers else abstain(reading.question, hits, None, self.lib)
        answer.confidence, answer.evidence = probability, evidence
        return answer

    def _field_or_passage(self, reading: Reading, hits: list[Hit], focus: Reading | None = None) -> Answer:
        """A row's fields or quoted passages, whichever the evidence (and the router) favours."""
        docs = self._documents_named(reading.text)
        rows = candidates([h for h in hits if h.item.kind == "action"], reading, 3)
        if docs and (absent := self._unmentioned_in(reading, docs)):
            named = " and ".join(self.lib.titles.get(d, d) for d in docs)
            lead = f"“{named}” does not mention {', '.join(absent)}."
            return abstain(reading.question, hits, lead, self.lib)
        if docs:  # "the 2025 update": passages of that document only, and its rows if it has any
            rows = [r for r in rows if r.item.doc in docs]
            hits = (
                self.lib.search(reading.text, reading.vector, reading.keyword_terms(), 5, ("passage",), docs)
                or hits
            )
        passages = candidates([h for h in hits if h.item.kind == "passage"], reading, 3)
        (row, row_score), (_, passage_score) = best_row_and_passage(reading, rows, passages)
        # a kind of thing no column holds (a payer, a country, a person) is in a row's words if
        # anywhere, as in a passage's: the router's lean to a field ("who ...?") counts for nothing
        lean = (
            FIELD_LEAN * _log_odds(reading.field_share) if wanted_kind(reading) not in NOT_A_COLUMN else 0.0
        )
        if row is not None and row.dense >= ROW_MIN and row_score + lean >= passage_score:
            alike = self._rows_alike(reading, row)
            if len(alike) > 1:  # "the KPIs for waste": a topic several rows share, not one action
                topic = [w.text for w in reading.topic]
                return list_answer(
                    self.lib, reading.question, alike, describe(ActionFilter(), topic), reading.fields
                )
            return row_answer(self.lib, reading.question, [row.item.id], reading.asked_fields, row.dense)
        return passage_answer(self.lib, reading, hits, focus, focus.vector if focus is not None else None)

    def _unmentioned_in(self, reading: Reading, docs: tuple[str, ...]) -> list[str]:
        """The rarer topic words (weight RARE_WORD or more) the documents use elsewhere but the
        named ones never do: "any news on the Enforcement Handbook in the 2025 update?"."""
        used = frozenset().union(*(self.lib.keys_in(d) for d in docs))
        return [
            w.text
            for w in reading.topic
            if w.matches and not w.common and w.weight >= RARE_WORD and not set(w.keys) & used
        ]

    def _rows_alike(self, reading: Reading, best: Hit) -> list[int]:
        """Rows that answer a field question as well as the best one: all of its topic, and
        about as close in meaning. One row when the question names one action."""
        best_coverage = reading.coverage(keys_of(best.item.search_text or best.item.text))
        if best_coverage < ALL or len(reading.topic) > 2:
            return [best.item.id]
        if not reading.topic:  # "when are things due?": no action named, so every one
            return list_rows(self.lib, ActionFilter())
        ids = [
            i
            for i, item in self.lib.row_items.items()
            if reading.coverage(keys_of(item.search_text or item.text)) >= ALL
        ]
        dense = self.lib.generation.vectors_of(ids) @ reading.vector
        close = [i for i, d in zip(ids, dense, strict=True) if d >= best.dense - ALIKE]
        return sorted(close, key=lambda i: (self.lib.rows[i].doc, self.lib.rows[i].row)) or [best.item.id]

    def _names_rows_only(self, reading: Reading) -> bool:
        """A question naming a body or a team and nothing else the index knows ("what is CBD
        working on?", "what does the Enforcement Committee own?") asks for its rows, whatever
        field the router leans to: no one action is its subject."""
        where = reading.where
        codes = [c for c in (where.body, where.team, where.involved) if c]
        # nor does a filter with no topic word beside it but the rows' own name: "list the high
        # priority actions", "all the priority A items"
        only_a_filter = where != ActionFilter() and all(_ROWS_NAME.match(w.text) for w in reading.topic)
        # "when was the plan adopted by the Council?" is about an event the router reads as prose
        if not (codes or only_a_filter) or reading.routes["passage"] >= 0.5 or asks_meaning(reading.question):
            return False
        if not codes:  # no topic word, so none beyond the filters either
            return True
        if self._beyond_filters(reading, where):
            return False
        # "what is the PTC?", "who is CBD?" ask what it is, not what it does
        rest = self.reader.codes_for_names(reading.text)
        for code in codes:
            rest = re.sub(rf"\b{re.escape(code)}\b", " ", rest)
        return any(fold(t) not in _IDENTITY for t in TOKEN.findall(rest))

    def _list(self, reading: Reading) -> Answer | None:
        """Every row a list question selects, by its filters and its topic words. A list that
        finds nothing, by topic alone or on the router's weak belief, is no list: the question
        is answered another way."""
        where = reading.where
        topic = self._list_topic(reading, where)
        if where == ActionFilter() and not topic.topic:
            return None
        ids = list_rows(self.lib, where, topic if topic.topic else None)
        if len(sides := self._sides(reading, topic)) > 1:  # "on ODS and the Montreal Protocol": either
            either = {i for side in sides for i in list_rows(self.lib, where, side)}
            ids = [i for i in list_rows(self.lib, where) if i in either]
        if docs := self._documents_named(reading.text):  # "in the 2025 update": its rows, if it has any
            ids = [i for i in ids if self.lib.rows[i].doc in docs]
        if not ids and where.status and where == ActionFilter(status=where.status) and not topic.topic:
            # "which actions are complete?": no row is linked to a delivered item, but the
            # updates list the items they call delivered
            if (listed := status_list_answer(self.lib, reading.question, where.status)) is not None:
                return listed
        if not ids and (where == ActionFilter() or reading.routes["list"] < SURE_LIST):
            return None
        described = describe(where, [w.text for w in topic.topic])
        fields = tuple(f for f in reading.fields if f in FIELDS)
        listed = list_answer(self.lib, reading.question, ids, described, fields)
        return with_unmatched_deliveries(self.lib, listed) if reading.overdue else listed

    def _list_topic(self, reading: Reading, where: ActionFilter) -> Reading:
        """The words of a list question that say what its rows must be about: those the index
        knows, not already spent on a filter (a body, a team, a section's title, a date). Next
        to a filter, only words the question ties to the rows ("about waste", "on plastics")."""
        if where != ActionFilter():
            tied = _ABOUT.search(reading.question)
            if not tied:
                return Reading(reading.question, reading.text, [], reading.routes)
            reading = replace(reading, words=[w for w in reading.words if w.text in fold(tied.group(1))])
        kept = self._beyond_filters(reading, where)
        # only the words that narrow: those in fewer than half the rows
        rows = len(self.lib.rows) or 1
        kept = [w for w in kept if self._rows_using(w) < rows / 2]
        return Reading(reading.question, reading.text, kept, reading.routes)

    @staticmethod
    def _sides(reading: Reading, topic: Reading) -> list[Reading]:
        """The topics a list question joins with "and" or "or" after "about" / "on" ("on ozone
        depleting substances and the Montreal Protocol"), each with its own topic words: rows
        about either are the list. One side, or none, when it joins nothing."""
        tied = _ABOUT.search(reading.question)
        if not tied or not topic.topic:
            return []
        sides = []
        for part in re.split(r"\band\b|\bor\b|&|/|,", fold(tied.group(1))):
            words = [w for w in topic.topic if re.search(rf"\b{re.escape(w.text)}\b", part)]
            if words:
                sides.append(Reading(reading.question, reading.text, words, reading.routes))
        return sides

    def _beyond_filters(self, reading: Reading, where: ActionFilter) -> list[Word]:
        """The topic words the index knows that no filter spent (a body, a team, a section's
        title, a date): what a question asks about beyond the rows its filters choose."""
        spent = " ".join(str(v) for v in where.__dict__.values() if v).lower()
        for code in (where.body, where.team, where.involved):  # "the Enforcement Committee"
            spent += " " + " ".join(self.reader.names_of(code, reading.text)).lower() if code else ""
        for name, value, title in self.lib.categories:
            if getattr(where, name) == value:
                spent += " " + title.lower()
        # "in the green customs plan" names where the rows are, not what they are about
        spent += " " + " ".join(self.lib.document_names.findall(reading.question)).lower()
        spent_words = self.reader.words(spent)[0]
        spent_keys = {k for w in spent_words for k in w.keys} | {w.text for w in spent_words}
        kept: list[Word] = []
        for word in reading.topic:
            if word.text in spent_keys or set(word.keys) & spent_keys or word.name and word.text.isdigit():
                continue
            if not word.matches:
                continue
            if word.text in PERIOD_NAMES:
                continue
            kept.append(word)
        return kept

    def _rows_using(self, word: Word) -> int:
        return sum(
            any(k in keys_of(item.search_text or item.text) for k in word.keys)
            for item in self.lib.row_items.values()
        )

    # ------------------------------------------------------------ follow-ups

    def _leans_on_previous(self, reading: Reading, previous: Answer) -> bool:
        """A follow-up names little of its own ("and when is it due?", "what about its KPI?"),
        or is a few words that name nothing at all ("by when?", "who?"). A question that picks
        actions by a body, team, priority or date of its own ("everything that was due in
        December 2023?") names its own subject, unless it narrows the list just given ("which of
        those are priority A?", "and only the CBD's?")."""
        if self._narrows(reading, previous):
            return True
        if _ORDINAL.search(reading.question) and len(previous.subject.get("rows", ())) > 1:
            return True  # "the first one": a row of the list just given
        if reading.routes.get("list", 0.0) >= PLAIN_ROUTE and reading.where != ActionFilter():
            return False
        if reading.acronym and reading.spell_out:  # "TTA = ?", "what does CCF stand for": its own subject
            return False
        terse = not reading.topic and len(TOKEN.findall(reading.question)) <= TERSE
        own = [w for w in reading.topic if w.text not in REFERRING]  # "the workshop one": one word
        return (reading.follow_up or terse) and not reading.gcap and len(own) <= 2

    def _narrowed(self, reading: Reading, ids: list[int], among: bool = True) -> Answer:
        """The rows of a list just given that pass the question's filter, and use its topic
        words when it asks which of them do ("which of those are for the Sida project?"), said
        to be among those (`among`): none of CBC's seven is priority A, but eleven others are."""
        topic = self._words_asked_of_them(reading)
        chosen = set(list_rows(self.lib, reading.where, topic if topic is not None and topic.topic else None))
        kept = [i for i in ids if i in chosen]
        described = describe(reading.where, [w.text for w in topic.topic] if topic is not None else [])
        if among:
            described += f" among the {len(ids)} just listed"
        return list_answer(self.lib, reading.question, kept, described, reading.fields)

    def _narrows(self, reading: Reading, previous: Answer) -> bool:
        """A filter of the list just given ("which of those are led by the Policy Commission?"),
        or words its rows must use, asked of them ("which of those are for the Sida project?")."""
        if len(previous.subject.get("rows", ())) <= 1:
            return False
        if reading.where != ActionFilter():
            return bool(_NARROWS.search(reading.question))
        topic = self._words_asked_of_them(reading)
        return topic is not None and bool(topic.topic)

    def _words_asked_of_them(self, reading: Reading) -> Reading | None:
        """The topic words a question asks of the rows just listed ("which of those are for
        the Sida project?"), without the words pointing at them; None when it asks no such thing."""
        if not _OF_THOSE.search(reading.question):
            return None
        topic = self._list_topic(reading, reading.where)
        return replace(topic, words=[w for w in topic.words if w.text not in REFERRING])

    def _follow_up(self, reading: Reading, previous: Answer) -> Answer:
        subject = previous.subject
        question = reading.question
        if self._narrows(reading, previous):
            narrowed = self._narrowed(reading, subject["rows"])
            # "what about Facilitation?" after TTA's rows asks the same of another team, when
            # none of those rows is Facilitation's: a question of its own, not an empty list
            if narrowed.abstained and _PARALLEL.search(question):
                ids = list_rows(self.lib, reading.where)
                return _following(self._narrowed(reading, ids, among=False), previous)
            return _following(narrowed, previous)
        # a field of the rows just given, or a filter of them (its dates are its filter's)
        dates_only = all(w.text.isdigit() or w.text in PERIOD_NAMES for w in reading.topic)
        if subject.get("rows") and dates_only:
            ids = subject["rows"][:MAX_LIST]
            where = reading.where
            if subject.get("gcap") and reading.field_share < 0.5:
                answer = gcap_answer(self.lib, question, subject["gcap"])
            elif len(ids) > 1 and where != ActionFilter():  # "priority A?"
                answer = self._narrowed(reading, ids)
            else:
                fields = reading.fields
                if re.search(r"\belse\b|\bwho\b", question, re.IGNORECASE) and "owner" not in fields:
                    fields = ("owner", *fields)
                answer = row_answer(self.lib, question, ids, fields, 1.0)
            if answer is not None:
                return _following(answer, previous)
        if (picked := self._picked(reading, subject.get("rows", ()))) is not None:
            # "the regional workshop one, when was it?": one of the rows just listed, by its words
            return _following(row_answer(self.lib, question, [picked], reading.fields, 1.0), previous)
        if subject.get("gcap"):  # more about the item just given: its sentence closest to the question
            answer = gcap_answer(self.lib, question, subject["gcap"], reading)
            if answer is not None:
                return _following(answer, previous)
        # its own words, read together with what the previous turn was about; what it asks
        # for (a date, a place) is in its own words
        combined = self.read(f"{subject.get('query', previous.question)} {question}")
        combined.routes, combined.question = reading.routes, question
        hits = self._nearest(combined)
        draft = self._field_or_passage(combined, hits, focus=reading)
        draft.question = question
        answer = self._decide(combined, draft, hits, own=reading)
        if not answer.abstained:
            answer.route = "follow-up"
        return answer

    def _picked(self, reading: Reading, ids: Sequence[int]) -> int | None:
        """The one row of a list just given that a follow-up points at: by its place ("the
        first one") or as the only one using every topic word of the follow-up."""
        if len(ids) < 2:
            return None
        if place := _ORDINAL.search(reading.question):
            n = _PLACES[place.group(1).lower()]
            return ids[n] if n < len(ids) else None
        if not reading.topic:
            return None
        items = self.lib.row_items
        covering = [i for i in ids if reading.coverage(keys_of(items[i].search_text or items[i].text)) >= ALL]
        return covering[0] if len(covering) == 1 else None

    # ------------------------------------------------------------ helpers

    def _nearest(self, reading: Reading) -> list[Hit]:
        """The passages and rows nearest the question (one search serves every route), with
        those its precedent names: found or not, they rank as if one more retriever put them
        first, in proportion to the precedent's strength."""
        hits = self.lib.search(
            reading.text, reading.vector, reading.keyword_terms(), HITS, ("passage", "action")
        )
        precedent = reading.precedent
        if not precedent.named:
            return hits
        found = {h.item.id for h in hits}
        extra = sorted(precedent.named - found)
        if extra:
            cosines = self.lib.generation.vectors_of(extra) @ reading.vector
            items = self.lib.items_by_id
            hits += [Hit(items[i], 0.0, float(c), None) for i, c in zip(extra, cosines, strict=True)]
        lift = PRECEDENT_WEIGHT / (RRF_K + 1)
        return sorted(hits, key=lambda h: -(h.score + lift * precedent.of(h.item.id)))

    def _documents_named(self, text: str) -> tuple[str, ...] | None:
        """Documents a question points at: "the 2025 update" means the status updates of 2025."""
        kinds = []
        if UPDATE.search(text):
            kinds.append("status update")
        if _DRAFT.search(text) and not kinds:
            kinds.append("plan")
        if not kinds and not DATED_DOCUMENT.search(text):  # "the 2025 document": any kind of that year
            return None
        years = re.findall(r"\b(20\d\d)\b", text)
        docs = tuple(
            d.doc
            for d in self.lib.documents
            if (not kinds or d.kind in kinds) and (not years or any(d.date.startswith(y) for y in years))
        )
        return docs or None


def _cited(previous: Answer) -> frozenset[int]:
    """The rows and passages a turn was about, for the question pointing back at them."""
    subject = previous.subject
    return frozenset(subject.get("rows", ())[:MAX_LIST]) | frozenset(subject.get("passages", ()))


def _following(answer: Answer, previous: Answer) -> Answer:
    """An answer given as a follow-up, about what the previous turn was about."""
    answer.route = "follow-up"
    answer.subject.setdefault("query", previous.subject.get("query", previous.question))
    return answer


def _log_odds(p: float) -> float:
    p = min(max(p, 1e-3), 1 - 1e-3)
    return math.log(p / (1 - p))
