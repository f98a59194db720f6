"""Pelaksanaan transitions: the praktik-kinerja cycle in order, the competency reflection
and the confirmations. Each function checks actor and state, bumps the version and
writes one audit row; the caller holds the row lock and commits.

The pages lock the SKP row (every write of its cycle, reflection, confirmations and
assessment locks it first), then load what they need in one query (`muat_berkas`) and
hand those rows to the transitions, so a request stays within its query budget."""

from dataclasses import dataclass, field

from flask import g, has_request_context
from sqlalchemy import and_, delete, exists, func, insert, literal, or_, select
from sqlalchemy.orm import joinedload

from kinerja_web import aturan
from kinerja_web.alur import Ditolak, catat, syarat
from kinerja_web.alur import penilaian as alur_n
from kinerja_web.alur.penilaian import segarkan
from kinerja_web.alur.skp import aturan_skp
from kinerja_web.alur.syarat import (
    VALIDASI_DOKUMEN,
    dokumen_oleh_pegawai,
    kode_konfirmasi,
)
from kinerja_web.atasan import boleh_menilai
from kinerja_web.extensions import db
from kinerja_web.models import Audit, Skp
from kinerja_web.models.pelaksanaan import (
    CatatanUpaya,
    JenisKonfirmasi,
    Konfirmasi,
    Praktik,
    RefleksiKompetensi,
    StatusLangkah,
)
from kinerja_web.models.penilaian import Penilaian, PkoSekolah
from kinerja_web.models.skp import StatusSkp
from kinerja_web.waktu import sekarang

MAKS_KARAKTER = 250
MAKS_INSPIRASI = 3
MIN_PENERAPAN = 1
MAKS_TEKS = 5000  # one long answer; generous, but bounded


@dataclass(frozen=True)
class LangkahPraktik:
    """The workflow's half of a step of the cycle (the pages' half, forms and templates, is
    `pelaksanaan.langkah`, in the same order). Steps are numbered from 1 in list order."""

    kode: str  # how the transitions name the step they belong to (stable across reordering)
    judul: str
    audit: str  # the prefix of its audit actions ("praktik_1" → praktik_1_diajukan)
    kolom_status: str  # the status column that tells whether the step is done ...
    selesai: StatusLangkah  # ... by holding this
    # Why the step is not open yet while the required step before it is not done.
    syarat: str | None = None
    # Optional: no status of its own (done with the step it follows), never "the step a
    # person is at".
    opsional: bool = False
    # A document the pegawai writes and the atasan reviews: its note column and fields.
    kolom_catatan: str | None = None
    bidang: tuple[str, ...] = ()
    # The atasan's score of the document (SPEC §2.5, seed 001): column and name.
    kolom_nilai: str | None = None
    nama_nilai: str | None = None

    @property
    def dokumen(self):
        return bool(self.bidang)


PRAKTIK = (
    LangkahPraktik(
        "persiapan", "Diskusi persiapan", "praktik_1", "status_persiapan",
        StatusLangkah.DISEPAKATI, kolom_catatan="catatan_persiapan",
        bidang=("fokus_perilaku", "upaya_belajar", "jadwal_usulan")),
    LangkahPraktik(
        "observasi", "Observasi", "praktik_2", "status_observasi", StatusLangkah.SELESAI,
        syarat="Observasi dilakukan setelah jadwal pada Diskusi persiapan disepakati atasan."),
    LangkahPraktik(
        "tindak_lanjut", "Diskusi tindak lanjut", "praktik_3", "status_tindak_lanjut",
        StatusLangkah.DITERIMA,
        syarat="Diskusi tindak lanjut dimulai setelah atasan menyelesaikan observasi.",
        kolom_catatan="catatan_tindak_lanjut",
        bidang=("tl_tantangan", "tl_tujuan", "tl_upaya", "tl_jadwal", "tl_dukungan"),
        kolom_nilai="nilai_tindak_lanjut", nama_nilai="Nilai Dokumen Tindak Lanjut"),
    LangkahPraktik(
        "upaya", "Upaya tindak lanjut", "praktik_4", "status_tindak_lanjut",
        StatusLangkah.DITERIMA, opsional=True,
        syarat="Langkah ini dimulai setelah Dokumen tindak lanjut diterima atasan."),
    LangkahPraktik(
        "refleksi", "Refleksi tindak lanjut", "praktik_5", "status_refleksi",
        StatusLangkah.DITERIMA,
        syarat="Langkah ini dimulai setelah Dokumen tindak lanjut diterima atasan.",
        kolom_catatan="catatan_refleksi",
        bidang=("refleksi_praktik", "refleksi_perubahan", "refleksi_dampak"),
        kolom_nilai="nilai_refleksi", nama_nilai="Nilai Dokumen Refleksi Tindak Lanjut"),
)
NOMOR = {s.kode: n for n, s in enumerate(PRAKTIK, 1)}


def langkah(n) -> LangkahPraktik:
    """Step n (from 1) of the cycle."""
    return PRAKTIK[n - 1]


def _prasyarat(n):
    """The required step before step n (the one it opens after), or None."""
    return next((m for m in range(n - 1, 0, -1) if not langkah(m).opsional), None)


