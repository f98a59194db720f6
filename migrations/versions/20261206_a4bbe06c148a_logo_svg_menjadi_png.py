"""Logo SVG menjadi PNG: every stored SVG letterhead logo is drawn once as a PNG raster

A logo is now turned into a PNG at upload and only PNGs are printed. An SVG stored before
is converted here through the same hardened path as an upload (defusedxml, then CairoSVG in
a resource-limited child process); one that is refused by it (e.g. entity expansion) is
removed, and the letterhead prints without a logo until the operator uploads another. The
schema does not change.

Revision ID: a4bbe06c148a
Revises: 5b2e9c1d7a40
Create Date: 2026-12-06 01:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a4bbe06c148a'
down_revision = '5b2e9c1d7a40'
branch_labels = None
depends_on = None

dinas = sa.table("dinas", sa.column("id", sa.Integer), sa.column("logo", sa.LargeBinary),
                 sa.column("logo_mime", sa.String))


def upgrade():
    from kinerja_web.dinas.logo import LogoDitolak, periksa_logo

    conn = op.get_bind()
    lama = conn.execute(sa.select(dinas.c.id, dinas.c.logo).where(
        dinas.c.logo.is_not(None),
        sa.or_(dinas.c.logo_mime.is_(None), dinas.c.logo_mime != "image/png"))).all()
    for id_, isi in lama:
        try:
            png, mime = periksa_logo(bytes(isi), len(isi))
        except LogoDitolak:
            png = mime = None
        conn.execute(sa.update(dinas).where(dinas.c.id == id_).values(logo=png, logo_mime=mime))


def downgrade():
    # The PNG stays: the code before this revision prints a PNG logo as well.
    pass
