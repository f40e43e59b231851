"""The document reader's text: passages laid out as the document is written, safe to render.

Pure functions (no Streamlit), so what the reader shows is tested without a browser."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ui.common import escape

# an inline list as text extraction leaves it: "...in particular: - SDG 2: ... - SDG 3: ..."
_BULLET = re.compile(r"\s+[-•▪–]\s+(?=\S)")


@dataclass(frozen=True)
class Block:
    """One thing the reader shows: a heading or a passage, as Markdown."""

    markdown: str
    item_id: int | None = None  # the passage shown, None for a heading
    heading: bool = False


def split_list(text: str) -> tuple[str, list[str]]:
    """A passage's lead-in and its list items, when it holds a list run into one line: the
    first marker must open the text or follow a colon, so a dash inside a sentence stays."""
    parts = _BULLET.split(" " + text if text[:1] in "-•▪–" else text)
    lead = parts[0].strip()
    if len(parts) < 2 or (lead and not lead.endswith(":")):
        return text, []
    return lead, [p.strip() for p in parts[1:] if p.strip()]


def blocks(passages, responsible: dict[str, str] | None = None) -> list[Block]:
    """Headings once (a passage that starts with its own heading is not preceded by it twice),
    paragraph numbers and item codes once per paragraph, and lists as lists. An update's item
    ends with its table's "responsible" cell, run on by the text stream: given `responsible`
    (code -> unit), that cell is shown on a line of its own."""
    responsible = responsible or {}
    out: list[Block] = []
    section = paragraph = None
    for passage in passages:
        text = passage.text.strip()
        if passage.paragraph.startswith("footnote"):  # under the page's text, not a section's
            note = escape(passage.paragraph[:1].upper() + passage.paragraph[1:])
            out.append(Block(f"*{note}:* {escape(text)}", item_id=passage.id))
            continue
        if passage.section and passage.section != section:
            section = passage.section
            if text.startswith(section):
                text = text[len(section) :].lstrip(" :.")
            out.append(Block(f"#### {escape(section)}", heading=True))
        label = ""
        if passage.paragraph and passage.paragraph != paragraph:
            label = f"**{escape(passage.paragraph)}.** "
            # an item that opens with its own code ("GCAP-25 Collect ...") is labelled by it once
            if re.match(rf"{re.escape(passage.paragraph)}\b", text):
                text = text[len(passage.paragraph) :].lstrip(" :.")
        paragraph = passage.paragraph or None
        unit = responsible.get(passage.paragraph, "")
        if unit and text.endswith(unit) and len(text) > len(unit):
            text = text[: -len(unit)].rstrip()
        else:
            unit = ""
        lead, items = split_list(text)
        body = label + escape(lead)
        if unit:
            body += f"  \n*Responsible: {escape(unit)}*"
        if items:
            body += "\n\n" + "\n".join(f"- {escape(item)}" for item in items)
        out.append(Block(body.strip(), item_id=passage.id))
    return out
