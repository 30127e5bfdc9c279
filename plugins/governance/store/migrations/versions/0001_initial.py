"""Initial schema: requests, legal holds, restrictions and the audit ledger.

Revision ID: 0001
Revises:
Create Date: 2026-11-24 19:21:02.362761
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_entries",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=True),
        sa.Column("rule", sa.String(length=128), nullable=True),
        sa.Column("request_id", sa.String(length=36), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("policy_version", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_ledger_entries_seq_positive")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_ledger_entries")),
    )
    op.create_index(
        op.f("ix_ledger_entries_request_id"), "ledger_entries", ["request_id"], unique=False
    )

    op.create_table(
        "legal_holds",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=True),
        sa.Column("scope_kind", sa.String(length=16), nullable=False),
        sa.Column("entity", sa.String(length=128), nullable=True),
        sa.Column("record_id", sa.String(length=255), nullable=True),
        sa.Column("subject_ref", sa.String(length=64), nullable=True),
        sa.Column("range_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("range_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("where", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_by", sa.String(length=128), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_by", sa.String(length=128), nullable=True),
        sa.Column("release_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "scope_kind IN ('record', 'subject', 'time_range')",
            name=op.f("ck_legal_holds_scope_kind"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    op.create_index(
        op.f("ix_legal_holds_subject_ref"), "legal_holds", ["subject_ref"], unique=False
    )

    op.create_table(
        "requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("extended_due_on", sa.Date(), nullable=True),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("verification_method", sa.String(length=32), nullable=True),
        sa.Column("verification_reference", sa.String(length=255), nullable=True),
        sa.Column("verified_by", sa.String(length=128), nullable=True),
        sa.Column("identifiers_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("subject_refs", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "status IN ('registered', 'verified', 'in_progress', 'awaiting_approval', 'completed', 'rejected')",
            name=op.f("ck_requests_status"),
        ),
        sa.CheckConstraint(
            "type IN ('access', 'portability', 'erasure', 'rectification', 'restriction', 'objection', 'consent_withdrawal')",
            name=op.f("ck_requests_type"),
        ),
        sa.CheckConstraint(
            "verification_method IS NULL OR verification_method IN ('in_person_id_document', 'qualified_e_signature')",
            name=op.f("ck_requests_verification_method"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
    )
    op.create_index(op.f("ix_requests_status"), "requests", ["status"], unique=False)

    op.create_table(
        "restrictions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=True),
        sa.Column("subject_ref", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=True),
        sa.Column("entity", sa.String(length=128), nullable=True),
        sa.Column("record_id", sa.String(length=255), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_restrictions_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_restrictions")),
    )
    op.create_index(
        op.f("ix_restrictions_subject_ref"), "restrictions", ["subject_ref"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_restrictions_subject_ref"), table_name="restrictions")
    op.drop_table("restrictions")
    op.drop_index(op.f("ix_requests_status"), table_name="requests")
    op.drop_table("requests")
    op.drop_index(op.f("ix_legal_holds_subject_ref"), table_name="legal_holds")
    op.drop_table("legal_holds")
    op.drop_index(op.f("ix_ledger_entries_request_id"), table_name="ledger_entries")
    op.drop_table("ledger_entries")
