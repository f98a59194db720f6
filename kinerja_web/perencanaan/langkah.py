"""The steps of the pegawai's Perencanaan Kinerja wizard and of the atasan's approval
wizard (read by `kinerja_web.langkah.Wizard`)."""

from kinerja_web.alur import skp as alur_skp
from kinerja_web.langkah import Langkah, Wizard
from kinerja_web.perencanaan import forms as f


def _kurang(n):
    """Step n's part of the check `alur.skp.ajukan` makes (against the year's catalogue)."""
    return lambda skp: alur_skp.langkah_belum_lengkap(skp).get(n)


def _ya_tidak(nilai):
    return None if nilai is None else ("ya" if nilai else "tidak")


def _nilai_tugas(form, skp):
    tt = form.tugas_tambahan.data
    return {"tugas_tambahan": None if tt not in ("ya", "tidak") else tt == "ya",
            "nama_tugas_tambahan": (form.nama_tugas_tambahan.data or "").strip() or None}


JUDUL = alur_skp.JUDUL_LANGKAH

# The one step also changed after the agreement (its own page, `views.kompetensi`).
KOMPETENSI = Langkah(
    JUDUL[3], f.FormKompetensi, "perencanaan/_langkah_3.html",
    wajib=(("kompetensi", "Pilih satu indikator kompetensi."),),
    isi=lambda skp: {"kompetensi": skp.kompetensi_kode},
    nilai=lambda form, skp: {"kompetensi_kode": form.kompetensi.data or None},
    lengkap=_kurang(3))

PEGAWAI = Wizard([
    Langkah(JUDUL[1], f.FormTugasPokok, "perencanaan/_langkah_1.html",
            wajib=(("tugas_tambahan", "Pilih Ya atau Tidak."),),
            isi=lambda skp: {"tugas_tambahan": _ya_tidak(skp.tugas_tambahan),
                             "nama_tugas_tambahan": skp.nama_tugas_tambahan},
            nilai=_nilai_tugas, lengkap=_kurang(1)),
    Langkah(JUDUL[2], f.FormPraktik, "perencanaan/_langkah_2.html",
            wajib=(("praktik", "Pilih satu indikator praktik kinerja."),),
            isi=lambda skp: {"praktik": skp.praktik_kode},
            nilai=lambda form, skp: {"praktik_kode": form.praktik.data or None},
            lengkap=_kurang(2)),
    KOMPETENSI,
    Langkah(JUDUL[4], f.FormPerilaku, "perencanaan/_langkah_4.html",
            wajib=(("aspek", "Pilih 1–3 aspek perilaku kerja sebagai fokus."),),
            isi=lambda skp: {"aspek": list(skp.aspek_fokus or [])},
            nilai=lambda form, skp: {"aspek_fokus": list(form.aspek.data or [])},
            lengkap=_kurang(4)),
    # The last step: the summary, re-validated as a whole, and "Ajukan".
    Langkah(JUDUL[5], f.FormAjukan, "perencanaan/_langkah_5.html"),
])


def _form_perilaku_atasan(_perilaku, **kwargs):
    return f.form_perilaku_atasan(_perilaku, **kwargs)


def _isi_perilaku_atasan(skp):
    perilaku = alur_skp.aturan_skp(skp).perilaku
    ekspektasi = skp.ekspektasi or {}
    return {"_perilaku": perilaku, "aspek": list(skp.aspek_berlaku),
            **{f"ekspektasi_{a.kode}": ekspektasi.get(a.kode, "") for a in perilaku}}


def _form_persetujuan(_catatan, **kwargs):
    form = f.FormPersetujuan(**kwargs)
    if "formdata" in kwargs or not form.is_submitted():
        form.catatan.data = _catatan
    return form


def _nilai_perilaku_atasan(form, skp):
    """The focus aspects and the expectations typed (the year's default text is none)."""
    atr = alur_skp.aturan_skp(skp)
    ekspektasi = {}
    for a in atr.perilaku:
        teks = (form[f"ekspektasi_{a.kode}"].data or "").strip()
        if teks and teks != atr.ekspektasi_khusus_bawaan:
            ekspektasi[a.kode] = teks
    return {"atasan_aspek_fokus": list(form.aspek.data or []), "ekspektasi": ekspektasi or None}


# The atasan's approval wizard; its last step decides (Setujui / Kembalikan,
# `persetujuan._putuskan`); the others save the atasan's adjustments.
ATASAN = Wizard([
    Langkah("Hasil Kerja Utama", f.FormUtamaAtasan, "persetujuan/_langkah_1.html",
            isi=lambda skp: {"praktik": skp.praktik_berlaku,
                             "kompetensi": skp.kompetensi_berlaku},
            nilai=lambda form, skp: {
                "atasan_praktik_kode": form.praktik.data or skp.praktik_berlaku,
                "atasan_kompetensi_kode": form.kompetensi.data or skp.kompetensi_berlaku}),
    Langkah("Hasil Kerja Tambahan", f.FormTambahanAtasan, "persetujuan/_langkah_2.html",
            isi=lambda skp: {"tugas_tambahan": "ya" if skp.tugas_tambahan_berlaku
                             else "tidak"},
            nilai=lambda form, skp: {
                "atasan_tugas_tambahan": form.tugas_tambahan.data == "ya"}),
    Langkah("Perilaku Kerja", _form_perilaku_atasan, "persetujuan/_langkah_3.html",
            wajib=(("aspek", "Pilih 1–3 aspek perilaku kerja sebagai fokus."),),
            isi=_isi_perilaku_atasan, nilai=_nilai_perilaku_atasan),
    Langkah("Persetujuan", _form_persetujuan, "persetujuan/_langkah_4.html",
            isi=lambda skp: {"_catatan": skp.catatan_atasan if skp.status == "diajukan"
                             else None}),
])
