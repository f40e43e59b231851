"""The kinds of answer: a row's fields, a list of rows, the status items, one GCAP item, what an
acronym stands for, quoted passages, and "not in these documents". Each is built from the
documents alone, every sentence followed by its citation marker."""

from __future__ import annotations

import math
import re
from dataclasses import replace

import numpy as np

from ..ingest.actions import NOT_ASSIGNED, ActionFilter, bodies_of, matches, teams_of
from ..ingest.items import Item
from ..ingest.status import StatusItem
from ..ingest.text import split_sentences
from ..ingest.timeframes import DATE, MONTHS, describe_due
from ..words import fold, keys_of
from .abstention import Evidence
from .library import Library
from .names import (
    ASKS_COUNTRIES,
    ASKS_PERSON,
    ASKS_PLACE,
    ASKS_SOMEONE,
    names_a_country,
    names_a_person,
    names_a_place,
)
from .precedents import WEIGHT as PRECEDENT_WEIGHT
from .reading import WHY, Reading
from .rendering import FIELDS, Answer, Citation, clean_quote, fields_text, quoted
from .search import Hit

MAX_SENTENCES = 3
MAX_LIST = 60
LIST_FIELDS = ("owner", "when", "priority")
HEADING_GAIN = 0.25  # share of the topic a heading must add for the answer to name it
SENTENCE_SHARE = 0.5  # how much a sentence's own use of the question's words counts
RANK_STEP = 0.05  # what each place lower in the search costs a passage
KIND_BONUS = 0.3  # what a sentence holding the kind of thing asked (a date, a figure) gains
KEYWORD_SHARE = 0.25  # how much the keyword score adds to a hit's relevance, at most
# a passage's length (log of its words) counts a little: a footnote of a few generic words
# ("... is the official name of the WCO") otherwise matches a generic question best. Chosen on
# dev (0.1-0.3 alike); a ranker learned on dev (eval/passage_ranking.py) weighs it ~0.3 of meaning
LENGTH_SHARE = 0.2
TOPIC_MIN = 0.5  # share of a list question's topic (by weight) a row must use to be listed


def row_answer(
    lib: Library, question: str, row_ids: list[int], fields: tuple[str, ...], score: float
) -> Answer:
    """The fields of rows, those asked first, each row quoted by its action and cited; with no
    field asked ("what is the wildlife operation about?"), the action first."""
    citations: list[Citation] = []
    sentences = []
    for row_id in row_ids:
        row = lib.rows[row_id]
        citations.append(lib.row_citation(row_id, score))
        asked = fields[:1]
        rest = [f for f in ("owner", "when", "priority", "kpi", "status") if f not in asked]
        if not row.status:
            rest = [f for f in rest if f != "status"]
        n = len(citations)
        if asked:  # the field asked first, then the action it belongs to and the rest of its row
            sentences.append(
                f"{_capital(fields_text(row, asked, only=True))} [{n}]. "
                f"Action: {quoted(row.action)} — {fields_text(row, rest, only=True)} [{n}]."
            )
        else:
            sentences.append(
                f"The plan's action: {quoted(row.action)} — {fields_text(row, rest, only=True)} [{n}]."
            )
        status = lib.status_for(row)
        if status is not None and (citation := _status_citation(lib, status, score)) is not None:
            citations.append(citation)
            # the link is ours, by wording: the documents never say which item a row is
            said = quoted(clean_quote(citation.quote))
            sentences.append(
                f"Most likely the same action in the update (matched by wording): {status.code}, "
                f"{status.status or 'no status given'}: {said} [{len(citations)}]."
            )
    return Answer(
        question, " ".join(sentences), citations, False, "field", {"rows": row_ids, "fields": fields}
    )


_YEAR = r"(?:19|20)\d\d"  # a year, not a count: "2024"
# "is it true that ...", "am I correct that ...", "..., is that right?": a claim to check
_CLAIM = re.compile(
    r"^\W*(?:is it (?:true|correct|right|so)|am i (?:correct|right)|do i understand correctly)\b"
    r"|\bis (?:that|this|it) (?:right|correct|true)\W*$",
    re.IGNORECASE,
)
_SOLE = re.compile(r"\b(?:only|alone|solely|sole)\b", re.IGNORECASE)
# the filters a claim about each field names: "EC leads X", "X is due in 2024", "X is priority A"
_CLAIMED = {
    "owner": ("body", "team", "involved"),
    "when": ("due_before", "due_after"),
    "priority": ("priority",),
}


