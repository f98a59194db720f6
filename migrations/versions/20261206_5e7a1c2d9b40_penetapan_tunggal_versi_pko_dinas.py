"""Penetapan: one standing row per set of assessments; a version for the Dinas' PKO

Revision ID: 5e7a1c2d9b40
Revises: a4bbe06c148a
Create Date: 2026-12-06 00:00:00

A double "Kirim" of the penetapan form raced on PostgreSQL into two Penetapan rows, and a
double-submitted PKO Dinas form had no version to refuse the stale twin.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e7a1c2d9b40'
down_revision = 'a4bbe06c148a'
branch_labels = None
depends_on = None


def upgrade():
    # No batch copy of penetapan: penilaian refers to it, and SQLite cannot drop a table
    # that others refer to while foreign keys are on. A column and a unique index need none.
    op.add_column('penetapan', sa.Column('penilaian_pertama', sa.Integer(), nullable=True))
    # A standing penetapan is named by the lowest id of the assessments it sets.
    op.execute("UPDATE penetapan SET penilaian_pertama = (SELECT min(penilaian.id) "
               "FROM penilaian WHERE penilaian.penetapan_id = penetapan.id) "
               "WHERE dibuka IS NULL")
    op.create_index(op.f('ix_penetapan_penilaian_pertama'), 'penetapan',
                    ['penilaian_pertama'], unique=True)
    with op.batch_alter_table('pko_dinas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('versi', sa.Integer(), nullable=True))
    op.execute("UPDATE pko_dinas SET versi = 1")
    with op.batch_alter_table('pko_dinas', schema=None) as batch_op:
        batch_op.alter_column('versi', existing_type=sa.Integer(), nullable=False)


def downgrade():
    with op.batch_alter_table('pko_dinas', schema=None) as batch_op:
        batch_op.drop_column('versi')
    op.drop_index(op.f('ix_penetapan_penilaian_pertama'), table_name='penetapan')
    op.execute("ALTER TABLE penetapan DROP COLUMN penilaian_pertama")  # SQLite ≥ 3.35 too
