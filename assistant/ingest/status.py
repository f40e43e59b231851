"""Status items from later updates (GCAP-n): what each is, who is responsible, where it stands.

A status item is linked to the plan row it most likely is, by word overlap of their texts;
the link carries its score and is shown as a likely match, not as fact.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from ..words import jaccard
from .actions import ActionRow
from .documents import Document
from .passages import Passage, split_passages
from .text import join_lines, split_sentences, vocabulary

# what an update or a question calls an item's status, in the words either may use
STATUS_WORDS = (
    (
        re.compile(r"\bin progress\b|\bpending\b|\bongoing\b|\bunderway\b|\bstill open\b", re.IGNORECASE),
        "in progress",
    ),
    (
        re.compile(
            # not "the complete list" (of anything), an adjective before what is listed
            r"\bdelivered\b|\bcompleted?\b(?!\s+(?:list|set|overview|picture|table|text|version|rundown)\b)|"
            r"\bfinished\b|\bdone\b|\baccomplished\b",
            re.IGNORECASE,
        ),
        "delivered",
    ),
)
LINK_THRESHOLD = 0.25  # below this word overlap a status item is left unlinked

_CODE_LINE = re.compile(r"^\s*(GCAP)-(\d{1,3})\b\s*(.*)$")
_NUMBERED = re.compile(r"^\s*(\d{1,2})\.\s+\S")
_NUMBER_LIST = re.compile(r"\bGCAP(?:’s|'s|s)?\s+((?:\d{1,3}\s*(?:,|and|&)\s*)+\d{1,3})\b")
_CONSOLIDATED = re.compile(
    r"\bGCAP(?:’s|'s|s)?\s+((?:\d{1,3}\s*(?:,|and|&)\s*)+\d{1,3})\s+within the scope of\s+GCAP-(\d{1,3})"
)


@dataclass
class StatusItem:
    code: str  # "GCAP-19"
    number: int
    doc: str
    page: int
    text: str = ""  # the item's action text, where the update gives it
    responsible: str = ""
    status: str | None = None  # "in progress", "delivered"
    evidence: str = ""  # the sentence that says so
    consolidated_into: str | None = None
    consolidation_evidence: str = ""
    link: str | None = None  # ActionRow.id of the likely plan row
    link_score: float | None = None
    date: str = ""  # the update's date, to let later updates win

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def search_text(self) -> str:
        parts = [
            self.code,
            self.text,
            f"Responsible: {self.responsible}" if self.responsible else "",
            f"Status: {self.status}" if self.status else "",
            self.evidence,
        ]
        return ". ".join(p for p in parts if p)


def extract_status_items(
    document: Document, passages: list[Passage] | None = None, listed: list[dict] | None = None
) -> list[StatusItem]:
    """Listed items (code, text, responsible) and the status sentences about them. `listed`:
    the items of the update's table as read by its geometry (a PDF), which say an item's text
    and responsible units better than the text stream, where the columns run together."""
    items: dict[int, StatusItem] = {}
    lines = [(page.number, line) for page in document.pages for line in page.text.split("\n")]
    vocab = vocabulary("\n".join(line for _, line in lines))
    paragraph_status = None
    i = 0
    while i < len(lines):
        page, line = lines[i]
        if _NUMBERED.match(line):
            paragraph_status = status_word(_paragraph_at(lines, i))
        match = _CODE_LINE.match(line)
        if not match:
            i += 1
            continue
        block, i = _item_block(lines, i + 1, match.group(3))
        groups = [join_lines(g, vocab) for g in block if g]
        number = int(match.group(2))
        items[number] = StatusItem(
            code=f"GCAP-{number}",
            number=number,
            doc=document.doc,
            page=page,
            text=groups[0] if groups else "",
            responsible=" ".join(groups[1:]),
            status=paragraph_status,
            date=document.info.date,
        )
    for entry in listed or ():
        item = items.get(entry["number"])
        if item is None:
            item = items[entry["number"]] = StatusItem(
                code=entry["code"],
                number=entry["number"],
                doc=document.doc,
                page=entry["page"],
                status=_status_before(lines, entry["page"], entry["text"]),
                date=document.info.date,
            )
        item.text, item.responsible = entry["text"], entry["responsible"]
    for passage in passages if passages is not None else split_passages(document):
        for sentence in split_sentences(passage.text):
            _read_status_sentence(sentence, passage.page, document, items)
    for item in items.values():
        if item.status and not item.evidence:
            item.evidence = _lead_in(lines, item)
    return sorted(items.values(), key=lambda it: it.number)


def _status_before(lines, page: int, text: str) -> str | None:
    """The status named by the last numbered paragraph before an item's text."""
    probe = text[:30]
    status = None
    for i, (number, line) in enumerate(lines):
        if number > page or (probe and probe in line):
            break
        if _NUMBERED.match(line):
            status = status_word(_paragraph_at(lines, i))
    return status


