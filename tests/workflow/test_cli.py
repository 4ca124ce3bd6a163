"""The workflow's CLI: users, case with legal hold, export and verify, retention, audit verify (SQLite)."""

from __future__ import annotations

import zipfile

import pytest
from sqlalchemy import text
from typer.testing import CliRunner
from workflow_helpers import PASSWORD

from qa.cli import _register_all, app

_register_all()
runner = CliRunner()


@pytest.fixture
def sqlite_seeded(seeded, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("the CLI is a thin layer over the services: SQLite is enough")
    return seeded, db_url


def run(*args, **env):
    return runner.invoke(app, list(args), env={"QA_PASSWORD": PASSWORD, **env})


def test_users_commands(sqlite_seeded):
    _, url = sqlite_seeded
    added = run("users", "add", "nuevo", "--role", "legal", "--database-url", url, QA_NEW_PASSWORD="a-long-password")
    assert added.exit_code == 0, added.output
    listed = run("users", "list", "--database-url", url)
    assert "nuevo" in listed.output and "legal" in listed.output
    assert run("users", "disable", "nuevo", "--database-url", url).exit_code == 0
    assert "disabled" in run("users", "list", "--database-url", url).output
    bad = run("users", "add", "x", "--role", "agent", "--database-url", url, QA_NEW_PASSWORD="a-long-password")
    assert bad.exit_code == 2 and "agent" in bad.output
    demo = run("users", "demo", "--database-url", url)
    assert demo.exit_code == 0 and "analista" in demo.output


def test_case_export_verify_retention_and_audit(sqlite_seeded, tmp_path):
    seeded, url = sqlite_seeded
    opened = run("case", "open", "Queja", "--account", "ACC-1", "--hold", "--user", "lucia", "--database-url", url)
    assert opened.exit_code == 0, opened.output
    timeline = run("case", "timeline", "1", "--user", "lucia", "--database-url", url)
    assert "22:30" in timeline.output and "T-HOURS" in timeline.output
    denied = run("export", "case", "1", "--out", str(tmp_path), "--user", "ana", "--database-url", url)
    assert denied.exit_code == 2 and "export" in denied.output
    wrong = run("export", "case", "1", "--user", "lucia", "--database-url", url, QA_PASSWORD="nope")
    assert wrong.exit_code == 2
    zip_path = tmp_path / "case.zip"
    exported = run("export", "case", "1", "--out", str(zip_path), "--user", "lucia", "--database-url", url)
    assert exported.exit_code == 0, exported.output
    assert run("export", "verify", str(zip_path), "--database-url", url).exit_code == 0
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(zip_path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            dst.writestr(name, data + b" " if name == "report.html" else data)
    result = run("export", "verify", str(tampered), "--offline")
    assert result.exit_code == 1 and "report.html" in result.output
    retention = run("retention", "apply", "--days", "30", "--database-url", url)
    assert retention.exit_code == 0 and "held / retenida: c1" in retention.output
    assert run("audit", "verify", "--database-url", url).exit_code == 0
    assert "export" in run("audit", "log", "--action", "export", "--database-url", url).output
    with seeded.db.session() as s:
        s.execute(text("UPDATE audit_log SET actor = 'nadie' WHERE action = 'export'"))
    broken = run("audit", "verify", "--database-url", url)
    assert broken.exit_code == 1 and "edited" in broken.output
