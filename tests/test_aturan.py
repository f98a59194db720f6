"""Exhaustive tests of kinerja_web.aturan: catalogues, rules and validators (SPEC §3, §4, §7)."""

import ast
import dataclasses
import itertools
import sys
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

import kinerja_web.aturan as aturan_pkg
from kinerja_web.aturan import (
    PKO,
    Aturan,
    AturanTidakDitemukan,
    AturanTidakValid,
    HasilObservasi,
    JenisASN,
    JenisJabatan,
    JenjangJabatan,
    JenjangSekolah,
    Keikutsertaan,
    KelompokKompetensi,
    NIPTidakValid,
    NPSNTidakValid,
    NUPTKTidakValid,
    Posisi,
    Predikat,
    Rating,
    angka_kredit,
    cek_distribusi,
    daftar_aturan,
    format_angka,
    muat_aturan,
    muat_aturan_dari,
    predikat_kinerja,
    rating_hasil_dari_pko,
    rekomendasi_rating_hasil,
    rekomendasi_rating_perilaku,
    validasi_nip,
    validasi_npsn,
    validasi_nuptk,
)

A_, S_, B_ = Rating.DI_ATAS, Rating.SESUAI, Rating.DI_BAWAH
SB, BA, BP, KU, SK = Predikat  # best first
AHLI = list(JenjangJabatan)
DATA_2025 = Path(aturan_pkg.__file__).parent / "data" / "2025.toml"
HARI_INI = date(2025, 6, 1)


@pytest.fixture(scope="module")
def aturan() -> Aturan:
    return muat_aturan()


def _semua_item(a: Aturan):
    """Every catalogue item of the rule set, with a name for error messages."""
    for posisi in Posisi:
        for nama in ("tugas_pokok", "praktik", "kompetensi", "dokumen"):
            for item in getattr(a, nama)(posisi):
                yield f"{nama}.{posisi}.{item.kode}", item
    for nama in (
        "perilaku",
        "komponen_perilaku",
        "daftar_golongan",
        "daftar_jabatan",
        "tidak_ikut",
    ):
        for item in getattr(a, nama):
            yield f"{nama}.{getattr(item, 'kode', getattr(item, 'nama', '?'))}", item
    for kaidah_pko in a.distribusi.values():
        for i, kaidah in enumerate(kaidah_pko):
            yield f"distribusi[{i}]", kaidah
    for kriteria in a.rating_hasil.kriteria:
        yield f"kriteria.{kriteria.kode}", kriteria
    yield "rating_hasil", a.rating_hasil
    yield "rating_perilaku", a.rating_perilaku


# --- package purity ------------------------------------------------------------------------------


