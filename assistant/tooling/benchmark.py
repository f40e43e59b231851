"""Benchmarks that print figures (never timed tests): warm ask latency against its floor."""

from __future__ import annotations

import statistics
import time

from ..config import get_settings
from ..engine import Assistant
from .evaluation import DEFAULT_QUESTIONS, load_questions


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def ask_latency(assistant: Assistant, rounds: int = 5) -> list[str]:
    """Median and p95 of warm `ask` over the evaluation questions, next to one query embedding
    (the floor, timed alone in a loop), and the embedding's share of each ask (timed inside it:
    the same work, run between the answer's other steps)."""
    questions = [q.question for q in load_questions(DEFAULT_QUESTIONS)]
    assistant.ask(questions[0])  # load the model and the index: "warm" means after this
    embedder = assistant.embedder
    encode = embedder.encode
    inside: list[float] = []  # milliseconds of embedding within the current ask

    def timed_encode(*args, **kwargs):
        started = time.perf_counter()
        try:
            return encode(*args, **kwargs)
        finally:
            inside.append((time.perf_counter() - started) * 1000)

    ask_ms, embed_ms, within_ms = [], [], []
    for _ in range(rounds):  # each round: the floor over all questions, then ask over all
        for question in questions:
            started = time.perf_counter()
            encode([question])
            embed_ms.append((time.perf_counter() - started) * 1000)
        embedder.encode = timed_encode
        try:
            for question in questions:
                inside.clear()
                started = time.perf_counter()
                assistant.ask(question)
                ask_ms.append((time.perf_counter() - started) * 1000)
                within_ms.append(sum(inside))
        finally:
            del embedder.encode  # the class's method again
    ratio = statistics.median(ask_ms) / statistics.median(embed_ms)
    rest = [a - e for a, e in zip(ask_ms, within_ms, strict=True)]

    def line(label: str, values: list[float]) -> str:
        median, p95 = statistics.median(values), _percentile(values, 0.95)
        return f"{label:<23} median {median:6.1f} ms   p95 {p95:6.1f} ms"

    return [
        f"questions: {len(questions)} x {rounds} rounds",
        line("ask (warm):", ask_ms),
        line("query embedding floor:", embed_ms),
        f"ask / floor (medians): {ratio:.2f}x",
        line("  embedding, in ask:", within_ms),
        line("  the rest of ask:", rest),
    ]


# ---------------------------------------------------------------- build, peer, scale, 1M


def _openvino_hints(embedder, texts: list[str]) -> str:
    """Items/s of the converted model under OpenVINO's two performance hints, batch 32, with
    as many requests in flight as each hint asks for: is more than the latency hint's one
    request at a time (what the embedder runs) faster on this machine?"""
    from ..index.embedding import BATCH_SIZE, COMPILE, OPENVINO_MODEL, exported_model_dir, import_openvino

    openvino = import_openvino()
    embedder.load()
    model_path = exported_model_dir(embedder.model_dir, embedder.fingerprint) / OPENVINO_MODEL
    texts = sorted(texts, key=len, reverse=True)  # as encode() batches them: little padding
    feeds = [embedder.feed(texts[start : start + BATCH_SIZE]) for start in range(0, len(texts), BATCH_SIZE)]
    rates = []
    for hint in ("LATENCY", "THROUGHPUT"):
        model = openvino.Core().compile_model(str(model_path), "CPU", {**COMPILE, "PERFORMANCE_HINT": hint})
        requests = model.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS")
        queue = openvino.AsyncInferQueue(model, requests)
        for feed in feeds[:requests]:  # a compiled model's first inference sets itself up
            queue.start_async(feed)
        queue.wait_all()
        started = time.perf_counter()
        for feed in feeds:
            queue.start_async(feed)
        queue.wait_all()
        rate = len(texts) / (time.perf_counter() - started)
        rates.append(f"{hint.lower()} ({requests} in flight): {rate:.0f}")
    return "  openvino items/s by performance hint (batch 32, one pass each after a warm-up): " + ", ".join(
        rates
    )


