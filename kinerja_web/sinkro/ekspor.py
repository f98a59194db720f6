"""Ekspor e-Kinerja: the records of the pegawai that pass the pre-check, delivered through a
sender, with one Log Sinkronisasi row per pegawai and SKP (passed or not).

`ekspor()` is the one audited function behind the page, `flask ekspor-ekinerja` and
"Sinkro ulang"; the caller commits.
"""

from datetime import date

from kinerja_web import alur, aturan
from kinerja_web.extensions import db
from kinerja_web.models import Ekspor, LogSinkro, Pegawai
from kinerja_web.sinkro import berkas, cek, data
from kinerja_web.sinkro.pengirim import PengirimBerkas
from kinerja_web.teks import akhiri, bersihkan_data, gabung
from kinerja_web.waktu import sekarang

JENIS = {"perencanaan": "Perencanaan (SKP)", "penilaian_akhir": "Penilaian akhir"}
JENIS_SKP = {"guru": "GURU / JAJF", "kepala_sekolah": "KEPALA SEKOLAH",
             "plt_kepala_sekolah": "KEPALA SEKOLAH"}
# What the final sync reports per RHK as "realisasi" (as the Evaluasi Kinerja print does).
REALISASI = {"praktik": "Siklus praktik kinerja selesai; refleksi diterima atasan",
             "kompetensi": "Refleksi pengembangan kompetensi divalidasi atasan",
             "tugas_tambahan": "Tugas tambahan terlaksana"}
UKURAN_TULIS_LOG = 1000


def _isi(nilai):
    """Empty texts travel as null: one way to say "nothing" (and XLSX keeps no "")."""
    if isinstance(nilai, str):
        nilai = nilai.strip()
    return nilai if nilai not in ("", None) else None


def rhk_terkirim(skp):
    """The RHK e-Kinerja receives: Utama and Tambahan (tugas pokok are not RHK there)."""
    return [r for r in skp.rhk if r.get("jenis") in ("utama", "tambahan")]


def catatan(s, ref, jenis, atr=None) -> dict:
    """One record of format version 1 for a subject that passed the pre-check."""
    atr = atr or aturan.muat_aturan()
    unor = ref.unor.get(s.unor_id or "")
    a = s.atasan
    akhir = jenis == "penilaian_akhir"
    p = s.penilaian
    rhk = []
    for no, r in enumerate(rhk_terkirim(s.skp), start=1):
        rhk.append({
            "no": no, "jenis": r["jenis"].upper(), "kode": _isi(r.get("kode")),
            "rhk": _isi(r.get("rhk")), "rhk_atasan": _isi(r.get("rhk_atasan")),
            "indikator_atasan": _isi(r.get("indikator_atasan")), "aspek": _isi(r.get("aspek")),
            "indikator": _isi(r.get("indikator")), "target": _isi(r.get("target")),
            "realisasi": REALISASI.get(r.get("kategori")) if akhir else None,
            "umpan_balik": _isi(p.umpan_balik_hasil) if akhir and r["jenis"] == "utama"
            else None,
        })
    out = {
        "versi_format": berkas.VERSI_FORMAT, "jenis": jenis, "nip": s.nip, "nama": s.nama,
        "jenis_skp": JENIS_SKP[s.posisi], "plt": s.posisi == "plt_kepala_sekolah",
        "periode_awal": date(ref.tahun, 1, 1).isoformat(),
        "periode_akhir": date(ref.tahun, 12, 31).isoformat(),
        "pendekatan": "KUANTITATIF", "jabatan": _isi(s.jabatan),
        "unor": {"id": s.unor_id, "nama": unor.nama if unor else _isi(s.sekolah_nama)},
        "atasan": {"nama": a.nama, "nip": _isi(a.nip),
                   "unor": {"id": _isi(a.unor_id), "nama": _isi(a.unor_nama)}},
        "rhk": rhk,
    }
    if akhir:
        perilaku = atr.perilaku
        out["penilaian_akhir"] = {
            "rating_hasil_kerja": aturan.Rating(p.rating_hasil).label.upper(),
            "rating_perilaku_kerja": aturan.Rating(p.rating_perilaku).label.upper(),
            "predikat": aturan.Predikat(p.predikat).label_cetak,
            "umpan_balik_perilaku": [
                {"aspek": perilaku[k].nama if k in perilaku else k, "umpan_balik": _isi(v)}
                for k, v in (p.umpan_balik_perilaku or {}).items() if _isi(v)],
        }
    # Rows stored before input was cleaned may hold control characters: the JSON Lines and
    # the XLSX get the same cleaned record (XLSX cannot hold them; one must not stop all).
    return bersihkan_data(out)


def jumlah_rhk(c):
    """(RHK Masuk, RHK Indikator Masuk) of one record."""
    return len(c["rhk"]), sum(1 for r in c["rhk"] if r["indikator"])


def isi_log(temuan):
    """(Keterangan, Catatan) of a failed row, worded as the platform's sync log."""
    keterangan = [t.pesan for t in temuan if t.tempat == "keterangan"]
    catatan_ = [f'Gagal Sinkro: "{t.pesan}"' for t in temuan if t.tempat == "catatan"]
    return akhiri(gabung(keterangan)) or None, " ".join(catatan_) or None