def test_aturan_imports_only_stdlib_and_itself():
    folder = Path(aturan_pkg.__file__).parent
    for berkas in folder.glob("*.py"):
        for node in ast.walk(ast.parse(berkas.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [n.name for n in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative import inside the package
                    continue
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in sys.stdlib_module_names, f"{berkas.name}: {name}"


# --- enums ---------------------------------------------------------------------------------------


def test_rating_values_and_labels():
    assert [(r.value, r.label) for r in Rating] == [
        ("di_atas", "Di Atas Ekspektasi"),
        ("sesuai", "Sesuai Ekspektasi"),
        ("di_bawah", "Di Bawah Ekspektasi"),
    ]
    assert Rating("sesuai") is Rating.SESUAI
    assert Rating.SESUAI == "sesuai"


def test_predikat_labels_and_order():
    assert Predikat.urut() == (SB, BA, BP, KU, SK)
    assert [p.value for p in Predikat.urut()] == [
        "sangat_baik",
        "baik",
        "butuh_perbaikan",
        "kurang",
        "sangat_kurang",
    ]
    assert [p.label for p in Predikat] == [
        "Sangat Baik",
        "Baik",
        "Butuh Perbaikan",
        "Kurang",
        "Sangat Kurang",
    ]
    assert KU.label_matriks == "Kurang/Misconduct"
    assert BP.label_matriks == "Butuh Perbaikan"
    assert [p.label_cetak for p in Predikat] == [
        "SANGAT BAIK",
        "BAIK",
        "BUTUH PERBAIKAN",
        "KURANG",
        "SANGAT KURANG",
    ]
    assert [p.peringkat for p in Predikat] == [0, 1, 2, 3, 4]
    assert sorted([SK, SB, KU], key=lambda p: p.peringkat) == [SB, KU, SK]


def test_other_enums():
    assert [(p.value, p.label) for p in PKO] == [
        ("istimewa", "Istimewa"),
        ("baik", "Baik"),
        ("butuh_perbaikan", "Butuh Perbaikan"),
        ("kurang", "Kurang"),
        ("sangat_kurang", "Sangat Kurang"),
    ]
    assert [(j.value, j.label) for j in JenjangJabatan] == [
        ("ahli_pertama", "Ahli Pertama"),
        ("ahli_muda", "Ahli Muda"),
        ("ahli_madya", "Ahli Madya"),
        ("ahli_utama", "Ahli Utama"),
    ]
    assert [(j.value, j.label) for j in JenjangSekolah] == [
        ("tk", "TK"),
        ("sd", "SD"),
        ("smp", "SMP"),
        ("sma", "SMA"),
        ("smk", "SMK"),
        ("slb", "SLB"),
    ]
    assert [(h.value, h.label) for h in HasilObservasi] == [
        ("belum", "Belum dilakukan"),
        ("belum_efektif", "Dilakukan tapi belum efektif"),
        ("efektif", "Dilakukan dan efektif"),
    ]
    assert [k.value for k in Keikutsertaan] == [
        "ikut",
        "cltn",
        "siln",
        "kemenag",
        "diperbantukan_swasta",
        "tugas_belajar_dinas",
    ]


# --- §4.3 predikat matrix ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hasil", "perilaku", "predikat"),
    [
        (A_, B_, KU),
        (A_, S_, BA),
        (A_, A_, SB),
        (S_, B_, KU),
        (S_, S_, BA),
        (S_, A_, BA),
        (B_, B_, SK),
        (B_, S_, BP),
        (B_, A_, BP),
    ],
)
def test_predikat_matrix_cell(hasil, perilaku, predikat):
    assert predikat_kinerja(hasil, perilaku) is predikat
    assert predikat_kinerja(hasil.value, perilaku.value) is predikat


def test_predikat_rejects_unknown_rating():
    with pytest.raises(ValueError):
        predikat_kinerja("luar_biasa", "sesuai")


# --- §4.1 rating hasil kerja ---------------------------------------------------------------------

# Every multiset of three criteria ratings (10 of them), checked in every order below.
REKOMENDASI_HASIL = [
    ((A_, A_, A_), A_),
    ((A_, A_, S_), A_),
    ((A_, A_, B_), S_),  # two Di Atas but one Di Bawah
    ((A_, S_, S_), S_),
    ((A_, S_, B_), S_),
    ((A_, B_, B_), B_),
    ((S_, S_, S_), S_),
    ((S_, S_, B_), S_),
    ((S_, B_, B_), B_),
    ((B_, B_, B_), B_),
]


@pytest.mark.parametrize(("nilai", "harapan"), REKOMENDASI_HASIL)
def test_rekomendasi_rating_hasil_every_order(nilai, harapan):
    for urutan in set(itertools.permutations(nilai)):
        assert rekomendasi_rating_hasil(*urutan) is harapan, urutan


def test_rekomendasi_rating_hasil_covers_all_27_combinations():
    tercakup = {u for nilai, _ in REKOMENDASI_HASIL for u in itertools.permutations(nilai)}
    assert len(tercakup) == 27


def test_rekomendasi_rating_hasil_accepts_values_and_keywords():
    hasil = rekomendasi_rating_hasil(
        upaya_refleksi="di_atas", upaya_mempelajari="di_atas", perubahan_praktik="sesuai"
    )
    assert hasil is A_


# --- §4.2 rating perilaku kerja ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("di_atas", "sesuai", "di_bawah", "harapan"),
    [
        (14, 0, 0, A_),
        (7, 7, 0, A_),  # mean exactly 2.5 -> Di Atas
        (8, 5, 1, A_),  # 24 + 10 + 1 = 35 -> 2.5
        (6, 8, 0, S_),  # 34 / 14 = 2.43
        (0, 14, 0, S_),
        (7, 0, 7, S_),  # mean 2.0
        (0, 7, 7, S_),  # mean exactly 1.5 -> not below
        (1, 5, 8, S_),  # 3 + 10 + 8 = 21 -> 1.5
        (0, 6, 8, B_),  # 20 / 14 = 1.43
        (0, 0, 14, B_),
    ],
)
def test_rekomendasi_rating_perilaku(di_atas, sesuai, di_bawah, harapan):
    nilai = [A_] * di_atas + [S_] * sesuai + [B_] * di_bawah
    assert rekomendasi_rating_perilaku(nilai) is harapan
    assert rekomendasi_rating_perilaku(iter(reversed(nilai))) is harapan
    assert rekomendasi_rating_perilaku([r.value for r in nilai]) is harapan


@pytest.mark.parametrize("banyak", [0, 1, 13, 15, 28])
def test_rekomendasi_rating_perilaku_needs_14_values(banyak):
    with pytest.raises(ValueError) as e:
        rekomendasi_rating_perilaku([S_] * banyak)
    assert str(e.value) == (
        f"Rating Perilaku Kerja butuh 14 nilai (7 aspek × Perwujudan dan Dampak), "
        f"yang diberikan {banyak}."
    )


# --- §4.3 PKO -> rating hasil kerja of the principal ---------------------------------------------


@pytest.mark.parametrize(
    ("pko", "rating"),
    [
        (PKO.ISTIMEWA, A_),
        (PKO.BAIK, S_),
        (PKO.BUTUH_PERBAIKAN, B_),
        (PKO.KURANG, B_),
        (PKO.SANGAT_KURANG, B_),
    ],
)
def test_rating_hasil_dari_pko(pko, rating):
    assert rating_hasil_dari_pko(pko) is rating
    assert rating_hasil_dari_pko(pko.value) is rating


# --- §4.4 PKO distribution -----------------------------------------------------------------------

# The SPEC table, one row per rule: (PKO, predikat set, direction, percent or fixed count).
KAIDAH_SPEC = [
    (PKO.ISTIMEWA, (SB,), "paling_banyak", 70),
    (PKO.BAIK, (BA,), "paling_banyak", 70),
    (PKO.BAIK, (BP, KU), "paling_sedikit", "1 orang"),
    (PKO.BUTUH_PERBAIKAN, (BP,), "paling_sedikit", 60),
    (PKO.BUTUH_PERBAIKAN, (SB,), "paling_banyak", 10),
    (PKO.KURANG, (KU,), "paling_sedikit", 60),
    (PKO.KURANG, (BP,), "paling_sedikit", 10),
    (PKO.KURANG, (SB,), "paling_banyak", 10),
    (PKO.SANGAT_KURANG, (SK,), "paling_sedikit", 60),
    (PKO.SANGAT_KURANG, (KU, BP), "paling_sedikit", 10),
    (PKO.SANGAT_KURANG, (SB,), "paling_banyak", 0),
]
# Allowed head counts per n, worked out by hand: at most -> floor, at least -> ceil.
BATAS = {
    ("paling_banyak", 70): {1: 0, 3: 2, 5: 3, 10: 7, 40: 28},
    ("paling_sedikit", 60): {1: 1, 3: 2, 5: 3, 10: 6, 40: 24},
    ("paling_banyak", 10): {1: 0, 3: 0, 5: 0, 10: 1, 40: 4},
    ("paling_sedikit", 10): {1: 1, 3: 1, 5: 1, 10: 1, 40: 4},
    ("paling_banyak", 0): {1: 0, 3: 0, 5: 0, 10: 0, 40: 0},
    ("paling_sedikit", "1 orang"): {1: 1, 3: 1, 5: 1, 10: 1, 40: 1},
}
N = [1, 3, 5, 10, 40]


def _cari_kaidah(a, pko, predikat, batas):
    cocok = [k for k in a.kaidah_distribusi(pko) if k.predikat == predikat and k.batas == batas]
    assert len(cocok) == 1
    return cocok[0]


def _sebaran(predikat_set, jumlah, n):
    """n employees: `jumlah` spread over the rule's predikat, the rest elsewhere."""
    pengisi = next(p for p in (BA, BP, SK, KU, SB) if p not in predikat_set)
    hasil = dict.fromkeys(predikat_set, 0)
    for i in range(jumlah):
        hasil[predikat_set[i % len(predikat_set)]] += 1
    hasil[pengisi] = n - jumlah
    return hasil


def test_distribution_rules_match_spec(aturan):
    dari_data = [
        (pko, k.predikat, k.batas.value, int(k.persen) if k.persen is not None else None, k.jumlah)
        for pko in PKO
        for k in aturan.kaidah_distribusi(pko)
    ]
    harapan = [
        (
            pko,
            pred,
            batas,
            None if isinstance(ukuran, str) else ukuran,
            1 if isinstance(ukuran, str) else None,
        )
        for pko, pred, batas, ukuran in KAIDAH_SPEC
    ]
    assert dari_data == harapan


@pytest.mark.parametrize("n", N)
@pytest.mark.parametrize(("pko", "predikat", "batas", "ukuran"), KAIDAH_SPEC)
def test_distribution_rule_at_bound_and_past_it(aturan, pko, predikat, batas, ukuran, n):
    kaidah = _cari_kaidah(aturan, pko, predikat, batas)
    bound = BATAS[batas, ukuran][n]
    assert kaidah.batas_jumlah(n) == bound

    def pelanggaran_kaidah_ini(jumlah):
        return [v for v in cek_distribusi(pko, _sebaran(predikat, jumlah, n)) if v.kaidah == kaidah]

    if bound <= n:
        assert pelanggaran_kaidah_ini(bound) == []
    lewat = bound + 1 if batas == "paling_banyak" else bound - 1
    if 0 <= lewat <= n:
        (v,) = pelanggaran_kaidah_ini(lewat)
        assert (v.batas, v.jumlah, v.total) == (bound, lewat, n)
    if batas == "paling_banyak":  # everyone in the capped predikat always breaches a cap < n
        assert bool(pelanggaran_kaidah_ini(n)) == (bound < n)
    else:  # nobody in the required predikat always breaches a floor >= 1
        assert bool(pelanggaran_kaidah_ini(0)) == (bound >= 1)


@pytest.mark.parametrize(
    ("pko", "sebaran", "pesan"),
    [
        (
            PKO.ISTIMEWA,
            {SB: 3},
            ["Predikat Sangat Baik paling banyak 70% (2 dari 3 pegawai), saat ini 3."],
        ),
        (
            PKO.ISTIMEWA,
            {SB: 8, BA: 2},
            ["Predikat Sangat Baik paling banyak 70% (7 dari 10 pegawai), saat ini 8."],
        ),
        (
            PKO.BAIK,
            {BA: 8, SB: 2},
            [
                "Predikat Baik paling banyak 70% (7 dari 10 pegawai), saat ini 8.",
                "Predikat Butuh Perbaikan atau Kurang paling sedikit 1 pegawai, saat ini 0.",
            ],
        ),
        (
            PKO.BUTUH_PERBAIKAN,
            {BP: 5, SB: 2, BA: 3},
            [
                "Predikat Butuh Perbaikan paling sedikit 60% (6 dari 10 pegawai), saat ini 5.",
                "Predikat Sangat Baik paling banyak 10% (1 dari 10 pegawai), saat ini 2.",
            ],
        ),
        (
            PKO.KURANG,
            {KU: 5, SB: 2, BA: 3},
            [
                "Predikat Kurang paling sedikit 60% (6 dari 10 pegawai), saat ini 5.",
                "Predikat Butuh Perbaikan paling sedikit 10% (1 dari 10 pegawai), saat ini 0.",
                "Predikat Sangat Baik paling banyak 10% (1 dari 10 pegawai), saat ini 2.",
            ],
        ),
        (
            PKO.SANGAT_KURANG,
            {SK: 5, SB: 1, BA: 4},
            [
                "Predikat Sangat Kurang paling sedikit 60% (6 dari 10 pegawai), saat ini 5.",
                "Predikat Kurang atau Butuh Perbaikan paling sedikit 10% (1 dari 10 pegawai),"
                " saat ini 0.",
                "Predikat Sangat Baik tidak boleh ada, saat ini 1.",
            ],
        ),
    ],
)
def test_distribution_messages(pko, sebaran, pesan):
    assert [v.pesan for v in cek_distribusi(pko, sebaran)] == pesan


@pytest.mark.parametrize(
    ("pko", "sebaran"),
    [
        (PKO.ISTIMEWA, {SB: 28, BA: 12}),
        (PKO.BAIK, {SB: 5, BA: 28, BP: 6, KU: 1}),
        (PKO.BUTUH_PERBAIKAN, {SB: 4, BA: 12, BP: 24}),
        (PKO.KURANG, {SB: 4, BA: 8, BP: 4, KU: 24}),
        (PKO.SANGAT_KURANG, {BA: 12, BP: 2, KU: 2, SK: 24}),
    ],
)
def test_compliant_distributions_of_40(pko, sebaran):
    assert cek_distribusi(pko, sebaran) == []


def test_distribution_sums_a_predikat_set():
    # PKO Sangat Kurang, n = 10: Kurang + Butuh Perbaikan together must reach 1.
    assert cek_distribusi(PKO.SANGAT_KURANG, {SK: 9, KU: 1}) == []
    assert cek_distribusi(PKO.SANGAT_KURANG, {SK: 9, BP: 1}) == []
    (v,) = cek_distribusi(PKO.SANGAT_KURANG, {SK: 10})
    assert (v.kaidah.predikat, v.batas, v.jumlah) == ((KU, BP), 1, 0)


@pytest.mark.parametrize("pko", list(PKO))
def test_distribution_with_nobody_has_no_violation(pko):
    assert cek_distribusi(pko, {}) == []
    assert cek_distribusi(pko, dict.fromkeys(Predikat, 0)) == []


def test_distribution_accepts_string_keys_and_missing_keys_count_zero():
    (v,) = cek_distribusi("istimewa", {"sangat_baik": 3})
    assert v.pesan == "Predikat Sangat Baik paling banyak 70% (2 dari 3 pegawai), saat ini 3."


def test_distribution_for_a_small_school_says_it_plainly():
    """Issue #15: one teacher under PKO Istimewa: 70% of 1 rounds down to nobody."""
    (v,) = cek_distribusi(PKO.ISTIMEWA, {SB: 1})
    assert v.pesan == ("Dengan 1 pegawai, predikat Sangat Baik belum boleh diberikan kepada "
                       "siapa pun (70% dari 1 pegawai dibulatkan ke bawah menjadi 0), saat ini 1.")
    (v,) = cek_distribusi(PKO.ISTIMEWA, {SB: 2})  # 70% of 2 is 1: the usual wording
    assert v.pesan == "Predikat Sangat Baik paling banyak 70% (1 dari 2 pegawai), saat ini 2."


@pytest.mark.parametrize("salah", [-1, 1.5, True, "2"])
def test_distribution_rejects_bad_counts(salah):
    with pytest.raises(ValueError):
        cek_distribusi(PKO.BAIK, {BA: 2, BP: salah})


def test_distribution_rule_texts(aturan):
    assert [k.teks for pko in PKO for k in aturan.kaidah_distribusi(pko)] == [
        "Predikat Sangat Baik paling banyak 70%",
        "Predikat Baik paling banyak 70%",
        "Predikat Butuh Perbaikan atau Kurang paling sedikit 1 pegawai",
        "Predikat Butuh Perbaikan paling sedikit 60%",
        "Predikat Sangat Baik paling banyak 10%",
        "Predikat Kurang paling sedikit 60%",
        "Predikat Butuh Perbaikan paling sedikit 10%",
        "Predikat Sangat Baik paling banyak 10%",
        "Predikat Sangat Kurang paling sedikit 60%",
        "Predikat Kurang atau Butuh Perbaikan paling sedikit 10%",
        "Tidak boleh ada predikat Sangat Baik",
    ]


# --- §4.5 angka kredit ---------------------------------------------------------------------------

# percentage × coefficient, worked out by hand.
AK_SETAHUN = {
    SB: ["18.75", "37.5", "56.25", "75"],
    BA: ["12.5", "25", "37.5", "50"],
    BP: ["9.375", "18.75", "28.125", "37.5"],
    KU: ["6.25", "12.5", "18.75", "25"],
    SK: ["3.125", "6.25", "9.375", "12.5"],
}


@pytest.mark.parametrize(
    ("predikat", "jenjang", "harapan"),
    [(p, AHLI[i], Decimal(v)) for p, nilai in AK_SETAHUN.items() for i, v in enumerate(nilai)],
)
def test_angka_kredit_12_bulan(predikat, jenjang, harapan):
    hasil = angka_kredit(predikat, jenjang)
    assert isinstance(hasil, Decimal)
    assert hasil == harapan
    assert angka_kredit(predikat.value, jenjang.value, 12) == harapan


def test_angka_kredit_bkn_example():
    hasil = angka_kredit(Predikat.BAIK, JenjangJabatan.AHLI_PERTAMA, 2)
    assert hasil == Decimal(2500) / Decimal(1200)
    assert hasil != Decimal("2.08")  # full precision inside
    assert str(hasil).startswith("2.08333333333")
    assert hasil.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) == Decimal("2.08")
    assert format_angka(hasil) == "2,08"


