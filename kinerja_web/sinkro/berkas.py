"""The export files, format version 2: JSON Lines (one record per pegawai and SKP), the same
records as XLSX (sheets Pegawai, RHK, Bukti Dukung, Penilaian Periodik, Umpan Balik Perilaku,
Manifes) and a manifest. Version 2 (SPEC §12) adds per RHK its kind (RHK Individu or RHK
Organisasi), perspektif and bukti dukung, the periodic assessment (one row per pegawai per
period), and e-Kinerja's spelling of ratings ("DIATAS EKSPEKTASI"); version 1's schema stays
in the package for files written before.

Every text cell of the XLSX that starts with a formula character (=, +, -, @, tab, line
breaks) or an apostrophe gets one leading apostrophe, so no spreadsheet runs it; the reader
drops exactly one, which makes the XLSX read back into the very same records.
"""

import io
import json
from importlib.resources import files

from openpyxl import Workbook, load_workbook

from kinerja_web.lembar import AWALAN_RUMUS, aman
from kinerja_web.teks import bersihkan_keluar

VERSI_FORMAT = "2"
NAMA_SKEMA = "ekinerja-v2.json"
NAMA_JSONL = "ekinerja.jsonl"
NAMA_XLSX = "ekinerja.xlsx"
NAMA_MANIFES = "manifes.json"

KOLOM_PEGAWAI = ("versi_format", "jenis", "nip", "nama", "jenis_skp", "plt", "periode_awal",
                 "periode_akhir", "pendekatan", "jabatan", "unor_id", "unor_nama", "atasan_nama",
                 "atasan_nip", "atasan_unor_id", "atasan_unor_nama", "rating_hasil_kerja",
                 "rating_perilaku_kerja", "predikat")
KOLOM_RHK = ("nip", "jenis_skp", "no", "jenis", "jenis_rhk", "kode", "rhk", "rhk_atasan",
             "indikator_atasan", "aspek", "indikator", "target", "perspektif", "realisasi",
             "umpan_balik")
KOLOM_BUKTI = ("nip", "jenis_skp", "no", "bukti_dukung")
KOLOM_PERIODIK = ("nip", "jenis_skp", "angka_periodik", "nama", "tipe_periodik", "periode_awal",
                  "periode_akhir", "hasil_kerja", "perilaku_kerja", "nilai_skp")
KOLOM_PERILAKU = ("nip", "jenis_skp", "aspek", "umpan_balik")
LEMBAR_PEGAWAI, LEMBAR_RHK, LEMBAR_BUKTI, LEMBAR_PERIODIK, LEMBAR_PERILAKU, LEMBAR_MANIFES = (
    "Pegawai", "RHK", "Bukti Dukung", "Penilaian Periodik", "Umpan Balik Perilaku", "Manifes")
PENILAIAN = ("rating_hasil_kerja", "rating_perilaku_kerja", "predikat")


def skema(versi=VERSI_FORMAT):
    """The JSON Schema every exported record of that format version follows (shipped in the
    package; version 1 is kept to read the files written before version 2)."""
    return json.loads(files("kinerja_web.sinkro").joinpath(
        "skema", f"ekinerja-v{versi}.json").read_text(encoding="utf-8"))


