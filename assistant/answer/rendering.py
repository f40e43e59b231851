"""What an answer is and how it reads: quoted sentences and action-row fields, each followed by
its citation marker, and one citation label ("p. 2, para. 4", "action table, row 5") that the
CLI, the Markdown export and the app all use."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..ingest.actions import ActionRow

# the fields a row answer can give, in the order they are named when not asked for
FIELDS = ("owner", "when", "priority", "kpi", "status")
NOT_GIVEN = "not given in the table"


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

    @property
    def label(self) -> str:
        """Where the cited text is: "p. 2, para. 4", "p. 3, GCAP-19", "action table, row 5"."""
        if self.row is not None:
            where = f"action table, row {self.row.row}"
            # a register typed by staff gives the page the table starts on; a PDF's own table
            # gives the page the row starts on, which is worth citing
            return where if self.row.source == "register" else f"p. {self.page}, {where}"
        if not self.paragraph:
            return f"p. {self.page}"
        if self.paragraph.isdigit():
            return f"p. {self.page}, para. {self.paragraph}"
        return f"p. {self.page}, {self.paragraph}"

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
            "label": self.label,
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
    confidence: float | None = None  # the calibrated probability that the documents answer
    evidence: object | None = None  # what that probability was computed from (abstention.Evidence)

    def to_json(self) -> dict:
        data = {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [c.to_json() for c in self.citations],
            "route": self.route,
        }
        if self.confidence is not None:
            data["confidence"] = round(self.confidence, 3)
        return data


def fields_text(row: ActionRow, asked: Sequence[str] = (), only: bool = False) -> str:
    """The fields of a row, named explicitly, as the table gives them: those asked first (or,
    with `only`, those asked alone)."""
    order = [f for f in asked if f in FIELDS] + ([] if only else [f for f in FIELDS if f not in asked])
    parts = []
    for name in order:
        if name == "owner":
            parts.append(f"body in charge: {', '.join(row.body_in_charge) or NOT_GIVEN}")
            parts.append(f"responsible team: {', '.join(row.responsible_team) or NOT_GIVEN}")
        elif name == "when":
            parts.append(f"timeframe: {row.timeframe or NOT_GIVEN}")
        elif name == "priority":
            parts.append(f"priority: {row.priority or NOT_GIVEN}")
        elif name == "kpi":
            parts.append(f"KPI: {row.kpi or NOT_GIVEN}")
        elif name == "status" and (row.status or "status" in asked):
            status = f"{row.status} ({row.gcap}, likely match)" if row.status else "no status in the updates"
            parts.append(f"status: {status}")
    return "; ".join(parts)


_LIST_NUMERAL = re.compile(r"^\(?(?:[IVX]{1,5}|[a-z]|\d{1,2})[.)]\s+(?=\S)")
_BULLET = re.compile(r"^[-–•▪◦]\s+")


def clean_quote(sentence: str) -> str:
    """A sentence as a delegate reads it in an answer: without the list numeral or bullet that
    opened it in the document ("III. The implementation..." reads "The implementation..."),
    and without quotation marks doubled by the answer's own."""
    text = _BULLET.sub("", _LIST_NUMERAL.sub("", sentence.strip()))
    if text.startswith(("“", '"')) and text.endswith(("”", '"')) and text.count("“") <= 1:
        text = text[1:-1]
    return text.strip().removesuffix(":").rstrip()


def quoted(text: str) -> str:
    """Text in quotation marks, its own double quotes turned single (“a ‘b’ c”), never doubled."""
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


def to_markdown(turns: Sequence[Answer], title: str = "Green Customs plan assistant") -> str:
    """Questions, answers and, under each answer, its numbered sources."""
    lines = [f"# {title}", ""]
    for turn in turns:
        lines += [f"**Q:** {turn.question}", "", _paragraphs(turn.text), ""]
        if turn.citations:
            lines.append("Closest passages:" if turn.abstained else "Sources:")
            for n, c in enumerate(turn.citations, 1):
                section = f" — {c.section}" if c.section else ""
                lines.append(f"{n}. {c.title}, {c.label}{section}: “{c.quote or c.text}”")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _paragraphs(text: str) -> str:
    """An answer's lines as Markdown shows them: each line its own paragraph (a GCAP item's
    card line, its status, its likely row), but a list's items ("- ...") kept together."""
    out: list[str] = []
    for line in text.splitlines():
        if out and not (line.startswith("- ") and out[-1].startswith("- ")):
            out.append("")
        out.append(line)
    return "\n".join(out)
