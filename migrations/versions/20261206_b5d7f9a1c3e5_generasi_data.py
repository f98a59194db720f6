"""Stored documents served after one query: a data generation counter

A print served from storage no longer loads the SKP's data to decide that its stored PDF
is current: `generasi_data` holds one counter, raised by every committed transaction that
wrote a table a printed document may read, and `dokumen_tersimpan.stempel` the generation
(and day and app) at which the row was last found current; `dokumen_tersimpan.nilai`
holds the printed values, so the print's Cetakan is written without the data. Existing
stored documents keep their rows (stempel NULL: the next print checks them the long way
once and stamps them).

Revision ID: b5d7f9a1c3e5
Revises: f3b5d7e9a1c2
Create Date: 2026-12-06 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b5d7f9a1c3e5'
down_revision = 'e4c2a7d9b1f3'
branch_labels = None
depends_on = None


def upgrade():
    tabel = op.create_table(
        'generasi_data',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('n', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_generasi_data')),
    )
    op.bulk_insert(tabel, [{'id': 1, 'n': 0}])
    with op.batch_alter_table('dokumen_tersimpan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nilai', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('stempel', sa.String(length=80), nullable=True))


def downgrade():
    with op.batch_alter_table('dokumen_tersimpan', schema=None) as batch_op:
        batch_op.drop_column('stempel')
        batch_op.drop_column('nilai')
    op.drop_table('generasi_data')
