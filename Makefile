# CSMap: two commands for a new user.
#   make demo   install, build the synthetic demo town if missing, serve on http://127.0.0.1:8501
#   make test   install, lint (ruff, import-linter layers), type-check, run the whole test suite
#               (what .ci/run calls)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.csmap-installed
SUDO   := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
DEBS   := chromium chromium-driver poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core

.PHONY: demo test install system-deps lint typecheck pytest bench clean

demo: install
	$(BIN)/csmap demo

test: install system-deps lint typecheck pytest

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "CSMap needs Python 3.11+"'
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the browser, PDF and pdftoppm tests need; installed only when missing.
system-deps:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest -n 2 --dist loadgroup

bench: install
	$(BIN)/python benchmarks/generate.py

clean:
	rm -rf $(VENV) demo artifacts .pytest_cache .mypy_cache .ruff_cache
