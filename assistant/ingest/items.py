"""What a corpus file contributes to the index: its record, its pages and its items (passages,
action rows, status items), before they are embedded. Plain data, sent as JSON from the worker
that reads the file."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Item:
    """One searchable thing: a passage, an action row or a status item."""

    kind: str
    doc: str
    ordinal: int
    page: int
    section: str
    paragraph: str
    text: str
    context: str = ""
    data: dict = field(default_factory=dict)
    search_text: str = ""
    id: int = 0


@dataclass(frozen=True)
class DocumentRecord:
    doc: str
    title: str
    kind: str
    date: str
    meeting: str
    path: str
    sha256: str
    pages: int
    passages: int
    actions: int
    indexed_at: str


@dataclass
class Prepared:
    """A file read: its record, its pages (doc, number, text) and its items; `vectors` is set
    when the items are embedded (or reused from the previous generation)."""

    record: DocumentRecord
    pages: list[tuple[str, int, str]]
    items: list[Item]
    vectors: object = None  # numpy array once embedded
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "record": asdict(self.record),
            "pages": [list(p) for p in self.pages],
            "items": [asdict(i) for i in self.items],
            "warnings": self.warnings,
        }

    @classmethod
    def from_json(cls, data: dict) -> Prepared:
        return cls(
            DocumentRecord(**data["record"]),
            [tuple(p) for p in data["pages"]],
            [Item(**i) for i in data["items"]],
            None,
            list(data["warnings"]),
        )