def _selesai(praktik, n):
    s = langkah(n)
    return getattr(praktik, s.kolom_status) == s.selesai


def belum_selesai(praktik):
    """The steps not done yet (an optional step is done with the step it follows)."""
    return {n for n in range(1, len(PRAKTIK) + 1) if not _selesai(praktik, n)}


def langkah_sekarang(praktik):
    """The step a person is at: the first required one not done, the last once all are;
    step 1 before anything is saved (`praktik` None)."""
    if praktik is None:
        return 1
    kurang = {n for n in belum_selesai(praktik) if not langkah(n).opsional}
    return min(kurang) if kurang else len(PRAKTIK)


def predikat_ditetapkan(skp):
    """Whether the predikat is set (then everything here is final). Asked once per request;
    a page that loaded it with the SKP keeps it with `ingat_predikat`."""
    if not has_request_context():
        return syarat.predikat_ditetapkan(skp)
    simpanan = g.setdefault("_predikat_ditetapkan", {})
    if skp.id not in simpanan:
        simpanan[skp.id] = syarat.predikat_ditetapkan(skp)
    return simpanan[skp.id]


def ingat_predikat(skp_id, ditetapkan):
    if has_request_context():
        g.setdefault("_predikat_ditetapkan", {})[skp_id] = bool(ditetapkan)


@dataclass
class Berkas:
    """The rows of one SKP's implementation, loaded in one query after the SKP is locked."""

    skp: Skp
    praktik: Praktik | None = None
    ref: RefleksiKompetensi | None = None
    pen: Penilaian | None = None
    pko: PkoSekolah | None = None
    konfirmasi: set = field(default_factory=set)  # {(jenis, kode)}, kept current
    versi_konfirmasi: int = 0  # confirmation saves so far (each audited): the page's version
    kunci_dipakai: bool = False  # a progress note with this submission key exists
    catatan_validasi: str | None = None  # the atasan's note on returned principal documents

    def kelengkapan(self):
        """What `segarkan` needs, as it is now (the rows carry this request's changes)."""
        return self.praktik, self.ref, self.konfirmasi, self.pen, self.pko


_PEMISAH = "\x1f"  # between jenis and kode in the aggregated confirmations


def muat_berkas(skp, upaya=False, kunci=None):
    """Cycle (with its progress notes when `upaya`), competency reflection, assessment,
    the school's PKO (principals), the confirmations and their version: one query."""
    konfirmasi = (select(func.aggregate_strings(
        Konfirmasi.jenis + literal(_PEMISAH) + Konfirmasi.kode, ","))
        .where(Konfirmasi.skp_id == Skp.id).scalar_subquery())
    versi = (select(func.count(Audit.id))
             .where(Audit.objek_tipe == Skp.__tablename__, Audit.objek_id == Skp.id,
                    Audit.aksi.like("konfirmasi\\_%", escape="\\")).scalar_subquery())
    dipakai = exists().where(CatatanUpaya.kunci == kunci) if kunci else literal(False)
    catatan = (select(Konfirmasi.catatan).where(Konfirmasi.skp_id == Skp.id,
                                                Konfirmasi.jenis == VALIDASI_DOKUMEN)
               .limit(1).scalar_subquery())
    q = (select(Praktik, RefleksiKompetensi, Penilaian, konfirmasi, versi, dipakai, catatan)
         .select_from(Skp)
         .outerjoin(Praktik, Praktik.skp_id == Skp.id)
         .outerjoin(RefleksiKompetensi, RefleksiKompetensi.skp_id == Skp.id)
         .outerjoin(Penilaian, Penilaian.skp_id == Skp.id)
         .where(Skp.id == skp.id))
    pko = alur_n.hasil_dari_pko(skp)
    if pko:
        q = q.add_columns(PkoSekolah).outerjoin(PkoSekolah, and_(
            PkoSekolah.sekolah_id == Skp.sekolah_id, PkoSekolah.tahun_id == Skp.tahun_id))
    if upaya:
        q = q.options(joinedload(Praktik.upaya))
    # all(): the progress notes' join spans several rows (one per note).
    baris = db.session.execute(q).unique().all()[0]
    return Berkas(
        skp, praktik=baris[0], ref=baris[1], pen=baris[2],
        konfirmasi={tuple(x.split(_PEMISAH, 1)) for x in (baris[3] or "").split(",") if x},
        versi_konfirmasi=baris[4], kunci_dipakai=bool(baris[5]), catatan_validasi=baris[6],
        pko=baris[7] if pko else None)


_BELUM_DIMUAT = object()


def pastikan_pemilik(skp, aktor):
    if skp.pegawai_id != aktor.pegawai_id:
        raise Ditolak("Hanya pegawai pemilik SKP yang dapat mengisi ini.")


def pastikan_atasan(skp, aktor):
    if not boleh_menilai(aktor.peran, skp):
        raise Ditolak("Anda bukan atasan (Pejabat Penilai Kinerja) pegawai ini.")