def test_angka_kredit_is_proportional_to_months():
    setahun = angka_kredit(SB, JenjangJabatan.AHLI_MADYA, 12)
    assert angka_kredit(SB, JenjangJabatan.AHLI_MADYA, 6) * 2 == setahun
    assert angka_kredit(SB, JenjangJabatan.AHLI_MADYA, 1) == Decimal("4.6875")


@pytest.mark.parametrize("bulan", [0, 13, -1, 24, "2", 2.0, True, None])
def test_angka_kredit_rejects_months_outside_1_12(bulan):
    with pytest.raises(ValueError):
        angka_kredit(BA, JenjangJabatan.AHLI_MUDA, bulan)


@pytest.mark.parametrize("bulan", [1, 12])
def test_angka_kredit_month_bounds_are_inclusive(bulan):
    assert angka_kredit(BA, JenjangJabatan.AHLI_MUDA, bulan) == Decimal(25 * bulan) / 12


@pytest.mark.parametrize(
    ("angka", "desimal", "teks"),
    [
        (Decimal("2.0833333"), 2, "2,08"),
        (Decimal("2.085"), 2, "2,09"),  # half up, not banker's rounding
        (Decimal("2.075"), 2, "2,08"),
        (Decimal("18.75"), 2, "18,75"),
        (Decimal("18.75"), 1, "18,8"),
        (Decimal("1234.5"), 2, "1.234,50"),
        (Decimal("1234.5"), 0, "1.235"),
        (Decimal("2.0833333"), 3, "2,083"),
        (Decimal("0"), 2, "0,00"),
        (Decimal("-0.001"), 2, "0,00"),
        (25, 2, "25,00"),
    ],
)
def test_format_angka(angka, desimal, teks):
    assert format_angka(angka, desimal) == teks


