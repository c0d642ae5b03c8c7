"""Engagement: per-exchange inactivity days, and the digests sent (one per lecturer per day)

Revision ID: 0012_engagement
Revises: 0011_assessment
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_engagement'
down_revision = '0011_assessment'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('engagement_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exchange_id', sa.Integer(), nullable=False),
    sa.Column('inactivity_days', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['exchange_id'], ['exchanges.id'], name=op.f('fk_engagement_settings_exchange_id_exchanges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_settings')),
    sa.UniqueConstraint('exchange_id', name=op.f('uq_engagement_settings_exchange_id'))
    )
    op.create_table('engagement_digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('warnings', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_engagement_digests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_digests')),
    sa.UniqueConstraint('user_id', 'day', name='uq_engagement_digests_day')
    )


def downgrade():
    op.drop_table('engagement_digests')
    op.drop_table('engagement_settings')
