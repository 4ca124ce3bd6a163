"""Complaint cases: search, timeline, legal hold; tamper-evident export; retention that spares held items."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from qa.storage import models as m
from qa.storage.workflow_models import AuditEntry, RetentionDeletion
from qa.workflow.cases import SearchQuery, case_timeline, open_case, search_interactions, set_legal_hold
from qa.workflow.errors import PermissionDenied
from qa.workflow.export import export_case, folder_name, verify_export
from qa.workflow.retention import apply_retention

NOW = datetime(2026, 4, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (SearchQuery(phone="3001234567"), ["c1", "c2", "c3"]),
        (SearchQuery(phone="+57 300 123 4567"), ["c1", "c2", "c3"]),
        (SearchQuery(account="ACC-2"), ["c4"]),
        (SearchQuery(agent="B1"), ["c5"]),
        (SearchQuery(phrase="CÁRCEL"), ["c1", "c4"]),
        (SearchQuery(phrase="carcel"), ["c1", "c4"]),
        (SearchQuery(phrase="otra vez pago"), ["c3"]),
        (SearchQuery(phrase="100%"), []),
        (SearchQuery(phrase="cárcel", start=datetime(2026, 3, 3).date()), ["c4"]),
    ],
)
def test_search(seeded, query, expected):
    with seeded.db.session() as s:
        assert [r.source_id for r in search_interactions(s, seeded.who("lucia"), query)] == expected


def test_case_timeline_in_consumer_local_time_with_off_hours_and_frequency(seeded):
    with seeded.db.session() as s:
        case = open_case(s, seeded.who("lucia"), "Queja de Pedro Gómez", account="ACC-1")
        timeline = case_timeline(s, seeded.who("lucia"), case.id)
    assert [t.source_id for t in timeline] == ["c1", "c2", "c3"]
    assert timeline[1].consumer_local_time.strftime("%Y-%m-%d %H:%M") == "2026-03-02 22:30"
    assert timeline[1].consumer_timezone == "America/Bogota"
    assert [f["family"] for f in timeline[1].findings] == ["off_hours"]
    assert [f["family"] for f in timeline[2].findings] == ["frequency"]
    assert timeline[0].findings == []


def _case_with_export(seeded, tmp_path):
    legal = seeded.who("lucia")
    with seeded.db.session() as s:
        case = open_case(s, legal, "Complaint", account="ACC-1", legal_hold=True, hold_reason="regulator request")
        result = export_case(s, legal, case.id, tmp_path / "out")
    return case, result


def test_export_contains_the_evidence_and_verifies(seeded, tmp_path):
    (tmp_path / "out").mkdir()
    case, result = _case_with_export(seeded, tmp_path)
    with zipfile.ZipFile(result.path) as z:
        names = set(z.namelist())
        assert {"case.json", "report.html", "manifest.json", "manifest.sha256"} <= names
        for iid in ("c1", "c2", "c3"):
            assert {
                f"{folder_name(iid)}/{n}" for n in ("record.json", "transcript.txt", "findings.json", "review_history.json")
            } <= names
        assert z.read(f"{folder_name('c1')}/audio/c1.wav") == b"RIFF-test-audio-bytes"
        report = z.read("report.html").decode()
        assert "Cronología de contactos" in report and "Contact timeline" in report and "22:30" in report
        assert "cárcel" in z.read(f"{folder_name('c1')}/transcript.txt").decode()
        listed = {f["path"] for f in json.loads(z.read("manifest.json"))["files"]}
        assert listed == names - {"manifest.json", "manifest.sha256"}
    assert verify_export(result.path).ok
    with seeded.db.session() as s:
        checked = verify_export(result.path, s)
        assert checked.ok and checked.anchored
        assert s.scalar(select(AuditEntry.action).where(AuditEntry.seq == result.audit_seq)) == "export"


def _rewrite(src, dst, change):
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w") as out:
        for name in z.namelist():
            data = change(name, z.read(name))
            if data is not None:
                out.writestr(name, data)


@pytest.mark.parametrize("tamper", ["transcript", "manifest", "drop_file", "add_file", "consistent_forgery"])
def test_tampered_export_fails_verification(seeded, tmp_path, tamper):
    (tmp_path / "out").mkdir()
    _, result = _case_with_export(seeded, tmp_path)
    forged = tmp_path / "forged.zip"
    if tamper == "transcript":
        _rewrite(
            result.path,
            forged,
            lambda n, d: d.replace("cárcel".encode(), b"carta") if n == f"{folder_name('c1')}/transcript.txt" else d,
        )
    elif tamper == "manifest":
        _rewrite(
            result.path,
            forged,
            lambda n, d: d.replace(b'"exported_by": "lucia"', b'"exported_by": "nadie"') if n == "manifest.json" else d,
        )
    elif tamper == "drop_file":
        _rewrite(result.path, forged, lambda n, d: None if n == f"{folder_name('c2')}/findings.json" else d)
    elif tamper == "add_file":
        _rewrite(result.path, forged, lambda n, d: d)
        with zipfile.ZipFile(forged, "a") as z:
            z.writestr("interactions/c9/record.json", b"{}")
    else:
        # Edit a transcript and rebuild a self-consistent manifest: only the audit-log anchor catches it.
        import hashlib

        with zipfile.ZipFile(result.path) as z:
            files = {n: z.read(n) for n in z.namelist()}
        files[f"{folder_name('c1')}/transcript.txt"] = b"nothing to see\n"
        manifest = json.loads(files["manifest.json"])
        for f in manifest["files"]:
            f["sha256"], f["bytes"] = hashlib.sha256(files[f["path"]]).hexdigest(), len(files[f["path"]])
        files["manifest.json"] = json.dumps(manifest).encode()
        files["manifest.sha256"] = f"{hashlib.sha256(files['manifest.json']).hexdigest()}  manifest.json\n".encode()
        with zipfile.ZipFile(forged, "w") as z:
            for n, d in files.items():
                z.writestr(n, d)
        assert verify_export(forged).ok  # consistent on its own ...
    with seeded.db.session() as s:
        checked = verify_export(forged, s)
    assert not checked.ok and checked.problems


def test_retention_deletes_expired_but_never_held(seeded):
    legal, admin = seeded.who("lucia"), seeded.who("root")
    with seeded.db.session() as s:
        case = open_case(s, legal, "Old complaint", account="ACC-3")
        set_legal_hold(s, legal, case.id, True, reason="litigation")
    with seeded.db.session() as s:
        # 30 days: everything from March 2026 and 2020 has expired; c5 (2020) is held.
        result = apply_retention(s, admin, days=20, now=NOW)
    assert sorted(result.deleted) == ["c1", "c2", "c3", "c4"] and result.held == ["c5"]
    with seeded.db.session() as s:
        assert set(s.scalars(select(m.Interaction.source_id))) == {"c5"}
        assert s.scalar(select(m.Finding.id).where(m.Finding.interaction_id == seeded.interactions["c1"])) is None
        assert sorted(s.scalars(select(RetentionDeletion.source_id))) == ["c1", "c2", "c3", "c4"]
        set_legal_hold(s, legal, case.id, False, reason="case settled")
    with seeded.db.session() as s:
        assert apply_retention(s, admin, days=20, now=NOW).deleted == ["c5"]


def test_retention_dry_run_and_rights(seeded):
    with seeded.db.session() as s:
        with pytest.raises(PermissionDenied):
            apply_retention(s, seeded.who("lucia"), days=20, now=NOW)
        plan = apply_retention(s, seeded.who("root"), days=365, now=NOW, dry_run=True)
        assert plan.deleted == ["c5"] and plan.run_id is None
        assert s.scalar(select(m.Interaction.id).where(m.Interaction.source_id == "c5")) is not None
