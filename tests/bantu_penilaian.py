"""Helpers shared by test_penilaian.py and
test_dinas_penilaian.py, test_nilai_dokumen.py: a helper module, no tests here."""

from datetime import date
from types import SimpleNamespace

import pytest
from bantu import dom, galat, pesan, teks, teks_dari, versi_di
from sqlalchemy import func, select

from kinerja_web.extensions import db
from kinerja_web.models import Akun, Audit, Skp, TahunKinerja
from kinerja_web.models.penilaian import Penilaian
from kinerja_web.peran import muat_peran

HX = {"HX-Request": "true"}


ASPEK = ("berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif",
         "kolaboratif")


KRITERIA = ("upaya_refleksi", "upaya_mempelajari", "perubahan_praktik")


LABEL_PREDIKAT = {"sangat_baik": "Sangat Baik", "baik": "Baik",
                  "butuh_perbaikan": "Butuh Perbaikan", "kurang": "Kurang",
                  "sangat_kurang": "Sangat Kurang"}


# (Rating Hasil Kerja, Rating Perilaku Kerja) that give each predikat (SPEC §4.3).
RATING_UNTUK = {"sangat_baik": ("di_atas", "di_atas"), "baik": ("sesuai", "sesuai"),
                "butuh_perbaikan": ("di_bawah", "sesuai"), "kurang": ("sesuai", "di_bawah"),
                "sangat_kurang": ("di_bawah", "di_bawah")}


def ikuti(k, r):
    """Follow a Post/Redirect/Get."""
    assert r.status_code == 303, (r.status_code, galat(r) or teks(r)[-300:])
    return k.get(r.headers["Location"])


def rekomendasi_di(r):
    """The recommendation the page (or its fragment) shows, or None."""
    for p in dom(r).css("p"):
        if teks_dari(p).startswith("Rekomendasi:") and p.css_first("strong") is not None:
            return teks_dari(p.css_first("strong"))
    return None


def segar():
    db.session.rollback()


def penilaian(skp_id):
    segar()
    pen = db.session.scalar(select(Penilaian).where(Penilaian.skp_id == skp_id))
    segar() if pen is None else db.session.expunge(pen)
    return pen


def audit(aksi, **saring):
    """The audit rows of one action (newest last), detached."""
    segar()
    q = select(Audit).where(Audit.aksi == aksi).order_by(Audit.id)
    for k, v in saring.items():
        q = q.where(getattr(Audit, k) == v)
    rows = db.session.scalars(q).all()
    for a in rows:
        db.session.expunge(a)
    segar()
    return rows


def jumlah(model, *syarat):
    segar()
    n = db.session.scalar(select(func.count()).select_from(model).where(*syarat))
    segar()
    return n


def aktor(username=None, pegawai_id=None):
    """An account as the workflow functions take it (with its roles of today)."""
    a = db.session.scalar(select(Akun).where(
        Akun.username == username if username else Akun.pegawai_id == pegawai_id))
    a.peran = muat_peran(a.pegawai)
    return a


def tahun():
    return db.session.scalar(select(TahunKinerja).where(TahunKinerja.tahun == 2025))


