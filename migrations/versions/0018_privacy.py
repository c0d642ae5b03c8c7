"""Privacy in reports: whether the sides of a collaboration agreement share their students'
identities with each other's coordinators, and courses' optional faculty and programme

Revision ID: 0018_privacy
Revises: 0017_jobs
Create Date: 2026-12-05 18:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_privacy'
down_revision = '0017_jobs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('identities_by_proposer', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('identities_by_recipient', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('faculty', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('programme', sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_column('programme')
        batch_op.drop_column('faculty')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_column('identities_by_recipient')
        batch_op.drop_column('identities_by_proposer')
