"""SKP parts with a period, and the Mutasi that splits them

A transfer, a new role or the end of service in the middle of the year closes the SKP in
progress at TMT - 1 and opens a new part from the TMT (issue #14 §5). Every existing SKP
becomes the single part of its year: its period is the whole performance year (1 January -
31 December of its tahun_kinerja), and it is open. The unique key (pegawai, tahun, posisi)
becomes (pegawai, tahun, posisi, mulai) plus a partial unique index: one open part.

Downgrade: refused while a person has more than one part of a year (the old unique key could
not hold them); otherwise it drops the period columns and the mutasi table.

Revision ID: e3a7c9d1f5b2
Revises: e2a4c6b8d0f1
Create Date: 2026-12-06 08:00:00

"""
from datetime import date

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3a7c9d1f5b2'
down_revision = 'e2a4c6b8d0f1'
branch_labels = None
depends_on = None

JENIS = "jenis IN ('pindah', 'plt', 'kepala_sekolah', 'pensiun', 'berhenti')"


def _fk_sqlite(aktif):
    """SQLite rebuilds skp (batch mode) while penilaian, praktik, cetakan … point at it: the
    foreign-key check is off during the rebuild (SQLite ignores the pragma inside a
    transaction, so the work so far is committed first) and the references are verified
    when it is back on (as revision b7e2c91d4f30 does)."""
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
    op.create_table(
        'mutasi',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dinas_id', sa.Integer(), nullable=False),
        sa.Column('pegawai_id', sa.Integer(), nullable=False),
        sa.Column('jenis', sa.String(length=20), nullable=False),
        sa.Column('tmt', sa.Date(), nullable=False),
        sa.Column('sekolah_asal_id', sa.Integer(), nullable=True),
        sa.Column('sekolah_tujuan_id', sa.Integer(), nullable=True),
        sa.Column('nomor_sk', sa.String(length=80), nullable=True),
        sa.Column('keterangan', sa.Text(), nullable=True),
        sa.Column('sumber', sa.String(length=10), nullable=False),
        sa.Column('oleh', sa.Integer(), nullable=True),
        sa.Column('waktu', sa.DateTime(), nullable=False),
        sa.CheckConstraint(JENIS, name=op.f('ck_mutasi_jenis')),
        sa.CheckConstraint("sumber IN ('formulir', 'impor')", name=op.f('ck_mutasi_sumber')),
        sa.ForeignKeyConstraint(['dinas_id'], ['dinas.id'], name=op.f('fk_mutasi_dinas_id_dinas')),
        sa.ForeignKeyConstraint(['oleh'], ['akun.id'], name=op.f('fk_mutasi_oleh_akun')),
        sa.ForeignKeyConstraint(['pegawai_id'], ['pegawai.id'],
                                name=op.f('fk_mutasi_pegawai_id_pegawai')),
        sa.ForeignKeyConstraint(['sekolah_asal_id'], ['sekolah.id'],
                                name=op.f('fk_mutasi_sekolah_asal_id_sekolah')),
        sa.ForeignKeyConstraint(['sekolah_tujuan_id'], ['sekolah.id'],
                                name=op.f('fk_mutasi_sekolah_tujuan_id_sekolah')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mutasi')),
    )
    with op.batch_alter_table('mutasi', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mutasi_dinas_id'), ['dinas_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mutasi_pegawai_id'), ['pegawai_id'], unique=False)
        batch_op.create_index('ix_mutasi_pegawai_tmt', ['pegawai_id', 'tmt'], unique=False)

    with op.batch_alter_table('skp', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mulai', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('selesai', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ditutup', sa.DateTime(), nullable=True))

    # Each existing SKP is the one part of its year: the whole year.
    conn = op.get_bind()
    skp = sa.table('skp', sa.column('tahun_id', sa.Integer), sa.column('mulai', sa.Date),
                   sa.column('selesai', sa.Date))
    for tahun_id, tahun in conn.execute(sa.text("SELECT id, tahun FROM tahun_kinerja")).all():
        conn.execute(sa.update(skp).where(skp.c.tahun_id == tahun_id).values(
            mulai=date(tahun, 1, 1), selesai=date(tahun, 12, 31)))

    _fk_sqlite(False)
    with op.batch_alter_table('skp', schema=None) as batch_op:
        batch_op.alter_column('mulai', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('selesai', existing_type=sa.Date(), nullable=False)
        batch_op.drop_constraint('uq_skp_pegawai_id', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_skp_pegawai_id'),
                                          ['pegawai_id', 'tahun_id', 'posisi', 'mulai'])
        batch_op.create_check_constraint('periode', 'mulai <= selesai')
        batch_op.create_index('ix_skp_terbuka', ['pegawai_id', 'tahun_id', 'posisi'],
                              unique=True, sqlite_where=sa.text('ditutup IS NULL'),
                              postgresql_where=sa.text('ditutup IS NULL'))
    _fk_sqlite(True)


def downgrade():
    conn = op.get_bind()
    ganda = conn.scalar(sa.text(
        "SELECT count(*) FROM (SELECT pegawai_id FROM skp GROUP BY pegawai_id, tahun_id, posisi "
        "HAVING count(*) > 1) AS g"))
    if ganda:
        raise RuntimeError(f"{ganda} SKP terbagi karena mutasi; downgrade akan menghapus "
                           "bagiannya. Batalkan mutasi itu dahulu.")
    _fk_sqlite(False)
    with op.batch_alter_table('skp', schema=None) as batch_op:
        batch_op.drop_index('ix_skp_terbuka')
        batch_op.drop_constraint('periode', type_='check')
        batch_op.drop_constraint('uq_skp_pegawai_id', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_skp_pegawai_id'),
                                          ['pegawai_id', 'tahun_id', 'posisi'])
        batch_op.drop_column('ditutup')
        batch_op.drop_column('selesai')
        batch_op.drop_column('mulai')
    _fk_sqlite(True)
    with op.batch_alter_table('mutasi', schema=None) as batch_op:
        batch_op.drop_index('ix_mutasi_pegawai_tmt')
        batch_op.drop_index(batch_op.f('ix_mutasi_pegawai_id'))
        batch_op.drop_index(batch_op.f('ix_mutasi_dinas_id'))
    op.drop_table('mutasi')
