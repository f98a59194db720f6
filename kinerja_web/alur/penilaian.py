"""Penilaian transitions: ratings, shipment to the Dinas, PKO, penetapan, reopening.

Order rules (SPEC §2.5): ratings need the finished cycle; a rated and complete assessment
is sent to the Dinas; the Dinas sets the school's PKO once something arrived; the atasan
sets the predikat within the PKO's distribution rule and sends it; after a shipment or a
penetapan nothing changes until the Dinas reopens it (audited).
"""

from collections import Counter

from sqlalchemy import select

from kinerja_web import aturan, pracetak
from kinerja_web.alur import Ditolak, catat, cek_versi
from kinerja_web.alur.skp import aturan_skp
from kinerja_web.alur.syarat import (
    VALIDASI_DOKUMEN,
    dokumen_oleh_pegawai,
    kode_konfirmasi,
)
from kinerja_web.atasan import PERAN_KS, boleh_menilai
from kinerja_web.extensions import db
from kinerja_web.models.org import Pegawai
from kinerja_web.models.pelaksanaan import (
    JenisKonfirmasi,
    Konfirmasi,
    Praktik,
    RefleksiKompetensi,
    StatusLangkah,
)
from kinerja_web.models.penilaian import (
    Penetapan,
    Pengiriman,
    Penilaian,
    PkoDinas,
    PkoSekolah,
)
from kinerja_web.models.skp import PosisiSkp, Skp, StatusSkp
from kinerja_web.waktu import sekarang

KRITERIA = ("upaya_refleksi", "upaya_mempelajari", "perubahan_praktik")
KOMPONEN = ("perwujudan", "dampak")
RATING = {r.value for r in aturan.Rating}


def penilaian_untuk(skp):
    """(assessment, just created?) of an agreed SKP, locked for writing."""
    pen = db.session.scalar(select(Penilaian).where(Penilaian.skp_id == skp.id)
                            .with_for_update())
    if pen is not None:
        return pen, False
    pen = Penilaian(skp_id=skp.id, versi=1, perilaku={}, umpan_balik_perilaku={})
    pen.skp = skp
    db.session.add(pen)
    db.session.flush()
    return pen, True


def _kunci(q, kunci):
    """Lock the row for writing and read it afresh (not the copy loaded before the lock)."""
    if kunci:
        q = q.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(q)


def pko_sekolah(sekolah_id, tahun_id, kunci=False):
    return _kunci(select(PkoSekolah).where(
        PkoSekolah.sekolah_id == sekolah_id, PkoSekolah.tahun_id == tahun_id), kunci)


def pko_dinas(dinas_id, tahun_id, kunci=False):
    return _kunci(select(PkoDinas).where(
        PkoDinas.dinas_id == dinas_id, PkoDinas.tahun_id == tahun_id), kunci)


class _BelumAda:
    """The version a form carries while there is no row yet (0): a form shown before
    someone else created the row is stale."""

    versi = 0
    id = None


TANPA_VERSI = object()  # a caller with no form (the demo, the shell): nothing to be stale


def _cek_versi_pko(baris, versi):
    if versi is not TANPA_VERSI:
        cek_versi(baris if baris is not None else _BelumAda(), versi)


def hasil_dari_pko(skp):
    """A principal's Rating Hasil Kerja is his school's PKO (SPEC §4.3)."""
    return skp.posisi != PosisiSkp.GURU


def rating_dokumen(skp, praktik):
    """The vote of the cycle's three documents (Rating observasi, Nilai Dokumen Tindak
    Lanjut, Nilai Dokumen Refleksi Tindak Lanjut), or None while a score is missing."""
    if praktik is None:
        return None
    hasil = [r.get("hasil") for r in praktik.rubrik or [] if r.get("hasil")]
    return aturan.rating_dokumen(hasil, praktik.nilai_tindak_lanjut, praktik.nilai_refleksi,
                                 aturan=aturan_skp(skp))