# --- §7 identifiers ------------------------------------------------------------------------------


def test_nip_pns_valid():
    info = validasi_nip("197201171992122001", hari_ini=HARI_INI)
    assert info.nip == "197201171992122001"
    assert info.tanggal_lahir == date(1972, 1, 17)
    assert info.tmt == (1992, 12)
    assert info.jenis_kelamin == "P"
    assert info.pppk is False
    assert info.nomor_urut == "001"
    assert validasi_nip("196702271990031002", hari_ini=HARI_INI).jenis_kelamin == "L"


def test_nip_pppk_valid():
    info = validasi_nip("198409102023212026", hari_ini=HARI_INI)
    assert info.pppk is True
    assert info.tmt == (2023, None)
    assert info.tanggal_lahir == date(1984, 9, 10)
    assert info.jenis_kelamin == "P"
    assert info.nomor_urut == "026"


@pytest.mark.parametrize(
    "nip",
    [
        "198205092023212012",
        "197711102023212014",
        "199201272023212028",
        "198306022020122003",
        "197905252005012007",
        "196806041991031003",
        "197804012008012009",
        "197008201993071001",
    ],
)
def test_nip_from_seed_valid(nip):
    assert validasi_nip(nip, hari_ini=HARI_INI).nip == nip


@pytest.mark.parametrize(
    "tulisan", ["19840910 202321 2 026", "  198409102023212026\n", "19840910\t202321 2026"]
)
def test_nip_whitespace_is_removed(tulisan):
    assert validasi_nip(tulisan, hari_ini=HARI_INI).nip == "198409102023212026"


