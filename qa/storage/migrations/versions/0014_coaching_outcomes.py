"""Coaching items opened from outcomes (issue 17): a missed or broken promise to pay.

``coaching_outcomes`` links a coaching item to the contacts it was opened from and what each was: a
``missed_promise`` (right-party contact without a promise; followed up on the promise rate) or a
``broken_promise`` (a promise broken or kept only in part; followed up on the kept rate).

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "coaching_outcomes",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["coaching_items.id"], name=op.f("fk_coaching_outcomes_item_id_coaching_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_coaching_outcomes_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "interaction_id", name=op.f("pk_coaching_outcomes")),
    )
    op.create_index(op.f("ix_coaching_outcomes_interaction_id"), "coaching_outcomes", ["interaction_id"])
    # A collector's outcomes in time order: the contacts to coach from and the follow-up windows.
    op.create_index("ix_outcomes_agent_started", "outcomes", ["agent_id", "started_at"])


def downgrade() -> None:
    op.drop_index("ix_outcomes_agent_started", table_name="outcomes")
    op.drop_index(op.f("ix_coaching_outcomes_interaction_id"), table_name="coaching_outcomes")
    op.drop_table("coaching_outcomes")
