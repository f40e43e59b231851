"""A rebuild in its own process, for the crash tests: `python -m tests.crash_build CORPUS INDEX`.
ASSISTANT_CRASH_AT (see assistant/faults.py) makes it SIGKILL itself at a named point."""

import sys
from pathlib import Path

from assistant.index.build import build
from tests.fakes import FakeEmbedder

if __name__ == "__main__":
    summary = build(Path(sys.argv[1]), Path(sys.argv[2]), FakeEmbedder())
    print(summary.generation)
