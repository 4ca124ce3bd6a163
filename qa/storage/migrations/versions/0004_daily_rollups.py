"""Daily roll-ups for the dashboards, kept current by triggers.

Four tables hold per local day, agent, team and jurisdiction what the Overview and Rules pages
aggregate. Triggers on ``interactions``, ``scores`` and ``findings`` append the affected local
days to ``rollup_changes`` inside the writer's transaction, so no write path (ingest, rescan,
rescoring after a review or dispute, retention, hand-written SQL) can leave a roll-up stale
unnoticed; ``qa.storage.rollups.refresh`` recomputes those days. Every day already stored is
marked changed here, so the first refresh builds the roll-ups of an existing database.

* SQLite: row triggers, each adding its day once (writers are serialised, and a refresh that
  read the log before a writer committed cannot commit its deletions; see ``rollups``).
* PostgreSQL: statement triggers over transition tables, one row per distinct day and
  statement, append-only, so concurrent writers never wait on each other's marks.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Per roll-up table, after id, local_date, agent_id and team_id: (name, type, nullable).
ROLLUPS = {
    "rollup_contacts": [("jurisdiction", sa.String(length=16), True), ("contacts", sa.Integer(), False)],
    "rollup_scores": [
        ("jurisdiction", sa.String(length=16), True),
        ("scorecard", sa.String(length=128), False),
        ("scored", sa.Integer(), False),
        ("score_sum", sa.Float(), False),
        ("passed", sa.Integer(), False),
        ("auto_failed", sa.Integer(), False),
    ],
    "rollup_findings": [
        ("jurisdiction", sa.String(length=16), True),
        ("family", sa.String(length=32), False),
        ("severity", sa.String(length=16), False),
        ("findings", sa.Integer(), False),
    ],
    "rollup_rule_hits": [
        ("rule_id", sa.String(length=128), False),
        ("hits", sa.Integer(), False),
        ("interactions", sa.Integer(), False),
        ("dropped", sa.Integer(), False),
    ],
}
_KEYS = [
    ("id", sa.Integer(), False),
    ("local_date", sa.Date(), False),
    ("agent_id", sa.Integer(), True),
    ("team_id", sa.Integer(), True),
]

# Which days a change touches: an interaction's own day(s); a score's or finding's interaction's day.
_SQLITE_OWN_DAY = (
    "INSERT INTO rollup_changes (local_date) SELECT {row}.local_date "
    "WHERE NOT EXISTS (SELECT 1 FROM rollup_changes WHERE local_date = {row}.local_date);"
)
_SQLITE_INTERACTION_DAY = (
    "INSERT INTO rollup_changes (local_date) SELECT i.local_date FROM interactions i WHERE i.id = {row}.interaction_id "
    "AND NOT EXISTS (SELECT 1 FROM rollup_changes c WHERE c.local_date = i.local_date);"
)
_SQLITE_TRIGGERS = {
    # name: (event, table, statements)
    "rollup_interactions_insert": ("AFTER INSERT", "interactions", [_SQLITE_OWN_DAY.format(row="NEW")]),
    "rollup_interactions_delete": ("AFTER DELETE", "interactions", [_SQLITE_OWN_DAY.format(row="OLD")]),
    "rollup_interactions_update": (
        "AFTER UPDATE OF local_date, agent_id, team_id, jurisdiction",
        "interactions",
        [_SQLITE_OWN_DAY.format(row="OLD"), _SQLITE_OWN_DAY.format(row="NEW")],
    ),
    "rollup_scores_insert": ("AFTER INSERT", "scores", [_SQLITE_INTERACTION_DAY.format(row="NEW")]),
    "rollup_scores_delete": ("AFTER DELETE", "scores", [_SQLITE_INTERACTION_DAY.format(row="OLD")]),
    "rollup_scores_update": (
        "AFTER UPDATE OF score, passed, auto_failed, scorecard, interaction_id",
        "scores",
        [_SQLITE_INTERACTION_DAY.format(row="OLD"), _SQLITE_INTERACTION_DAY.format(row="NEW")],
    ),
    "rollup_findings_insert": ("AFTER INSERT", "findings", [_SQLITE_INTERACTION_DAY.format(row="NEW")]),
    "rollup_findings_delete": ("AFTER DELETE", "findings", [_SQLITE_INTERACTION_DAY.format(row="OLD")]),
    "rollup_findings_update": (
        "AFTER UPDATE OF active, family, severity, rule_id, interaction_id",
        "findings",
        [_SQLITE_INTERACTION_DAY.format(row="OLD"), _SQLITE_INTERACTION_DAY.format(row="NEW")],
    ),
}

_PG_DAYS = {
    "interactions": "SELECT local_date FROM {rows}",
    "scores": "SELECT i.local_date FROM {rows} r JOIN interactions i ON i.id = r.interaction_id",
    "findings": "SELECT i.local_date FROM {rows} r JOIN interactions i ON i.id = r.interaction_id",
}


def _pg_function(table: str) -> str:
    days = _PG_DAYS[table]
    return f"""
CREATE FUNCTION qa_rollup_mark_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO rollup_changes (local_date)
        SELECT DISTINCT d.local_date FROM ({days.format(rows="new_rows")}) d;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO rollup_changes (local_date)
        SELECT DISTINCT d.local_date FROM ({days.format(rows="old_rows")}) d;
    ELSE
        INSERT INTO rollup_changes (local_date)
        SELECT DISTINCT d.local_date FROM (
            {days.format(rows="new_rows")} UNION {days.format(rows="old_rows")}
        ) d;
    END IF;
    RETURN NULL;
END $$;
"""


def _pg_triggers(table: str) -> list[str]:
    run = f"FOR EACH STATEMENT EXECUTE FUNCTION qa_rollup_mark_{table}()"
    return [
        f"CREATE TRIGGER rollup_{table}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows {run}",
        f"CREATE TRIGGER rollup_{table}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows {run}",
        f"CREATE TRIGGER rollup_{table}_update AFTER UPDATE ON {table} "
        f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows {run}",
    ]


def upgrade() -> None:
    op.create_table(
        "rollup_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollup_changes")),
    )
    op.create_index(op.f("ix_rollup_changes_local_date"), "rollup_changes", ["local_date"], unique=False)
    for name, columns in ROLLUPS.items():
        fields = [sa.Column(column, kind, nullable=nullable) for column, kind, nullable in [*_KEYS, *columns]]
        op.create_table(name, *fields, sa.PrimaryKeyConstraint("id", name=f"pk_{name}"))
        op.create_index(f"ix_{name}_local_date", name, ["local_date"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        for table in _PG_DAYS:
            op.execute(_pg_function(table))
            for statement in _pg_triggers(table):
                op.execute(statement)
    else:
        for name, (event, table, statements) in _SQLITE_TRIGGERS.items():
            body = "\n".join(statements)
            op.execute(f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW BEGIN\n{body}\nEND")
    op.execute("INSERT INTO rollup_changes (local_date) SELECT DISTINCT local_date FROM interactions")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _PG_DAYS:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS rollup_{table}_{event} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS qa_rollup_mark_{table}()")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for name in reversed(list(ROLLUPS)):
        op.drop_index(f"ix_{name}_local_date", table_name=name)
        op.drop_table(name)
    op.drop_index(op.f("ix_rollup_changes_local_date"), table_name="rollup_changes")
    op.drop_table("rollup_changes")
