"""The 2026 rule set: a file that takes what did not change from 2025 by reference (issue #14)."""

from datetime import date
from pathlib import Path

import pytest

import kinerja_web.aturan as aturan_pkg
from kinerja_web.aturan import (
    AturanTidakDitemukan,
    AturanTidakValid,
    Keikutsertaan,
    Posisi,
    Tahap,
    daftar_aturan,
    muat_aturan,
    muat_aturan_dari,
    tenggat,
)

DATA = Path(aturan_pkg.__file__).parent / "data"


@pytest.fixture(scope="module")
def a26():
    return muat_aturan("2026")


@pytest.fixture(scope="module")
def a25():
    return muat_aturan("2025")


def test_2026_is_bundled_and_names_its_base(a26):
    assert "2026" in daftar_aturan()
    assert (a26.nama, a26.tahun, a26.dasar) == ("2026", 2026, "2025")
    assert (a26.periode_mulai, a26.periode_selesai) == (date(2026, 1, 1), date(2026, 12, 31))
    assert muat_aturan(2026) is a26  # cached, a year number works as the name


def test_tables_the_file_says_are_the_same_come_from_2025(a26, a25):
    assert "praktik" in a26.sama_dengan_dasar and "golongan" in a26.sama_dengan_dasar
    for posisi in Posisi:
        assert list(a26.praktik(posisi)) == list(a25.praktik(posisi))
        assert list(a26.tugas_pokok(posisi)) == list(a25.tugas_pokok(posisi))
    assert list(a26.daftar_golongan) == list(a25.daftar_golongan)
    assert a26.matriks_predikat == a25.matriks_predikat
    assert "tidak_ikut" not in a26.sama_dengan_dasar  # 2026 writes its own scope


def _tulis(tmp_path, nama, teks):
    berkas = tmp_path / nama
    berkas.write_text(teks, encoding="utf-8")
    return berkas


def _anak(sama, tambahan="", dasar="2025"):
    daftar = ", ".join(f'"{b}"' for b in sama)
    return (
        f'[meta]\ntahun = 2027\njudul = "Uji"\ndasar = "{dasar}"\nsama_dengan_dasar = [{daftar}]\n'
        '[periode]\nmulai = 2027-01-01\nselesai = 2027-12-31\nsumber = "uji"\nkeyakinan = "D"\n'
        + tambahan
    )


SEMUA_2026 = list(muat_aturan("2026").sama_dengan_dasar)
BAGIAN_26_SENDIRI = ("pertanyaan_terbuka", "tidak_ikut", "cakupan", "komponen", "kalender")
SENDIRI_DI_2025 = ["pertanyaan_terbuka", "tidak_ikut", "kalender"]


def test_a_table_written_in_the_file_replaces_the_base(tmp_path, a25):
    sama = [b for b in SEMUA_2026 if b != "angka_kredit"] + SENDIRI_DI_2025
    ak = DATA.joinpath("2025.toml").read_text(encoding="utf-8")
    blok = ak[ak.index("[angka_kredit]"):]
    blok = blok[: blok.index("\n# ---")].replace('ahli_pertama = "12.5"', 'ahli_pertama = "10"')
    a = muat_aturan_dari(_tulis(tmp_path, "2027.toml", _anak(sama, blok)))
    assert a.koefisien_angka_kredit["ahli_pertama"] == 10
    assert a25.koefisien_angka_kredit["ahli_pertama"] == pytest.approx(12.5)
    assert a.dasar == "2025" and "angka_kredit" not in a.sama_dengan_dasar


def test_a_base_table_neither_written_nor_listed_is_an_error(tmp_path):
    sama = [b for b in SEMUA_2026 if b != "golongan"] + SENDIRI_DI_2025
    with pytest.raises(AturanTidakValid) as e:
        muat_aturan_dari(_tulis(tmp_path, "2027.toml", _anak(sama)))
    assert "bagian 'golongan' dari aturan 2025 tidak ditulis di berkas ini" in str(e.value)


@pytest.mark.parametrize(
    ("sama", "tambahan", "dasar", "pesan"),
    [
        (["periode"], "", "2025", "'periode' wajib ditulis di setiap tahun"),
        (["kalender_x"], "", "2025", "'kalender_x' tidak ada di aturan 2025"),
        (["identitas"], '[identitas]\nnpsn_digit = 8\n', "2025",
         "'identitas' juga ditulis di berkas ini"),
        ([], "", "1999", "aturan dasar '1999' tidak ditemukan"),
        ([], "", "../2025", "harus nama aturan tahun lain"),
    ],
)
def test_bad_references_are_refused_with_the_reason(tmp_path, sama, tambahan, dasar, pesan):
    with pytest.raises(AturanTidakValid) as e:
        muat_aturan_dari(_tulis(tmp_path, "2027.toml", _anak(sama, tambahan, dasar)))
    assert pesan in str(e.value)


def test_a_circular_reference_is_refused(tmp_path):
    _tulis(tmp_path, "a.toml", _anak([], dasar="b"))
    _tulis(tmp_path, "b.toml", _anak([], dasar="a"))
    with pytest.raises(AturanTidakValid, match="rujukan melingkar: a -> b -> a"):
        muat_aturan_dari(tmp_path / "a.toml")


