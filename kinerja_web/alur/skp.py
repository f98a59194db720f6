"""SKP transitions: Draf → Diajukan → (Dikembalikan → Diajukan) → Disetujui → Disepakati.

Every function checks the actor and the state, changes the row, bumps `versi` and
writes one audit row; the caller holds the row lock and commits.
"""

from datetime import date, timedelta

from sqlalchemy import func, select

from kinerja_web import aturan, pracetak
from kinerja_web.alur import Ditolak, catat
from kinerja_web.alur import tahun as alur_tahun
from kinerja_web.alur.prarencana import alasan_tertutup, pastikan_terbuka
from kinerja_web.alur.syarat import aturan_skp, predikat_ditetapkan
from kinerja_web.alur.tenggat import info_tenggat, pastikan_tenggat
from kinerja_web.atasan import (
    atasan_skp,
    boleh_menilai,
    dinilai_dinas,
    kepala_dinas_dan_rencana,
    pimpinan_satu_sekolah,
    rencana_disepakati,
)
from kinerja_web.extensions import db
from kinerja_web.models import JenisMutasi, Mutasi, Penugasan, StatusTahun
from kinerja_web.models.org import ASN
from kinerja_web.models.skp import PosisiSkp, Skp, StatusSkp
from kinerja_web.waktu import format_tanggal, sekarang

BISA_DIUBAH_PEGAWAI = (StatusSkp.DRAF, StatusSkp.DIKEMBALIKAN)
JUDUL_LANGKAH = {
    1: "Pelaksanaan Tugas Pokok 5M",
    2: "Praktik Kinerja",
    3: "Pengembangan Kompetensi",
    4: "Perilaku Kerja",
    5: "Rangkuman Perencanaan Kinerja Anda",
}


def _pastikan_pemilik(skp, aktor):
    if skp.pegawai_id != aktor.pegawai_id:
        raise Ditolak("Hanya pegawai pemilik SKP yang dapat melakukan ini.")


def _pastikan_atasan(skp, aktor):
    if not boleh_menilai(aktor.peran, skp):
        raise Ditolak("Anda bukan atasan (Pejabat Penilai Kinerja) untuk SKP ini.")


def _pastikan_status(skp, boleh, pesan):
    if skp.status not in boleh:
        raise Ditolak(pesan)


def _ganti_status(skp, ke, aktor, aksi, catatan=None):
    dari = skp.status
    skp.status = ke
    skp.versi += 1
    catat(aksi, skp, dari=dari, ke=ke, catatan=catatan, akun=aktor)


def alasan_tidak_ikut(pegawai, tahun):
    """Why this person is out of the year's scope (the year's rules: 2026 takes in ASN
    seconded to private schools), or None when he takes part."""
    status = aturan.muat_aturan(tahun.aturan).status_tidak_ikut(pegawai.keikutsertaan)
    if status is None:
        return None
    return (f"Anda tidak mengikuti pengelolaan kinerja di aplikasi ini: {status.label}. "
            f"{pegawai.keikutsertaan_alasan or status.penjelasan}")


def boleh_membuat(pegawai, posisi, peran, tahun):
    """Why this person cannot start an SKP in this position in this year, or None."""
    if alasan := alasan_tidak_ikut(pegawai, tahun):
        return alasan
    if pegawai.status_kepegawaian not in ASN:
        return "SKP hanya untuk ASN (PNS atau PPPK)."
    keluar = db.session.scalar(select(Mutasi).where(
        Mutasi.pegawai_id == pegawai.id,
        Mutasi.jenis.in_((JenisMutasi.PENSIUN, JenisMutasi.BERHENTI))))
    if keluar is not None:
        return (f"Anda tercatat {keluar.jenis.label.lower()} sejak "
                f"{format_tanggal(keluar.tmt)}; SKP Anda berlaku sampai akhir periode kerja.")
    if posisi == PosisiSkp.GURU and not peran.guru:
        return "Anda tidak tercatat sebagai guru di satuan pendidikan."
    if posisi == PosisiSkp.KEPALA_SEKOLAH and not peran.ks_sekolah:
        return "Anda tidak tercatat sebagai Kepala Sekolah definitif."
    if posisi == PosisiSkp.PLT_KEPALA_SEKOLAH and not peran.plt_sekolah:
        return "Anda tidak tercatat sebagai Plt. Kepala Sekolah."
    try:
        pastikan_tenggat(pegawai, tahun, aturan.Tahap.PENGAJUAN_SKP)
    except Ditolak as e:
        return str(e)
    return alasan_tertutup(_sekolah_posisi(pegawai, posisi, peran), tahun)


