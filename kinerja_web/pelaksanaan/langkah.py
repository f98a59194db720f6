"""The steps of the Praktik Kinerja cycle (read by `kinerja_web.langkah.Wizard`). Both
sides share a step's URL and template; each sees their own form (`views._form`): the
form named here is the pegawai's."""

from kinerja_web.alur import pelaksanaan as alur_p
from kinerja_web.langkah import Langkah, Wizard
from kinerja_web.pelaksanaan import forms as f

J = alur_p.LANGKAH

PRAKTIK = Wizard([
    Langkah(J[1], f.FormPersiapan, "pelaksanaan/_praktik_1.html"),
    Langkah(J[2], f.FormAksi, "pelaksanaan/_praktik_2.html"),
    Langkah(J[3], f.FormTindakLanjut, "pelaksanaan/_praktik_3.html"),
    Langkah(J[4], f.FormUpaya, "pelaksanaan/_praktik_4.html"),
    Langkah(J[5], f.FormRefleksi, "pelaksanaan/_praktik_5.html"),
])
