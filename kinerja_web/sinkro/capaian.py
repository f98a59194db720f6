"""What each exported RHK carries at the final sync (SPEC §12): its bukti dukung (the
confirmations and completed steps that stand for evidence in 2025: nothing is uploaded), its
realisasi (from the cycle's own results) and its umpan balik; and the per-period values of
the periodic sync, derived by the year's rule.

`muat()` reads the cycle's rows for a batch of SKP in a constant number of queries; the
functions below are pure (plain data in, texts out).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from kinerja_web import aturan
from kinerja_web.extensions import db
from kinerja_web.models import Konfirmasi, PkoSekolah, Praktik, RefleksiKompetensi, TahunKinerja
from kinerja_web.models.pelaksanaan import JenisKonfirmasi, StatusLangkah
from kinerja_web.models.sinkro import TipePeriodik


@dataclass(frozen=True)
class Pelaksanaan:
    """The cycle of one SKP, as far as the export needs it."""

    diobservasi: date | None = None
    tindak_lanjut: str = StatusLangkah.BELUM
    refleksi: str = StatusLangkah.BELUM
    rekomendasi: str | None = None
    kompetensi_divalidasi: date | None = None
    kompetensi_penerapan: int = 0
    konfirmasi: frozenset = field(default_factory=frozenset)  # {(jenis, kode)}
    pko: str | None = None  # the school's PKO (principals)


def _tanggal(x):
    return x.date() if isinstance(x, datetime) else x


def muat(pasangan, tahun) -> dict[int, Pelaksanaan]:
    """{skp_id: Pelaksanaan} for [(skp_id, sekolah_id led or None)]: four queries."""
    ids = sorted({sid for sid, _ in pasangan if sid is not None})
    if not ids:
        return {}
    praktik = {p.skp_id: p for p in db.session.scalars(
        select(Praktik).where(Praktik.skp_id.in_(ids)))}
    refleksi = {r.skp_id: r for r in db.session.scalars(
        select(RefleksiKompetensi).where(RefleksiKompetensi.skp_id.in_(ids)))}
    konfirmasi = {}
    for skp_id, jenis, kode in db.session.execute(
            select(Konfirmasi.skp_id, Konfirmasi.jenis, Konfirmasi.kode)
            .where(Konfirmasi.skp_id.in_(ids))):
        konfirmasi.setdefault(skp_id, set()).add((jenis, kode))
    sekolah = sorted({s for _, s in pasangan if s is not None})
    pko = dict(db.session.execute(
        select(PkoSekolah.sekolah_id, PkoSekolah.pko)
        .join(TahunKinerja, TahunKinerja.id == PkoSekolah.tahun_id)
        .where(TahunKinerja.tahun == tahun, PkoSekolah.sekolah_id.in_(sekolah))).all()) \
        if sekolah else {}
    out = {}
    for skp_id, sekolah_id in pasangan:
        if skp_id is None:
            continue
        p, r = praktik.get(skp_id), refleksi.get(skp_id)
        out[skp_id] = Pelaksanaan(
            _tanggal(p.diobservasi) if p is not None else None,
            p.status_tindak_lanjut if p is not None else StatusLangkah.BELUM,
            p.status_refleksi if p is not None else StatusLangkah.BELUM,
            (p.rekomendasi or None) if p is not None else None,
            _tanggal(r.divalidasi) if r is not None else None,
            len(r.penerapan or ()) if r is not None else 0,
            frozenset(konfirmasi.get(skp_id, ())),
            pko.get(sekolah_id) if sekolah_id is not None else None)
    return out


def _tgl(d):
    return d.strftime("%d-%m-%Y") if d else None


def _dokumen(atr, posisi, kode, pel):
    """The names of the listed dokumen akuntabilitas the atasan confirmed."""
    katalog = atr.dokumen(posisi)
    return [f"{katalog[k].nama} (ketersediaan dikonfirmasi)" for k in kode
            if k in katalog and (JenisKonfirmasi.DOKUMEN, k) in pel.konfirmasi]


def bukti_dukung(atr, posisi, r, pel: Pelaksanaan) -> list[str]:
    """The evidence of one RHK: completed steps on the platform and confirmed documents."""
    kategori = r.get("kategori")
    if kategori == "organisasi":
        o = atr.rhk_organisasi.get(r.get("kode"))
        return _dokumen(atr, posisi, o.bukti if o else (), pel)
    out = []
    if kategori == "praktik":
        if pel.diobservasi:
            out.append(f"Observasi praktik kinerja ({_tgl(pel.diobservasi)})")
        if pel.tindak_lanjut == StatusLangkah.DITERIMA:
            out.append("Rencana tindak lanjut diterima atasan")
        if pel.refleksi == StatusLangkah.DITERIMA:
            out.append("Refleksi tindak lanjut diterima atasan")
    elif kategori == "kompetensi":
        if pel.kompetensi_divalidasi:
            out.append("Refleksi pengembangan kompetensi divalidasi atasan "
                       f"({_tgl(pel.kompetensi_divalidasi)})")
    elif kategori == "tugas_tambahan":
        if (JenisKonfirmasi.TUGAS_ATASAN, r.get("kode")) in pel.konfirmasi:
            out.append("Pelaksanaan tugas tambahan dikonfirmasi atasan")
    b = atr.bukti_dukung.get(kategori)
    if b is not None:
        out += _dokumen(atr, posisi, getattr(b, posisi), pel)
    return out


def realisasi(atr, posisi, r, pel: Pelaksanaan, rating_hasil=None) -> str | None:
    """What was achieved against the RHK's target, from the cycle's own rows."""
    kategori = r.get("kategori")
    if kategori == "organisasi":
        o = atr.rhk_organisasi.get(r.get("kode"))
        kode = [k for k in (o.bukti if o else ()) if k in atr.dokumen(posisi)]
        ada = sum(1 for k in kode if (JenisKonfirmasi.DOKUMEN, k) in pel.konfirmasi)
        teks = (f"{round(100 * ada / len(kode))}% ({ada} dari {len(kode)} dokumen tersedia)"
                if kode else None)
        if pel.pko:
            pko = f"Capaian Kinerja Organisasi: {aturan.PKO(pel.pko).label}"
            teks = f"{teks}; {pko}" if teks else pko
        return teks
    if kategori == "praktik":
        langkah = []
        if pel.diobservasi:
            langkah.append(f"observasi {_tgl(pel.diobservasi)}")
        if pel.tindak_lanjut == StatusLangkah.DITERIMA:
            langkah.append("tindak lanjut diterima")
        if pel.refleksi == StatusLangkah.DITERIMA:
            langkah.append("refleksi diterima")
        if not langkah:
            return None
        selesai = pel.refleksi == StatusLangkah.DITERIMA
        teks = f"{'1' if selesai else '0'} siklus selesai ({', '.join(langkah)})"
        if rating_hasil:
            teks += f"; rating hasil kerja {atr.rating_ekinerja(rating_hasil)}"
        return teks
    if kategori == "kompetensi":
        if not pel.kompetensi_divalidasi:
            return None
        return (f"1 dokumen refleksi ({pel.kompetensi_penerapan} penerapan), divalidasi "
                f"{_tgl(pel.kompetensi_divalidasi)}")
    if kategori == "tugas_tambahan":
        if (JenisKonfirmasi.TUGAS_ATASAN, r.get("kode")) not in pel.konfirmasi:
            return None
        return "1 tahun; terlaksana dan dikonfirmasi atasan"
    return None


def umpan_balik(atr, r, pel: Pelaksanaan, rating_hasil, teks_hasil) -> str | None:
    """The atasan's feedback on one RHK: his rating in e-Kinerja's words, then his own
    text on the results (for the praktik RHK also the observation's recommendation)."""
    bagian = [atr.rating_ekinerja(rating_hasil)] if rating_hasil else []
    teks = (teks_hasil or "").strip()
    if r.get("kategori") == "praktik" and pel.rekomendasi:
        teks = f"{teks} Rekomendasi observasi: {pel.rekomendasi.strip()}".strip()
    if teks:
        bagian.append(teks)
    return " — ".join(bagian) or None


def periodik(atr, periode, tahun, pel: Pelaksanaan | None, rating_hasil, rating_perilaku,
             predikat) -> list[dict]:
    """One value per period of the Dinas' list (rule "observasi_lalu_tahunan", data file):
    periods that end before the observation are not sent (an observation recorded after
    the last period counts for the last); from it on the annual ratings carry, and Nilai
    SKP is the predikat set (or the matrix's from the two ratings)."""
    if not (rating_hasil and rating_perilaku) or pel is None or pel.diobservasi is None:
        return []
    if atr.aturan_periodik != "observasi_lalu_tahunan":
        raise ValueError(atr.aturan_periodik)
    nilai_skp = predikat or aturan.predikat_kinerja(rating_hasil, rating_perilaku,
                                                    aturan=atr).value
    daftar = sorted((p for p in periode if (p.tahun is None or p.tahun == tahun)
                     and p.tipe_periodik in (TipePeriodik.BULANAN, TipePeriodik.TRIWULANAN)
                     and p.angka_periodik is not None), key=lambda p: p.angka_periodik)
    if not daftar:
        return []
    # An observation recorded after the last period (entered late) counts for the last one.
    mulai = min(pel.diobservasi, max(p.selesai for p in daftar))
    return [{"angka_periodik": p.angka_periodik, "nama": p.nama,
             "tipe_periodik": p.tipe_periodik.upper(),
             "periode_awal": p.mulai.isoformat(), "periode_akhir": p.selesai.isoformat(),
             "hasil_kerja": atr.rating_ekinerja(rating_hasil),
             "perilaku_kerja": atr.rating_ekinerja(rating_perilaku),
             "nilai_skp": aturan.Predikat(nilai_skp).label_cetak}
            for p in daftar if p.selesai >= mulai]
