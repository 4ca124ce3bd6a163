"""Write paths of the pipeline: dimensions, interactions with turns, findings with history, scores.

All functions take an open :class:`~sqlalchemy.orm.Session` and leave committing to the
caller, so one task's interactions, findings and scores land in one transaction (a
killed process loses at most the task in flight, which the next run redoes).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from qa.domain import Finding as DomainFinding
from qa.domain import Interaction as DomainInteraction
from qa.scoring import InteractionScore, Scorecard
from qa.storage import models as m
from qa.storage.batching import chunks
from qa.storage.types import utcnow


def finding_fingerprint(finding: DomainFinding) -> str:
    """Identify a finding within its interaction across rule-pack versions: same rule, same turn, same span."""
    span = f"{finding.span[0]}-{finding.span[1]}" if finding.span else ""
    key = f"{finding.rule_id}|{'' if finding.turn is None else finding.turn}|{span}"
    return hashlib.sha1(key.encode()).hexdigest()


@dataclass(frozen=True)
class _InsertPlan:
    sql: str
    columns: tuple[str, ...]
    processors: tuple[Any, ...]
    positional: bool


_PLANS: dict[tuple[str, str, tuple[str, ...]], _InsertPlan] = {}


def _insert_plan(dialect, table, columns: tuple[str, ...]) -> _InsertPlan:
    key = (dialect.name, table.name, columns)
    plan = _PLANS.get(key)
    if plan is None:
        compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
        if compiled.positional:
            order = tuple(compiled.positiontup or ())
            if set(order) != set(columns):
                raise ValueError(f"cannot map the parameters of the insert into {table.name}: {order}")
            columns = order
        processors = tuple(table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns)
        plan = _PLANS[key] = _InsertPlan(str(compiled), columns, processors, bool(compiled.positional))
    return plan


def bulk_insert(session: Session, table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` in one DBAPI ``executemany`` (one per distinct key set).

    The hot path of ingest: the SQL is compiled once per table and key set, and each value
    goes through its column type's own bind processor (UTC datetimes, JSON), exactly what
    ``session.execute(insert(table), rows)`` would send, without SQLAlchemy's per-row
    parameter compilation, which cost more than the database's own work. Columns left out
    get their declared default, computed once for the batch.
    """
    if not rows:
        return
    first = rows[0].keys()
    if any(row.keys() != first for row in rows):
        groups: dict[frozenset[str], list[dict[str, Any]]] = {}
        for row in rows:
            groups.setdefault(frozenset(row), []).append(row)
        for group in groups.values():
            bulk_insert(session, table, group)
        return
    defaults: dict[str, Any] = {}
    for column in table.c:
        if column.key not in first and column.default is not None and not column.primary_key:
            arg = column.default.arg
            defaults[column.key] = arg(None) if callable(arg) else arg
    plan = _insert_plan(session.get_bind().dialect, table, (*first, *defaults))
    # Column by column: one comprehension (and one ``map`` of the bind processor) per column
    # costs far less than a Python loop per value; a column holding one object in every
    # row (the batch's timestamp, the rule-pack version) is processed once.
    columns: list[list[Any]] = []
    for name, process in zip(plan.columns, plan.processors, strict=True):
        if name in defaults:
            columns.append([defaults[name]] * len(rows))
            continue
        values = [row[name] for row in rows]
        if process is not None:
            first_value = values[0]
            if all(v is first_value for v in values):
                values = [process(first_value)] * len(values)
            else:
                values = list(map(process, values))
        columns.append(values)
    params: list[Any] = list(zip(*columns, strict=True))
    if not plan.positional:
        params = [dict(zip(plan.columns, values, strict=True)) for values in params]
    session.connection().exec_driver_sql(plan.sql, params)


def _insert_ignore(session: Session, table, rows: list[dict[str, Any]], key: str) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    factory = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(factory(table).on_conflict_do_nothing(index_elements=[key]), rows)


