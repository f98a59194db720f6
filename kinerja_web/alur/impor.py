"""Uploaded lists: the roster import (Operator Dinas) and the SIASN reference lists of
Sinkro e-Kinerja. Pratinjau → Diterapkan, or Pratinjau → Dibatalkan; and the one-time
passwords of an applied roster made again.

The slow reading, checking and hashing happen before (in `baca_saja`, by the caller: the
feature packages `impor` and `sinkro` read and check a file into a plan); these functions
write the plan's rows and the audit row; the caller commits. What a write sets (the fields
below, the rows a file touches) is defined here and read by the checks for their preview.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import delete, select, update

from kinerja_web.alur import Ditolak, catat
from kinerja_web.alur.mutasi import terapkan as terapkan_mutasi
from kinerja_web.atasan import PERAN_KS
from kinerja_web.extensions import db
from kinerja_web.models import (
    Akun,
    AsnSiasn,
    ImporAkun,
    ImporBerkas,
    Mutasi,
    Pegawai,
    Penugasan,
    Sekolah,
    UnitKerja,
)
from kinerja_web.models.impor import StatusImpor
from kinerja_web.models.org import PERAN_LABEL
from kinerja_web.waktu import sekarang

# ---------------------------------------------------------------- the roster's rows

# The fields a roster sets (each only when its column is in the file: `berlaku`).
BIDANG_SEKOLAH = ("nama", "jenjang", "status", "alamat", "kecamatan", "unor_id", "unor_nama")
BIDANG_PEGAWAI = (
    "nuptk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "status_kepegawaian",
    "golongan", "tmt_golongan", "jabatan", "tmt_jabatan", "pendidikan", "karpeg",
    "email", "telepon",
    "keikutsertaan", "keikutsertaan_alasan", "keikutsertaan_mulai",
)
# Which file column fills which model field (only columns present in the file are applied).
SUMBER_BIDANG = {"keikutsertaan_alasan": "keterangan_keikutsertaan",
                 "keikutsertaan_mulai": "tanggal_keikutsertaan"}

# The reference lists: their names, rows, key column and the fields a file sets.
JENIS_REFERENSI = {"unor": "Referensi Unit Kerja", "asn": "Daftar ASN SIASN"}
MODEL_REFERENSI: dict[str, type[UnitKerja] | type[AsnSiasn]] = {
    "unor": UnitKerja, "asn": AsnSiasn}
KUNCI_REFERENSI = {"unor": "unor_id", "asn": "nip"}
BIDANG_REFERENSI = {"unor": ("nama", "induk_id", "aktif"),
                    "asn": ("nama", "unor_id", "jabatan", "golongan", "atasan_nip")}


def kunci_pegawai(p):
    """A roster row's person: by NIP, or by username for a person without one."""
    return ("nip", p["nip"]) if p.get("nip") else ("username", p["username"])


def berlaku(bidang, kolom_file):
    """A field is set by the import only when its column is in the file."""
    return SUMBER_BIDANG.get(bidang, bidang) in kolom_file


def bidang_pegawai(p, sekolah):
    """A roster row's person fields, its school as `sekolah_id` (-1: a school the file
    creates)."""
    out = dict(p)
    s = sekolah.get(p.get("npsn"))
    out["sekolah_id"] = s.id if s is not None else (None if not p.get("npsn") else -1)
    return out


