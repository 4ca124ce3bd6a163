"""Every text channel is redacted before storage: nothing in the data folder, the database or an export
holds a card number, CVV or SSN in clear, while the balance and the year stay readable; search runs on
masked text only.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from qa.cli import _register_all, app
from qa.readers import read_file

_register_all()
runner = CliRunner()

CARD = "4485 2538 8853 9336"  # Luhn-valid, synthetic
CARD_DIGITS = CARD.replace(" ", "")
SSN = "078-05-1120"
CVV = "913"
BALANCE = "$4,317.25"
YEAR = "2013"
PASSWORD = "a-long-password-123"

TURNS = [
    ("agent", "Hello, this is Ana from Summit Recovery. This is an attempt to collect a debt."),
    ("consumer", f"I want to pay the store card from {YEAR}. The card number is {CARD}."),
    ("agent", f"Thank you. The balance of record is {BALANCE}. What is the security code?"),
    ("consumer", f"cvv {CVV}"),
    ("consumer", f"and my ssn is {SSN}"),
    ("agent", "Thank you, the payment is scheduled. You will go to jail if it bounces."),
]


def _chat(iid: str = "chat-pci-1") -> dict:
    started = "2026-03-02T10:00:00-05:00"
    return {
        "id": iid,
        "channel": "chat",
        "direction": "outbound",
        "started_at": started,
        "jurisdiction": "US",
        "consumer_timezone": "America/New_York",
        "language": "en",
        "agent_id": "A1",
        "agent_name": "Agent A1",
        "account_id": "ACC-PCI",
        "consumer_phone": "+13055550100",
        "turns": [{"speaker": s, "text": t, "at": started} for s, t in TURNS],
    }


def _clear_values(blob: str) -> list[str]:
    """Which sensitive values ``blob`` holds in clear (any spacing of the card; the CVV next to its cue)."""
    found = []
    if CARD_DIGITS in re.sub(r"[ \-]", "", blob) or CARD in blob:
        found.append("card")
    if SSN in blob or SSN.replace("-", "") in blob:
        found.append("ssn")
    if re.search(rf"cvv\W{{0,3}}{CVV}\b", blob, re.IGNORECASE):
        found.append("cvv")
    return found


def _every_text(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` as text (bytes decoded leniently), ZIP members opened one by one."""
    out = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        out[str(path)] = data.decode("utf-8", errors="replace")
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                for name in z.namelist():
                    out[f"{path}!{name}"] = z.read(name).decode("utf-8", errors="replace")
    return out


def test_reading_a_chat_masks_card_cvv_and_ssn_and_keeps_the_evidence(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(_chat()) + "\n", encoding="utf-8")
    result = read_file(source)
    assert not result.errors
    (record,) = result.records
    texts = [t.text for t in record.interaction.turns]
    joined = "\n".join(texts)
    assert _clear_values(joined) == []
    assert "[CARD]" in texts[1] and "[CVV]" in texts[3] and "[US_SSN]" in texts[4]
    assert BALANCE in texts[2] and YEAR in texts[1]
    assert "turns" not in record.raw  # the unredacted turns are not kept beside the record


def test_ingested_chat_leaves_nothing_in_clear_under_the_data_folder(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    url = f"sqlite:///{data / 'qa.sqlite3'}"
    source = tmp_path / "chat.jsonl"
    source.write_text(json.dumps(_chat()) + "\n", encoding="utf-8")
    env = {"QA_DATA_DIR": str(data), "QA_PASSWORD": PASSWORD, "QA_NEW_PASSWORD": PASSWORD}

    def run(*args):
        outcome = runner.invoke(app, list(args), env=env)
        assert outcome.exit_code == 0, outcome.output
        return outcome.output

    run("ingest", str(source), "--database-url", url, "--workers", "1", "--no-progress")
    run("users", "add", "lucia", "--role", "legal", "--database-url", url)
    run("case", "open", "PCI check", "--account", "ACC-PCI", "--user", "lucia", "--database-url", url)
    exports = data / "exports"
    exports.mkdir()
    run("export", "case", "1", "--out", str(exports / "case.zip"), "--user", "lucia", "--database-url", url)
    scan_out = run("scan", str(source), "--json")
    (exports / "scan.jsonl").write_text(scan_out, encoding="utf-8")

    files = _every_text(data)
    assert any(name.endswith("qa.sqlite3") for name in files)
    assert any(re.search(r"!interactions/chat-pci-1[^/]*/transcript\.txt$", name) for name in files)
    leaks = {name: found for name, text in files.items() if (found := _clear_values(text))}
    assert leaks == {}
    everything = "\n".join(files.values())
    assert BALANCE in everything and YEAR in everything  # the evidence is still there
    assert "[CARD]" in everything and "[CVV]" in everything and "[US_SSN]" in everything
    assert "jail" in scan_out  # the scanner still sees what it needs on the masked text


def test_search_runs_on_masked_text_only(tmp_path, db):
    from qa.ingest import IngestOptions, InlineExecutor, ingest
    from qa.workflow.access import Principal
    from qa.workflow.cases import SearchQuery, search_interactions

    source = tmp_path / "chat.jsonl"
    source.write_text(json.dumps(_chat()) + "\n", encoding="utf-8")
    ingest(db, [source], IngestOptions(progress=False), InlineExecutor())
    admin = Principal.system("tests")
    with db.session() as s:
        assert search_interactions(s, admin, SearchQuery(phrase=CARD)) == []
        assert search_interactions(s, admin, SearchQuery(phrase=CARD_DIGITS[:8])) == []
        assert search_interactions(s, admin, SearchQuery(phrase="0785")) == []
        assert len(search_interactions(s, admin, SearchQuery(phrase="store card"))) == 1
        assert len(search_interactions(s, admin, SearchQuery(phrase=BALANCE))) == 1