@pytest.mark.parametrize(
    ("nip", "pesan"),
    [
        ("", "NIP belum diisi."),
        ("   ", "NIP belum diisi."),
        ("19720117992122001", "NIP harus 18 digit; yang diisi 17 digit."),
        ("1972011719921220011", "NIP harus 18 digit; yang diisi 19 digit."),
        ("19720117199212200A", "NIP hanya boleh berisi angka; ada karakter 'A'."),
        ("1972-01-17-1992122001", "NIP hanya boleh berisi angka; ada karakter '-'."),
        ("19720117199212200١", "NIP hanya boleh berisi angka; ada karakter '١'."),
        (
            "197202301992122001",
            "Tanggal lahir pada NIP (digit 1-8: 19720230) bukan tanggal yang valid.",
        ),
        (
            "197213011992122001",
            "Tanggal lahir pada NIP (digit 1-8: 19721301) bukan tanggal yang valid.",
        ),
        (
            "193001011960031001",
            "Tahun lahir pada NIP (1930) tidak wajar; seharusnya antara 1940 dan 2010.",
        ),
        (
            "201101012030031001",
            "Tahun lahir pada NIP (2011) tidak wajar; seharusnya antara 1940 dan 2010.",
        ),
        (
            "197201171992132001",
            "Bulan TMT pada NIP (digit 13-14: 13) harus 01 sampai 12, atau 21 untuk PPPK.",
        ),
        (
            "197201171992002001",
            "Bulan TMT pada NIP (digit 13-14: 00) harus 01 sampai 12, atau 21 untuk PPPK.",
        ),
        (
            "198409102023222026",
            "Bulan TMT pada NIP (digit 13-14: 22) harus 01 sampai 12, atau 21 untuk PPPK.",
        ),
        (
            "197201171986122001",
            "Tahun TMT pada NIP (digit 9-12: 1986) tidak wajar; seharusnya antara 1987 "
            "(15 tahun setelah tahun lahir) dan 2026.",
        ),
        (
            "197201172027122001",
            "Tahun TMT pada NIP (digit 9-12: 2027) tidak wajar; seharusnya antara 1987 "
            "(15 tahun setelah tahun lahir) dan 2026.",
        ),
        (
            "197201171992123001",
            "Digit ke-15 NIP (jenis kelamin) harus 1 (laki-laki) atau 2 (perempuan), bukan 3.",
        ),
        (
            "198409102023210026",
            "Digit ke-15 NIP (jenis kelamin) harus 1 (laki-laki) atau 2 (perempuan), bukan 0.",
        ),
    ],
)
def test_nip_invalid(nip, pesan):
    with pytest.raises(NIPTidakValid) as e:
        validasi_nip(nip, hari_ini=HARI_INI)
    assert str(e.value) == pesan
    assert isinstance(e.value, ValueError)


def test_nip_boundaries():
    # Born 1940 (earliest) and born 2010 (15 years before 2025) are accepted.
    assert validasi_nip("194001011960031001", hari_ini=HARI_INI).tanggal_lahir.year == 1940
    assert validasi_nip("201012312025121001", hari_ini=HARI_INI).tmt == (2025, 12)
    # TMT exactly 15 years after birth, and next year's TMT, are accepted.
    assert validasi_nip("197201171987012001", hari_ini=HARI_INI).tmt == (1987, 1)
    assert validasi_nip("197201172026012001", hari_ini=HARI_INI).tmt == (2026, 1)


def test_nip_today_is_default():
    assert validasi_nip("198409102023212026").pppk is True


def test_npsn():
    assert validasi_npsn("20325487") == "20325487"
    assert validasi_npsn(" 2032 5487 ") == "20325487"
    for npsn, pesan in [
        ("2032548", "NPSN harus 8 digit; yang diisi 7 digit."),
        ("203254870", "NPSN harus 8 digit; yang diisi 9 digit."),
        ("P2032548", "NPSN hanya boleh berisi angka; ada karakter 'P'."),
        ("", "NPSN belum diisi."),
    ]:
        with pytest.raises(NPSNTidakValid) as e:
            validasi_npsn(npsn)
        assert str(e.value) == pesan


def test_nuptk():
    assert validasi_nuptk("") == ""
    assert validasi_nuptk("  ") == ""
    assert validasi_nuptk(None) == ""
    assert validasi_nuptk("1234 5678 9012 3456") == "1234567890123456"
    for nuptk, pesan in [
        ("123456789012345", "NUPTK harus 16 digit; yang diisi 15 digit."),
        ("12345678901234567", "NUPTK harus 16 digit; yang diisi 17 digit."),
        ("12345678901234X6", "NUPTK hanya boleh berisi angka; ada karakter 'X'."),
    ]:
        with pytest.raises(NUPTKTidakValid) as e:
            validasi_nuptk(nuptk)
        assert str(e.value) == pesan


# --- §3 catalogues -------------------------------------------------------------------------------


def test_catalogue_counts(aturan):
    assert len(aturan.tugas_pokok("guru")) == 5
    assert len(aturan.tugas_pokok("kepala_sekolah")) == 3
    assert len(aturan.praktik("guru")) == 8
    assert len(aturan.praktik("kepala_sekolah")) == 8
    assert len(aturan.kompetensi("guru")) == 12
    assert len(aturan.kompetensi("kepala_sekolah")) == 9
    assert len(aturan.perilaku) == 7
    assert all(len(a.panduan) == 3 for a in aturan.perilaku)
    assert len(aturan.dokumen("guru")) == 3
    assert len(aturan.dokumen("kepala_sekolah")) == 4
    assert len(aturan.daftar_golongan) == 34
    assert len(aturan.tidak_ikut) == 5


def test_every_item_has_source_and_confidence(aturan):
    semua = list(_semua_item(aturan))
    assert len(semua) > 100
    for nama, item in semua:
        assert item.sumber.strip(), nama
        assert item.keyakinan in {"H", "M", "D"}, nama
    for item in aturan.praktik("guru"):
        assert item.fokus_perilaku_sumber.strip()
        assert item.fokus_perilaku_keyakinan in {"H", "M", "D"}


def test_codes_are_unique_per_catalogue(aturan):
    for posisi in Posisi:
        for nama in ("tugas_pokok", "praktik", "kompetensi", "dokumen"):
            katalog = getattr(aturan, nama)(posisi)
            kode = [i.kode for i in katalog]
            assert len(kode) == len(set(kode)) == len(katalog.kode)
    for katalog in (aturan.perilaku, aturan.daftar_golongan, aturan.tidak_ikut):
        assert len({i.kode for i in katalog}) == len(katalog)
    assert len({j.nama for j in aturan.daftar_jabatan}) == len(aturan.daftar_jabatan)


def test_tugas_pokok_guru_5m(aturan):
    tugas = aturan.tugas_pokok(Posisi.GURU)
    assert tugas.kode == ("5M-1", "5M-2", "5M-3", "5M-4", "5M-5")
    assert [t.keyakinan for t in tugas] == ["H", "M", "M", "H", "M"]
    assert [t.butuh_tugas_tambahan for t in tugas] == [False, False, False, False, True]
    assert tugas["5M-1"].rhk == (
        "Guru merencanakan pembelajaran atau pembimbingan dalam mendukung pembelajaran yang "
        "bermutu untuk semua"
    )
    assert tugas["5M-4"].rhk == (
        "Guru membimbing dan melatih peserta didik dalam mendukung pembelajaran yang bermutu "
        "untuk semua"
    )
    assert all(
        t.rhk.endswith("dalam mendukung pembelajaran yang bermutu untuk semua") for t in tugas
    )
    assert "Permendikbud 15/2018" in tugas["5M-3"].sumber


def test_tugas_pokok_kepala_sekolah(aturan):
    tugas = list(aturan.tugas_pokok("kepala_sekolah"))
    assert [t.keyakinan for t in tugas] == ["D", "D", "D"]
    assert [t.rhk.split(" dalam ")[0] for t in tugas] == [
        "Kepala Sekolah melaksanakan tugas manajerial",
        "Kepala Sekolah melaksanakan tugas pengembangan kewirausahaan",
        "Kepala Sekolah melaksanakan tugas supervisi kepada guru dan tenaga kependidikan",
    ]


