"""Credentials: what the record showed when a badge was awarded, and the portfolio entries a
holder made public as its evidence

Revision ID: 0016_award_evidence
Revises: 0015_reports
Create Date: 2026-12-05 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_award_evidence'
down_revision = '0015_reports'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('observed', sa.JSON(), nullable=True))
    op.execute("UPDATE awards SET observed = '[]'")
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.alter_column('observed', existing_type=sa.JSON(), nullable=False)

    op.create_table('award_evidence',
    sa.Column('award_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['award_id'], ['awards.id'], name=op.f('fk_award_evidence_award_id_awards'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['reflection_entries.id'], name=op.f('fk_award_evidence_entry_id_reflection_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('award_id', 'entry_id', name=op.f('pk_award_evidence'))
    )
    with op.batch_alter_table('award_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_evidence_entry_id'), ['entry_id'], unique=False)


def downgrade():
    with op.batch_alter_table('award_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_evidence_entry_id'))
    op.drop_table('award_evidence')
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.drop_column('observed')
