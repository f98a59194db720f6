"""Cross-Dinas scoping of every lookup that resolves a person, school, account or reference
row from user input (pen-test issue, item 1).

Two Dinas (`dunia`): A (the Operator signed in here) and B ("Kota Lain"). Whatever A types
(a username, a NIP, an NPSN, a NIP in a reference list, a user on the command line) must
never resolve to, change or name anything of B: B's rows stay byte for byte the same, and no
page A sees shows a name of B.
"""

import html

import pytest
from bantu import teks
from bantu_impor import galat_di, nip, pegawai, potret, pratinjau, ringkasan_di, sekolah, xlsx
from bantu_sinkro import asn_xlsx
from bantu_sinkro import pratinjau as pratinjau_referensi
from bantu_sinkro import simpan as simpan_referensi
from conftest import SANDI
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from kinerja_web.extensions import db
from kinerja_web.models import Akun, Dinas, Ekspor, LogSinkro, Pegawai, Penugasan
from kinerja_web.models.cetak import CetakBatch
from kinerja_web.peran import muat_peran

NAMA_B = ("Rahasia Operator B", "Guru Lain", "Kepala Lain", "Operator Lain", "SD NEGERI 3 TIGA")
PESAN_USERNAME = "Nama pengguna {} sudah dipakai; pilih nama pengguna lain."


def cli(app, *args):
    with app.app_context():
        return app.test_cli_runner().invoke(args=[str(a) for a in args])


def operator_pertama(app, dinas_id, username, nama):
    """The first Operator of a Dinas as the README says to create it: `flask buat-operator`
    without a NIP. Given a known password so the tests can sign in with it."""
    r = cli(app, "buat-operator", "--dinas", dinas_id, "--username", username, "--nama", nama)
    assert r.exit_code == 0, r.output
    with app.app_context():
        akun = db.session.scalar(select(Akun).where(Akun.username == username))
        akun.sandi_hash = generate_password_hash(SANDI, "scrypt:1024:8:1")
        akun.harus_ganti_sandi = False
        db.session.commit()
        return akun.pegawai_id


def tanpa_nip(nama, username, npsn=None, **over):
    return pegawai(None, nama, npsn, status_kepegawaian="NON_ASN", golongan=None,
                   jabatan=None, username=username, **over)


def keadaan(app, pegawai_id):
    """A person as B would notice a change: name, Dinas, school, roles, account."""
    with app.app_context():
        p = db.session.get(Pegawai, pegawai_id)
        akun = db.session.scalar(select(Akun).where(Akun.pegawai_id == p.id))
        return (p.nama, p.dinas_id, p.sekolah_id, p.status_kepegawaian, sorted(muat_peran(p).kode),
                akun.username, akun.sandi_hash, akun.aktif)


@pytest.fixture
def op_a(dunia, buat_klien):
    k = buat_klien()
    k.masuk(dunia.operator.username)
    return k


# ------------------------------------------------------------------ roster import


def test_baris_tanpa_nip_dengan_username_operator_pertama_dinas_lain_tidak_mengubah_apa_pun(
        app, dunia, op_a, buat_klien, tmp_path):
    """The tester's case: A imports a NIP-less row with the username of B's first Operator
    (created by `flask buat-operator`, so without a NIP either)."""
    admin_b = operator_pertama(app, dunia.dinas_lain.id, "admin_b", "Rahasia Operator B")
    sebelum, orang_b = potret(app), keadaan(app, admin_b)
    baris = tanpa_nip("Diambil Alih", "admin_b", dunia.sekolah.npsn, peran="")
    impor_id, halaman = pratinjau(op_a, xlsx(None, [baris]))
    assert "Rahasia Operator B" not in halaman
    assert galat_di(halaman) == [("Pegawai", 2, "username", PESAN_USERNAME.format("admin_b"))]
    # Counted as someone new (what it would be if the name were free), never as B's person.
    assert "Pegawai baru: Diambil Alih (admin_b)" in html.unescape(halaman)
    r = op_a.post(f"/impor/{impor_id}/terapkan")
    assert r.status_code == 303
    assert potret(app) == sebelum and keadaan(app, admin_b) == orang_b
    # The command line resolves the same way.
    berkas = tmp_path / "roster.xlsx"
    berkas.write_bytes(xlsx(None, [baris]))
    r = cli(app, "impor-roster", berkas, "--dinas", dunia.dinas.id, "--terapkan")
    assert r.exit_code != 0
    assert PESAN_USERNAME.format("admin_b") in r.output and "Rahasia Operator B" not in r.output
    assert potret(app) == sebelum
    # B's Operator still signs in and still runs B.
    b = buat_klien()
    b.masuk("admin_b")
    assert b.get("/impor").status_code == 200


