"""Covering index for the ranking roll-up.

The agent-day aggregate reads only scores; with every column it needs in one index, both
databases answer it from the index without touching the table.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["scorecard", "local_date", "agent_id", "team_id", "score", "passed", "auto_failed"]


def upgrade() -> None:
    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.drop_index("ix_scores_scorecard_date_agent")
        batch_op.create_index("ix_scores_rollup", COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.drop_index("ix_scores_rollup")
        batch_op.create_index("ix_scores_scorecard_date_agent", ["scorecard", "local_date", "agent_id"], unique=False)
