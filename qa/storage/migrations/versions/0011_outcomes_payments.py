"""Call outcomes (issue 17): one outcome row per interaction, and imported payments.

Existing interactions get their outcome rows from the next ``qa rescan`` (rows missing or computed by
another scanner or consumer-model version are recomputed).

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "outcomes",
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=160), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("contact", sa.String(length=16), nullable=False),
        sa.Column("promise", sa.Boolean(), nullable=False),
        sa.Column("promise_amount", sa.Float(), nullable=True),
        sa.Column("promise_currency", sa.String(length=3), nullable=True),
        sa.Column("promise_due", sa.Date(), nullable=True),
        sa.Column("promise_turn", sa.Integer(), nullable=True),
        sa.Column("refusal", sa.Boolean(), nullable=False),
        sa.Column("dispute", sa.Boolean(), nullable=False),
        sa.Column("hardship", sa.Boolean(), nullable=False),
        sa.Column("callback_at", TS, nullable=True),
        sa.Column("promise_status", sa.String(length=16), nullable=True),
        sa.Column("paid_amount", sa.Float(), nullable=True),
        sa.Column("status_at", TS, nullable=True),
        sa.Column("computed_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"], ["interactions.id"], name=op.f("fk_outcomes_interaction_id_interactions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("interaction_id", name=op.f("pk_outcomes")),
    )
    op.create_index(
        "ix_outcomes_agent_day",
        "outcomes",
        ["local_date", "agent_id", "team_id", "contact", "promise", "promise_status", "hardship"],
    )
    op.create_index("ix_outcomes_account", "outcomes", ["account_id"])
    op.create_index("ix_outcomes_due", "outcomes", ["promise_due", "promise_status"])
    op.create_index("ix_outcomes_callback", "outcomes", ["callback_at"])
    op.create_index(op.f("ix_outcomes_version"), "outcomes", ["version"])
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_code", sa.String(length=128), nullable=False),
        sa.Column("paid_at", TS, nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=True),
        sa.Column("source_line", sa.Integer(), nullable=True),
        sa.Column("imported_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_payments_fingerprint")),
    )
    op.create_index(op.f("ix_payments_account_code"), "payments", ["account_code"])


def downgrade() -> None:
    op.drop_index(op.f("ix_payments_account_code"), table_name="payments")
    op.drop_table("payments")
    op.drop_index(op.f("ix_outcomes_version"), table_name="outcomes")
    op.drop_index("ix_outcomes_callback", table_name="outcomes")
    op.drop_index("ix_outcomes_due", table_name="outcomes")
    op.drop_index("ix_outcomes_account", table_name="outcomes")
    op.drop_index("ix_outcomes_agent_day", table_name="outcomes")
    op.drop_table("outcomes")
