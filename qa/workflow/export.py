"""Tamper-evident case exports: ``qa export case ID`` and ``qa export verify ZIP``.

The ZIP holds, per interaction, its stored record (JSON), the transcript as text, its findings
(with review state and dispute outcome), its review history and its recording when the file
is still there; the case file with the contact timeline; a readable report in Spanish and
English (``report.html``); and ``manifest.json`` listing the SHA-256 and size of every other
file, with ``manifest.sha256`` holding the manifest's own digest.

Verification recomputes every digest, refuses missing, extra, repeated or altered files and an
altered manifest, and, given the database, checks that the manifest digest is the one the audit log
recorded at export time (which catches a ZIP rebuilt with a new, consistent manifest).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.storage.types import utcnow
from qa.storage.workflow_models import AuditEntry, Dispute, FindingReview, ReviewEvent, User
from qa.workflow import audit
from qa.workflow.access import Principal, Right, require
from qa.workflow.cases import case_timeline, get_case
from qa.workflow.errors import InvalidRequest
from transcription.masking import stored_masked

FORMAT = "qa-case-export/1"
MANIFEST, MANIFEST_DIGEST = "manifest.json", "manifest.sha256"


@dataclass(frozen=True)
class ExportResult:
    path: Path
    files: int
    manifest_sha256: str
    audit_seq: int


@dataclass
class ExportVerification:
    ok: bool
    files: int = 0
    manifest_sha256: str | None = None
    anchored: bool | None = None  # True: matches an audit-log export entry; None: no database checked
    problems: list[str] = field(default_factory=list)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "item"


def folder_name(source_id: str) -> str:
    """Return the ZIP folder of an interaction: readable, and distinct for distinct ids.

    Sanitising alone maps ``case/1 A`` and ``case_1_A`` to the same name; the suffix, a digest of
    the exact id, keeps them apart (:func:`export_case` also checks that no two folders coincide).
    """
    digest = hashlib.sha256(source_id.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"interactions/{_safe(source_id)[:80]}-{digest}"


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n").encode()


def _transcript_text(turns: list[m.Turn]) -> str:
    lines = []
    for t in turns:
        when = f"{t.start:7.1f}s" if t.start is not None else (t.at.isoformat() if t.at else "")
        lines.append(f"[{when}] {t.speaker}: {t.text}")
    return "\n".join(lines) + "\n"


def _interaction_files(session: Session, interaction: m.Interaction) -> dict[str, bytes]:
    folder = folder_name(interaction.source_id)
    turns = list(session.scalars(select(m.Turn).where(m.Turn.interaction_id == interaction.id).order_by(m.Turn.idx)))
    usernames = dict(session.execute(select(User.id, User.username)).all())
    findings, history = [], []
    for f in session.scalars(select(m.Finding).where(m.Finding.interaction_id == interaction.id).order_by(m.Finding.id)):
        review = session.get(FindingReview, f.id)
        dispute = session.scalar(select(Dispute).where(Dispute.finding_id == f.id))
        findings.append(
            {"id": f.id, "rule_id": f.rule_id, "family": f.family, "severity": f.severity, "jurisdiction": f.jurisdiction,
             "citation": f.citation, "turn": f.turn, "start": f.start, "end": f.end,
             "span": [f.span_start, f.span_end] if f.span_start is not None else None, "evidence": f.evidence,
             "explanation": f.explanation, "active": f.active, "raised_version": f.raised_version,
             "review_state": review.state if review else "new",
             "reviewed_severity": review.severity if review else None,
             "dispute": dispute.status if dispute else None}
        )  # fmt: skip
        for e in session.scalars(select(ReviewEvent).where(ReviewEvent.finding_id == f.id).order_by(ReviewEvent.id)):
            history.append(
                {"finding_id": f.id, "rule_id": f.rule_id, "kind": "review", "at": e.at, "state": e.state,
                 "previous_state": e.previous_state, "severity_before": e.severity_before, "severity_after": e.severity_after,
                 "by": usernames.get(e.reviewer_id), "reason": e.reason}
            )  # fmt: skip
        if dispute is not None:
            history.append(
                {"finding_id": f.id, "rule_id": f.rule_id, "kind": "dispute", "at": dispute.opened_at,
                 "by": usernames.get(dispute.opened_by), "comment": dispute.comment, "status": dispute.status,
                 "decided_at": dispute.decided_at, "decided_by": usernames.get(dispute.decided_by),
                 "decision_reason": dispute.decision_reason}
            )  # fmt: skip
    files = {
        f"{folder}/record.json": _json(interaction.document),
        f"{folder}/transcript.txt": _transcript_text(turns).encode(),
        f"{folder}/findings.json": _json(findings),
        f"{folder}/review_history.json": _json(sorted(history, key=lambda h: str(h["at"]))),
    }
    # Only the masked copy in the media store is exported: never the original, never a path taken from a record.
    audio = stored_masked(interaction.audio_path)
    if audio is not None:
        files[f"{folder}/audio/{_safe(audio.name)}"] = audio.read_bytes()
    return files


_LABELS = {
    "title": ("Expediente de caso", "Case file"),
    "account": ("Cuenta", "Account"),
    "hold": ("Retención legal", "Legal hold"),
    "exported": ("Exportado", "Exported"),
    "by": ("por", "by"),
    "timeline": ("Cronología de contactos (hora local del consumidor)", "Contact timeline (consumer's local time)"),
    "contact": ("Contacto", "Contact"),
    "local": ("Hora local", "Local time"),
    "channel": ("Canal", "Channel"),
    "agent": ("Agente", "Agent"),
    "flags": ("Fuera de horario / frecuencia / tras cese", "Off-hours / frequency / after cease"),
    "findings": ("Hallazgos", "Findings"),
    "rule": ("Regla", "Rule"),
    "severity": ("Gravedad", "Severity"),
    "state": ("Revisión", "Review"),
    "evidence": ("Evidencia", "Evidence"),
    "integrity": (
        "La integridad de cada archivo se comprueba con manifest.json (SHA-256): qa export verify ARCHIVO.zip",
        "Each file's integrity is checked against manifest.json (SHA-256): qa export verify FILE.zip",
    ),
    "yes": ("sí", "yes"),
    "no": ("no", "no"),
}


def _report(case, timeline, findings_by: dict[str, list[dict]], exported_at, exported_by: str) -> bytes:
    e = html.escape
    parts = ['<!doctype html><html><head><meta charset="utf-8"><title>Case / Caso</title>',
             "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;"
             "padding:4px 8px;text-align:left}section{margin-bottom:3em}</style></head><body>"]  # fmt: skip
    for lang, idx in (("es", 0), ("en", 1)):
        L = {k: v[idx] for k, v in _LABELS.items()}  # noqa: N806
        parts.append(f'<section lang="{lang}"><h1>{e(L["title"])} #{case.id}: {e(case.title)}</h1>')
        parts.append(
            f"<p>{e(L['account'])}: {e(case.account or '-')} · {e(L['hold'])}: {e(L['yes'] if case.legal_hold else L['no'])}"
            f" · {e(L['exported'])}: {e(exported_at.isoformat())} {e(L['by'])} {e(exported_by)}</p>"
        )
        parts.append(f"<h2>{e(L['timeline'])}</h2><table><tr>")
        parts.extend(f"<th>{e(L[k])}</th>" for k in ("contact", "local", "channel", "agent", "flags"))
        parts.append("</tr>")
        for t in timeline:
            flags = "; ".join(f"{f['rule_id']} ({f['severity']}): {f['evidence']}" for f in t.findings) or "-"
            parts.append(
                f"<tr><td>{e(t.source_id)}</td><td>{e(t.consumer_local_time.strftime('%Y-%m-%d %H:%M %Z'))}</td>"
                f"<td>{e(t.channel)} / {e(t.direction)}</td><td>{e(t.agent or '-')}</td><td>{e(flags)}</td></tr>"
            )
        parts.append(f"</table><h2>{e(L['findings'])}</h2><table><tr>")
        parts.extend(f"<th>{e(L[k])}</th>" for k in ("contact", "rule", "severity", "state", "evidence"))
        parts.append("</tr>")
        for source_id, findings in findings_by.items():
            for f in findings:
                parts.append(
                    f"<tr><td>{e(source_id)}</td><td>{e(f['rule_id'])}</td><td>{e(f['reviewed_severity'] or f['severity'])}</td>"
                    f"<td>{e(f['review_state'])}{' / ' + e(f['dispute']) if f['dispute'] else ''}</td>"
                    f"<td>{e(f['evidence'])}</td></tr>"
                )
        parts.append(f"</table><p>{e(L['integrity'])}</p></section>")
    parts.append("</body></html>\n")
    return "".join(parts).encode()


def export_case(session: Session, principal: Principal, case_id: int, dest: Path) -> ExportResult:
    """Write the case's evidence ZIP to ``dest`` (a file, or a folder for ``case-ID-TIMESTAMP.zip``)."""
    require(principal, Right.EXPORT)
    case = get_case(session, principal, case_id)
    timeline = case_timeline(session, principal, case_id)
    now = utcnow()
    files: dict[str, bytes] = {}
    findings_by: dict[str, list[dict]] = {}
    folders: set[str] = set()
    for t in timeline:
        interaction = session.get(m.Interaction, t.interaction_id)
        folder = folder_name(t.source_id)
        if folder in folders:  # two ids with the same digest prefix: never overwrite one with the other
            raise InvalidRequest(f"two interactions map to {folder} / dos interacciones en la misma carpeta {folder}")
        folders.add(folder)
        part = _interaction_files(session, interaction)
        files.update(part)
        findings_by[t.source_id] = json.loads(part[f"{folder}/findings.json"])
    timeline_json = [
        {**t.__dict__, "started_at": t.started_at.isoformat(), "consumer_local_time": t.consumer_local_time.isoformat()}
        for t in timeline
    ]
    files["case.json"] = _json({"case": case.__dict__, "timeline": timeline_json})
    files["report.html"] = _report(case, timeline, findings_by, now, principal.username)
    manifest = {
        "format": FORMAT,
        "case_id": case.id,
        "exported_at": now.isoformat(),
        "exported_by": principal.username,
        "files": [{"path": p, "sha256": hashlib.sha256(b).hexdigest(), "bytes": len(b)} for p, b in sorted(files.items())],
    }
    manifest_bytes = _json(manifest)
    digest = hashlib.sha256(manifest_bytes).hexdigest()
    dest = Path(dest)
    if dest.is_dir():
        dest = dest / f"case-{case.id}-{now.strftime('%Y%m%dT%H%M%SZ')}.zip"
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for path, data in sorted(files.items()):
            z.writestr(path, data)
        z.writestr(MANIFEST, manifest_bytes)
        z.writestr(MANIFEST_DIGEST, f"{digest}  {MANIFEST}\n")
    entry = audit.record(
        session, principal, "export", "case", case.id, {"manifest_sha256": digest, "file": dest.name, "files": len(files)}
    )
    return ExportResult(dest, len(files), digest, entry.seq)