def rekomendasi_hasil(skp, pen, pko=None, praktik=None):
    """The recommended Rating Hasil Kerja and why, or (None, what is missing).

    A teacher's: the three criteria, and the documents' vote as a fourth vote once both
    documents are scored (`praktik`: the cycle when the caller loaded it). A record whose
    documents were accepted before they were scored has no such vote: its recommendation
    is the three criteria's, as it always was."""
    atr = aturan_skp(skp)
    if hasil_dari_pko(skp):
        if pko is None:
            return None, "Menunggu Predikat Kinerja Organisasi sekolah dari Dinas."
        r = aturan.rating_hasil_dari_pko(pko, aturan=atr)
        return r, f"PKO sekolah {aturan.PKO(pko).label} → {r.label}."
    nilai = [getattr(pen, k) for k in KRITERIA]
    if any(v not in RATING for v in nilai):
        return None, "Nilai ketiga kriteria untuk melihat rekomendasi."
    if praktik is None:
        praktik = db.session.scalar(select(Praktik).where(Praktik.skp_id == skp.id))
    dokumen = rating_dokumen(skp, praktik)
    r = aturan.rekomendasi_rating_hasil(*nilai, dokumen=dokumen, aturan=atr)
    if dokumen is None:
        return r, "Di Atas bila minimal dua Di Atas dan tidak ada Di Bawah; Di Bawah bila " \
                  "minimal dua Di Bawah; selain itu Sesuai."
    return r, (f"Nilai ketiga dokumen praktik kinerja memberi suara {dokumen.label}, dihitung "
               "bersama ketiga kriteria: Di Atas bila minimal dua Di Atas dan tidak ada Di "
               "Bawah; Di Bawah bila minimal dua Di Bawah; selain itu Sesuai.")


def rekomendasi_perilaku(skp, pen):
    atr = aturan_skp(skp)
    nilai = [(pen.perilaku or {}).get(a.kode, {}).get(k) for a in atr.perilaku for k in KOMPONEN]
    if any(v not in RATING for v in nilai):
        return None, "Nilai Perwujudan dan Dampak untuk ketujuh aspek."
    r = aturan.rekomendasi_rating_perilaku(nilai, aturan=atr)
    return r, "Rata-rata (Di Bawah=1, Sesuai=2, Di Atas=3): ≥ 2,5 Di Atas; < 1,5 Di Bawah; " \
              "selain itu Sesuai."


def predikat_rekomendasi(skp, pen):
    """The predikat of the PermenPANRB matrix for the chosen ratings, or None."""
    if not pen or not pen.rating_hasil or not pen.rating_perilaku:
        return None
    return aturan.predikat_kinerja(pen.rating_hasil, pen.rating_perilaku, aturan=aturan_skp(skp))


def _pastikan_bisa_dinilai(skp, pen, aktor):
    if not boleh_menilai(aktor.peran, skp):
        raise Ditolak("Anda bukan atasan (Pejabat Penilai Kinerja) pegawai ini.")
    if skp.status != StatusSkp.DISEPAKATI:
        raise Ditolak("Penilaian dilakukan setelah Perencanaan Kinerja disepakati.")
    if pen.pengiriman_id is not None:
        raise Ditolak("Penilaian sudah dikirim ke Dinas. Perubahan memerlukan pembukaan "
                      "kembali oleh Dinas.")


def _pilihan(rekomendasi, pilihan, alasan, apa):
    """The rating chosen: the recommendation, or another one with a written reason."""
    pilihan = pilihan or (rekomendasi.value if rekomendasi else None)
    if pilihan is None:
        raise Ditolak(f"Pilih {apa}.")
    if pilihan not in RATING:
        raise Ditolak("Pilihan rating tidak dikenal.")
    alasan = (alasan or "").strip() or None
    if rekomendasi is not None and pilihan != rekomendasi.value and not alasan:
        raise Ditolak(f"{apa} berbeda dari rekomendasi: tuliskan alasannya.")
    return pilihan, alasan if rekomendasi is None or pilihan != rekomendasi.value else None


