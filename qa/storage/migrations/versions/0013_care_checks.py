"""Care checks: an analyst's verdict on how a hardship mention was handled (issue 17).

A contact whose stored outcome mentions hardship (job loss, illness, bereavement...) is a review-queue
item of kind "care check": was the consumer handled with care? The verdict (``handled_well`` or
``not_handled_well``) lives here, keyed by interaction, apart from the findings' reviews: a care check
is never a violation, never scored and never counted in a rule's precision. The outcome row itself
is recomputed by ``qa rescan``; the verdict outlives it.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "care_reviews",
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("reviewed_at", TS, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"], ["interactions.id"], name=op.f("fk_care_reviews_interaction_id_interactions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"], name=op.f("fk_care_reviews_reviewer_id_users")),
        sa.PrimaryKeyConstraint("interaction_id", name=op.f("pk_care_reviews")),
    )
    op.create_index(op.f("ix_care_reviews_state"), "care_reviews", ["state"])
    # The queue's care checks (hardship contacts, oldest first) without reading every outcome row.
    op.create_index("ix_outcomes_hardship", "outcomes", ["hardship", "started_at", "interaction_id"])


def downgrade() -> None:
    op.drop_index("ix_outcomes_hardship", table_name="outcomes")
    op.drop_index(op.f("ix_care_reviews_state"), table_name="care_reviews")
    op.drop_table("care_reviews")
