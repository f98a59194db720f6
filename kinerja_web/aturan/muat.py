"""Load and validate a rule set (`data/<nama>.toml`) into an `Aturan`."""

from __future__ import annotations

import copy
import functools
import os
import re
import tomllib
import types
import typing
from dataclasses import MISSING, fields
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from importlib.resources import files
from pathlib import Path
from typing import Any

from .enums import (
    PKO,
    Batas,
    HasilObservasi,
    JenisASN,
    JenjangJabatan,
    Keikutsertaan,
    Posisi,
    Predikat,
    Rating,
)
from .katalog import (
    AspekPerilaku,
    Aturan,
    AturanNilaiDokumen,
    AturanRatingHasil,
    AturanRatingPerilaku,
    BuktiDukung,
    CakupanIkut,
    CakupanTermasuk,
    Dokumen,
    Golongan,
    IndikatorPraktik,
    Intervensi,
    IsiSkp,
    Jabatan,
    KaidahDistribusi,
    Katalog,
    Kompetensi,
    KomponenKinerja,
    KomponenPerilaku,
    Kriteria,
    LabelEkinerja,
    LampiranSkp,
    PertanyaanTerbuka,
    RhkOrganisasi,
    StatusTidakIkut,
    TahapKalender,
    TugasPokok,
)

KEYAKINAN = frozenset({"H", "M", "D"})
KRITERIA_RATING_HASIL = ("upaya_refleksi", "upaya_mempelajari", "perubahan_praktik")
_NAMA_ATURAN = re.compile(r"[A-Za-z0-9_-]+")
_ASAL_USUL = {"sumber", "keyakinan", "catatan"}
_BAGIAN = {
    "meta", "periode", "pertanyaan_terbuka", "tugas_pokok", "praktik", "kompetensi", "perilaku",
    "dokumen", "rekomendasi", "predikat", "pko_ke_rating_hasil", "distribusi", "angka_kredit",
    "identitas", "golongan", "jabatan", "tidak_ikut", "isi_skp", "lampiran_skp",
    "rhk_organisasi", "intervensi", "bukti_dukung", "label_ekinerja", "penilaian_periodik",
    "cakupan", "komponen", "kalender",
    "skp_bagian",
}  # fmt: skip
# Tables a year always writes itself: they cannot be taken over from the base year.
_TIDAK_DIWARISI = frozenset({"meta", "periode"})


class AturanTidakDitemukan(LookupError):
    """No rule set with that name exists."""


class AturanTidakValid(ValueError):
    """A rule-set file is malformed; the message lists every problem found."""


def daftar_aturan() -> tuple[str, ...]:
    """Names of the bundled rule sets, e.g. ("2025",)."""
    folder = files(__package__).joinpath("data")
    return tuple(sorted(f.name[:-5] for f in folder.iterdir() if f.name.endswith(".toml")))


def muat_aturan(nama: str = "2025") -> Aturan:
    """The bundled rule set `nama` (cached); AturanTidakDitemukan if there is none."""
    return _muat_bawaan(str(nama))


@functools.cache
def _muat_bawaan(nama: str) -> Aturan:
    return _bangun(_teks_bawaan(nama), nama=nama, asal=f"{nama}.toml", dasar=_data_bawaan)


def _teks_bawaan(nama: str) -> str:
    berkas = files(__package__).joinpath("data", f"{nama}.toml")
    if not _NAMA_ATURAN.fullmatch(nama) or not berkas.is_file():
        tersedia = ", ".join(daftar_aturan()) or "-"
        raise AturanTidakDitemukan(
            f"Aturan tahun kinerja '{nama}' tidak ditemukan. Yang tersedia: {tersedia}."
        )
    return berkas.read_text(encoding="utf-8")


def _data_bawaan(nama: str, rantai: tuple[str, ...] = ()) -> dict:
    """The parsed tables of the bundled rule set `nama`, its own base's tables filled in."""
    return _data_dari_teks(_teks_bawaan(nama), f"{nama}.toml", rantai + (nama,), _data_bawaan)


def muat_aturan_dari(path: str | os.PathLike[str]) -> Aturan:
    """Load a rule set from any TOML file (not cached); its name is the file stem.

    Its base year (`[meta] dasar`) is read from the same folder, else from the bundled sets.
    """
    path = Path(path)
    try:
        teks = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AturanTidakDitemukan(f"Berkas aturan '{path}' tidak ditemukan.") from None

    def dasar(nama: str, rantai: tuple[str, ...] = ()) -> dict:
        sebelah = path.with_name(f"{nama}.toml")
        if _NAMA_ATURAN.fullmatch(nama) and sebelah.is_file():
            return _data_dari_teks(
                sebelah.read_text(encoding="utf-8"), sebelah.name, rantai + (nama,), dasar
            )
        return _data_bawaan(nama, rantai)

    return _bangun(teks, nama=path.stem, asal=path.name, dasar=dasar)