def checked(reading: Reading, answer: Answer, lib: Library) -> Answer:
    """A row's field given for a claim about it ("is it true that the PTC leads the plastic
    waste plan?") opens with whether the row bears the claim out: "Yes." or "No.", then the
    field as the table gives it, so the reader sees why. "Only X" holds when X is the one body
    or team the row names. A claim naming nothing the field holds gets the field alone."""
    if answer.route != "field" or answer.abstained or not _CLAIM.search(reading.question):
        return answer
    field = _field_given(answer)
    names = [name for name in _CLAIMED.get(field[0] if field else "", ()) if getattr(reading.where, name)]
    # two dates are two claims ("the Handbook is due June 2023 and its update June 2024"),
    # perhaps about two rows: no one verdict
    if not names or len(re.findall(rf"\b{_YEAR}\b", reading.question)) > 1:
        return answer
    row = lib.rows[answer.subject["rows"][0]]
    claim = ActionFilter(**{name: getattr(reading.where, name) for name in names})
    holds = matches(row, claim)
    if holds and field == ("owner",) and _SOLE.search(reading.question):
        claimed = {getattr(claim, name).lower() for name in names}
        holds = {n.lower() for n in [*bodies_of(row), *teams_of(row)]} <= claimed
    return replace(answer, text=f"{'Yes' if holds else 'No'}. {answer.text}")


def _field_given(answer: Answer) -> tuple[str, ...]:
    """The field a row's answer gives first, as a one-tuple (none for other answers)."""
    return tuple((answer.subject or {}).get("fields") or ())[:1]


def as_role(reading: Reading, answer: Answer) -> Answer:
    """An owner asked for as a person ("who is the contact person for the wildlife operation?")
    is answered with the body and team the table gives, saying that it names no one."""
    if answer.route != "field" or answer.abstained or _field_given(answer) != ("owner",):
        return answer
    if not ASKS_SOMEONE.search(reading.question):
        return answer
    return replace(answer, text=f"The table names bodies and teams, not people. {answer.text}")


def list_rows(lib: Library, where: ActionFilter, topic: Reading | None = None) -> list[int]:
    """Rows passing the filters (and using every topic word, in some form), in table order."""
    ids = [
        i for i, row in sorted(lib.rows.items(), key=lambda kv: (kv[1].doc, kv[1].row)) if matches(row, where)
    ]
    if topic is not None:
        ids = [i for i in ids if _covers_topic(topic, lib.row_items[i])]
    return ids


def list_answer(
    lib: Library, question: str, ids: list[int], described: str, fields: tuple[str, ...]
) -> Answer:
    """Every matching row, not the top k, with the fields asked (then owner, date, priority)."""
    shown = tuple(dict.fromkeys([*[f for f in fields if f != "owner" or len(fields) == 1], *LIST_FIELDS]))
    if not ids:
        return Answer(question, f"No action in the plan's table matches {described}.", [], True, "list")
    citations = [lib.row_citation(i, 1.0) for i in ids[:MAX_LIST]]
    lines = [f"{len(ids)} action(s) match {described}:"]
    for n, row_id in enumerate(ids[:MAX_LIST], 1):
        row = lib.rows[row_id]
        lines.append(f"- {quoted(row.action)} ({fields_text(row, shown)}) [{n}]")
    if len(ids) > MAX_LIST:
        lines.append(f"(the first {MAX_LIST} are shown; the Actions page lists them all)")
    return Answer(question, "\n".join(lines), citations, False, "list", {"rows": ids, "fields": shown})


def _latest_statuses(lib: Library, status: str) -> list[StatusItem]:
    """The items whose latest update gives them `status`, in GCAP order."""
    latest: dict[str, StatusItem] = {}
    for item in sorted(lib.statuses, key=lambda s: s.date):
        latest[item.code] = item
    return sorted((s for s in latest.values() if s.status == status), key=lambda s: s.number)


def with_unmatched_deliveries(lib: Library, answer: Answer) -> Answer:
    """A list of actions due before today, with the items the updates call delivered that no
    row of the table is matched to: none of the rows listed is marked delivered, though some
    may be."""
    unmatched = [s for s in _latest_statuses(lib, "delivered") if not (s.link and lib.row_id(s.link))]
    evidence = next((s for s in unmatched if s.evidence), None)
    passage = lib.passage_quoting(evidence.doc, evidence.evidence) if evidence is not None else None
    if answer.abstained or passage is None:
        return answer
    answer.citations.append(lib.passage_citation(passage, 1.0, quote=evidence.evidence))
    codes = ", ".join(s.code for s in unmatched)
    answer.text += (
        f"\nThe updates report {codes} as delivered, and none is matched to a row of the plan's "
        f"table, so no row above is marked delivered: {quoted(clean_quote(evidence.evidence))} "
        f"[{len(answer.citations)}]"
    )
    return answer


def status_list_answer(lib: Library, question: str, status: str) -> Answer | None:
    """Which items the updates call delivered (or in progress), with the sentences that say so."""
    items = _latest_statuses(lib, status)
    if not items:
        return None
    citations: list[Citation] = []
    lines = [f"The updates list {len(items)} item(s) as {status}: " + ", ".join(s.code for s in items) + "."]
    for sentence in dict.fromkeys(s.evidence for s in items if s.evidence):
        doc = next(s.doc for s in items if s.evidence == sentence)
        passage = lib.passage_quoting(doc, sentence)
        if passage is not None:
            citations.append(lib.passage_citation(passage, 1.0, quote=sentence))
            said_of = [s.code for s in items if s.evidence == sentence]
            # which items a sentence is about, unless it is about every item just listed
            codes = "" if len(said_of) == len(items) else ", ".join(said_of) + ": "
            lines.append(f"{codes}{quoted(clean_quote(sentence))} [{len(citations)}]")
    return Answer(question, "\n".join(lines), citations, False, "status-list", {})