def pastikan_berjalan(skp):
    """Implementation starts once the plan is agreed and ends when the predikat is set."""
    if skp.status != StatusSkp.DISEPAKATI:
        raise Ditolak("Pelaksanaan Kinerja dimulai setelah Perencanaan Kinerja disepakati.")
    if predikat_ditetapkan(skp):
        raise Ditolak("Predikat kinerja sudah ditetapkan; isian tidak dapat diubah lagi.")


def pastikan_belum_dikirim(skp, pen=_BELUM_DIMUAT):
    """What makes an assessment complete ("lengkap") is frozen once it went to the Dinas:
    the atasan's confirmations and validation change only after the Dinas reopens it.
    `pen`: the Penilaian when the caller loaded it (None: there is none)."""
    if pen is _BELUM_DIMUAT:
        pen = db.session.scalar(select(Penilaian).where(Penilaian.skp_id == skp.id))
    if pen is not None and pen.pengiriman_id is not None:
        raise Ditolak("Penilaian pegawai ini sudah dikirim ke Dinas; konfirmasi dan validasi "
                      "atasan tidak dapat diubah kecuali Dinas membukanya kembali.")


def _ubah(objek, aktor, aksi, data, dari=None, ke=None, catatan=None):
    objek.versi += 1
    catat(aksi, objek, dari=dari, ke=ke, catatan=catatan, data=data, akun=aktor)


def praktik_untuk(skp):
    """(cycle record, just created?) of an agreed SKP, locked for writing."""
    praktik = db.session.scalar(select(Praktik).where(Praktik.skp_id == skp.id)
                                .with_for_update())
    if praktik is not None:
        return praktik, False
    return praktik_baru(skp), True


def praktik_baru(skp):
    """The cycle's record, created by its first save (the caller holds the SKP lock)."""
    praktik = Praktik(skp_id=skp.id, versi=1, fokus_perilaku=[], rubrik=[], upaya=[])
    praktik.skp = skp
    db.session.add(praktik)
    db.session.flush()
    return praktik


def langkah_terbuka(praktik, n):
    """Why step n cannot be worked on yet (order rule: the required step before it is
    done), or None."""
    m = _prasyarat(n)
    if m is not None and not _selesai(praktik, m):
        return langkah(n).syarat
    return None


def _pastikan_terbuka(praktik, n):
    alasan = langkah_terbuka(praktik, n)
    if alasan:
        raise Ditolak(alasan)


def _bersihkan(nilai):
    """Texts as typed (Unicode and line breaks kept), bounded; empty becomes None."""
    out = {}
    for k, v in nilai.items():
        if isinstance(v, str):
            v = v.replace("\r\n", "\n")
            if len(v) > MAKS_TEKS:
                raise Ditolak(f"Isian terlalu panjang (maksimal {MAKS_TEKS} karakter).")
            v = v if v.strip() else None
        out[k] = v
    return out


def _periksa_fokus(praktik, fokus):
    """Fokus perilaku come from the chosen indicator's catalogue, or are typed where the
    catalogue has none (SPEC §3.3)."""
    skp = praktik.skp
    indikator = aturan_skp(skp).praktik(skp.katalog_posisi).get(skp.praktik_berlaku)
    for f in fokus:
        if not isinstance(f, str) or not f.strip() or len(f) > 500:
            raise Ditolak("Fokus perilaku tidak valid.")
        if indikator is not None and not indikator.boleh_ketik_fokus and \
                f not in indikator.fokus_perilaku:
            raise Ditolak("Fokus perilaku harus dipilih dari daftar indikator Anda.")


def simpan_dokumen(praktik, aktor, n, nilai, ajukan=False, otomatis=False):
    """The pegawai saves (and with `ajukan` sends) the document of step 1, 3 or 5."""
    skp = praktik.skp
    pastikan_pemilik(skp, aktor)
    pastikan_berjalan(skp)
    _pastikan_terbuka(praktik, n)
    s = _dokumen(n)
    status = getattr(praktik, s.kolom_status)
    if status == s.selesai:
        raise Ditolak(f"{s.judul} sudah {s.selesai.label.lower()} atasan; "
                      "tidak dapat diubah lagi.")
    nilai = _bersihkan({k: v for k, v in nilai.items() if k in s.bidang})
    if "fokus_perilaku" in nilai:
        nilai["fokus_perilaku"] = [f.strip() for f in nilai["fokus_perilaku"] or []]
        _periksa_fokus(praktik, nilai["fokus_perilaku"])
    ubah = {k: [_polos(getattr(praktik, k)), _polos(v)] for k, v in nilai.items()
            if getattr(praktik, k) != v}
    for k, v in nilai.items():
        setattr(praktik, k, v)
    if ajukan:
        if dokumen_kurang(praktik, n):
            raise Ditolak("Lengkapi dulu semua isian sebelum mengirim ke atasan.")
        setattr(praktik, s.kolom_status, StatusLangkah.DIAJUKAN)
        _ubah(praktik, aktor, f"{s.audit}_diajukan", ubah, dari=status, ke=StatusLangkah.DIAJUKAN)
    elif ubah:
        _ubah(praktik, aktor, f"{s.audit}_{'otomatis' if otomatis else 'draf'}", ubah)
    return ubah


