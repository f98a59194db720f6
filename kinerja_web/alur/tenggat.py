"""Deadlines of the year's calendar per person: the rule set's date (`aturan.tenggat`), moved
for one pegawai by an extension the Dinas granted (`PerpanjanganTenggat`).

`tenggat_pegawai` is what a page shows and what reminders read; `pastikan_tenggat` is what a
transition calls before it acts (refusing with the date and the reason in Indonesian);
`beri_perpanjangan` is the Dinas' act, audited. Only the stages the year marks
`ditegakkan` have a deadline: a 2025 SKP is never refused for a date.
"""

from datetime import date

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from kinerja_web import aturan
from kinerja_web.alur import Ditolak, IsianSalah, catat
from kinerja_web.extensions import db
from kinerja_web.models import Pegawai
from kinerja_web.models.tenggat import PerpanjanganTenggat
from kinerja_web.waktu import format_tanggal, hari_ini

ALASAN_MAKS = 500


def _isian(bidang, pesan):
    """A refusal to show on one field of the extension form (`bidang`: tahap, sampai, alasan)."""
    e = IsianSalah(pesan)
    e.bidang = bidang  # type: ignore[attr-defined]
    return e


# session.info: the last days of a pegawai's extensions known in this transaction without a
# query of their own: {(pegawai_id, tahun_id): {Tahap: date}}, (pegawai_id, None) for "none
# in any year". The user loader reads the signed-in person's with his account.
DIKETAHUI = "perpanjangan_diketahui"


def ingat_perpanjangan(pegawai_id, tahun_id=None, sampai=None):
    """Remember for this transaction the pegawai's extensions of a year ({Tahap: last
    day}), or without a year that he holds none at all; forgotten at commit or rollback
    and by `beri_perpanjangan`."""
    db.session.info.setdefault(DIKETAHUI, {})[pegawai_id, tahun_id] = sampai or {}


def perpanjangan_diketahui(pegawai_id, tahun_id):
    """{Tahap: last day} of the pegawai's extensions of the year as this transaction knows
    them (`ingat_perpanjangan`; {} when he holds none), or None when it does not."""
    diketahui = db.session.info.get(DIKETAHUI, {})
    for kunci in ((pegawai_id, None), (pegawai_id, tahun_id)):
        if kunci in diketahui:
            return diketahui[kunci]
    return None


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _lupakan(sesi):
    sesi.info.pop(DIKETAHUI, None)


def perpanjangan(pegawai, tahun, tahap, *, segar=False):
    """The extension this pegawai holds for this stage of the year, or None (`segar`: read
    afresh from the database, not from the session's copy)."""
    return db.session.scalar(select(PerpanjanganTenggat).where(
        PerpanjanganTenggat.pegawai_id == pegawai.id,
        PerpanjanganTenggat.tahun_id == tahun.id,
        PerpanjanganTenggat.tahap == aturan.Tahap(tahap))
        .execution_options(populate_existing=segar))


def _sampai_perpanjangan(pegawai, tahun, tahap):
    """The last day of the pegawai's extension for this stage of the year, or None; from
    what the transaction knows (`ingat_perpanjangan`) when it can."""
    diketahui = db.session.info.get(DIKETAHUI, {})
    for kunci in ((pegawai.id, None), (pegawai.id, tahun.id)):
        if kunci in diketahui:
            return diketahui[kunci].get(aturan.Tahap(tahap))
    p = perpanjangan(pegawai, tahun, tahap)
    return p.sampai if p is not None else None


def tenggat_pegawai(pegawai, tahun, tahap) -> date | None:
    """The last day this pegawai may act in this stage of the year: the rule set's
    deadline, or the later date of an extension granted to him; None when the year
    enforces no deadline for the stage."""
    batas = aturan.tenggat(aturan.muat_aturan(tahun.aturan), tahap)
    if batas is None:
        return None
    sampai = _sampai_perpanjangan(pegawai, tahun, tahap)
    return max(batas, sampai) if sampai is not None else batas


def info_tenggat(pegawai, tahun, tahap):
    """What a page shows before the user acts: {"nama", "batas", "diperpanjang", "lewat"}
    (the stage's name in a sentence, the person's last day, whether that day comes from an
    extension, whether it has passed), or None when the stage has no deadline this year."""
    atr = aturan.muat_aturan(tahun.aturan)
    batas = aturan.tenggat(atr, tahap)
    if batas is None:
        return None
    milik = tenggat_pegawai(pegawai, tahun, tahap)
    return {"nama": atr.kalender[aturan.Tahap(tahap)].nama, "batas": milik,
            "diperpanjang": milik != batas, "lewat": hari_ini() > milik, "tahun": atr.tahun}