def _sekolah_posisi(pegawai, posisi, peran):
    """The school an SKP in this position belongs to (the one a principal leads)."""
    if posisi == PosisiSkp.KEPALA_SEKOLAH:
        return min(peran.ks_sekolah)
    if posisi == PosisiSkp.PLT_KEPALA_SEKOLAH:
        return min(peran.plt_sekolah)
    return pegawai.sekolah_id


def periode_bagian_baru(pegawai_id, posisi, tahun):
    """The period of a part the pegawai starts himself: from the day after the last part a
    Mutasi closed (or from the TMT of his Plt./principal assignment) to the year's end."""
    mulai, selesai = date(tahun.tahun, 1, 1), date(tahun.tahun, 12, 31)
    akhir = db.session.scalar(select(func.max(Skp.selesai)).where(
        Skp.pegawai_id == pegawai_id, Skp.tahun_id == tahun.id, Skp.posisi == posisi,
        Skp.ditutup.is_not(None)))
    if akhir is not None:
        mulai = max(mulai, akhir + timedelta(days=1))
    if posisi != "guru":
        tmt = db.session.scalar(select(func.max(Penugasan.mulai)).where(
            Penugasan.pegawai_id == pegawai_id, Penugasan.peran == posisi,
            Penugasan.mulai <= selesai))
        if tmt is not None:
            mulai = max(mulai, tmt)
    if mulai > selesai:
        raise Ditolak("Tidak ada sisa periode tahun ini untuk SKP baru.")
    return mulai, selesai


def buat(pegawai, posisi, tahun, aktor):
    """A new draft SKP for the signed-in person."""
    alasan = boleh_membuat(pegawai, posisi, aktor.peran, tahun)
    if alasan:
        raise Ditolak(alasan)
    td = alur_tahun.tahun_dinas(pegawai.dinas_id, tahun.tahun)
    if td is None or td.status == StatusTahun.PERSIAPAN:
        raise Ditolak(f"Perencanaan Kinerja tahun {tahun.tahun} belum dibuka oleh Dinas "
                      "Pendidikan.")
    sekolah_id = _sekolah_posisi(pegawai, posisi, aktor.peran)
    mulai, selesai = periode_bagian_baru(pegawai.id, posisi, tahun)
    skp = Skp(pegawai_id=pegawai.id, tahun_id=tahun.id, posisi=posisi, sekolah_id=sekolah_id,
              status=StatusSkp.DRAF, versi=1, aspek_fokus=[], mulai=mulai, selesai=selesai)
    skp.tahun = tahun
    skp.pegawai = pegawai
    if posisi != PosisiSkp.GURU:
        skp.tugas_tambahan = False  # principals have no tugas tambahan step question
    db.session.add(skp)
    db.session.flush()
    catat("skp_dibuat", skp, ke=StatusSkp.DRAF, akun=aktor)
    return skp


PILIHAN_PEGAWAI = ("tugas_tambahan", "nama_tugas_tambahan", "praktik_kode", "kompetensi_kode",
                   "aspek_fokus")


def _terapkan(skp, nilai, bidang):
    """Set the given fields; return {field: [old, new]} for the ones that changed."""
    ubah = {}
    for k in bidang:
        if k in nilai and getattr(skp, k) != nilai[k]:
            ubah[k] = [getattr(skp, k), nilai[k]]
            setattr(skp, k, nilai[k])
    return ubah