def test_pratinjau_tidak_menyebut_nama_dinas_lain(app, dunia, op_a):
    """Every key of B in a file (a username of someone with a NIP, a NIP, an NPSN) is refused,
    and neither the errors nor the counted changes name B's people or schools."""
    sebelum = potret(app)
    daftar_sekolah = [sekolah(dunia.sekolah_lain.npsn, "SEKOLAH TEBAKAN")]
    daftar_pegawai = [
        tanpa_nip("Tebakan Satu", dunia.guru_lain.username, dunia.sekolah.npsn),   # 2
        pegawai(dunia.guru_lain.nip, "Tebakan Dua", dunia.sekolah.npsn,            # 3
                tanggal_lahir=None),
        tanpa_nip("Tebakan Tiga", "operator_lain"),                                 # 4
        tanpa_nip("Tebakan Empat", "tebakan4", dunia.sekolah_lain.npsn),            # 5
    ]
    _, halaman = pratinjau(op_a, xlsx(daftar_sekolah, daftar_pegawai))
    teks_halaman = html.unescape(halaman)
    for nama in NAMA_B:
        assert nama not in teks_halaman, nama
    # Counted as what they would be here: new, never as changes to B's rows.
    assert ringkasan_di(halaman)["Sekolah"] == "1 baru, 0 diubah, 0 tetap"
    assert ringkasan_di(halaman)["Pegawai"] == "4 baru, 0 diubah, 0 tetap"
    galat = galat_di(halaman)
    assert ("Pegawai", 2, "username", PESAN_USERNAME.format(dunia.guru_lain.username)) in galat
    assert ("Pegawai", 4, "username", PESAN_USERNAME.format("operator_lain")) in galat
    assert ("Pegawai", 3, "nip", f"NIP {dunia.guru_lain.nip} terdaftar di Dinas lain; mutasi "
            "antar-Dinas diproses oleh Dinas asal.") in galat
    assert ("Sekolah", 2, "npsn", f"NPSN {dunia.sekolah_lain.npsn} terdaftar di Dinas lain.") \
        in galat
    assert potret(app) == sebelum


def test_orang_tanpa_nip_dinas_sendiri_tetap_dicocokkan_dengan_username(
        app, dunia, buat_klien, make_pegawai):
    """Matching by username stays for the Dinas's own NIP-less people; and an Operator
    without a NIP (the first one) cannot import away his own role either."""
    admin_a = operator_pertama(app, dunia.dinas.id, "admin_a", "Admin Satu")
    with app.app_context():
        honorer = make_pegawai(dunia.dinas, nip=None, username="honorer_a", nama="Honorer Satu",
                               status_kepegawaian="NON_ASN", jabatan=None, golongan=None).id
        db.session.commit()
    k = buat_klien()
    k.masuk("admin_a")
    diri = tanpa_nip("Admin Satu", "admin_a", peran="")
    baris = tanpa_nip("Honorer Satu Baru", "honorer_a", peran="")
    _, halaman = pratinjau(k, xlsx(None, [diri, baris]))
    assert galat_di(halaman) == [("Pegawai", 2, "peran", "Baris ini mencabut peran Operator "
                                  "Dinas Anda sendiri; tambahkan 'Operator Dinas' di kolom peran.")]
    diri["peran"] = "Operator Dinas"
    impor_id, halaman = pratinjau(k, xlsx(None, [diri, baris]))
    assert "Pegawai Honorer Satu: nama: Honorer Satu → Honorer Satu Baru" in \
        html.unescape(halaman)
    assert k.post(f"/impor/{impor_id}/terapkan").status_code == 200
    assert keadaan(app, honorer)[:2] == ("Honorer Satu Baru", dunia.dinas.id)
    assert keadaan(app, admin_a)[4] == ["operator_dinas"]


def test_username_berupa_nip_orang_lain_ditolak_dan_masuk_dengan_nip_tetap_miliknya(
        app, dunia, op_a, buat_klien, make_pegawai):
    """A username equal to someone else's NIP would make that person's NIP sign-in
    ambiguous (NIP or username both sign in)."""
    nip_b = dunia.guru_lain.nip  # B's teacher signs in as "guru_lain" or with his NIP
    sebelum = potret(app)
    _, halaman = pratinjau(op_a, xlsx(None, [tanpa_nip("Penumpang", nip_b,
                                                       dunia.sekolah.npsn)]))
    assert galat_di(halaman) == [("Pegawai", 2, "username", PESAN_USERNAME.format(nip_b))]
    # The same within one file: a new person's NIP (and default username) named again.
    nip_baru = nip(40)
    _, halaman = pratinjau(op_a, xlsx(None, [
        pegawai(nip_baru, "Orang Baru", dunia.sekolah.npsn, tanggal_lahir=None),
        tanpa_nip("Penumpang Baru", nip_baru, dunia.sekolah.npsn)]))
    assert ("Pegawai", 3, "username", PESAN_USERNAME.format(nip_baru)) in galat_di(halaman)
    assert potret(app) == sebelum
    # An account of that kind made before the check: the NIP still signs in its owner.
    with app.app_context():
        squatter = make_pegawai(dunia.dinas, nip=None, username=dunia.guru.nip,
                                nama="Penumpang Lama", status_kepegawaian="NON_ASN",
                                sandi="sandi-penumpang-lama")
        db.session.commit()
        assert squatter.id
    k = buat_klien()
    k.masuk(dunia.guru.nip)  # the owner's password (conftest.SANDI)
    assert "Guru Satu" in teks(k.get("/profil"))


