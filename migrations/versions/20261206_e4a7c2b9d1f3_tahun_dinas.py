"""Performance years as rows per Dinas (persiapan, berjalan, ditutup)

The year shown and written to was a setting (TAHUN_KINERJA); now each Dinas has a row per
year it runs with its state, who opened, started and closed it. Every existing year becomes
a row for every existing Dinas in state `berjalan` (the one year so far, 2025, was running);
no other row is touched. The downgrade drops the rows (the setting comes back with the code).

Revision ID: e4a7c2b9d1f3
Revises: e3a7c9d1f5b2
Create Date: 2026-12-06 08:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4a7c2b9d1f3'
down_revision = 'e3a7c9d1f5b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'tahun_dinas',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dinas_id', sa.Integer(), nullable=False),
        sa.Column('tahun_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('versi', sa.Integer(), nullable=False),
        sa.Column('dibuka', sa.DateTime(), nullable=False),
        sa.Column('dibuka_oleh', sa.Integer(), nullable=True),
        sa.Column('dimulai', sa.DateTime(), nullable=True),
        sa.Column('dimulai_oleh', sa.Integer(), nullable=True),
        sa.Column('ditutup', sa.DateTime(), nullable=True),
        sa.Column('ditutup_oleh', sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('persiapan', 'berjalan', 'ditutup')",
                           name=op.f('ck_tahun_dinas_status')),
        sa.ForeignKeyConstraint(['dinas_id'], ['dinas.id'],
                                name=op.f('fk_tahun_dinas_dinas_id_dinas')),
        sa.ForeignKeyConstraint(['tahun_id'], ['tahun_kinerja.id'],
                                name=op.f('fk_tahun_dinas_tahun_id_tahun_kinerja')),
        sa.ForeignKeyConstraint(['dibuka_oleh'], ['akun.id'],
                                name=op.f('fk_tahun_dinas_dibuka_oleh_akun')),
        sa.ForeignKeyConstraint(['dimulai_oleh'], ['akun.id'],
                                name=op.f('fk_tahun_dinas_dimulai_oleh_akun')),
        sa.ForeignKeyConstraint(['ditutup_oleh'], ['akun.id'],
                                name=op.f('fk_tahun_dinas_ditutup_oleh_akun')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tahun_dinas')),
        sa.UniqueConstraint('dinas_id', 'tahun_id', name=op.f('uq_tahun_dinas_dinas_id')),
    )
    op.create_index(op.f('ix_tahun_dinas_dinas_id'), 'tahun_dinas', ['dinas_id'], unique=False)
    # Each existing year runs on in each existing Dinas.
    op.execute(
        "INSERT INTO tahun_dinas (dinas_id, tahun_id, status, versi, dibuka, dimulai) "
        "SELECT d.id, t.id, 'berjalan', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP "
        "FROM dinas d CROSS JOIN tahun_kinerja t ORDER BY d.id, t.id")


def downgrade():
    op.drop_index(op.f('ix_tahun_dinas_dinas_id'), table_name='tahun_dinas')
    op.drop_table('tahun_dinas')