def gcap_answer(lib: Library, question: str, code: str, reading: Reading | None = None) -> Answer | None:
    """One status item: its text, who is responsible, its status, and its likely plan row. A
    question asking more than that ("has the funding for GCAP-2 been sorted?") is led by the
    sentence about the item closest to it, from the item's card or any passage naming it."""
    items = [s for s in lib.statuses if s.code == code]
    if not items:
        return None
    item = max(items, key=lambda s: s.date)
    parts: list[tuple[str, str, Item]] = []  # (what the answer says, the sentence it quotes, where)
    listed = lib.passage_with(item.doc, paragraph=item.code)
    if listed is not None:
        responsible = f" Responsible: {item.responsible}." if item.responsible else ""
        parts.append((f"{item.code}: {quoted(item.text)}.{responsible}", listed.text, listed))
    for sentence, label in (
        (item.evidence, f"Status: {item.status or 'not stated'} — "),
        (item.consolidation_evidence if item.consolidated_into else "", ""),
    ):
        passage = lib.passage_quoting(item.doc, sentence) if sentence else None
        if passage is not None:
            parts.append((f"{label}{quoted(clean_quote(sentence))}", sentence, passage))
    absorbed = [s for s in lib.statuses if s.consolidated_into == code and s.consolidation_evidence]
    if absorbed:
        sentence = absorbed[0].consolidation_evidence
        passage = lib.passage_quoting(absorbed[0].doc, sentence)
        if passage is not None and all(p.id != passage.id or quote != sentence for _, quote, p in parts):
            parts.append((quoted(clean_quote(sentence)), sentence, passage))
    if reading is not None:
        parts = _led_by_the_answer(lib, reading, item, parts)
        # "who's got it at the Secretariat?": the card's line naming who is responsible leads
        # (not "who's paying for it?", which asks for a payer, not an owner)
        asks_owner = reading.asked_fields[:1] == ("owner",) and wanted_kind(reading) is None
        if listed is not None and item.responsible and asks_owner:
            parts.sort(key=lambda part: part[2].id != listed.id)
        # "is GCAP-19 done?": the line quoting the sentence that gives its status leads
        if reading.asks_if_status and item.evidence:
            parts.sort(key=lambda part: part[1] != item.evidence)
    said = [(f"{text} [{{n}}]", lib.passage_citation(p, 1.0, quote=quote)) for text, quote, p in parts]
    # a field of the plan's row asked for ("what's the KPI for GCAP-19?"): the row first, the
    # field first in it; the item's card has no KPI, priority or timeframe of its own
    asked = reading.asked_fields if reading is not None and reading.field_share >= 0.5 else ()
    asked = tuple(f for f in asked if f in ("when", "priority", "kpi"))  # the card gives owner, status
    row_ids = []
    if item.link and (row_id := lib.row_id(item.link)) is not None:
        row_ids.append(row_id)
        row = lib.rows[row_id]
        if asked:  # the field first: "Timeframe: TBD, in the plan's table ..."
            rest = tuple(f for f in LIST_FIELDS if f not in asked)
            line = (
                f"{_capital(fields_text(row, asked, only=True))}, in the plan's table for the action "
                f"most likely the same (matched by wording): {quoted(row.action)} — "
                f"{fields_text(row, rest, only=True)} [{{n}}]."
            )
        else:
            line = (
                f"Likely the same action in the plan's table (matched by wording): {quoted(row.action)} — "
                f"{fields_text(row, LIST_FIELDS)} [{{n}}]."
            )
        cited = (line, lib.row_citation(row_id, item.link_score or 0.0))
        said = [cited, *said] if asked else [*said, cited]
    citations = [citation for _, citation in said]
    sentences = [text.format(n=n) for n, (text, _) in enumerate(said, 1)]
    if listed is None and not row_ids:  # the delivered items: a number in a sentence, no more
        sentences.append(
            f"The documents say nothing more of {code}: it has no entry of its own in the update "
            "and no matching row in the plan's table."
        )
    subject = {"gcap": code, "rows": row_ids, "fields": ("owner", "when")}
    return Answer(question, "\n".join(sentences), citations, False, "gcap", subject)


