"""Issue #15, the atasan's lists: what still waits on each row (for the atasan and for the
pegawai), the Beranda badge that counts a sent Diskusi persiapan, warnings that leave once
nothing is left to act on, and the NIP that tells two people of the same name apart.
Fixtures: test_pelaksanaan.py."""


import bantu_pelaksanaan as _bersama
import pytest
from bantu import dom, lencana, masuk, teks_dari
from bantu_pelaksanaan import aktor, baris_daftar

from kinerja_web.extensions import db
from kinerja_web.models import Skp

rencana = _bersama.rencana
majukan = _bersama.majukan
MENUNGGU = 5  # the column on a principal's list


def menunggu(r):
    return [b[MENUNGGU] for b in baris_daftar(r)]


@pytest.mark.parametrize("tahap,harap", [
    (0, "Guru: Diskusi persiapan, Refleksi kompetensi, Konfirmasi tugas"),
    (1, "Anda: Diskusi persiapan Guru: Refleksi kompetensi, Konfirmasi tugas"),
    (2, "Anda: Rating observasi Guru: Refleksi kompetensi, Konfirmasi tugas"),
    (3, "Guru: Dokumen tindak lanjut, Refleksi kompetensi, Konfirmasi tugas"),
    (4, "Anda: Nilai tindak lanjut Guru: Refleksi kompetensi, Konfirmasi tugas"),
    (5, "Anda: Nilai refleksi Guru: Refleksi kompetensi, Konfirmasi tugas"),
])
def test_daftar_menyebut_yang_menunggu_tiap_guru(buat_klien, rencana, majukan, tahap, harap):
    skp_id = rencana("guru")
    if tahap:
        majukan(skp_id, tahap)
    r = masuk(buat_klien, "kepsek").get("/penilaian")
    assert menunggu(r) == [harap]


def test_akhir_siklus_validasi_konfirmasi_dan_rating(buat_klien, rencana, majukan):
    """After the reflection is accepted: the competency validation, the confirmations and
    both ratings wait for the principal; each leaves the row once done."""
    from kinerja_web.alur import pelaksanaan as alur_p
    from kinerja_web.alur import penilaian as alur_n

    skp_id = rencana("guru")
    majukan(skp_id, 6)
    guru = aktor("guru")
    skp = db.session.get(Skp, skp_id)
    ref, _ = alur_p.refleksi_untuk(skp)
    alur_p.simpan_refleksi_kompetensi(ref, guru, ["Belajar dari rekan."], ["Dipraktikkan."])
    tugas = alur_p.kode_konfirmasi(skp, "tugas_pegawai")
    alur_p.konfirmasi(skp, guru, "tugas_pegawai", tugas)
    db.session.commit()
    k = masuk(buat_klien, "kepsek")
    assert menunggu(k.get("/penilaian")) == [
        "Anda: Validasi kompetensi, Konfirmasi tugas, Konfirmasi dokumen, Rating hasil kerja, "
        "Rating perilaku"]
    skp, ks = db.session.get(Skp, skp_id), aktor("kepsek")
    ref, _ = alur_p.refleksi_untuk(skp)
    alur_p.validasi_kompetensi(ref, ks)
    alur_p.konfirmasi(skp, ks, "tugas_atasan", tugas)
    alur_p.konfirmasi(skp, ks, "dokumen", alur_p.kode_konfirmasi(skp, "dokumen"))
    alur_p.konfirmasi(skp, ks, "kelengkapan", alur_p.kode_konfirmasi(skp, "kelengkapan"))
    db.session.commit()
    assert menunggu(k.get("/penilaian")) == ["Anda: Rating hasil kerja, Rating perilaku"]
    skp = db.session.get(Skp, skp_id)
    pen, _ = alur_n.penilaian_untuk(skp)
    alur_n.simpan_rating_hasil(pen, aktor("kepsek"), {
        x: "sesuai" for x in alur_n.KRITERIA}, "", "", "")
    db.session.commit()
    assert menunggu(k.get("/penilaian")) == ["Anda: Rating perilaku"]


def test_kepala_sekolah_di_daftar_dinas(buat_klien, rencana, majukan):
    """The Dinas' list names the principal's side "Kepala sekolah"; his documents wait
    for him to confirm them, then for his atasan's validation."""
    from kinerja_web.alur import pelaksanaan as alur_p

    skp_ks = rencana("kepsek", posisi="kepala_sekolah")
    majukan(skp_ks, 2, fokus=("Kepala sekolah memberi umpan balik",))
    r = masuk(buat_klien, "kadis").get("/penilaian")
    assert baris_daftar(r)[0][7] == ("Anda: Rating observasi Kepala sekolah: Refleksi "
                                     "kompetensi, Konfirmasi tugas, Konfirmasi dokumen")
    skp = db.session.get(Skp, skp_ks)
    alur_p.konfirmasi(skp, aktor("kepsek"), "dokumen", alur_p.kode_konfirmasi(skp, "dokumen"))
    db.session.commit()
    r = masuk(buat_klien, "kadis").get("/penilaian")
    assert baris_daftar(r)[0][7] == ("Anda: Rating observasi, Validasi dokumen Kepala sekolah: "
                                     "Refleksi kompetensi, Konfirmasi tugas")