def simpan_rating_hasil(pen, aktor, kriteria, pilihan, alasan, umpan_balik, pko=None):
    """Rate the three criteria (guru) and choose the Rating Hasil Kerja."""
    skp = pen.skp
    _pastikan_bisa_dinilai(skp, pen, aktor)
    if hasil_dari_pko(skp) and pko is None:
        raise Ditolak("Rating Hasil Kerja kepala sekolah berasal dari PKO sekolahnya: menunggu "
                      "Dinas menetapkan PKO sekolah ini.")
    praktik = None
    if not hasil_dari_pko(skp):
        praktik = db.session.scalar(select(Praktik).where(Praktik.skp_id == skp.id))
        if praktik is None or praktik.status_refleksi != StatusLangkah.DITERIMA:
            raise Ditolak("Rating Hasil Kerja diberikan setelah Refleksi tindak lanjut "
                          "diterima.")
        for k in KRITERIA:
            if kriteria.get(k) not in RATING:
                raise Ditolak("Nilai ketiga kriteria: Upaya Refleksi, Upaya Mempelajari, "
                              "Perubahan Praktik.")
    lama = {k: getattr(pen, k) for k in (*KRITERIA, "rating_hasil", "alasan_hasil")}
    for k in KRITERIA:
        if k in kriteria:
            setattr(pen, k, kriteria[k])
    rekomendasi, _ = rekomendasi_hasil(skp, pen, pko, praktik)
    pen.rating_hasil, pen.alasan_hasil = _pilihan(rekomendasi, pilihan, alasan,
                                                  "Rating Hasil Kerja")
    pen.umpan_balik_hasil = (umpan_balik or "").strip() or None
    pen.versi += 1
    segarkan(skp)
    catat("rating_hasil", pen, dari=lama["rating_hasil"], ke=pen.rating_hasil,
          catatan=pen.alasan_hasil,
          data={"kriteria": {k: getattr(pen, k) for k in KRITERIA},
                "dokumen": (praktik.nilai_tindak_lanjut, praktik.nilai_refleksi)
                if praktik is not None else None,
                "rekomendasi": rekomendasi.value if rekomendasi else None}, akun=aktor)


def simpan_rating_perilaku(pen, aktor, nilai, pilihan, alasan, umpan_balik):
    """Rate Perwujudan and Dampak of every BerAKHLAK aspect and choose the rating."""
    skp = pen.skp
    _pastikan_bisa_dinilai(skp, pen, aktor)
    atr = aturan_skp(skp)
    bersih = {}
    for a in atr.perilaku:
        bagian = nilai.get(a.kode) or {}
        if any(bagian.get(k) not in RATING for k in KOMPONEN):
            raise Ditolak(f"Nilai Perwujudan dan Dampak untuk aspek {a.nama}.")
        bersih[a.kode] = {k: bagian[k] for k in KOMPONEN}
    if set(nilai) - set(bersih):
        raise Ditolak("Aspek perilaku tidak dikenal.")
    lama = pen.rating_perilaku
    pen.perilaku = bersih
    pen.umpan_balik_perilaku = {k: v.strip() for k, v in (umpan_balik or {}).items()
                                if k in bersih and v and v.strip()}
    rekomendasi, _ = rekomendasi_perilaku(skp, pen)
    pen.rating_perilaku, pen.alasan_perilaku = _pilihan(rekomendasi, pilihan, alasan,
                                                        "Rating Perilaku Kerja")
    pen.versi += 1
    segarkan(skp)
    catat("rating_perilaku", pen, dari=lama, ke=pen.rating_perilaku,
          catatan=pen.alasan_perilaku,
          data={"rekomendasi": rekomendasi.value if rekomendasi else None}, akun=aktor)


