"""What an SKP says, ready for a template: choices in force, originals, adjustments."""

from dataclasses import dataclass, field, replace

from kinerja_web.alur.skp import aturan_skp
from kinerja_web.models.skp import StatusSkp


@dataclass
class Butir:
    """One choice: what is in force, what the pegawai chose, whether the atasan adjusted it."""

    berlaku: object
    asli: object = None
    disesuaikan: bool = False


@dataclass
class Ringkasan:
    tugas_pokok: list
    tugas_tambahan: Butir
    nama_tugas_tambahan: str
    praktik: Butir
    kompetensi: Butir
    aspek: list  # [(AspekPerilaku, fokus: bool, ekspektasi: str, fokus_disesuaikan: bool)]
    aspek_disesuaikan: bool
    ada_ekspektasi: bool
    penyesuaian: set = field(default_factory=set)


def _teks_tersimpan(skp):
    """Catalogue items shown with the RHK text stored on the SKP at submission and approval,
    so a later catalogue correction does not rewrite a submitted or agreed plan."""
    tersimpan = {} if skp.status in (StatusSkp.DRAF, StatusSkp.DIKEMBALIKAN) else {
        (r["kategori"], r["kode"]): r["rhk"] for r in skp.rhk or []}

    def teks(kategori, item):
        rhk = tersimpan.get((kategori, item.kode)) if item is not None else None
        return item if rhk is None or rhk == item.rhk else replace(item, rhk=rhk)
    return teks


def ringkas(skp):
    """The summary shown on Rangkuman, the approval wizard and "Cek dan sepakati"."""
    atr = aturan_skp(skp)
    posisi = skp.katalog_posisi
    teks = _teks_tersimpan(skp)
    praktik = atr.praktik(posisi)
    kompetensi = atr.kompetensi(posisi)
    penyesuaian = skp.penyesuaian
    fokus = set(skp.aspek_berlaku)
    asli = set(skp.aspek_fokus or [])
    ekspektasi = skp.ekspektasi or {}
    aspek = [
        (a, a.kode in fokus, ekspektasi.get(a.kode) or atr.ekspektasi_khusus_bawaan,
         (a.kode in fokus) != (a.kode in asli) and "perilaku" in penyesuaian)
        for a in atr.perilaku
    ]
    return Ringkasan(
        tugas_pokok=[teks("tugas_pokok", t) for t in atr.tugas_pokok(posisi)
                     if not t.butuh_tugas_tambahan],
        tugas_tambahan=Butir(skp.tugas_tambahan_berlaku, bool(skp.tugas_tambahan),
                             "tambahan" in penyesuaian),
        nama_tugas_tambahan=skp.nama_tugas_tambahan or "",
        praktik=Butir(teks("praktik", praktik.get(skp.praktik_berlaku)),
                      teks("praktik", praktik.get(skp.praktik_kode)), "praktik" in penyesuaian),
        kompetensi=Butir(teks("kompetensi", kompetensi.get(skp.kompetensi_berlaku)),
                         teks("kompetensi", kompetensi.get(skp.kompetensi_kode)),
                         "kompetensi" in penyesuaian),
        aspek=aspek,
        aspek_disesuaikan="perilaku" in penyesuaian,
        ada_ekspektasi=any(v not in ("", atr.ekspektasi_khusus_bawaan)
                           for v in ekspektasi.values()),
        penyesuaian=penyesuaian,
    )
