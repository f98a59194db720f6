"""Electronic signatures (TTE) on stored documents

Per Dinas: the signing mode ("" none, "p12", "remote"), the documents signed and whether
principals sign as PPK. Per stored document: the validation of its signature when it was
stored (None: unsigned). Existing Dinas sign nothing; existing stored documents are
unsigned. The certificate and its secrets are never in the database (KINERJA_TTE_*).

Revision ID: e4c2a7d9b1f3
Revises: f3b5d7e9a1c2
Create Date: 2026-12-06 08:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4c2a7d9b1f3'
down_revision = 'f1b3d5e7a9c2'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no batch copy: SQLite would drop and rebuild `dinas`, which other
    # tables reference).
    op.add_column('dinas', sa.Column('tte_mode', sa.String(length=10), nullable=False,
                                     server_default=''))
    op.add_column('dinas', sa.Column('tte_dokumen', sa.JSON(), nullable=False,
                                     server_default='[]'))
    op.add_column('dinas', sa.Column('tte_kepsek', sa.Boolean(), nullable=False,
                                     server_default=sa.false()))
    op.add_column('dokumen_tersimpan', sa.Column('ttd', sa.JSON(), nullable=True))


def downgrade():
    # Plain DROP COLUMN (SQLite >= 3.35 and PostgreSQL), like the revisions before.
    op.drop_column('dokumen_tersimpan', 'ttd')
    op.drop_column('dinas', 'tte_kepsek')
    op.drop_column('dinas', 'tte_dokumen')
    op.drop_column('dinas', 'tte_mode')
