"""The Dinas' own settings (letterhead, logo, Garuda emblem) and the Tim Kerja plotting
of principals. Each changes the rows and writes the audit row; the caller commits."""

from sqlalchemy import or_, select

from kinerja_web.alur import Ditolak, catat
from kinerja_web.extensions import db
from kinerja_web.models import (
    Dinas,
    Penugasan,
    PlotTimKerja,
    Sekolah,
    StatusTahun,
    TahunDinas,
    TahunKinerja,
)
from kinerja_web.models.org import Peran
from kinerja_web.tte import DOKUMEN as DOKUMEN_TTE
from kinerja_web.waktu import hari_ini, sekarang


def buat(nama, wilayah, tingkat, tahun):
    """A new Dinas on a fresh instance (`flask buat-dinas`), with its performance year
    `tahun` made the active one when no such year exists yet; audited."""
    dinas = Dinas(nama=nama, wilayah=wilayah, tingkat=tingkat)
    db.session.add(dinas)
    baris = db.session.scalar(select(TahunKinerja).where(TahunKinerja.tahun == tahun))
    if baris is None:
        baris = TahunKinerja(tahun=tahun, aturan=str(tahun), aktif=True)
        db.session.add(baris)
    db.session.flush()
    # Years are per Dinas: the new Dinas runs this one.
    db.session.add(TahunDinas(dinas_id=dinas.id, tahun_id=baris.id,
                              status=StatusTahun.BERJALAN, dimulai=sekarang()))
    catat("dinas_dibuat", dinas, catatan="CLI", data={"tahun": tahun})
    return dinas


def atur(dinas, isian):
    """Header details (kop surat, signatures): `isian` {field: value}, blanks stored as
    none; only what changed is audited. The changes {field: [old, new]} (empty: none)."""
    ubah = {}
    for k, v in isian.items():
        v = None if v == "" else v
        if getattr(dinas, k) != v:
            ubah[k] = [getattr(dinas, k), v]
            setattr(dinas, k, v)
    if ubah:
        catat("pengaturan_dinas", dinas, data=ubah)
    return ubah


def simpan_logo(dinas, isi, mime):
    dinas.logo, dinas.logo_mime = isi, mime
    catat("logo_diunggah", dinas, data={"mime": mime, "byte": len(isi)})


def hapus_logo(dinas):
    dinas.logo = dinas.logo_mime = None
    catat("logo_dihapus", dinas)


def hapus_garuda(dinas):
    lama = dinas.kop_garuda
    dinas.garuda = dinas.garuda_mime = None
    dinas.kop_garuda = False
    catat("garuda_dihapus", dinas, data={"kop_garuda": [lama, False]})


def atur_garuda(dinas, isi, mime, kop_garuda):
    """A new emblem (`isi` None: keep the stored one) and whether the header uses it."""
    lama = dinas.kop_garuda
    if isi is not None:
        dinas.garuda, dinas.garuda_mime = isi, mime
    dinas.kop_garuda = kop_garuda
    catat("garuda_diunggah" if isi is not None else "kop_garuda", dinas,
          data={"mime": mime, "byte": len(isi) if isi else None,
                "kop_garuda": [lama, dinas.kop_garuda]})


def plot_tim_kerja(peran, tahun, tim_kerja, pilihan, npsn, anggota):
    """Plot the ticked principals (and those of the listed schools) to one member of the
    Tim Kerja (`tim_kerja`: their id as text, or "lepas" to unplot). How many."""
    if tim_kerja != "lepas" and (not tim_kerja or not tim_kerja.isdecimal()
                                 or int(tim_kerja) not in anggota):
        raise Ditolak("Pilih anggota Tim Kerja.")
    today = hari_ini()
    ks = select(Penugasan.pegawai_id).join(Sekolah, Sekolah.id == Penugasan.sekolah_id).where(
        Penugasan.dinas_id == peran.dinas_id, Penugasan.aktif_pada(today),
        Penugasan.peran.in_((Peran.KEPALA_SEKOLAH, Peran.PLT_KEPALA_SEKOLAH)),
        or_(Penugasan.pegawai_id.in_(pilihan or [-1]), Sekolah.npsn.in_(npsn or ["-"])))
    target = set(db.session.scalars(ks))
    if not target:
        raise Ditolak("Centang kepala sekolah atau tulis NPSN sekolahnya.")
    ada = {p.kepala_sekolah_id: p for p in db.session.scalars(select(PlotTimKerja).where(
        PlotTimKerja.tahun_id == tahun.id, PlotTimKerja.kepala_sekolah_id.in_(target)))}
    for pid in target:
        if tim_kerja == "lepas":
            if pid in ada:
                db.session.delete(ada[pid])
        elif pid in ada:
            ada[pid].tim_kerja_id = int(tim_kerja)
        else:
            db.session.add(PlotTimKerja(tahun_id=tahun.id, tim_kerja_id=int(tim_kerja),
                                        kepala_sekolah_id=pid))
    catat("plot_tim_kerja", data={"tim_kerja": tim_kerja, "kepala_sekolah": sorted(target)})
    return len(target)


def atur_tte(dinas, mode, dokumen, kepsek):
    """The Dinas' electronic signature settings (mode, documents signed, principals as
    PPK); only what changed is audited. The changes {field: [old, new]} (empty: none).
    Documents stored before keep their old signature status only until they are printed
    again: the signer is part of what a stored document was rendered from."""
    if mode not in ("", "p12", "remote"):
        raise Ditolak("Cara penandatanganan tidak dikenal.")
    if set(dokumen or []) - set(DOKUMEN_TTE):
        raise Ditolak("Ada jenis dokumen yang tidak dikenal; pilih dari daftar.")
    nilai = {"tte_mode": mode, "tte_dokumen": sorted(set(dokumen or [])) if mode else [],
             "tte_kepsek": bool(kepsek) and mode == "remote"}
    ubah = {k: [getattr(dinas, k), v] for k, v in nilai.items() if getattr(dinas, k) != v}
    for k, (_, v) in ubah.items():
        setattr(dinas, k, v)
    if ubah:
        catat("pengaturan_tte", dinas, data=ubah)
    return ubah
