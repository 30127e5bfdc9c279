"""Data-subject requests: found records with their plan, packages, corrections, purging.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 22:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_NEW_REQUEST_COLUMNS = (
    sa.Column("corrections_encrypted", sa.LargeBinary(), nullable=True),
    sa.Column("package_path", sa.Text(), nullable=True),
    sa.Column("passphrase_encrypted", sa.LargeBinary(), nullable=True),
    sa.Column("passphrase_retrieved_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("response_path", sa.Text(), nullable=True),
    sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
)


def upgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        for column in _NEW_REQUEST_COLUMNS:
            batch.add_column(column.copy())
    op.create_table(
        "request_records",
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=128), nullable=False),
        sa.Column("record_key", sa.String(length=255), nullable=False),
        sa.Column("system", sa.String(length=64), nullable=False),
        sa.Column("match", sa.String(length=16), nullable=False),
        sa.Column("via", sa.String(length=128), nullable=True),
        sa.Column("purpose", sa.String(length=64), nullable=True),
        sa.Column("decision", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("retain_until", sa.Date(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "match IN ('exact', 'linked', 'possible', 'mention')",
            name=op.f("ck_request_records_match"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_request_records_request_id_requests"),
        ),
        sa.PrimaryKeyConstraint(
            "request_id", "entity", "record_key", name=op.f("pk_request_records")
        ),
    )


def downgrade() -> None:
    op.drop_table("request_records")
    with op.batch_alter_table("requests") as batch:
        for column in reversed(_NEW_REQUEST_COLUMNS):
            batch.drop_column(column.name)
