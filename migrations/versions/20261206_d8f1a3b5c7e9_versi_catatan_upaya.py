"""A version on each upaya note

The pegawai edits and deletes his progress notes (Upaya tindak lanjut) until the reflection
is accepted; a form shown before another tab changed the note is stale (409). Existing
notes start at version 1.

Revision ID: d8f1a3b5c7e9
Revises: c3d5e7f9a1b2
Create Date: 2026-12-06 05:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd8f1a3b5c7e9'
down_revision = 'c3d5e7f9a1b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('catatan_upaya', schema=None) as batch_op:
        batch_op.add_column(sa.Column('versi', sa.Integer(), nullable=False,
                                      server_default='1'))


def downgrade():
    # Plain DROP COLUMN (SQLite >= 3.35 and PostgreSQL), like the revisions before.
    op.drop_column('catatan_upaya', 'versi')
