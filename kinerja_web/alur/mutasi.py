"""Mutasi in the middle of a year: move to another school, become Plt. or principal, leave.

Effect on the SKP (issue #14 §5; seed 001 "Sinkro data SKP dengan Rotasi PMM"): every part
in progress that the change touches closes at TMT − 1 with the atasan of its period (who
still assesses it), and a new part opens from the TMT with the new school (status Draf: the
pegawai plans it; its atasan is resolved when it is submitted). Pensiun or berhenti keeps
the SKP until the end of the working period (transition table row 8): the part closes at
TMT − 1 and nothing opens.

One function, `catat`: authorised (Operator Dinas of the pegawai's Dinas), the pegawai's row
locked (two Operators, or an import and a form, recording the same change serialise and the
second is refused as a duplicate), one audit row for the Mutasi and one per part closed or
opened. The caller commits.
"""

from datetime import date, timedelta

from sqlalchemy import select

from kinerja_web.alur import Ditolak, IsianSalah
from kinerja_web.alur import catat as audit
from kinerja_web.atasan import atasan_untuk, pimpinan_satu_sekolah
from kinerja_web.extensions import db
from kinerja_web.models import JenisMutasi, Mutasi, Pegawai, Penugasan, Sekolah, Skp
from kinerja_web.models.org import TahunKinerja
from kinerja_web.models.skp import StatusSkp
from kinerja_web.waktu import format_tanggal, sekarang

PERAN_POSISI = {"kepala_sekolah": "kepala_sekolah", "plt_kepala_sekolah": "plt_kepala_sekolah"}


def _tahun_dari(tmt):
    tahun = db.session.scalar(select(TahunKinerja).where(TahunKinerja.tahun == tmt.year))
    if tahun is None:
        raise IsianSalah(f"Tahun kinerja {tmt.year} belum disiapkan; TMT harus di dalam "
                         "tahun kinerja yang berjalan.")
    return tahun


def _kunci_pegawai(pegawai_id):
    return db.session.scalar(select(Pegawai).where(Pegawai.id == pegawai_id)
                             .with_for_update().execution_options(populate_existing=True))


def _penugasan_aktif(pegawai_id, tmt):
    return db.session.scalars(select(Penugasan).where(
        Penugasan.pegawai_id == pegawai_id, Penugasan.peran.in_(PERAN_POSISI),
        Penugasan.aktif_pada(tmt))).all()


def _bagian_terbuka(pegawai_id, tahun_id):
    return {s.posisi: s for s in db.session.scalars(
        select(Skp).where(Skp.pegawai_id == pegawai_id, Skp.tahun_id == tahun_id,
                          Skp.ditutup.is_(None)).with_for_update())}


def _tutup(skp, tmt, mutasi, aktor):
    """Close a part at TMT − 1, fixing the atasan of its period."""
    if skp.mulai >= tmt:
        raise IsianSalah(f"SKP {skp.label_posisi} yang berjalan dimulai "
                         f"{format_tanggal(skp.mulai)}; TMT harus sesudah tanggal itu.")
    akhir = tmt - timedelta(days=1)
    if skp.posisi == "guru" or skp.atasan_id is None:
        atasan = atasan_untuk(skp.pegawai, skp.posisi, akhir)
        if atasan.pegawai is not None:
            skp.atasan_id = atasan.pegawai.id
    lama = skp.selesai
    skp.selesai = akhir
    skp.ditutup = sekarang()
    skp.versi += 1
    audit("skp_ditutup_mutasi", skp, dari=lama.isoformat(), ke=akhir.isoformat(),
          data={"mutasi_id": mutasi.id, "atasan_id": skp.atasan_id}, akun=aktor)
    db.session.flush()  # the open-part index frees the slot before a new part takes it


def _buka(pegawai, posisi, sekolah_id, tahun, tmt, selesai, mutasi, aktor):
    skp = Skp(pegawai_id=pegawai.id, tahun_id=tahun.id, posisi=posisi, sekolah_id=sekolah_id,
              status=StatusSkp.DRAF, versi=1, aspek_fokus=[], mulai=tmt, selesai=selesai)
    if posisi != "guru":
        skp.tugas_tambahan = False
    db.session.add(skp)
    db.session.flush()
    audit("skp_dibuat", skp, ke=StatusSkp.DRAF, data={"mutasi_id": mutasi.id,
                                                      "mulai": tmt.isoformat()}, akun=aktor)
    return skp