def simpan_pilihan(skp, aktor, nilai, otomatis=False):
    """Save the pegawai's draft choices (any subset); audited when something changed."""
    _pastikan_pemilik(skp, aktor)
    _pastikan_status(skp, BISA_DIUBAH_PEGAWAI,
                     "Perencanaan Kinerja sudah diajukan; tunggu keputusan atasan.")
    _periksa_kode(skp, nilai)
    ubah = _terapkan(skp, nilai, PILIHAN_PEGAWAI)
    if ubah:
        skp.versi += 1
        catat("skp_draf_otomatis" if otomatis else "skp_draf_disimpan", skp,
              data=ubah, akun=aktor)
    return ubah


def _periksa_kode(skp, nilai):
    """Codes must come from the year's catalogue for this position (tampered forms)."""
    atr = aturan_skp(skp)
    posisi = skp.katalog_posisi
    for kunci, katalog in (("praktik_kode", {i.kode for i in atr.pilihan_praktik(posisi)}),
                           ("atasan_praktik_kode", {i.kode for i in atr.pilihan_praktik(posisi)}),
                           ("kompetensi_kode", set(atr.kompetensi(posisi).kode)),
                           ("atasan_kompetensi_kode", set(atr.kompetensi(posisi).kode))):
        if nilai.get(kunci) is not None and nilai[kunci] not in katalog:
            raise Ditolak(f"Pilihan '{nilai[kunci]}' tidak ada di katalog {atr.tahun}.")
    for kunci in ("aspek_fokus", "atasan_aspek_fokus"):
        if nilai.get(kunci) is None:
            continue
        pilihan = nilai[kunci]
        if any(k not in atr.perilaku for k in pilihan) or len(set(pilihan)) != len(pilihan):
            raise Ditolak("Aspek perilaku yang dipilih tidak dikenal.")
        if len(pilihan) > atr.fokus_perilaku_paling_banyak:
            raise Ditolak(f"Pilih paling banyak {atr.fokus_perilaku_paling_banyak} aspek.")
    if nilai.get("ekspektasi"):
        if any(k not in atr.perilaku for k in nilai["ekspektasi"]):
            raise Ditolak("Aspek perilaku tidak dikenal.")


def langkah_belum_lengkap(skp):
    """{step number: what is missing} for the teacher's five-step wizard."""
    atr = aturan_skp(skp)
    posisi = skp.katalog_posisi
    kurang = {}
    if skp.tugas_tambahan is None:
        kurang[1] = "Jawab apakah Anda memiliki tugas tambahan."
    if skp.praktik_kode not in {i.kode for i in atr.pilihan_praktik(posisi)}:
        kurang[2] = "Pilih satu indikator praktik kinerja."
    if skp.kompetensi_kode not in atr.kompetensi(posisi):
        kurang[3] = "Pilih satu indikator kompetensi."
    n = len(skp.aspek_fokus or [])
    if not atr.fokus_perilaku_paling_sedikit <= n <= atr.fokus_perilaku_paling_banyak:
        kurang[4] = (f"Pilih {atr.fokus_perilaku_paling_sedikit}–"
                     f"{atr.fokus_perilaku_paling_banyak} aspek perilaku kerja sebagai fokus.")
    return kurang