def build_figures(corpus_dir, workdir, rounds: int = 5) -> list[str]:
    """Each backend: model load, a full build of the corpus from nothing, a no-change rebuild;
    then embedding throughput and the query floor, the two backends alternating in one run."""
    from pathlib import Path

    from ..index.build import build
    from ..index.embedding import BATCH_SIZE, bundled_embedder, default_backend

    backends = ["torch"] + (["openvino"] if default_backend() == "openvino" else [])
    lines, embedders = [], {}
    for backend in backends:
        started = time.perf_counter()
        embedder = embedders[backend] = bundled_embedder(backend)
        embedder.load()
        load = time.perf_counter() - started
        index = Path(workdir) / f"bench-index-{backend}"
        full = build(corpus_dir, index, embedder)
        again = build(corpus_dir, index, embedder)
        lines += [
            f"{embedder.backend}: model load {load:.1f} s; full build of the corpus ({full.passages} "
            f"passages, {full.actions} action rows, {full.embedded} items embedded) {full.seconds:.1f} s, "
            f"{load + full.seconds:.1f} s with the model load; no-change rebuild "
            f"{again.seconds * 1000:.0f} ms (changed: {again.changed})"
        ]
    texts = [i.search_text or i.text for i in _items(index, embedder)]
    questions = [q.question for q in load_questions(DEFAULT_QUESTIONS)][:60]
    rates: dict[str, list[float]] = {b: [] for b in backends}
    floors: dict[str, list[float]] = {b: [] for b in backends}
    for _ in range(rounds):  # alternating, so a busy moment of the machine hits both
        for backend in backends:
            started = time.perf_counter()
            embedders[backend].encode(texts)
            rates[backend].append(len(texts) / (time.perf_counter() - started))
            for question in questions:
                started = time.perf_counter()
                embedders[backend].encode([question])
                floors[backend].append((time.perf_counter() - started) * 1000)
    lines.append(
        f"embedding throughput on the corpus's {len(texts)} items (mean "
        f"{sum(map(len, texts)) / len(texts):.0f} characters), batch {BATCH_SIZE}, median of {rounds}:"
    )
    for backend in backends:
        lines.append(
            f"  {embedders[backend].backend:<18} {statistics.median(rates[backend]):6.0f} items/s   "
            f"query floor median {statistics.median(floors[backend]):5.1f} ms "
            f"p95 {_percentile(floors[backend], 0.95):5.1f} ms"
        )
    if len(backends) == 2:
        ratios = [b / a for a, b in zip(rates["torch"], rates["openvino"], strict=True)]
        floor = statistics.median(floors["torch"]) / statistics.median(floors["openvino"])
        lines.append(
            f"  openvino / torch: throughput x{statistics.median(ratios):.2f} (median of paired rounds), "
            f"query floor x{floor:.2f} faster"
        )
        sweep = []
        for size in (8, 16, 32, 64, 128):
            embedders["openvino"].batch_size = size
            started = time.perf_counter()
            embedders["openvino"].encode(texts)
            sweep.append(f"{size}: {len(texts) / (time.perf_counter() - started):.0f}")
        lines.append("  openvino items/s by batch size (one pass each): " + ", ".join(sweep))
        lines.append(_openvino_hints(embedders["openvino"], texts))
    return lines


def _vectors(index):
    """All the stored vectors of an index's current generation."""
    from ..index import store

    generation = store.open_current(index, None)
    return generation.vectors_of([item.id for item in generation.items_of()])


def _items(index, embedder):
    from ..index import store

    return store.open_current(index, embedder.vectors).items_of()


def peer_latency(assistant: Assistant, rounds: int = 3) -> list[str]:
    """The naive peer (fixed chunks, same model, FAISS flat, top 4) timed on the same questions."""
    import faiss

    from .evaluation import NaiveBaseline

    naive = NaiveBaseline(assistant.corpus_dir, assistant.embedder)
    index = faiss.IndexFlatIP(naive.vectors.shape[1])
    index.add(naive.vectors)
    questions = [q.question for q in load_questions(DEFAULT_QUESTIONS)]
    times = []
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            index.search(assistant.embedder.encode([question]), 4)
            times.append((time.perf_counter() - started) * 1000)
    return [
        f"{'naive peer (chunks):':<23} median {statistics.median(times):6.1f} ms   "
        f"p95 {_percentile(times, 0.95):6.1f} ms   ({len(naive.chunks)} chunks, top 4, no answer text)"
    ]


