"""Data-subject requests: found records with their plan; personal parts apart in request_secrets.

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
    sa.Column("passphrase_retrieved_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("response_path", sa.Text(), nullable=True),
)


def upgrade() -> None:
    op.create_table(
        "request_secrets",
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("identifiers_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("corrections_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("passphrase_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("package_file", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_request_secrets_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_request_secrets")),
    )
    op.create_index(
        op.f("ix_request_secrets_closed_at"), "request_secrets", ["closed_at"], unique=False
    )
    # Identifiers stored by revision 0001 move to the secrets table, then leave requests.
    op.execute(
        "INSERT INTO request_secrets (request_id, identifiers_encrypted, closed_at) "
        "SELECT id, identifiers_encrypted, closed_at FROM requests "
        "WHERE identifiers_encrypted IS NOT NULL"
    )
    with op.batch_alter_table("requests") as batch:
        batch.drop_column("identifiers_encrypted")
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
        batch.add_column(sa.Column("identifiers_encrypted", sa.LargeBinary(), nullable=True))
    op.execute(
        "UPDATE requests SET identifiers_encrypted = (SELECT identifiers_encrypted FROM "
        "request_secrets WHERE request_secrets.request_id = requests.id)"
    )
    op.drop_index(op.f("ix_request_secrets_closed_at"), table_name="request_secrets")
    op.drop_table("request_secrets")
