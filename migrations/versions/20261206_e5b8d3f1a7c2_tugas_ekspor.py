"""The whole-Dinas e-Kinerja export as a background job

`tugas_ekspor` holds one row per export job: its phase and progress, the process that runs
it with its heartbeat (so a dead owner's job is taken over), the reason of a failure and the
export it produced. A partial unique index allows one open (queued or running) job per
Dinas, kind and year. New table only: existing rows are untouched.

Revision ID: e5b8d3f1a7c2
Revises: e4a7c2b9d1f3
Create Date: 2026-12-06 08:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b8d3f1a7c2'
down_revision = 'e4a7c2b9d1f3'
branch_labels = None
depends_on = None

TERBUKA = "status IN ('antri', 'berjalan')"


def upgrade():
    op.create_table(
        'tugas_ekspor',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dinas_id', sa.Integer(), nullable=False),
        sa.Column('akun_id', sa.Integer(), nullable=True),
        sa.Column('jenis', sa.String(length=20), nullable=False),
        sa.Column('tahun', sa.Integer(), nullable=False),
        sa.Column('lingkup', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('tahap', sa.String(length=10), nullable=True),
        sa.Column('diproses', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=True),
        sa.Column('galat', sa.Text(), nullable=True),
        sa.Column('ekspor_id', sa.Integer(), nullable=True),
        sa.Column('pekerja', sa.String(length=64), nullable=True),
        sa.Column('detak', sa.DateTime(), nullable=True),
        sa.Column('dibuat', sa.DateTime(), nullable=False),
        sa.Column('mulai', sa.DateTime(), nullable=True),
        sa.Column('selesai', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['akun_id'], ['akun.id'],
                                name=op.f('fk_tugas_ekspor_akun_id_akun')),
        sa.ForeignKeyConstraint(['dinas_id'], ['dinas.id'],
                                name=op.f('fk_tugas_ekspor_dinas_id_dinas')),
        sa.ForeignKeyConstraint(['ekspor_id'], ['ekspor_ekinerja.id'],
                                name=op.f('fk_tugas_ekspor_ekspor_id_ekspor_ekinerja')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tugas_ekspor')),
    )
    op.create_index('ix_tugas_ekspor_dinas_id', 'tugas_ekspor', ['dinas_id', 'id'],
                    unique=False)
    op.create_index('uq_tugas_ekspor_terbuka', 'tugas_ekspor', ['dinas_id', 'jenis', 'tahun'],
                    unique=True, sqlite_where=sa.text(TERBUKA),
                    postgresql_where=sa.text(TERBUKA))


def downgrade():
    op.drop_index('uq_tugas_ekspor_terbuka', table_name='tugas_ekspor')
    op.drop_index('ix_tugas_ekspor_dinas_id', table_name='tugas_ekspor')
    op.drop_table('tugas_ekspor')