def test_praktik_guru_d1(aturan):
    praktik = aturan.praktik("guru")
    assert praktik.kode == tuple(f"D1-{i}" for i in range(1, 9))
    assert [p.keyakinan for p in praktik] == ["H", "H", "M", "M", "M", "H", "M", "M"]
    assert [p.aspek for p in praktik] == ["Manajemen kelas"] * 2 + ["Dukungan psikologis"] * 3 + [
        "Metode pembelajaran"
    ] * 3
    for p in praktik:
        assert p.rhk == (
            f"Guru melakukan peningkatan praktik {p.aspek.lower()} yang berfokus pada "
            f"{p.sub_indikator.lower()}"
        )
    assert praktik["D1-1"].rhk == (
        "Guru melakukan peningkatan praktik manajemen kelas yang berfokus pada keteraturan "
        "suasana kelas"
    )
    assert praktik["D1-8"].sub_indikator == "Instruksi adaptif"


def test_fokus_perilaku(aturan):
    praktik = aturan.praktik("guru")
    assert praktik["D1-1"].fokus_perilaku == (
        "Guru melakukan komunikasi positif untuk membangun suasana kelas yang kondusif",
        "Guru melakukan strategi pengelompokan untuk mengaktifkan keterlibatan peserta didik",
        "Guru membuat dan mengingatkan aturan/kesepakatan kelas",
    )
    assert len(praktik["D1-2"].fokus_perilaku) == 3
    assert praktik["D1-2"].fokus_perilaku[2].endswith("(restitusi)")
    assert praktik["D1-6"].fokus_perilaku == (
        "Guru memberikan penjelasan yang mudah dipahami sesuai pemahaman awal peserta didik",
    )
    lengkap = {p.kode for p in praktik if not p.boleh_ketik_fokus}
    assert lengkap == {"D1-1", "D1-2"}
    for kode in ("D1-3", "D1-4", "D1-5", "D1-7", "D1-8"):
        assert praktik[kode].fokus_perilaku == ()
        assert "TERBUKA" in praktik[kode].catatan
    assert "TERBUKA" in praktik["D1-6"].catatan


def test_praktik_kepala_sekolah_d3(aturan):
    praktik = aturan.praktik("kepala_sekolah")
    assert praktik.kode == tuple(f"KS-{i}" for i in range(1, 9))
    ks2 = praktik["KS-2"]
    assert ks2.placeholder and ks2.rhk == "" and "TERBUKA" in ks2.catatan
    pilihan = aturan.pilihan_praktik("kepala_sekolah")
    assert [p.kode for p in pilihan] == ["KS-1", "KS-3", "KS-4", "KS-5", "KS-6", "KS-7", "KS-8"]
    for p in pilihan:
        assert p.rhk == (
            "Kepala Sekolah melakukan peningkatan praktik kepemimpinan instruksional yang "
            f"berfokus pada {p.sub_indikator.lower()}"
        )
    assert praktik["KS-1"].sub_indikator == "Presentasi visi-misi satuan pendidikan"
    assert praktik["KS-8"].sub_indikator == "Refleksi program pengembangan kompetensi guru"
    assert len(aturan.pilihan_praktik("guru")) == 8


@pytest.mark.parametrize(
    ("posisi", "kelompok_per_nomor", "subjek"),
    [
        ("guru", ["pedagogik", "kepribadian", "sosial", "profesional"], "Guru"),
        ("kepala_sekolah", ["kepribadian", "sosial", "profesional"], "Kepala Sekolah"),
    ],
)
def test_kompetensi(aturan, posisi, kelompok_per_nomor, subjek):
    kompetensi = aturan.kompetensi(posisi)
    harapan_kode = [f"{g}.{i}" for g in range(1, len(kelompok_per_nomor) + 1) for i in (1, 2, 3)]
    assert list(kompetensi.kode) == harapan_kode
    for k in kompetensi:
        assert k.kelompok is KelompokKompetensi(kelompok_per_nomor[int(k.kode[0]) - 1])
        assert k.rhk == (
            f"{subjek} melakukan kegiatan pengembangan kompetensi berdasarkan indikator {k.teks}"
        )
        assert k.keyakinan == "H"


def test_kompetensi_texts(aturan):
    guru = aturan.kompetensi("guru")
    assert guru["1.2"].rhk == (
        "Guru melakukan kegiatan pengembangan kompetensi berdasarkan indikator Pembelajaran "
        "efektif yang berpusat pada peserta didik"
    )
    assert guru["3.2"].teks == "Keterlibatan orangtua/wali dan masyarakat dalam pembelajaran"
    assert guru["4.3"].teks == "Kurikulum dan cara menggunakannya"
    ks = aturan.kompetensi("kepala_sekolah")
    assert ks["3.3"].teks == (
        "Pengelolaan sumber daya satuan pendidikan secara efektif, transparan, dan akuntabel"
    )
    assert "2626" in guru["1.1"].sumber and "7327" in ks["1.1"].sumber


def test_perilaku_berakhlak(aturan):
    assert [a.nama for a in aturan.perilaku] == [
        "Berorientasi Pelayanan",
        "Akuntabel",
        "Kompeten",
        "Harmonis",
        "Loyal",
        "Adaptif",
        "Kolaboratif",
    ]
    assert aturan.perilaku["kolaboratif"].panduan[0] == (
        "Memberi kesempatan kepada berbagai pihak untuk berkontribusi"
    )
    assert aturan.perilaku["akuntabel"].panduan[2] == "Tidak menyalahgunakan kewenangan jabatan"
    assert [k.label for k in aturan.komponen_perilaku] == ["Perwujudan", "Dampak"]
    assert aturan.ekspektasi_khusus_bawaan == "-"
    assert (aturan.fokus_perilaku_paling_sedikit, aturan.fokus_perilaku_paling_banyak) == (1, 3)


