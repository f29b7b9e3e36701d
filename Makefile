# scribe: `make run` serves the API on 127.0.0.1:8000; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export SCRIBE_DATA_DIR ?= ./data

.PHONY: install run migrate test lint typecheck check bench clean fuzz chromium screenshots audio-tools

$(BIN)/scribe: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/scribe  ## create the virtual environment and install scribe with its dev tools

migrate: install
	$(BIN)/scribe migrate

run: migrate  ## set up, migrate the SQLite database under ./data and serve on 127.0.0.1:8000
	@echo "scribe: serving on http://127.0.0.1:8000 (docs at /docs)."
	@echo "scribe: on first start the dev API key is written to $(SCRIBE_DATA_DIR)/dev-api-key"
	$(BIN)/scribe serve --host 127.0.0.1 --port 8000

# Parallel test processes; each loads its own Whisper model (about 0.5 GB) and databases.
TEST_WORKERS ?= 2

test: install  ## the whole suite, on SQLite and PostgreSQL
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

# The console's browser tests (tests/console) drive Debian's chromium through Playwright; without
# one they skip (CI=true fails instead). Playwright's own browser download is not used.
chromium:  ## install chromium for the browser tests when it is missing (apt-get)
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
		echo "scribe: installing chromium for the console's browser tests"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

screenshots: install chromium  ## redraw docs/screenshots/ (the README's) with the browser tests
	SCRIBE_CONSOLE_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/console -k sqlite

lint: install
	$(BIN)/ruff check src tests bench migrations training
	$(BIN)/ruff format --check src tests bench migrations training

typecheck: install
	$(BIN)/mypy

check: lint typecheck test

# About 150 cases per operation and mode (a few thousand requests per dialect and database), with
# a new seed each run (printed by the failing test); the suite runs a small, fixed-seed sample.
# Each dialect prints its requests per database ("corti on postgresql: 3012 requests, ...").
fuzz: install  ## schemathesis against every dialect, and damaged audio, at length (SQLite and PostgreSQL)
	SCRIBE_FUZZ_EXAMPLES=$${SCRIBE_FUZZ_EXAMPLES:-150} SCRIBE_FUZZ_MIN_REQUESTS=$${SCRIBE_FUZZ_MIN_REQUESTS:-3000} \
	SCRIBE_FUZZ_SEED=$${SCRIBE_FUZZ_SEED:-$$(date +%s)} \
	SCRIBE_FUZZ_AUDIO_DATABASES=$${SCRIBE_FUZZ_AUDIO_DATABASES:-sqlite,postgresql} \
		$(BIN)/python -m pytest -q -rP tests/fuzz

# The speech benches synthesise their visits (../shared/tools/synth_visit.py: espeak-ng, sox, ffmpeg).
audio-tools:  ## install espeak-ng, sox and ffmpeg for the speech benchmarks when missing (apt-get)
	@command -v espeak-ng >/dev/null 2>&1 && command -v sox >/dev/null 2>&1 && command -v ffmpeg >/dev/null 2>&1 || { \
		echo "scribe: installing espeak-ng, sox and ffmpeg for the speech benchmarks"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq espeak-ng sox ffmpeg; }

bench: install audio-tools  ## every benchmark in bench/
	$(BIN)/python bench/http_overhead.py
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/asr.py
	$(BIN)/python bench/asr_vocabulary.py
	$(BIN)/python bench/speakers.py
	$(BIN)/python bench/three_voices.py
	$(BIN)/python bench/notes_quality.py
	$(BIN)/python bench/worker_throughput.py --files 2
	$(BIN)/python bench/corti_workflow.py
	$(BIN)/python bench/load.py --corti-rounds 3

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
