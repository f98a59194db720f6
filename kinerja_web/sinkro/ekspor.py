"""Ekspor e-Kinerja: the records of the pegawai that pass the pre-check, delivered through a
sender, with one Log Sinkronisasi row per pegawai and SKP (passed or not).

`ekspor()` is the one audited function behind the page, `flask ekspor-ekinerja` and
"Sinkro ulang"; the caller commits. It works in two steps so that no write transaction is
held while the Dinas is checked and the files are built (a minute for 20,000 pegawai):
`siapkan` reads (SQLite: no write lock), `simpan` writes the rows in a short transaction.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from kinerja_web import alur, aturan
from kinerja_web.extensions import baca_saja, db
from kinerja_web.models import Ekspor, LogSinkro, Pegawai, TahunKinerja
from kinerja_web.models.sinkro import StatusLog
from kinerja_web.sinkro import berkas, capaian, cek, data
from kinerja_web.sinkro.pengirim import PengirimBerkas
from kinerja_web.teks import akhiri, bersihkan_data, gabung
from kinerja_web.waktu import sekarang

JENIS = {"perencanaan": "Perencanaan (SKP)", "penilaian_periodik": "Penilaian periodik",
         "penilaian_akhir": "Penilaian akhir"}
JENIS_SKP = {"guru": "GURU / JAJF", "kepala_sekolah": "KEPALA SEKOLAH",
             "plt_kepala_sekolah": "KEPALA SEKOLAH"}
UKURAN_TULIS_LOG = 1000
UKURAN_MUAT = 500  # subjects whose cycle rows are read in one go
KETERANGAN_BERHASIL = object()  # replaced by "Diekspor (ekspor #id)" once the id is known


def _isi(nilai):
    """Empty texts travel as null: one way to say "nothing" (and XLSX keeps no "")."""
    if isinstance(nilai, str):
        nilai = nilai.strip()
    return nilai if nilai not in ("", None) else None


def rhk_terkirim(skp):
    """The RHK e-Kinerja receives: Utama and Tambahan (tugas pokok are not RHK there)."""
    return [r for r in skp.rhk if r.get("jenis") in ("utama", "tambahan")]


def catatan(s, ref, jenis, atr=None, pel=None) -> dict:
    """One record of format version 2 for a subject that passed the pre-check. `pel`: the
    cycle's rows of its SKP (capaian.muat), for the assessment kinds."""
    atr = atr or aturan.muat_aturan()
    pel = pel or capaian.Pelaksanaan()
    unor = ref.unor.get(s.unor_id or "")
    a = s.atasan
    akhir = jenis == "penilaian_akhir"
    p = s.penilaian
    posisi = "guru" if s.posisi == "guru" else "kepala_sekolah"
    rhk = []
    if jenis != "penilaian_periodik":
        for no, r in enumerate(rhk_terkirim(s.skp), start=1):
            rhk.append({
                "no": no, "jenis": r["jenis"].upper(),
                "jenis_rhk": "ORGANISASI" if r.get("kategori") == "organisasi" else "INDIVIDU",
                "kode": _isi(r.get("kode")), "rhk": _isi(r.get("rhk")),
                "rhk_atasan": _isi(r.get("rhk_atasan")),
                "indikator_atasan": _isi(r.get("indikator_atasan")),
                "aspek": _isi(r.get("aspek")), "indikator": _isi(r.get("indikator")),
                "target": _isi(r.get("target")), "perspektif": _isi(r.get("perspektif")),
                "bukti_dukung": [_isi(b) for b in capaian.bukti_dukung(atr, posisi, r, pel)
                                 if _isi(b)] if akhir else [],
                "realisasi": _isi(capaian.realisasi(atr, posisi, r, pel, p.rating_hasil))
                if akhir else None,
                "umpan_balik": _isi(capaian.umpan_balik(atr, r, pel, p.rating_hasil,
                                                        p.umpan_balik_hasil))
                if akhir else None,
            })
    out = {
        "versi_format": berkas.VERSI_FORMAT, "jenis": jenis, "nip": s.nip, "nama": s.nama,
        "jenis_skp": JENIS_SKP[s.posisi], "plt": s.posisi == "plt_kepala_sekolah",
        # Each SKP part with its own period (a Mutasi in the year, issue #14 §5).
        "periode_awal": (s.mulai or date(ref.tahun, 1, 1)).isoformat(),
        "periode_akhir": (s.selesai or date(ref.tahun, 12, 31)).isoformat(),
        "pendekatan": "KUANTITATIF", "jabatan": _isi(s.jabatan),
        "unor": {"id": s.unor_id, "nama": unor.nama if unor else _isi(s.sekolah_nama)},
        "atasan": {"nama": a.nama, "nip": _isi(a.nip),
                   "unor": {"id": _isi(a.unor_id), "nama": _isi(a.unor_nama)}},
        "rhk": rhk,
    }
    if jenis == "penilaian_periodik":
        out["penilaian_periodik"] = capaian.periodik(
            atr, ref.periode, ref.tahun, pel, p.rating_hasil, p.rating_perilaku, p.predikat)
    if akhir:
        perilaku = atr.perilaku
        out["penilaian_akhir"] = {
            "rating_hasil_kerja": atr.rating_ekinerja(p.rating_hasil),
            "rating_perilaku_kerja": atr.rating_ekinerja(p.rating_perilaku),
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


def rincian(c):
    """What the platform's sync result counts for one record (seed 001): per RHK Individu
    and RHK Organisasi the RHK, indicators, evidence, realisasi and feedback that went in;
    for the periodic sync the periods."""
    if c["jenis"] == "penilaian_periodik":
        return {"periode": len(c["penilaian_periodik"])}
    out = {}
    for kunci, jenis_rhk in (("individu", "INDIVIDU"), ("organisasi", "ORGANISASI")):
        rhk = [r for r in c["rhk"] if r["jenis_rhk"] == jenis_rhk]
        out[kunci] = {"rhk": len(rhk), "indikator": sum(1 for r in rhk if r["indikator"]),
                      "eviden": sum(1 for r in rhk if r["bukti_dukung"]),
                      "realisasi": sum(1 for r in rhk if r["realisasi"]),
                      "feedback": sum(1 for r in rhk if r["umpan_balik"])}
    return out


def isi_log(temuan):
    """(Keterangan, Catatan) of a failed row, worded as the platform's sync log."""
    keterangan = [t.pesan for t in temuan if t.tempat == "keterangan"]
    catatan_ = [f'Gagal Sinkro: "{t.pesan}"' for t in temuan if t.tempat == "catatan"]
    return akhiri(gabung(keterangan)) or None, " ".join(catatan_) or None


@dataclass
class Siapan:
    """An export worked out but not stored: the files, one log row per pegawai and SKP
    (ekspor_id still open) and the totals. Built in a read transaction (`siapkan`), stored
    in a short write (`simpan`): no write lock while thousands of records are checked and
    written into files."""

    dinas_id: int
    akun_id: int | None
    jenis: str
    tahun: int
    lingkup: str
    pengirim: str
    waktu: object
    kiriman: object
    log: list
    diterima: int
    gagal: int
    rhk: int
    indikator: int
    rincian: dict


def ekspor(dinas_id, jenis, tahun, akun=None, *, lingkup="Seluruh Dinas", sekolah_id=None,
           pegawai_id=None, posisi=None, pengirim=None) -> Ekspor:
    """Run the pre-check, send the records of those who pass, log every pegawai: the slow
    part in a read transaction, then the rows in the caller's write transaction."""
    with baca_saja():
        siap = siapkan(dinas_id, jenis, tahun, akun, lingkup=lingkup, sekolah_id=sekolah_id,
                       pegawai_id=pegawai_id, posisi=posisi, pengirim=pengirim)
    return simpan(siap, akun)


def siapkan(dinas_id, jenis, tahun, akun=None, *, lingkup="Seluruh Dinas", sekolah_id=None,
            pegawai_id=None, posisi=None, pengirim=None, progres=None) -> Siapan:
    """The pre-check and the files, writing nothing (call it inside `baca_saja`).
    `progres(tahap, n, total)`, when given, hears where it is: "cek" with the pegawai
    checked so far of those in scope, then "susun" once every record is out and the files
    are being finished (the background job writes it to its row). When it answers True the
    run is to stop: no more records are made, and the caller discards what it gets."""
    if jenis not in JENIS:
        raise ValueError(jenis)
    progres = progres or (lambda tahap, n, total: False)
    pengirim = pengirim or PengirimBerkas()
    waktu = sekarang()
    muatan = data.Muatan(dinas_id, tahun, sekolah_id=sekolah_id, pegawai_id=pegawai_id)
    atr = aturan.muat_aturan(db.session.scalar(
        select(TahunKinerja.aturan).where(TahunKinerja.tahun == tahun)) or str(tahun))
    lolos, log = [], []
    gagal = 0

    def baris(s, status, keterangan=None, catatan_=None, rhk=None, indikator=None,
              rincian_=None):
        return {"dinas_id": dinas_id, "ekspor_id": None, "pegawai_id": s.pegawai_id,
                "posisi": s.posisi, "jenis": jenis, "nip": s.nip, "nama": s.nama,
                "tipe_skp": s.tipe_skp, "status": status, "keterangan": keterangan,
                "catatan": catatan_, "rhk_masuk": rhk, "rhk_indikator_masuk": indikator,
                "rincian": rincian_, "waktu": waktu}

    def siap_dengan_capaian():
        """The subjects that pass, with their cycle's rows read per batch (not per pegawai)."""
        nonlocal gagal
        kumpulan = []

        def lepas():
            pel = {}
            if jenis != "perencanaan":
                pel = capaian.muat([(s.skp.id, s.sekolah_id if s.posisi != "guru" else None)
                                    for s in kumpulan], tahun)
            for s in kumpulan:
                yield s, pel.get(s.skp.id)
            kumpulan.clear()

        progres("cek", 0, muatan.jumlah)
        for h in data.hasil(muatan, jenis):
            if progres("cek", muatan.diperiksa, muatan.jumlah):
                kumpulan.clear()
                return  # stopped: the files end here, cleanly, and are not kept
            s = h.subjek
            if posisi is not None and s.posisi != posisi:
                continue
            if not h.siap:
                gagal += 1
                log.append(baris(s, StatusLog.GAGAL, *isi_log(h.temuan)))
                continue
            kumpulan.append(s)
            if len(kumpulan) >= UKURAN_MUAT:
                yield from lepas()
        yield from lepas()

    def catatan_lolos():
        for s, pel in siap_dengan_capaian():
            c = catatan(s, muatan.referensi, jenis, atr, pel)
            # Only the log row is kept per record, not the subject: memory stays small.
            lolos.append(baris(s, StatusLog.BERHASIL, KETERANGAN_BERHASIL, None,
                               *(jumlah_rhk(c) if jenis != "penilaian_periodik"
                                 else (None, None)), rincian(c)))
            yield c
        progres("susun", muatan.diperiksa, muatan.jumlah)

    kiriman = pengirim.kirim(jenis, catatan_lolos())
    diterima = rhk_total = indikator_total = 0
    total_rincian = {}
    for b, jawab in zip(lolos, kiriman.hasil, strict=True):
        if jawab.berhasil:
            diterima += 1
            rhk_total += b["rhk_masuk"] or 0
            indikator_total += b["rhk_indikator_masuk"] or 0
            for kunci, j in (b["rincian"] or {}).items():
                if isinstance(j, dict):
                    for k, v in j.items():
                        total_rincian.setdefault(kunci, {}).setdefault(k, 0)
                        total_rincian[kunci][k] += v
                else:
                    total_rincian[kunci] = total_rincian.get(kunci, 0) + j
        else:
            gagal += 1
            b.update(status=StatusLog.GAGAL, keterangan=jawab.keterangan or "Ditolak penerima.",
                     rhk_masuk=None, rhk_indikator_masuk=None, rincian=None)
        log.append(b)
    if pegawai_id is not None and posisi is not None and not lolos and not gagal:
        # "Sinkro ulang" of someone who is no longer in scope still leaves its row.
        p = db.session.get(Pegawai, pegawai_id)
        gagal = 1
        log.append({**baris(cek.Subjek(p.id, p.nip, p.nama, posisi, None, None, None,
                                       cek.Atasan(None)), StatusLog.GAGAL),
                    "keterangan": "Pegawai tidak lagi tercatat sebagai guru atau kepala sekolah "
                                  "yang mengikuti pengelolaan kinerja di aplikasi ini."})
    return Siapan(dinas_id, akun.id if akun is not None else None, jenis, tahun,
                  lingkup[:200], pengirim.nama, waktu, kiriman, log, diterima, gagal,
                  rhk_total, indikator_total, total_rincian)


def simpan(siap: Siapan, akun=None) -> Ekspor:
    """Store a prepared export with its log rows and audit row (the caller commits)."""
    kiriman = siap.kiriman
    ekspor_ = Ekspor(dinas_id=siap.dinas_id, akun_id=siap.akun_id, jenis=siap.jenis,
                     lingkup=siap.lingkup, pengirim=siap.pengirim,
                     versi_format=berkas.VERSI_FORMAT, waktu=siap.waktu,
                     jsonl=kiriman.jsonl, xlsx=kiriman.xlsx, sha256=kiriman.sha256,
                     jumlah_diekspor=siap.diterima, jumlah_gagal=siap.gagal,
                     jumlah_rhk=siap.rhk, jumlah_indikator=siap.indikator, manifes={})
    db.session.add(ekspor_)
    db.session.flush()
    for b in siap.log:
        b["ekspor_id"] = ekspor_.id
        if b["keterangan"] == KETERANGAN_BERHASIL:
            b["keterangan"] = f"Diekspor (ekspor #{ekspor_.id})"
    for i in range(0, len(siap.log), UKURAN_TULIS_LOG):
        # Core, not the ORM bulk path (which splits rows by their None pattern).
        db.session.execute(LogSinkro.__table__.insert(), siap.log[i:i + UKURAN_TULIS_LOG])
    ekspor_.manifes = {
        "versi_format": berkas.VERSI_FORMAT, "skema": berkas.NAMA_SKEMA, "jenis": siap.jenis,
        "tahun": siap.tahun, "lingkup": ekspor_.lingkup, "pengirim": siap.pengirim,
        "dibuat": ekspor_.waktu.isoformat(timespec="seconds") + "Z", "ekspor_id": ekspor_.id,
        "jumlah": {"pegawai_diekspor": siap.diterima, "pegawai_gagal": siap.gagal,
                   "rhk": siap.rhk, "rhk_indikator": siap.indikator, **siap.rincian},
        "sha256": kiriman.sha256, "berkas": kiriman.berkas,
    }
    alur.catat("ekspor_ekinerja", ekspor_, ke=siap.jenis, akun=akun, catatan=ekspor_.lingkup,
               data=ekspor_.manifes["jumlah"])
    return ekspor_