class Alat:
    """Walks people through the real workflow functions (not the screens) quickly."""

    def __init__(self, w, make_sekolah, make_pegawai, tugaskan):
        self.w, self.make_sekolah, self.make_pegawai, self.tugaskan = \
            w, make_sekolah, make_pegawai, tugaskan

    def skp(self, username, posisi="guru", tanpa=()):
        """An agreed plan with the whole cycle done: praktik kinerja up to the accepted
        reflection, competency reflection validated, every confirmation. `tanpa` leaves
        out "refleksi", "validasi", "tugas_atasan", "dokumen" or "kelengkapan"."""
        from kinerja_web.alur import pelaksanaan as alur_p
        from kinerja_web.alur import skp as alur_skp
        from kinerja_web.atasan import atasan_untuk

        pegawai = aktor(username)
        skp = alur_skp.buat(pegawai.pegawai, posisi, tahun(), pegawai)
        alur_skp.simpan_pilihan(skp, pegawai, {
            "tugas_tambahan": False, "nama_tugas_tambahan": None,
            "praktik_kode": "D1-1" if posisi == "guru" else "KS-1",
            "kompetensi_kode": "1.2", "aspek_fokus": ["kompeten"]})
        alur_skp.ajukan(skp, pegawai)
        atasan = aktor(pegawai_id=atasan_untuk(skp.pegawai, skp.posisi).pegawai.id)
        alur_skp.setujui(skp, atasan)
        alur_skp.sepakati(skp, pegawai)
        p, _ = alur_p.praktik_untuk(skp)
        indikator = alur_skp.aturan_skp(skp).praktik(skp.katalog_posisi).get(
            skp.praktik_berlaku)
        fokus = list(indikator.fokus_perilaku[:2]) or ["Memimpin refleksi guru"]
        alur_p.simpan_dokumen(p, pegawai, 1, {
            "fokus_perilaku": fokus, "upaya_belajar": "Membaca modul.",
            "jadwal_usulan": date(2025, 2, 10)}, ajukan=True)
        alur_p.sepakati_persiapan(p, atasan, date(2025, 2, 12))
        alur_p.simpan_observasi(p, atasan, [{"fokus": f, "hasil": "efektif", "catatan": ""}
                                            for f in fokus], "Pertahankan.", selesai=True)
        alur_p.simpan_dokumen(p, pegawai, 3, {
            "tl_tantangan": "Kelas besar.", "tl_tujuan": "Semua terlibat.",
            "tl_upaya": "Rotasi peran.", "tl_jadwal": "Maret–Mei.",
            "tl_dukungan": "Observasi ulang."}, ajukan=True)
        alur_p.terima_dokumen(p, atasan, 3, 2)
        alur_p.simpan_dokumen(p, pegawai, 5, {
            "refleksi_praktik": "Saya melihat kebiasaan saya.",
            "refleksi_perubahan": "Saya mulai dengan kesepakatan kelas.",
            "refleksi_dampak": "Murid lebih berani bertanya."}, ajukan=True)
        if "refleksi" not in tanpa:
            alur_p.terima_dokumen(p, atasan, 5, 2)
        ref, _ = alur_p.refleksi_untuk(skp)
        alur_p.simpan_refleksi_kompetensi(ref, pegawai, ["Modul disiplin positif."],
                                          ["Saya menerapkannya di kelas."])
        if "validasi" not in tanpa:
            alur_p.validasi_kompetensi(ref, atasan)
        tugas = alur_p.kode_konfirmasi(skp, "tugas_pegawai")
        alur_p.konfirmasi(skp, pegawai, "tugas_pegawai", tugas)
        for jenis in ("tugas_atasan", "dokumen", "kelengkapan"):
            if jenis not in tanpa:
                if jenis == "dokumen" and alur_p.dokumen_oleh_pegawai(skp):
                    # A principal confirms his own documents; his atasan validates them.
                    alur_p.konfirmasi(skp, pegawai, jenis, alur_p.kode_konfirmasi(skp, jenis))
                    alur_p.validasi_dokumen(skp, atasan, True)
                    continue
                alur_p.konfirmasi(skp, atasan, jenis, alur_p.kode_konfirmasi(skp, jenis))
        db.session.commit()
        skp_id = skp.id
        segar()
        return skp_id

    def nilai(self, skp_id, hasil="sesuai", perilaku="sesuai", oleh=None, pko=None):
        """Both ratings as recommended (criteria and aspects all at one level)."""
        from kinerja_web.alur import penilaian as alur_n
        from kinerja_web.atasan import atasan_untuk

        skp = db.session.get(Skp, skp_id)
        atasan = aktor(oleh) if oleh else aktor(
            pegawai_id=atasan_untuk(skp.pegawai, skp.posisi).pegawai.id)
        pen, _ = alur_n.penilaian_untuk(skp)
        if alur_n.hasil_dari_pko(skp):
            alur_n.simpan_rating_hasil(pen, atasan, {}, None, None, None, pko)
        else:
            alur_n.simpan_rating_hasil(pen, atasan, dict.fromkeys(KRITERIA, hasil), None, None,
                                       "Praktik kelas berubah nyata.")
        alur_n.simpan_rating_perilaku(
            pen, atasan, {a: {"perwujudan": perilaku, "dampak": perilaku} for a in ASPEK},
            None, None, {"kompeten": "Konsisten dan dapat diandalkan."})
        db.session.commit()
        pen_id = pen.id
        segar()
        return pen_id

    def predikat(self, skp_id, predikat):
        """Rate so that the matrix recommends this predikat."""
        return self.nilai(skp_id, *RATING_UNTUK[predikat])

    def kirim(self, sekolah_id=None, oleh="kadis"):
        """Kirim ke Dinas: the school's teachers (by its principal) or, without a school,
        every principal (by the Kepala Dinas)."""
        from kinerja_web.alur import penilaian as alur_n
        from kinerja_web.atasan import boleh_menilai

        a = aktor(oleh)
        q = select(Penilaian).join(Skp, Skp.id == Penilaian.skp_id)
        if sekolah_id:
            q = q.where(Skp.sekolah_id == sekolah_id, Skp.posisi == "guru")
        daftar = [p for p in db.session.scalars(q) if boleh_menilai(a.peran, p.skp)]
        kirim = alur_n.kirim_ke_dinas(a, daftar, sekolah_id, tahun())
        db.session.commit()
        n = kirim.jumlah
        segar()
        return n

    def pko(self, sekolah_id, kode, oleh="kadis"):
        from kinerja_web.alur import penilaian as alur_n
        from kinerja_web.models import Sekolah

        diterima = db.session.scalars(select(Penilaian).join(Skp).where(
            Skp.sekolah_id == sekolah_id, Penilaian.pengiriman_id.is_not(None))).all()
        alur_n.tetapkan_pko(aktor(oleh), db.session.get(Sekolah, sekolah_id), tahun(), kode,
                            "Rapor Pendidikan 2025.", diterima)
        db.session.commit()
        segar()

    def sekolah(self, predikat=(), kepsek="kepsek", tambahan=0, kirim=True, pko=None,
                **kolom):
        """A school of the first Dinas with a principal and one teacher per predikat, each
        fully assessed to recommend it (and sent, and with a PKO when asked), and
        `tambahan` more teachers with a finished cycle but no ratings. The dunia's school
        (teachers "guru", "guru2") when `kepsek` is "kepsek"."""
        w = self.w
        n = len(predikat) + tambahan
        if kepsek == "kepsek":
            assert n <= 2
            sekolah_id, guru = w.sekolah.id, ["guru", "guru2"][:n]
        else:
            s = self.make_sekolah(w.dinas, **kolom)
            kepala = self.make_pegawai(sekolah=s, username=kepsek, jabatan="Guru Ahli Madya",
                                       nama=f"Kepala {kepsek}")
            self.tugaskan(kepala, "kepala_sekolah", s)
            guru = [f"{kepsek}_g{i + 1}" for i in range(n)]
            for i, u in enumerate(guru):
                self.make_pegawai(sekolah=s, username=u, nama=f"Guru {kepsek} {i + 1:02d}")
            db.session.commit()
            sekolah_id = s.id
            segar()
        skp = [self.skp(u) for u in guru]
        pen = [self.predikat(s, p) for s, p in zip(skp, predikat, strict=False)]
        if kirim and predikat:
            self.kirim(sekolah_id, oleh=kepsek)
        if pko:
            self.pko(sekolah_id, pko)
        return SimpleNamespace(id=sekolah_id, kepsek=kepsek, guru=guru, skp=skp, pen=pen)