def _led_by_the_answer(
    lib: Library, reading: Reading, item: StatusItem, parts: list[tuple[str, str, Item]]
) -> list[tuple[str, str, Item]]:
    """The card's parts, the closest to the question first, led by a sentence of another
    passage naming the item if it is closer than any of them. Closeness is meaning plus the
    share of the question's words beyond the item's code a sentence uses; a question that asks
    nothing beyond the code ("what is GCAP-2 about?") keeps the card's order."""
    prefix, _, number = item.code.partition("-")
    code = (prefix.lower(), number)
    if all(w.text in code for w in reading.topic) or reading.vector is None:
        return parts
    named = re.compile(rf"\b{re.escape(prefix)}[-\s]?{re.escape(number)}(?!\d)", re.IGNORECASE)
    quoted_already = {quote for _, quote, _ in parts}
    others = [
        (passage, sentence)
        for passage in lib.passages.values()
        if named.search(passage.text) and passage.paragraph != item.code
        for sentence in split_sentences(passage.text)
        if sentence not in quoted_already
    ]
    texts = [quote for _, quote, _ in parts] + [sentence for _, sentence in others]
    # the precedent's word for a passage counts, but never for the item's own listing: the
    # answered question nearest a GCAP question is often "what is GCAP-N about?", whatever it asks
    where = [passage for _, _, passage in parts] + [passage for passage, _ in others]
    lift = [0.0 if p.paragraph == item.code else PRECEDENT_WEIGHT * reading.precedent.of(p.id) for p in where]
    meaning = lib.sentence_vectors(texts) @ reading.vector
    # a sentence holding the kind of thing asked comes first ("who offered to fund it?": the
    # one naming a payer, "when ...?" one with a date): an answer led by one without it is
    # refused for lacking it
    wanted = wanted_kind(reading)
    closeness = [
        (
            bool(wanted) and _has_kind(text, wanted, reading.question),
            float(m) + reading.coverage(keys_of(text), leaving=code) + up,
        )
        for m, text, up in zip(meaning, texts, lift, strict=True)
    ]
    card, found = closeness[: len(parts)], closeness[len(parts) :]
    parts = [parts[i] for i in sorted(range(len(parts)), key=lambda i: card[i], reverse=True)]
    if not found or max(found) <= max(card, default=(False, 0.0)):
        return parts
    passage, sentence = others[max(range(len(found)), key=found.__getitem__)]
    return [(quoted(clean_quote(sentence)), sentence, passage), *parts]


LEGEND_CHARS = 300  # a passage this short is the legend itself, quoted whole


def _legend_answer(lib: Library, question: str, code: str) -> Answer | None:
    """A code of the action table's legend ("ORG. WCO improvement", "SO2. Revenue
    collection") is what the legend calls it, though the documents never spell it out."""
    for name, value, title in lib.categories:
        if name == "topic" or value.upper() != code.upper():
            continue
        pattern = re.compile(rf"\b{re.escape(value)}\.?\s+{re.escape(title)}")
        for passage in lib.passages.values():
            if match := pattern.search(passage.text):
                # the legend as printed (its periods end no sentence), as an acronym's answer
                # quotes the sentence spelling it out
                legend = passage.text.strip() if len(passage.text) <= LEGEND_CHARS else match.group(0)
                citation = lib.passage_citation(passage, 1.0, quote=legend)
                kind = "section" if name == "section" else "strategic objective"
                text = f"In the action table, {value} is the {kind} {title}: {quoted(legend)} [1]"
                return Answer(question, text, [citation], False, "acronym", {"passages": [passage.id]})
    return None


def acronym_answer(lib: Library, question: str, acronym: str, hits: list[Hit]) -> Answer:
    """What an acronym stands for, where the documents spell it out; where they only use it,
    they do not say, and the answer says so."""
    long_form = lib.acronyms.get(acronym)
    defining = None
    if long_form:
        pattern = re.compile(rf"{re.escape(long_form)}\s*\(\s*{re.escape(acronym)}s?\s*\)", re.IGNORECASE)
        defining = next((p for p in lib.passages.values() if pattern.search(p.text)), None)
        defining = defining or next((p for p in lib.passages.values() if long_form in p.text), None)
    if long_form is None or defining is None:
        return _legend_answer(lib, question, acronym) or _unspelled(lib, question, acronym, hits)
    sentence = next((s for s in split_sentences(defining.text) if long_form in s), defining.text)
    citation = lib.passage_citation(defining, 1.0, quote=sentence)
    return Answer(
        question,
        f"{acronym} stands for {long_form}: {quoted(clean_quote(sentence))} [1]",
        [citation],
        False,
        "acronym",
        {"passages": [defining.id]},
    )


def _unspelled(lib: Library, question: str, acronym: str, hits: list[Hit]) -> Answer:
    """An acronym the documents never spell out: where they use it, cited so a reader can see
    it is never spelled out there; one they never use is one they do not mention."""
    used = re.compile(rf"\b{re.escape(acronym)}s?\b")
    uses = [h for h in hits if used.search(h.item.search_text or h.item.text)][:3]
    if not uses:  # used beyond the nearest hits, or not at all
        said = "use {} but never spell it out" if lib.lexicon.knows(fold(acronym)) else "do not mention {}"
        return abstain(question, hits, f"The documents {said.format(acronym)}.", lib)
    citations = [lib.citation(h) for h in uses]
    markers = ", ".join(f"[{n}]" for n in range(1, len(citations) + 1))
    text = f"The documents use {acronym} but never spell it out: it appears in {markers}."
    return Answer(question, text, citations, True, "abstain", {"query": question})


