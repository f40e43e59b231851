"""Reading a question: what is asked (owner, date, priority, KPI, status, a list, a GCAP item,
or free text), which filters it names, and whether it leans on the previous turn."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .actions import ActionFilter

FIELD_PATTERNS = {
    "owner": r"\bwho\b|\bwhich (?:body|bodies|team|teams|unit|units|directorate|committee)\b|"
    r"\bresponsib|\bin charge\b|\bowns?\b|\bowner|\bowned\b|\bleads?\b|\bleading\b|"
    r"\bbody in charge\b|\bworks? on\b",
    "when": r"\bwhen\b|\bdeadline|\btime ?frame|\btimeline|\bdue\b|\bby what date\b|\bschedul",
    "priority": r"\bpriority\b|\bprioriti[sz]ed\b|\bhow important\b",
    "kpi": r"\bkpis?\b|\bindicators?\b|\bmeasured\b|\bmeasure of success\b|\bsuccess\b",
    "status": r"\bstatus\b|\bprogress\b|\bdelivered\b|\bwhere does\b.*\bstand\b|\bdone\b",
}
# a strong owner question names ownership itself; a bare "who" may be narrative ("who initiated")
STRONG_OWNER = (
    r"\bwhich (?:body|bodies|team|teams|unit)\b|\bresponsib|\bin charge\b|\bowns?\b|\bowner|\bowned\b"
)
_GCAP = re.compile(r"\bGCAP\s*(?:[-‐‑–]|item|action|no\.?|number|#)?\s*(\d{1,3})\b", re.IGNORECASE)
_LIST = re.compile(
    r"^\s*(?:list|show|which|what|how many|all)\b.*\bactions?\b|\bactions?\b.*\b(?:owned|led|for|of|by|"
    r"under|on|about|due|with)\b|\bwhat (?:is|are|does|do) .+ (?:in charge of|responsible for|own|lead)\b"
    r"|\b(?:list|all) .*\b(?:items|rows)\b",
    re.IGNORECASE,
)
_PRIORITY = re.compile(r"\bpriority[- ]?([AB?])(?![\w])|\b([AB])[- ]priority\b", re.IGNORECASE)
_SO = re.compile(r"\b(SO\s?[1-4]|ORG)\b")
_SECTION = re.compile(r"\bSP\s?([1-5])\b", re.IGNORECASE)
_DUE_YEAR = re.compile(r"\bdue (?:in|during) (\d{4})\b", re.IGNORECASE)
_DUE_BEFORE = re.compile(r"\bdue (?:before|by) (?:(\w+) )?(\d{4})\b", re.IGNORECASE)
_TOPIC = re.compile(
    r"\b(?:on|about|concerning|regarding|related to|relating to|dealing with)\s+"
    r"(?:the\s+)?([a-z][a-z-]{2,})",
    re.IGNORECASE,
)
_FOLLOW_UP = re.compile(
    r"^\s*(?:and|also|what about|how about)\b|\b(?:it|its|that|this|they|them|those|these|the same|"
    r"that one|this one|else)\b",
    re.IGNORECASE,
)
_MONTHS = "january february march april may june july august september october november december".split()


@dataclass(frozen=True)
class Intent:
    route: str  # "gcap", "list", "field" or "passage"
    fields: tuple[str, ...] = ()
    gcap: str | None = None
    where: ActionFilter = field(default_factory=ActionFilter)
    strong_owner: bool = False
    follow_up: bool = False


def read(question: str, bodies: set[str], teams: set[str]) -> Intent:
    """What a question asks, given the bodies and teams the plan names."""
    fields = tuple(
        name for name, pattern in FIELD_PATTERNS.items() if re.search(pattern, question, re.IGNORECASE)
    )
    strong = bool(re.search(STRONG_OWNER, question, re.IGNORECASE))
    follow = bool(_FOLLOW_UP.search(question))
    if gcap := _GCAP.search(question):
        return Intent("gcap", fields, f"GCAP-{int(gcap.group(1))}", strong_owner=strong, follow_up=follow)
    status = _status_word(question)
    if status and re.search(r"\bGCAP\b|\bitems?\b", question, re.IGNORECASE):
        return Intent("status-list", fields, where=ActionFilter(status=status), follow_up=follow)
    where = _filters(question, bodies, teams)
    if _LIST.search(question) and where != ActionFilter():
        return Intent("list", fields, where=where, strong_owner=strong, follow_up=follow)
    if fields:
        return Intent("field", fields, strong_owner=strong, follow_up=follow)
    return Intent("passage", follow_up=follow)


def _filters(question: str, bodies: set[str], teams: set[str]) -> ActionFilter:
    body = team = None
    asks_team = bool(re.search(r"\bteams?\b|\bunits?\b", question, re.IGNORECASE))
    for name in sorted(bodies | teams, key=len, reverse=True):
        # "Facilitation" inside "Procedures and Facilitation Sub-directorate" is not the team
        if not re.search(
            rf"(?<![\w-]){re.escape(name)}(?![\w-])(?!\s+(?:Sub-|Directorate|Programme))",
            question,
            0 if name.isupper() else re.IGNORECASE,
        ):
            continue
        if name in teams and (name not in bodies or asks_team):
            team = team or name
        else:
            body = body or name
    priority = None
    if match := _PRIORITY.search(question):
        priority = (match.group(1) or match.group(2)).upper()
    so = _SO.search(question)
    section = _SECTION.search(question)
    due_before = due_after = None
    if match := _DUE_YEAR.search(question):
        due_after, due_before = f"{match.group(1)}-01-01", f"{int(match.group(1)) + 1}-01"
    elif match := _DUE_BEFORE.search(question):
        month = (match.group(1) or "").lower()
        number = _MONTHS.index(month) + 1 if month in _MONTHS else 1
        due_before = f"{match.group(2)}-{number:02d}"
    status = _status_word(question)
    text = None
    if match := _TOPIC.search(question):
        word = match.group(1).lower()
        if word not in {n.lower() for n in bodies | teams} and word not in {"the", "priority", "which"}:
            text = word
    return ActionFilter(
        body=body,
        team=team,
        priority=priority,
        so=so.group(1).replace(" ", "") if so else None,
        section=f"SP{section.group(1)}" if section else None,
        status=status,
        due_before=due_before,
        due_after=due_after,
        text=text,
    )


def _status_word(question: str) -> str | None:
    if re.search(r"\bin progress\b|\bpending\b|\bongoing\b", question, re.IGNORECASE):
        return "in progress"
    if re.search(r"\bdelivered\b|\bcompleted\b|\bfinished\b", question, re.IGNORECASE):
        return "delivered"
    return None
