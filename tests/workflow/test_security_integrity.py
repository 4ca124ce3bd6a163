"""Issue 13 item 5 (and calibration scope, item 4): tombstones, export names and verification, unique uploads,
concurrent acknowledgements, the audit-log anchor.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update
from typer.testing import CliRunner
from workflow_helpers import PASSWORD, VERSION, domain_interaction

from qa.cli import _register_all, app
from qa.ingest import IngestOptions, InlineExecutor, ingest
from qa.scoring import load_scorecard, score_findings
from qa.storage import models as m
from qa.storage import repository as repo
from qa.storage.workflow_models import AuditEntry, AuditHead, CoachingItem
from qa.views.uploads import save_uploads
from qa.workflow import audit
from qa.workflow.access import Principal
from qa.workflow.calibration import create_calibration, my_calibration_items, record_calibration_decision
from qa.workflow.cases import open_case
from qa.workflow.coaching import acknowledge, open_coaching
from qa.workflow.errors import ConflictError, InvalidRequest, PermissionDenied
from qa.workflow.export import export_case, folder_name, verify_export
from qa.workflow.retention import apply_retention
from qa.workflow.tombstones import REASON, lift

NOW = datetime(2026, 4, 1, tzinfo=UTC)
ROOT = Principal.system("tests")
runner = CliRunner()
_register_all()


def _item(iid: str, started: str, texts: list[str], account: str = "ACC-9") -> repo.StoredInteraction:
    interaction = domain_interaction(iid, "A1", "North", account, started, "+573001112233", texts)
    document = interaction.model_dump(mode="json", exclude_none=True)
    digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
    return repo.StoredInteraction(interaction, document, digest, [], score_findings(load_scorecard("default"), []))


def _store(seeded, items) -> None:
    with seeded.db.session() as s:
        repo.store_interactions(
            s, items, dims=repo.Dimensions(), run_id=None, scan_run_id=None, version=VERSION, scorecard=load_scorecard("default")
        )


def _count(seeded, source_id: str) -> int:
    with seeded.db.session() as s:
        return s.scalar(select(func.count()).select_from(m.Interaction).where(m.Interaction.source_id == source_id))


def test_purged_interactions_are_not_stored_again_until_lifted(seeded):
    old = _item("old-1", "2020-02-01T10:00:00-05:00", ["Hola, llamo por su cuenta."])
    _store(seeded, [old])
    with seeded.db.session() as s:
        result = apply_retention(s, ROOT, days=365, now=NOW)
    assert {"old-1", "c5"} <= set(result.deleted)
    # The same record, and the same id with other content, and c5's exact content under another id: nothing stored.
    edited = _item("old-1", "2020-02-01T10:00:00-05:00", ["Texto cambiado."])
    _store(seeded, [old, edited, _item("new-1", "2026-03-20T10:00:00-05:00", ["Buenos días."])])
    assert _count(seeded, "old-1") == 0 and _count(seeded, "new-1") == 1
    with seeded.db.session() as s:
        with pytest.raises(InvalidRequest):
            lift(s, ROOT, source_id="old-1", reason=" ")
        assert lift(s, ROOT, source_id="old-1", reason="restored by court order") == 1
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "retention.lift")).one()
        assert "court order" in entry.details and entry.actor == "system:tests"
    _store(seeded, [old])
    assert _count(seeded, "old-1") == 1
    assert _count(seeded, "c5") == 0  # c5's tombstone is still live


def test_purge_then_reingest_through_the_pipeline_stores_nothing(seeded, tmp_path):
    record = {
        "id": "purge-me", "channel": "chat", "direction": "outbound", "started_at": "2020-05-04T10:00:00-05:00",
        "jurisdiction": "US", "consumer_timezone": "America/New_York", "language": "en", "agent_id": "A7",
        "agent_name": "Agent A7", "account_id": "ACC-77",
        "turns": [{"speaker": "agent", "text": "Good morning, this is Ana.", "at": "2020-05-04T10:00:00-05:00"}],
    }  # fmt: skip
    source = tmp_path / "batch.jsonl"
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    options = IngestOptions(progress=False, workers=1)
    assert ingest(seeded.db, [source], options, InlineExecutor()).stored == 1
    with seeded.db.session() as s:
        apply_retention(s, ROOT, days=365, now=NOW)
    assert _count(seeded, "purge-me") == 0
    again = tmp_path / "again.jsonl"
    again.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    scanned: list[int] = []

    class CountingExecutor(InlineExecutor):  # what reaches the scanner
        def run(self, config, tasks):
            for task in tasks:
                scanned.append(len(task.items))
                yield from super().run(config, [task])

    summary = ingest(seeded.db, [again], options, CountingExecutor())
    assert _count(seeded, "purge-me") == 0
    # Refused before scanning, reported once with file, line, id and reason, and not counted as stored.
    assert scanned == [] and (summary.stored, summary.duplicates, summary.failed) == (0, 0, 1)
    assert summary.errors == [f"{again}:1 [purge-me]: {REASON}"]
    with seeded.db.session() as s:
        rows = s.execute(select(m.IngestError.source_file, m.IngestError.source_line, m.IngestError.reason)
                         .where(m.IngestError.record_id == "purge-me")).all()  # fmt: skip
        run = s.get(m.IngestRun, summary.run_id)
        assert (run.stored, run.failed) == (0, 1)
    assert rows == [(str(again), 1, REASON)]


def test_ids_that_sanitise_alike_keep_separate_export_folders(seeded, tmp_path):
    _store(seeded, [_item("case/1 A", "2026-03-05T10:00:00-05:00", ["Primera llamada."], account="ACC-X"),
                    _item("case_1_A", "2026-03-06T10:00:00-05:00", ["Segunda llamada."], account="ACC-X")])  # fmt: skip
    legal = seeded.who("lucia")
    assert folder_name("case/1 A") != folder_name("case_1_A")
    with seeded.db.session() as s:
        case = open_case(s, legal, "Colisión", account="ACC-X")
        result = export_case(s, legal, case.id, tmp_path / "x.zip")
    with zipfile.ZipFile(result.path) as z:
        one = json.loads(z.read(f"{folder_name('case/1 A')}/record.json"))
        two = json.loads(z.read(f"{folder_name('case_1_A')}/record.json"))
    assert (one["id"], two["id"]) == ("case/1 A", "case_1_A")
    assert verify_export(result.path).ok


def test_duplicate_zip_entries_are_refused(seeded, tmp_path):
    legal = seeded.who("lucia")
    with seeded.db.session() as s:
        case = open_case(s, legal, "Complaint", account="ACC-1")
        result = export_case(s, legal, case.id, tmp_path / "case.zip")
    target = f"{folder_name('c1')}/transcript.txt"
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(result.path) as z, zipfile.ZipFile(forged, "w") as out, pytest.warns(UserWarning, match="Duplicate"):
        out.writestr(target, b"[0.0s] agent: todo en orden\n")  # the forged copy first, the genuine one after
        for name in z.namelist():
            out.writestr(name, z.read(name))
    check = verify_export(forged)
    assert not check.ok and any("more than once" in p for p in check.problems)
    cli = runner.invoke(app, ["export", "verify", str(forged), "--offline"])
    assert cli.exit_code == 1 and "more than once" in cli.output


def test_concurrent_acknowledgements_exactly_one_wins(seeded):
    with seeded.db.session() as s:
        item = open_coaching(s, seeded.who("sara"), [seeded.findings[("c2", "T-IDIOT")]], "Lenguaje respetuoso")
    ana = seeded.who("ana")
    barrier, outcomes = threading.Barrier(2), []

    def ack(comment: str) -> None:
        barrier.wait()
        try:
            with seeded.db.session() as s:
                acknowledge(s, ana, item.id, comment=comment, expected_version=item.version)
            outcomes.append(comment)
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=ack, args=(c,)) for c in ("primero", "segundo")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes)[0] == "conflict" and len(outcomes) == 2
    winner = next(o for o in outcomes if o != "conflict")
    with seeded.db.session() as s:
        stored = s.get(CoachingItem, item.id)
        assert (stored.status, stored.agent_comment, stored.version) == ("acknowledged", winner, 2)
        assert s.scalar(select(func.count()).where(AuditEntry.action == "coaching.acknowledge")) == 1
        with pytest.raises(ConflictError):  # a stale, sequential second acknowledgement is refused too
            acknowledge(s, ana, item.id, comment="tarde")


def test_calibration_stays_within_each_supervisors_scope(seeded):
    lead, ids = seeded.who("quique"), seeded.interactions
    with seeded.db.session() as s:
        with pytest.raises(InvalidRequest, match="sara"):
            create_calibration(s, lead, "Mixta", [ids["c1"], ids["c5"]], ["sara", "quela"])
        cal = create_calibration(s, lead, "Norte", [ids["c1"], ids["c4"]], ["sara", "quela"])
    with seeded.db.session() as s:
        assert {i.interaction for i in my_calibration_items(s, seeded.who("sara"), cal.id)} == {"c1", "c4"}
        # Agent A2 (c4) moves to the South team: sara no longer sees, nor decides, c4's finding.
        south = s.scalar(select(m.Team.id).where(m.Team.code == "South"))
        s.execute(update(m.Agent).where(m.Agent.code == "A2").values(team_id=south))
        s.execute(update(m.Interaction).where(m.Interaction.id == ids["c4"]).values(team_id=south))
    with seeded.db.session() as s:
        assert {i.interaction for i in my_calibration_items(s, seeded.who("sara"), cal.id)} == {"c1"}
        with pytest.raises(PermissionDenied):
            record_calibration_decision(s, seeded.who("sara"), cal.id, seeded.findings[("c4", "T-JAIL")], "confirmed")
        assert len(my_calibration_items(s, seeded.who("quela"), cal.id)) == 2


def test_anchor_catches_newest_entries_cut_off_with_the_head(seeded, tmp_path):
    with seeded.db.session() as s:
        line = audit.anchor(s, ROOT)  # anchors the head before its own entry
        for k in range(3):
            audit.record(s, ROOT, "test.event", "x", k)
        assert audit.verify(s, anchor_text=line).ok
        anchored_seq = audit.parse_anchor(line)[0]
    # Cut off the anchored entry and everything after it, and rewind the head to match: the chain alone looks fine.
    with seeded.db.session() as s:
        s.execute(delete(AuditEntry).where(AuditEntry.seq >= anchored_seq))
        last = s.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).one()
        s.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=last.seq, hash=last.hash))
    with seeded.db.session() as s:
        assert audit.verify(s).ok
        cut = audit.verify(s, anchor_text=line)
        assert not cut.ok and any("cut off" in p for p in cut.problems)
    # Through the CLI: anchor to a file, then verify against it.
    url = seeded.db.engine.url.render_as_string(hide_password=False)
    anchors = tmp_path / "anchors.txt"
    made = runner.invoke(app, ["audit", "anchor", "--out", str(anchors), "--database-url", url])
    assert made.exit_code == 0 and anchors.read_text().startswith("qa-audit-anchor/1 seq=")
    assert runner.invoke(app, ["audit", "verify", "--anchor", str(anchors), "--database-url", url]).exit_code == 0
    with seeded.db.session() as s:  # rewrite the anchored entry's hash chain from there: a mismatch
        seq, _ = audit.parse_anchor(anchors.read_text().strip())
        s.execute(update(AuditEntry).where(AuditEntry.seq == seq).values(hash="f" * 64))
    bad = runner.invoke(app, ["audit", "verify", "--anchor", str(anchors), "--database-url", url])
    assert bad.exit_code == 1 and "different hash" in bad.output


def test_cli_closes_a_case_and_lifts_a_tombstone(seeded):
    url = seeded.db.engine.url.render_as_string(hide_password=False)
    with seeded.db.session() as s:
        case = open_case(s, seeded.who("lucia"), "Complaint", account="ACC-2")
        apply_retention(s, ROOT, days=365, now=NOW)
    env = {"QA_PASSWORD": PASSWORD}
    closed = runner.invoke(
        app, ["case", "close", str(case.id), "--reason", "resuelto", "--user", "lucia", "--database-url", url], env=env
    )
    assert closed.exit_code == 0 and "closed" in closed.output, closed.output
    again = runner.invoke(
        app, ["case", "close", str(case.id), "--reason", "x", "--user", "lucia", "--database-url", url], env=env
    )
    assert again.exit_code == 2 and "already closed" in again.output
    listed = runner.invoke(app, ["retention", "tombstones", "--database-url", url])
    assert "c5" in listed.output
    lifted = runner.invoke(app, ["retention", "lift", "--id", "c5", "--reason", "error de retención", "--database-url", url])
    assert lifted.exit_code == 0 and "1" in lifted.output
    assert "c5" not in runner.invoke(app, ["retention", "tombstones", "--database-url", url]).output


def test_uploads_never_overwrite_each_other(tmp_path):
    files = [("calls a.json", b"1"), ("calls_a.json", b"2"), ("CALLS_A.json", b"3"), ("../calls a.json", b"4")]
    folder, paths = save_uploads(files, root=tmp_path)
    assert sorted(p.read_bytes() for p in paths) == [b"1", b"2", b"3", b"4"]
    assert len({p.name.lower() for p in paths}) == 4 and all(p.parent == folder for p in paths)
    other, _ = save_uploads(files[:1], root=tmp_path)
    assert other != folder and Path(other).parent == tmp_path


def test_killed_runs_are_marked_interrupted_on_the_next_start(seeded):
    import socket
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # a process id that no longer exists
    with seeded.db.session() as s:
        killed = m.ScanRun(kind="rescan", rule_pack_version=VERSION, host=socket.gethostname(), pid=child.pid)
        alive = m.ScanRun(kind="rescan", rule_pack_version=VERSION, host="other-host", pid=child.pid)
        dead_ingest = m.IngestRun(status="interrupted")
        s.add_all([killed, alive, dead_ingest])
        s.flush()
        orphan = m.ScanRun(kind="ingest", rule_pack_version=VERSION, ingest_run_id=dead_ingest.id, host="other-host", pid=1)
        s.add(orphan)
        s.flush()
        ids = (killed.id, alive.id, orphan.id)
    with seeded.db.session() as s:
        # Inserting ``alive`` and ``orphan`` above already closed ``killed``; the next start closes the orphan.
        s.add(m.ScanRun(kind="rescan", rule_pack_version=VERSION))
    with seeded.db.session() as s:
        runs = [s.get(m.ScanRun, i) for i in ids]
        assert [r.status for r in runs] == ["interrupted", "running", "interrupted"]
        assert runs[0].finished_at is not None
        newest = s.scalars(select(m.ScanRun).order_by(m.ScanRun.id.desc()).limit(1)).one()
        assert (newest.status, newest.host, newest.pid) == ("running", socket.gethostname(), os.getpid())