def muat_lama(r, dinas_id):
    """Existing schools, people, accounts and assignments that the file touches.

    Only the importing Dinas's rows: a school, NIP or username of another Dinas is never
    resolved (its rows were refused by the check, `impor.roster.periksa`, and the preview's
    counts and change lines must not name anything of another Dinas either).
    """
    npsn = [s["npsn"] for s in r.sekolah if s.get("npsn")]
    npsn += [p["npsn"] for p in r.pegawai if p.get("npsn")]
    sekolah = {s.npsn: s for s in db.session.scalars(
        select(Sekolah).where(Sekolah.npsn.in_(set(npsn)), Sekolah.dinas_id == dinas_id))} \
        if npsn else {}
    nip = [p["nip"] for p in r.pegawai if p.get("nip")]
    pegawai = {("nip", x.nip): x for x in db.session.scalars(
        select(Pegawai).where(Pegawai.nip.in_(nip), Pegawai.dinas_id == dinas_id))} \
        if nip else {}
    tanpa_nip = [p["username"] for p in r.pegawai if not p.get("nip") and p.get("username")]
    if tanpa_nip:
        # Matched by username only when the account is a NIP-less person of this Dinas.
        for username, peg in db.session.execute(
            select(Akun.username, Pegawai).join(Akun.pegawai).where(
                Akun.username.in_(tanpa_nip), Pegawai.dinas_id == dinas_id,
                Pegawai.nip.is_(None))
        ):
            pegawai[("username", username)] = peg
    ids = [x.id for x in pegawai.values()]
    akun = set(db.session.scalars(select(Akun.pegawai_id).where(Akun.pegawai_id.in_(ids)))) \
        if ids else set()
    return sekolah, pegawai, akun


@dataclass
class Hasil:
    jumlah: dict
    akun_baru: list[tuple[str, str, str, str]]  # (nip, nama, username, sandi)
    ks_diakhiri: list[str]
    akun: list = field(default_factory=list)  # the Akun rows created (for ImporAkun)


def jenis_mutasi(p, lama, nilai, kolom_file):
    """The Mutasi a row with a TMT records for an existing pegawai, or None: as the file
    says, else read from what differs (another school, a new principal or Plt. role)."""
    if p.get("tmt_mutasi") is None or lama is None or lama.id is None:
        return None
    if p.get("jenis_mutasi"):
        return p["jenis_mutasi"]
    peran = p.get("peran") or set()
    if "peran" in kolom_file and "kepala_sekolah" in peran:
        return "kepala_sekolah"
    if "peran" in kolom_file and "plt_kepala_sekolah" in peran:
        return "plt"
    if "npsn" in kolom_file and nilai["sekolah_id"] not in (None, lama.sekolah_id):
        return "pindah"
    return None


def _mutasi(p, lama, nilai, r, sekolah, pelaku):
    jenis = jenis_mutasi(p, lama, nilai, r.kolom_pegawai)
    if jenis is None or db.session.scalar(select(Mutasi.id).where(
            Mutasi.pegawai_id == lama.id, Mutasi.jenis == jenis,
            Mutasi.tmt == p["tmt_mutasi"])):
        return  # nothing to record, or recorded before (the same file imported again)
    tujuan = None
    if jenis in ("pindah", "kepala_sekolah", "plt") and p.get("npsn"):
        tujuan = sekolah[p["npsn"]].id
    try:
        terapkan_mutasi(lama, jenis, p["tmt_mutasi"], pelaku, sekolah_tujuan_id=tujuan,
                        keterangan=f"Impor baris {p.get('_baris')}", sumber="impor")
    except Ditolak as e:
        raise Ditolak(f"Lembar {p.get('_lembar')} baris {p.get('_baris')} "
                      f"({p.get('nip') or p.get('username')}): {e} Tidak ada data yang "
                      "diubah.") from None


