# The two commands: `make book` and `make test`. Each installs .venv first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
KNOWN_MISTAKES := rnncourse/data/known_mistakes.rnnc
# The installer of the venv's packages (see $(STAMP)); pinned, like everything it installs.
UV := uv==0.13.9
# nbgrader shells out to `alembic`, and the book runs `jupyter-book`: both live in .venv/bin.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
# Keep TensorFlow's C++ start-up chatter off stderr in every process we start.
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONWARNINGS := ignore::DeprecationWarning

.PHONY: help venv lock student-notebooks book book-clean bench-book bench-grade bench-autograde grade browser sandbox postgres test check lint clean

help:
	@echo "make book   build the site into _build/html"
	@echo "make test   run the whole test suite"
	@echo "make check  quick loop: ruff + the fast tests"
	@echo "make venv   create/update .venv (idempotent)"
	@echo "make lock   re-resolve requirements.lock from pyproject.toml"
	@echo "make browser  install Debian's chromium + chromium-driver (site tests)"
	@echo "make sandbox  install Debian's bubblewrap (the grading sandbox)"
	@echo "make postgres install Debian's postgresql (the --db postgresql:// tests)"
	@echo "make grade  build a demo class of 34+ submissions, grade it, print the summary"
	@echo "make bench-book  time every chapter, a clean build and a no-op rebuild"
	@echo "make bench-grade time each solution notebook and grading one submission"
	@echo "make bench-autograde  our parallel autograder vs stock nbgrader on 60 submissions"

venv: $(STAMP) $(KNOWN_MISTAKES)

# Reinstall only when the dependency files change.
$(STAMP): pyproject.toml setup.py requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "rnncourse needs Python >= 3.10, found " + sys.version.split()[0]'
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@# uv installs the locked packages in parallel: on a fresh machine about 40 s, where pip
	@# took about 90 s. --compile-bytecode because PYTHONDONTWRITEBYTECODE=1 is set on these
	@# machines: without .pyc files every process would compile TensorFlow at import (15 s,
	@# not 7). pip stays in the venv, upgraded, for tests that build a wheel with it.
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check $(UV)
	$(VENV)/bin/uv pip install --python $(VENV)/bin/python --quiet --compile-bytecode \
	  -c requirements.lock --upgrade-package pip pip -e ".[book,grade,dev]"
	@# jsonschema imports rfc3987-syntax (the "iri" format checker that nbformat's
	@# jsonschema[format-nongpl] pulls in), which builds ~35 Lark parsers at import: 1.3 s in
	@# every process that reads a notebook (nbgrader, our grader and its workers, the book).
	@# No Jupyter schema uses the iri formats; without the package jsonschema skips them.
	@# https://github.com/python-jsonschema/jsonschema/issues/1428
	$(VENV)/bin/uv pip uninstall --python $(VENV)/bin/python --quiet rfc3987-syntax
	@touch $@

# The named hints students get: the outputs of the instructor's mistake library on the
# package's own cases (rnncourse/hints.py says why the library itself never ships).
$(KNOWN_MISTAKES): autograder/mistakes.py rnncourse/cases.py rnncourse/hints.py $(STAMP)
	$(VENV)/bin/python -m autograder.mistakes $@

# Exact versions for every package, resolved once in a scratch venv.
lock:
	rm -rf /tmp/rnncourse-lock && $(PYTHON) -m venv /tmp/rnncourse-lock
	/tmp/rnncourse-lock/bin/python -m pip install --quiet --upgrade pip
	/tmp/rnncourse-lock/bin/python -m pip install --quiet ".[book,grade,dev]"
	( echo "# Exact versions of every package. Regenerate with: make lock"; \
	  /tmp/rnncourse-lock/bin/python -m pip freeze --all --exclude rnncourse --exclude pip \
	    --exclude wheel ) > requirements.lock

# Zero warnings allowed (-W -n --keep-going); chapter outputs are cached in _build/.jupyter_cache.
# ipykernel >= 7.4 logs "[IPKernelApp] WARNING | Kernel is running over TCP without
# encryption" on every kernel start, because jupyter-cache/nbclient give us no way to set
# KernelManager.transport_encryption. It is not a warning about the book, so that one line
# is dropped; everything else (and the exit status, via pipefail) passes through.
BOOK_KERNEL_NOTICE := Kernel is running over TCP without encryption