def candidates(hits: list[Hit], reading: Reading, top: int) -> list[Hit]:
    """The first `top` hits, and any after them the precedent names: relevance decides."""
    return hits[:top] + [h for h in hits[top:] if reading.precedent.of(h.item.id)]


def relevance_of(reading: Reading, hits: list[Hit]):
    """A hit's relevance to the question: meaning, plus the share of the topic it covers, plus
    a little of its keyword score (relative to the best of `hits`), which breaks ties of the
    first two in favour of the exact words ("operation" over "operational"), plus what the
    labelled question nearest in meaning says of it (its precedent), less a topic's worth
    when it uses a word the question sets aside ("not the update")."""
    top = max((h.keyword or 0.0 for h in hits), default=0.0) or 1.0

    def relevance(hit: Hit) -> float:
        keys = keys_of(hit.item.search_text or hit.item.text)
        words = reading.coverage(keys)
        precedent = PRECEDENT_WEIGHT * reading.precedent.of(hit.item.id)
        # a text using what the question sets aside loses a whole topic's worth
        aside = 1.0 if reading.set_aside & keys else 0.0
        return hit.dense + words + KEYWORD_SHARE * (hit.keyword or 0.0) / top + precedent - aside

    return relevance


def best_row_and_passage(reading: Reading, hits_rows: list[Hit], hits_passages: list[Hit]):
    """Each kind's most relevant hit, and its relevance."""
    relevance = relevance_of(reading, [*hits_rows, *hits_passages])
    row = max(hits_rows, key=relevance, default=None)
    passage = max(hits_passages, key=relevance, default=None)
    return (row, relevance(row) if row else 0.0), (passage, relevance(passage) if passage else 0.0)


# a sentence opening on what the one before it said: "This resulted in ...", "It includes ...",
# "They ..." (not "It was suggested that ...", which points at nothing)
_POINTS_BACK = re.compile(
    r"^\W*(?:This|These|Those|They|Such|It)\b"
    r"(?!\s+(?:is|was|has been|had been|will be|would be)\s+(?:\w+ly\s+)?(?:suggested|noted|agreed|"
    r"recommended|proposed|important|essential|crucial|expected|hoped|recalled|stressed|worth|"
    r"necessary|clear|likely|possible|understood|considered|decided|anticipated|envisaged)\b)"
)


def passage_answer(
    lib: Library,
    reading: Reading,
    hits: list[Hit],
    focus: Reading | None = None,
    focus_vector: np.ndarray | None = None,
) -> Answer:
    """Quoted sentences of the best passages, the best first. `focus` (a follow-up's own
    words) weighs the sentences when the search ran on more than the question."""
    weigh = focus or reading
    if focus_vector is not None:  # a follow-up: its own words decide among the hits
        own = lib.generation.vectors_of([h.item.id for h in hits]) @ focus_vector
        order = np.argsort(-(np.array([h.dense for h in hits]) + own), kind="stable")
        hits = [hits[i] for i in order]
    scored = []
    wanted = wanted_kind(reading)
    asks_reason = _ASKS_REASON.search(reading.question) is not None
    relevance = relevance_of(weigh, hits)
    for rank, hit in enumerate(candidates(hits, weigh, 5 if wanted else 3)):
        # the passage's relevance first; within it, the sentences that use the question's words
        base = relevance(hit) - RANK_STEP * rank + LENGTH_SHARE * math.log(max(len(hit.item.text.split()), 1))
        if hit.item.kind == "action":
            scored.append((base, rank, 0, hit, None))
            continue
        for position, sentence in enumerate(split_sentences(hit.item.text)):
            # the section heading counts half: "Short-term objective (...)" is what its text is
            own = weigh.coverage(keys_of(sentence))
            overlap = own + 0.5 * (weigh.coverage(keys_of(f"{hit.item.section} {sentence}")) - own)
            # "when ...?" wants a sentence with a date in it, "how many ...?" one with a figure,
            # "why ...?" one that gives a reason
            if wanted:
                kind = KIND_BONUS if _has_kind(sentence, wanted, reading.question) else 0.0
            else:
                kind = KIND_BONUS if asks_reason and _GIVES_REASON.search(sentence) else 0.0
            scored.append(
                (base + SENTENCE_SHARE * overlap + kind - 0.02 * position, rank, position, hit, sentence)
            )
    scored.sort(key=lambda t: -t[0])
    # a sentence two passages share (a document repeating itself, word for word or nearly:
    # a summary and its paragraph) is quoted once, where it scores best, and so is one that
    # another quoted sentence holds whole
    said: list[str] = []
    kept = []
    for t in scored:
        if t[4] is not None:
            this = _said(t[4])
            if any(this in other or other in this or _restates(this, other) for other in said):
                continue
            said.append(this)
        kept.append(t)
    scored = kept
    best = scored[0][0]
    chosen = [s for s in scored if s[0] >= best * 0.75][:MAX_SENTENCES]
    # the passage of the best sentence first; within a passage, its sentences in reading order
    best_of: dict[int, float] = {}
    for score, _, _, hit, _ in chosen:
        best_of[hit.item.id] = max(best_of.get(hit.item.id, score), score)
    chosen.sort(key=lambda t: (-best_of[t[3].item.id], t[1], t[2]))
    # the answer leads with the sentence that answers: none of its passage's before it, but
    # the one its opening word points back to ("This resulted in ...", "It includes ...")
    lead = scored[0]
    opening = lead[2]
    if lead[4] is not None and opening > 0 and _POINTS_BACK.match(lead[4]):
        opening -= 1
        if not any(t[3] is lead[3] and t[2] == opening for t in chosen):
            before = split_sentences(lead[3].item.text)[opening]
            chosen.insert(
                chosen.index(lead) if lead in chosen else 0, (lead[0], lead[1], opening, lead[3], before)
            )
    chosen = [t for t in chosen if t[3] is not lead[3] or t[2] >= opening]
    citations: list[Citation] = []
    pieces: list[tuple[int, str]] = []  # (citation index, quoted text)
    last_position: dict[int, int] = {}
    for _, _, position, hit, sentence in chosen:
        if hit.item.kind == "action":
            row = lib.rows[hit.item.id]
            citations.append(lib.row_citation(hit.item.id, hit.dense))
            pieces.append((len(citations), f"{quoted(row.action)} ({fields_text(row, ('owner', 'when'))})"))
            continue
        index = next((i for i, c in enumerate(citations, 1) if c.item_id == hit.item.id), None)
        if index is None:
            sentence = clean_quote(sentence)  # a quote opens on the sentence, not its list numeral
            citations.append(lib.passage_citation(hit.item, hit.dense, quote=sentence))
            # the answer's lead, under its heading where the heading says what was asked
            said_as = _under_heading(weigh, hit.item.section, sentence) if not pieces else sentence
            pieces.append((len(citations), said_as))
        else:  # another sentence of a passage already cited: one quote, one marker
            # "…" marks sentences left out between two quoted ones; the next one runs on as written
            gap = " " if position == last_position[hit.item.id] + 1 else " … "
            sentence = sentence if gap == " " else clean_quote(sentence)
            citations[index - 1] = replace(
                citations[index - 1], quote=f"{citations[index - 1].quote}{gap}{sentence}"
            )
            pieces = [(i, f"{text}{gap}{sentence}" if i == index else text) for i, text in pieces]
        last_position[hit.item.id] = position
    text = " ".join(f"{quote} [{n}]" for n, quote in pieces)
    subject = {"passages": [c.item_id for c in citations], "query": reading.text}
    return Answer(reading.question, text, citations, False, "passage", subject)