def tulis_roster(r, dinas_id: int, sandi: dict, hari_ini: date, tahun: int,
                 pelaku=None) -> Hasil:
    """Write a clean plan inside the caller's transaction.

    `sandi` maps a row key to (plaintext, hash) for every account to create; hashing is
    slow, so the caller does it before the write transaction starts.
    """
    assert r.bersih, "only a plan without errors can be applied"
    sekolah, pegawai, akun = muat_lama(r, dinas_id)
    for s in r.sekolah:
        lama = sekolah.get(s["npsn"])
        if lama is None:
            lama = Sekolah(npsn=s["npsn"], dinas_id=dinas_id)
            db.session.add(lama)
            sekolah[s["npsn"]] = lama
        for b in BIDANG_SEKOLAH:
            if berlaku(b, r.kolom_sekolah) and getattr(lama, b) != s[b]:
                setattr(lama, b, s[b])
    db.session.flush()

    mulai_baku = date(tahun, 1, 1)
    akun_baru, ks_diakhiri, akun_dibuat = [], [], []
    baris_peran = []
    for p in r.pegawai:
        kunci = kunci_pegawai(p)
        lama = pegawai.get(kunci)
        nilai = bidang_pegawai(p, sekolah)
        if lama is None:
            lama = Pegawai(nip=p.get("nip"), dinas_id=dinas_id, keikutsertaan="ikut")
            db.session.add(lama)
            pegawai[kunci] = lama
        else:
            # A row with a TMT that moves the pegawai or gives him a new role: the SKP
            # parts split at the TMT before the roster fields change (issue #14 §5).
            _mutasi(p, lama, nilai, r, sekolah, pelaku)
        for b in BIDANG_PEGAWAI:
            if berlaku(b, r.kolom_pegawai) and getattr(lama, b) != nilai[b]:
                setattr(lama, b, nilai[b])
        if "npsn" in r.kolom_pegawai and lama.sekolah_id != nilai["sekolah_id"]:
            lama.sekolah_id = nilai["sekolah_id"]
        baris_peran.append((p, lama))
    db.session.flush()

    for p, lama in baris_peran:
        if lama.id not in akun and kunci_pegawai(p) in sandi:
            polos, hashed = sandi[kunci_pegawai(p)]
            username = p.get("username") or p["nip"]
            baru = Akun(username=username, pegawai_id=lama.id, sandi_hash=hashed,
                        harus_ganti_sandi=True)
            db.session.add(baru)
            akun_dibuat.append(baru)
            akun.add(lama.id)
            akun_baru.append((p.get("nip") or "", p["nama"], username, polos))
    if "peran" in r.kolom_pegawai:
        ks_diakhiri = _sinkron_peran(baris_peran, sekolah, dinas_id, hari_ini, mulai_baku)
    db.session.flush()
    return Hasil(dict(r.jumlah), akun_baru, ks_diakhiri, akun_dibuat)


def _sinkron_peran(baris_peran, sekolah, dinas_id, hari_ini, mulai_baku):
    """Make each listed person's active roles equal the file; replace displaced principals."""
    ids = [peg.id for _, peg in baris_peran]
    aktif = db.session.scalars(
        select(Penugasan).where(Penugasan.pegawai_id.in_(ids), Penugasan.aktif_pada(hari_ini))
    ).all()
    per_pegawai: dict[int, list[Penugasan]] = {}
    for t in aktif:
        per_pegawai.setdefault(t.pegawai_id, []).append(t)
    kemarin = hari_ini - timedelta(days=1)
    ingin_per = {}
    ks_baru = {}
    for p, peg in baris_peran:
        ingin = set()
        for kode in p["peran"]:
            sid = sekolah[p["npsn"]].id if kode in PERAN_KS else None
            ingin.add((kode, sid))
            if kode in PERAN_KS:
                ks_baru[sid] = peg.id
        ingin_per[peg.id] = ingin
    # Schools led today by someone else: a new leader starts today, not on 1 January,
    # so the history never shows two principals at once.
    berpemimpin = set(db.session.scalars(
        select(Penugasan.sekolah_id).where(
            Penugasan.sekolah_id.in_(list(ks_baru)), Penugasan.peran.in_(PERAN_KS),
            Penugasan.aktif_pada(hari_ini))
    )) if ks_baru else set()
    for p, peg in baris_peran:
        ingin = ingin_per[peg.id]
        ada = {(t.peran, t.sekolah_id): t for t in per_pegawai.get(peg.id, [])}
        for kunci, t in ada.items():
            if kunci not in ingin:
                _akhiri(t, kemarin)
        for kode, sid in ingin - set(ada):
            mulai = p.get("tmt_peran") or (hari_ini if sid in berpemimpin else mulai_baku)
            db.session.add(Penugasan(pegawai_id=peg.id, peran=kode, sekolah_id=sid,
                                     dinas_id=dinas_id, mulai=mulai))
    if not ks_baru:
        return []
    # A school has one leader: end the assignment of a principal the file does not list.
    lain = db.session.execute(
        select(Penugasan, Pegawai.nama).join(Pegawai, Penugasan.pegawai_id == Pegawai.id)
        .where(Penugasan.sekolah_id.in_(list(ks_baru)),
               Penugasan.peran.in_(PERAN_KS),
               Penugasan.aktif_pada(hari_ini), Penugasan.pegawai_id.not_in(ids))
    ).all()
    diakhiri = []
    for t, nama in lain:
        _akhiri(t, kemarin)
        diakhiri.append(f"{nama} ({PERAN_LABEL[t.peran]})")
    return diakhiri