def _urai(teks: str, asal: str) -> dict:
    try:
        return tomllib.loads(teks)
    except tomllib.TOMLDecodeError as e:
        raise AturanTidakValid(f"Berkas aturan {asal} bukan TOML yang sah: {e}") from None


def _data_dari_teks(teks: str, asal: str, rantai: tuple[str, ...], dasar: Any) -> dict:
    p = _Pembaca()
    data = _warisi(p, _urai(teks, asal), rantai, dasar)
    if p.galat:
        daftar = "\n".join(f"- {g}" for g in p.galat)
        raise AturanTidakValid(f"Berkas aturan {asal} tidak valid:\n{daftar}")
    return data


def _bangun(teks: str, *, nama: str, asal: str, dasar: Any) -> Aturan:
    p = _Pembaca()
    data = _warisi(p, _urai(teks, asal), (nama,), dasar)
    aturan = _baca(p, data, nama)
    if p.galat:
        daftar = "\n".join(f"- {g}" for g in p.galat)
        raise AturanTidakValid(f"Berkas aturan {asal} tidak valid:\n{daftar}")
    return aturan


def _warisi(p: _Pembaca, data: dict, rantai: tuple[str, ...], baca_dasar: Any) -> dict:
    """`data` with the tables it takes by reference from its base year (`[meta] dasar`).

    A table present in the file replaces the base's; every table of the base the file does not
    write must be named in `[meta] sama_dengan_dasar`, so the file itself says what stayed the
    same (and a table forgotten by mistake is an error, not a silent copy).
    """
    meta = data.get("meta")
    if not isinstance(meta, dict) or "dasar" not in meta:
        if isinstance(meta, dict) and "sama_dengan_dasar" in meta:
            p.salah("meta.sama_dengan_dasar", "hanya berlaku bersama 'dasar'")
        return data
    nama_dasar = meta["dasar"]
    sama = meta.get("sama_dengan_dasar", [])
    if not isinstance(nama_dasar, str) or not _NAMA_ATURAN.fullmatch(nama_dasar):
        p.salah("meta.dasar", "harus nama aturan tahun lain, mis. \"2025\"")
        return data
    if not isinstance(sama, list) or not all(isinstance(b, str) for b in sama):
        p.salah("meta.sama_dengan_dasar", "harus daftar nama bagian, mis. [\"golongan\"]")
        return data
    if nama_dasar in rantai:
        p.salah("meta.dasar", f"rujukan melingkar: {' -> '.join(rantai + (nama_dasar,))}")
        return data
    try:
        induk = baca_dasar(nama_dasar, rantai)
    except AturanTidakDitemukan:
        p.salah("meta.dasar", f"aturan dasar '{nama_dasar}' tidak ditemukan")
        return data
    except AturanTidakValid as e:
        p.salah("meta.dasar", f"aturan dasar '{nama_dasar}' tidak valid ({e})")
        return data
    hasil = dict(data)
    for bagian in sama:
        if bagian in _TIDAK_DIWARISI:
            p.salah("meta.sama_dengan_dasar", f"'{bagian}' wajib ditulis di setiap tahun")
        elif bagian in data:
            p.salah("meta.sama_dengan_dasar",
                    f"'{bagian}' juga ditulis di berkas ini; pilih salah satu")
        elif bagian not in induk:
            p.salah("meta.sama_dengan_dasar", f"'{bagian}' tidak ada di aturan {nama_dasar}")
        else:
            hasil[bagian] = copy.deepcopy(induk[bagian])
    for bagian in sorted(set(induk) - set(data) - set(sama) - _TIDAK_DIWARISI):
        p.salah("meta.sama_dengan_dasar",
                f"bagian '{bagian}' dari aturan {nama_dasar} tidak ditulis di berkas ini; "
                "tulis isinya atau cantumkan di sama_dengan_dasar")
    return hasil