def _dokumen(n):
    """Step n, when the pegawai writes a document in it (else refused)."""
    if n not in range(1, len(PRAKTIK) + 1) or not langkah(n).dokumen:
        raise Ditolak("Langkah ini tidak memuat dokumen pegawai.")
    return langkah(n)


def _dinilai(n):
    """Step n, when the atasan accepts and scores its document (else refused)."""
    s = _dokumen(n)
    if s.kolom_nilai is None:
        raise Ditolak("Dokumen langkah ini tidak dinilai atasan.")
    return s


def dokumen_kurang(praktik, n):
    """The empty fields of the pegawai's document of step n."""
    return [k for k in _dokumen(n).bidang if not getattr(praktik, k)]


def _pastikan_lengkap_untuk_atasan(praktik, n):
    """A sent document stays editable until the atasan acts on it (SPEC §2.3 is silent;
    the atasan always reads the latest text, and a stale page answers 409); one emptied
    again after sending cannot be agreed or accepted."""
    if dokumen_kurang(praktik, n):
        raise Ditolak(f"{langkah(n).judul} belum lengkap: pegawai mengubahnya setelah mengirim. "
                      "Kembalikan dengan catatan atau tunggu pegawai melengkapinya.")


def alasan_tidak_dikembalikan(praktik, n):
    """Why the atasan cannot send the document of step n back now, or None (the page
    offers "Kembalikan" only when this is None): not sent, or a required step that opens
    after it has started."""
    s = _dokumen(n)
    status = getattr(praktik, s.kolom_status)
    if status not in (StatusLangkah.DIAJUKAN, s.selesai):
        return f"{s.judul} belum dikirim pegawai."
    if any(_prasyarat(m) == n and not langkah(m).opsional
           and getattr(praktik, langkah(m).kolom_status) != StatusLangkah.BELUM
           for m in range(n + 1, len(PRAKTIK) + 1)):
        return "Langkah berikutnya sudah berjalan; langkah ini tidak dapat dikembalikan."
    return None


def _polos(nilai):
    """A value as the audit's JSON can hold it (dates as ISO text)."""
    return nilai.isoformat() if hasattr(nilai, "isoformat") else nilai


def sepakati_persiapan(praktik, aktor, jadwal_observasi):
    """The atasan agrees on the observation date (keeping or changing the proposal)."""
    skp = praktik.skp
    pastikan_atasan(skp, aktor)
    pastikan_berjalan(skp)
    if praktik.status_persiapan != StatusLangkah.DIAJUKAN:
        raise Ditolak("Diskusi persiapan belum dikirim pegawai.")
    _pastikan_lengkap_untuk_atasan(praktik, NOMOR["persiapan"])
    if jadwal_observasi is None:
        raise Ditolak("Tentukan jadwal observasi.")
    praktik.jadwal_observasi = jadwal_observasi
    praktik.status_persiapan = StatusLangkah.DISEPAKATI
    praktik.catatan_persiapan = None
    _ubah(praktik, aktor, f"{langkah(NOMOR['persiapan']).audit}_disepakati",
          {"jadwal": str(jadwal_observasi)}, dari=StatusLangkah.DIAJUKAN,
          ke=StatusLangkah.DISEPAKATI)


def skala_nilai_dokumen(skp):
    """{nilai: label} of the year's document scale (empty: the year scores no documents)."""
    kaidah = aturan_skp(skp).rating_hasil.dokumen
    return dict(kaidah.skala) if kaidah else {}


class NilaiSalah(Ditolak):
    """A document score that is missing or off the year's scale (shown on the field)."""


def periksa_nilai_dokumen(skp, n, nilai):
    """The score as a number of the year's scale, or Ditolak in the atasan's words."""
    skala = skala_nilai_dokumen(skp)
    if not skala:
        return None
    if isinstance(nilai, str):
        nilai = nilai.strip()
        nilai = int(nilai) if nilai.isascii() and nilai.isdigit() and len(nilai) < 4 else nilai
    if nilai is None or nilai == "":
        raise NilaiSalah(f"Pilih {langkah(n).nama_nilai}.")
    if isinstance(nilai, bool) or not isinstance(nilai, int) or nilai not in skala:
        pilihan = ", ".join(f"{k} ({v})" for k, v in skala.items())
        raise NilaiSalah(f"{langkah(n).nama_nilai} harus salah satu nilai skala: {pilihan}.")
    return nilai


def terima_dokumen(praktik, aktor, n, nilai=None, dimuat=None):
    """The atasan accepts the tindak lanjut (3) or refleksi (5) document and scores it
    (`nilai` on the year's scale). `dimuat`: the rows `segarkan` needs, when the caller
    loaded them (`Berkas.kelengkapan`)."""
    skp = praktik.skp
    pastikan_atasan(skp, aktor)
    pastikan_berjalan(skp)
    s = _dinilai(n)
    if getattr(praktik, s.kolom_status) != StatusLangkah.DIAJUKAN:
        raise Ditolak(f"{s.judul} belum dikirim pegawai.")
    _pastikan_lengkap_untuk_atasan(praktik, n)
    nilai = periksa_nilai_dokumen(skp, n, nilai)
    setattr(praktik, s.kolom_status, StatusLangkah.DITERIMA)
    setattr(praktik, s.kolom_catatan, None)
    setattr(praktik, s.kolom_nilai, nilai)
    _ubah(praktik, aktor, f"{s.audit}_diterima", {"nilai": nilai}, dari=StatusLangkah.DIAJUKAN,
          ke=StatusLangkah.DITERIMA)
    segarkan(skp, dimuat)


