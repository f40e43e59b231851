"""`python -m ui.serve [streamlit options]`: `streamlit run app.py` with the model and the index
loaded before the server listens, so the first visit is as fast as the next."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before any huggingface code is imported

APP = Path(__file__).resolve().parent.parent / "app.py"


def main() -> None:
    from streamlit.web import cli

    from assistant.config import get_settings
    from ui.warm import warmed

    warmed(get_settings())
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