def _akhiri(tugas, kemarin):
    if tugas.mulai > kemarin:
        db.session.delete(tugas)
    else:
        tugas.selesai = kemarin


# ---------------------------------------------------------------- the state changes

def _roster(impor_atau_jenis):
    jenis = getattr(impor_atau_jenis, "jenis", impor_atau_jenis)
    return jenis == "roster"


def unggah(akun, jenis, nama, isi, sha256, rencana):
    """Store an uploaded list for its preview (`rencana`: the check of its rows)."""
    impor = ImporBerkas(akun_id=akun.id, dinas_id=akun.peran.dinas_id, jenis=jenis,
                        nama_berkas=nama, isi=isi, sha256=sha256,
                        ringkasan=rencana.ringkasan())
    db.session.add(impor)
    if _roster(jenis):
        catat("impor_diunggah", impor, catatan=nama, data={"galat": len(rencana.galat)})
    else:
        catat("referensi_diunggah", impor, ke=jenis, catatan=nama,
              data={"galat": len(rencana.galat)})
    return impor


def perbarui_pratinjau(impor, rencana):
    """The data changed since the preview and the list now has errors: the preview shows
    them (the import stays a preview; no audit row, nothing else changes)."""
    impor.ringkasan = rencana.ringkasan()


def terapkan_roster(impor, akun, rencana, sandi, tanggal, tahun):
    """Apply a checked roster (the caller holds the import row's lock and checked it is a
    preview). `sandi`: the new accounts' one-time passwords, hashed beforehand."""
    hasil = tulis_roster(rencana, impor.dinas_id, sandi, tanggal, tahun, akun)
    impor.status = StatusImpor.DITERAPKAN
    impor.diterapkan = sekarang()
    impor.diterapkan_oleh = akun.id
    _catat_akun(impor, hasil.akun)
    impor.ringkasan = {**rencana.ringkasan(), "ks_diakhiri": hasil.ks_diakhiri,
                       "akun_dibuat": len(hasil.akun_baru)}
    catat("impor_diterapkan", impor, dari=StatusImpor.PRATINJAU, ke=StatusImpor.DITERAPKAN,
          catatan=impor.nama_berkas, data={**hasil.jumlah, "sha256": impor.sha256},
          akun=akun)
    return hasil


def terapkan_roster_cli(dinas, nama, isi, sha256, rencana, sandi, tanggal, tahun):
    """`flask impor-roster --terapkan`: recorded like an upload without an uploader, with
    the accounts it created (so their one-time passwords can be made again)."""
    hasil = tulis_roster(rencana, dinas.id, sandi, tanggal, tahun)
    impor = ImporBerkas(akun_id=None, dinas_id=dinas.id, nama_berkas=nama, isi=isi,
                        sha256=sha256, status=StatusImpor.DITERAPKAN, diterapkan=sekarang(),
                        ringkasan={**rencana.ringkasan(), "ks_diakhiri": hasil.ks_diakhiri,
                                   "akun_dibuat": len(hasil.akun_baru)})
    db.session.add(impor)
    _catat_akun(impor, hasil.akun)
    catat("impor_diterapkan", impor, catatan=f"CLI: {nama}", data=hasil.jumlah)
    return impor, hasil


def terapkan_referensi(impor, rencana):
    """Apply a checked reference list (row locked, a preview); {baru, diubah, …}."""
    jumlah = _tulis_referensi(rencana, impor.dinas_id)
    impor.status, impor.diterapkan = StatusImpor.DITERAPKAN, sekarang()
    impor.ringkasan = rencana.ringkasan()
    catat("referensi_diterapkan", impor, dari=StatusImpor.PRATINJAU, ke=StatusImpor.DITERAPKAN,
          catatan=f"{JENIS_REFERENSI[impor.jenis]}: {impor.nama_berkas}",
          data={**jumlah, "sha256": impor.sha256})
    return jumlah


