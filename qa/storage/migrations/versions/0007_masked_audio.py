"""Masked recordings (issue 12): the path of the kept original beside the masked copy.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases: a batch copy of "interactions" would trip the roll-up triggers on SQLite.
    op.add_column("interactions", sa.Column("original_audio_path", sa.Text(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # SQLite >= 3.35 drops a column in place (no table copy)
        op.execute("ALTER TABLE interactions DROP COLUMN original_audio_path")
    else:
        op.drop_column("interactions", "original_audio_path")
