"""A second data generation: the roster the pra-perencanaan checks read

`generasi_data` row 2 changes only with a committed write to the tables the
pra-perencanaan checks read (schools, UNOR, assignments, pegawai, Tim Kerja plots, the
Dinas' overrides and years; simpanan.ROSTER), so their answer, kept per process under
this number (a fresh random one at each change), stays good across the many writes that
do not touch the roster (autosaves, ratings). Adds the row; downgrade keeps it (the code
before reads row 1 only, and a downgrade changes no data it keeps).

Revision ID: c7e9a1b3d5f7
Revises: b5d7f9a1c3e5
Create Date: 2026-12-06 14:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7e9a1b3d5f7'
down_revision = 'b5d7f9a1c3e5'
branch_labels = None
depends_on = None


def upgrade():
    # A random start (later raises draw a fresh random number too: simpanan._sql_naik).
    acak = ("floor(random() * 9007199254740991)::bigint"
            if op.get_bind().dialect.name == "postgresql" else "abs(random() % 9007199254740991)")
    op.execute(sa.text(f"INSERT INTO generasi_data (id, n) SELECT 2, {acak} WHERE NOT EXISTS "
                       "(SELECT 1 FROM generasi_data WHERE id = 2)"))


def downgrade():
    pass  # row 2 stays: harmless to the code before, and upgrading again adds nothing
