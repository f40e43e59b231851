"""A conversation as Markdown, with its citations, for delegates to keep or share."""

from __future__ import annotations

from collections.abc import Sequence

from .answer import Answer


def to_markdown(turns: Sequence[Answer], title: str = "Green Customs plan assistant") -> str:
    """Questions, answers and, under each answer, its numbered sources."""
    lines = [f"# {title}", ""]
    for turn in turns:
        lines += [f"**Q:** {turn.question}", "", turn.text, ""]
        if turn.citations:
            lines.append("Closest passages:" if turn.abstained else "Sources:")
            for n, c in enumerate(turn.citations, 1):
                where = f"p. {c.page}" + (f", {c.paragraph}" if c.paragraph else "")
                section = f" — {c.section}" if c.section else ""
                lines.append(f"{n}. {c.title}, {where}{section}: “{c.quote or c.text}”")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
