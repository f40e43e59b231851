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
# "Dec 2023", "Sept. 2024": how tables and questions shorten a month before a year
SHORT_MONTHS = {m[:3]: i for m, i in MONTHS.items() if m != "may"} | {"sept": 9}
_MONTH_NUMBERS = MONTHS | SHORT_MONTHS
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
PERIOD_NAMES = frozenset([*MONTHS, *SHORT_MONTHS, *SEASONS, "half", "end", "mid"])  # words of a date
# a month, a short month or a season, as a regular expression (longest first)
_NAMED = (
    "|".join(sorted([*MONTHS, *SEASONS], key=len, reverse=True))
    + "|(?:"
    + "|".join(sorted(SHORT_MONTHS, key=len, reverse=True))
    + r")\.?"
)
_PERIOD = re.compile(
    r"\b(" + _NAMED + r")\s+(\d{4})\b|\bFY\s?(\d{2})/(\d{2})\b|\b(\d{4})\b",
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
            name = name.lower().rstrip(".")
            if month := _MONTH_NUMBERS.get(name):
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
PERIOD = "(?:(?:" + _NAMED + r")\s+)?(?:20\d\d)"
# a date anywhere in a text: a month, a season, a year, a financial year, or TBD / continuous
DATE = re.compile(
    r"\b(?:" + "|".join([*MONTHS, *SEASONS]) + r"|(?:19|20)\d\d|FY\s?\d\d|TBD|continuous)\b", re.IGNORECASE
)


def first_day(iso: str) -> str:
    """An ISO day as given, or a month ("2024-01") as its first day ("2024-01-01")."""
    return iso if len(iso) > 7 else iso + "-01"


def describe_due(after: str | None, before: str | None) -> str:
    """A due-date filter (on or after `after`, before `before`; ISO days or months) in the
    words a delegate would use: "due in June 2024", "due in 2023", "due by the end of
    December 2023", "due after 2024"."""
    from datetime import date, timedelta

    def day(iso: str | None) -> date | None:
        try:
            return date.fromisoformat(first_day(iso)) if iso else None
        except ValueError:
            return None

    def month(d: date) -> str:
        return f"{calendar.month_name[d.month]} {d.year}"

    first, end = day(after), day(before)
    if (after and first is None) or (before and end is None):  # not a date: as given
        return ", ".join(filter(None, [after and f"due from {after}", before and f"due before {before}"]))
    last = end - timedelta(days=1) if end else None  # the last day included
    whole_months = end is None or end.day == 1
    if first and last:
        if first.day != 1 or not whole_months:
            return f"due between {first.isoformat()} and {last.isoformat()}"
        if (first.year, first.month) == (last.year, last.month):
            return f"due in {month(first)}"
        if first.year == last.year and (first.month, last.month) == (1, 12):
            return f"due in {first.year}"
        return f"due between {month(first)} and {month(last)}"
    if last:
        if not whole_months:  # a day: "due before 25 November 2026" (today, for "overdue")
            return f"due before {end.day} {month(end)}"
        return f"due by the end of {last.year if last.month == 12 else month(last)}"
    if first.day == 1:
        return f"due from {month(first)}"
    if first + timedelta(days=1) == date(first.year + 1, 1, 1):
        return f"due after {first.year}"
    return f"due after {month(first)}" if (first + timedelta(days=1)).day == 1 else f"due after {first}"
