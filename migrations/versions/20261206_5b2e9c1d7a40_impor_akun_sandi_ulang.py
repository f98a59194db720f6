"""Impor akun: which accounts a roster import created, and who confirmed it

So the Operator who confirmed an import whose answer never arrived can make its one-time
passwords again (they are stored nowhere). A shell import (`flask impor-roster`) is
recorded too, without an uploader.

Revision ID: 5b2e9c1d7a40
Revises: 0acc7ddc9dd8
Create Date: 2026-12-06 01:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b2e9c1d7a40'
down_revision = '0acc7ddc9dd8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('impor_akun',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('impor_id', sa.Integer(), nullable=False),
    sa.Column('akun_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['akun_id'], ['akun.id'], name=op.f('fk_impor_akun_akun_id_akun')),
    sa.ForeignKeyConstraint(['impor_id'], ['impor_berkas.id'], name=op.f('fk_impor_akun_impor_id_impor_berkas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_impor_akun')),
    sa.UniqueConstraint('akun_id', name=op.f('uq_impor_akun_akun_id'))
    )
    with op.batch_alter_table('impor_akun', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_impor_akun_impor_id'), ['impor_id'], unique=False)

    with op.batch_alter_table('impor_berkas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('diterapkan_oleh', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_impor_berkas_diterapkan_oleh_akun'), 'akun', ['diterapkan_oleh'], ['id'])
        batch_op.alter_column('akun_id', existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.drop_table('impor_akun')
    # Shell imports have no uploader: the old schema cannot hold their record.
    op.execute("DELETE FROM impor_berkas WHERE akun_id IS NULL")
    with op.batch_alter_table('impor_berkas', schema=None) as batch_op:
        batch_op.alter_column('akun_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f('fk_impor_berkas_diterapkan_oleh_akun'), type_='foreignkey')
        batch_op.drop_column('diterapkan_oleh')