def kekurangan(skp, pen, praktik=None, ref=None, konfirmasi=None, pko=None):
    """What is still missing before "Sudah selesai dinilai", in the atasan's words."""
    kurang = []
    if praktik is None or praktik.status_refleksi != StatusLangkah.DITERIMA:
        kurang.append("Praktik Kinerja belum selesai (sampai Refleksi tindak lanjut diterima).")
    if ref is None or not ref.divalidasi:
        kurang.append("Pengembangan Kompetensi belum divalidasi atasan.")
    konfirmasi = konfirmasi or set()
    oleh_ks = dokumen_oleh_pegawai(skp)
    for jenis, label in (("tugas_atasan", "Tugas pokok"), ("dokumen", "Ketersediaan dokumen"),
                         ("kelengkapan", "Kelengkapan dokumen")):
        if any((jenis, k) not in konfirmasi for k in kode_konfirmasi(skp, jenis)):
            kurang.append(f"{label} belum dikonfirmasi "
                          f"{'kepala sekolah' if jenis == 'dokumen' and oleh_ks else 'atasan'}.")
        elif jenis == JenisKonfirmasi.DOKUMEN and oleh_ks and \
                (VALIDASI_DOKUMEN, StatusLangkah.DITERIMA) not in konfirmasi:
            kurang.append("Ketersediaan dokumen belum divalidasi atasan.")
    if pen is None or not pen.rating_hasil:
        kurang.append("Menunggu PKO sekolah untuk Rating Hasil Kerja." if hasil_dari_pko(skp)
                      and pko is None else "Rating Hasil Kerja belum diberikan.")
    if pen is None or not pen.rating_perilaku:
        kurang.append("Rating Perilaku Kerja belum diberikan.")
    return kurang


def muat_kelengkapan(skp):
    """The rows `kekurangan` looks at, for one SKP (four small queries)."""
    praktik = db.session.scalar(select(Praktik).where(Praktik.skp_id == skp.id))
    ref = db.session.scalar(select(RefleksiKompetensi).where(RefleksiKompetensi.skp_id == skp.id))
    konfirmasi = set(db.session.execute(select(Konfirmasi.jenis, Konfirmasi.kode).where(
        Konfirmasi.skp_id == skp.id)).all())
    pen = db.session.scalar(select(Penilaian).where(Penilaian.skp_id == skp.id))
    return praktik, ref, konfirmasi, pen


def segarkan(skp, dimuat=None):
    """Keep `lengkap` and `predikat_usulan` current (the lists filter and count on them).

    `dimuat`: (praktik, ref, konfirmasi, pen, pko) when the caller already holds them with
    its changes (the pelaksanaan pages load them in their one query); otherwise loaded here.
    """
    if dimuat is not None:
        praktik, ref, konfirmasi, pen, pko = dimuat
    else:
        praktik, ref, konfirmasi, pen = muat_kelengkapan(skp)
    if pen is None:
        return
    usulan = predikat_rekomendasi(skp, pen)
    pen.predikat_usulan = usulan.value if usulan else None
    if dimuat is None:
        pko = pko_sekolah(skp.sekolah_id, skp.tahun_id) if hasil_dari_pko(skp) else None
    pen.lengkap = not kekurangan(skp, pen, praktik, ref, konfirmasi, pko)


def kirim_ke_dinas(aktor, daftar, sekolah_id, tahun):
    """Send the finished assessments not sent yet; unfinished ones can follow later."""
    siap = [p for p in daftar if p.lengkap and p.pengiriman_id is None]
    if not siap:
        raise Ditolak("Belum ada penilaian yang selesai untuk dikirim.")
    for pen in siap:
        if not boleh_menilai(aktor.peran, pen.skp):
            raise Ditolak("Ada penilaian di luar wewenang Anda.")
    kirim = Pengiriman(tahun_id=tahun.id, sekolah_id=sekolah_id, dinas_id=aktor.peran.dinas_id,
                       oleh=aktor.pegawai_id, jumlah=len(siap))
    db.session.add(kirim)
    db.session.flush()
    for pen in siap:
        pen.pengiriman_id = kirim.id
        pen.versi += 1
    catat("penilaian_dikirim", kirim, ke="dikirim", data={"penilaian": [p.id for p in siap]},
          akun=aktor)
    return kirim