@dataclass
class Dimensions:
    """Codes → ids of teams, agents and accounts, filled on demand and kept for a run."""

    teams: dict[str, int] = field(default_factory=dict)
    agents: dict[str, int] = field(default_factory=dict)
    agent_team: dict[str, int | None] = field(default_factory=dict)
    accounts: dict[str, int] = field(default_factory=dict)

    def ensure(self, session: Session, interactions: Iterable[DomainInteraction]) -> None:
        interactions = list(interactions)
        teams = {i.team for i in interactions if i.team} - self.teams.keys()
        if teams:
            _insert_ignore(
                session, m.Team.__table__, [{"code": t, "name": t, "created_at": utcnow()} for t in sorted(teams)], "code"
            )
            self.teams.update(session.execute(select(m.Team.code, m.Team.id).where(m.Team.code.in_(teams))).all())
        agents: dict[str, DomainInteraction] = {}
        for i in interactions:
            if i.agent_id and (
                i.agent_id not in self.agents or (i.team and self.agent_team.get(i.agent_id) != self.teams[i.team])
            ):
                agents[i.agent_id] = i
        if agents:
            rows = [
                {
                    "code": code,
                    "name": i.agent_name,
                    "team_id": self.teams.get(i.team) if i.team else None,
                    "created_at": utcnow(),
                }
                for code, i in sorted(agents.items())
            ]
            _insert_ignore(session, m.Agent.__table__, rows, "code")
            # The agent's current team is the one of the latest interaction that names one.
            for code, i in agents.items():
                values: dict[str, Any] = {}
                if i.team:
                    values["team_id"] = self.teams[i.team]
                if i.agent_name:
                    values["name"] = i.agent_name
                if values:
                    session.execute(update(m.Agent).where(m.Agent.code == code).values(**values))
            found = session.execute(select(m.Agent.code, m.Agent.id, m.Agent.team_id).where(m.Agent.code.in_(agents)))
            for code, agent_id, team_id in found:
                self.agents[code] = agent_id
                self.agent_team[code] = team_id
        accounts = {i.account_id for i in interactions if i.account_id} - self.accounts.keys()
        if accounts:
            _insert_ignore(session, m.Account.__table__, [{"code": a, "created_at": utcnow()} for a in sorted(accounts)], "code")
            self.accounts.update(session.execute(select(m.Account.code, m.Account.id).where(m.Account.code.in_(accounts))).all())
        for i in interactions:
            if i.account_id and i.account_facts is not None:
                facts = i.account_facts.model_dump(mode="json", exclude_none=True)
                session.execute(update(m.Account).where(m.Account.id == self.accounts[i.account_id]).values(facts=facts))

    def team_of(self, interaction: DomainInteraction) -> int | None:
        if interaction.team:
            return self.teams.get(interaction.team)
        return self.agent_team.get(interaction.agent_id) if interaction.agent_id else None