def nilai_dokumen(praktik, aktor, n, nilai, dimuat=None):
    """The atasan scores (or re-scores) an accepted document, e.g. one accepted before
    documents were scored; frozen once the assessment went to the Dinas."""
    skp = praktik.skp
    pastikan_atasan(skp, aktor)
    pastikan_berjalan(skp)
    s = _dinilai(n)
    if getattr(praktik, s.kolom_status) != StatusLangkah.DITERIMA:
        raise Ditolak(f"{s.judul} dinilai saat diterima; dokumen ini belum diterima.")
    nilai = periksa_nilai_dokumen(skp, n, nilai)
    lama = getattr(praktik, s.kolom_nilai)
    if nilai == lama:
        return False
    pastikan_belum_dikirim(skp, dimuat[3] if dimuat is not None else _BELUM_DIMUAT)
    setattr(praktik, s.kolom_nilai, nilai)
    _ubah(praktik, aktor, f"{s.audit}_dinilai", {"nilai": [lama, nilai]})
    segarkan(skp, dimuat)
    return True


def kembalikan_dokumen(praktik, aktor, n, catatan, dimuat=None):
    """The atasan sends a pegawai's step back with a note (it can be edited again)."""
    skp = praktik.skp
    pastikan_atasan(skp, aktor)
    pastikan_berjalan(skp)
    s = _dokumen(n)
    status = getattr(praktik, s.kolom_status)
    alasan = alasan_tidak_dikembalikan(praktik, n)
    if alasan:
        raise Ditolak(alasan)
    catatan = (catatan or "").strip()
    if not catatan:
        raise Ditolak("Tulis catatan: apa yang perlu diperbaiki pegawai.")
    setattr(praktik, s.kolom_status, StatusLangkah.DIKEMBALIKAN)
    setattr(praktik, s.kolom_catatan, catatan)
    if s.kolom_nilai:  # a returned document is scored again when it is accepted again
        setattr(praktik, s.kolom_nilai, None)
    _ubah(praktik, aktor, f"{s.audit}_dikembalikan", None, dari=status,
          ke=StatusLangkah.DIKEMBALIKAN, catatan=catatan)
    segarkan(skp, dimuat)


def simpan_observasi(praktik, aktor, rubrik, rekomendasi, selesai=False, otomatis=False):
    """The atasan fills the observation rubric; `selesai` publishes the Rating observasi."""
    skp = praktik.skp
    pastikan_atasan(skp, aktor)
    pastikan_berjalan(skp)
    s = langkah(NOMOR["observasi"])
    _pastikan_terbuka(praktik, NOMOR["observasi"])
    if praktik.status_tindak_lanjut not in (StatusLangkah.BELUM, StatusLangkah.DIKEMBALIKAN):
        raise Ditolak("Dokumen tindak lanjut sudah dikirim; observasi tidak dapat diubah.")
    hasil_sah = {h.value for h in aturan.HasilObservasi}
    fokus = praktik.fokus_perilaku or []
    baris = []
    for item in rubrik:
        if item.get("fokus") not in fokus:
            raise Ditolak("Fokus perilaku tidak sesuai Diskusi persiapan.")
        if item.get("hasil") not in hasil_sah | {None, ""}:
            raise Ditolak("Pilihan hasil observasi tidak dikenal.")
        baris.append({"fokus": item["fokus"], "hasil": item.get("hasil") or None,
                      "catatan": _bersihkan({"c": item.get("catatan") or ""})["c"]})
    rekomendasi = _bersihkan({"r": rekomendasi or ""})["r"]
    if selesai and (len(baris) != len(fokus) or any(b["hasil"] is None for b in baris)
                    or not rekomendasi):
        raise Ditolak("Isi hasil untuk setiap fokus perilaku dan rekomendasi tindak lanjut.")
    ubah = baris != (praktik.rubrik or []) or rekomendasi != praktik.rekomendasi
    praktik.rubrik = baris
    praktik.rekomendasi = rekomendasi
    if selesai:
        dari = praktik.status_observasi
        praktik.status_observasi = StatusLangkah.SELESAI
        praktik.diobservasi = sekarang()
        _ubah(praktik, aktor, f"{s.audit}_selesai", None, dari=dari, ke=StatusLangkah.SELESAI)
    elif ubah:
        _ubah(praktik, aktor, f"{s.audit}_{'otomatis' if otomatis else 'draf'}", None)
    return ubah


