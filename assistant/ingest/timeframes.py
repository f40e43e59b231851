"""Timeframes as plans write them ("Autumn 2023 (PTC) June 2024 (Council)", "FY23/24", "TBD")
and as questions name them ("due before 2024", "in June 2024"): the one place that knows the
names of months and seasons."""

from __future__ import annotations

import calendar
import re

MONTHS = {
    m: i
    for i, m in enumerate(
        "january february march april may june july august september october november december".split(), 1
    )
}
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
_PERIOD = re.compile(
    r"\b(" + "|".join([*MONTHS, *SEASONS]) + r")\s+(\d{4})\b|\bFY\s?(\d{2})/(\d{2})\b|\b(\d{4})\b",
    re.IGNORECASE,
)


def parse_timeframe(text: str) -> tuple[str | None, str | None]:
    """A timeframe as written ("Autumn 2023 (PTC) June 2024 (Council)") as an ISO date range.

    The range runs from the start of the first period named to the end of the last one;
    "TBD", "Continuous", "Ongoing" have none. WCO financial years run July to June.
    """
    spans = []
    for match in _PERIOD.finditer(text or ""):
        name, year, fy_from, fy_to, bare_year = match.groups()
        if name:
            year = int(year)
            name = name.lower()
            if name in MONTHS:
                month = MONTHS[name]
                spans.append(((year, month), (year, month)))
            else:
                first, last = SEASONS[name]
                spans.append(((year, first), (year + (last < first), last)))
        elif fy_from:
            spans.append(((2000 + int(fy_from), 7), (2000 + int(fy_to), 6)))
        elif bare_year and 1990 < int(bare_year) < 2100:
            spans.append(((int(bare_year), 1), (int(bare_year), 12)))
    if not spans:
        return None, None
    (y1, m1), (y2, m2) = spans[0][0], spans[-1][1]
    start = f"{y1:04d}-{m1:02d}-01"
    if re.match(r"\s*continuous", text, re.IGNORECASE):
        return start, None  # "Continuous (from FY23/24)": a start, no end
    return start, f"{y2:04d}-{m2:02d}-{_month_days(y2, m2):02d}"


def _month_days(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


# a month or season with a year, or a year alone: what a question may name as a date
PERIOD = "(?:(?:" + "|".join([*MONTHS, *SEASONS]) + r")\s+)?(?:20\d\d)"
# a date anywhere in a text: a month, a season, a year, a financial year, or TBD / continuous
DATE = re.compile(
    r"\b(?:" + "|".join([*MONTHS, *SEASONS]) + r"|(?:19|20)\d\d|FY\s?\d\d|TBD|continuous)\b", re.IGNORECASE
)
