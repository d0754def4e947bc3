# bmlearn: two commands do everything.
#   make book   render the whole book to _build/html (every lesson executed)
#   make test   unit tests, doctests, repository checks, every lesson (nbval), the book
# Each bootstraps .venv on a fresh machine that has only python3 >= 3.10.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.bmlearn-installed
export PATH := $(abspath $(BIN)):$(PATH)
export MPLBACKEND ?= Agg
export PYTHONUNBUFFERED := 1

.PHONY: all install test unit lessons book bench sync clean help

help:
	@echo "make book   - render the book to _build/html (executes every lesson)"
	@echo "make test   - unit tests + doctests + checks, every lesson with nbval, the book (-W) and its pages"
	@echo "make bench  - run every lesson and print seconds per lesson and the total"
	@echo "make sync   - pair and sync lessons/**/*.md with their .ipynb (jupytext)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "bmlearn needs Python >= 3.10, found " + sys.version)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[book,test]"
	touch $@

install: $(STAMP)

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests bmlearn --ignore=tests/rendered

lessons: $(STAMP)
	$(BIN)/python -m pytest -q --nbval-lax lessons/

test: unit lessons book
	$(BIN)/python -m pytest -q tests/rendered

book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "The book is in _build/html/index.html"

bench: $(STAMP)
	$(BIN)/python -m bmlearn.bench

sync: $(STAMP)
	$(BIN)/jupytext --sync lessons/*/*.md

clean:
	rm -rf _build .pytest_cache
