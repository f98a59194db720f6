"""e-Kinerja export v2: the periodic assessment export kind and the final sync's counts per
log row (RHK Individu / RHK Organisasi: RHK, indikator, eviden, realisasi, feedback).

Revision ID: b7e2c91d4f30
Revises: 5b1e7c2a9d40
Create Date: 2026-12-06 01:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7e2c91d4f30'
down_revision = '5b1e7c2a9d40'
branch_labels = None
depends_on = None

LAMA = "jenis IN ('perencanaan', 'penilaian_akhir')"
BARU = "jenis IN ('perencanaan', 'penilaian_akhir', 'penilaian_periodik')"


def _fk_sqlite(aktif):
    """SQLite rebuilds ekspor_ekinerja (batch mode) while log_sinkro rows point at it: the
    foreign-key check is off during the rebuild (SQLite ignores the pragma inside a
    transaction, so the work so far is committed first, as SQLite's DDL is not transactional
    for Alembic anyway) and the references are verified when it is back on."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    raw = bind.connection.driver_connection
    if raw.in_transaction:
        raw.commit()
    raw.execute(f"PRAGMA foreign_keys = {'ON' if aktif else 'OFF'}")
    if aktif:
        salah = raw.execute("PRAGMA foreign_key_check").fetchall()
        if salah:
            raise RuntimeError(f"Referensi rusak setelah migrasi: {salah[:5]}")


def upgrade():
    with op.batch_alter_table('log_sinkro', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rincian', sa.JSON(), nullable=True))
    _fk_sqlite(False)
    with op.batch_alter_table('ekspor_ekinerja', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_ekspor_ekinerja_jenis'), type_='check')
        batch_op.create_check_constraint('jenis', BARU)
    _fk_sqlite(True)


def downgrade():
    op.execute("DELETE FROM log_sinkro WHERE ekspor_id IN "
               "(SELECT id FROM ekspor_ekinerja WHERE jenis = 'penilaian_periodik')")
    op.execute("DELETE FROM ekspor_ekinerja WHERE jenis = 'penilaian_periodik'")
    _fk_sqlite(False)
    with op.batch_alter_table('ekspor_ekinerja', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_ekspor_ekinerja_jenis'), type_='check')
        batch_op.create_check_constraint('jenis', LAMA)
    _fk_sqlite(True)
    with op.batch_alter_table('log_sinkro', schema=None) as batch_op:
        batch_op.drop_column('rincian')