def tambah_upaya(praktik, aktor, tanggal, isi, kunci=None, kunci_dipakai=None):
    """A dated progress note; a repeated submission key stores nothing twice
    (`kunci_dipakai`: whether the key is already stored, when the caller loaded it)."""
    skp = praktik.skp
    pastikan_pemilik(skp, aktor)
    pastikan_berjalan(skp)
    _pastikan_terbuka(praktik, NOMOR["upaya"])
    if praktik.status_refleksi == StatusLangkah.DITERIMA:
        raise Ditolak("Refleksi sudah diterima; catatan upaya tidak dapat ditambah.")
    isi = _bersihkan({"isi": isi or ""})["isi"]
    if tanggal is None or not isi:
        raise Ditolak("Isi tanggal dan catatan upaya.")
    if kunci_dipakai is None:
        kunci_dipakai = kunci and db.session.scalar(
            select(CatatanUpaya.id).where(CatatanUpaya.kunci == kunci)) is not None
    if kunci and kunci_dipakai:
        return None
    catatan = CatatanUpaya(praktik=praktik, tanggal=tanggal, isi=isi, kunci=kunci)
    db.session.add(catatan)
    _ubah(praktik, aktor, f"{langkah(NOMOR['upaya']).audit}_upaya", {"tanggal": str(tanggal)})
    return catatan


# ---------------------------------------------------------------- competency reflection

def refleksi_untuk(skp):
    """(competency reflection, just created?) of an agreed SKP, locked for writing."""
    ref = db.session.scalar(select(RefleksiKompetensi)
                            .where(RefleksiKompetensi.skp_id == skp.id).with_for_update())
    if ref is not None:
        return ref, False
    return refleksi_baru(skp), True


def refleksi_baru(skp):
    """The reflection's record, created by its first save (the caller holds the SKP lock)."""
    ref = RefleksiKompetensi(skp_id=skp.id, versi=1, inspirasi=[], penerapan=[])
    ref.skp = skp
    db.session.add(ref)
    db.session.flush()
    return ref


def periksa_isian_kompetensi(inspirasi, penerapan, lengkap):
    """{field index key: message} for the 3 / 1 / 250 rules (empty entries are dropped)."""
    galat = {}
    for nama, daftar in (("inspirasi", inspirasi), ("penerapan", penerapan)):
        for i, teks in enumerate(daftar):
            if len(teks) > MAKS_KARAKTER:
                galat[f"{nama}-{i}"] = (f"Maksimal {MAKS_KARAKTER} karakter; saat ini "
                                        f"{len(teks)}.")
    if len([t for t in inspirasi if t.strip()]) > MAKS_INSPIRASI:
        galat["inspirasi"] = f"Ketik maksimal {MAKS_INSPIRASI} inspirasi."
    if lengkap and len([t for t in penerapan if t.strip()]) < MIN_PENERAPAN:
        galat["penerapan"] = f"Ketik minimal {MIN_PENERAPAN} penerapan."
    return galat


def simpan_refleksi_kompetensi(ref, aktor, inspirasi, penerapan, otomatis=False):
    """The pegawai's reflection; editable until the predikat is set (SPEC §2.4)."""
    skp = ref.skp
    pastikan_pemilik(skp, aktor)
    pastikan_berjalan(skp)
    inspirasi = [t.replace("\r\n", "\n") for t in inspirasi if t.strip()]
    penerapan = [t.replace("\r\n", "\n") for t in penerapan if t.strip()]
    galat = periksa_isian_kompetensi(inspirasi, penerapan, lengkap=not otomatis)
    if galat:
        raise Ditolak(" ".join(dict.fromkeys(galat.values())))
    if inspirasi == (ref.inspirasi or []) and penerapan == (ref.penerapan or []):
        return False
    ubah = {"inspirasi": [ref.inspirasi, inspirasi], "penerapan": [ref.penerapan, penerapan]}
    ref.inspirasi, ref.penerapan = inspirasi, penerapan
    ref.diisi = sekarang()
    _ubah(ref, aktor, "kompetensi_otomatis" if otomatis else "kompetensi_disimpan", ubah)
    return True


def validasi_kompetensi(ref, aktor, ya=True, dimuat=None):
    """The atasan: "Saya sudah pastikan bahwa pelaksanaan Pegawai selesai"."""
    skp = ref.skp
    pastikan_atasan(skp, aktor)
    pastikan_berjalan(skp)
    if ya and not ref.penerapan:
        raise Ditolak("Pegawai belum mengisi refleksi pengembangan kompetensi.")
    if bool(ref.divalidasi) == ya:
        return
    pastikan_belum_dikirim(skp, dimuat[3] if dimuat is not None else _BELUM_DIMUAT)
    ref.divalidasi = sekarang() if ya else None
    ref.divalidasi_oleh = aktor.pegawai_id if ya else None
    _ubah(ref, aktor, "kompetensi_divalidasi" if ya else "kompetensi_validasi_dibatalkan", None)
    segarkan(skp, dimuat)


# ---------------------------------------------------------------- confirmations

JENIS_KONFIRMASI = (JenisKonfirmasi.TUGAS_PEGAWAI, JenisKonfirmasi.TUGAS_ATASAN,
                    JenisKonfirmasi.DOKUMEN, JenisKonfirmasi.KELENGKAPAN)