def synthetic_corpus(directory, passages: int, source_texts: list[str], seed: int = 7) -> None:
    """`passages` paragraphs of realistic length (lengths drawn from the real corpus), made of
    sentences recombined from it, in files of 200 numbered paragraphs."""
    import random

    from ..ingest.text import split_sentences

    rng = random.Random(seed)
    sentences = [s for t in source_texts for s in split_sentences(t) if len(s) > 30]
    lengths = [len(t) for t in source_texts]
    directory.mkdir(parents=True, exist_ok=True)
    for start in range(0, passages, 200):
        lines = ["I. Synthetic report", ""]
        for n in range(1, min(200, passages - start) + 1):
            target, text = rng.choice(lengths), ""
            while len(text) < target:
                text += rng.choice(sentences) + " "
            lines += [f"{n}. {text.strip()}", ""]
        (directory / f"synthetic-{start // 200:05d}.txt").write_text("\n".join(lines), encoding="utf-8")


def scale_figures(size: int, workdir, source_texts: list[str]) -> list[str]:
    """Build a synthetic corpus of `size` passages; then, in a fresh process, search it."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    from ..index.build import build
    from ..index.embedding import bundled_embedder

    corpus, index = Path(workdir) / f"corpus-{size}", Path(workdir) / f"index-{size}"
    synthetic_corpus(corpus, size, source_texts)
    embedder = bundled_embedder(get_settings().embedding_backend)
    embedder.load()
    summary = build(corpus, index, embedder)
    out = subprocess.run(
        [sys.executable, "-m", "assistant.tooling.benchmark", "serve", str(corpus), str(index)],
        capture_output=True,
        text=True,
        check=True,
    )
    served = json.loads(out.stdout.strip().splitlines()[-1])
    return [
        f"{size:,} generated paragraphs, {summary.passages:,} passages indexed ({summary.embedded:,} "
        f"items): build {summary.seconds:.0f} s ({summary.embedded / summary.seconds:.0f} items/s, "
        f"embedding included, {embedder.backend}); "
        f"search p50 {served['p50']:.1f} ms, p95 {served['p95']:.1f} ms "
        f"(hybrid, {served['queries']} queries); resident memory {served['rss_mb']:.0f} MB "
        f"(peak of the serving process: index + model + searches)",
    ]


def _serve(corpus: str, index: str) -> None:
    """Child of scale_figures: open the index, search, report timings and peak memory (JSON)."""
    import json
    from pathlib import Path

    from ..config import Settings

    assistant = Assistant(Settings(Path(corpus), Path(index), None))
    questions = [q.question for q in load_questions(DEFAULT_QUESTIONS)]
    assistant.search(questions[0])
    times = []
    for question in questions:
        started = time.perf_counter()
        assistant.search(question, k=5)
        times.append((time.perf_counter() - started) * 1000)
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over from the parent across
    # fork and exec, so a child of a 2 GB benchmark would report 2 GB whatever it used
    status = Path("/proc/self/status").read_text()
    rss = int(status.split("VmHWM:")[1].split()[0]) / 1024
    print(
        json.dumps(
            {
                "p50": statistics.median(times),
                "p95": _percentile(times, 0.95),
                "queries": len(times),
                "rss_mb": rss,
            }
        )
    )


def million_figures(reference, questions, count: int = 1_000_000) -> list[str]:
    """Flat against HNSW and IVF at a million vectors: build time, query time, recall@10.

    The vectors are drawn from a Gaussian with the mean and covariance of `reference` (real
    embeddings of passages), so they share the anisotropy of the model's space, which is what
    decides how well an approximate index recalls; the queries are `questions`, real question
    embeddings. (Isotropic or clustered random vectors flatter IVF and punish HNSW.)"""
    import faiss
    import numpy as np

    faiss.omp_set_num_threads(2)  # building is batch work: both cores
    rng = np.random.default_rng(3)
    dimension = reference.shape[1]
    mean = reference.mean(axis=0)
    covariance = np.cov(reference, rowvar=False) + 1e-6 * np.eye(dimension)
    values, vectors = np.linalg.eigh(covariance)
    transform = (vectors * np.sqrt(np.clip(values, 0, None))).T.astype(np.float32)
    data = np.empty((count, dimension), dtype=np.float32)
    for start in range(0, count, 100_000):
        block = rng.standard_normal((min(100_000, count - start), dimension)).astype(np.float32)
        data[start : start + len(block)] = block @ transform + mean
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    probe = np.ascontiguousarray(questions, dtype=np.float32)
    queries = len(probe)
    lines = [
        f"{count:,} unit vectors drawn like {len(reference):,} real passage embeddings "
        f"(mean and covariance), {dimension} dimensions; {queries} real question embeddings as queries"
    ]

    def timed_search(index, label, build_seconds, truth=None):
        faiss.omp_set_num_threads(1)  # served one query at a time, as the app does
        times, found = [], []
        for q in probe:
            started = time.perf_counter()
            _, ids = index.search(q.reshape(1, -1), 10)
            times.append((time.perf_counter() - started) * 1000)
            found.append(ids[0])
        faiss.omp_set_num_threads(2)
        recall = (
            1.0
            if truth is None
            else float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=False)]))
        )
        lines.append(
            f"{label:<28} build {build_seconds:6.1f} s   query p50 {statistics.median(times):7.2f} ms   "
            f"p95 {_percentile(times, 0.95):7.2f} ms   recall@10 {recall:.3f}"
        )
        return found

    started = time.perf_counter()
    flat = faiss.IndexFlatIP(dimension)
    flat.add(data)
    truth = timed_search(flat, "flat (exact)", time.perf_counter() - started)

    started = time.perf_counter()
    lists = 4096 if count >= 1_000_000 else max(16, int(4 * count**0.5))  # about 4 sqrt(n)
    quantizer = faiss.IndexFlatIP(dimension)
    ivf = faiss.IndexIVFFlat(quantizer, dimension, lists, faiss.METRIC_INNER_PRODUCT)
    ivf.train(data[rng.choice(count, min(count, 50 * lists), replace=False)])
    ivf.add(data)
    built = time.perf_counter() - started
    for nprobe in (16, 64, 256):
        ivf.nprobe = nprobe
        timed_search(ivf, f"IVF{lists} nprobe={nprobe}", built, truth)

    started = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(dimension, 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = 40
    hnsw.add(data)
    built = time.perf_counter() - started
    for ef in (64, 128, 256):
        hnsw.hnsw.efSearch = ef
        timed_search(hnsw, f"HNSW32 efSearch={ef}", built, truth)
    return lines


def table_figures(workdir) -> list[str]:
    """A 40-page PDF with three office-suite tables (the LibreOffice fixtures, joined with
    pages of prose) read by the limited worker, as a build reads it."""
    from pathlib import Path

    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from ..config import get_settings
    from ..ingest.documents import DocumentInfo
    from ..ingest.worker import ParseWorker

    office = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "office"
    tables = ["ruled-two-row-header.pdf", "landscape-split-rows.pdf", "unruled.pdf"]
    prose = Path(workdir) / "prose.pdf"
    sheet = canvas.Canvas(str(prose), pagesize=A4)
    for n in range(1, 22):
        for line in range(40):
            sheet.drawString(
                60, 780 - 18 * line, f"{n}.{line} The Secretariat reports progress on the plan's actions."
            )
        sheet.showPage()
    sheet.save()
    writer = PdfWriter()
    for source in [office / tables[0], prose, office / tables[1], office / tables[2]]:
        for page in PdfReader(source).pages:
            writer.add_page(page)
    path = Path(workdir) / "forty-pages.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    settings = get_settings()
    with ParseWorker(settings.parse_seconds, settings.parse_mb, settings.limits) as worker:
        worker.prepare(path, DocumentInfo(path.name, "warm-up"), "0")  # start-up not counted
        times, rows = [], 0
        for _ in range(3):
            started = time.perf_counter()
            prepared = worker.prepare(path, DocumentInfo(path.name, "Forty pages"), "0")
            times.append(time.perf_counter() - started)
            rows = sum(i.kind == "action" for i in prepared.items)
    pages = len(PdfReader(path).pages)
    return [
        f"{pages}-page PDF with three LibreOffice tables: {rows} action rows read",
        f"read by the worker (text, passages, tables): median {statistics.median(times):.1f} s of 3 "
        f"(limit ASSISTANT_PARSE_SECONDS {settings.parse_seconds:g} s)",
    ]


def _real_vectors(assistant: Assistant, workdir, texts: list[str], count: int = 2_000):
    """The model's embeddings of `count` generated paragraphs (for HNSW's recall)."""
    synthetic_corpus(workdir / "recall-corpus", count, texts, seed=11)
    paragraphs = [
        block.split(". ", 1)[-1]
        for path in sorted((workdir / "recall-corpus").glob("*.txt"))
        for block in path.read_text(encoding="utf-8").split("\n\n")[1:]
        if block.strip()
    ]
    return assistant.embedder.encode(paragraphs[:count])


def main(argv: list[str] | None = None) -> None:
    """`python -m assistant.tooling.benchmark [all|build|ask|hostile|scale|postgres [SIZE]|million]`:
    print figures; `all` also writes docs/benchmarks.md."""
    import os
    import platform
    import sys
    import tempfile
    from datetime import date
    from pathlib import Path

    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "serve":
        _serve(args[1], args[2])
        return
    what = args[0] if args else "all"
    assistant = Assistant()
    sections: list[tuple[str, list[str]]] = []
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    report = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"

    def section(title: str, lines: list[str]) -> None:
        sections.append((title, lines))
        print(f"\n## {title}", *lines, sep="\n", flush=True)
        if what == "all":  # written after every section: a long run keeps what it measured
            text = [
                f"# Benchmarks\n\nMeasured {date.today()} on {machine} with `make bench` "
                "(`python -m assistant.tooling.benchmark all`; the browser figures come from "
                "`python -m tests.e2e`).\n"
            ]
            text += [f"## {t}\n\n```\n" + "\n".join(body) + "\n```\n" for t, body in sections]
            report.write_text("\n".join(text))

    with tempfile.TemporaryDirectory() as workdir:
        if what in ("all", "build"):
            section("Build", build_figures(assistant.corpus_dir, workdir))
        if what in ("all", "ask"):
            section("Ask (warm)", ask_latency(assistant) + peer_latency(assistant))
        if what in ("all", "tables"):
            section("Tables in PDFs", table_figures(workdir))
        if what in ("all", "hostile"):
            from .hostile import hostile_figures

            section("Hostile inputs", hostile_figures(assistant.corpus_dir, Path(workdir)))
        reference = _vectors(assistant.index_dir)
        if what in ("all", "scale"):
            texts = [i.text for i in assistant.generation().items_of(kind="passage")]
            for size in (10_000, 100_000):
                section(f"Scale: {size:,} passages", scale_figures(size, workdir, texts))
            reference = _vectors(Path(workdir) / "index-10000")
        if what in ("all", "postgres"):
            from .backend_comparison import compare

            size = int(args[1]) if what == "postgres" and len(args) > 1 else 100_000
            texts = [i.text for i in assistant.generation().items_of(kind="passage")]
            if what == "all":  # real embeddings of the 10k generated paragraphs, built above
                real = reference
            else:
                real = _real_vectors(assistant, Path(workdir), texts)
            queries = assistant.embedder.encode([q.question for q in load_questions(DEFAULT_QUESTIONS)])
            corpus = Path(workdir) / f"pg-corpus-{size}"
            synthetic_corpus(corpus, size, texts)
            section(
                f"PostgreSQL + pgvector: {size:,} generated paragraphs",
                compare(corpus, Path(workdir), real, queries),
            )
        if what in ("all", "million"):
            questions = assistant.embedder.encode([q.question for q in load_questions(DEFAULT_QUESTIONS)])
            section("FAISS index at 1M vectors", million_figures(reference, questions))


if __name__ == "__main__":
    main()