@pytest.fixture
def alat(dunia, make_sekolah, make_pegawai, tugaskan):
    return Alat(dunia, make_sekolah, make_pegawai, tugaskan)


def url_hasil(skp_id):
    return f"/penilaian/{skp_id}/hasil"


def url_perilaku(skp_id):
    return f"/penilaian/{skp_id}/perilaku"


def isian_perilaku(nilai):
    """Form fields for the 14 Perwujudan/Dampak ratings, given in aspect order."""
    kunci = [f"{a}__{k}" for a in ASPEK for k in ("perwujudan", "dampak")]
    assert len(nilai) == len(kunci)
    return dict(zip(kunci, nilai, strict=True))


def simpan_hasil(k, skp_id, kriteria=None, **data):
    isi = dict(zip(KRITERIA, kriteria, strict=True)) if kriteria else {}
    return k.post(url_hasil(skp_id), {**isi, "aksi": "simpan",
                                      "versi": versi_di(k.get(url_hasil(skp_id))), **data})


def simpan_perilaku(k, skp_id, nilai, **data):
    return k.post(url_perilaku(skp_id), {**isian_perilaku(nilai), "aksi": "simpan",
                                         "versi": versi_di(k.get(url_perilaku(skp_id))),
                                         **data})


def kode(skp_id, jenis):
    from kinerja_web.alur.pelaksanaan import kode_konfirmasi

    out = kode_konfirmasi(db.session.get(Skp, skp_id), jenis)
    segar()
    return out


def kirim_data(k, lingkup=None):
    r = k.post("/penilaian/kirim", {"lingkup": lingkup} if lingkup else {})
    assert r.status_code == 303
    return pesan(k.get(r.headers["Location"]))


def pilihan_di(r):
    """{penilaian id: selected predikat} of the penetapan form."""
    out = {}
    for sel in dom(r).css('select[id^="p-"]'):
        pid = sel.attributes["id"].removeprefix("p-")
        if pid.isdigit():
            out[int(pid)] = next(o.attributes.get("value") for o in sel.css("option")
                                 if "selected" in o.attributes)
    return out


def isian_penetapan(pen_ids, predikat, alasan=None, **lain):
    data = {f"predikat_{i}": p for i, p in zip(pen_ids, predikat, strict=True)}
    if alasan:
        data.update({f"alasan_{i}": alasan for i in pen_ids})
    return {**data, **lain}
