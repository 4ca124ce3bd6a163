"""Findings marked "unclear — listen".

A finding's ``status`` is ``violation`` or ``unclear`` (a required statement missing from a call
opening that speech recognition could not hear clearly: for an analyst to listen to; not scored).
The turns' recognition confidence (the ``asr`` extension of Turn) travels in the canonical
``interactions.document``, from which rescans rebuild, so it needs no column.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=16), nullable=False, server_default="violation"))


def downgrade() -> None:
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_column("status")
