# The README's two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install test demo lint

$(BIN)/qa: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	touch $(BIN)/qa

install: $(BIN)/qa

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check qa compliance_rules tests

# Loads the demo floor (with the fixture recordings), creates one demo user per role and opens the dashboards.
demo: install
	$(BIN)/qa demo-data
	$(BIN)/qa dashboard --demo-users