def test_dokumen_akuntabilitas(aturan):
    guru = aturan.dokumen("guru")
    assert [d.nama for d in guru] == [
        "Dokumen KOSP",
        "Rangkuman kehadiran guru",
        "Surat tugas/keputusan untuk Tugas Tambahan guru",
    ]
    assert guru["rangkuman_kehadiran"].penjelasan == (
        "Dokumen yang berisi rekapitulasi kehadiran bulanan Kepala Sekolah, Guru, dan Tenaga "
        "Kependidikan (bukan daftar hadir)."
    )
    assert [d.butuh_tugas_tambahan for d in guru] == [False, False, True]
    ks = aturan.dokumen("kepala_sekolah")
    assert [d.nama for d in ks] == [
        "Dokumen KSP",
        "Dokumen perencanaan satuan pendidikan",
        "Dokumen laporan satuan pendidikan",
        "Rangkuman kehadiran guru",
    ]
    assert "rencana kerja tahunan" in ks["perencanaan_satuan"].penjelasan
    assert "tahun 2024" in ks["laporan_satuan"].penjelasan
    assert all(d.penjelasan.strip() for d in (*guru, *ks))
    assert "Dokumen tidak diunggah" in aturan.dokumen_catatan


def test_golongan(aturan):
    pns = [g for g in aturan.daftar_golongan if g.jenis is JenisASN.PNS]
    pppk = [g for g in aturan.daftar_golongan if g.jenis is JenisASN.PPPK]
    assert [g.kode for g in pns] == [f"{r}/{h}" for r in ("I", "II") for h in "abcd"] + [
        f"{r}/{h}" for r in ("III",) for h in "abcd"
    ] + [f"IV/{h}" for h in "abcde"]
    assert aturan.golongan("I/a").label == "Juru Muda, I/a"
    assert aturan.golongan("III/a").label == "Penata Muda, III/a"
    assert aturan.golongan("III/d").pangkat == "Penata Tingkat I"
    assert aturan.golongan("IV/c").pangkat == "Pembina Utama Muda"
    assert aturan.golongan("IV/d").pangkat == "Pembina Utama Madya"
    assert aturan.golongan("IV/e").label == "Pembina Utama, IV/e"
    assert [g.kode for g in pppk] == [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
        "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
    ]  # fmt: skip
    assert aturan.golongan("IX").label == "Golongan IX"
    assert aturan.golongan("IX").pangkat == ""


def test_jabatan(aturan):
    for jenjang in JenjangJabatan:
        for awalan in ("Guru", "Pengawas Sekolah"):
            jabatan = aturan.jabatan(f"{awalan} {jenjang.label}")
            assert jabatan.jenis is JenisJabatan.FUNGSIONAL
            assert jabatan.jenjang is jenjang
    for nama in ("Kepala Dinas", "Sekretaris Dinas", "Kepala Bidang", "Kepala Seksi"):
        assert aturan.jabatan(nama).jenis is JenisJabatan.STRUKTURAL
        assert aturan.jabatan(nama).jenjang is None
    assert aturan.jabatan("Pelaksana").jenis is JenisJabatan.PELAKSANA
    assert len(aturan.daftar_jabatan) == 13


def test_tidak_ikut(aturan):
    assert {s.kode for s in aturan.tidak_ikut} == set(Keikutsertaan) - {Keikutsertaan.IKUT}
    for status in aturan.tidak_ikut:
        assert status.label == status.kode.label
        assert status.penjelasan.startswith("Tidak mengikuti pengelolaan kinerja di aplikasi ini: ")
        assert len(status.penjelasan) > 80  # carries the reason, not just the phrase
    assert "SK CLTN" in aturan.tidak_ikut[Keikutsertaan.CLTN].penjelasan
    assert "mandiri tetap" in aturan.tidak_ikut["tugas_belajar_dinas"].penjelasan
    assert Keikutsertaan.IKUT not in aturan.tidak_ikut


def test_periode_and_meta(aturan):
    assert aturan.nama == "2025"
    assert aturan.tahun == 2025
    assert aturan.periode_mulai == date(2025, 1, 1)
    assert aturan.periode_selesai == date(2025, 12, 31)


def test_open_questions_are_kept_and_point_at_real_items(aturan):
    kode = {q.kode for q in aturan.pertanyaan_terbuka}
    assert len(kode) == len(aturan.pertanyaan_terbuka) == 6
    semua_kode = {
        i.kode for p in Posisi for n in ("tugas_pokok", "praktik") for i in getattr(aturan, n)(p)
    }
    for q in aturan.pertanyaan_terbuka:
        for terkait in q.terkait:
            if terkait[:2] in ("D1", "KS", "5M"):
                assert terkait in semua_kode, (q.kode, terkait)
    teks = " ".join(q.teks for q in aturan.pertanyaan_terbuka)
    for kata in ("D1-3", "KS-2", "5M-2", "Perwujudan", "SE MenPANRB 3/2023", "271/O/2025"):
        assert kata in teks


def test_rule_confidence_as_spec_marks_it(aturan):
    assert aturan.rating_hasil.keyakinan == "D"
    assert aturan.rating_perilaku.keyakinan == "D"
    assert {k.keyakinan for pko in PKO for k in aturan.kaidah_distribusi(pko)} == {"M"}
    assert [k.label for k in aturan.rating_hasil.kriteria] == [
        "Upaya Refleksi",
        "Upaya Mempelajari",
        "Perubahan Praktik",
    ]


def test_lookups(aturan):
    praktik = aturan.praktik("guru")
    assert "D1-1" in praktik and "D1-9" not in praktik
    assert praktik.get("D1-9") is None
    with pytest.raises(KeyError, match="D1-9"):
        praktik["D1-9"]
    with pytest.raises(KeyError):
        aturan.golongan("V/a")
    with pytest.raises(KeyError):
        aturan.jabatan("Guru")
    with pytest.raises(ValueError, match="Posisi 'pengawas' tidak dikenal"):
        aturan.tugas_pokok("pengawas")
    assert aturan.praktik(Posisi.GURU) is praktik


def test_rule_set_is_immutable(aturan):
    with pytest.raises(dataclasses.FrozenInstanceError):
        aturan.tahun = 2026
    with pytest.raises(dataclasses.FrozenInstanceError):
        aturan.praktik("guru")["D1-1"].rhk = "lain"


# --- loading rule sets ---------------------------------------------------------------------------


def test_bundled_rule_sets_and_cache():
    assert "2025" in daftar_aturan()
    assert muat_aturan() is muat_aturan("2025")


@pytest.mark.parametrize("nama", ["2030", "../2025", "", "2025.toml"])
def test_unknown_rule_set_fails_clearly(nama):
    with pytest.raises(AturanTidakDitemukan) as e:
        muat_aturan(nama)
    assert f"Aturan tahun kinerja '{nama}' tidak ditemukan" in str(e.value)
    assert "Yang tersedia: 2025" in str(e.value)


def test_missing_file_fails_clearly(tmp_path):
    with pytest.raises(AturanTidakDitemukan):
        muat_aturan_dari(tmp_path / "2026.toml")


