"""The qa scan / eval / rules commands, end to end through Typer."""

import json

from typer.testing import CliRunner

from qa.cli import _register_all, app

_register_all()
runner = CliRunner()

THREAT_CALL = {
    "id": "t-1",
    "channel": "call",
    "started_at": "2026-03-03T10:00:00-05:00",
    "jurisdiction": "CO",
    "language": "es",
    "agent_id": "A1",
    "account_id": "ACC-9",
    "turns": [
        {"speaker": "agent", "start": 0.0, "end": 2.0, "text": "Buenos días, ¿hablo con la señora Ruiz?"},
        {"speaker": "consumer", "start": 2.5, "end": 3.0, "text": "Sí, con ella."},
        {
            "speaker": "agent",
            "start": 3.5,
            "end": 9.0,
            "text": "Le habla Pedro, de Recaudos Norte. Si no paga hoy, la metemos a la cárcel.",
        },
    ],
}


def test_scan_json_writes_one_finding_per_line_and_reports_bad_records(tmp_path):
    path = tmp_path / "calls.jsonl"
    path.write_text(json.dumps(THREAT_CALL) + "\n{broken\n", encoding="utf-8")
    result = runner.invoke(app, ["scan", str(path), "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    threat = [f for f in lines if f["family"] == "threat"]
    assert threat and threat[0]["turn"] == 2 and threat[0]["start"] == 3.5
    assert THREAT_CALL["turns"][2]["text"][threat[0]["span"][0] : threat[0]["span"][1]] == threat[0]["evidence"]
    assert f"{path}:2" in result.stderr and "malformed JSON" in result.stderr
    assert "1 scanned" in result.stderr


def test_scan_strict_exits_nonzero_on_bad_records(tmp_path):
    path = tmp_path / "calls.jsonl"
    path.write_text(json.dumps(THREAT_CALL) + "\n{broken\n", encoding="utf-8")
    assert runner.invoke(app, ["scan", str(path), "--strict"]).exit_code == 1


def test_scan_table(tmp_path):
    path = tmp_path / "calls.json"
    path.write_text(json.dumps(THREAT_CALL), encoding="utf-8")
    result = runner.invoke(app, ["scan", str(path)])
    assert "CO-SFC-CE048-2008-intimidation" in result.stdout and "threat" in result.stdout


def test_eval_prints_per_family_scores(tmp_path):
    labelled = tmp_path / "set.jsonl"
    clean = THREAT_CALL | {"id": "c-1", "account_id": "ACC-10", "turns": THREAT_CALL["turns"][:2]}
    rows = [THREAT_CALL | {"expected": [{"family": "threat", "turn": 2}]}, clean | {"expected": []}]
    labelled.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    result = runner.invoke(app, ["eval", str(labelled), "--json"])
    scores = json.loads(result.stdout)
    assert scores["threat"]["interaction"]["recall"] == 1.0 and scores["threat"]["turn"]["precision"] == 1.0
    assert scores["compliant"] == {"total": 1, "flagged": 0}
    table = runner.invoke(app, ["eval", str(labelled)]).stdout
    assert "threat" in table and "cease_violation" in table


def test_rules_lists_citations_per_jurisdiction():
    result = runner.invoke(app, ["rules", "--jurisdiction", "PE"])
    assert "PE-CPDC-62b-hours-and-days" in result.stdout and "Ley 29571" in result.stdout
    assert "US-FDCPA" not in result.stdout