class _Pembaca:
    """Reads typed values out of the parsed TOML, collecting every error instead of stopping."""

    def __init__(self) -> None:
        self.galat: list[str] = []

    def salah(self, path: str, pesan: str) -> None:
        self.galat.append(f"{path}: {pesan}")

    def tabel(self, tbl: dict, key: str, path: str = "") -> dict:
        nilai = tbl.get(key)
        if not isinstance(nilai, dict):
            self.salah(_jalur(path, key), "tabel wajib ada")
            return {}
        return nilai

    def larik(self, tbl: dict, key: str, path: str = "") -> list[dict]:
        nilai = tbl.get(key)
        if not isinstance(nilai, list) or not all(isinstance(x, dict) for x in nilai):
            self.salah(_jalur(path, key), "daftar butir ([[...]]) wajib ada")
            return []
        return nilai

    def kunci(self, tbl: dict, path: str, boleh: set[str]) -> None:
        for k in sorted(set(tbl) - boleh):
            self.salah(path, f"kunci '{k}' tidak dikenal")

    def nilai(self, tipe: Any, tbl: dict, key: str, path: str, *, wajib: bool = True) -> Any:
        """Read tbl[key] as `tipe` (str, bool, int, tuple[str, ...], a StrEnum, X | None)."""
        jalur = _jalur(path, key)
        if key not in tbl:
            if wajib:
                self.salah(jalur, "wajib diisi")
            return None
        isi = tbl[key]
        if key == "keyakinan" or key.endswith("_keyakinan"):
            if not isinstance(isi, str) or isi not in KEYAKINAN:
                self.salah(jalur, "harus 'H', 'M', atau 'D'")
                return None
            return isi
        if typing.get_origin(tipe) in (types.UnionType, typing.Union):
            (tipe,) = [t for t in typing.get_args(tipe) if t is not type(None)]
        if tipe is str:
            if not isinstance(isi, str) or (wajib and not isi.strip()):
                self.salah(jalur, "harus berupa teks yang tidak kosong")
            return isi if isinstance(isi, str) else None
        if tipe is date:
            if type(isi) is not date:
                self.salah(jalur, "harus tanggal (YYYY-MM-DD)")
                return None
            return isi
        if tipe is bool or tipe is int:
            if type(isi) is not tipe or (tipe is int and isi < 0):
                self.salah(
                    jalur, "harus true atau false" if tipe is bool else "harus bilangan >= 0"
                )
                return None
            return isi
        if tipe == tuple[str, ...]:
            if not isinstance(isi, list) or not all(isinstance(x, str) and x.strip() for x in isi):
                self.salah(jalur, "harus berupa daftar teks yang tidak kosong")
                return ()
            return tuple(isi)
        return self.pilihan(tipe, isi, jalur)

    def pilihan(self, jenis: type[StrEnum], isi: Any, path: str) -> Any:
        try:
            return jenis(isi)
        except ValueError:
            boleh = ", ".join(m.value for m in jenis)
            self.salah(path, f"'{isi}' tidak dikenal (pilihan: {boleh})")
            return None

    def desimal(self, isi: Any, path: str) -> Decimal:
        # Via str() so a TOML float such as 12.5 becomes exactly Decimal("12.5").
        try:
            if isinstance(isi, bool) or not isinstance(isi, int | float | str):
                raise InvalidOperation
            hasil = Decimal(str(isi))
            if not hasil.is_finite() or hasil < 0:
                raise InvalidOperation
        except InvalidOperation:
            self.salah(path, f"'{isi}' bukan angka tidak negatif")
            return Decimal(0)
        return hasil

    def peta(self, jenis: type[StrEnum], tbl: dict, path: str) -> dict:
        """tbl read as {member: value} for every member of `jenis` (none missing, no extras)."""
        for anggota in jenis:
            if anggota.value not in tbl:
                self.salah(path, f"'{anggota.value}' belum ada")
        self.kunci(tbl, path, {m.value for m in jenis} | _ASAL_USUL)
        return {m: tbl[m.value] for m in jenis if m.value in tbl}

    def asal_usul(self, tbl: dict, path: str) -> tuple[str, str]:
        """Check the sumber/keyakinan/catatan of a rule table and return the first two."""
        sumber = self.nilai(str, tbl, "sumber", path)
        keyakinan = self.nilai(str, tbl, "keyakinan", path)
        self.nilai(str, tbl, "catatan", path, wajib=False)
        return sumber, keyakinan

    def item(self, cls: type, tbl: dict, path: str) -> Any:
        """One catalogue item: every dataclass field is a TOML key; defaults make it optional."""
        tipe = _tipe_bidang(cls)
        self.kunci(tbl, path, {f.name for f in fields(cls)})
        isi = {}
        for f in fields(cls):
            opsional = f.default is not MISSING
            nilai = self.nilai(tipe[f.name], tbl, f.name, path, wajib=not opsional)
            if nilai is not None or not opsional:
                isi[f.name] = nilai
        return cls(**isi)

    def katalog(
        self, cls: type, larik: list[dict], path: str, judul: str, kunci: str = "kode"
    ) -> Katalog:
        items = []
        for i, tbl in enumerate(larik):
            label = tbl.get(kunci)
            items.append(self.item(cls, tbl, f"{path}[{i}]" + (f" ({label})" if label else "")))
        dilihat: set[str] = set()
        for item in items:
            k = getattr(item, kunci)
            if k in dilihat:
                self.salah(path, f"kode '{k}' dipakai lebih dari sekali")
            dilihat.add(k)
        return Katalog(tuple(items), key=lambda i: getattr(i, kunci), judul=judul)