def susun_rhk(skp, intervensi=None):
    """The RHK texts of the choices in force, copied from the year's catalogue, with the
    aspek, indicator and target they are printed and sent with. `intervensi`: {kategori:
    (RHK, indicator)} of the atasan's agreed plan each RHK intervenes (`intervensi_atasan`).
    A principal's plan also carries the organisational RHK of the year (SPEC §12)."""
    atr = aturan_skp(skp)
    posisi = skp.katalog_posisi
    intervensi = intervensi or {}

    def isi(kode, **kata):
        item = atr.isi_skp.get(kode)
        if item is None:
            return {"aspek": "", "indikator": "", "target": ""}
        return {"aspek": item.aspek, "indikator": item.indikator.format(**kata),
                "target": item.target}

    def atasan(kategori):
        rhk, indikator = intervensi.get(kategori, (None, None))
        return {"rhk_atasan": rhk, "indikator_atasan": indikator}

    out = []
    if posisi == PosisiSkp.KEPALA_SEKOLAH:
        for o in atr.rhk_organisasi:
            out.append({"jenis": "utama", "kategori": "organisasi", "kode": o.kode,
                        "rhk": o.rhk, "rhk_atasan": None, "indikator_atasan": None,
                        "aspek": "Kualitas", "indikator": o.indikator, "target": o.target,
                        "perspektif": o.perspektif})
    praktik = atr.praktik(posisi).get(skp.praktik_berlaku)
    if praktik is not None:
        out.append({"jenis": "utama", "kategori": "praktik", "kode": praktik.kode,
                    "rhk": praktik.rhk, **atasan("praktik"),
                    **isi("praktik", sub_indikator=praktik.sub_indikator.lower())})
    komp = atr.kompetensi(posisi).get(skp.kompetensi_berlaku)
    if komp is not None:
        out.append({"jenis": "utama", "kategori": "kompetensi", "kode": komp.kode,
                    "rhk": komp.rhk, **atasan("kompetensi"),
                    **isi("kompetensi", teks=komp.teks.lower())})
    for t in atr.tugas_pokok(posisi):
        if t.butuh_tugas_tambahan:
            if skp.tugas_tambahan_berlaku:
                out.append({"jenis": "tambahan", "kategori": "tugas_tambahan", "kode": t.kode,
                            "rhk": t.rhk, **atasan("tugas_tambahan"),
                            **isi("tugas_tambahan",
                                  nama=(skp.nama_tugas_tambahan or "").lower())})
        else:
            out.append({"jenis": "tugas_pokok", "kategori": "tugas_pokok", "kode": t.kode,
                        "rhk": t.rhk, "rhk_atasan": None, "aspek": "", "indikator": "",
                        "target": ""})
    return out


def intervensi_atasan(skp):
    """{kategori: (RHK, indicator)} of the atasan's agreed plan that this plan's RHK
    intervene, per the year's mapping (teacher RHK → the principal's organisational RHK);
    empty when there is no agreed plan of the atasan. e-Kinerja matches by both texts."""
    if skp.atasan_id is None:
        return {}
    milik = rencana_disepakati(skp.atasan_id, skp.tahun_id)
    if milik is None:
        return {}
    atr = aturan_skp(skp)
    punya = {(r["rhk"], r.get("indikator") or None) for r in milik.rhk or []
             if r.get("jenis") == "utama"}
    out = {}
    for i in atr.intervensi:
        o = atr.rhk_organisasi.get(i.rhk_organisasi)
        if o is not None and (o.rhk, o.indikator) in punya:
            out[i.kode] = (o.rhk, o.indikator)
    return out


def tahap_ajukan(skp):
    """The calendar stage whose deadline a submission meets: a first submission the
    submission deadline; a plan the atasan returned (submitted in time) the approval one."""
    if skp.status == StatusSkp.DIKEMBALIKAN:
        return aturan.Tahap.PERSETUJUAN_SKP
    return aturan.Tahap.PENGAJUAN_SKP


def tenggat_skp(skp):
    """The deadline shown on the plan's page before its next act, or None: the
    submission's while the pegawai edits it, the approval's while it waits for the atasan."""
    if skp.status in BISA_DIUBAH_PEGAWAI:
        tahap = tahap_ajukan(skp)
    elif skp.status == StatusSkp.DIAJUKAN:
        tahap = aturan.Tahap.PERSETUJUAN_SKP
    else:
        return None
    return info_tenggat(skp.pegawai, skp.tahun, tahap)


def ajukan(skp, aktor):
    """Draf/Dikembalikan → Diajukan: every step complete, an atasan to send it to, and the
    year's deadline (or the pegawai's extension) not passed."""
    _pastikan_pemilik(skp, aktor)
    _pastikan_status(skp, BISA_DIUBAH_PEGAWAI, "Perencanaan Kinerja ini sudah diajukan.")
    pastikan_tenggat(skp.pegawai, skp.tahun, tahap_ajukan(skp))
    pastikan_terbuka(skp.sekolah_id, skp.tahun)
    kurang = langkah_belum_lengkap(skp)
    if kurang:
        raise Ditolak("Lengkapi dulu: " + " ".join(
            f"Langkah {n} ({JUDUL_LANGKAH[n]}): {pesan}" for n, pesan in kurang.items()))
    atasan = atasan_skp(skp)
    if atasan.pegawai is None:
        raise Ditolak(atasan.alasan)
    skp.atasan_id = atasan.pegawai.id
    skp.rhk = susun_rhk(skp)
    skp.diajukan = sekarang()
    # The note of an earlier return was answered by this submission (the audit keeps it);
    # the atasan starts the new review with an empty note ("Simpan draf" keeps his next one).
    skp.catatan_atasan = None
    _ganti_status(skp, StatusSkp.DIAJUKAN, aktor, "skp_diajukan")


