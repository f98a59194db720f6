"""The steps of the Praktik Kinerja cycle (read by `kinerja_web.langkah.Wizard`). Both
sides share a step's URL, title and template; each has its own form, buttons and what
those do (`Sisi`). The workflow's half of a step (status column, document fields, score,
order rule) is `alur.pelaksanaan.PRAKTIK`, in the same order.

Adding a step: its `LangkahPraktik` in alur, its `Praktik(...)` here, its form class(es)
and its partial template; the views, the step indicator, the status line, the buttons
allowed and the order rule follow from these."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kinerja_web.alur import IsianSalah
from kinerja_web.alur import pelaksanaan as alur_p
from kinerja_web.alur.skp import aturan_skp
from kinerja_web.langkah import Langkah, Wizard
from kinerja_web.models.pelaksanaan import StatusLangkah
from kinerja_web.pelaksanaan import forms as f


@dataclass
class Konteks:
    """What a step's action works on: the cycle (`p`), the step number, the button, the
    validated form, the rows loaded with it (`alur_p.Berkas`) and the signed-in account."""

    p: Any
    n: int
    aksi: str
    form: Any
    berkas: Any
    aktor: Any


@dataclass(frozen=True)
class Sisi:
    """One side's part of a step: its form (a function of the cycle and the form's
    keyword arguments), the buttons it has (any other `aksi`, a tampered form or the
    other side's button, is refused) and what they do: Konteks -> (message, step shown
    next)."""

    form: Callable[..., Any] = field(default=lambda p, **kw: f.FormAksi(**kw))
    aksi: frozenset = frozenset()
    simpan: Callable[[Konteks], tuple[str, int]] | None = None
    # A stale page answers 409; not where an action only adds a row (a progress note: a
    # stale page overwrites nothing, and a double submit, same `kunci`, must answer like
    # the first).
    cek_versi: bool = True


@dataclass(frozen=True)
class Praktik(Langkah):
    """A step of the cycle: `alur` its workflow half, `pegawai`/`atasan` each side's part,
    `status` the line under its number in the step indicator."""

    alur: alur_p.LangkahPraktik | None = None
    pegawai: Sisi = Sisi()
    atasan: Sisi = Sisi()
    status: Callable[[Any], str] | None = None

    def sisi(self, sebagai) -> Sisi:
        return self.pegawai if sebagai == "pegawai" else self.atasan

    def label_status(self, p):
        if self.status is not None:
            return self.status(p)
        return StatusLangkah(getattr(p, self.alur.kolom_status)).label


def indikator(skp):
    """The SKP's praktik indicator in its year's catalogue (None: not in it)."""
    return aturan_skp(skp).praktik(skp.katalog_posisi).get(skp.praktik_berlaku)


# ---------------------------------------------------------------- the pegawai's documents

_MENULIS = frozenset({"simpan", "kirim", "otomatis"})
_MENINJAU = frozenset({"terima", "kembalikan", "nilai"})


def _isian(form, s):
    """The document's fields as typed (the step's `bidang`)."""
    return {b: form[b].data for b in s.bidang}


def _isian_persiapan(form, s):
    lain = [x.strip() for x in (form.fokus_lain.data or "").splitlines() if x.strip()]
    return {"fokus_perilaku": list(form.fokus.data or []) + lain,
            "upaya_belajar": form.upaya_belajar.data,
            "jadwal_usulan": form.jadwal_usulan.data}


def _tulis_dokumen(isian=_isian):
    """The pegawai saves a draft of (or sends) the step's document."""
    def simpan(k):
        alur_p.simpan_dokumen(k.p, k.aktor, k.n, isian(k.form, alur_p.langkah(k.n)),
                              ajukan=k.aksi == "kirim", otomatis=k.aksi == "otomatis")
        return ("Terkirim ke atasan." if k.aksi == "kirim" else "Draf tersimpan."), k.n
    return simpan


def _form_persiapan(p, **kw):
    ind = indikator(p.skp)
    katalog = set(ind.fokus_perilaku) if ind else set()
    fokus = p.fokus_perilaku or []
    return f.FormPersiapan(fokus=[x for x in fokus if x in katalog],
                           fokus_lain="\n".join(x for x in fokus if x not in katalog),
                           upaya_belajar=p.upaya_belajar, jadwal_usulan=p.jadwal_usulan, **kw)


# ---------------------------------------------------------------- the atasan's review

def _kembalikan(k):
    if not (k.form.catatan.data or "").strip():
        k.form.catatan.errors.append("Tulis catatan: apa yang perlu diperbaiki pegawai.")
        raise IsianSalah()
    alur_p.kembalikan_dokumen(k.p, k.aktor, k.n, k.form.catatan.data,
                              dimuat=k.berkas.kelengkapan())
    return f"{alur_p.langkah(k.n).judul} dikembalikan ke pegawai dengan catatan.", k.n


def _sepakati(k):
    if k.aksi == "kembalikan":
        return _kembalikan(k)
    alur_p.sepakati_persiapan(k.p, k.aktor, k.form.jadwal_observasi.data)
    return "Jadwal observasi disepakati.", k.n + 1