def test_beranda_menghitung_diskusi_persiapan_yang_dikirim(buat_klien, rencana, majukan):
    """Issue #15: a teacher who sent his Diskusi persiapan waits for the principal, so the
    "Daftar Penilaian Kinerja" badge counts him; before he sends, nothing waits (no
    badge)."""
    skp_id = rencana("guru")
    ks = masuk(buat_klien, "kepsek")
    r = ks.get("/")
    assert lencana(r, "Daftar Penilaian Kinerja") is None
    assert "1 diskusi persiapan," in r.text and "menunggu Anda menyepakati" not in r.text
    majukan(skp_id, 1)
    r = ks.get("/")
    assert lencana(r, "Daftar Penilaian Kinerja") == 1
    assert "1 diskusi persiapan menunggu Anda menyepakati jadwal observasi." in r.text
    majukan(skp_id, 2)  # agreed: now the observation waits for him
    r = ks.get("/")
    assert lencana(r, "Daftar Penilaian Kinerja") == 1 and "menunggu Anda menyepakati" \
        not in r.text
    assert "1 menunggu rating observasi" in r.text


def test_peringatan_hilang_bila_tidak_ada_lagi(buat_klien, rencana, dunia, make_pegawai):
    """A count of things to act on loses its badge at 0 (the line stays, with its
    numbers); a warning line ("Pegawai tanpa akun") goes altogether at 0."""
    from kinerja_web.models import Pegawai

    ks = masuk(buat_klien, "kepsek")
    r = ks.get("/")
    assert lencana(r, "Persetujuan Perencanaan Kinerja") is None
    assert "0 menunggu persetujuan dari 2 guru" in r.text
    rencana("guru", sampai="diajukan")
    assert lencana(ks.get("/"), "Persetujuan Perencanaan Kinerja") == 1
    op = masuk(buat_klien, "operator")
    assert "Pegawai tanpa akun" not in op.get("/").text
    p = make_pegawai(sekolah=dunia.sekolah, akun=False)
    db.session.commit()
    pid = p.id
    r = op.get("/")
    assert lencana(r, "Pegawai tanpa akun") == 1
    db.session.execute(db.delete(Pegawai).where(Pegawai.id == pid))
    db.session.commit()
    r = op.get("/")
    assert "Pegawai tanpa akun" not in r.text
    assert lencana(r, "Satuan pendidikan") == 2  # a plain count keeps its number


def nama_dan_nip(r, nama):
    """The NIPs shown under `nama` on the page (in order): a `small.nip` right after the
    name (its text, or a label holding it)."""
    out = []
    for nip in dom(r).css("small.nip"):
        sebelum = nip.prev
        if sebelum is not None and (sebelum.text() if sebelum.tag in ("-text", "label")
                                    else "").endswith(nama):
            angka = teks_dari(nip).removeprefix("NIP ")
            if len(angka) == 18 and angka.isdigit():
                out.append(angka)
    return out


def test_dua_guru_senama_dibedakan_nip_di_setiap_daftar(buat_klien, rencana, majukan, dunia):
    """Issue #15: two teachers with the same name are told apart by the NIP under the name
    in the principal's lists; two principals of the same name in the Dinas' lists."""
    from kinerja_web.models import Pegawai

    for p in (dunia.guru, dunia.guru2):
        db.session.get(Pegawai, p.id).nama = "Siti Kembar, S.Pd."
    db.session.get(Pegawai, dunia.plt.id).nama = "Kepala Satu"
    db.session.commit()
    nip = sorted([dunia.guru.nip, dunia.guru2.nip])
    ks = masuk(buat_klien, "kepsek")
    r = ks.get("/persetujuan")
    assert sorted(nama_dan_nip(r, "Siti Kembar, S.Pd.")) == nip
    rencana("guru")
    rencana("guru2")
    r = ks.get("/penilaian")
    assert sorted(nama_dan_nip(r, "Siti Kembar, S.Pd.")) == nip
    dua_ks = sorted([dunia.kepsek.nip, dunia.plt.nip])
    r = masuk(buat_klien, "operator").get("/dinas/tim-kerja")
    assert sorted(nama_dan_nip(r, "Kepala Satu")) == dua_ks
    # The Plt. is listed twice there (as Plt. and for his own Guru plan): same NIP.
    r = masuk(buat_klien, "kadis").get("/persetujuan")
    assert sorted(set(nama_dan_nip(r, "Kepala Satu"))) == dua_ks
