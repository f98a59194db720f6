"""Helpers shared by test_sinkro.py and
test_ekspor_v2.py, test_lintas_dinas.py, test_nilai_buruk.py: a helper module, no tests here."""

import io
import json

from bantu import masuk, teks
from sqlalchemy import select

from kinerja_web.demo import SANDI_DEMO
from kinerja_web.extensions import db
from kinerja_web.lembar import tulis_xlsx
from kinerja_web.models import (
    Akun,
    Pegawai,
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


def ekspor_lewat_halaman(k, jenis):
    r = k.post("/sinkro/ekspor", {"jenis": jenis})
    assert r.status_code == 303, teks(r)
    return int(r.headers["Location"].rsplit("/", 1)[1]), k.get(r.headers["Location"])


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