_tipe_bidang = functools.cache(typing.get_type_hints)


def _jalur(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _baca(p: _Pembaca, data: dict, nama: str) -> Aturan:
    p.kunci(data, "berkas", _BAGIAN)
    meta = p.tabel(data, "meta")
    p.kunci(meta, "meta", {"tahun", "judul", "dasar", "sama_dengan_dasar", "catatan"})
    tahun = p.nilai(int, meta, "tahun", "meta")
    periode = p.tabel(data, "periode")
    p.kunci(periode, "periode", {"mulai", "selesai"} | _ASAL_USUL)
    p.asal_usul(periode, "periode")
    mulai, selesai = periode.get("mulai"), periode.get("selesai")
    if type(mulai) is not date or type(selesai) is not date:
        p.salah("periode", "mulai dan selesai harus tanggal (YYYY-MM-DD)")
        mulai = selesai = date.min  # a stand-in: the errors are raised before it is used
    elif mulai > selesai or (isinstance(tahun, int) and mulai.year != tahun):
        p.salah("periode", f"tanggal mulai harus sebelum tanggal selesai, di tahun {tahun}")

    perilaku = p.tabel(data, "perilaku")
    fokus = ("fokus_paling_sedikit", "fokus_paling_banyak", "fokus_sumber", "fokus_keyakinan")
    p.kunci(perilaku, "perilaku", {*fokus, "ekspektasi_khusus_bawaan", "komponen", "aspek"})
    fokus_min, fokus_max = (p.nilai(int, perilaku, k, "perilaku") for k in fokus[:2])
    p.nilai(str, perilaku, "fokus_sumber", "perilaku")
    p.nilai(str, perilaku, "fokus_keyakinan", "perilaku")
    if (
        isinstance(fokus_min, int)
        and isinstance(fokus_max, int)
        and not 1 <= fokus_min <= fokus_max
    ):
        p.salah("perilaku", "harus 1 <= fokus_paling_sedikit <= fokus_paling_banyak")

    return Aturan(
        nama=nama,
        tahun=tahun,
        judul=p.nilai(str, meta, "judul", "meta"),
        dasar=meta.get("dasar") if isinstance(meta.get("dasar"), str) else None,
        sama_dengan_dasar=tuple(meta.get("sama_dengan_dasar") or ()),
        periode_mulai=mulai,
        periode_selesai=selesai,
        pertanyaan_terbuka=tuple(
            p.katalog(
                PertanyaanTerbuka, p.larik(data, "pertanyaan_terbuka"), "pertanyaan_terbuka", ""
            )
        ),
        perilaku=p.katalog(
            AspekPerilaku, p.larik(perilaku, "aspek", "perilaku"), "perilaku.aspek", "perilaku"
        ),
        komponen_perilaku=p.katalog(
            KomponenPerilaku,
            p.larik(perilaku, "komponen", "perilaku"),
            "perilaku.komponen",
            "komponen perilaku",
        ),
        ekspektasi_khusus_bawaan=p.nilai(str, perilaku, "ekspektasi_khusus_bawaan", "perilaku"),
        fokus_perilaku_paling_sedikit=fokus_min,
        fokus_perilaku_paling_banyak=fokus_max,
        dokumen_catatan=p.nilai(str, p.tabel(data, "dokumen"), "catatan", "dokumen"),
        daftar_golongan=_baca_golongan(p, data),
        daftar_jabatan=p.katalog(Jabatan, p.larik(data, "jabatan"), "jabatan", "jabatan", "nama"),
        tidak_ikut=_baca_tidak_ikut(p, data),
        **_baca_cakupan(p, data),
        **_baca_kalender(p, data),
        # Print texts are optional: a year without them prints blank lines to fill by hand.
        isi_skp=p.katalog(IsiSkp, data.get("isi_skp", []), "isi_skp", "isi SKP"),
        lampiran_skp=p.katalog(LampiranSkp, data.get("lampiran_skp", []), "lampiran_skp",
                               "lampiran SKP"),
        **_baca_ekinerja(p, data),
        matriks_predikat=_baca_matriks(p, data),
        pko_ke_rating_hasil=_baca_pko_rating(p, data),
        rating_hasil=_baca_rating_hasil(p, data),
        rating_perilaku=_baca_rating_perilaku(p, data),
        distribusi=_baca_distribusi(p, data),
        **_baca_angka_kredit(p, data),
        **_baca_skp_bagian(p, data),
        **_baca_identitas(p, data),
        _tugas_pokok=_per_posisi(p, data, "tugas_pokok", TugasPokok),
        _praktik=_baca_praktik(p, data),
        _kompetensi=_per_posisi(p, data, "kompetensi", Kompetensi),
        _dokumen=_per_posisi(p, data, "dokumen", Dokumen),
    )


ATURAN_PERIODIK = frozenset({"observasi_lalu_tahunan"})


def _baca_ekinerja(p: _Pembaca, data: dict) -> dict:
    """The e-Kinerja part (SPEC §12): optional, a year without it sends no organisational RHK."""
    org = p.katalog(RhkOrganisasi, data.get("rhk_organisasi", []), "rhk_organisasi",
                    "RHK organisasi")
    intervensi = p.katalog(Intervensi, data.get("intervensi", []), "intervensi", "intervensi")
    for i in intervensi:
        if i.rhk_organisasi not in org:
            p.salah(f"intervensi ({i.kode})", f"RHK organisasi '{i.rhk_organisasi}' tidak ada")
    periodik = data.get("penilaian_periodik", {"aturan": "observasi_lalu_tahunan"})
    if "sumber" in periodik:
        p.kunci(periodik, "penilaian_periodik", {"aturan"} | _ASAL_USUL)
        p.asal_usul(periodik, "penilaian_periodik")
    aturan_periodik = periodik.get("aturan")
    if aturan_periodik not in ATURAN_PERIODIK:
        p.salah("penilaian_periodik.aturan", f"'{aturan_periodik}' tidak dikenal")
    return {
        "rhk_organisasi": org,
        "intervensi": intervensi,
        "bukti_dukung": p.katalog(BuktiDukung, data.get("bukti_dukung", []), "bukti_dukung",
                                  "bukti dukung"),
        "label_ekinerja": p.katalog(LabelEkinerja, data.get("label_ekinerja", []),
                                    "label_ekinerja", "label e-Kinerja"),
        "aturan_periodik": aturan_periodik,
    }


def _per_posisi(p: _Pembaca, data: dict, bagian: str, cls: type) -> dict[Posisi, Katalog]:
    tbl = p.tabel(data, bagian)
    p.kunci(tbl, bagian, {x.value for x in Posisi} | {"catatan"})
    return {
        posisi: p.katalog(
            cls,
            p.larik(tbl, posisi.value, bagian),
            f"{bagian}.{posisi.value}",
            f"{bagian} {posisi.label}",
        )
        for posisi in Posisi
    }


def _baca_praktik(p: _Pembaca, data: dict) -> dict[Posisi, Katalog[IndikatorPraktik]]:
    hasil = _per_posisi(p, data, "praktik", IndikatorPraktik)
    for posisi, katalog in hasil.items():
        for i in katalog:
            if not i.placeholder and not i.rhk:
                p.salah(f"praktik.{posisi.value} ({i.kode}).rhk", "wajib diisi")
            if i.fokus_perilaku_lengkap and not i.fokus_perilaku:
                p.salah(f"praktik.{posisi.value} ({i.kode})", "fokus lengkap tetapi daftar kosong")
    return hasil


def _baca_golongan(p: _Pembaca, data: dict) -> Katalog[Golongan]:
    katalog = p.katalog(Golongan, p.larik(data, "golongan"), "golongan", "golongan")
    for g in katalog:
        if g.jenis is JenisASN.PNS and not g.pangkat:
            p.salah(f"golongan ({g.kode}).pangkat", "wajib diisi untuk PNS")
    return katalog


def _baca_tidak_ikut(p: _Pembaca, data: dict) -> Katalog[StatusTidakIkut]:
    katalog = p.katalog(StatusTidakIkut, p.larik(data, "tidak_ikut"), "tidak_ikut", "tidak ikut")
    ikut = _kode_ikut(data)
    for k in Keikutsertaan:
        if k is Keikutsertaan.IKUT and k in katalog:
            p.salah("tidak_ikut", "'ikut' berarti mengikuti; jangan dicantumkan di sini")
        elif k.value in ikut and k in katalog:
            p.salah("tidak_ikut", f"status '{k.value}' juga ada di cakupan.ikut; pilih salah satu")
        elif k is not Keikutsertaan.IKUT and k.value not in ikut and k not in katalog:
            p.salah("tidak_ikut", f"status '{k.value}' belum ada")
    return katalog


def _baca_kalender(p: _Pembaca, data: dict) -> dict[str, Any]:
    """The components and the calendar of the year (both optional: a year without a calendar
    enforces no deadline)."""
    komponen = p.katalog(KomponenKinerja, data.get("komponen", []), "komponen", "komponen")
    larik = data.get("kalender", [])
    if not isinstance(larik, list) or not all(isinstance(x, dict) for x in larik):
        p.salah("kalender", "daftar butir ([[kalender]]) wajib berbentuk larik tabel")
        larik = []
    kalender = p.katalog(TahapKalender, larik, "kalender", "kalender", "tahap")
    for t in kalender:
        jalur = f"kalender ({t.tahap})"
        if t.mulai is not None and t.selesai is not None and t.mulai > t.selesai:
            p.salah(jalur, "mulai harus sebelum atau sama dengan selesai")
        if t.komponen and t.komponen not in komponen:
            p.salah(f"{jalur}.komponen", f"komponen '{t.komponen}' tidak ada di [[komponen]]")
    return {"komponen": komponen, "kalender": kalender}


def _kode_ikut(data: dict) -> set[str]:
    cakupan = data.get("cakupan")
    larik = cakupan.get("ikut", []) if isinstance(cakupan, dict) else []
    if not isinstance(larik, list):
        return set()
    return {str(b.get("kode")) for b in larik if isinstance(b, dict)}


def _baca_cakupan(p: _Pembaca, data: dict) -> dict[str, Any]:
    """The year's scope (optional): statuses an earlier year left out that take part now, and
    the groups the year names explicitly."""
    cakupan = data.get("cakupan", {})
    if not isinstance(cakupan, dict):
        p.salah("cakupan", "harus tabel")
        cakupan = {}
    p.kunci(cakupan, "cakupan", {"ikut", "termasuk", "catatan"})
    ikut = p.katalog(CakupanIkut, cakupan.get("ikut", []), "cakupan.ikut", "cakupan ikut")
    if Keikutsertaan.IKUT in ikut:
        p.salah("cakupan.ikut", "'ikut' selalu mengikuti; jangan dicantumkan di sini")
    termasuk = p.katalog(CakupanTermasuk, cakupan.get("termasuk", []), "cakupan.termasuk",
                         "cakupan termasuk")
    return {"ikut_tahun_ini": ikut, "cakupan_termasuk": termasuk}


def _baca_matriks(p: _Pembaca, data: dict) -> dict[tuple[Rating, Rating], Predikat]:
    tbl = p.tabel(data, "predikat")
    p.kunci(tbl, "predikat", {"matriks"} | _ASAL_USUL)
    p.asal_usul(tbl, "predikat")
    hasil = {}
    for hasil_kerja, kolom in p.peta(
        Rating, p.tabel(tbl, "matriks", "predikat"), "predikat.matriks"
    ).items():
        path = f"predikat.matriks.{hasil_kerja.value}"
        for perilaku, isi in p.peta(Rating, kolom if isinstance(kolom, dict) else {}, path).items():
            hasil[hasil_kerja, perilaku] = p.pilihan(Predikat, isi, f"{path}.{perilaku.value}")
    return hasil


def _baca_pko_rating(p: _Pembaca, data: dict) -> dict[PKO, Rating]:
    tbl = p.tabel(data, "pko_ke_rating_hasil")
    p.asal_usul(tbl, "pko_ke_rating_hasil")
    return {
        pko: p.pilihan(Rating, isi, f"pko_ke_rating_hasil.{pko.value}")
        for pko, isi in p.peta(PKO, tbl, "pko_ke_rating_hasil").items()
    }


def _baca_rating_hasil(p: _Pembaca, data: dict) -> AturanRatingHasil:
    path = "rekomendasi.rating_hasil"
    tbl = p.tabel(p.tabel(data, "rekomendasi"), "rating_hasil", "rekomendasi")
    batas = ("di_atas_paling_sedikit", "di_atas_di_bawah_paling_banyak", "di_bawah_paling_sedikit")
    p.kunci(tbl, path, {*batas, "kriteria", "dokumen"} | _ASAL_USUL)
    sumber, keyakinan = p.asal_usul(tbl, path)
    kriteria = p.katalog(Kriteria, p.larik(tbl, "kriteria", path), f"{path}.kriteria", "kriteria")
    if sorted(map(str, kriteria.kode)) != sorted(KRITERIA_RATING_HASIL):
        p.salah(f"{path}.kriteria", f"harus tepat {', '.join(KRITERIA_RATING_HASIL)}")
    return AturanRatingHasil(
        kriteria=tuple(kriteria),
        **{b: p.nilai(int, tbl, b, path) for b in batas},
        sumber=sumber,
        keyakinan=keyakinan,
        dokumen=_baca_nilai_dokumen(p, tbl["dokumen"], f"{path}.dokumen")
        if "dokumen" in tbl else None,
    )


def _baca_nilai_dokumen(p: _Pembaca, tbl: Any, path: str) -> AturanNilaiDokumen | None:
    """The document scale and rule (optional: a year without it rates the three criteria)."""
    if not isinstance(tbl, dict):
        p.salah(path, "tabel wajib ada")
        return None
    atas = "rata_rata_suara_di_atas_paling_sedikit"
    bawah = "rata_rata_suara_di_bawah_kurang_dari"
    p.kunci(tbl, path, {atas, bawah, "skala", "skor_observasi"} | _ASAL_USUL)
    sumber, keyakinan = p.asal_usul(tbl, path)
    skala = {}
    for i, butir in enumerate(p.larik(tbl, "skala", path)):
        jalur = f"{path}.skala[{i}]"
        p.kunci(butir, jalur, {"nilai", "label"})
        nilai, label = p.nilai(int, butir, "nilai", jalur), p.nilai(str, butir, "label", jalur)
        if nilai in skala:
            p.salah(jalur, f"nilai {nilai} ganda")
        skala[nilai] = label
    if len(skala) < 2 or list(skala) != sorted(skala):
        p.salah(f"{path}.skala", "minimal dua tingkat, urut naik")
    skor_tbl = p.tabel(tbl, "skor_observasi", path)
    p.kunci(skor_tbl, f"{path}.skor_observasi", {h.value for h in HasilObservasi})
    skor = {h: p.nilai(int, skor_tbl, h.value, f"{path}.skor_observasi")
            for h in HasilObservasi}
    batas_atas = p.desimal(tbl.get(atas), f"{path}.{atas}")
    batas_bawah = p.desimal(tbl.get(bawah), f"{path}.{bawah}")
    if batas_bawah > batas_atas:
        p.salah(path, "batas Di Bawah tidak boleh melebihi batas Di Atas")
    return AturanNilaiDokumen(
        skala=skala, skor_observasi=skor, di_atas_rata_rata_paling_sedikit=batas_atas,
        di_bawah_rata_rata_kurang_dari=batas_bawah, sumber=sumber, keyakinan=keyakinan)


def _baca_rating_perilaku(p: _Pembaca, data: dict) -> AturanRatingPerilaku:
    path = "rekomendasi.rating_perilaku"
    tbl = p.tabel(p.tabel(data, "rekomendasi"), "rating_perilaku", "rekomendasi")
    atas, bawah = "di_atas_rata_rata_paling_sedikit", "di_bawah_rata_rata_kurang_dari"
    p.kunci(tbl, path, {atas, bawah, "skor"} | _ASAL_USUL)
    sumber, keyakinan = p.asal_usul(tbl, path)
    skor_tbl = p.tabel(tbl, "skor", path)
    skor = {r: p.nilai(int, skor_tbl, r.value, f"{path}.skor") for r in Rating}
    p.kunci(skor_tbl, f"{path}.skor", {r.value for r in Rating})
    batas_atas = p.desimal(tbl.get(atas), f"{path}.{atas}")
    batas_bawah = p.desimal(tbl.get(bawah), f"{path}.{bawah}")
    if batas_bawah > batas_atas:
        p.salah(path, "batas Di Bawah tidak boleh melebihi batas Di Atas")
    return AturanRatingPerilaku(
        skor=skor,
        di_atas_rata_rata_paling_sedikit=batas_atas,
        di_bawah_rata_rata_kurang_dari=batas_bawah,
        sumber=sumber,
        keyakinan=keyakinan,
    )


def _baca_distribusi(p: _Pembaca, data: dict) -> dict[PKO, tuple[KaidahDistribusi, ...]]:
    tbl = p.tabel(data, "distribusi")
    p.asal_usul(tbl, "distribusi")
    pembulatan = {}
    for batas in Batas:
        kunci = f"pembulatan_{batas.value}"
        if tbl.get(kunci) not in ("bawah", "atas"):
            p.salah(f"distribusi.{kunci}", "harus 'bawah' atau 'atas'")
        pembulatan[batas] = tbl.get(kunci)
    boleh = {x.value for x in PKO} | {f"pembulatan_{b}" for b in Batas} | _ASAL_USUL
    p.kunci(tbl, "distribusi", boleh)
    return {
        pko: tuple(
            _baca_kaidah(p, t, f"distribusi.{pko.value}[{i}]", pembulatan)
            for i, t in enumerate(p.larik(tbl, pko.value, "distribusi"))
        )
        for pko in PKO
    }


def _baca_kaidah(p: _Pembaca, t: dict, path: str, pembulatan: dict) -> KaidahDistribusi:
    p.kunci(t, path, {"predikat", "batas", "persen", "jumlah"} | _ASAL_USUL)
    sumber, keyakinan = p.asal_usul(t, path)
    predikat = p.nilai(tuple[str, ...], t, "predikat", path) or ()
    batas = p.nilai(Batas, t, "batas", path)
    persen = jumlah = None
    if ("persen" in t) == ("jumlah" in t):
        p.salah(path, "isi tepat satu dari 'persen' atau 'jumlah'")
    elif "persen" in t:
        persen = p.desimal(t["persen"], f"{path}.persen")
        if persen > 100:
            p.salah(f"{path}.persen", "tidak boleh lebih dari 100")
    else:
        jumlah = p.nilai(int, t, "jumlah", path)
    return KaidahDistribusi(
        predikat=tuple(p.pilihan(Predikat, x, f"{path}.predikat") for x in predikat),
        batas=batas,
        persen=persen,
        jumlah=jumlah,
        pembulatan=pembulatan.get(batas, ""),
        sumber=sumber,
        keyakinan=keyakinan,
    )


def _baca_angka_kredit(p: _Pembaca, data: dict) -> dict[str, Any]:
    tbl = p.tabel(data, "angka_kredit")
    p.kunci(tbl, "angka_kredit", {"persentase", "koefisien"} | _ASAL_USUL)
    p.asal_usul(tbl, "angka_kredit")
    hasil = {}
    for kunci, jenis, bidang in (
        ("persentase", Predikat, "persentase_angka_kredit"),
        ("koefisien", JenjangJabatan, "koefisien_angka_kredit"),
    ):
        path = f"angka_kredit.{kunci}"
        peta = p.peta(jenis, p.tabel(tbl, kunci, "angka_kredit"), path)
        hasil[bidang] = {k: p.desimal(v, f"{path}.{k.value}") for k, v in peta.items()}
    return hasil


PREDIKAT_TAHUNAN_BAGIAN = frozenset({"periode_terpanjang", "bagian_terakhir"})
BULAN_ANGKA_KREDIT_BAGIAN = frozenset({"hari_terbanyak"})


def _baca_skp_bagian(p: _Pembaca, data: dict) -> dict[str, Any]:
    """How the parts of a year's SKP (a Mutasi) make the yearly predikat and AK months.
    Optional: a year without the table uses the 2025 rule (the dataclass defaults)."""
    if "skp_bagian" not in data:
        return {}
    tbl = p.tabel(data, "skp_bagian")
    p.kunci(tbl, "skp_bagian", {"predikat_tahunan", "bulan_angka_kredit"} | _ASAL_USUL)
    sumber, keyakinan = p.asal_usul(tbl, "skp_bagian")
    hasil: dict[str, Any] = {"skp_bagian_sumber": sumber, "skp_bagian_keyakinan": keyakinan}
    for kunci, boleh, bidang in (
        ("predikat_tahunan", PREDIKAT_TAHUNAN_BAGIAN, "predikat_tahunan_bagian"),
        ("bulan_angka_kredit", BULAN_ANGKA_KREDIT_BAGIAN, "bulan_angka_kredit_bagian"),
    ):
        nilai = tbl.get(kunci)
        if nilai not in boleh:
            p.salah(f"skp_bagian.{kunci}", f"'{nilai}' tidak dikenal")
        hasil[bidang] = nilai
    return hasil


def _baca_identitas(p: _Pembaca, data: dict) -> dict[str, Any]:
    tbl = p.tabel(data, "identitas")
    angka = ("tahun_lahir_paling_awal", "usia_paling_muda", "npsn_digit", "nuptk_digit")
    p.kunci(tbl, "identitas", {*angka, "kode_bulan_pppk"} | _ASAL_USUL)
    p.asal_usul(tbl, "identitas")
    kode_pppk = tbl.get("kode_bulan_pppk", [])
    # A PPPK marker must not collide with a real TMT month.
    if not isinstance(kode_pppk, list) or not all(
        type(k) is int and 13 <= k <= 99 for k in kode_pppk
    ):
        p.salah("identitas.kode_bulan_pppk", "harus daftar angka 13-99 (bukan bulan 1-12)")
        kode_pppk = []
    hasil: dict[str, Any] = {k: p.nilai(int, tbl, k, "identitas") for k in angka}
    hasil["kode_bulan_pppk"] = frozenset(kode_pppk)
    return hasil
