"""Approval history: who set which status on a version, and when.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from horus_desktop.store.models import new_uuid
from horus_desktop.store.types import PortableUuid, UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "horus_approval_history",
        sa.Column("id", PortableUuid, server_default=new_uuid(), nullable=False),
        sa.Column("media_id", PortableUuid, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("previous_status", sa.String(length=20), nullable=True),
        sa.Column("changed_by", sa.String(length=100), nullable=True),
        sa.Column("changed_by_name", sa.String(length=255), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=True),
        sa.ForeignKeyConstraint(["media_id"], ["horus_media_records.id"], ondelete="CASCADE",
                                name=op.f("fk_horus_approval_history_media_id_horus_media_records")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_horus_approval_history")),
    )
    op.create_index("idx_approval_history_media", "horus_approval_history",
                    ["media_id", sa.text("created_at DESC")], unique=False)


def downgrade() -> None:
    op.drop_index("idx_approval_history_media", table_name="horus_approval_history")
    op.drop_table("horus_approval_history")
