"""Planning opened by the Dinas for a school whose pra-perencanaan checks fail

From 2026 (rule set component `pra_perencanaan`) a school's teachers plan only when its
checks pass, or when the Operator Dinas opens planning for it with a reason. A new table
only: existing rows are untouched.

Revision ID: f3b5d7e9a1c2
Revises: e5b8d3f1a7c2
Create Date: 2026-12-06 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3b5d7e9a1c2'
down_revision = 'e5b8d3f1a7c2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'buka_perencanaan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sekolah_id', sa.Integer(), nullable=False),
        sa.Column('tahun_id', sa.Integer(), nullable=False),
        sa.Column('alasan', sa.Text(), nullable=False),
        sa.Column('akun_id', sa.Integer(), nullable=True),
        sa.Column('dibuat', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['akun_id'], ['akun.id'],
                                name=op.f('fk_buka_perencanaan_akun_id_akun')),
        sa.ForeignKeyConstraint(['sekolah_id'], ['sekolah.id'],
                                name=op.f('fk_buka_perencanaan_sekolah_id_sekolah')),
        sa.ForeignKeyConstraint(['tahun_id'], ['tahun_kinerja.id'],
                                name=op.f('fk_buka_perencanaan_tahun_id_tahun_kinerja')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_buka_perencanaan')),
        sa.UniqueConstraint('sekolah_id', 'tahun_id',
                            name=op.f('uq_buka_perencanaan_sekolah_id')),
    )
    op.create_index(op.f('ix_buka_perencanaan_sekolah_id'), 'buka_perencanaan',
                    ['sekolah_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_buka_perencanaan_sekolah_id'), table_name='buka_perencanaan')
    op.drop_table('buka_perencanaan')