PENYESUAIAN = ("atasan_praktik_kode", "atasan_kompetensi_kode", "atasan_aspek_fokus",
               "atasan_tugas_tambahan", "ekspektasi")


def simpan_penyesuaian(skp, aktor, nilai):
    """The atasan's draft adjustments while the plan waits for approval."""
    _pastikan_atasan(skp, aktor)
    _pastikan_status(skp, (StatusSkp.DIAJUKAN,), "Perencanaan Kinerja ini tidak sedang menunggu "
                                          "persetujuan.")
    _periksa_kode(skp, nilai)
    nilai = dict(nilai)
    # Choosing what the pegawai chose is no adjustment.
    for sendiri, atasan_k in (("praktik_kode", "atasan_praktik_kode"),
                              ("kompetensi_kode", "atasan_kompetensi_kode")):
        if atasan_k in nilai and nilai[atasan_k] == getattr(skp, sendiri):
            nilai[atasan_k] = None
    if "atasan_aspek_fokus" in nilai and nilai["atasan_aspek_fokus"] is not None and \
            sorted(nilai["atasan_aspek_fokus"]) == sorted(skp.aspek_fokus or []):
        nilai["atasan_aspek_fokus"] = None
    if "atasan_tugas_tambahan" in nilai and \
            nilai["atasan_tugas_tambahan"] == bool(skp.tugas_tambahan):
        nilai["atasan_tugas_tambahan"] = None
    ubah = _terapkan(skp, nilai, PENYESUAIAN)
    if ubah:
        skp.versi += 1
        catat("skp_penyesuaian_atasan", skp, data=ubah, akun=aktor)
    return ubah


def simpan_catatan_draf(skp, aktor, catatan):
    """"Simpan draf" on the approval's last step: the atasan's note is kept while the plan
    waits (the pegawai sees it only once the plan is approved or returned)."""
    _pastikan_atasan(skp, aktor)
    _pastikan_status(skp, (StatusSkp.DIAJUKAN,), "Perencanaan Kinerja ini tidak sedang menunggu "
                                          "persetujuan.")
    catatan = (catatan or "").strip() or None
    if catatan == skp.catatan_atasan:
        return False
    lama, skp.catatan_atasan = skp.catatan_atasan, catatan
    skp.versi += 1
    catat("skp_catatan_draf", skp, data={"catatan": [lama, catatan]}, akun=aktor)
    return True


def setujui(skp, aktor, catatan=None):
    """Diajukan → Disetujui; the RHK texts are copied again with the adjustments. A note
    the atasan typed is kept for the pegawai, not thrown away."""
    _pastikan_atasan(skp, aktor)
    _pastikan_status(skp, (StatusSkp.DIAJUKAN,), "Perencanaan Kinerja ini tidak sedang menunggu "
                                          "persetujuan.")
    pastikan_tenggat(skp.pegawai, skp.tahun, aturan.Tahap.PERSETUJUAN_SKP, atasan=True)
    atr = aturan_skp(skp)
    n = len(skp.aspek_berlaku)
    if not atr.fokus_perilaku_paling_sedikit <= n <= atr.fokus_perilaku_paling_banyak:
        raise Ditolak(f"Pilih {atr.fokus_perilaku_paling_sedikit}–"
                      f"{atr.fokus_perilaku_paling_banyak} aspek perilaku kerja sebagai fokus.")
    if skp.posisi != PosisiSkp.GURU or skp.sekolah_id is not None and dinilai_dinas(
            skp.pegawai, skp.posisi, pimpinan_satu_sekolah(skp.sekolah_id)):
        kepala_dinas_dan_rencana(skp.pegawai.dinas_id, skp.tahun_id)  # one query, cached
    atasan = atasan_skp(skp)
    if atasan.pegawai is not None:
        skp.atasan_id = atasan.pegawai.id
    skp.rhk = susun_rhk(skp, intervensi_atasan(skp))
    skp.disetujui = sekarang()
    catatan = (catatan or "").strip() or None
    skp.catatan_atasan = catatan
    penyesuaian = ", ".join(sorted(skp.penyesuaian))
    _ganti_status(skp, StatusSkp.DISETUJUI, aktor, "skp_disetujui",
                  catatan="; ".join(filter(None, (penyesuaian, catatan))) or None)


