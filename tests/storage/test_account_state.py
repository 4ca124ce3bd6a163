"""Bounded account history (issue 14): chunks, windows and separate ingests find what one pass finds.

These run the bundled rule packs: the US frequency rules (7 calls in 7 days, a call within 7 days
after a conversation) and the cease rules (an attorney named, a refused channel) look across
contacts, and the contacts they need sit on the other side of a chunk, window or ingest boundary.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from storage_helpers import write_jsonl

from qa.ingest import IngestOptions, InlineExecutor, ingest
from qa.ingest.worker import process_task
from qa.rescan import RescanOptions, rescan
from qa.storage import models as m
from qa.storage import open_database
from qa.storage.account_state import AccountState

TIGHT = "storage_pack_scanners:load_tight"


def call(iid: str, account: str, started_at: str, *turns: str, channel: str = "call") -> dict:
    return {
        "id": iid,
        "channel": channel,
        "direction": "outbound",
        "started_at": started_at,
        "jurisdiction": "US",
        "consumer_timezone": "America/New_York",
        "language": "en",
        "agent_id": "A1",
        "account_id": account,
        "consumer_phone": "+15550100",
        "turns": [{"speaker": t.split(": ", 1)[0], "text": t.split(": ", 1)[1]} for t in turns],
    }


VOICEMAIL = "agent: Hi, this is Apex Recovery, a debt collector. Please call us back."


def contacts() -> list[dict]:
    """Interactions in time order; the comments say which earlier contact each breach needs."""
    out = [
        # An attorney named on 2 March binds a contact five weeks later (a standing fact, far outside any window).
        call(
            "law-1",
            "ACC-LAW",
            "2026-03-02T10:00:00-05:00",
            "agent: Is this Pat?",
            "consumer: Yes. I've hired an attorney, talk to her.",
        ),
        # Texts refused on 3 March: a text three weeks later is a breach, a call is not a refused channel.
        call(
            "sms-1",
            "ACC-SMS",
            "2026-03-03T10:00:00-05:00",
            "agent: Apex Recovery, a debt collector: your balance is due.",
            "consumer: Stop texting me.",
            channel="sms",
        ),
    ]
    # Old calls of the frequency account: outside the 7 days of the later burst.
    out += [call(f"freq-old-{d}", "ACC-FREQ", f"2026-03-{d:02d}T11:00:00-04:00", VOICEMAIL) for d in (9, 10, 11)]
    out.append(
        call(
            "conv-1",
            "ACC-CONV",
            "2026-03-20T14:00:00-04:00",
            "agent: May I speak with Pat?",
            "consumer: Speaking.",
            "agent: This is Apex Recovery, a debt collector.",
        )
    )
    # Nine unanswered calls from 23 to 27 March: the 8th and the 9th exceed 7 in 7 days.
    burst = [(d, h) for d in range(23, 28) for h in (10, 15)][:9]
    out += [call(f"freq-{n}", "ACC-FREQ", f"2026-03-{d:02d}T{h:02d}:00:00-04:00", VOICEMAIL) for n, (d, h) in enumerate(burst, 1)]
    out.append(
        call(
            "conv-2",
            "ACC-CONV",
            "2026-03-25T14:00:00-04:00",
            "agent: Hi, just checking again whether you've decided on that payment.",
        )
    )
    out.append(
        call(
            "sms-2",
            "ACC-SMS",
            "2026-03-24T10:00:00-04:00",
            "agent: Apex Recovery, a debt collector: reminder, your balance is due. Pay today at apex.example.",
            channel="sms",
        )
    )
    out.append(
        call("law-2", "ACC-LAW", "2026-04-06T10:00:00-04:00", "agent: Hi, just following up on your balance with Apex Recovery.")
    )
    return sorted(out, key=lambda r: r["started_at"][:19])


def findings(db) -> set[tuple[str, str, int | None]]:
    with db.session() as s:
        rows = s.execute(
            select(m.Interaction.source_id, m.Finding.rule_id, m.Finding.turn).join(m.Finding).where(m.Finding.active.is_(True))
        ).all()
    return {tuple(r) for r in rows}


def run(db, files: list[Path], scanner: str | None = None, **kw) -> None:
    for path in files:
        summary = ingest(db, [path], IngestOptions(scanner=scanner, progress=False, **kw), InlineExecutor())
        assert summary.failed == 0, summary.errors


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> set[tuple[str, str, int | None]]:
    """One pass over everything: one file, one task, one window."""
    folder = tmp_path_factory.mktemp("one-pass")
    db = open_database(f"sqlite:///{folder / 'ref.sqlite3'}")
    run(db, [write_jsonl(folder / "all.jsonl", contacts())], chunk_size=1000)
    found = findings(db)
    db.dispose()
    return found


def test_the_reference_has_the_cross_contact_breaches(reference):
    rules = {(sid, rule) for sid, rule, _ in reference}
    assert ("law-2", "US-FDCPA-1692c-a2-attorney-represented") in rules
    assert ("sms-2", "US-FDCPA-1692c-c-cease-communication") in rules
    assert ("conv-2", "US-REGF-1006.14-b2ii-call-after-conversation") in rules
    seven = {sid for sid, rule in rules if rule == "US-REGF-1006.14-b2i-seven-in-seven"}
    assert seven == {"freq-8", "freq-9"}


def test_small_chunks_and_windows_find_what_one_pass_finds(db, tmp_path, reference):
    run(db, [write_jsonl(tmp_path / "all.jsonl", contacts())], chunk_size=2, window=3)
    assert findings(db) == reference


def test_several_ingests_find_what_one_pass_finds(db, tmp_path, reference):
    records = contacts()
    cuts = [0, 3, 7, 12, len(records)]
    files = [write_jsonl(tmp_path / f"part{n}.jsonl", records[a:b]) for n, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False))]
    run(db, files, chunk_size=4)
    assert findings(db) == reference
    with db.session() as s:
        states = {code: state for code, state in s.execute(select(m.Account.code, AccountState).join(AccountState))}
    assert set(states["ACC-LAW"].standing) >= {"attorney", "first_direct"}
    assert states["ACC-LAW"].standing["attorney"]["first"]["source_id"] == "law-1"


class Recording(InlineExecutor):
    """Inline executor that keeps how many history documents and summaries each task carried."""

    def __init__(self) -> None:
        self.history: list[tuple[int, int]] = []

    def run(self, config, tasks):
        for task in tasks:
            self.history.append((len(task.history), len(task.history_facts)))
            yield process_task(task)


def test_a_new_batch_reads_a_bounded_history_however_old_the_account(db, tmp_path):
    days = [f"2026-{1 + d // 28:02d}-{1 + d % 28:02d}T11:00:00-05:00" for d in range(84)]
    old = [call(f"old-{n}", "ACC-OLD", at, VOICEMAIL) for n, at in enumerate(days)]
    old.insert(0, call("old-stop", "ACC-OLD", "2025-12-15T10:00:00-05:00", "agent: Is this Pat?", "consumer: Stop calling me."))
    run(db, [write_jsonl(tmp_path / "old.jsonl", old)], chunk_size=1000)
    recorder = Recording()
    from qa.ingest.worker import WorkerConfig, init_worker

    init_worker(WorkerConfig())
    new = [
        call("new-1", "ACC-OLD", "2026-03-29T11:00:00-04:00", "agent: Hi, just following up on your balance with Apex Recovery.")
    ]
    ingest(db, [write_jsonl(tmp_path / "new.jsonl", new)], IngestOptions(progress=False), recorder)
    # 85 stored contacts; the new one reads the 17 days of its window, the stop request and the first
    # contact that reached someone (standing facts, months back): 19 summaries from the state, no transcript.
    assert recorder.history == [(0, 19)]
    found = {rule for sid, rule, _ in findings(db) if sid == "new-1"}
    assert "US-FDCPA-1692c-c-cease-communication" in found  # the stop request, three months back, still binds


def test_rescan_with_a_changed_frequency_rule_matches_a_full_rescan(db, tmp_path, monkeypatch):
    """Ingested in parts with the bundled packs, rescanned with 3-in-7: the same as one pass with 3-in-7."""
    monkeypatch.setenv("QA_TIGHT_PACKS", str(tmp_path / "packs"))
    records = contacts()
    run(db, [write_jsonl(tmp_path / "first.jsonl", records[:11])], chunk_size=3)
    summary = rescan(db, RescanOptions(scanner=TIGHT, progress=False, chunk_size=4), InlineExecutor())
    assert summary.failed == 0
    ref = open_database(f"sqlite:///{tmp_path / 'tight.sqlite3'}")
    run(ref, [write_jsonl(tmp_path / "first-all.jsonl", records[:11])], scanner=TIGHT)
    assert findings(db) == findings(ref)
    tight = {sid for sid, rule, _ in findings(db) if rule == "US-REGF-1006.14-b2i-seven-in-seven"}
    assert tight  # the changed rule raises findings the bundled one did not
    # After the rescan the states follow the new rules: later ingests still agree with one pass.
    rest = write_jsonl(tmp_path / "rest.jsonl", records[11:])
    run(db, [rest], scanner=TIGHT, chunk_size=2)
    run(ref, [rest], scanner=TIGHT)
    assert findings(db) == findings(ref)
    one = open_database(f"sqlite:///{tmp_path / 'one.sqlite3'}")
    run(one, [write_jsonl(tmp_path / "everything.jsonl", records)], scanner=TIGHT)
    assert findings(db) == findings(one)
    ref.dispose()
    one.dispose()


def test_a_file_out_of_time_order_is_grouped_by_account_in_time_order(db, tmp_path, reference):
    records = contacts()
    shuffled = records[1::2] + records[0::2]  # one file, accounts' contacts out of order, one window
    run(db, [write_jsonl(tmp_path / "shuffled.jsonl", shuffled)], chunk_size=1000)
    assert findings(db) == reference


def test_states_are_valid_json_and_hold_no_text(db, tmp_path):
    run(db, [write_jsonl(tmp_path / "all.jsonl", contacts())], chunk_size=5)
    with db.session() as s:
        for state in s.scalars(select(AccountState)):
            blob = json.dumps([state.recent, state.standing])
            assert "Stop texting" not in blob and "attorney, talk" not in blob
            assert all(isinstance(entry[0], int) for entry in state.recent)
