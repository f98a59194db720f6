"""kinerja_web: Pengelolaan Kinerja Guru dan Kepala Sekolah for a Dinas Pendidikan."""

import os
import warnings
from pathlib import Path

from cryptography.utils import CryptographyDeprecationWarning
from flask import Flask

# pyHanko 0.38 imports cryptography's DSA support (kept for old signatures it can verify);
# that import warns on every `flask` command. The app signs with RSA only.
warnings.filterwarnings("ignore", message="DSA is deprecated",
                        category=CryptographyDeprecationWarning)

# openpyxl prefers lxml when it is installed (pyHanko and pikepdf bring it), and then parses
# uploaded workbooks without defusedxml. Uploads must go through defusedxml: tell openpyxl
# before anything imports it (it reads this once, at import).
os.environ["OPENPYXL_LXML"] = "False"

from kinerja_web import config  # noqa: E402 - after the parser choice above

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config=None):
    """Build the Flask application: config, extensions, blueprints, CLI."""
    app = Flask(
        __name__,
        # Each node may have its own (KINERJA_INSTANCE_PATH): nothing shared lives there.
        instance_path=os.environ.get("KINERJA_INSTANCE_PATH") or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    config.load(app, test_config)

    # Imported here, not at the top: a migration, an RQ worker or a test importing one
    # module of the package must not pull in every page.
    from kinerja_web import aset, extensions, keamanan, simpanan, tampilan

    extensions.init_app(app)
    simpanan.init_app(app)
    keamanan.init_app(app)
    aset.init_app(app)
    tampilan.init_app(app)

    # Cycle: every page imports the package (kinerja_web.extensions, …), so the pages are
    # imported when an app is built, not when the package is.
    from kinerja_web.auth.sesi import SesiCookie
    from kinerja_web.auth.views import bp as auth_bp
    from kinerja_web.beranda.views import bp as beranda_bp
    from kinerja_web.dinas.penilaian import bp as dinas_penilaian_bp
    from kinerja_web.dinas.prarencana import bp as dinas_pra_bp
    from kinerja_web.dinas.views import bp as dinas_bp
    from kinerja_web.dokumen.views import bp as dokumen_bp
    from kinerja_web.impor.views import bp as impor_bp
    from kinerja_web.pelaksanaan.views import bp as pelaksanaan_bp
    from kinerja_web.penilaian.views import bp as penilaian_bp
    from kinerja_web.perencanaan.views import bp as perencanaan_bp
    from kinerja_web.persetujuan.views import bp as persetujuan_bp
    from kinerja_web.riwayat.views import bp as riwayat_bp
    from kinerja_web.sinkro.views import bp as sinkro_bp

    # The signed cookie, re-signed only when needed (auth/sesi.py).
    app.session_interface = SesiCookie()
    for bp in (auth_bp, beranda_bp, dinas_bp, impor_bp, perencanaan_bp, persetujuan_bp,
               pelaksanaan_bp, penilaian_bp, dinas_penilaian_bp, dokumen_bp, sinkro_bp,
               riwayat_bp, dinas_pra_bp):
        app.register_blueprint(bp)

    # Cycle: the CLI and the job runners build the app themselves (jobs.kerja_rq).
    from kinerja_web import commands, jobs
    from kinerja_web.dokumen import pracetak

    commands.init_app(app)
    jobs.init_app(app)
    pracetak.init_app(app)
    return app
