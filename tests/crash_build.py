"""A rebuild in its own process, for the crash tests: `python -m tests.crash_build CORPUS INDEX`
(INDEX `-`: the index the settings name, e.g. ASSISTANT_BACKEND=postgres).
ASSISTANT_CRASH_AT (see assistant/faults.py) makes it SIGKILL itself at a named point."""

import sys
from pathlib import Path

from assistant.config import get_settings
from assistant.index.backends import open_index
from assistant.index.build import build
from tests.fakes import FakeEmbedder

if __name__ == "__main__":
    index = open_index(get_settings()) if sys.argv[2] == "-" else Path(sys.argv[2])
    summary = build(Path(sys.argv[1]), index, FakeEmbedder())
    print(summary.generation)
