# Two commands for a fresh clone: `make demo` and `make test`.
# Everything installs into .venv with a Python >= 3.12 found by tools/find_python.sh.

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test bench viz docs setup browser clean

setup: $(STAMP) browser

$(STAMP): pyproject.toml
	@PYBIN=$$(tools/find_python.sh) || exit 1; \
	  echo "Using $$PYBIN"; \
	  [ -x $(PY) ] || $$PYBIN -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,slurm,ema,docs]"
	@touch $(STAMP)

# Chromium for the browser tests and the report's figures: installed when missing and run as root
# (BROWSER_INSTALL=no to never install); otherwise one line says why and how, and those tests skip.
browser: $(STAMP)
	@tools/ensure_browser.sh $(PY)

demo: $(STAMP) browser
	$(PY) -m sim experiment=policy_comparison

test: $(STAMP) browser
	$(PY) -m ruff check .
	$(PY) -m pytest

viz: $(STAMP)
	@echo "Classroom page: http://127.0.0.1:8765  (Ctrl-C to stop)"
	$(VENV)/bin/solara run sim/viz/app.py --host 127.0.0.1 --port 8765 --production --no-open --no-check-version

# The documentation site (Sphinx, Markdown pages of docs/), warnings as errors; open build/docs/index.html.
docs: $(STAMP)
	$(PY) -m sphinx -W --keep-going -q -b html docs build/docs
	@echo "Documentation: build/docs/index.html"

bench: $(STAMP) browser
	$(PY) benchmarks/bench_core.py
	$(PY) benchmarks/bench_experiments.py
	$(PY) benchmarks/bench_viz.py
	$(PY) benchmarks/bench_dask.py --large 4000

clean:
	rm -rf $(VENV) .pytest_cache