def _tulis(tmp_path, nama, *ganti):
    teks = DATA_2025.read_text(encoding="utf-8")
    for lama, baru in ganti:
        assert lama in teks, lama
        teks = teks.replace(lama, baru, 1)
    berkas = tmp_path / nama
    berkas.write_text(teks, encoding="utf-8")
    return berkas


def test_a_new_year_is_a_new_file(tmp_path):
    berkas = _tulis(
        tmp_path,
        "2026.toml",
        ("tahun = 2025", "tahun = 2026"),
        ("mulai = 2025-01-01", "mulai = 2026-01-01"),
        ("selesai = 2025-12-31", "selesai = 2026-12-31"),
        ('batas = "paling_banyak"\npersen = 70', 'batas = "paling_banyak"\npersen = 60'),
        ('ahli_pertama = "12.5"', 'ahli_pertama = "10"'),
        (
            'sesuai = { di_bawah = "kurang", sesuai = "baik", di_atas = "baik" }',
            'sesuai = { di_bawah = "kurang", sesuai = "baik", di_atas = "sangat_baik" }',
        ),
        ('di_atas_rata_rata_paling_sedikit = "2.5"', 'di_atas_rata_rata_paling_sedikit = "2.4"'),
        ('istimewa = "di_atas"', 'istimewa = "sesuai"'),
        ("di_atas_paling_sedikit = 2", "di_atas_paling_sedikit = 3"),
    )
    baru = muat_aturan_dari(berkas)
    lama = muat_aturan()
    assert (baru.nama, baru.tahun, baru.periode_mulai) == ("2026", 2026, date(2026, 1, 1))

    sebaran = {SB: 7, BA: 3}
    assert cek_distribusi(PKO.ISTIMEWA, sebaran) == []
    (v,) = cek_distribusi(PKO.ISTIMEWA, sebaran, aturan=baru)
    assert v.pesan == "Predikat Sangat Baik paling banyak 60% (6 dari 10 pegawai), saat ini 7."

    assert angka_kredit(BA, JenjangJabatan.AHLI_PERTAMA, aturan=baru) == Decimal(10)
    assert angka_kredit(BA, JenjangJabatan.AHLI_PERTAMA) == Decimal("12.5")
    assert predikat_kinerja(S_, A_, aturan=baru) is SB
    assert predikat_kinerja(S_, A_) is BA
    nilai = [A_] * 5 + [S_] * 9  # mean 2.357
    hampir = [A_] * 6 + [S_] * 8  # mean 2.43
    assert rekomendasi_rating_perilaku(hampir, aturan=baru) is A_
    assert rekomendasi_rating_perilaku(hampir) is S_
    assert rekomendasi_rating_perilaku(nilai, aturan=baru) is S_
    assert rating_hasil_dari_pko(PKO.ISTIMEWA, aturan=baru) is S_
    assert rekomendasi_rating_hasil(A_, A_, S_, aturan=baru) is S_
    assert rekomendasi_rating_hasil(A_, A_, S_) is A_
    assert muat_aturan() is lama  # the bundled set is untouched


def test_validators_read_their_rules_from_the_rule_set(tmp_path):
    baru = muat_aturan_dari(
        _tulis(tmp_path, "x.toml", ("kode_bulan_pppk = [21]", "kode_bulan_pppk = [21, 22]"))
    )
    assert validasi_nip("198409102023222026", hari_ini=HARI_INI, aturan=baru).pppk is True
    with pytest.raises(NIPTidakValid, match="atau 21 atau 22 untuk PPPK"):
        validasi_nip("198409102023232026", hari_ini=HARI_INI, aturan=baru)


@pytest.mark.parametrize(
    ("ganti", "pesan"),
    [
        (
            ('keyakinan = "H"\nfokus_perilaku = [', 'keyakinan = "X"\nfokus_perilaku = ['),
            "praktik.guru[0] (D1-1).keyakinan: harus 'H', 'M', atau 'D'",
        ),
        (
            ('sumber = "Permendikbud 15/2018; seed 001 (Rangkuman Perencanaan Kinerja)"\n', ""),
            "tugas_pokok.guru[0] (5M-1).sumber: wajib diisi",
        ),
        (
            ('kode = "5M-2"', 'kode = "5M-1"'),
            "tugas_pokok.guru: kode '5M-1' dipakai lebih dari sekali",
        ),
        (
            ('kode = "5M-2"', 'kode = "5M-2"\nwarna = "biru"'),
            "tugas_pokok.guru[1] (5M-2): kunci 'warna' tidak dikenal",
        ),
        (
            ('di_bawah = { di_bawah = "sangat_kurang", ', "di_bawah = { "),
            "predikat.matriks.di_bawah: 'di_bawah' belum ada",
        ),
        (
            ('di_atas = { di_bawah = "kurang"', 'di_atas = { di_bawah = "cukup"'),
            "predikat.matriks.di_atas.di_bawah: 'cukup' tidak dikenal",
        ),
        (("persen = 70", "persen = 70\njumlah = 1"), "isi tepat satu dari 'persen' atau 'jumlah'"),
        (("persen = 70", "persen = 170"), "persen: tidak boleh lebih dari 100"),
        (('ahli_utama = "50"', 'ahli_utama = "lima puluh"'), "'lima puluh' bukan angka"),
        (('kode = "cltn"', 'kode = "ikut"'), "status 'cltn' belum ada"),
        (("selesai = 2025-12-31", "selesai = 2024-12-31"), "tanggal mulai harus sebelum"),
        (('kelompok = "pedagogik"', 'kelompok = "teknis"'), "'teknis' tidak dikenal"),
    ],
)
def test_invalid_rule_file_is_rejected_with_its_location(tmp_path, ganti, pesan):
    with pytest.raises(AturanTidakValid) as e:
        muat_aturan_dari(_tulis(tmp_path, "rusak.toml", ganti))
    assert "rusak.toml tidak valid" in str(e.value)
    assert pesan in str(e.value)


def test_invalid_rule_file_lists_every_problem(tmp_path):
    berkas = _tulis(
        tmp_path,
        "rusak.toml",
        ('kode = "5M-2"', 'kode = "5M-1"'),
        ('keyakinan = "H"\nfokus_perilaku = [', 'keyakinan = "Z"\nfokus_perilaku = ['),
    )
    with pytest.raises(AturanTidakValid) as e:
        muat_aturan_dari(berkas)
    assert str(e.value).count("\n- ") == 2


def test_broken_toml_is_rejected(tmp_path):
    berkas = tmp_path / "rusak.toml"
    berkas.write_text("[meta\ntahun = 2025", encoding="utf-8")
    with pytest.raises(AturanTidakValid, match="bukan TOML yang sah"):
        muat_aturan_dari(berkas)
