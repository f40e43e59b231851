"""Hostile and oversized inputs, each added to a copy of the corpus and built by the real CLI in
its own process: the exit status, the time, the build process's own peak memory, the line that
names the file, and whether every document already indexed is still there."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ..index import store

_WORDS = "the customs administration reported progress on waste and wildlife enforcement".split()


def _prose(size: int) -> bytes:
    """Ordinary English-like prose in numbered paragraphs, `size` bytes."""
    out, n = [], 0
    total = 0
    while total < size:
        n += 1
        sentence = " ".join(_WORDS[(n + i) % len(_WORDS)] for i in range(14)).capitalize() + "."
        paragraph = f"{n}. {sentence} {sentence}\n\n"
        out.append(paragraph)
        total += len(paragraph)
    return "".join(out).encode()[:size]


def _pdf_of_small_pages(path: Path, pages: int) -> None:
    from reportlab.lib.pagesizes import A6
    from reportlab.pdfgen import canvas

    sheet = canvas.Canvas(str(path), pagesize=A6)
    for n in range(1, pages + 1):
        sheet.drawString(20, 300, f"{n}. Page {n} of a long register of seizures.")
        sheet.showPage()
    sheet.save()


def _cases() -> list[tuple[str, Callable[[Path], None]]]:
    def write(name: str, data: bytes) -> Callable[[Path], None]:
        return lambda corpus: (corpus / name).write_bytes(data)

    def sparse(corpus: Path) -> None:
        with (corpus / "sparse-1tb.txt").open("wb") as handle:
            handle.truncate(10**12)

    def non_utf8(corpus: Path) -> None:
        fd = os.open(os.fsencode(corpus) + b"/caf\xe9.txt", os.O_WRONLY | os.O_CREAT)
        os.write(fd, b"1. A note from another system.\n")
        os.close(fd)

    return [
        ("300 KB without a space", write("blob-300kb.txt", b"QUJD" * 75_000)),
        ("80 KB run of letters", write("letters-80kb.txt", b"A" * 80_000)),
        ("400 KB of false sentence ends", write("ends-400kb.txt", b". A" * 133_000)),
        ("90 MB on one line", write("oneline-90mb.txt", b"waste " * 15_000_000)),
        ("95 MB of prose", lambda corpus: (corpus / "prose-95mb.txt").write_bytes(_prose(95_000_000))),
        ("5 MB of prose", lambda corpus: (corpus / "prose-5mb.txt").write_bytes(_prose(5_000_000))),
        ("1 TB sparse file", sparse),
        ("link to /etc/passwd", lambda corpus: (corpus / "passwd.txt").symlink_to("/etc/passwd")),
        ("FIFO", lambda corpus: os.mkfifo(corpus / "pipe.txt")),
        ("link to /dev/zero", lambda corpus: (corpus / "zero.txt").symlink_to("/dev/zero")),
        ("name not UTF-8", non_utf8),
        ("newline in a name", write("evil\nfailed: forged.txt", b"")),
        ("escape sequence in a name", write("\x1b[2Kerase.txt", b"")),
        ("UTF-16 text", write("utf16.txt", "1. Déclaration de Bakou.\n".encode("utf-16"))),
        ("20,000-page PDF", lambda corpus: _pdf_of_small_pages(corpus / "pages-20000.pdf", 20_000)),
    ]


def hostile_figures(corpus_dir: Path, workdir: Path) -> list[str]:
    """One line per input: exit status, seconds, the build's own peak memory, what it said."""
    root = Path(__file__).resolve().parents[2]
    base_corpus, base_index = workdir / "hostile-corpus", workdir / "hostile-index"
    shutil.copytree(corpus_dir, base_corpus)
    _rebuild(base_corpus, base_index, root)
    expected = {d.doc for d in store.open_current(base_index).documents()}
    lines = ["limits: ASSISTANT_PARSE_SECONDS 120, ASSISTANT_MAX_FILE_MB 100, ASSISTANT_MAX_PASSAGES 10,000"]
    for title, make in _cases():
        corpus, index = workdir / "h-corpus", workdir / "h-index"
        shutil.rmtree(corpus, ignore_errors=True)
        shutil.rmtree(index, ignore_errors=True)
        shutil.copytree(base_corpus, corpus)
        shutil.copytree(base_index, index)
        make(corpus)
        started = time.perf_counter()
        code, err = _rebuild(corpus, index, root)
        seconds = time.perf_counter() - started
        peak = next((line.split()[1] for line in err.splitlines() if line.startswith("peak-rss-mb")), "?")
        said = next((line for line in err.splitlines() if line.startswith(("failed:", "warning:"))), "")
        kept = expected <= {d.doc for d in store.open_current(index).documents()}
        said = said.replace(str(corpus) + "/", "")
        lines.append(
            f"{title:<31} exit {code}  {seconds:6.1f} s  build {peak:>5} MB  "
            f"{'all kept' if kept else 'LOST DOCUMENTS'}  {said[:140]}"
        )
        shutil.rmtree(corpus, ignore_errors=True)
        shutil.rmtree(index, ignore_errors=True)
    return lines


# `assistant build` as a user runs it, telling at exit its own peak memory (VmHWM), which,
# unlike ru_maxrss, counts neither its worker nor what a parent process had
_BUILD = """
import atexit, runpy, sys
def peak():
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM:'):
            print('peak-rss-mb', int(line.split()[1]) // 1024, file=sys.stderr)
atexit.register(peak)
sys.argv = ['assistant', 'build', '--quiet', '--corpus', sys.argv[1], '--index', sys.argv[2]]
runpy.run_module('assistant', run_name='__main__')
"""


def _rebuild(corpus: Path, index: Path, root: Path) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-c", _BUILD, str(corpus), str(index)],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=3600,
        errors="replace",
    )
    return done.returncode, done.stderr