def verify_export(path: Path, session: Session | None = None) -> ExportVerification:
    """Check an export ZIP; with a session, also that the audit log recorded this manifest."""
    result = ExportVerification(ok=False)
    try:
        z = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        result.problems.append(f"not a readable ZIP: {exc} / no es un ZIP legible")
        return result
    with z:
        listing = z.namelist()
        names = set(listing)
        # A ZIP may hold one name twice; readers disagree on which copy they return (a forged first copy
        # would pass a check of the last one), so any repeated name fails the verification.
        for dup in sorted(n for n, k in Counter(listing).items() if k > 1):
            result.problems.append(f"{dup}: appears more than once in the ZIP / aparece más de una vez en el ZIP")
        if MANIFEST not in names or MANIFEST_DIGEST not in names:
            result.problems.append("manifest missing / falta el manifiesto")
            return result
        manifest_bytes = z.read(MANIFEST)
        digest = hashlib.sha256(manifest_bytes).hexdigest()
        result.manifest_sha256 = digest
        recorded = z.read(MANIFEST_DIGEST).decode(errors="replace").split()
        if not recorded or recorded[0] != digest:
            result.problems.append("manifest.json was altered (digest mismatch) / manifest.json fue alterado")
        try:
            manifest = json.loads(manifest_bytes)
            paths = [f["path"] for f in manifest["files"]]
            listed = {f["path"]: f for f in manifest["files"]}
        except (ValueError, KeyError, TypeError):
            result.problems.append("manifest.json is not a valid manifest / manifest.json no es válido")
            return result
        for dup in sorted(p for p, k in Counter(paths).items() if k > 1):
            result.problems.append(f"{dup}: listed more than once in the manifest / repetido en el manifiesto")
        for p, entry in sorted(listed.items()):
            if p not in names:
                result.problems.append(f"{p}: missing / falta")
                continue
            data = z.read(p)
            if hashlib.sha256(data).hexdigest() != entry.get("sha256") or len(data) != entry.get("bytes"):
                result.problems.append(f"{p}: contents altered (SHA-256 mismatch) / contenido alterado")
        for extra in sorted(names - set(listed) - {MANIFEST, MANIFEST_DIGEST}):
            result.problems.append(f"{extra}: not in the manifest / no figura en el manifiesto")
        result.files = len(listed)
    if session is not None:
        hit = session.scalar(
            select(AuditEntry.seq).where(
                AuditEntry.action == "export", AuditEntry.details.like(f'%"manifest_sha256":"{digest}"%')
            )
        )
        result.anchored = hit is not None
        if hit is None:
            result.problems.append(
                "no export with this manifest in the audit log / "
                "ninguna exportación con este manifiesto en el registro de auditoría"
            )
    result.ok = not result.problems
    return result