def _said(sentence: str) -> str:
    """A sentence as said, whatever its list marks, quotation marks, spacing and case."""
    return " ".join(re.findall(r"\w+", clean_quote(sentence).lower()))


RESTATED = 0.8  # share of a sentence's words another holds for it to say nothing new


def _restates(this: str, other: str) -> bool:
    """Whether one of two sentences (as `_said`) holds nearly all the other's words."""
    mine, theirs = set(keys_of(this)), set(keys_of(other))
    shorter = min(len(mine), len(theirs))
    return shorter > 0 and len(mine & theirs) >= RESTATED * shorter


def evidence_of(reading: Reading, answer: Answer, lib: Library) -> Evidence:
    """What the calibrated decision weighs for an answer: its first citation against the question."""
    first = answer.citations[0] if answer.citations else None
    text = ""
    dense = 0.0
    if first is not None:
        item = lib.items_by_id.get(first.item_id)
        text = (item.search_text or item.text) if item is not None else first.text
        dense = first.score
    countries = reading.missing_countries()
    return Evidence(
        dense=dense,
        coverage=reading.coverage(keys_of(text), literal=True),
        unknown=reading.unknown_share(),
        uncovered=reading.rarest_uncovered(keys_of(text)),
        missing_names=float(len(reading.missing_names()) - len(countries)),
        kind_missing=float(_kind_missing(reading, answer, lib)),
        missing_countries=float(len(countries)),
    )


# numbers that name an item, not count one: "GCAP’s 3, 18, 25, and 26", "SDG 2", "SO1"
_CODE_NUMBERS = re.compile(
    r"\b(?:(?-i:GCAP|SDG|SO|SP)|para(?:graph)?|annex|article|pillar|no\.)(?:[’']?s)?[\s-]*\d+"
    r"(?:\s*(?:,\s*and|,|and|&)\s*\d+\b)*",
    re.IGNORECASE,
)


def _figures(text: str) -> list[str]:
    """Numbers that count something: not years, not the days of dates ("3 March 2025"), not
    the numbers of items named by code ("GCAP’s 3, 18 and 25")."""
    text = _CODE_NUMBERS.sub(" ", text)
    text = re.sub(rf"\b\d{{1,2}}\s+(?={'|'.join(MONTHS)})", " ", text, flags=re.IGNORECASE)
    return [n for n in re.findall(r"\b\d+(?:[.,]\d+)?\b", text) if not re.fullmatch(_YEAR, n)]


