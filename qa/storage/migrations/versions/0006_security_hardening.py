"""Security hardening (issue 13): sign-in attempts, retention tombstones, coaching optimistic lock.

- ``login_attempts``: every sign-in attempt, for throttling per user and per address.
- ``retention_deletions`` becomes the ingest tombstone: indexed by source id and content hash,
  with ``lifted_at`` / ``lifted_by`` when an admin lets the interaction be stored again.
- ``coaching_items.version``: the optimistic lock of acknowledgements.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=128), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_login_attempts_username_at", ["username", "at"], unique=False)
        batch_op.create_index("ix_login_attempts_address_at", ["address", "at"], unique=False)
    with op.batch_alter_table("retention_deletions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("lifted_by", sa.String(length=128), nullable=True))
        batch_op.create_index("ix_retention_deletions_source_id", ["source_id"], unique=False)
        batch_op.create_index("ix_retention_deletions_content_hash", ["content_hash"], unique=False)
    with op.batch_alter_table("coaching_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("coaching_items", schema=None) as batch_op:
        batch_op.drop_column("version")
    with op.batch_alter_table("retention_deletions", schema=None) as batch_op:
        batch_op.drop_index("ix_retention_deletions_content_hash")
        batch_op.drop_index("ix_retention_deletions_source_id")
        batch_op.drop_column("lifted_by")
        batch_op.drop_column("lifted_at")
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempts_address_at")
        batch_op.drop_index("ix_login_attempts_username_at")
    op.drop_table("login_attempts")
