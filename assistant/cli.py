"""The command line: `python -m assistant build|docs|search ...`, a thin adapter over the library."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from .config import get_settings
from .engine import Assistant
from .errors import AssistantError
from .search import Hit

EXIT_FILES_FAILED = 1
EXIT_ERROR = 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_ERROR
    settings = get_settings()
    if getattr(args, "corpus", None):
        settings = replace(settings, corpus_dir=Path(args.corpus).resolve())
    if getattr(args, "index", None):
        settings = replace(settings, index_dir=Path(args.index).resolve())
    assistant = Assistant(settings)
    try:
        return args.handler(assistant, args)
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
    p.add_argument("--wait", type=float, default=600.0,
                   help="seconds to wait for another running build (default 600)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(handler=_build)

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
            bars[stage] = tqdm(total=total, desc=f"{stage:>5}", unit="doc" if stage == "load" else "item",
                               file=sys.stderr, leave=False)
        bars[stage].update(advance)

    try:
        summary = assistant.build(progress=progress, wait=args.wait)
    finally:
        for bar in bars.values():
            bar.close()
    for name, message in summary.failed.items():
        kept = " (its previous version stays indexed)" if name in summary.kept else ""
        print(f"failed: {message}{kept}", file=sys.stderr)
    state = "updated to" if summary.changed else "unchanged at"
    print(
        f"index {state} {summary.generation}: "
        f"{len(summary.added)} added, {len(summary.updated)} updated, "
        f"{len(summary.unchanged)} unchanged, {len(summary.removed)} removed, "
        f"{len(summary.failed)} failed; {summary.passages} passages, {summary.actions} action rows; "
        f"{summary.embedded} embedded; {summary.seconds:.1f} s"
    )
    return EXIT_FILES_FAILED if summary.failed else 0


def _docs(assistant: Assistant, args) -> int:
    documents = assistant.documents()
    if args.json:
        print(json.dumps([d.__dict__ for d in documents], ensure_ascii=False, indent=2))
        return 0
    for d in documents:
        print(f"{d.doc}\n  {d.title} ({d.kind}{', ' + d.date if d.date else ''})"
              f"\n  {d.pages} pages, {d.passages} passages, {d.actions} action rows; "
              f"indexed {d.indexed_at}")
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
        print(f"{rank}. [{hit.score:.4f}] {titles.get(item.doc, item.doc)}, {where}"
              f"{' | ' + item.section if item.section else ''}")
        text = item.text if len(item.text) <= 300 else item.text[:297] + "..."
        print(f"   {text}\n")
    return 0


def _hit_json(hit: Hit, titles: dict[str, str]) -> dict:
    item = hit.item
    return {
        "kind": item.kind, "doc": item.doc, "title": titles.get(item.doc, item.doc),
        "page": item.page, "section": item.section, "paragraph": item.paragraph,
        "text": item.text, "score": round(hit.score, 6),
        "dense": None if hit.dense is None else round(hit.dense, 6),
        "keyword": None if hit.keyword is None else round(hit.keyword, 6),
    }