def tetapkan_pko(aktor, sekolah, tahun, pko, alasan, diterima, versi=TANPA_VERSI):
    """The Kepala Dinas sets a school's PKO, once at least one assessment arrived. With
    `versi` (the form's; 0 when it showed no PKO yet) a stale form raises Konflik; two
    first settings racing on PostgreSQL meet at the UNIQUE (tahun, sekolah) index and the
    later one raises IntegrityError at its flush (the caller answers 409 for both)."""
    if not aktor.peran.kepala_dinas or sekolah.dinas_id != aktor.peran.dinas_id:
        raise Ditolak("Predikat Kinerja Organisasi ditetapkan oleh Kepala Dinas.")
    baris = pko_sekolah(sekolah.id, tahun.id, kunci=True)
    _cek_versi_pko(baris, versi)
    if pko not in {p.value for p in aturan.PKO}:
        raise Ditolak("Pilih Predikat Kinerja Organisasi.")
    alasan = (alasan or "").strip()
    if not alasan:
        raise Ditolak("Tuliskan dasar penetapan PKO (mis. capaian Rapor Pendidikan).")
    if not diterima:
        raise Ditolak("Belum ada penilaian yang dikirim kepala sekolah dari sekolah ini.")
    if db.session.scalar(select(Penetapan.id).where(
            Penetapan.sekolah_id == sekolah.id, Penetapan.tahun_id == tahun.id,
            Penetapan.dibuka.is_(None))):
        raise Ditolak("Predikat guru sekolah ini sudah ditetapkan dengan PKO ini; buka kembali "
                      "penetapannya dahulu.")
    kepala = _penilaian_kepala(sekolah.id, tahun.id)
    if any(p.penetapan_id is not None and p.penetapan.dibuka is None for p in kepala):
        raise Ditolak("Predikat kepala sekolah ini sudah ditetapkan dengan PKO ini; buka "
                      "kembali penetapan predikat kepala sekolah dahulu (halaman PKO Dinas).")
    lama = baris.pko if baris else None
    if baris is None:
        baris = PkoSekolah(tahun_id=tahun.id, sekolah_id=sekolah.id, pko=pko, alasan=alasan,
                           oleh=aktor.pegawai_id, versi=1)
        db.session.add(baris)
        db.session.flush()
    else:
        baris.pko, baris.alasan, baris.oleh = pko, alasan, aktor.pegawai_id
        baris.versi += 1
    catat("pko_ditetapkan", baris, dari=lama, ke=pko, catatan=alasan, akun=aktor)
    for pen in kepala:
        _ikuti_pko(pen, pko, aktor)
    pracetak.tandai(pracetak.NILAI, pracetak.skp_sekolah(sekolah.id, tahun.id))
    return baris


def _penilaian_kepala(sekolah_id, tahun_id):
    """The assessments of the school's principal (and Plt.) whose hasil is its PKO."""
    return db.session.scalars(select(Penilaian).join(Skp, Skp.id == Penilaian.skp_id).where(
        Skp.sekolah_id == sekolah_id, Skp.tahun_id == tahun_id, Skp.posisi.in_(PERAN_KS))
        .with_for_update(of=Penilaian)).all()


def _ikuti_pko(pen, pko, aktor):
    """A changed PKO changes the principal's Rating Hasil Kerja where it followed the
    recommendation; a rating chosen with a written reason stays (its reason says why)."""
    if pen.rating_hasil and pen.alasan_hasil is None:
        baru = aturan.rating_hasil_dari_pko(pko, aturan=aturan_skp(pen.skp)).value
        if baru != pen.rating_hasil:
            lama, pen.rating_hasil = pen.rating_hasil, baru
            pen.versi += 1
            catat("rating_hasil", pen, dari=lama, ke=baru,
                  catatan="Mengikuti perubahan PKO sekolah.", data={"rekomendasi": baru},
                  akun=aktor)
    segarkan(pen.skp)


