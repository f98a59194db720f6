"""Deadline extensions per person

From 2026 the calendar's deadlines are enforced (rule set `[[kalender]]`); the Operator
Dinas or the Kepala Dinas grants one pegawai an extension of one stage until a date, with a
reason. A new table only: existing rows are untouched.

Revision ID: e2a4c6b8d0f1
Revises: d8f1a3b5c7e9
Create Date: 2026-12-06 07:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e2a4c6b8d0f1'
down_revision = 'd8f1a3b5c7e9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'perpanjangan_tenggat',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pegawai_id', sa.Integer(), nullable=False),
        sa.Column('tahun_id', sa.Integer(), nullable=False),
        sa.Column('tahap', sa.String(length=30), nullable=False),
        sa.Column('sampai', sa.Date(), nullable=False),
        sa.Column('alasan', sa.Text(), nullable=False),
        sa.Column('akun_id', sa.Integer(), nullable=True),
        sa.Column('dibuat', sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "tahap IN ('pra_perencanaan', 'pengajuan_skp', 'persetujuan_skp', 'observasi', "
            "'refleksi', 'penilaian', 'penetapan')",
            name=op.f('ck_perpanjangan_tenggat_tahap')),
        sa.ForeignKeyConstraint(['akun_id'], ['akun.id'],
                                name=op.f('fk_perpanjangan_tenggat_akun_id_akun')),
        sa.ForeignKeyConstraint(['pegawai_id'], ['pegawai.id'],
                                name=op.f('fk_perpanjangan_tenggat_pegawai_id_pegawai')),
        sa.ForeignKeyConstraint(['tahun_id'], ['tahun_kinerja.id'],
                                name=op.f('fk_perpanjangan_tenggat_tahun_id_tahun_kinerja')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_perpanjangan_tenggat')),
        sa.UniqueConstraint('pegawai_id', 'tahun_id', 'tahap',
                            name=op.f('uq_perpanjangan_tenggat_pegawai_id')),
    )
    op.create_index(op.f('ix_perpanjangan_tenggat_pegawai_id'), 'perpanjangan_tenggat',
                    ['pegawai_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_perpanjangan_tenggat_pegawai_id'), table_name='perpanjangan_tenggat')
    op.drop_table('perpanjangan_tenggat')
