"""Nilai dokumen praktik kinerja and the validation of a principal's own documents

The atasan scores the Dokumen tindak lanjut and the Dokumen refleksi (two nullable columns:
a record from before keeps no score, and its Rating Hasil Kerja recommendation is computed
from the three criteria as before). A principal confirms his school's accountability
documents himself; his atasan validates them (a konfirmasi row "validasi_dokumen" whose
return carries `catatan`). A principal's documents ticked by his atasan before this revision
count as validated: one "diterima" row is added for them, so what was complete stays so.

Revision ID: 5b7e21c9d4a3
Revises: b7e2c91d4f30
Create Date: 2026-12-06 01:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b7e21c9d4a3'
down_revision = 'b7e2c91d4f30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('praktik', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nilai_tindak_lanjut', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('nilai_refleksi', sa.Integer(), nullable=True))
    with op.batch_alter_table('konfirmasi', schema=None) as batch_op:
        batch_op.add_column(sa.Column('catatan', sa.Text(), nullable=True))
    # The old flow: the atasan ticked a principal's documents; that stands as his validation.
    op.execute(sa.text(
        "INSERT INTO konfirmasi (skp_id, jenis, kode, oleh, waktu) "
        "SELECT k.skp_id, 'validasi_dokumen', 'diterima', MIN(k.oleh), MAX(k.waktu) "
        "FROM konfirmasi k JOIN skp s ON s.id = k.skp_id "
        "WHERE k.jenis = 'dokumen' AND s.posisi <> 'guru' AND NOT EXISTS ("
        "SELECT 1 FROM konfirmasi v WHERE v.skp_id = k.skp_id "
        "AND v.jenis = 'validasi_dokumen') "
        "GROUP BY k.skp_id"))


def downgrade():
    # The validation rows stay (the old code ignores a kind it does not know); only the
    # columns go.
    with op.batch_alter_table('konfirmasi', schema=None) as batch_op:
        batch_op.drop_column('catatan')
    # Plain DROP COLUMN (SQLite >= 3.35 and PostgreSQL): a batch copy of `praktik` would
    # drop the table that catatan_upaya references, which SQLite refuses.
    op.drop_column('praktik', 'nilai_refleksi')
    op.drop_column('praktik', 'nilai_tindak_lanjut')