def tetapkan_pko_dinas(aktor, tahun, pko, alasan, versi=TANPA_VERSI):
    """The organisation predicate that frames the principals' predikat distribution
    (`versi` as in tetapkan_pko)."""
    if not aktor.peran.kepala_dinas:
        raise Ditolak("Ditetapkan oleh Kepala Dinas.")
    baris = pko_dinas(aktor.peran.dinas_id, tahun.id, kunci=True)
    _cek_versi_pko(baris, versi)
    if pko not in {p.value for p in aturan.PKO}:
        raise Ditolak("Pilih Predikat Kinerja Organisasi.")
    alasan = (alasan or "").strip()
    if not alasan:
        raise Ditolak("Tuliskan dasar Predikat Kinerja Organisasi Dinas.")
    if db.session.scalar(select(Penetapan.id).where(
            Penetapan.sekolah_id.is_(None), Penetapan.dinas_id == aktor.peran.dinas_id,
            Penetapan.tahun_id == tahun.id, Penetapan.dibuka.is_(None))):
        raise Ditolak("Predikat kepala sekolah sudah ditetapkan dengan PKO ini; buka kembali "
                      "penetapannya dahulu.")
    lama = baris.pko if baris else None
    if baris is None:
        baris = PkoDinas(tahun_id=tahun.id, dinas_id=aktor.peran.dinas_id, pko=pko,
                         alasan=alasan, oleh=aktor.pegawai_id, versi=1)
        db.session.add(baris)
        db.session.flush()
    else:
        baris.pko, baris.alasan, baris.oleh = pko, alasan, aktor.pegawai_id
        baris.versi += 1
    catat("pko_dinas_ditetapkan", baris, dari=lama, ke=pko, catatan=alasan, akun=aktor)
    pracetak.tandai(pracetak.NILAI, db.session.scalars(
        select(Skp.id).join(Pegawai, Pegawai.id == Skp.pegawai_id).where(
            Pegawai.dinas_id == aktor.peran.dinas_id, Skp.tahun_id == tahun.id,
            Skp.posisi.in_(PERAN_KS))).all())
    return baris


def hitung_predikat(daftar):
    return Counter(aturan.Predikat(p) for p in daftar if p)


