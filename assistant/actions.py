"""The plan's action table as records (ActionRow): who owns what, when, with which KPI."""

from __future__ import annotations

import re

# Header cells of an action table, as plans spell them (matched in lower case).
_HEADER_WORDS = ("objective", "action", "timeframe", "priority", "kpi", "body in charge",
                 "responsible")
_TABLE_END = re.compile(r"^\s*_{5,}\s*$")


def table_region(lines: list[str]) -> tuple[int, int] | None:
    """Line range [start, end) of an action table in extracted text, or None.

    The table starts at the header line that names at least three of its columns (with the
    header cells broken onto the lines just above it) and ends at the closing rule or the end.
    """
    for i, line in enumerate(lines):
        lowered = line.lower()
        if len(line) > 160 or sum(word in lowered for word in _HEADER_WORDS) < 3:
            continue
        start, j = i, i - 1
        while j >= 0 and i - j <= 6:
            above = lines[j].strip()
            if above and (len(above.split()) > 2 or above.endswith((".", ":", ";"))):
                break
            if above:
                start = j
            j -= 1
        end = next((k for k in range(i + 1, len(lines)) if _TABLE_END.match(lines[k])), len(lines))
        return start, min(end + 1, len(lines))
    return None
