# Two commands for a newcomer: `make demo` and `make test`. Both install everything first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
DEMO   ?= demo

.PHONY: install demo test lint clean

$(STAMP): pyproject.toml scripts/install.sh
	bash scripts/install.sh "$(PYTHON)" "$(VENV)"
	touch $(STAMP)

install: $(STAMP)

demo: install
	bash scripts/demo.sh "$(DEMO)"

lint: install
	$(PY) -m ruff check src tests benchmarks
	$(PY) -m mypy

test: install lint
	$(PY) -m pytest -n 2 --dist loadfile

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache
