"""Kop Garuda: the Garuda emblem a Dinas uploads and its choice to print it in the header

Revision ID: 5b1e7c2a9d40
Revises: 0acc7ddc9dd8
Create Date: 2026-12-06 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b1e7c2a9d40'
down_revision = '0acc7ddc9dd8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dinas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('garuda', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('garuda_mime', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('kop_garuda', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('dinas', schema=None) as batch_op:
        batch_op.drop_column('kop_garuda')
        batch_op.drop_column('garuda_mime')
        batch_op.drop_column('garuda')
