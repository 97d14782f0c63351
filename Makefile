# Two commands for a fresh clone: `make demo` and `make test`.
# Everything installs into .venv with a Python >= 3.12 found by tools/find_python.sh.

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PORT   ?= 8765

.PHONY: demo test quick bench viz mesa-viz docs setup browser clean

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

# The suite's files are shared out over the cores (pytest-xdist; each file whole on one worker, so that its
# fixtures are made once), as the quick tier's are; the 25 slowest tests are listed at the end.
test: $(STAMP) browser
	$(PY) -m ruff check .
	$(PY) -m pytest -n auto --dist loadfile --durations=25

# The quick tier for the edit-test loop: every test not marked slow (tests/conftest.py says which are); `make test`
# and CI run them all.
quick: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest -m "not slow" -q -n auto --dist loadfile

# The pages set up the environment only when there is none: a pyproject.toml changed by a pull does not make them
# reinstall from the network, so that they work offline (`make setup` updates the environment when online).
# Ctrl-C stops a page quietly (sim/viz/serve.py). PORT=8766 make viz serves on another port.
PAGE_ENV = @[ -f $(STAMP) ] || $(MAKE) --no-print-directory setup; \
	[ pyproject.toml -ot $(STAMP) ] || echo "note: pyproject.toml changed since the last install; run make setup when online to update the environment"

viz:
	$(PAGE_ENV)
	@$(PY) -m sim.viz.serve --port $(PORT)

# The model in Mesa's own SolaraViz (sim/viz/mesa_app.py), offline as well.
mesa-viz:
	$(PAGE_ENV)
	@$(PY) -m sim.viz.serve --app sim/viz/mesa_app.py --port $(PORT)

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