def kembalikan(skp, aktor, catatan):
    """Diajukan → Dikembalikan with a required note; the pegawai can edit again."""
    _pastikan_atasan(skp, aktor)
    _pastikan_status(skp, (StatusSkp.DIAJUKAN,), "Perencanaan Kinerja ini tidak sedang menunggu "
                                          "persetujuan.")
    pastikan_tenggat(skp.pegawai, skp.tahun, aturan.Tahap.PERSETUJUAN_SKP, atasan=True)
    catatan = (catatan or "").strip()
    if not catatan:
        raise Ditolak("Tulis catatan untuk pegawai: apa yang perlu diperbaiki.")
    skp.catatan_atasan = catatan
    # The pegawai revises from her own choices: an adjustment made before returning the
    # plan must not silently override what she picks next (the atasan can adjust again).
    dihapus = sorted(skp.penyesuaian)
    skp.atasan_praktik_kode = skp.atasan_kompetensi_kode = None
    skp.atasan_aspek_fokus = skp.atasan_tugas_tambahan = None
    _ganti_status(skp, StatusSkp.DIKEMBALIKAN, aktor, "skp_dikembalikan", catatan=catatan)
    if dihapus:
        catat("skp_penyesuaian_dihapus", skp, data={"bagian": dihapus}, akun=aktor)


def sepakati(skp, aktor):
    """Disetujui → Disepakati by the pegawai; planning ends."""
    _pastikan_pemilik(skp, aktor)
    _pastikan_status(skp, (StatusSkp.DISETUJUI,), "Perencanaan Kinerja belum disetujui atasan.")
    skp.disepakati = sekarang()
    _ganti_status(skp, StatusSkp.DISEPAKATI, aktor, "skp_disepakati")
    pracetak.tandai("skp", [skp.id])  # final: rendered in the background after commit


def ubah_kompetensi(skp, aktor, kode):
    """After agreement only the competency indicator stays editable (SPEC §2.2)."""
    _pastikan_pemilik(skp, aktor)
    _pastikan_status(skp, (StatusSkp.DISEPAKATI,), "Indikator kompetensi diubah lewat Perencanaan "
                                            "Kinerja sebelum disepakati.")
    if predikat_ditetapkan(skp):
        raise Ditolak("Predikat kinerja sudah ditetapkan; SKP tidak dapat diubah lagi.")
    _periksa_kode(skp, {"kompetensi_kode": kode})
    if kode == skp.kompetensi_berlaku:
        return {}
    ubah = {"kompetensi": [skp.kompetensi_berlaku, kode]}
    skp.kompetensi_kode = kode
    skp.atasan_kompetensi_kode = None
    lama: dict = next((r for r in skp.rhk or [] if r["kategori"] == "kompetensi"), {})
    baru = next(r for r in susun_rhk(skp, {"kompetensi": (lama.get("rhk_atasan"),
                                                          lama.get("indikator_atasan"))})
                if r["kategori"] == "kompetensi")
    skp.rhk = [baru if r["kategori"] == "kompetensi" else r for r in (skp.rhk or [])]
    skp.kompetensi_diubah = sekarang()
    skp.versi += 1
    catat("skp_kompetensi_diubah", skp, data=ubah, akun=aktor)
    return ubah
