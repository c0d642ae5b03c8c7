"""Export jobs: what is exported (participation records or the raw ledger) and when a running
job last reported progress (a job whose worker died is failed after a while)

Revision ID: 0017_jobs
Revises: 0016_award_evidence
Create Date: 2026-12-05 18:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_jobs'
down_revision = '0016_award_evidence'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('kind', sa.String(length=8), nullable=False, server_default='records')
        )
        batch_op.add_column(sa.Column('progress_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_export_jobs_kind'), "kind IN ('records', 'ledger')"
        )


def downgrade():
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_export_jobs_kind'), type_='check')
        batch_op.drop_column('progress_at')
        batch_op.drop_column('kind')