def pastikan_boleh_konfirmasi(skp, aktor, jenis):
    if jenis == JenisKonfirmasi.TUGAS_PEGAWAI or \
            jenis == JenisKonfirmasi.DOKUMEN and dokumen_oleh_pegawai(skp):
        if jenis == JenisKonfirmasi.DOKUMEN and skp.pegawai_id != aktor.pegawai_id:
            raise Ditolak("Ketersediaan dokumen akuntabilitas kepala sekolah dikonfirmasi oleh "
                          "kepala sekolah itu sendiri; atasan memvalidasinya.")
        pastikan_pemilik(skp, aktor)
    else:
        pastikan_atasan(skp, aktor)
def konfirmasi(skp, aktor, jenis, pilihan, berkas=None):
    """Set the confirmed items of one kind to exactly `pilihan`; audited when it changes."""
    return konfirmasi_banyak(skp, aktor, {jenis: pilihan}, berkas)[jenis]


def konfirmasi_banyak(skp, aktor, pilihan, berkas=None):
    """One save of the confirmation page: each kind in `pilihan` ({jenis: codes}) becomes
    exactly those codes, in bulk statements, with one audit row for the save.

    The atasan confirms only tasks the pegawai confirmed; a pegawai cannot withdraw a task
    the atasan already confirmed (the atasan withdraws his confirmation first), so the
    atasan's confirmation always stands on the pegawai's. `berkas`: the page's loaded rows
    (its confirmation set is kept current)."""
    for jenis in pilihan:
        if jenis not in JENIS_KONFIRMASI:
            raise Ditolak("Jenis konfirmasi tidak dikenal.")
        pastikan_boleh_konfirmasi(skp, aktor, jenis)
    pastikan_berjalan(skp)
    if berkas is not None:
        ada = berkas.konfirmasi
    else:
        ada = set(db.session.execute(select(Konfirmasi.jenis, Konfirmasi.kode).where(
            Konfirmasi.skp_id == skp.id)).all())
    ubah = {}
    for jenis, kode in pilihan.items():
        kode = list(dict.fromkeys(kode))
        sah = kode_konfirmasi(skp, jenis)
        if any(k not in sah for k in kode):
            raise Ditolak("Butir konfirmasi tidak dikenal.")
        if jenis == JenisKonfirmasi.TUGAS_ATASAN:
            belum = {k for k in kode if (JenisKonfirmasi.TUGAS_PEGAWAI, k) not in ada}
            if belum:
                raise Ditolak("Pegawai belum mengonfirmasi tugas: " + ", ".join(sorted(belum)))
        lama = sorted((k for j, k in ada if j == jenis),
                      key=lambda k: sah.index(k) if k in sah else len(sah))
        hapus = [k for k in lama if k not in kode]
        if jenis == JenisKonfirmasi.TUGAS_PEGAWAI:
            dikunci = [k for k in hapus if (JenisKonfirmasi.TUGAS_ATASAN, k) in ada]
            if dikunci:
                raise Ditolak("Tugas yang sudah dikonfirmasi atasan tidak dapat dibatalkan: "
                              + ", ".join(dikunci) + ". Minta atasan membatalkan "
                              "konfirmasinya dahulu.")
        tambah = [k for k in kode if (jenis, k) not in ada]
        if jenis == JenisKonfirmasi.DOKUMEN and dokumen_oleh_pegawai(skp) and \
                (tambah or hapus) and \
                (VALIDASI_DOKUMEN, StatusLangkah.DITERIMA) in ada:
            raise Ditolak("Ketersediaan dokumen sudah divalidasi atasan dan tidak dapat "
                          "diubah. Minta atasan mengembalikannya dahulu.")
        ubah[jenis] = (tambah, hapus)
    if any(j != JenisKonfirmasi.TUGAS_PEGAWAI and (tambah or hapus)
           for j, (tambah, hapus) in ubah.items()):
        pastikan_belum_dikirim(skp, berkas.pen if berkas is not None else _BELUM_DIMUAT)
    baru = [{"skp_id": skp.id, "jenis": jenis, "kode": k, "oleh": aktor.pegawai_id}
            for jenis, (tambah, _) in ubah.items() for k in tambah]
    if baru:
        db.session.execute(insert(Konfirmasi), baru)
    dihapus = [(jenis, k) for jenis, (_, hapus) in ubah.items() for k in hapus]
    if dihapus:
        db.session.execute(delete(Konfirmasi).where(Konfirmasi.skp_id == skp.id, or_(
            *(and_(Konfirmasi.jenis == j, Konfirmasi.kode == k) for j, k in dihapus))))
    berubah = [jenis for jenis, (tambah, hapus) in ubah.items() if tambah or hapus]
    if berubah:
        # One save is one act: one audit row with what changed per kind.
        catat("konfirmasi_tugas_pegawai" if "tugas_pegawai" in ubah else "konfirmasi_atasan",
              skp, data={jenis: {"tambah": ubah[jenis][0], "hapus": ubah[jenis][1]}
                         for jenis in berubah}, akun=aktor)
        if berkas is not None:
            berkas.versi_konfirmasi += 1
    for jenis in berubah:
        ada.update((jenis, k) for k in ubah[jenis][0])
        ada.difference_update((jenis, k) for k in ubah[jenis][1])
    # The pegawai's own ticks do not count for "lengkap"; the atasan's do.
    if any(jenis != JenisKonfirmasi.TUGAS_PEGAWAI for jenis in berubah):
        segarkan(skp, berkas.kelengkapan() if berkas is not None else None)
    return ubah