def tetapkan_predikat(aktor, tahun, pko, baris, pilihan, pembenaran, sekolah_id=None,
                      sudah=(), proyeksi=()):
    """Set the predikat of the given assessments and send them (one Penetapan).

    `pilihan` maps an assessment id to (predikat, reason); a predikat other than the
    recommendation needs a reason. The distribution rule of the PKO counts these, the
    predikat already set (`sudah`) and those still to be set on other pages at their
    recommendation (`proyeksi`); a violation needs a written justification, it never
    blocks (SPEC §4.4).
    """
    if sekolah_id is None and not aktor.peran.kepala_dinas:
        raise Ditolak("Predikat kepala sekolah ditetapkan oleh Kepala Dinas; Tim Kerja "
                      "memberi rating dan rekomendasi.")
    if pko is None:
        raise Ditolak("Penetapan dilakukan setelah Dinas menetapkan Predikat Kinerja "
                      "Organisasi.")
    if not baris:
        raise Ditolak("Tidak ada penilaian yang siap ditetapkan.")
    sah = {p.value for p in aturan.Predikat}
    hasil = {}
    for pen in baris:
        if not boleh_menilai(aktor.peran, pen.skp):
            raise Ditolak("Ada pegawai di luar wewenang Anda.")
        if pen.penetapan_id is not None or pen.pengiriman_id is None or not pen.lengkap:
            raise Ditolak("Daftar berubah sejak dibuka; muat ulang halaman.")
        rekomendasi = predikat_rekomendasi(pen.skp, pen)
        predikat, alasan = pilihan.get(pen.id, (None, None))
        predikat = predikat or rekomendasi.value
        if predikat not in sah:
            raise Ditolak("Pilihan predikat tidak dikenal.")
        alasan = (alasan or "").strip() or None
        if predikat != rekomendasi.value and not alasan:
            raise Ditolak(f"Predikat {pen.skp.pegawai.nama} berbeda dari rekomendasi: tuliskan "
                          "alasannya.")
        hasil[pen.id] = (pen, predikat, alasan if predikat != rekomendasi.value else None)
    jumlah = hitung_predikat([p for _, p, _ in hasil.values()] + list(sudah))
    pelanggaran = aturan.cek_distribusi(pko, hitung_predikat(
        [p for _, p, _ in hasil.values()] + list(sudah) + list(proyeksi)))
    pembenaran = (pembenaran or "").strip() or None
    if pelanggaran and not pembenaran:
        raise Ditolak("Distribusi predikat tidak sesuai ketentuan PKO: tuliskan pembenaran "
                      "untuk melanjutkan.")
    penetapan = Penetapan(
        tahun_id=tahun.id, dinas_id=aktor.peran.dinas_id, sekolah_id=sekolah_id, pko=pko,
        jumlah={p.value: n for p, n in jumlah.items()},
        pelanggaran=[v.pesan for v in pelanggaran], pembenaran=pembenaran if pelanggaran
        else None, oleh=aktor.pegawai_id, penilaian_pertama=min(hasil))
    db.session.add(penetapan)
    db.session.flush()
    for pen, predikat, alasan in hasil.values():
        pen.predikat, pen.alasan_predikat, pen.penetapan_id = predikat, alasan, penetapan.id
        pen.versi += 1
    # Final: the documents of these pegawai are rendered in the background after commit.
    pracetak.tandai(pracetak.NILAI, [pen.skp_id for pen, _, _ in hasil.values()])
    catat("predikat_ditetapkan", penetapan, ke="dikirim", catatan=pembenaran,
          data={"jumlah": penetapan.jumlah, "pelanggaran": penetapan.pelanggaran,
                "diubah": {str(p.id): [predikat, alasan] for p, predikat, alasan
                           in hasil.values() if alasan}}, akun=aktor)
    return penetapan


def buka_penetapan(aktor, penetapan, alasan):
    """The Dinas reopens a penetapan: the predikat can be set again (audited)."""
    if not aktor.peran.kepala_dinas or penetapan.dinas_id != aktor.peran.dinas_id:
        raise Ditolak("Pembukaan kembali dilakukan oleh Kepala Dinas.")
    alasan = (alasan or "").strip()
    if not alasan:
        raise Ditolak("Tuliskan alasan pembukaan kembali.")
    if penetapan.dibuka is not None:
        raise Ditolak("Penetapan ini sudah dibuka kembali.")
    penetapan.dibuka, penetapan.dibuka_oleh, penetapan.alasan_dibuka = \
        sekarang(), aktor.pegawai_id, alasan
    penetapan.penilaian_pertama = None  # its assessments may be set by a new one
    for pen in db.session.scalars(select(Penilaian).where(
            Penilaian.penetapan_id == penetapan.id)):
        pen.penetapan_id = None
        pen.versi += 1
    catat("penetapan_dibuka", penetapan, dari="dikirim", ke="dibuka", catatan=alasan,
          akun=aktor)


def buka_pengiriman(aktor, pen, alasan):
    """The Dinas returns one sent assessment to its atasan for correction (audited)."""
    if not aktor.peran.kepala_dinas or pen.skp.pegawai.dinas_id != aktor.peran.dinas_id:
        raise Ditolak("Pembukaan kembali dilakukan oleh Kepala Dinas.")
    alasan = (alasan or "").strip()
    if not alasan:
        raise Ditolak("Tuliskan alasan pembukaan kembali.")
    if pen.penetapan_id is not None:
        raise Ditolak("Predikat sudah ditetapkan; buka kembali penetapannya dahulu.")
    if pen.pengiriman_id is None:
        raise Ditolak("Penilaian ini belum dikirim.")
    pen.pengiriman_id = None
    pen.versi += 1
    catat("pengiriman_dibuka", pen, dari="dikirim", ke="dibuka", catatan=alasan, akun=aktor)