def baris_jsonl(catatan: dict) -> bytes:
    return (json.dumps(catatan, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def baca_jsonl(isi: bytes) -> list[dict]:
    return [json.loads(b) for b in isi.decode("utf-8").splitlines() if b.strip()]


def _tulis(nilai):
    # The records are cleaned when built (ekspor.catatan); this keeps any other caller's
    # control character from failing the whole workbook.
    nilai = bersihkan_keluar(nilai)
    if isinstance(nilai, str) and nilai.startswith((*AWALAN_RUMUS, "'")):
        return "'" + nilai
    return nilai


def _baca(nilai):
    if isinstance(nilai, str) and nilai.startswith("'"):
        return nilai[1:]
    return nilai


class LembarEkspor:
    """The XLSX written row by row (openpyxl write-only: memory stays flat)."""

    def __init__(self, jenis):
        self.jenis = jenis
        self.wb = Workbook(write_only=True)
        self.pegawai = self.wb.create_sheet(LEMBAR_PEGAWAI)
        self.rhk = self.wb.create_sheet(LEMBAR_RHK)
        self.bukti = self.wb.create_sheet(LEMBAR_BUKTI)
        self.periodik = self.wb.create_sheet(LEMBAR_PERIODIK)
        self.perilaku = self.wb.create_sheet(LEMBAR_PERILAKU)
        self.manifes = self.wb.create_sheet(LEMBAR_MANIFES)
        self.pegawai.append(KOLOM_PEGAWAI)
        self.rhk.append(KOLOM_RHK)
        self.bukti.append(KOLOM_BUKTI)
        self.periodik.append(KOLOM_PERIODIK)
        self.perilaku.append(KOLOM_PERILAKU)
        self.n = self.n_rhk = 0

    def tambah(self, c: dict):
        unor, atasan = c["unor"], c["atasan"]
        akhir = c.get("penilaian_akhir") or {}
        datar = {**c, "unor_id": unor["id"], "unor_nama": unor["nama"],
                 "atasan_nama": atasan["nama"], "atasan_nip": atasan["nip"],
                 "atasan_unor_id": atasan["unor"]["id"],
                 "atasan_unor_nama": atasan["unor"]["nama"],
                 **{k: akhir.get(k) for k in PENILAIAN}}
        self.pegawai.append([_tulis(datar.get(k)) for k in KOLOM_PEGAWAI])
        kunci = [_tulis(c["nip"]), _tulis(c["jenis_skp"])]
        for r in c["rhk"]:
            self.rhk.append(kunci + [_tulis(r[k]) for k in KOLOM_RHK[2:]])
            for b in r["bukti_dukung"]:  # one row per piece of evidence
                self.bukti.append(kunci + [r["no"], _tulis(b)])
        for x in c.get("penilaian_periodik", ()):
            self.periodik.append(kunci + [_tulis(x[k]) for k in KOLOM_PERIODIK[2:]])
        for u in akhir.get("umpan_balik_perilaku", ()):
            self.perilaku.append(kunci + [_tulis(u["aspek"]), _tulis(u["umpan_balik"])])
        self.n += 1
        self.n_rhk += len(c["rhk"])

    def simpan(self, sha256_jsonl) -> bytes:
        self.manifes.append(("kunci", "nilai"))
        for baris in (("versi_format", VERSI_FORMAT), ("jenis", self.jenis),
                      ("jumlah_pegawai", self.n), ("jumlah_rhk", self.n_rhk),
                      ("sha256_jsonl", sha256_jsonl)):
            self.manifes.append(baris)
        out = io.BytesIO()
        self.wb.save(out)
        return out.getvalue()

    def buang(self):
        """Drop a workbook left half written (an export stopped or failed): each sheet's
        writer is closed now, not left to the garbage collector mid-stream."""
        for ws in self.wb.worksheets:
            try:
                ws.close()
            except Exception:  # noqa: BLE001 - a sheet that cannot close is dropped anyway
                continue


def _baris(ws):
    rows = ws.iter_rows(values_only=True)
    kolom = next(rows, ())
    for row in rows:
        # Trailing empty cells are not stored: a short row means None for the rest.
        row = tuple(row) + (None,) * (len(kolom) - len(row))
        yield {k: _baca(v) for k, v in zip(kolom, row, strict=False)}


def baca_xlsx(isi: bytes) -> list[dict]:
    """The records of an export XLSX, equal to the JSON Lines it was written beside."""
    wb = load_workbook(io.BytesIO(isi), read_only=True)
    try:
        rhk, perilaku, bukti, periodik = {}, {}, {}, {}
        for r in _baris(wb[LEMBAR_BUKTI]):
            bukti.setdefault((r["nip"], r["jenis_skp"], r["no"]), []).append(r["bukti_dukung"])
        for r in _baris(wb[LEMBAR_PERIODIK]):
            periodik.setdefault((r["nip"], r["jenis_skp"]), []).append(
                {k: r[k] for k in KOLOM_PERIODIK[2:]})
        for r in _baris(wb[LEMBAR_RHK]):
            rhk.setdefault((r["nip"], r["jenis_skp"]), []).append(
                {**{k: r[k] for k in KOLOM_RHK[2:]},
                 "bukti_dukung": bukti.get((r["nip"], r["jenis_skp"], r["no"]), [])})
        for r in _baris(wb[LEMBAR_PERILAKU]):
            perilaku.setdefault((r["nip"], r["jenis_skp"]), []).append(
                {"aspek": r["aspek"], "umpan_balik": r["umpan_balik"]})
        out = []
        for p in _baris(wb[LEMBAR_PEGAWAI]):
            kunci = (p["nip"], p["jenis_skp"])
            c = {k: p[k] for k in ("versi_format", "jenis", "nip", "nama", "jenis_skp", "plt",
                                   "periode_awal", "periode_akhir", "pendekatan", "jabatan")}
            c["unor"] = {"id": p["unor_id"], "nama": p["unor_nama"]}
            c["atasan"] = {"nama": p["atasan_nama"], "nip": p["atasan_nip"],
                           "unor": {"id": p["atasan_unor_id"], "nama": p["atasan_unor_nama"]}}
            c["rhk"] = rhk.get(kunci, [])
            if p["jenis"] == "penilaian_periodik":
                c["penilaian_periodik"] = periodik.get(kunci, [])
            if p["jenis"] == "penilaian_akhir":
                c["penilaian_akhir"] = {**{k: p[k] for k in PENILAIAN},
                                        "umpan_balik_perilaku": perilaku.get(kunci, [])}
            out.append(c)
        return out
    finally:
        wb.close()


def tulis_xlsx_aliran(lembar) -> bytes:
    """Like lembar.tulis_xlsx, for rows that come from an iterator (thousands of them)."""
    wb = Workbook(write_only=True)
    for nama, (header, rows) in lembar.items():
        ws = wb.create_sheet(nama[:31])
        ws.append([aman(bersihkan_keluar(h)) for h in header])
        for row in rows:
            ws.append([aman(bersihkan_keluar(v)) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
