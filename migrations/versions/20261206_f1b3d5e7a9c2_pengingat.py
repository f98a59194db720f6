"""Reminders: contact columns on the roster and the daily digest log

`pegawai.email` and `pegawai.telepon` (from the roster import or the profile) carry the
daily reminder digest and the "Kirim lewat WhatsApp" link; `pegawai.pengingat_email` is
true for everyone until they unsubscribe. `kiriman_pengingat` keeps one row per person and
day (unique), claimed before the e-mail leaves, so no digest is ever sent twice.

Revision ID: f1b3d5e7a9c2
Revises: f3b5d7e9a1c2
Create Date: 2026-12-06 09:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1b3d5e7a9c2'
down_revision = 'f3b5d7e9a1c2'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no table rebuild: pegawai is referenced by most tables).
    op.add_column('pegawai', sa.Column('email', sa.String(length=120), nullable=True))
    op.add_column('pegawai', sa.Column('telepon', sa.String(length=20), nullable=True))
    op.add_column('pegawai', sa.Column('pengingat_email', sa.Boolean(), nullable=False,
                                       server_default=sa.true()))
    op.create_table(
        'kiriman_pengingat',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pegawai_id', sa.Integer(), nullable=False),
        sa.Column('tanggal', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('email', sa.String(length=120), nullable=False),
        sa.Column('jumlah_item', sa.Integer(), nullable=False),
        sa.Column('percobaan', sa.Integer(), nullable=False),
        sa.Column('galat', sa.Text(), nullable=True),
        sa.Column('dibuat', sa.DateTime(), nullable=False),
        sa.Column('dikirim', sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('proses', 'terkirim', 'gagal')",
                           name=op.f('ck_kiriman_pengingat_status')),
        sa.ForeignKeyConstraint(['pegawai_id'], ['pegawai.id'],
                                name=op.f('fk_kiriman_pengingat_pegawai_id_pegawai')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kiriman_pengingat')),
        sa.UniqueConstraint('pegawai_id', 'tanggal',
                            name=op.f('uq_kiriman_pengingat_pegawai_id')),
    )


def downgrade():
    op.drop_table('kiriman_pengingat')
    for kolom in ('pengingat_email', 'telepon', 'email'):
        op.drop_column('pegawai', kolom)