def test_a_base_in_the_same_folder_is_preferred_and_chains(tmp_path):
    """2028 -> 2027 (next to it) -> 2025 (bundled): a chain of references resolves."""
    teks26 = DATA.joinpath("2026.toml").read_text(encoding="utf-8")
    teks27 = teks26.replace("2026-", "2027-").replace("tahun = 2026", "tahun = 2027")
    _tulis(tmp_path, "2027.toml", teks27)
    sama = SEMUA_2026 + list(BAGIAN_26_SENDIRI)
    teks = _anak(sama, dasar="2027").replace("2027-", "2028-").replace("= 2027", "= 2028")
    a = muat_aturan_dari(_tulis(tmp_path, "2028.toml", teks))
    assert a.dasar == "2027" and a.ikut(Keikutsertaan.DIPERBANTUKAN_SWASTA)


def test_unknown_base_of_a_bundled_name_fails_clearly():
    with pytest.raises(AturanTidakDitemukan):
        muat_aturan("2031")


# --- scope per year -------------------------------------------------------------------------------


def test_private_school_asn_is_in_scope_in_2026_and_out_in_2025(a26, a25):
    swasta = Keikutsertaan.DIPERBANTUKAN_SWASTA
    assert not a25.ikut(swasta) and a25.status_tidak_ikut(swasta) is not None
    assert a26.ikut(swasta) and a26.status_tidak_ikut(swasta) is None
    assert swasta in a26.ikut_tahun_ini and a26.ikut_tahun_ini[swasta].sumber
    assert "guru_pendidikan_khusus" in a26.cakupan_termasuk
    for tetap in ("cltn", "siln", "kemenag", "tugas_belajar_dinas"):
        assert not a26.ikut(tetap)
    assert a26.ikut(Keikutsertaan.IKUT) and a25.ikut(Keikutsertaan.IKUT)


def test_a_status_both_in_and_out_of_scope_is_refused(tmp_path):
    teks = DATA.joinpath("2026.toml").read_text(encoding="utf-8").replace(
        'kode = "tugas_belajar_dinas"', 'kode = "diperbantukan_swasta"')
    with pytest.raises(AturanTidakValid) as e:
        muat_aturan_dari(_tulis(tmp_path, "2026.toml", teks))
    assert "status 'diperbantukan_swasta' juga ada di cakupan.ikut" in str(e.value)
    assert "status 'tugas_belajar_dinas' belum ada" in str(e.value)


# --- components and calendar ----------------------------------------------------------------------


def test_2026_has_the_five_components_of_the_pedoman(a26):
    assert list(a26.komponen.kode) == [
        "pra_perencanaan", "perencanaan", "pelaksanaan_pembinaan", "penilaian", "tindak_lanjut"]
    assert "angka kredit" in a26.komponen["tindak_lanjut"].uraian
    assert "31 Desember" in a26.komponen["pra_perencanaan"].uraian
    for tahap in a26.kalender:
        assert tahap.komponen in a26.komponen, tahap.tahap


def test_2026_deadlines_submission_21_and_approval_31_january(a26):
    assert tenggat(a26, Tahap.PENGAJUAN_SKP) == date(2026, 1, 21)
    assert tenggat(a26, "persetujuan_skp") == date(2026, 1, 31)
    assert a26.kalender[Tahap.PENGAJUAN_SKP].mulai == date(2026, 1, 8)
    assert a26.kalender[Tahap.PRA_PERENCANAAN].selesai == date(2025, 12, 31)
    # Only the two planning stages are enforced; the rest is guidance.
    assert {t.tahap for t in a26.kalender if t.ditegakkan} == {
        Tahap.PENGAJUAN_SKP, Tahap.PERSETUJUAN_SKP}
    assert tenggat(a26, Tahap.PENILAIAN) is None


def test_2025_enforces_no_deadline_and_says_so(a25):
    assert len(a25.kalender) > 0
    assert all(tenggat(a25, t) is None for t in Tahap)
    assert "TIDAK menegakkan tenggat" in DATA.joinpath("2025.toml").read_text(encoding="utf-8")


def test_every_2026_rule_has_source_and_confidence(a26):
    for katalog in (a26.komponen, a26.kalender, a26.tidak_ikut, a26.ikut_tahun_ini,
                    a26.cakupan_termasuk):
        for item in katalog:
            assert item.sumber.strip() and item.keyakinan in ("H", "M", "D"), item


@pytest.mark.parametrize(
    ("lama", "baru", "pesan"),
    [
        ("selesai = 2026-01-21", "selesai = 2026-01-02",
         "kalender (pengajuan_skp): mulai harus sebelum atau sama dengan selesai"),
        ('komponen = "perencanaan"\nnama = "pengajuan SKP"',
         'komponen = "rencana"\nnama = "pengajuan SKP"',
         "komponen 'rencana' tidak ada di [[komponen]]"),
        ('tahap = "observasi"', 'tahap = "pengajuan_skp"', "kode 'pengajuan_skp' dipakai lebih"),
        ('tahap = "observasi"', 'tahap = "rapat"', "'rapat' tidak dikenal"),
        ("selesai = 2026-01-31", 'selesai = "31 Januari"', "harus tanggal (YYYY-MM-DD)"),
    ],
)
def test_bad_calendar_is_refused_with_its_location(tmp_path, lama, baru, pesan):
    teks = DATA.joinpath("2026.toml").read_text(encoding="utf-8")
    assert lama in teks
    with pytest.raises(AturanTidakValid) as e:
        muat_aturan_dari(_tulis(tmp_path, "2026.toml", teks.replace(lama, baru, 1)))
    assert pesan in str(e.value)