def _tinjau(k):
    """Accept and score, re-score, or send back the document."""
    if k.aksi == "kembalikan":
        return _kembalikan(k)
    s = alur_p.langkah(k.n)
    try:
        if k.aksi == "terima":
            alur_p.terima_dokumen(k.p, k.aktor, k.n, k.form.nilai.data,
                                  dimuat=k.berkas.kelengkapan())
            return f"{s.judul} diterima.", k.n
        alur_p.nilai_dokumen(k.p, k.aktor, k.n, k.form.nilai.data,
                             dimuat=k.berkas.kelengkapan())
        return f"{s.nama_nilai} tersimpan.", k.n
    except alur_p.NilaiSalah as e:
        k.form.nilai.errors = [*k.form.nilai.errors, str(e)]
        raise IsianSalah(str(e)) from None


def _form_tinjau(s):
    return lambda p, **kw: f.FormTinjau(nilai=getattr(p, s.kolom_nilai), **kw)


# ---------------------------------------------------------------- observation, notes

def _form_observasi(p, **kw):
    isian = {}
    rubrik = {r["fokus"]: r for r in p.rubrik or []}
    for i, fokus in enumerate(p.fokus_perilaku or []):
        isian[f"hasil_{i}"] = rubrik.get(fokus, {}).get("hasil")
        isian[f"catatan_{i}"] = rubrik.get(fokus, {}).get("catatan")
    return f.form_observasi(p.fokus_perilaku or [], rekomendasi=p.rekomendasi, **isian, **kw)


def _observasi(k):
    rubrik = [{"fokus": fokus, "hasil": k.form[f"hasil_{i}"].data,
               "catatan": k.form[f"catatan_{i}"].data}
              for i, fokus in enumerate(k.p.fokus_perilaku or [])]
    alur_p.simpan_observasi(k.p, k.aktor, rubrik, k.form.rekomendasi.data,
                            selesai=k.aksi == "selesai", otomatis=k.aksi == "otomatis")
    return ("Observasi selesai; pegawai dapat melihat Rating observasi."
            if k.aksi == "selesai" else "Draf observasi tersimpan."), k.n


def _upaya(k):
    alur_p.tambah_upaya(k.p, k.aktor, k.form.tanggal.data, k.form.isi.data, k.form.kunci.data,
                        kunci_dipakai=k.berkas.kunci_dipakai)
    return "Catatan upaya tersimpan.", k.n


def _jumlah_upaya(p):
    jumlah = len(p.upaya) if p.id else 0
    return f"{jumlah} catatan" if jumlah else "Opsional"


def _langkah(s, templat, pegawai=Sisi(), atasan=Sisi(), status=None):
    """Step `s` of the workflow with its template and the two sides' parts."""
    return Praktik(s.judul, pegawai.form, templat, alur=s, pegawai=pegawai, atasan=atasan,
                   status=status)


A = {s.kode: s for s in alur_p.PRAKTIK}

PRAKTIK = Wizard([
    _langkah(A["persiapan"], "pelaksanaan/_praktik_1.html",
             pegawai=Sisi(_form_persiapan, _MENULIS, _tulis_dokumen(_isian_persiapan)),
             atasan=Sisi(lambda p, **kw: f.FormJadwal(
                 jadwal_observasi=p.jadwal_observasi or p.jadwal_usulan, **kw),
                 frozenset({"sepakati", "kembalikan"}), _sepakati)),
    _langkah(A["observasi"], "pelaksanaan/_praktik_2.html",
             atasan=Sisi(_form_observasi, frozenset({"simpan", "selesai", "otomatis"}),
                         _observasi),
             status=lambda p: "Belum diobservasi"
             if p.status_observasi == StatusLangkah.BELUM else "Selesai"),
    _langkah(A["tindak_lanjut"], "pelaksanaan/_praktik_3.html",
             pegawai=Sisi(lambda p, **kw: f.FormTindakLanjut(obj=p, **kw), _MENULIS,
                          _tulis_dokumen()),
             atasan=Sisi(_form_tinjau(A["tindak_lanjut"]), _MENINJAU, _tinjau)),
    _langkah(A["upaya"], "pelaksanaan/_praktik_4.html",
             pegawai=Sisi(lambda p, **kw: f.FormUpaya(**kw), frozenset({"tambah", "simpan"}),
                          _upaya, cek_versi=False),
             status=_jumlah_upaya),
    _langkah(A["refleksi"], "pelaksanaan/_praktik_5.html",
             pegawai=Sisi(lambda p, **kw: f.FormRefleksi(obj=p, **kw), _MENULIS,
                          _tulis_dokumen()),
             atasan=Sisi(_form_tinjau(A["refleksi"]), _MENINJAU, _tinjau)),
])
# The two halves of each step are one list, in one order.
assert [s.alur for s in PRAKTIK.langkah] == list(alur_p.PRAKTIK), "pelaksanaan/langkah.py"
