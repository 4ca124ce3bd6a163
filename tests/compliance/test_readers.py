"""Bad records are reported with file, line and reason; the rest is read."""

import json
from pathlib import Path

from qa.readers import read_paths

GOOD = {
    "id": "ok-1",
    "channel": "call",
    "started_at": "2026-03-03T10:00:00-05:00",
    "jurisdiction": "CO",
    "agent_id": "A1",
    "turns": [{"speaker": "agent", "text": "Buenos días"}],
}


def _write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_each_kind_of_bad_record_is_reported_and_the_rest_is_read(tmp_path):
    bad_cases = {
        "malformed": '{"id": "x", "channel": ',
        "missing": json.dumps({k: v for k, v in GOOD.items() if k != "channel"} | {"id": "no-channel"}),
        "naive_time": json.dumps(GOOD | {"id": "naive", "started_at": "2026-03-03T10:00:00"}),
        "bad_zone": json.dumps(GOOD | {"id": "zone", "consumer_timezone": "Mars/Olympus"}),
        "bad_jurisdiction": json.dumps(GOOD | {"id": "jur", "jurisdiction": "ZZ"}),
        "not_object": json.dumps(["a", "list"]),
        "both_missing": json.dumps({k: v for k, v in GOOD.items() if k != "turns"} | {"id": "empty"}),
    }
    lines = [json.dumps(GOOD)] + list(bad_cases.values()) + [json.dumps(GOOD | {"id": "ok-2", "extra_field": 1})]
    path = _write_jsonl(tmp_path / "batch.jsonl", lines)
    result = read_paths([path])
    assert [r.interaction.id for r in result.records] == ["ok-1", "ok-2"]
    assert len(result.errors) == len(bad_cases)
    reasons = {e.line: e.reason for e in result.errors}
    assert all(e.file == str(path) for e in result.errors)
    assert "malformed JSON" in reasons[2]
    assert "channel: missing required field" in reasons[3]
    assert "no UTC offset" in reasons[4]
    assert "unknown time zone 'Mars/Olympus'" in reasons[5]
    assert "unknown jurisdiction 'ZZ'" in reasons[6]
    assert "expected a JSON object" in reasons[7]
    assert "needs 'turns' or 'audio'" in reasons[8]
    # The id of a malformed line is named too when it can be seen ("x").
    assert {e.record_id for e in result.errors if e.record_id} == {"x", "no-channel", "naive", "zone", "jur", "empty"}


def test_turn_timestamps_need_an_offset(tmp_path):
    chat = GOOD | {"id": "chat", "channel": "chat", "turns": [{"speaker": "agent", "text": "hola", "at": "2026-03-03T10:00:00"}]}
    result = read_paths([_write_jsonl(tmp_path / "c.jsonl", [json.dumps(chat)])])
    assert not result.records and "turns.0.at" in result.errors[0].reason


def test_duplicate_ids_across_files_keep_the_first(tmp_path):
    a = _write_jsonl(tmp_path / "a.jsonl", [json.dumps(GOOD)])
    b = _write_jsonl(tmp_path / "b.jsonl", [json.dumps(GOOD)])
    result = read_paths([a, b])
    assert len(result.records) == 1 and result.records[0].file == str(a)
    assert "duplicate interaction id" in result.errors[0].reason and result.errors[0].file == str(b)


def test_json_file_with_an_array_and_unsupported_files(tmp_path):
    array = tmp_path / "many.json"
    array.write_text(json.dumps([GOOD, GOOD | {"id": "ok-2", "started_at": "yesterday"}]), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not interactions")
    result = read_paths([array, tmp_path / "notes.txt", tmp_path / "missing.jsonl"])
    assert [r.interaction.id for r in result.records] == ["ok-1"]
    reasons = [e.reason for e in result.errors]
    assert any("started_at" in r for r in reasons)
    assert any("unsupported file type .txt" in r for r in reasons)
    assert any("file not found" in r for r in reasons)


def test_csv_chat_export_groups_messages_by_interaction(tmp_path):
    path = tmp_path / "chats.csv"
    path.write_text(
        "interaction_id,channel,jurisdiction,agent_id,account_id,speaker,text,at\n"
        "c1,chat,CO,A1,ACC1,agent,Hola Ana,2026-03-03T10:00:00-05:00\n"
        "c2,sms,US-NY,A2,ACC2,agent,Your balance is due,2026-03-03T11:00:00-05:00\n"
        "c1,,,,,consumer,ya pagué,2026-03-03T10:01:00-05:00\n"
        ",chat,CO,A1,ACC1,agent,orphan row,2026-03-03T10:02:00-05:00\n"
        "c3,chat,CO,A1,ACC1,agent,no time zone,2026-03-03T10:02:00\n",
        encoding="utf-8",
    )
    result = read_paths([path])
    by_id = {r.interaction.id: r.interaction for r in result.records}
    assert set(by_id) == {"c1", "c2"}
    assert [t.text for t in by_id["c1"].turns] == ["Hola Ana", "ya pagué"]
    assert by_id["c1"].started_at.isoformat() == "2026-03-03T10:00:00-05:00"
    assert by_id["c2"].channel == "sms"
    assert {e.line for e in result.errors} == {5, 6}


def test_csv_without_required_columns(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,text\n1,hola\n", encoding="utf-8")
    result = read_paths([path])
    assert not result.records and "lacks column(s): interaction_id, speaker, at" in result.errors[0].reason
