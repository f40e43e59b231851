"""Acronyms the documents define ("Multilateral Environmental Agreements (MEAs)") or spell out
in title case elsewhere ("Standard Operating Procedures" for SOP), for query expansion."""

from __future__ import annotations

import re
from collections.abc import Iterable

_FUNCTION_WORDS = {"of", "and", "the", "for", "on", "to", "in", "&", "a"}
# words are bounded in length: an unbounded word backtracks over a long run of letters (a
# base64 blob) at every position, which is quadratic
_EXPLICIT = re.compile(r"((?:[A-Za-z][\w’'/-]{0,40}\s+){1,10}?)\(([A-Z][A-Za-z0-9]{1,8})\)")
_ACRONYM = re.compile(r"\b([A-Z]{3,6})s?\b")
_TITLE_PHRASE = re.compile(
    r"\b([A-Z][a-z]{1,40}(?:\s+(?:(?:of|and|the|for|on|to|in)\s+)?[A-Z][a-z]{1,40}){1,6})"
)


def _initials(words: list[str]) -> str:
    letters = []
    for word in words:
        if word.lower() in _FUNCTION_WORDS:
            continue
        letters.extend(part[0] for part in word.split("-") if part)
    return "".join(letters).upper()


def _core(acronym: str) -> str:
    """MEAs -> MEA: a plural s is not a letter of the acronym."""
    return acronym[:-1] if acronym.endswith("s") and acronym[:-1].isupper() else acronym


def defined_in(text: str) -> dict[str, str]:
    """Acronym -> long form for each one a text defines: "the Capacity Building Directorate
    (CBD)" (the shortest run of words before the brackets whose initials spell it)."""
    found: dict[str, str] = {}
    for match in _EXPLICIT.finditer(text):
        short = _core(match.group(2))
        words = match.group(1).split()
        for start in range(len(words) - 1, -1, -1):  # the shortest tail whose initials fit
            candidate = words[start:]
            if _initials(candidate) == short.upper() and candidate[0][:1].isupper():
                found.setdefault(short, " ".join(candidate))
                break
    return found


# the last word of a body's or a team's name: "the Enforcement Committee", "the Research Unit"
_POSSESSIVE = re.compile(r"['’]s?$")
_ORGANISATION = re.compile(
    r"committees?|commissions?|councils?|(?:sub-?)?directorates?|units?|teams?|groups?|divisions?|"
    r"programmes?|programs?|secretariats?|offices?",
    re.IGNORECASE,
)


def named_by_initials(text: str, codes: Iterable[str]) -> dict[str, str]:
    """Code -> the words of `text` that name it by their initials, ending in an organisation's
    noun: "the Enforcement Committee" is EC, "the capacity building directorate" CBD, where
    EC and CBD are among `codes` (a table's bodies and teams), though no document spells
    them out. The shortest such run of words before the noun; none for a run of function words."""
    wanted = {c.upper(): c for c in codes if c.isalpha() and c.isupper()}
    words = list(re.finditer(r"[A-Za-z][\w’'-]{0,40}", text))
    found: dict[str, str] = {}
    for n, word in enumerate(words):
        # "the Enforcement Committee's plate": the noun without its possessive, which stays
        noun = _POSSESSIVE.sub("", word.group())
        if not _ORGANISATION.fullmatch(noun):
            continue
        for start in range(n - 1, max(-1, n - 6), -1):
            run = [w.group() for w in words[start : n + 1]]
            if run[0].lower() in _FUNCTION_WORDS:
                continue
            code = wanted.get(_initials(run))
            if code is not None:
                found.setdefault(code, text[words[start].start() : word.start() + len(noun)])
                break
    return found


_CLAUSE_BREAK = re.compile(r"[.;:,()\[\]“”\"!?\n]")
_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]{0,40}")


def by_initials(texts: Iterable[str], letters: int = 3) -> dict[str, str]:
    """Initials -> the one run of two to five words of the texts they are the initials of,
    in any case ("ODS": ozone depleting substances): what a reader's abbreviation the
    documents never use most likely stands for. Initials of two different runs are left out
    (a plural is the same run), and so are those of fewer than `letters` letters."""
    found: dict[str, dict[tuple[str, ...], str]] = {}
    for text in texts:
        for clause in _CLAUSE_BREAK.split(text):
            words = _WORD.findall(clause)
            for start, first in enumerate(words):
                if first.lower() in _FUNCTION_WORDS:
                    continue
                for end in range(start + 2, min(len(words), start + 5) + 1):
                    run = words[start:end]
                    if run[-1].lower() in _FUNCTION_WORDS:
                        continue
                    # "ozone-depleting substance" is "ozone depleting substances"
                    same = tuple(p.lower().removesuffix("s") for w in run for p in w.split("-") if p)
                    # "Customs Co-operation Council": CCOC by its parts, CCC by its words
                    words_only = "".join(w[0] for w in run if w.lower() not in _FUNCTION_WORDS).upper()
                    for initials in {_initials(run), words_only}:
                        if len(initials) >= letters:
                            found.setdefault(initials, {}).setdefault(same, " ".join(run).lower())
    return {initials: next(iter(runs.values())) for initials, runs in found.items() if len(runs) == 1}


def find_acronyms(texts: Iterable[str]) -> dict[str, str]:
    """Acronym -> long form, from explicit definitions first, then title-case spellings."""
    texts = list(texts)
    found: dict[str, str] = {}
    for text in texts:
        for short, long_form in defined_in(text).items():
            found.setdefault(short, long_form)
    used = {m.group(1) for text in texts for m in _ACRONYM.finditer(text)}
    phrases = sorted({m.group(1) for text in texts for m in _TITLE_PHRASE.finditer(text)}, key=len)
    # every span of every phrase by its initials, in the order they are tried: shortest phrase
    # first, then by start and end (one pass over the phrases, not one per acronym)
    spans: dict[str, list[tuple[str, int, str]]] = {}
    for phrase in phrases:
        words = phrase.split()
        for start in range(len(words) - 1):
            for end in range(start + 2, len(words) + 1):
                candidate = words[start:end]
                if candidate[0].lower() in _FUNCTION_WORDS or candidate[-1].lower() in _FUNCTION_WORDS:
                    continue
                spans.setdefault(_initials(candidate), []).append((phrase, start, " ".join(candidate)))
    for short in sorted(used - set(found)):
        for phrase, start, long_form in spans.get(short, ()):
            # inside a phrase only when the phrase has no acronym of its own: "Customs Action
            # Plan" inside "Green Customs Action Plan" (GCAP) is not what CAP stands for
            if start and any(known in phrase for known in found.values()):
                continue
            found[short] = long_form
            break
    return found


def expand(query: str, acronyms: dict[str, str]) -> str:
    """The query with each acronym's long form added (and each long form's acronym)."""
    extra = []
    for token in re.findall(r"\b[A-Z][A-Za-z0-9]{1,8}\b", query):
        long_form = acronyms.get(_core(token)) or acronyms.get(token)
        if long_form and long_form.lower() not in query.lower():
            extra.append(long_form)
    lowered = query.lower()
    for short, long_form in acronyms.items():
        if long_form.lower() in lowered and not re.search(rf"\b{short}s?\b", query):
            extra.append(short)
    return query if not extra else f"{query} ({'; '.join(dict.fromkeys(extra))})"
