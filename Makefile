# bmlearn: two commands do everything.
#   make book   render the whole book to _build/html (every lesson executed)
#   make test   unit tests, doctests, repository checks, the book (-W; executes every lesson
#               once, failing on any error or hidden assert), checks on the rendered pages and
#               the lessons' time budget
# Each bootstraps .venv on a fresh machine that has only python3 >= 3.10.
# Other configurations execute every lesson with tools/lessons.py: test-gpu-config,
# test-seeds, test-full.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.bmlearn-installed
BROWSER_STAMP := $(VENV)/.bmlearn-browser-installed
export PATH := $(abspath $(BIN)):$(PATH)
export MPLBACKEND ?= Agg
export PYTHONUNBUFFERED := 1

# Executed lessons are cached by their source; when bmlearn itself changes,
# throw the cache away so that the book never shows stale outputs.
BMLEARN_SOURCES := $(shell find bmlearn -name '*.py' 2>/dev/null) pyproject.toml _config.yml
CACHE_STAMP := _build/.bmlearn-sources

.PHONY: help install test unit lessons book mathjax bench bench-train bench-gpt sync browser-test test-compat \
	test-gpu-config test-seeds test-full retrain-weights clean

help:
	@echo "make book          render the book to _build/html (executes every lesson)"
	@echo "make test          unit tests, doctests and checks; the book (-W, every lesson executed once) and its pages"
	@echo "make browser-test  the built book in headless Chromium: every page, math, images, links, search, dark mode"
	@echo "make test-gpu-config  every lesson on this CPU with an A100/L4/H100's settings (mixed_bfloat16, non-deterministic ops, XLA)"
	@echo "make test-seeds    every lesson with BMLEARN_SEED=1 and BMLEARN_SEED=2"
	@echo "make test-full     every lesson in the full profile (slow on a CPU)"
	@echo "make test-compat   unit tests and every lesson on Python 3.12 + TF 2.20 (with the GPU settings) and on the oldest Python, TF and Keras admitted; the Colab install path"
	@echo "make bench         seconds per lesson and the total"
	@echo "make bench-train   samples/s of the Part 1 CNN: plain fit vs bmlearn's fast path"
	@echo "make bench-gpt     GPT training tokens/s (float32; mixed precision + XLA), generation with and without the KV cache, MFU on a GPU"
	@echo "make retrain-weights  retrain the pretrained bodies bmlearn ships and check their recorded results (weekly)"
	@echo "make sync          pair and sync lessons/**/*.md with their .ipynb (jupytext)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "bmlearn needs Python >= 3.10, found " + sys.version)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[book,test]"
	touch $@

install: $(STAMP)

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests bmlearn --ignore=tests/rendered --ignore=tests/browser

# Every lesson in this machine's default configuration, outside the book, with the time budget.
lessons: $(STAMP)
	$(BIN)/python tools/lessons.py --budget

test: unit book
	$(BIN)/python -m pytest -q tests/rendered

test-gpu-config: $(STAMP)
	$(BIN)/python tools/lessons.py --config gpu

test-seeds: $(STAMP)
	$(BIN)/python tools/lessons.py --config seed1 --config seed2

test-full: $(STAMP)
	$(BIN)/python tools/lessons.py --config full

$(CACHE_STAMP): $(BMLEARN_SOURCES)
	rm -rf _build/.jupyter_cache _build/jupyter_execute _build/.doctrees
	mkdir -p _build && touch $@

mathjax: $(STAMP)
	$(BIN)/python tools/vendor_mathjax.py

book: $(STAMP) $(CACHE_STAMP) mathjax
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "The book is in _build/html/index.html"

$(BROWSER_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[browser]"
	touch $@

browser-test: book $(BROWSER_STAMP)
	tools/ensure_chromium.sh
	$(BIN)/python -m pytest -q tests/browser
	@echo "Screenshots are in _build/screenshots/"

test-compat: $(STAMP)
	$(BIN)/python tools/compat.py

bench: $(STAMP)
	$(BIN)/python tools/lessons.py

bench-train: $(STAMP)
	$(BIN)/python -m bmlearn.bench train

bench-gpt: $(STAMP)
	$(BIN)/python -m bmlearn.bench gpt

retrain-weights: $(STAMP)
	$(BIN)/python tools/retrain_weights.py

sync: $(STAMP)
	$(BIN)/jupytext --sync lessons/*/*.md

clean:
	rm -rf _build .pytest_cache