# "why ...?" wants a sentence that gives a reason, in one of English's causal constructions
_ASKS_REASON = re.compile(
    rf"{WHY.pattern}|\bwhat(?:'s| is| was)? (?:holding|the reason|behind)\b", re.IGNORECASE
)
_GIVES_REASON = re.compile(
    r"\b(?:because|since|as a result|due to|owing to|given (?:that|the)|recogni[sz]ing|acknowledging|"
    r"in order to|so that|depend(?:s|ent|ing)? on|constraints?|lack of|thanks to|"
    r"to ensure|with a view to|aim(?:s|ing|ed)? (?:at|to)|the need)\b",
    re.IGNORECASE,
)
_ASKS_DATE = re.compile(
    r"^\W*when\b|\bwhat (?:date|year|month)\b|\bwhich (?:date|year|month)\b|\bby when\b", re.I
)


# a sum of money asked for, and one given: "what budget in euros", "EUR 50,000", "$2 million"
_ASKS_MONEY = re.compile(
    r"\b(?:budget|costs?|costed|price|euros?|dollars?|francs?|CHF|EUR|USD|GBP)\b|"
    # "how much is Sida contributing?", "how much money are they putting in?"
    r"\bhow much\b(?:\s+\w+){0,4}?\s+(?:money|contribut\w*|pay\w*|spen[dt]\w*|donat\w*|invest\w*|fund\w*)\b",
    re.I,
)
# who pays: "who's paying for X?", "who offered to fund it?", "somebody will pay for it?",
# "which donor is financing X?"; answered by a text saying someone pays (_FUNDS): a body in
# charge of an action is no payer
_ASKS_FUNDER = re.compile(
    r"(?:\bwho(?:['’]?s|['’](?:d|ll|re)|\s+(?:is|are|was|were|has|have|had|will|would|might|could|should|said))?|"
    r"\b(?:some|any)(?:one|body)|\bwhich (?:donor|partner|organi[sz]ation|programme|program|funder)s?)\b"
    r"(?:\s+[\w']+){0,4}?\s+(?:pay(?:s|ing)?|paid|fund(?:s|ing|ed)?|financ\w*|bankroll\w*|sponsor\w*|"
    r"putting up the money|put up the money)\b",
    re.I,
)
# someone paying, not funding as a condition ("depending on available funding"): "funded by",
# "interest in funding", "offered to pay", "will finance", "a donor"
_FUNDS = re.compile(
    r"\b(?:funded|financed|sponsored|paid|supported) by\b|\b(?:funding|money|contributions?) from\b|"
    r"\b(?:interest in|offer(?:s|ed)? to|agreed to|commit(?:s|ted)? to|will|would) "
    r"(?:fund|financ|pay|sponsor|bankroll)\w*|\bdonors?\b",
    re.I,
)
_CURRENCY = r"(?:[€$£]|\b(?:EUR|USD|CHF|GBP|euros?|dollars?|(?:Swiss )?francs?)\b)"
_MONEY = re.compile(rf"{_CURRENCY}\s?\d|\d[\d,.]*(?:\s?(?:million|billion|m|k))?\s?{_CURRENCY}", re.I)


def _under_heading(reading: Reading, heading: str, sentence: str) -> str:
    """The sentence, said under its section's heading when the heading holds much of what the
    question asks that the sentence does not ("Short-term objective (end of financial year
    2022-2023)" for "what is the short-term goal and by when?")."""
    heading = heading.strip()
    own = reading.coverage(keys_of(sentence))
    if heading and reading.coverage(keys_of(f"{heading} {sentence}")) >= own + HEADING_GAIN:
        return f"Under “{heading}”: {sentence}"
    return sentence


# kinds of answer no column of the action table holds: a row gives them in its words, if at all
NOT_A_COLUMN = ("country", "person", "money", "funder", "place")


_NO_FIGURE = {"when", "priority", "status"}  # fields whose value is never a count
_NAMES_A_FIELD = re.compile(
    r"\b(?:priorit\w*|important|urgent|when|date|deadline|due|timeframe|status|progress)\b", re.IGNORECASE
)


def wanted_kind(reading: Reading) -> str | None:
    """The kind of thing a question asks for when it is money, a payer, a figure, a country, a
    person, a place or a date."""
    if _ASKS_MONEY.search(reading.question):
        return "money"
    if _ASKS_FUNDER.search(reading.question):
        return "funder"
    # "how much important is X, what priority?" (a delegate's English) asks for a field, and
    # a date, a priority or a status is never a figure; the question must name it, not only
    # lean to it ("how many places does each Member get?" is a count, whatever the router says)
    field = reading.asked_fields[:1]
    names_it = set(field) & _NO_FIGURE and _NAMES_A_FIELD.search(reading.question)
    if re.search(r"\bhow (?:many|much)\b", reading.question, re.IGNORECASE) and not names_it:
        return "figure"
    if ASKS_COUNTRIES.search(reading.question):
        return "country"
    if ASKS_PERSON.search(reading.question):
        return "person"
    if ASKS_PLACE.search(reading.question):
        return "place"
    if reading.routes.get("when", 0.0) >= 0.5 or _ASKS_DATE.search(reading.question):
        return "date"
    return None


