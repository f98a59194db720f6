"""Stored documents and batch files in the database

Rendered documents are kept under their verification code (`dokumen_tersimpan`) and served
again while the data they print is unchanged; a batch's chunks and merged file are rows
(`cetak_batch_berkas`) instead of files under instance/cetak/, so several web nodes and
workers on one database serve every download. Existing rows are untouched: a batch
finished before keeps its file path and is still read from it.

Revision ID: c3d5e7f9a1b2
Revises: 5b7e21c9d4a3
Create Date: 2026-12-06 04:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d5e7f9a1b2'
down_revision = '5b7e21c9d4a3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'dokumen_tersimpan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kode', sa.String(length=16), nullable=False),
        sa.Column('jenis', sa.String(length=20), nullable=False),
        sa.Column('skp_id', sa.Integer(), nullable=False),
        sa.Column('sidik', sa.String(length=64), nullable=False),
        sa.Column('pdf', sa.LargeBinary(), nullable=False),
        sa.Column('ukuran', sa.Integer(), nullable=False),
        sa.Column('dibuat', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['skp_id'], ['skp.id'], ondelete='CASCADE',
                                name=op.f('fk_dokumen_tersimpan_skp_id_skp')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dokumen_tersimpan')),
        sa.UniqueConstraint('kode', name=op.f('uq_dokumen_tersimpan_kode')),
    )
    op.create_index('ix_dokumen_tersimpan_skp_jenis', 'dokumen_tersimpan',
                    ['skp_id', 'jenis'], unique=False)
    op.create_table(
        'cetak_batch_berkas',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.Column('urutan', sa.Integer(), nullable=False),
        sa.Column('isi', sa.LargeBinary(), nullable=False),
        sa.Column('ukuran', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['batch_id'], ['cetak_batch.id'], ondelete='CASCADE',
                                name=op.f('fk_cetak_batch_berkas_batch_id_cetak_batch')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cetak_batch_berkas')),
        sa.UniqueConstraint('batch_id', 'urutan', name=op.f('uq_cetak_batch_berkas_urutan')),
    )


def downgrade():
    op.drop_table('cetak_batch_berkas')
    op.drop_index('ix_dokumen_tersimpan_skp_jenis', table_name='dokumen_tersimpan')
    op.drop_table('dokumen_tersimpan')