def _read_status_sentence(sentence: str, page: int, document: Document, items: dict) -> None:
    """ "the 6 items (GCAP's 5, 6, 8, 20, 21 and 27) that have been successfully delivered" """
    consolidated = _CONSOLIDATED.search(sentence)
    for listed in _NUMBER_LIST.finditer(sentence):
        status = status_word(sentence)
        into = consolidated.group(2) if consolidated and listed.start() == consolidated.start() else None
        for number in map(int, re.findall(r"\d{1,3}", listed.group(1))):
            item = items.setdefault(
                number,
                StatusItem(
                    code=f"GCAP-{number}", number=number, doc=document.doc, page=page, date=document.info.date
                ),
            )
            if into:
                item.consolidated_into, item.consolidation_evidence = f"GCAP-{into}", sentence
            elif status and (item.status is None or not item.evidence):
                item.status, item.evidence = status, sentence


def _item_block(lines, start: int, first: str) -> tuple[list[list[str]], int]:
    """Blank-separated groups of an item, up to the next item or numbered paragraph."""
    groups: list[list[str]] = [[first]] if first.strip() else [[]]
    i = start
    while i < len(lines):
        line = lines[i][1]
        if _CODE_LINE.match(line) or _NUMBERED.match(line):
            break
        if not line.strip():
            if groups[-1]:
                groups.append([])
        elif not re.match(r"^\s*(?:https?|chrome-extension)://", line):
            groups[-1].append(line)
        i += 1
    return [g for g in groups if g], i


def _paragraph_at(lines, i: int) -> str:
    out = []
    for _, line in lines[i:]:
        if out and (not line.strip() and out[-1].rstrip().endswith((".", ":"))):
            break
        out.append(line)
    return " ".join(out)


def status_word(text: str) -> str | None:
    """ "in progress" or "delivered" when a text (an update's sentence, a question) names one."""
    return next((value for pattern, value in STATUS_WORDS if pattern.search(text)), None)


def _lead_in(lines, item: StatusItem) -> str:
    """The paragraph that introduces a listed item's status ("Action items in progress: ...")."""
    best = ""
    for i, (page, line) in enumerate(lines):
        if page > item.page:
            break
        if _NUMBERED.match(line) and status_word(_paragraph_at(lines, i)) == item.status:
            best = _paragraph_at(lines, i)
    return re.sub(r"\s+", " ", re.sub(r"^\s*\d{1,2}\.\s+", "", best)).strip()


def similarity(a: str, b: str) -> float:
    """Word overlap (Jaccard) of two texts' content words."""
    return jaccard(a, b)


def link(items: list[StatusItem], rows: list[ActionRow]) -> None:
    """Link each status item to its most similar plan row, and give rows their gcap and status.

    A row linked by several items takes the best-scoring one; items from later updates win.
    """
    for item in items:
        item.link, item.link_score = None, None
        if not item.text or not rows:
            continue
        score, row = max(((similarity(item.text, r.action), r) for r in rows), key=lambda t: t[0])
        if score >= LINK_THRESHOLD:
            item.link, item.link_score = row.id, round(score, 3)
    by_id = {r.id: r for r in rows}
    for row in rows:
        row.gcap = row.status = row.gcap_score = None
    # in order of date, then score: the latest update, and its best match, is written last
    for item in sorted((i for i in items if i.link), key=lambda i: (i.date, i.link_score)):
        row = by_id[item.link]
        row.gcap, row.status, row.gcap_score = item.code, item.status, item.link_score