def _has_kind(text: str, kind: str, question: str) -> bool:
    if kind == "figure":  # a figure the question does not already give
        return bool(set(_figures(text)) - set(_figures(question)))
    if kind == "money":
        return bool(_MONEY.search(text))
    if kind == "funder":
        return bool(_FUNDS.search(text))
    if kind == "country":
        # a country; or a group of them ("SADC and EAC countries") when the question names no
        # group itself: "which SADC countries ...?" asks for more than "SADC"
        asked = {w.upper() for w in re.findall(r"\b[A-Za-z]{2,6}\b", question)}
        groups = _groups_of_countries(text)
        return names_a_country(text) or (bool(groups) and not asked & set(groups))
    if kind == "person":
        return names_a_person(text)
    if kind == "place":
        return names_a_place(text)
    return bool(DATE.search(text))


# countries named as a group: "SADC and EAC countries", "the ASEAN Members"
_COUNTRY_GROUP = re.compile(
    r"\b[A-Z]{2,6}\b(?:\s*(?:,|and|&)\s*[A-Z]{2,6}\b)*\s+(?:countries|Members|member states|region)\b"
)


def _groups_of_countries(text: str) -> list[str]:
    """The groups' codes: "SADC and EAC countries" gives SADC and EAC."""
    return [code for m in _COUNTRY_GROUP.finditer(text) for code in re.findall(r"[A-Z]{2,6}", m.group(0))]


def _kind_missing(reading: Reading, answer: Answer, lib: Library) -> bool:
    """Whether the answer's lead lacks the kind of thing asked: a figure for "how many", a
    country for "which countries", a person for "who chaired", a sum for "what budget", a
    payer for "who is paying for it?", a place for "where was it held", a date for "when". A
    row's lead is the field it gives, up to its citation marker, or for a country, a person, a
    sum, a payer or a place the row as quoted; a list's, its rows with their fields (a row
    always has its timeframe, given or not: "when" is never missing there)."""
    wanted = wanted_kind(reading)
    if wanted is None:
        return False
    if answer.route in ("field", "list"):  # an action's countries or sums are in its words, not a field
        if wanted in NOT_A_COLUMN or answer.route == "list":
            lead = answer.text  # a list: every row with its fields ("2 action(s) match ...")
        else:  # the field asked, or with none asked the row's fields ("Two (2) workshops" counts no officers)
            row = lib.rows[answer.subject["rows"][0]]
            lead = fields_text(row, answer.subject["fields"][:1] or FIELDS, only=True)
        return wanted != "date" and not _has_kind(lead, wanted, reading.question)
    lead = answer.citations[0] if answer.citations else None
    if wanted == "date" and lead is not None and lead.kind == "action":
        return False  # a row quoted with its fields: its timeframe is there, given or not
    if answer.route == "passage":  # the lead as said, under its heading if it is said under one
        said = answer.text.split(" [1]")[0]
    else:
        said = (lead.quote or lead.text) if lead is not None else ""
    return not _has_kind(said, wanted, reading.question)


def abstain(question: str, hits: list[Hit], lead: str | None = None, lib: Library | None = None) -> Answer:
    """ "Not in these documents", with the closest passages to look at."""
    closest = hits[:3]  # the nearest, whatever their kind
    citations = [lib.citation(h) for h in closest] if lib is not None else []
    text = lead or "This is not in these documents."
    if citations:
        text += " The closest passages are " + ", ".join(f"[{n}]" for n in range(1, len(citations) + 1)) + "."
    # what was asked stays the subject: "and the cutoff date?" follows a question not answered
    return Answer(question, text, citations, True, "abstain", {"query": question})


def describe(where: ActionFilter, topic: list[str] = ()) -> str:
    """A filter in words: "body in charge EC, priority A"."""
    parts = []
    for name, label in (
        ("body", "body in charge"),
        ("team", "responsible team"),
        ("involved", "body in charge or responsible team"),
        ("priority", "priority"),
        ("so", "strategic objective"),
        ("section", "section"),
        ("topic", "topic"),
        ("status", "status"),
        ("text", "about"),
    ):
        value = getattr(where, name)
        if value == NOT_ASSIGNED and name == "body":
            parts.append("no body in charge named (the table says TBD, All, None, or nothing)")
        elif value:
            parts.append(f"{label} {value}")
    if where.due_after or where.due_before:
        parts.append(describe_due(where.due_after, where.due_before))
    if topic:
        parts.append("about " + ", ".join(topic))
    return ", ".join(parts) or "the question"


def _covers_topic(reading: Reading, item: Item) -> bool:
    """A row is about the topic when it uses most of it (by weight), in any form."""
    return reading.coverage(keys_of(item.search_text or item.text)) >= TOPIC_MIN


def _status_citation(lib: Library, status: StatusItem, score: float) -> Citation | None:
    sentence = status.evidence or status.text
    passage = lib.passage_quoting(status.doc, sentence) or lib.passage_with(status.doc, status.code)
    return None if passage is None else lib.passage_citation(passage, score, quote=sentence)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
