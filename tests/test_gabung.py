"""A batch joins stored documents into one small PDF: one font per face (the union of the
documents' subsets), every page reading and drawing as its stored document does.

Budget (issue 16): a batch of the demo Dinas' Dokumen Evaluasi ≤ 6,500 bytes per
document. Joined as they were stored (each with its own ~9 KB of font subsets) the same
documents took ~17 KB each (18 documents 133 KB alone became 327 KB joined by pypdf)."""

import io

import pikepdf
from bantu import masuk_demo
from bantu_cetak import batch_terakhir, halaman, rata, semua, tanpa_pekerja  # noqa: F401
from fontTools.ttLib import TTFont
from sqlalchemy import select

from kinerja_web import jobs
from kinerja_web.gabung import gabung
from kinerja_web.models.cetak import Cetakan, DokumenTersimpan

BYTE_PER_DOKUMEN = 6500


def _font(pdf_bytes):
    """{face: [(font program bytes, widths array, ToUnicode bytes)]} of a PDF's fonts."""
    out = {}
    with pikepdf.open(io.BytesIO(pdf_bytes)) as p:
        dilihat = set()
        for hal in p.pages:
            for f in hal.Resources.Font.values():
                if f.objgen in dilihat:
                    continue
                dilihat.add(f.objgen)
                cid = f.DescendantFonts[0]
                out.setdefault(str(f.BaseFont).split("+", 1)[-1], []).append(
                    (cid.FontDescriptor.FontFile2.read_bytes(), list(cid.W)))
    return out


def test_batch_satu_font_per_wajah_dan_anggaran_byte_per_dokumen(demo, buat_klien, app,
                                                                   tanpa_pekerja):  # noqa: F811
    app.config["CETAK_PROSES"] = False
    op = masuk_demo(buat_klien, "operator")
    r = op.post("/cetak/batch", {"jenis": "dokumen_evaluasi", "sekolah": "", "jenjang": "",
                                 "format": "pdf"})
    assert r.status_code == 303
    b = batch_terakhir()
    assert jobs.jalankan(b.id) is True
    r = op.get(f"/cetak/batch/{b.id}/unduh")
    assert r.status_code == 200
    gabungan = r.data
    hal = halaman(gabungan)
    n = len(hal)
    assert n == len(b.daftar) >= 15

    # The budget, and the documents as stored (each its own file) for comparison.
    kode = semua(select(Cetakan.kode).where(Cetakan.batch_id == b.id))
    tersimpan = {d.kode: bytes(d.pdf) for d in semua(
        select(DokumenTersimpan).where(DokumenTersimpan.kode.in_(kode)))}
    assert len(tersimpan) == n
    assert len(gabungan) / n <= BYTE_PER_DOKUMEN, len(gabungan) / n
    assert len(gabungan) * 2.5 < sum(map(len, tersimpan.values()))

    # One font program per face (regular and bold), not one per document.
    font = _font(gabungan)
    assert len(font) == 2  # DejaVu Sans and DejaVu Sans Bold
    assert all(len(v) == 1 for v in font.values())

    # Each page reads as its stored document (the shared font's Unicode map) …
    for kode, isi in tersimpan.items():
        [sendiri] = halaman(isi)
        [t] = [t for t in hal if f"Kode verifikasi: {kode}" in rata(t)]
        assert rata(t) == rata(sendiri)
    # … and draws every glyph a stored document draws: the shared program has an
    # outline wherever one of the documents' subsets has one.
    for wajah, [(program, _)] in font.items():
        bersama = TTFont(io.BytesIO(program))
        urutan = bersama.getGlyphOrder()
        for isi in tersimpan.values():
            for program_doc, _ in _font(isi)[wajah]:
                sendiri = TTFont(io.BytesIO(program_doc))
                for gid, nama in enumerate(sendiri.getGlyphOrder()):
                    g = sendiri["glyf"][nama]
                    if g.numberOfContours:
                        assert bersama["glyf"][urutan[gid]].numberOfContours == \
                            g.numberOfContours, (wajah, gid)


def test_gabung_tanpa_satukan_font_dan_penanda_tiap_sumber(demo, app):
    """Chunks are joined without touching fonts (done once, at the end); the bookmarks of
    each source point to its pages in the joined file."""
    from kinerja_web import pdf

    html = ['<div class="penanda" data-penanda="A" data-kaki="a"></div><p>Satu</p>',
            '<div class="penanda" data-penanda="B" data-kaki="b"></div><p>Dua</p>'
            '<p style="break-before: page">Tiga</p>']
    with app.app_context():
        a, b = pdf.render_murni(app.static_folder, html, terpisah=True)
    for font in (False, True):
        isi = gabung([a, b], font=font)
        with pikepdf.open(io.BytesIO(isi)) as p, p.open_outline() as o:
            assert len(p.pages) == 3
            indeks = {h.objgen: i for i, h in enumerate(p.pages)}
            assert [(str(i.title), indeks[i.destination[0].objgen]) for i in o.root] == \
                [("A", 0), ("B", 1)]
        teks = halaman(isi)
        assert ["Satu" in teks[0], "Dua" in teks[1], "Tiga" in teks[2]] == [True] * 3
