"""Reading a question: its words bridged to the index's, what it asks (the router), which
filters it names (bodies, teams, priorities, objectives, sections by code or by title, dates,
statuses, a GCAP item), whether it leans on the previous turn, and its language."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import numpy as np
from rapidfuzz import distance

from ..ingest.acronyms import defined_in, named_by_initials
from ..ingest.actions import NOT_ASSIGNED, ActionFilter
from ..ingest.status import status_word
from ..ingest.timeframes import PERIOD, PERIOD_NAMES, parse_timeframe
from ..words import STOPWORDS, TOKEN, fold, key
from .lexicon import Lexicon, english_correction, english_words, slip_of
from .names import is_country
from .precedents import NONE, Precedent
from .router import FIELDS, ROUTES, Router, example_words

ASKED = 0.15  # a field (a route) the router gives at least this is one the question asks for
CLIPPED_FIELD = 4  # letters a clipped word needs to stand for a field's word ("del" is not "delivered")
PLAIN_ROUTE = 0.5  # a route the router gives at least this is how the question asks
_GCAP = re.compile(r"\bGCAP\s*(?:[-‐‑–]|item|action|no\.?|number|#)?\s*(\d{1,3})\b", re.IGNORECASE)
# "priority A", "A-priority", "priority ?" (a question mark after "priority" ends a question);
# not the article of "have a priority letter"
_PRIORITY = re.compile(
    r"\bpriority[- ]?([AB])(?![\w])|\b((?-i:[AB]))[- ]priority\b|\bpriority\s(\?)(?=\s+\w)|"
    r"\bpriority\s+(?:of\s+)?['‘\"“](\?)['’\"”]",  # "priority '?' items": the "?" quoted
    re.IGNORECASE,
)
# the plan's priority scale, top to bottom: A, B, and "?" for not yet decided
_PRIORITY_WORDS = (
    (re.compile(r"\b(?:top|highest|high|first|most (?:important|urgent))\b", re.IGNORECASE), "A"),
    (re.compile(r"\b(?:lowest|low|second|less (?:important|urgent))\b", re.IGNORECASE), "B"),
    (
        re.compile(
            r"\bundecided\b|\bquestion mark\b|\bunprioriti[sz]ed\b|"
            # a negation a few words before: "no priority", "not yet decided", "dont have a
            # priority", "haven't been given one"
            r"\b(?:no|not|never|without|(?:do|does|did|have|has|is|are|was|were)n[’']?t)\b"
            r"(?:\s+\w+){0,3}?\s+(?:priority|prioriti[sz]ed|decided|set|assigned|given)\b",
            re.IGNORECASE,
        ),
        "?",
    ),
)
# "row 14", "action 14", "action no. 14": the table's own numbering, as citations label rows
# (not "action item 14", the updates' GCAP numbering, nor "14 actions")
_ROW = re.compile(
    r"\b(?:row|action)\s*(?:no\.?|number|#)?\s*(\d{1,3})\b(?!\s*(?:actions?|items?)\b)", re.IGNORECASE
)
_UNASSIGNED = re.compile(
    r"\bno(?:body| one|-one)? (?:owner|body|one in charge|lead)\b|\bnot (?:yet )?assigned\b|\bunassigned\b|"
    r"\bnobody (?:is )?in charge\b|"
    r"\b(?:without|(?:do|does)(?: not|n[’']t) have) (?:an? )?(?:owner|body in charge|lead)\b|"
    # "the body-in-charge column left blank", "an empty owner cell"
    r"\b(?:owner|body[- ]in[- ]charge|lead)(?: (?:column|cell|field|box))?(?: (?:is|are|was|were|left|"
    r"still|simply|just))* (?:blank|empty|missing|unfilled)\b|"
    r"\b(?:blank|empty|unfilled) (?:owner|body[- ]in[- ]charge|lead)\b",
    re.IGNORECASE,
)
_SO = re.compile(r"\b(SO\s?[1-4]|ORG)\b")
_SECTION = re.compile(r"\bSP\s?([1-9])\b", re.IGNORECASE)
# cues that a question asks for an abbreviation spelled out: these say so whatever else the
# question mentions ("what does CBD stand for in the action table")...
# ("what is the full name of ICCWC", "CAP = ?", and "mean" said of an abbreviation: "what
# does CCF mean")
_SPELL_OUT = (
    r"\bstands? for\b|\bshort for\b|\babbreviat|\bacronym\b|\bspelled out\b|\bfull (?:name|form)\b|"
    r"\bdo(?:es)?\s+(?:the\s+)?(?-i:[A-Z][A-Z0-9&]+)s?\s+mean\b|=\s*\?|"
    # a message closing on what an abbreviation is ("... for the AP region — what is CCF?";
    # not "... what is the KPI?", which asks for the thing), or opening on one and asking who
    # or what it is ("BBA — who are they?")
    r"\b(?:what|who)(?:'s|\s+(?:is|are|was|were))\s+(?-i:[A-Z][A-Z0-9&]{1,6})s?\W*$|"
    r"^\W*(?-i:[A-Z][A-Z0-9&]{1,6})s?\s*[—–:-]+\s*(?:what|who)\b"
)
# ...these point at which abbreviation is meant ("what does CCF mean", "ITA = ?")
_ACRONYM_CUE = re.compile(rf"{_SPELL_OUT}|\bstand|\bacronym|\bmean|=|\bfull (?:name|form)", re.IGNORECASE)
_SPACED_CODE = re.compile(r"\b([A-Za-z]{2,6})\s+(\d{1,4})\b")
# texting: "KPI 4 the wildlife op" (not "GCAP 4 the ...", "row 4 the ...": a number there)
_TEXTED_FOR = re.compile(
    r"(?<![\w-])(?!(?:gcap|row|action|item|no|number|sp|so|cop|phase|part|annex)\s)([a-z]+)\s+4"
    r"(?=\s+(?:the|a|an|this|that|these|those|it|its|my|our|your|each|all|every|me|us)\b)",
    re.IGNORECASE,
)
_HALF = re.compile(r"\b(first|second|1st|2nd) half of (20\d\d)\b", re.IGNORECASE)
_BEFORE = re.compile(rf"\b(?:before|earlier than|prior to)\s+({PERIOD})\b", re.IGNORECASE)
# "by June 2024", "until the end of 2023": the period named is included
_BY = re.compile(
    rf"\b(?:(?:by|until|till|no later than)\s+(?:the end of\s+)?|(?:the )?end of\s+)({PERIOD})\b",
    re.IGNORECASE,
)
_AFTER = re.compile(rf"\b(?:after|from|since|beyond)\s+({PERIOD})\b", re.IGNORECASE)
_DURING = re.compile(
    rf"\b(?:in|during|for|due|slated for|planned for|scheduled for|within|deadline(?: of| in| is)?)\s+"
    rf"({PERIOD})\b|\b({PERIOD})\s+(?:as\s+(?:(?:the|their|its|a)\s+)?)?(?:deadline|due date|timeframe|date)",
    re.IGNORECASE,
)
_OPENS_ON = "and|also|what about|how about"  # "and when is it due?", "what about its KPI?"
_POINTS_BACK = "it|its|they|them|those|these|the same|that one|this one"
# a follow-up: opening on the previous turn, or a word pointing at it ("this", "that", "else"
# may, though "this plan" and "that session" name their own subject)
_FOLLOW_UP = re.compile(
    rf"^\s*(?:{_OPENS_ON}|same for)\b|\b(?:{_POINTS_BACK}|that|this|else)\b", re.IGNORECASE
)
# "that" opening a relative clause points at nothing said before: a noun, "that", then a verb
# ("every action that mentions X", "the items that are delivered"), not "is that due?"
_RELATIVE_THAT = re.compile(
    r"\b(?!(?:is|are|was|were|about|on|for|of|with|to|in|do|does|did|at|by|from|like|and|or)\b)"
    r"[a-z]+\s+that\s+(?:is|are|was|were|has|have|had|will|would|can|could|should|must|still|"
    r"also|[a-z]+s)\b",
    re.IGNORECASE,
)
# a question that can only be about the previous turn, whatever else it says
REFERS = re.compile(rf"^\W*(?:{_OPENS_ON})\b|\b(?:{_POINTS_BACK})\b", re.IGNORECASE)
# "the 2025 update", "the status update": a document, not the update of a handbook
UPDATE = re.compile(
    r"\b20\d\d\s+(?:status\s+)?update\b|\bstatus update\b|\bupdate (?:of|from|in) 20\d\d\b|"
    r"\blatest update\b|\bprogress report\b",
    re.IGNORECASE,
)
# a yes-or-no question: "is it ...?", "has it been ...?"
_ASKS_IF = re.compile(r"^\W*(?:is|are|was|were|has|have|had|did|does|do)\b", re.IGNORECASE)
# the words that set something aside, or say when, are not what is set aside
_ASIDE_WORDS = {"except", "excluding", "rather", "apart", "instead", "later", "earlier", "first", "last"}
# "the 2025 document": that year's documents, of any kind
DATED_DOCUMENT = re.compile(r"\b20\d\d\s+(?:document|paper|text|version)\b", re.IGNORECASE)
# "in the annex table", "of the GCAP's action table": where to look (the rows), not what about
_THE_TABLE = re.compile(
    r"\b(?:in|from|of|on|under)\s+(?:the|its|this|that)\s+(?:[\w']+\s+){0,2}?(?:table|matrix)\b",
    re.IGNORECASE,
)
# what a question sets aside ("the first version (not the later update)", "apart from the
# definition, what else..."): its words are not what the question is about
_SET_ASIDE = re.compile(
    r"\((?:not|except|excluding)\b[^)]*\)|\b(?:not the|rather than|other than|apart from|except(?: for)?|"
    r"excluding|instead of)\b[^,.;:?!()]*",
    re.IGNORECASE,
)

# "which actions are overdue?", "what's behind schedule": due before today, by the plan's dates
# (not "late 2023", a period; not a "why ... late?", which asks for a reason)
OVERDUE = re.compile(
    r"\b(?:overdue|late(?!\s+\d)|behind schedule|past (?:its|their|the) (?:deadlines?|due dates?)|"
    r"missed (?:its|their|the) deadlines?)\b",
    re.IGNORECASE,
)
WHY = re.compile(r"^\W*(?:why|how come)\b", re.IGNORECASE)  # a question asking for a reason

# words that refer to what was said before: "the regional workshop one", "the same", "who else"
REFERRING = frozenset("it its that this they them those these one ones same else".split())
_ACRONYM = re.compile(r"\b([A-Z][A-Za-z]{0,2}[A-Z]{1,6}s?)\b")


@dataclass(frozen=True)
class Word:
    """One content word of a question and how it reaches the index."""

    text: str  # folded, as asked
    how: str  # "index", "form", "initials", "corrected", "clipped", "neighbour", "frame" or "unknown"
    weight: float  # how much it says what the question is about (0 for frame words)
    matches: tuple[tuple[str, float], ...] = ()  # index words it stands for, with similarity
    name: bool = False  # written as a name, code or number ("Bali", "COP31", "2026")
    corrected: str = ""
    common: bool = False  # in half the items or more, in its forms: ranks nothing in keyword search

    @cached_property  # a word is frozen; scoring asks for its keys once per text it weighs
    def keys(self) -> dict[str, float]:
        """Spelling keys that count as this word in a text, with how much each counts."""
        found: dict[str, float] = {}
        for term, similarity in self.matches:
            found[key(term)] = max(found.get(key(term), 0.0), similarity)
        return found


CLIPPED_SCORE = 0.8  # how surely a clipped word is one of the words it begins
SURE_FIELD = 0.3  # the likeliest field must be this likely for any field to count as asked


@dataclass
class Reading:
    question: str
    text: str  # the question with misspellings corrected: what is embedded and searched
    words: list[Word]
    routes: dict[str, float]
    gcap: str | None = None
    row: int | None = None  # "row 14", "action 14": a row of the action table by its number
    acronym: str | None = None  # an acronym the question asks to spell out
    spell_out: bool = False  # the question says it wants an abbreviation spelled out
    where: ActionFilter = field(default_factory=ActionFilter)
    follow_up: bool = False
    overdue: bool = False  # "which actions are overdue?": due before today, by the plan's dates
    vector: np.ndarray | None = None
    expansions: tuple[str, ...] = ()  # index words of the long forms of the question's acronyms
    precedent: Precedent = NONE  # what the labelled question nearest in meaning was answered by
    _ceiling: float = 1.0  # the weight of a word the index never uses

    @property
    def route(self) -> str:
        return max(self.routes, key=self.routes.get)

    @property
    def fields(self) -> tuple[str, ...]:
        """Row fields the question asks for, likeliest first; the likeliest when it asks none."""
        return self.asked_fields or tuple(sorted(FIELDS, key=lambda f: -self.routes.get(f, 0.0)))[:1]

    @property
    def asked_fields(self) -> tuple[str, ...]:
        """Row fields the question asks for, likeliest first (those the router gives weight):
        none for "what is the wildlife operation about?"."""
        ranked = sorted(FIELDS, key=lambda f: -self.routes.get(f, 0.0))
        if self.asks_if_status:
            return ("status", *(f for f in ranked if f != "status" and self.routes.get(f, 0.0) >= ASKED))
        if self.routes.get(ranked[0], 0.0) < SURE_FIELD:  # "anything on COP28?": no field stands out
            return ()
        return tuple(f for f in ranked if self.routes.get(f, 0.0) >= ASKED)

    @property
    def asks_if_status(self) -> bool:
        """Whether it asks if a state of progress is reached ("is the wildlife operation
        finished?", "has X been delivered yet?"): its status, whatever field the router leans to."""
        return bool(self.where.status) and _ASKS_IF.search(self.question) is not None

    @property
    def field_share(self) -> float:
        """How much the router leans to a row's field over a passage or a list."""
        return sum(self.routes.get(f, 0.0) for f in FIELDS)

    @cached_property
    def set_aside(self) -> frozenset[str]:
        """The keys of the words the question sets aside ("the first version (not the later
        update)": update): a text using one is not what it asks for."""
        spans = [m.group(0) for m in _SET_ASIDE.finditer(self.question)]
        words = {fold(w) for span in spans for w in TOKEN.findall(span)}
        return frozenset(key(w) for w in words - STOPWORDS - _ASIDE_WORDS if len(w) > 2)

    @property
    def topic(self) -> list[Word]:
        """The words that say what the question is about."""
        return [w for w in self.words if w.weight > 0]

    def weights(self) -> dict[str, float]:
        """Spelling key -> weight for scoring a text against the question's topic; a word
        reached only through a neighbour counts with the neighbour's similarity."""
        out: dict[str, float] = {}
        for word in self.topic:
            for k, similarity in word.keys.items():
                out[k] = max(out.get(k, 0.0), word.weight * similarity)
        return out

    def coverage(self, keys: frozenset[str], literal: bool = False, leaving: Collection[str] = ()) -> float:
        """Weighted share of the topic words (but those `leaving` out) a text uses (in any
        form, or, unless `literal`, a stand-in near in meaning); a question with no topic words
        ("how did the plan come about?") leaves nothing uncovered."""
        topic = [w for w in self.topic if w.text not in leaving]
        total = sum(w.weight for w in topic)
        if not total:
            return 1.0
        got = 0.0
        for word in topic:
            if literal and word.how == "neighbour":
                continue
            got += word.weight * max((s for k, s in word.keys.items() if k in keys), default=0.0)
        return got / total

    def rarest_uncovered(self, keys: frozenset[str]) -> float:
        """The weight of the rarest topic word a text does not use, over the largest weight a
        word can have (0: every word used; 1: a word the index never uses is missing)."""
        if not self.topic:
            return 0.0
        ceiling = max(w.weight for w in self.topic) or 1.0
        left = [
            w.weight
            for w in self.topic
            if max((s for k, s in w.keys.items() if k in keys), default=0.0) < 0.5
        ]
        return max(left, default=0.0) / max(ceiling, self._ceiling)

    def unknown_share(self) -> float:
        """Weighted share of the topic the index does not use: a word reached only through a
        word near in meaning counts as known as far as it is near."""
        total = sum(w.weight for w in self.topic)
        known = sum(w.weight * max((s for _, s in w.matches), default=0.0) for w in self.topic)
        return 1 - known / total if total else 0.0

    def missing_names(self) -> list[str]:
        """Names, codes and numbers in the question that the documents never mention."""
        return [w.text for w in self.words if w.name and not w.matches]

    def missing_countries(self) -> list[str]:
        """The missing names that are countries ("kenya", "Malawi")."""
        return [name for name in self.missing_names() if is_country(name)]

    def keyword_terms(self) -> list[str]:
        """The index words to search for: each topic word's forms and stand-ins."""
        terms = []
        for word in self.topic:
            if not word.common:  # "green" is left out, and so are "greening" and "greener"
                terms += [t for t, _ in word.matches]
        return list(dict.fromkeys([*terms, *self.expansions]))


class Reader:
    """Reads questions against one index generation's vocabulary and action table."""

    def __init__(
        self,
        lexicon: Lexicon,
        router: Router,
        bodies: set[str],
        teams: set[str],
        categories,
        acronyms: dict[str, str] | None = None,
        initials: dict[str, str] | None = None,
    ):
        self.lexicon = lexicon
        self.initials = initials or {}  # the documents' phrases by their initials (Library.initials)
        # an acronym the documents spell out counts as the words of its long form too
        self.long_forms = {fold(short): long for short, long in (acronyms or {}).items()}
        self.router = router
        self.bodies = bodies
        self.teams = teams
        self.categories = categories  # (ActionFilter field, value, title): sections, SOs, topics
        # each title's words, but those half the documents use ("Customs") and so name no one
        # section: "the WCO" and "the GCAP", by their long forms, would otherwise name "Foster
        # Customs cooperation"
        self.titles = {
            (name, value): {key(t) for t in re.findall(r"[a-z]+", title.lower()) if not lexicon.common(t)}
            for name, value, title in categories
        }
        self.title_words = set().union(*self.titles.values())
        # bodies and teams by the names the documents spell them out with ("the Research and
        # Policy Unit" is RPU)
        self.spelled = {
            long: short for short, long in (acronyms or {}).items() if short in bodies or short in teams
        }
        # a question's frame: the words its route's examples ask with, never its topic. The
        # passage examples' own words ("who adopted X", "what examples of X") are its topic
        # where the documents use them: a passage is found by what it says was adopted
        fields = example_words(tuple(r for r in ROUTES if r != "passage"))
        asked = example_words(("passage",)) - fields
        self.frame_words = fields | {w for w in asked if not lexicon.knows(w)}
        self.frame = {key(w) for w in self.frame_words}
        # the routes whose examples ask with each frame word: "KPIs" asks for a KPI, but in an
        # owner question ("who's doing the green KPIs?") it is what the question is about
        self.asks_with: dict[str, set[str]] = {}
        for route in ROUTES:
            if route != "passage":
                for w in example_words((route,)):
                    self.asks_with.setdefault(key(w), set()).add(route)

    def words(self, question: str) -> tuple[list[Word], str, list[str]]:
        """The question's content words, its corrected text, and the words that need a
        neighbour in meaning (unknown to the index, not names)."""
        words: list[Word] = []
        # "COP 28" where the documents write "COP28": one word, as they write it
        for spaced in _SPACED_CODE.finditer(question):
            joined = spaced.group(1) + spaced.group(2)
            if self.lexicon.knows(fold(joined)):
                question = question.replace(spaced.group(0), joined, 1)
        question = _TEXTED_FOR.sub(r"\1 for", question)
        text = question
        need: list[str] = []
        first = True
        # and the words naming a document it asks within ("what does the 2025 update say
        # about GCAP-2?"): the document is a filter, not what the question is about
        overdue = () if WHY.search(question) else (OVERDUE,)
        patterns = (_SET_ASIDE, UPDATE, DATED_DOCUMENT, _THE_TABLE, *overdue)
        aside = [m.span() for pattern in patterns for m in pattern.finditer(question)]
        for match in TOKEN.finditer(question):
            token = match.group(0)
            folded = fold(token)
            opening, first = first, False
            if folded in STOPWORDS or (len(folded) < 2 and not folded.isdigit()):
                continue
            if any(start <= match.start() < end for start, end in aside):
                continue
            name = _looks_like_name(token, opening) or is_country(folded)
            parts = [p for p in re.split(r"[-/]", folded) if p]
            if len(parts) == 1 and not self.lexicon.knows(folded):
                parts = self.lexicon.split_compound(folded) or parts
            if (
                len(parts) > 1
                and any(self.lexicon.knows(p) for p in parts)
                and not self.lexicon.knows(folded)
            ):
                # "self-assessment" where the index has self and assessment; "DEMETER-style"
                # where it has demeter: each part is a word of its own
                written = [p for p in re.split(r"[-/]", token) if p]
                if len(written) != len(parts):  # "subdirectorate": two words written as one
                    written = parts
                for part, as_written in zip(parts, written, strict=True):
                    word = self._word(part, name and _looks_like_name(as_written, False))
                    if word.how == "unknown":
                        need.append(part)
                    words.append(word)
                continue
            word = self._word(folded, name)
            if word.how == "unknown" and not name and (meant := _mistyped_stopword(folded)):
                text = text.replace(token, meant, 1)  # "whn is it due": "when", no topic word
                continue
            # a misspelt English word the documents never use ("smugling"): that word, which
            # then finds its neighbours in meaning among the documents' words
            if word.how == "unknown" and not name and (meant := english_correction(folded)):
                text = text.replace(token, meant, 1)
                folded, word = meant, self._word(meant, name)
            if word.corrected:
                text = text.replace(token, word.corrected, 1)
            if word.how == "unknown" and not name:
                need.append(folded)
            words.append(word)
        return words, text, need

    def _word(self, folded: str, name: bool) -> Word:
        lexicon = self.lexicon
        if key(folded) in self.frame and (not name or folded in self.frame_words):
            return Word(folded, "frame", 0.0, tuple((f, 1.0) for f in lexicon.forms(folded)))
        if lexicon.knows(folded):
            return self._known(folded, name)
        # an abbreviation of the documents' words that they never use ("the waste BPM"): the
        # words of the one phrase it abbreviates
        if name and folded.isalpha() and (phrase := self.initials.get(folded.upper())):
            if forms := self._forms_of(phrase):
                weight = max(lexicon.weight(fold(t)) for t in TOKEN.findall(phrase) if lexicon.knows(fold(t)))
                return Word(folded, "initials", weight, forms, name)
        # a code asked without its number ("the COP side event"): the numbered codes the
        # documents use (COP28, COP29), any of them
        if name and (codes := lexicon.numbered(folded)):
            forms = tuple((f, CLIPPED_SCORE) for c in codes for f in lexicon.forms(c))
            return Word(folded, "clipped", max(lexicon.weight(c) for c in codes), forms, name)
        # a name is never corrected into another ("Bali" is not "Baku"), but a long capitalised
        # word one letter away from the documents' is their word mistyped ("Enforcment")
        if (not name or _typo_of_a_name(folded, lexicon)) and (fixed := lexicon.correct(folded)):
            if key(fixed) in self.frame:
                return Word(fixed, "frame", 0.0, (), corrected=fixed)
            forms = tuple((f, 1.0) for f in lexicon.forms(fixed))
            return Word(
                fixed,
                "corrected",
                lexicon.weight(fixed),
                forms,
                corrected=fixed,
                common=lexicon.common(fixed),
            )
        # "op", "env": a clipped word, read as the index words it begins (less surely than a form)
        if not name and (long := lexicon.clipped(folded)):
            # a field's word clipped ("prio A", "resp team"): that word, as if written whole
            if len(folded) >= CLIPPED_FIELD and (framed := [w for w in long if key(w) in self.frame]):
                whole = max(framed, key=lambda w: (lexicon.docs.get(w, 0), w))
                return Word(whole, "frame", 0.0, (), corrected=whole)
            forms = tuple((f, CLIPPED_SCORE) for w in long for f in lexicon.forms(w))
            return Word(folded, "clipped", max(lexicon.weight(w) for w in long), forms)
        # a name the documents never use weighs as a rare word, however common it is in English
        # ("Secretary General"); another unknown word weighs less the commoner it is
        return Word(folded, "unknown", lexicon.weight(folded, english=not name), (), name)

    def _known(self, folded: str, name: bool) -> Word:
        """A word the index uses, in its forms (and an acronym's, in its long form's words)."""
        lexicon = self.lexicon
        how = "index" if folded in lexicon.docs else "form"
        forms = tuple((f, 1.0) for f in lexicon.forms(folded))
        long_form = self.long_forms.get(folded) or self.long_forms.get(folded.removesuffix("s"))
        if long_form:
            forms += self._forms_of(long_form)
        return Word(folded, how, lexicon.weight(folded), forms, name, common=lexicon.common(folded))

    def _forms_of(self, phrase: str) -> tuple[tuple[str, float], ...]:
        """The index's forms of each word of a phrase (an acronym's long form, the phrase
        a reader's abbreviation stands for)."""
        return tuple((f, 1.0) for t in TOKEN.findall(phrase) for f in self.lexicon.forms(fold(t)))

    def _asked_about(self, word: Word, routes: dict[str, float]) -> Word:
        """In a question plainly asked one way, a frame word of other routes only, that the
        documents use, is what it asks about: "KPIs" in "who's doing the green KPIs?", "plan"
        in "how did the secretariat put the draft plan together?" (but "working" in "what is
        the CBD working on?", which the router reads no one way, stays frame)."""
        asks = self.asks_with.get(key(word.text))
        if word.how != "frame" or not asks or max(routes.get(r, 0.0) for r in asks) >= ASKED:
            return word
        if max(routes.values()) < PLAIN_ROUTE:
            return word
        return self._known(word.text, word.name) if self.lexicon.knows(word.text) else word

    def with_neighbours(
        self, words: list[Word], neighbours: dict[str, list[tuple[str, float]]]
    ) -> list[Word]:
        """Unknown words reached through the index words nearest in meaning."""
        out = []
        for word in words:
            near = neighbours.get(word.text)
            if word.how == "unknown" and near:
                word = Word(word.text, "neighbour", word.weight, tuple(near), word.name)
            out.append(word)
        return out

    def read(
        self,
        question: str,
        words: list[Word],
        text: str,
        vector: np.ndarray | None,
        expanded: str = "",
        coded: np.ndarray | None = None,
        by_codes: str | None = None,
    ) -> Reading:
        """`by_codes`: `codes_for_names(text)`, when the caller has it already; `coded`: its
        embedding, where it differs from the text."""
        # the router and the filters read bodies and teams as the examples write them: by their codes
        by_codes = self.codes_for_names(text) if by_codes is None else by_codes
        routes = self.router.probabilities(by_codes, vector if coded is None else coded)
        extra = expanded[len(text) :]  # "(Standard Operating Procedures)" added for "SOPs"
        expansions = tuple(
            form
            for w in TOKEN.findall(extra)
            if fold(w) not in STOPWORDS and not self.lexicon.common(fold(w))
            for form in self.lexicon.forms(fold(w))
        )
        words = [self._asked_about(w, routes) for w in words]
        reading = Reading(question, expanded or text, words, routes, vector=vector, expansions=expansions)
        reading._ceiling = self.lexicon.weight("\x00")  # a word no item uses
        if gcap := _GCAP.search(text):
            reading.gcap = f"GCAP-{int(gcap.group(1))}"
        elif row := _ROW.search(text):
            reading.row = int(row.group(1))
        reading.acronym = _asked_acronym(question)
        reading.spell_out = re.search(_SPELL_OUT, question, re.IGNORECASE) is not None
        dates = _dates(text)
        if not any(dates.values()) and OVERDUE.search(text) and not WHY.search(question):
            dates["due_before"] = date.today().isoformat()  # the plan's dates that have passed
            reading.overdue = True
        if reading.route == "when" and any(dates.values()) and not _topic_beyond_dates(reading):
            # a question that gives the dates and names nothing else asks what falls in them
            # ("what is due before 2024?"), not when something falls: its "when" is a list
            reading.routes = {**routes, "list": routes["list"] + routes["when"], "when": 0.0}
        reading.where = self.filters(by_codes, reading, dates)
        reading.follow_up = bool(_FOLLOW_UP.search(_RELATIVE_THAT.sub(" ", question)))
        return reading

    def codes_for_names(self, text: str) -> str:
        """The text with each body or team the documents spell out written as its code, and
        each one named by words whose initials spell its code ("the Enforcement Committee")."""
        for long, short in self.spelled.items():
            text = re.sub(rf"(?:\bthe\s+)?\b{re.escape(long)}\b", short, text, flags=re.IGNORECASE)
        for short, long in named_by_initials(text, self.bodies | self.teams).items():
            text = re.sub(rf"(?:\bthe\s+)?\b{re.escape(long)}\b", short, text)
        return text

    def names_of(self, code: str, question: str) -> list[str]:
        """The words that may name a body or team in a question: its code, the long form the
        documents give it, one the question defines in brackets, or words whose initials spell it."""
        return [
            name
            for name in (
                code,
                self.long_forms.get(fold(code), ""),
                defined_in(question).get(code, ""),
                named_by_initials(question, [code]).get(code, ""),
            )
            if name
        ]

    def filters(self, text: str, reading: Reading, dates: dict[str, str | None]) -> ActionFilter:
        """The action-table filters a question names (`text` with bodies and teams by their codes,
        `codes_for_names`, and its `dates`, both read once by `read`)."""
        body = team = involved = None
        asks_team = bool(re.search(r"\bteams?\b|\bunits?\b", text, re.IGNORECASE))
        asks_body = bool(re.search(r"\bbod(?:y|ies)\b|\bin charge\b", text, re.IGNORECASE))
        for name in sorted(self.bodies | self.teams | self.spelled.keys(), key=len, reverse=True):
            # "Facilitation" inside "Procedures and Facilitation Sub-directorate" is not the team
            if not re.search(
                rf"(?<![\w-]){re.escape(name)}(?![\w-])(?!\s+(?:Sub-|Directorate|Programme))",
                text,
                0 if name.isupper() else re.IGNORECASE,
            ):
                continue
            name = self.spelled.get(name, name)
            if name in self.teams and name in self.bodies and not (asks_team or asks_body):
                involved = involved or name  # "what does CBD have a hand in": as either
            elif name in self.teams and (name not in self.bodies or asks_team):
                team = team or name
            else:
                body = body or name
        if _UNASSIGNED.search(text):  # "which actions have no owner?": as the Actions page's filter
            body = NOT_ASSIGNED
        priority = None
        if match := _PRIORITY.search(text):
            priority = next(g for g in match.groups() if g).upper()
        elif re.search(r"\bpriorit", text, re.IGNORECASE):
            priority = next((value for pattern, value in _PRIORITY_WORDS if pattern.search(text)), None)
        so = _SO.search(text)
        section = _SECTION.search(text)
        where = ActionFilter(
            body=body,
            team=team,
            involved=involved,
            priority=priority,
            so=so.group(1).replace(" ", "") if so else None,
            section=f"SP{section.group(1)}" if section else None,
            status=status_word(text),
            **dates,
        )
        if where.so is None and where.section is None and reading.route == "list":
            where = self._category(reading, where)
        return where

    def _category(self, reading: Reading, where: ActionFilter) -> ActionFilter:
        """A section or strategic objective named by its title ("the research part",
        "actions that support revenue collection"), when most of the topic is that title; a
        word that named a body or a team ("the Facilitation team") names nothing else."""
        names = [
            n for v in (where.body, where.team, where.involved) if v for n in self.names_of(v, reading.text)
        ]
        named = {fold(t) for n in names for t in TOKEN.findall(n)}

        def own(w: Word) -> Iterable[str]:  # a stand-in near in meaning names no title; a derived form does
            return (key(w.text),) if w.how == "neighbour" else w.keys

        topic = [
            w
            for w in reading.topic
            if w.matches
            and w.text not in named
            and (w.how != "neighbour" or _names_title(own(w), self.title_words))
        ]
        # a name the documents never use ("COP30 in Belem") is part of what is asked, and no title's
        unknown_names = [w for w in reading.topic if w.name and not w.matches]
        total = sum(w.weight for w in topic + unknown_names)
        if not topic:
            return where
        best, best_share = None, 0.0
        # a topic of the table only when the question names that column ("the waste topic"):
        # "which actions are on waste?" asks for every action about waste, whatever its topic
        topics = re.search(r"\b(?:topic|theme)s?\b", reading.question, re.IGNORECASE) is not None
        for (name, value), title in self.titles.items():
            if name == "topic" and not topics:
                continue
            share = sum(w.weight for w in topic if _names_title(own(w), title)) / total
            # a title two columns share ("Research": section SP4 and a topic): the column named
            if share > best_share or (share == best_share > 0 and name == "topic"):
                best, best_share = (name, value), share
        if best is None or best_share < 0.5:
            return where
        return ActionFilter(**{**where.__dict__, best[0]: best[1]})


def _names_title(keys: Iterable[str], title_keys: set[str]) -> bool:
    """Whether a word is one of a title's, in any form or derived from the same stem: "the
    communication section" is SP5 "Communicate" (a shared start of six letters or more,
    the whole of the shorter word)."""
    return any(
        k == t or (min(len(k), len(t)) >= 6 and (k.startswith(t) or t.startswith(k)))
        for k in keys
        for t in title_keys
    )


_LONG_STOPWORDS = tuple(sorted(w for w in STOPWORDS if len(w) >= 4))


def _mistyped_stopword(folded: str) -> str | None:
    """The stop word of four letters or more one edit from a word the index does not know
    and English does not have ("whn" is "when", "shoud" "should"; "came" is no "same", and
    "wat", in the model's vocabulary, stays). A letter left out is the likeliest slip."""
    if len(folded) < 3 or not folded.isalpha() or folded in english_words():
        return None
    return slip_of(folded, _LONG_STOPWORDS)


def _typo_of_a_name(folded: str, lexicon: Lexicon) -> bool:
    """A long capitalised word one edit from a word of the documents."""
    if len(folded) < 6 or not folded.isalpha():
        return False
    fixed = lexicon.correct(folded)
    return fixed is not None and distance.OSA.distance(folded, fixed) == 1


def _looks_like_name(token: str, opening: bool) -> bool:
    """A name, code or number: capitals inside or (not opening the question) at the start, or
    digits ("Bali", "COP31", "2026", "SECO")."""
    if any(c.isdigit() for c in token):
        return True
    if any(c.isupper() for c in token[1:]):
        return True
    return token[:1].isupper() and not opening


def asks_meaning(question: str) -> bool:
    """Whether a question asks what a name stands for or means ("TTA = ?", "what does EC mean")."""
    return _ACRONYM_CUE.search(question) is not None


def _asked_acronym(question: str) -> str | None:
    """The acronym a question asks to spell out: the one next to "stand for", "short for",
    "mean" or "=", else the first ("What does EC stand for?", "what's CCF short for, the...")."""
    found = [m for m in _ACRONYM.finditer(question) if len(m.group(1)) >= 2]
    if not found:
        return None
    if cue := _ACRONYM_CUE.search(question):
        found.sort(key=lambda m: min(abs(m.start() - cue.start()), abs(m.end() - cue.start())))
    return found[0].group(1).removesuffix("s") if found[0].group(1)[-1] == "s" else found[0].group(1)


def _topic_beyond_dates(reading: Reading) -> bool:
    """Whether the question names something of the documents besides dates (a year, a month)."""
    return any(
        w.matches and w.how != "neighbour" and not w.text.isdigit() and w.text not in PERIOD_NAMES
        for w in reading.topic
    )


def _dates(text: str) -> dict[str, str | None]:
    """due_after / due_before (ISO) from "due before 2024", "by Dec 2023" (December included),
    "in June 2024", "a June 2024 deadline", "first half of 2023"."""
    if match := _HALF.search(text):
        year, first = int(match.group(2)), match.group(1).lower() in ("first", "1st")
        return {
            "due_after": f"{year}-{1 if first else 7:02d}-01",
            "due_before": f"{year + (not first)}-{7 if first else 1:02d}-01",
        }
    after = before = None
    if match := _BEFORE.search(text):
        start, _ = parse_timeframe(match.group(1))
        before = start
    elif match := _BY.search(text):
        _, end = parse_timeframe(match.group(1))
        before = _next_day(end)
    if match := _AFTER.search(text):
        _, end = parse_timeframe(match.group(1))
        after = end
    if before is None and after is None and (match := _DURING.search(text)):
        start, end = parse_timeframe(match.group(1) or match.group(2))
        after, before = start, _next_day(end)
    return {"due_after": after, "due_before": before}


def _next_day(iso: str | None) -> str | None:
    if iso is None:
        return None
    from datetime import date, timedelta

    return (date.fromisoformat(iso) + timedelta(days=1)).isoformat()
