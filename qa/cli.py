"""The ``qa`` command line: one Typer app, one module per group of commands.

Each ``qa/cli_*.py`` module defines ``register(app)`` and is listed in
``_COMMAND_MODULES``; modules are imported lazily so that ``qa scan`` never
pays for importing Whisper or SQLAlchemy.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="qa",
    help="Compliance audit and QA for debt-collection contact centres / Auditoría de cumplimiento y calidad para cobranza.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Modules that add commands to ``app``; each defines ``register(app)``.
_COMMAND_MODULES = (
    "qa.cli_scan",
    "qa.cli_train",
    "qa.cli_outcomes",
    "qa.cli_payments",
    "qa.cli_ingest",
    "qa.cli_report",
    "qa.cli_demo",
    "qa.cli_transcribe",
    "qa.cli_recordings",
    "qa.cli_dashboard",
    "qa.cli_users",
    "qa.cli_audit",
    "qa.cli_export",
    "qa.cli_coaching",
    "qa.cli_retention",
)


def _register_all() -> None:
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(app)


def main() -> None:
    _register_all()
    app()
