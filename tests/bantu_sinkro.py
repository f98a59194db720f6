"""Helpers shared by test_sinkro.py and
test_ekspor_v2.py, test_lintas_dinas.py, test_nilai_buruk.py: a helper module, no tests here."""

import io
import json

from bantu import dom, masuk, teks, tunggu_selesai
from conftest import polos
from sqlalchemy import select

from kinerja_web.demo import SANDI_DEMO
from kinerja_web.extensions import baca_saja, db
from kinerja_web.lembar import tulis_xlsx
from kinerja_web.models import (
    Akun,
    Pegawai,
    TugasEkspor,
)
from kinerja_web.sinkro import berkas


def operator_demo(buat_klien):
    return masuk(buat_klien, "operator", SANDI_DEMO)


def pegawai_demo(username):
    return db.session.scalar(select(Pegawai).join(Akun, Akun.pegawai_id == Pegawai.id)
                             .where(Akun.username == username))


def unggah(k, jenis, isi, nama):
    return k.post(f"/sinkro/referensi/{jenis}", {f"{jenis}-berkas": (io.BytesIO(isi), nama)},
                  content_type="multipart/form-data")


def pratinjau(k, jenis, isi, nama="referensi.xlsx"):
    r = unggah(k, jenis, isi, nama)
    assert r.status_code == 303, r.text
    impor_id = int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    return impor_id, k.get(r.headers["Location"])


def simpan(k, impor_id):
    r = k.post(f"/sinkro/referensi/impor/{impor_id}/terapkan")
    assert r.status_code == 303
    return k.get(r.headers["Location"])


def asn_xlsx(baris):
    return tulis_xlsx({"ASN": (["nip", "nama", "unor_id", "jabatan", "golongan", "atasan_nip"],
                               baris)})


def tugas_ekspor(tugas_id):
    """The export job's row as plain values, read in a lock-free transaction of its own."""
    db.session.rollback()
    with baca_saja():
        return polos(db.session.get(TugasEkspor, tugas_id))


def tunggu_ekspor(tugas_id, batas=120):
    """Poll the database until the export job has ended (bounded; no lock held between)."""
    return tunggu_selesai(lambda: tugas_ekspor(tugas_id), f"tugas ekspor {tugas_id}", batas)


def pekerja_ekspor_diam(batas=60):
    """Wait until this process's export thread has nothing left to do (it runs one job at
    a time: a no-op queued behind the last job ends after it)."""
    from kinerja_web.sinkro import tugas

    if tugas._pool is not None:
        tugas._pool.submit(lambda: None).result(batas)


def id_tugas(r):
    """The job of a POST to /sinkro/ekspor, from its redirect to the progress page."""
    assert r.status_code == 303, teks(r)
    bagian = r.headers["Location"].rstrip("/").split("/")
    assert bagian[-2] == "tugas", r.headers["Location"]
    return int(bagian[-1])


def ekspor_selesai(k, jenis, *, ekspor_ok=True):
    """POST the export form, wait for the background job, follow the progress page's link
    to the export's detail page: (ekspor id, that page's response)."""
    tugas_id = id_tugas(k.post("/sinkro/ekspor", {"jenis": jenis}))
    t = tunggu_ekspor(tugas_id)
    assert t.status == "selesai", t.galat
    halaman = k.get(f"/sinkro/ekspor/tugas/{tugas_id}")
    tautan = [a.attributes["href"] for a in dom(halaman).css("a")
              if (a.attributes.get("href") or "").rstrip("/").endswith(f"/ekspor/{t.ekspor_id}")]
    assert tautan, teks(halaman)
    return t.ekspor_id, k.get(tautan[0])


def ekspor_lewat_halaman(k, jenis):
    return ekspor_selesai(k, jenis)


def unduh(k, ekspor_id):
    out = {}
    for nama in (berkas.NAMA_JSONL, berkas.NAMA_XLSX, berkas.NAMA_MANIFES):
        r = k.get(f"/sinkro/ekspor/{ekspor_id}/{nama}")
        assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
        out[nama] = r.data
    return out[berkas.NAMA_JSONL], out[berkas.NAMA_XLSX], json.loads(out[berkas.NAMA_MANIFES])


def unor_xlsx(baris, nama="Unit Kerja"):
    return tulis_xlsx({nama: (["unor_id", "nama", "induk_id", "aktif"], baris),
                       "Petunjuk": (["x"], [["diabaikan"]])})