def batalkan(impor):
    """Cancel a preview (the caller locked and re-read it); False when it is none now."""
    if impor.status != StatusImpor.PRATINJAU:
        return False
    impor.status = StatusImpor.DIBATALKAN
    aksi = "impor_dibatalkan" if _roster(impor) else "referensi_dibatalkan"
    catat(aksi, impor, dari=StatusImpor.PRATINJAU, ke=StatusImpor.DIBATALKAN)
    return True


@dataclass
class SandiUlang:
    baru: list  # (nip, nama, username, sandi) with a new one-time password
    tetap: list  # (nip, nama, username, alasan): already signed in, or deactivated


def buat_ulang_sandi(impor_id, daftar, sandi, *, cli=False):
    """New one-time passwords for the accounts an applied roster created that never
    signed in (the caller checked who may). `daftar`: the import's accounts, `sandi`: for
    those that had not signed in, {account id: (password, hash)}, both read and hashed
    beforehand (`impor.sandi.siapkan_ulang`); each account changes only if it still has
    not signed in now. (import, SandiUlang)."""
    # One regeneration at a time per import (a double click waits for the first).
    impor = db.session.scalars(select(ImporBerkas).where(ImporBerkas.id == impor_id)
                               .with_for_update()).one()
    baru, tetap = [], []
    for a in daftar:
        if a.id in sandi:
            polos, hashed = sandi[a.id]
            hasil = db.session.execute(
                update(Akun).where(Akun.id == a.id, Akun.terakhir_masuk.is_(None),
                                   Akun.aktif.is_(True))
                .values(sandi_hash=hashed, harus_ganti_sandi=True, gagal_masuk=0,
                        terkunci_sampai=None))
            diubah = getattr(hasil, "rowcount", 0) == 1  # a CursorResult for an UPDATE
            if diubah:
                baru.append((a.nip or "", a.nama, a.username, polos))
                continue
        alasan = "akun nonaktif" if not a.aktif else "sudah masuk; sandinya tetap"
        tetap.append((a.nip or "", a.nama, a.username, alasan))
    catat("impor_sandi_dibuat_ulang", impor,
          catatan=f"CLI: {impor.nama_berkas}" if cli else impor.nama_berkas,
          data={"jumlah": len(baru), "sudah_masuk": len(tetap)})
    return impor, SandiUlang(baru, tetap)


def _catat_akun(impor, akun):
    """Record the accounts an import created (so their one-time passwords can be made
    again: `buat_ulang_sandi`)."""
    db.session.flush()
    for a in akun:
        db.session.add(ImporAkun(impor_id=impor.id, akun_id=a.id))


# ---------------------------------------------------------------- the reference lists

def lama_referensi(jenis, dinas_id):
    """The Dinas' current list, by key."""
    model, kunci = MODEL_REFERENSI[jenis], KUNCI_REFERENSI[jenis]
    return {getattr(x, kunci): x for x in db.session.scalars(
        select(model).where(model.dinas_id == dinas_id))}


def _tulis_referensi(r, dinas_id) -> dict:
    """Make the Dinas' list equal the file (a plan of `sinkro.referensi.periksa`)."""
    assert r.bersih, "only a plan without errors can be applied"
    model, kunci = MODEL_REFERENSI[r.jenis], KUNCI_REFERENSI[r.jenis]
    lama = lama_referensi(r.jenis, dinas_id)
    ada = set()
    for b in r.baris:
        ada.add(b[kunci])
        x = lama.get(b[kunci])
        if x is None:
            x = model(dinas_id=dinas_id, **{kunci: b[kunci]})
            db.session.add(x)
        for f in BIDANG_REFERENSI[r.jenis]:
            if getattr(x, f) != b[f]:
                setattr(x, f, b[f])
    hapus = [x.id for k, x in lama.items() if k not in ada]
    if hapus:
        db.session.execute(delete(model).where(model.id.in_(hapus)))
    db.session.flush()
    return dict(r.jumlah)