# ------------------------------------------------------------------ command line


def test_cli_pengguna_dinas_lain_ditolak(app, dunia, tmp_path):
    with app.app_context():
        dinas_a = db.session.get(Dinas, dunia.dinas.id).nama
        dinas_b = db.session.get(Dinas, dunia.dinas_lain.id).nama
    # ekspor-ekinerja: A's Operator named with --dinas B would export B under A's name.
    r = cli(app, "ekspor-ekinerja", "--keluar", tmp_path / "x", "--dinas", dunia.dinas_lain.id,
            "--operator", "operator")
    assert r.exit_code != 0
    assert f"Pengguna operator bukan Operator Dinas di {dinas_b}" in r.output
    # cetak-batch: B's Operator (or a teacher) named with --dinas A.
    for username in ("operator_lain", "guru"):
        r = cli(app, "cetak-batch", "--keluar", tmp_path / "x.pdf", "--dinas", dunia.dinas.id,
                "--operator", username)
        assert r.exit_code != 0
        assert f"Pengguna {username} bukan Operator Dinas atau Kepala Dinas atau Tim Kerja " \
               f"di {dinas_a}" in r.output, r.output
    r = cli(app, "cetak-batch", "--keluar", tmp_path / "x.pdf", "--dinas", dunia.dinas.id,
            "--npsn", dunia.sekolah_lain.npsn)
    assert r.exit_code != 0 and f"NPSN {dunia.sekolah_lain.npsn} tidak ada di {dinas_a}." \
        in r.output
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "x").exists()
    with app.app_context():
        for model in (Ekspor, LogSinkro, CetakBatch):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0, model


def test_cli_buat_operator_menolak_nip_dan_username_milik_orang_lain(app, dunia):
    sebelum = potret(app)
    r = cli(app, "buat-operator", "--dinas", dunia.dinas.id, "--username", "op_baru",
            "--nama", "Operator Baru", "--nip", dunia.guru_lain.nip)
    assert r.exit_code != 0
    assert f"NIP {dunia.guru_lain.nip} sudah terdaftar di Dinas lain" in r.output
    assert "Traceback" not in r.output and "Guru Lain" not in r.output
    r = cli(app, "buat-operator", "--dinas", dunia.dinas.id, "--username", dunia.guru_lain.nip,
            "--nama", "Operator Baru")
    assert r.exit_code != 0 and "Nama pengguna sudah dipakai." in r.output
    assert potret(app) == sebelum
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Penugasan).where(
            Penugasan.peran == "operator_dinas")) == 2


# ------------------------------------------------------------------ reference lists


def test_daftar_asn_dengan_nip_dinas_lain_tidak_menampilkan_nama_dinas_lain(
        app, dunia, op_a):
    """A's SIASN list naming B's principal as an atasan, and B's teacher as an ASN: the
    reports show A's own list back, never B's roster names, and do not hide B's NIP either
    (its vanishing from "Hanya di SIASN" would tell that the NIP exists elsewhere)."""
    g = dunia.guru
    isi = asn_xlsx([
        [g.nip, g.nama.upper(), "U1", g.jabatan, g.golongan, dunia.kepsek_lain.nip],
        [dunia.guru_lain.nip, "NAMA DARI DAFTAR A", "U1", "Guru Ahli Pertama", "III/a", None],
    ])
    impor_id, r = pratinjau_referensi(op_a, "asn", isi)
    simpan_referensi(op_a, impor_id)
    t = teks(op_a.get("/sinkro/disparitas"))
    assert f"tidak dikenal ({dunia.kepsek_lain.nip})" in t
    assert "Hanya di SIASN NAMA DARI DAFTAR A" in t
    t_pegawai = teks(op_a.get(f"/sinkro/pegawai/{g.id}"))
    assert f"tidak dikenal (NIP {dunia.kepsek_lain.nip})" in t_pegawai
    for halaman in (t, t_pegawai, teks(op_a.get("/sinkro?jenis=perencanaan"))):
        for nama in NAMA_B:
            assert nama not in halaman, nama
