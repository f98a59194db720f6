"""Penetapan: one standing row per set of assessments; a version for the Dinas' PKO

Revision ID: 5e7a1c2d9b40
Revises: 0acc7ddc9dd8
Create Date: 2026-12-06 00:00:00

A double "Kirim" of the penetapan form raced on PostgreSQL into two Penetapan rows, and a
double-submitted PKO Dinas form had no version to refuse the stale twin.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e7a1c2d9b40'
down_revision = '0acc7ddc9dd8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('penetapan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('penilaian_pertama', sa.Integer(), nullable=True))
    # A standing penetapan is named by the lowest id of the assessments it sets.
    op.execute("UPDATE penetapan SET penilaian_pertama = (SELECT min(penilaian.id) "
               "FROM penilaian WHERE penilaian.penetapan_id = penetapan.id) "
               "WHERE dibuka IS NULL")
    with op.batch_alter_table('penetapan', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_penetapan_penilaian_pertama'),
                                          ['penilaian_pertama'])
    with op.batch_alter_table('pko_dinas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('versi', sa.Integer(), nullable=True))
    op.execute("UPDATE pko_dinas SET versi = 1")
    with op.batch_alter_table('pko_dinas', schema=None) as batch_op:
        batch_op.alter_column('versi', existing_type=sa.Integer(), nullable=False)


def downgrade():
    with op.batch_alter_table('pko_dinas', schema=None) as batch_op:
        batch_op.drop_column('versi')
    with op.batch_alter_table('penetapan', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_penetapan_penilaian_pertama'), type_='unique')
        batch_op.drop_column('penilaian_pertama')