def _sekolah_tujuan(sekolah_id, dinas_id):
    if sekolah_id is None:
        raise IsianSalah("Pilih satuan pendidikan tujuan.")
    sekolah = db.session.get(Sekolah, sekolah_id)
    if sekolah is None or sekolah.dinas_id != dinas_id:
        raise IsianSalah("Satuan pendidikan tujuan tidak ditemukan di Dinas ini.")
    return sekolah


def catat(pegawai_id, jenis, tmt, aktor, *, sekolah_tujuan_id=None, nomor_sk=None,
          keterangan=None, sumber="formulir"):
    """Record a Mutasi and split the SKP parts it touches. Returns the Mutasi."""
    peran = aktor.peran
    if not peran.operator_dinas:
        raise Ditolak("Hanya Operator Dinas yang dapat mencatat mutasi.")
    pegawai = _kunci_pegawai(pegawai_id)
    if pegawai is None or pegawai.dinas_id != peran.dinas_id:
        raise Ditolak("Pegawai tidak ditemukan di Dinas Anda.")
    return terapkan(pegawai, jenis, tmt, aktor, sekolah_tujuan_id=sekolah_tujuan_id,
                    nomor_sk=nomor_sk, keterangan=keterangan, sumber=sumber)


def terapkan(pegawai, jenis, tmt, aktor, *, sekolah_tujuan_id=None, nomor_sk=None,
             keterangan=None, sumber="impor"):
    """The change itself, for a pegawai already authorised and locked by the caller (`catat`
    for the form; the roster import, whose file is the Operator's and checked to his Dinas).
    `aktor` is the account (None: the command line)."""
    try:
        jenis = JenisMutasi(jenis)
    except ValueError:
        raise IsianSalah("Pilih jenis mutasi.") from None
    if not isinstance(tmt, date):
        raise IsianSalah("Isi TMT (tanggal mulai berlaku) dengan tanggal yang benar.")
    tahun = _tahun_dari(tmt)
    akhir_tahun = date(tahun.tahun, 12, 31)
    if tmt == date(tahun.tahun, 1, 1):
        raise IsianSalah("TMT 1 Januari tidak membagi SKP: ubah data pegawai lewat impor.")
    if db.session.scalar(select(Mutasi.id).where(
            Mutasi.pegawai_id == pegawai.id, Mutasi.jenis == jenis, Mutasi.tmt == tmt)):
        raise Ditolak("Mutasi ini sudah dicatat.")
    if db.session.scalar(select(Mutasi.id).where(
            Mutasi.pegawai_id == pegawai.id,
            Mutasi.jenis.in_((JenisMutasi.PENSIUN, JenisMutasi.BERHENTI)),
            Mutasi.tmt <= tmt)):
        raise Ditolak("Pegawai ini sudah pensiun atau berhenti.")

    tujuan = None if jenis.keluar else _sekolah_tujuan(
        sekolah_tujuan_id or (pegawai.sekolah_id if jenis == JenisMutasi.PLT else None),
        pegawai.dinas_id)
    if tujuan is not None and jenis == JenisMutasi.PINDAH and tujuan.id == pegawai.sekolah_id:
        raise IsianSalah("Satuan pendidikan tujuan sama dengan yang sekarang.")
    if tujuan is not None and jenis in (JenisMutasi.PLT, JenisMutasi.KEPALA_SEKOLAH):
        ks, plt = pimpinan_satu_sekolah(tujuan.id, tmt)
        if ks is not None and ks.id != pegawai.id:
            raise IsianSalah(f"{tujuan.nama} sudah memiliki Kepala Sekolah definitif "
                             f"({ks.nama}) pada TMT itu.")
        if jenis == JenisMutasi.PLT and plt is not None:
            raise IsianSalah(f"{tujuan.nama} sudah memiliki Plt. Kepala Sekolah ({plt.nama}).")
    if jenis != JenisMutasi.PINDAH and not jenis.keluar and \
            pegawai.status_kepegawaian not in ("PNS", "PPPK"):
        raise IsianSalah("Kepala Sekolah dan Plt. harus ASN (PNS atau PPPK).")

    mutasi = Mutasi(dinas_id=pegawai.dinas_id, pegawai_id=pegawai.id, jenis=jenis, tmt=tmt,
                    sekolah_asal_id=pegawai.sekolah_id,
                    sekolah_tujuan_id=tujuan.id if tujuan else None,
                    nomor_sk=nomor_sk or None, keterangan=keterangan or None, sumber=sumber,
                    oleh=aktor.id if aktor is not None else None)
    db.session.add(mutasi)
    db.session.flush()

    terbuka = _bagian_terbuka(pegawai.id, tahun.id)
    akhir = tmt - timedelta(days=1)
    tugas = _penugasan_aktif(pegawai.id, tmt)
    ditutup, dibuka = [], []

    def tutup(posisi):
        if posisi in terbuka:
            _tutup(terbuka.pop(posisi), tmt, mutasi, aktor)
            ditutup.append(posisi)

    def akhiri(peran_kode):
        for t in tugas:
            if t.peran == peran_kode and (t.selesai is None or t.selesai >= tmt):
                t.selesai = akhir

    guru = (pegawai.jabatan or "").startswith("Guru")
    if tujuan is None:  # pensiun, berhenti
        for posisi in list(terbuka):
            tutup(posisi)
        akhiri("kepala_sekolah")
        akhiri("plt_kepala_sekolah")
    elif jenis == JenisMutasi.PINDAH:
        for posisi in list(terbuka):
            tutup(posisi)
        akhiri("kepala_sekolah")
        akhiri("plt_kepala_sekolah")
        pegawai.sekolah_id = tujuan.id
        if ditutup and guru:
            dibuka.append(_buka(pegawai, "guru", tujuan.id, tahun, tmt, akhir_tahun, mutasi,
                                aktor))
    elif jenis == JenisMutasi.PLT:
        akhiri("plt_kepala_sekolah")  # a Plt. elsewhere before: that assignment ends
        db.session.add(Penugasan(pegawai_id=pegawai.id, peran="plt_kepala_sekolah",
                                 sekolah_id=tujuan.id, dinas_id=pegawai.dinas_id, mulai=tmt,
                                 nomor_sk=nomor_sk or None))
        # A Plt. of his own school is assessed as a Guru by the Kepala Dinas from the TMT
        # (seed 001 row 1): the Guru part changes atasan, so it splits.
        if tujuan.id == pegawai.sekolah_id and "guru" in terbuka:
            lama = terbuka["guru"]
            tutup("guru")
            dibuka.append(_buka(pegawai, "guru", lama.sekolah_id, tahun, tmt, akhir_tahun,
                                mutasi, aktor))
        tutup("plt_kepala_sekolah")
        dibuka.append(_buka(pegawai, "plt_kepala_sekolah", tujuan.id, tahun, tmt,
                            akhir_tahun, mutasi, aktor))
    elif jenis == JenisMutasi.KEPALA_SEKOLAH:
        akhiri("plt_kepala_sekolah")
        akhiri("kepala_sekolah")
        db.session.add(Penugasan(pegawai_id=pegawai.id, peran="kepala_sekolah",
                                 sekolah_id=tujuan.id, dinas_id=pegawai.dinas_id, mulai=tmt,
                                 nomor_sk=nomor_sk or None))
        for posisi in list(terbuka):  # a definitive principal has no Guru SKP (SPEC §1)
            tutup(posisi)
        pegawai.sekolah_id = tujuan.id
        dibuka.append(_buka(pegawai, "kepala_sekolah", tujuan.id, tahun, tmt, akhir_tahun,
                            mutasi, aktor))

    audit("mutasi_dicatat", mutasi, ke=jenis.value, akun=aktor, data={
        "pegawai_id": pegawai.id, "tmt": tmt.isoformat(), "sumber": sumber,
        "sekolah": [mutasi.sekolah_asal_id, pegawai.sekolah_id],
        "skp_ditutup": ditutup, "skp_dibuka": [s.id for s in dibuka]})
    return mutasi
