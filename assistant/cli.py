"""The command line: `python -m assistant build|docs|search ...`, a thin adapter over the library."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from .answer.search import Hit
from .config import get_settings
from .engine import Assistant
from .errors import AssistantError, shown

EXIT_FILES_FAILED = 1
EXIT_ERROR = 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_ERROR
    try:
        settings = get_settings()
        if getattr(args, "corpus", None):
            settings = replace(settings, corpus_dir=Path(args.corpus).resolve())
        if getattr(args, "index", None):
            settings = replace(settings, index_dir=Path(args.index).resolve())
        return args.handler(Assistant(settings), args)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant", description="Offline assistant over the Green Customs documents."
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus", help="corpus folder (default: $ASSISTANT_CORPUS or corpus/)")
    common.add_argument("--index", help="index folder (default: $ASSISTANT_INDEX or index/)")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("build", parents=[common], help="build or update the index")
    p.add_argument(
        "--wait", type=float, default=600.0, help="seconds to wait for another running build (default 600)"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(handler=_build)

    p = sub.add_parser("ask", parents=[common], help="answer a question, with citations")
    p.add_argument("question", help="the question, or - to read one question per line from stdin")
    p.add_argument("--json", action="store_true", help="one JSON object per question")
    p.add_argument("--explain", action="store_true", help="also show how the question was read and judged")
    p.set_defaults(handler=_ask)

    p = sub.add_parser("eval", parents=[common], help="run the evaluation question set")
    p.add_argument("file", nargs="?", help="questions (JSON lines; default eval/questions.jsonl)")
    p.add_argument("--verbose", action="store_true", help="show every question that misses")
    p.add_argument("--no-baseline", action="store_true", help="skip the naive baselines")
    p.add_argument(
        "--split", choices=("dev", "test", "all"), default="all", help="which questions (default: all)"
    )
    p.set_defaults(handler=_eval)

    p = sub.add_parser("tune", parents=[common], help="fit the router and the abstention on the dev split")
    p.add_argument("file", nargs="?", help="questions (JSON lines; default eval/questions.jsonl)")
    p.set_defaults(handler=_tune)

    p = sub.add_parser("bench", parents=[common], help="warm ask latency over the evaluation questions")
    p.add_argument("--rounds", type=int, default=5, help="times each question is asked (default 5)")
    p.set_defaults(handler=_bench)

    p = sub.add_parser("actions", parents=[common], help="action rows, filtered (case-insensitive)")
    p.add_argument("--json", action="store_true", help="a JSON list of rows")
    p.add_argument("--body", help="body in charge, e.g. EC")
    p.add_argument("--team", help="responsible team, e.g. Compliance")
    p.add_argument("--priority", help="A, B or ?")
    p.add_argument("--so", help="strategic objective, e.g. SO3 or ORG")
    p.add_argument("--section", help="strategic priority, e.g. SP2")
    p.add_argument("--topic", help="the table's topic, whole, e.g. Waste")
    p.add_argument("--status", help="status from the updates, e.g. 'in progress'")
    p.add_argument("--due-before", help="due before a month or day, e.g. 2024-01")
    p.add_argument("--text", help="words that must all occur in the action, topic, objective or KPI")
    p.add_argument("--csv", metavar="FILE", help="also write the rows to a CSV file")
    p.add_argument("--xlsx", metavar="FILE", help="also write the rows to an Excel file")
    p.set_defaults(handler=_actions)

    p = sub.add_parser("status", parents=[common], help="status items (GCAP-n) and their plan rows")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_status)

    p = sub.add_parser("register", help="write a PDF's action table as a register CSV to review")
    p.add_argument("pdf", help="the PDF in the corpus")
    p.add_argument("--output", help="where to write (default: beside the PDF, <name>.actions.csv)")
    p.set_defaults(handler=_register)

    p = sub.add_parser("docs", parents=[common], help="list the indexed documents")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_docs)

    p = sub.add_parser("search", parents=[common], help="top passages for a text")
    p.add_argument("text")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_search)
    return parser


def _build(assistant: Assistant, args) -> int:
    bars: dict[str, object] = {}

    def progress(stage: str, advance: int, total: int) -> None:
        if args.quiet or not total:
            return
        from tqdm import tqdm

        if stage not in bars:
            bars[stage] = tqdm(
                total=total,
                desc=f"{stage:>5}",
                unit="doc" if stage == "load" else "item",
                file=sys.stderr,
                leave=False,
            )
        bars[stage].update(advance)

    def notice(line: str) -> None:
        print(f"note: {line}", file=sys.stderr, flush=True)

    try:
        summary = assistant.build(progress=progress, wait=args.wait, notice=notice)
    finally:
        for bar in bars.values():
            bar.close()
    # one line each; every name in them is escaped (errors.shown): a name cannot forge a line
    for name, message in summary.failed.items():
        kept = " (its previous version stays indexed)" if name in summary.kept else ""
        print(f"failed: {message}{kept}", file=sys.stderr)
    for name, messages in summary.warnings.items():
        for message in messages:
            print(f"warning: {shown(name)}: {message}", file=sys.stderr)
    warned = sum(len(m) for m in summary.warnings.values())
    state = "updated to" if summary.changed else "unchanged at"
    print(
        f"index {state} {summary.generation}: "
        f"{len(summary.added)} added, {len(summary.updated)} updated, "
        f"{len(summary.unchanged)} unchanged, {len(summary.removed)} removed, "
        f"{len(summary.failed)} failed; {warned} warning{'' if warned == 1 else 's'}; "
        f"{summary.passages} passages, "
        f"{summary.actions} action rows; {summary.embedded} embedded; {summary.seconds:.1f} s"
    )
    return EXIT_FILES_FAILED if summary.failed else 0


def _ask(assistant: Assistant, args) -> int:
    questions = sys.stdin if args.question == "-" else [args.question]
    for line in questions:
        question = line.strip()
        if not question:
            continue
        answer = assistant.ask(question)
        if args.explain:
            _explain(assistant, question, answer)
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
            continue
        print(answer.text)
        label = "Closest passages" if answer.abstained else "Sources"
        print(f"\n{label}:")
        for n, c in enumerate(answer.citations, 1):
            print(f"[{n}] {c.title}, {c.label}{' | ' + c.section if c.section else ''}")
        print()
    return 0


def _explain(assistant: Assistant, question: str, answer) -> None:
    """How a question was read (words, route, filters) and the evidence its answer was judged on."""
    reading = assistant.answerer().read(question)
    out = sys.stderr
    print(f"read as: {reading.text}", file=out)
    for w in reading.words:
        matches = ", ".join(f"{t}" + (f" ({s:.2f})" if s < 1 else "") for t, s in w.matches[:4])
        print(f"  {w.text:<16} {w.how:<10} weight {w.weight:4.2f}  {matches}", file=out)
    routes = ", ".join(
        f"{r} {p:.2f}" for r, p in sorted(reading.routes.items(), key=lambda kv: -kv[1]) if p >= 0.05
    )
    print(f"routes: {routes}", file=out)
    filters = {k: v for k, v in reading.where.__dict__.items() if v}
    if filters:
        print(f"filters: {filters}", file=out)
    if reading.precedent.items:  # the items an answered question like this one was answered by
        items = assistant.answerer().items_by_id
        named = "; ".join(
            f"row {items[i].data.get('row')}" if items[i].kind == "action" else f"“{items[i].text[:60]}…”"
            for i in sorted(reading.precedent.items)
        )
        print(f"precedent: strength {reading.precedent.strength:.2f}, leans to {named}", file=out)
    if answer.evidence is not None:
        values = ", ".join(f"{k} {v:.2f}" for k, v in answer.evidence.__dict__.items())
        print(f"evidence: {values}; P(answered) {answer.confidence:.2f}", file=out)
    print(f"route taken: {answer.route}\n", file=out)


def _eval(assistant: Assistant, args) -> int:
    from .tooling.evaluation import DEFAULT_QUESTIONS, load_questions, report

    questions = load_questions(Path(args.file) if args.file else DEFAULT_QUESTIONS, split=args.split)
    figures, outcomes = report(assistant, questions, baseline=not args.no_baseline)
    if args.verbose:
        for o in outcomes:
            if not (o.correct and (o.hit1 or not o.question.scored_as_answerable)):
                print(
                    f"MISS [{o.question.split}] {o.question.id} hit1={o.hit1} correct={o.correct} "
                    f"route={o.answer.route}: {o.question.question}\n     -> {o.answer.text[:300]}"
                )
    names = list(figures)
    print(f"{'':>24}" + "".join(f"{name:>24}" for name in names))
    for row in figures[names[0]]:
        cells = []
        for name in names:
            value = figures[name].get(row)
            cells.append(f"{value:>24.3f}" if isinstance(value, float) else f"{value!s:>24}")
        print(f"{row:>24}" + "".join(cells))
    if "dev" in figures:
        print(
            "dev is what `assistant tune` fits on (its questions are the abstention's labelled "
            "examples and the precedents, each its own nearest): judge by test; tune prints dev "
            "left out of its own"
        )
    return 0


def _tune(assistant: Assistant, args) -> int:
    from .tooling.evaluation import DEFAULT_QUESTIONS, load_questions
    from .tooling.tuning import fit_abstention, fit_precedents, fit_router, precedents_by_set

    dev = load_questions(Path(args.file) if args.file else DEFAULT_QUESTIONS, split="dev")
    router = fit_router(assistant, dev)
    print(f"router: {router['examples']} examples, {len(router['vocabulary'])} frame words")
    precedents = fit_precedents(assistant, dev)
    by_set = precedents_by_set(assistant, dev)
    print(
        f"precedents: {precedents['questions']} answered dev questions; on dev, each set of "
        "questions answered with the other sets' precedents: "
        + "; ".join(
            f"{figure} {by_set['others'][figure]:.3f} (without precedents {by_set['none'][figure]:.3f})"
            for figure in ("hit@1", "answer accuracy")
        )
    )
    abstention = fit_abstention(assistant, dev)
    weights = ", ".join(
        f"{n} {w:+.2f}" for n, w in zip(abstention["features"], abstention["coef"], strict=True)
    )
    print(f"abstention: {abstention['fitted_on']}; {weights}; threshold {abstention['threshold']:.3f}")
    held = abstention["left_one_out"]
    print(
        f"abstention on dev, each question left out of its own neighbours: unanswerable caught "
        f"{held['unanswerable caught']:.3f}, answerable refused {held['answerable refused']:.3f}"
    )
    return 0


def _bench(assistant: Assistant, args) -> int:
    from .tooling.benchmark import ask_latency

    for line in ask_latency(assistant, rounds=args.rounds):
        print(line)
    return 0


def _actions(assistant: Assistant, args) -> int:
    from .exports import write_csv, write_xlsx
    from .ingest.actions import ActionFilter

    where = ActionFilter(
        body=args.body,
        team=args.team,
        priority=args.priority,
        so=args.so,
        section=args.section,
        topic=args.topic,
        status=args.status,
        due_before=args.due_before,
        text=args.text,
    )
    rows = assistant.actions(where)
    if args.csv:
        write_csv(rows, Path(args.csv))
    if args.xlsx:
        write_xlsx(rows, Path(args.xlsx))
    if args.json:
        print(json.dumps([r.contract_dict() for r in rows], ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        owners = ", ".join(r.body_in_charge) or "—"
        teams = ", ".join(r.responsible_team) or "—"
        status = f"; {r.gcap} {r.status} (likely match)" if r.gcap else ""
        print(
            f"{r.id} [{r.priority or '-'}] {r.timeframe or 'no timeframe'} | {owners} / {teams}{status}\n"
            f"   {r.action}"
        )
    print(f"{len(rows)} action row(s)", file=sys.stderr)
    return 0


def _status(assistant: Assistant, args) -> int:
    items = assistant.status_items()
    if args.json:
        print(json.dumps([i.to_dict() for i in items], ensure_ascii=False, indent=2))
        return 0
    for i in items:
        link = f" -> likely {i.link} (score {i.link_score})" if i.link else ""
        into = f", consolidated into {i.consolidated_into}" if i.consolidated_into else ""
        print(f"{i.code}: {i.status or 'no status given'}{into}{link}\n   {i.text or i.evidence}")
    return 0


def _register(assistant: Assistant, args) -> int:
    from .ingest.actions import register_path, write_register
    from .ingest.tables import extract_rows

    pdf = Path(args.pdf)
    rows = extract_rows(pdf, pdf.name)
    output = Path(args.output) if args.output else register_path(pdf)
    write_register(rows, output)
    print(f"{len(rows)} action row(s) written to {output}; review them, then run build")
    return 0


def _docs(assistant: Assistant, args) -> int:
    documents = assistant.documents()
    if args.json:
        print(json.dumps([d.__dict__ for d in documents], ensure_ascii=False, indent=2))
        return 0
    for d in documents:
        print(
            f"{shown(d.doc)}\n  {shown(d.title)} ({d.kind}{', ' + d.date if d.date else ''})"
            f"\n  {d.pages} pages, {d.passages} passages, {d.actions} action rows; "
            f"indexed {d.indexed_at}"
        )
    return 0


def _search(assistant: Assistant, args) -> int:
    hits = assistant.search(args.text, k=args.k)
    titles = {d.doc: d.title for d in assistant.documents()}
    if args.json:
        print(json.dumps([_hit_json(h, titles) for h in hits], ensure_ascii=False, indent=2))
        return 0
    for rank, hit in enumerate(hits, 1):
        item = hit.item
        where = f"p. {item.page}" + (f", ¶ {item.paragraph}" if item.paragraph else "")
        print(
            f"{rank}. [{hit.score:.4f}] {titles.get(item.doc, item.doc)}, {where}"
            f"{' | ' + item.section if item.section else ''}"
        )
        text = item.text if len(item.text) <= 300 else item.text[:297] + "..."
        print(f"   {text}\n")
    return 0


def _hit_json(hit: Hit, titles: dict[str, str]) -> dict:
    item = hit.item
    return {
        "kind": item.kind,
        "doc": item.doc,
        "title": titles.get(item.doc, item.doc),
        "page": item.page,
        "section": item.section,
        "paragraph": item.paragraph,
        "text": item.text,
        "score": round(hit.score, 6),
        "dense": None if hit.dense is None else round(hit.dense, 6),
        "keyword": None if hit.keyword is None else round(hit.keyword, 6),
    }
