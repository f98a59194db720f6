"""What every template gets: htmx settings, navigation, Indonesian date filters."""

import json
import re

from flask import request, url_for
from flask_login import current_user

from kinerja_web import daftar, htmx, teks, waktu

# Read by htmx from <meta name="htmx-config">; no inline script needed (strict CSP).
HTMX_CONFIG = json.dumps(
    {
        "selfRequestsOnly": True,
        "allowEval": False,
        "allowScriptTags": False,
        "historyCacheSize": 0,
        "historyRestoreAsHxRequest": False,
        "includeIndicatorStyles": False,
        "defaultSettleDelay": 0,
        # htmx's settle copies these from the old element to the new one of the same id and
        # back. The app sets no style attribute (strict CSP forbids them), but the browser or
        # a tool may leave an empty style="" on an input (a screenshot's caret hiding, an
        # autofill extension): copied by setAttribute, it is an inline style the CSP refuses
        # (a console error after every wizard step and "Kirim…"). So style is never settled.
        "attributesToSettle": ["class", "width", "height"],
        # Invalid forms answer 422 and stale versions 409; both carry the form to show.
        "responseHandling": [
            {"code": "204", "swap": False},
            {"code": "[23]..", "swap": True},
            {"code": "40[9]|42[29]", "swap": True, "error": False},
            {"code": "[45]..", "swap": False, "error": True},
        ],
    },
    separators=(",", ":"),
)


# Bidi embedding, override and isolate controls (LRE RLE PDF LRO RLO, LRI RLI FSI PDI).
_KENDALI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
KENDALI_ARAH = dict.fromkeys(map(ord, _KENDALI))
_ADA_KENDALI_ARAH = re.compile(f"[{_KENDALI}]").search


def tanpa_kendali_arah(nilai):
    """Jinja's finalize: a text without bidi controls (Markup stays Markup). Called for
    every value a page prints: most are ASCII or hold no control, and are returned as
    they are without a copy (Markup's translate escapes and copies)."""
    if not isinstance(nilai, str) or nilai.isascii() or not _ADA_KENDALI_ARAH(nilai):
        return nilai
    return nilai.translate(KENDALI_ARAH)


def init_app(app):
    app.jinja_env.filters.update(
        tanggal=waktu.format_tanggal,
        hari_tanggal=waktu.format_hari_tanggal,
        waktu=waktu.format_waktu,
        akhiri=teks.akhiri,
        gabung=teks.gabung,
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    # Every value printed (pages, fragments, PDFs) loses bidi overrides: typed into a name
    # or a note they would reverse the page's own text after it (spoofing).
    app.jinja_env.finalize = tanpa_kendali_arah
    # Globals (not a context processor) so imported macros see them too.
    app.jinja_env.globals.update(htmx_config=HTMX_CONFIG, navigasi=navigasi, url_sini=url_sini,
                                 utama_saja=htmx.utama_saja, tahun_tampil=tahun_tampil)
    app.after_request(htmx.arahkan_ke_utama)


def navigasi():
    """Menu entries for the roles the signed-in person holds."""
    if not current_user.is_authenticated:
        return []
    peran = current_user.peran
    menu = [("Beranda", url_for("beranda.index"))]
    if peran.guru or peran.ks_sekolah or peran.plt_sekolah:
        menu += [("Perencanaan", url_for("perencanaan.index")),
                 ("Pelaksanaan", url_for("pelaksanaan.index")),
                 ("Riwayat Kinerja", url_for("riwayat.sendiri"))]
    if peran.atasan_sekolah or peran.kepala_dinas or peran.tim_kerja:
        menu += [("Persetujuan", url_for("persetujuan.daftar")),
                 ("Penilaian", url_for("penilaian.daftar"))]
    # The Dinas' list of principals' predikat (its "Mulai kirim" opens the form); a
    # principal's is the form for his school's teachers.
    if peran.kepala_dinas or peran.tim_kerja:
        menu.append(("Penetapan", url_for("dinas_penilaian.penetapan")))
    elif peran.atasan_sekolah:
        menu.append(("Penetapan", url_for("penilaian.penetapan")))
    if peran.atasan_sekolah and not peran.operator_dinas:
        # His school's pra-perencanaan checks (the Operator Dinas sees every school's).
        menu.append(("Pra-perencanaan", url_for("dinas_pra.sekolah",
                                                sekolah_id=min(peran.atasan_sekolah))))
    if peran.staf_dinas:
        menu.append(("PKO", url_for("dinas_penilaian.rekap_pko")))
    if peran.kepala_dinas or peran.tim_kerja:
        menu.append(("Progres KS", url_for("dinas_penilaian.progres")))
    if peran.staf_dinas:
        menu.append(("Rekap", url_for("dinas_penilaian.rekap")))
        menu.append(("Cetak", url_for("dokumen.batch")))
    if peran.operator_dinas:
        menu += [
            ("Impor Data", url_for("impor.index")),
            ("Pegawai", url_for("dinas.daftar_pegawai")),
            ("Sekolah", url_for("dinas.daftar_sekolah")),
            ("Tahun Kinerja", url_for("dinas.tahun_kinerja")),
            ("Tim Kerja", url_for("dinas_penilaian.tim_kerja")),
            ("Pra-perencanaan", url_for("dinas_pra.index")),
            ("Sinkro", url_for("sinkro.cek_kesiapan")),
            ("Log Sinkro", url_for("sinkro.log")),
            ("Pengaturan", url_for("dinas.pengaturan")),
        ]
    elif peran.staf_dinas:
        menu += [("Sekolah", url_for("dinas.daftar_sekolah"))]
    menu.append(("Profil", url_for("beranda.profil")))
    return menu


def tahun_tampil():
    """The header's year: (shown TahunKinerja, its state, [(year, state label)] to switch
    to), or None (signed out, or no year in the person's Dinas yet)."""
    if not current_user.is_authenticated:
        return None
    tahun = daftar.tahun_aktif(wajib=False)
    if tahun is None:
        return None
    pilihan = daftar.tahun_dinas_saya()
    status = next(td for t, td in pilihan if t.id == tahun.id)
    return tahun, status, [(t.tahun, td.label_status) for t, td in pilihan]


def url_sini(**ubah):
    """This page's URL with some query arguments changed (pagination, tabs)."""
    args = request.args.to_dict()
    args.update(ubah)
    return url_for(request.endpoint, **(request.view_args or {}), **args)