def ekspor(dinas_id, jenis, tahun, akun=None, *, lingkup="Seluruh Dinas", sekolah_id=None,
           pegawai_id=None, posisi=None, pengirim=None) -> Ekspor:
    """Run the pre-check, send the records of those who pass, log every pegawai."""
    if jenis not in JENIS:
        raise ValueError(jenis)
    pengirim = pengirim or PengirimBerkas()
    ekspor_ = Ekspor(dinas_id=dinas_id, akun_id=akun.id if akun is not None else None,
                     jenis=jenis, lingkup=lingkup[:200], pengirim=pengirim.nama,
                     versi_format=berkas.VERSI_FORMAT, waktu=sekarang(), sha256="",
                     manifes={}, jsonl=b"", xlsx=b"")
    db.session.add(ekspor_)
    db.session.flush()
    muatan = data.Muatan(dinas_id, tahun, sekolah_id=sekolah_id, pegawai_id=pegawai_id)
    atr = aturan.muat_aturan()
    lolos, log = [], []
    gagal = 0

    def tulis_log(paksa=False):
        if log and (paksa or len(log) >= UKURAN_TULIS_LOG):
            # Core, not the ORM bulk path (which splits rows by their None pattern).
            db.session.execute(LogSinkro.__table__.insert(), log)
            log.clear()

    def baris(s, status, keterangan=None, catatan_=None, rhk=None, indikator=None):
        return {"dinas_id": dinas_id, "ekspor_id": ekspor_.id, "pegawai_id": s.pegawai_id,
                "posisi": s.posisi, "jenis": jenis, "nip": s.nip, "nama": s.nama,
                "tipe_skp": s.tipe_skp, "status": status, "keterangan": keterangan,
                "catatan": catatan_, "rhk_masuk": rhk, "rhk_indikator_masuk": indikator,
                "waktu": ekspor_.waktu}

    def catatan_lolos():
        nonlocal gagal
        for h in data.hasil(muatan, jenis):
            s = h.subjek
            if posisi is not None and s.posisi != posisi:
                continue
            if not h.siap:
                gagal += 1
                log.append(baris(s, "Gagal", *isi_log(h.temuan)))
                tulis_log()
                continue
            c = catatan(s, muatan.referensi, jenis, atr)
            # Only the log row is kept per record, not the subject: memory stays small.
            lolos.append(baris(s, "Berhasil", f"Diekspor (ekspor #{ekspor_.id})", None,
                               *jumlah_rhk(c)))
            yield c

    kiriman = pengirim.kirim(jenis, catatan_lolos())
    diterima = rhk_total = indikator_total = 0
    for b, jawab in zip(lolos, kiriman.hasil, strict=True):
        if jawab.berhasil:
            diterima += 1
            rhk_total += b["rhk_masuk"]
            indikator_total += b["rhk_indikator_masuk"]
        else:
            gagal += 1
            b.update(status="Gagal", keterangan=jawab.keterangan or "Ditolak penerima.",
                     rhk_masuk=None, rhk_indikator_masuk=None)
        log.append(b)
        tulis_log()
    if pegawai_id is not None and posisi is not None and not lolos and not gagal:
        # "Sinkro ulang" of someone who is no longer in scope still leaves its row.
        p = db.session.get(Pegawai, pegawai_id)
        gagal = 1
        log.append({**baris(cek.Subjek(p.id, p.nip, p.nama, posisi, None, None, None,
                                       cek.Atasan(None)), "Gagal"),
                    "keterangan": "Pegawai tidak lagi tercatat sebagai guru atau kepala sekolah "
                                  "yang mengikuti pengelolaan kinerja di aplikasi ini."})
    tulis_log(paksa=True)
    ekspor_.jsonl, ekspor_.xlsx, ekspor_.sha256 = kiriman.jsonl, kiriman.xlsx, kiriman.sha256
    ekspor_.jumlah_diekspor, ekspor_.jumlah_gagal = diterima, gagal
    ekspor_.jumlah_rhk, ekspor_.jumlah_indikator = rhk_total, indikator_total
    ekspor_.manifes = {
        "versi_format": berkas.VERSI_FORMAT, "skema": berkas.NAMA_SKEMA, "jenis": jenis,
        "tahun": tahun, "lingkup": ekspor_.lingkup, "pengirim": pengirim.nama,
        "dibuat": ekspor_.waktu.isoformat(timespec="seconds") + "Z", "ekspor_id": ekspor_.id,
        "jumlah": {"pegawai_diekspor": diterima, "pegawai_gagal": gagal, "rhk": rhk_total,
                   "rhk_indikator": indikator_total},
        "sha256": kiriman.sha256, "berkas": kiriman.berkas,
    }
    alur.catat("ekspor_ekinerja", ekspor_, ke=jenis, akun=akun, catatan=ekspor_.lingkup,
               data=ekspor_.manifes["jumlah"])
    return ekspor_