def _plain(value: Any) -> Any:
    """JSON-ready form of a rule attribute (enums, pydantic models, dataclasses, tuples)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "value") and isinstance(value.value, str):
        return value.value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {k: _plain(getattr(value, k)) for k in value.__dataclass_fields__}
    return str(value)


def ensure_rule_pack(session: Session, version: str, rules: Sequence[Any] | None = None) -> None:
    """Record a rule-pack version and its rule catalogue the first time it is used.

    Insert-or-ignore: two runs starting together with a new version both get past the first
    check, and the second insert must leave the first one's row alone rather than fail.
    """
    if session.get(m.RulePackVersion, version) is not None:
        return
    catalogue = None
    if rules is not None:
        fields = ("id", "family", "severity", "citation", "jurisdiction", "message")
        catalogue = [{f: _plain(getattr(r, f, None)) for f in fields} for r in rules]
    _insert_ignore(session, m.RulePackVersion.__table__, [{"version": version, "rules": catalogue}], "version")


@dataclass
class StoredInteraction:
    """An interaction to insert, with its scan results and provenance."""

    interaction: DomainInteraction
    document: dict[str, Any]
    content_hash: str
    findings: list[DomainFinding]
    score: InteractionScore
    source_file: str | None = None
    source_line: int | None = None
    # The recording the turns were transcribed from, and the spans its transcription masked.
    audio_path: str | None = None  # the masked copy (transcription.masking); never a path taken from the record
    redactions: list[dict[str, Any]] = field(default_factory=list)
    original_audio_path: str | None = None  # the kept unmasked original, when configured


def _interaction_row(
    item: StoredInteraction, dims: Dimensions, run_id: int | None, version: str, now: datetime
) -> dict[str, Any]:
    i = item.interaction
    offset = i.started_at.utcoffset()
    turns = i.turns or ()
    ends = [t.end for t in turns if t.end is not None]
    return {
        "source_id": i.id,
        "content_hash": item.content_hash,
        "channel": i.channel,
        "direction": i.direction,
        "started_at": i.started_at,
        "utc_offset_minutes": int(offset.total_seconds() // 60) if offset is not None else 0,
        "local_date": i.started_at.date(),
        "jurisdiction": i.jurisdiction,
        "consumer_timezone": i.consumer_timezone,
        "language": i.language,
        "agent_id": dims.agents.get(i.agent_id) if i.agent_id else None,
        "team_id": dims.team_of(i),
        "account_id": dims.accounts.get(i.account_id) if i.account_id else None,
        "consumer_phone": i.consumer_phone,
        "audio_path": item.audio_path,
        "original_audio_path": item.original_audio_path,
        "duration_seconds": max(ends) if ends else None,
        "turn_count": len(turns),
        "requested_by_consumer": i.requested_by_consumer,
        "document": item.document,
        "source_file": item.source_file,
        "source_line": item.source_line,
        "ingest_run_id": run_id,
        "ingested_at": now,
        "scanned_version": version,
        "scanned_at": now,
    }


def finding_row(interaction_pk: int, f: DomainFinding, version: str, now: datetime) -> dict[str, Any]:
    return {
        "interaction_id": interaction_pk,
        "fingerprint": finding_fingerprint(f),
        "rule_id": f.rule_id,
        "family": f.family.value,
        "severity": f.severity,
        "jurisdiction": f.jurisdiction,
        "citation": f.citation,
        "turn": f.turn,
        "start": f.start,
        "end": f.end,
        "span_start": f.span[0] if f.span else None,
        "span_end": f.span[1] if f.span else None,
        "evidence": f.evidence,
        "explanation": f.explanation,
        "confidence": f.confidence,
        "learned": f.learned,
        "status": f.status,
        "active": True,
        "raised_version": version,
        "raised_at": now,
    }


def unique_findings(findings: Iterable[DomainFinding]) -> dict[str, DomainFinding]:
    out: dict[str, DomainFinding] = {}
    for f in findings:
        out.setdefault(finding_fingerprint(f), f)
    return out


def insert_findings(session: Session, rows: list[dict[str, Any]], version: str, scan_run_id: int | None, now: datetime) -> int:
    """Insert new finding rows and their ``raised`` events; return how many."""
    if not rows:
        return 0
    # Plain executemany, then read the ids back by (interaction, fingerprint): RETURNING with
    # ordered rows makes SQLite insert row by row.
    bulk_insert(session, m.Finding.__table__, rows)
    wanted = {(r["interaction_id"], r["fingerprint"]) for r in rows}
    ids = []
    interactions = sorted({r["interaction_id"] for r in rows})
    for part in chunks(interactions):
        stmt = select(m.Finding.id, m.Finding.interaction_id, m.Finding.fingerprint).where(m.Finding.interaction_id.in_(part))
        ids.extend(fid for fid, iid, fp in session.execute(stmt) if (iid, fp) in wanted)
    events = [
        {"finding_id": fid, "event": "raised", "rule_pack_version": version, "scan_run_id": scan_run_id, "at": now} for fid in ids
    ]
    bulk_insert(session, m.FindingEvent.__table__, events)
    return len(ids)


def score_row(
    interaction_pk: int, row: dict[str, Any], score: InteractionScore, scorecard: Scorecard, version: str, now: datetime
):
    return {
        "interaction_id": interaction_pk,
        "scorecard": scorecard.name,
        "scorecard_version": scorecard.version,
        "rule_pack_version": version,
        "score": score.score,
        "passed": score.passed,
        "auto_failed": score.auto_failed,
        "agent_id": row["agent_id"],
        "team_id": row["team_id"],
        "local_date": row["local_date"],
        "details": score.details,
        "computed_at": now,
    }


def store_interactions(
    session: Session,
    items: list[StoredInteraction],
    *,
    dims: Dimensions,
    run_id: int | None,
    scan_run_id: int | None,
    version: str,
    scorecard: Scorecard,
) -> int:
    """Insert interactions, their turns, findings (with ``raised`` events) and scores. Returns findings raised."""
    from qa.storage.outcomes import record_outcomes
    from qa.workflow.tombstones import drop_tombstoned

    items = drop_tombstoned(session, items, run_id)  # what retention purged is not stored again (issue 13)
    if not items:
        return 0
    now = utcnow()
    dims.ensure(session, [i.interaction for i in items])
    rows = [_interaction_row(item, dims, run_id, version, now) for item in items]
    # Core executemany (not ORM bulk, not RETURNING, which SQLite runs row by row when order matters),
    # then the new ids read back by content hash.
    bulk_insert(session, m.Interaction.__table__, rows)
    by_hash: dict[str, int] = {}
    hashes = [r["content_hash"] for r in rows]
    for part in chunks(hashes):
        stmt = select(m.Interaction.content_hash, m.Interaction.id).where(m.Interaction.content_hash.in_(part))
        by_hash.update(session.execute(stmt).all())
    pks = [by_hash[h] for h in hashes]
    turn_rows: list[dict[str, Any]] = []
    finding_rows: list[dict[str, Any]] = []
    score_rows: list[dict[str, Any]] = []
    redaction_rows: list[dict[str, Any]] = []
    for pk, item, row in zip(pks, items, rows, strict=True):
        redaction_rows.extend({**r, "interaction_id": pk, "created_at": now} for r in item.redactions)
        for idx, t in enumerate(item.interaction.turns or ()):
            turn_rows.append(
                {
                    "interaction_id": pk,
                    "idx": idx,
                    "speaker": t.speaker,
                    "text": t.text,
                    "start": t.start,
                    "end": t.end,
                    "at": t.at,
                }
            )
        finding_rows.extend(finding_row(pk, f, version, now) for f in unique_findings(item.findings).values())
        score_rows.append(score_row(pk, row, item.score, scorecard, version, now))
    if turn_rows:
        bulk_insert(session, m.Turn.__table__, turn_rows)
    if redaction_rows:
        bulk_insert(session, m.Redaction.__table__, redaction_rows)
    raised = insert_findings(session, finding_rows, version, scan_run_id, now)
    bulk_insert(session, m.Score.__table__, score_rows)
    record_outcomes(session, pks, rows, [item.interaction for item in items])  # call outcomes beside findings (issue 17)
    return raised


def existing_hashes(session: Session, hashes: Sequence[str], chunk: int = 500) -> set[str]:
    found: set[str] = set()
    for part in chunks(hashes, chunk):
        found.update(session.execute(select(m.Interaction.content_hash).where(m.Interaction.content_hash.in_(part))).scalars())
    return found


def existing_source_ids(session: Session, source_ids: Sequence[str], chunk: int = 500) -> dict[str, str]:
    """Map each already stored source id to its content hash."""
    found: dict[str, str] = {}
    for part in chunks(source_ids, chunk):
        stmt = select(m.Interaction.source_id, m.Interaction.content_hash).where(m.Interaction.source_id.in_(part))
        found.update(session.execute(stmt).all())
    return found


def account_history(session: Session, account_codes: Sequence[str]) -> list[dict[str, Any]]:
    """Return the canonical documents of these accounts' stored interactions, oldest first."""
    if not account_codes:
        return []
    stmt = (
        select(m.Interaction.document)
        .join(m.Account, m.Interaction.account_id == m.Account.id)
        .where(m.Account.code.in_(list(account_codes)))
        .order_by(m.Interaction.started_at)
    )
    return list(session.execute(stmt).scalars())