def validasi_dokumen(skp, aktor, terima, catatan=None, berkas=None):
    """The atasan (Tim Kerja plotted to the principal, or the Kepala Dinas) validates the
    documents the principal confirmed: accepts them, or returns them with a note. One row,
    replaced; audited as a confirmation save (the page's version counts it). Frozen once
    the assessment went to the Dinas, like the atasan's confirmations."""
    if not dokumen_oleh_pegawai(skp):
        raise Ditolak("Dokumen akuntabilitas guru dikonfirmasi langsung oleh atasannya.")
    pastikan_atasan(skp, aktor)
    pastikan_berjalan(skp)
    if berkas is None:
        berkas = muat_berkas(skp)
    ada = berkas.konfirmasi
    lama = next((k for j, k in ada if j == VALIDASI_DOKUMEN), None)
    catatan = (catatan or "").strip() or None
    if terima:
        kurang = [k for k in kode_konfirmasi(skp, JenisKonfirmasi.DOKUMEN)
                  if (JenisKonfirmasi.DOKUMEN, k) not in ada]
        if kurang:
            raise Ditolak("Kepala sekolah belum mengonfirmasi semua dokumen akuntabilitas; "
                          "validasi diberikan setelah semuanya dikonfirmasi.")
        kode, catatan = StatusLangkah.DITERIMA, None
    else:
        if not catatan:
            raise Ditolak("Tulis catatan: apa yang perlu diperbaiki kepala sekolah.")
        if len(catatan) > 2000:
            raise Ditolak("Catatan terlalu panjang (maksimal 2000 karakter).")
        kode = StatusLangkah.DIKEMBALIKAN
    if lama == kode and (berkas.catatan_validasi or None) == catatan:
        return False
    pastikan_belum_dikirim(skp, berkas.pen)
    db.session.execute(delete(Konfirmasi).where(Konfirmasi.skp_id == skp.id,
                                                Konfirmasi.jenis == VALIDASI_DOKUMEN))
    db.session.execute(insert(Konfirmasi), [{"skp_id": skp.id, "jenis": VALIDASI_DOKUMEN,
                                             "kode": kode, "oleh": aktor.pegawai_id,
                                             "catatan": catatan}])
    catat(f"konfirmasi_dokumen_{kode}", skp, dari=lama, ke=kode, catatan=catatan,
          akun=aktor)
    berkas.versi_konfirmasi += 1
    ada.difference_update({(VALIDASI_DOKUMEN, k)
                           for k in (StatusLangkah.DITERIMA, StatusLangkah.DIKEMBALIKAN)})
    ada.add((VALIDASI_DOKUMEN, kode))
    berkas.catatan_validasi = catatan
    segarkan(skp, berkas.kelengkapan())
    return True


# ---------------------------------------------------------------- upaya notes: edit, delete

def alasan_upaya_terkunci(praktik):
    """Why the pegawai can no longer change his progress notes, or None: they stay his to
    edit and delete until the reflection (the step that closes the notes) is accepted."""
    if predikat_ditetapkan(praktik.skp):
        return "Predikat kinerja sudah ditetapkan; catatan upaya tidak dapat diubah lagi."
    if praktik.status_refleksi == StatusLangkah.DITERIMA:
        return ("Refleksi tindak lanjut sudah diterima atasan; catatan upaya tidak dapat "
                "diubah atau dihapus lagi.")
    return None


def _pastikan_upaya_terbuka(catatan, aktor):
    praktik = catatan.praktik
    pastikan_pemilik(praktik.skp, aktor)
    pastikan_berjalan(praktik.skp)
    _pastikan_terbuka(praktik, 4)
    alasan = alasan_upaya_terkunci(praktik)
    if alasan:
        raise Ditolak(alasan)


def ubah_upaya(catatan, aktor, tanggal, isi):
    """The pegawai corrects one of his progress notes (date and text); audited with what
    changed. False when nothing changed (no version bump, no audit row)."""
    _pastikan_upaya_terbuka(catatan, aktor)
    isi = _bersihkan({"isi": isi or ""})["isi"]
    if tanggal is None or not isi:
        raise Ditolak("Isi tanggal dan catatan upaya.")
    ubah = {k: [_polos(lama), _polos(baru)]
            for k, lama, baru in (("tanggal", catatan.tanggal, tanggal),
                                  ("isi", catatan.isi, isi)) if lama != baru}
    if not ubah:
        return False
    catatan.tanggal, catatan.isi = tanggal, isi
    _ubah(catatan, aktor, "praktik_4_upaya_diubah", ubah)
    return True


def hapus_upaya(catatan, aktor):
    """The pegawai deletes one of his progress notes; the audit row keeps what it said."""
    _pastikan_upaya_terbuka(catatan, aktor)
    catat("praktik_4_upaya_dihapus", catatan, akun=aktor,
          data={"praktik_id": catatan.praktik_id, "tanggal": _polos(catatan.tanggal),
                "isi": catatan.isi})
    praktik = catatan.praktik
    if catatan in praktik.upaya:
        praktik.upaya.remove(catatan)
    db.session.delete(catatan)
    db.session.flush()