# The student versions offered for download on the site (nbgrader generate_assignment).
STUDENT_NOTEBOOKS := book/student_notebooks/.released
$(STUDENT_NOTEBOOKS): $(wildcard notebooks/*/*.ipynb) autograder/release.py $(STAMP)
	rm -rf book/student_notebooks
	python -m autograder release --out book/student_notebooks
	@touch $@

student-notebooks: $(STUDENT_NOTEBOOKS)

book: venv student-notebooks
	set -o pipefail; jupyter-book build . --builder html -W -n --keep-going 2>&1 \
	  | { grep -v --line-buffered -F "$(BOOK_KERNEL_NOTICE)" || true; }

# Remove the site and the execution cache (the next `make book` re-runs every chapter).
book-clean:
	rm -rf _build/html _build/jupyter_execute _build/.doctrees _build/.jupyter_cache

# tests/test_site.py drives the built site in headless Chromium. Debian's packages, not a
# browser download (Selenium Manager is never used): installed only when one is missing.
BROWSER_BINS := /usr/bin/chromium /usr/bin/chromedriver

browser:
	@for bin in $(BROWSER_BINS); do test -x $$bin || missing=1; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian's chromium and chromium-driver (for tests/test_site.py)"; \
	  sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends \
	    chromium chromium-driver >/dev/null; \
	fi

# autograder/jail.py runs every piece of student code in a bubblewrap sandbox: Debian's
# package, installed only when missing. `autograde` refuses to grade without it.
sandbox:
	@if ! command -v bwrap >/dev/null; then \
	  echo "Installing Debian's bubblewrap (the grading sandbox, autograder/jail.py)"; \
	  sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends \
	    bubblewrap >/dev/null; \
	fi

# tests/test_postgres_gradebook.py grades into a PostgreSQL gradebook on a throwaway server
# it starts itself (tests/postgres.py). Debian's package, installed only when initdb/pg_ctl
# are found neither on PATH nor in Debian's /usr/lib/postgresql/<version>/bin.
postgres:
	@found=; for dir in $$(command -v pg_ctl | xargs -r readlink -f | xargs -r dirname) /usr/lib/postgresql/*/bin; do \
	  if [ -x "$$dir/initdb" ] && [ -x "$$dir/pg_ctl" ] && [ -x "$$dir/postgres" ]; then \
	    found=$$dir; fi; \
	done; \
	if [ -z "$$found" ]; then \
	  echo "Installing Debian's postgresql (for tests/test_postgres_gradebook.py)"; \
	  sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends \
	    postgresql >/dev/null; \
	fi

# Budgets: each chapter < 90 s (04_adding_experiment < 300 s), clean build < 10 min,
# no-op rebuild < 30 s. Builds in a scratch copy, so _build/ here is left alone.
bench-book: venv
	python benchmarks/book_budget.py

# Budgets: each solution notebook < 60 s, grading one submission with stock nbgrader < 20 s
# and with our CLI < 10 s.
bench-grade: venv sandbox
	python benchmarks/grade_budget.py

# Not a budget: 60 submissions (10 students x every assignment) graded by stock serial
# `nbgrader autograde` and by `python -m autograder autograde --workers 2` (cold and warm),
# in the same run; times, throughput ratio, score agreement. About 5 minutes on 2 cores.
bench-autograde: venv sandbox
	python benchmarks/autograde_vs_stock.py

# A demo class (correct, partly wrong, broken and hostile students) graded by the CLI.
# Outputs: demo/out/grades.csv, demo/out/feedback/, demo/out/gradebook.db. Re-running
# regrades only what changed.
DEMO := demo
grade: venv sandbox
	python -m autograder demo --out $(DEMO)/submitted
	python -m autograder autograde $(DEMO)/submitted --out $(DEMO)/out --timeout 20

test: venv browser sandbox postgres
	ruff check .
	python -m pytest -n 2 --dist loadfile --no-loadscope-reorder --durations=15

check: venv sandbox
	ruff check .
	python -m pytest -n 2 -m "not slow"

lint: venv
	ruff check .

clean:
	rm -rf _build .jupyter_cache .pytest_cache .ruff_cache