def pastikan_tenggat(pegawai, tahun, tahap, *, atasan=False):
    """Refuse (Ditolak) when the pegawai's deadline for this stage has passed today.

    `atasan`: the act is the atasan's on the pegawai's plan (the extension is still the
    pegawai's: the Dinas reopens that one plan)."""
    info = info_tenggat(pegawai, tahun, tahap)
    if info is None or not info["lewat"]:
        return
    nama, batas = info["nama"], format_tanggal(info["batas"])
    if info["diperpanjang"]:
        awal = f"Perpanjangan {nama} {'pegawai ini' if atasan else 'Anda'} sampai {batas}"
    else:
        awal = f"Batas {nama} tahun {info['tahun']} adalah {batas}"
    siapa = "untuk pegawai ini" if atasan else "bila Anda membutuhkan perpanjangan"
    raise Ditolak(f"{awal}; batas itu sudah lewat, sehingga SKP terkunci untuk tahap ini. "
                  f"Hubungi Operator Dinas {siapa}.")


def boleh_memperpanjang(peran, pegawai):
    """Whether this person may extend a deadline of this pegawai: the Operator Dinas or the
    Kepala Dinas of the pegawai's own Dinas."""
    return (peran.operator_dinas or peran.kepala_dinas) and peran.dinas_id == pegawai.dinas_id


def tahap_bertenggat(tahun):
    """The stages the year enforces a deadline for, in calendar order: [(tahap, nama, batas)]."""
    atr = aturan.muat_aturan(tahun.aturan)
    return [(t.tahap, t.nama, t.selesai) for t in atr.kalender if t.ditegakkan]


def beri_perpanjangan(pegawai, tahun, tahap, sampai, alasan, aktor):
    """Extend one stage's deadline for one pegawai until `sampai`, with a reason.

    Granting again replaces the date and the reason (one row per person, year and stage);
    the audit row keeps the old and the new. Refused for another Dinas' pegawai, a stage the
    year enforces no deadline for, a date not after the year's deadline or past the year's
    end, and an empty reason (each with its message on its field)."""
    if not boleh_memperpanjang(aktor.peran, pegawai):
        raise Ditolak("Hanya Operator Dinas atau Kepala Dinas dari Dinas pegawai ini yang "
                      "dapat memberi perpanjangan.")
    atr = aturan.muat_aturan(tahun.aturan)
    try:
        tahap = aturan.Tahap(tahap)
    except ValueError:
        raise _isian("tahap", "Pilih tahap yang diperpanjang.") from None
    batas = aturan.tenggat(atr, tahap)
    if batas is None:
        raise _isian("tahap", f"Tahap {tahap.label} tidak memiliki tenggat di tahun "
                              f"{atr.tahun}; tidak ada yang perlu diperpanjang.")
    if not isinstance(sampai, date):
        raise _isian("sampai", "Isi tanggal akhir perpanjangan.")
    if sampai <= batas:
        raise _isian("sampai", f"Tanggal perpanjangan harus sesudah batas "
                               f"{atr.kalender[tahap].nama} ({format_tanggal(batas)}).")
    if sampai > atr.periode_selesai:
        raise _isian("sampai", f"Tanggal perpanjangan paling lambat akhir tahun kinerja "
                               f"({format_tanggal(atr.periode_selesai)}).")
    alasan = (alasan or "").strip()
    if not alasan:
        raise _isian("alasan", "Tulis alasan perpanjangan (mis. sakit, tugas dinas, kendala data).")
    if len(alasan) > ALASAN_MAKS:
        raise _isian("alasan", f"Alasan paling banyak {ALASAN_MAKS} karakter.")
    diketahui = db.session.info.get(DIKETAHUI, {})
    diketahui.pop((pegawai.id, None), None)
    diketahui.pop((pegawai.id, tahun.id), None)
    # The pegawai's row locked first: of two identical grants at once the second waits,
    # then reads the first's row (afresh) and, the values being the same, writes and
    # audits nothing (without it both inserted: a UNIQUE race, 500 on PostgreSQL).
    db.session.execute(select(Pegawai.id).where(Pegawai.id == pegawai.id).with_for_update())
    baris = perpanjangan(pegawai, tahun, tahap, segar=True)
    if baris is not None and (baris.sampai, baris.alasan) == (sampai, alasan):
        return baris
    lama = None
    if baris is None:
        baris = PerpanjanganTenggat(pegawai_id=pegawai.id, tahun_id=tahun.id, tahap=tahap,
                                    sampai=sampai, alasan=alasan, akun_id=aktor.id)
        db.session.add(baris)
    else:
        lama = {"sampai": baris.sampai.isoformat(), "alasan": baris.alasan}
        baris.sampai, baris.alasan, baris.akun_id = sampai, alasan, aktor.id
    catat("tenggat_diperpanjang", baris, dari=lama["sampai"] if lama else None,
          ke=sampai.isoformat(), catatan=alasan, akun=aktor,
          data={"pegawai_id": pegawai.id, "tahun": atr.tahun, "tahap": tahap.value,
                "batas_aturan": batas.isoformat(), "sebelumnya": lama})
    return baris


def daftar_perpanjangan(pegawai):
    """Every extension this pegawai holds, newest year first."""
    return db.session.scalars(
        select(PerpanjanganTenggat).where(PerpanjanganTenggat.pegawai_id == pegawai.id)
        .order_by(PerpanjanganTenggat.tahun_id.desc(), PerpanjanganTenggat.tahap)).all()
