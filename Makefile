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

test: install lint
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Loads the demo floor (with the fixture recordings), creates one demo user per role and serves the dashboards
# headless (no prompt, no browser launch, nothing fetched from outside); it prints the URL and the demo users.
# Works without a terminal (CI, nohup, Docker without -it); .ci/demo-check.sh proves it. DEMO_PORT=8600 make demo
DEMO_PORT ?= 8501
demo: install
	$(BIN)/qa demo-data
	@echo "Command line / Línea de comandos: $(BIN)/qa --help  (or: source $(BIN)/activate)"
	$(BIN)/qa dashboard --demo-users --port $(DEMO_PORT)
