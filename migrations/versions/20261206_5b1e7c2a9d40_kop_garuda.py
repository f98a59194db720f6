"""Kop Garuda: the Garuda emblem a Dinas uploads and its choice to print it in the header

Revision ID: 5b1e7c2a9d40
Revises: 5e7a1c2d9b40
Create Date: 2026-12-06 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b1e7c2a9d40'
down_revision = '5e7a1c2d9b40'
branch_labels = None
depends_on = None


# Plain ADD/DROP COLUMN (SQLite ≥ 3.35 and PostgreSQL): a batch copy of `dinas` would drop
# the table every other table references, which SQLite refuses with foreign keys on.

def upgrade():
    op.add_column('dinas', sa.Column('garuda', sa.LargeBinary(), nullable=True))
    op.add_column('dinas', sa.Column('garuda_mime', sa.String(length=40), nullable=True))
    op.add_column('dinas', sa.Column('kop_garuda', sa.Boolean(), server_default=sa.false(),
                                     nullable=False))


def downgrade():
    op.drop_column('dinas', 'kop_garuda')
    op.drop_column('dinas', 'garuda_mime')
    op.drop_column('dinas', 'garuda')
