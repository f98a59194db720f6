"""Helpers shared by test_akses_matriks.py and
test_serangan.py: a helper module, no tests here."""

from collections.abc import Callable
from dataclasses import dataclass

from dunia_akses import SKP_SEMUA

LOGIN = "login"  # 302 to /masuk?next=<the page>


TOLAK = (LOGIN, 302, 401, 403, 404)  # a refusal: nothing may be written


@dataclass(frozen=True)
class Rute:
    url: Callable  # (world, objek) -> URL
    objek: tuple = ("-",)
    aturan: dict | None = None


def harap(aturan, peran, objek):
    if peran == "anonim" and "anonim" not in aturan:
        return LOGIN
    spec = aturan.get(peran, aturan.get("lain", 404))
    if isinstance(spec, dict):
        return spec.get(objek, spec.get("lain", 404))
    return spec


def semua(status):
    """Every signed-in role gets `status`."""
    return {"lain": status}


def hanya(status, *peran, **lain):
    """The listed roles get `status`, the others 403 (perlu_peran)."""
    return {**dict.fromkeys(peran, status), "lain": 403, **lain}


def ab(status, peran_a, peran_b, lain=403):
    """Role-gated object routes: staff reach their own Dinas' object (A or B) only."""
    return {**{p: {"A": status} for p in peran_a}, **{p: {"B": status} for p in peran_b},
            "lain": lain}


AB = ("A", "B")


OPERATOR = (("operator",), ("operator_lain",))


KADIS = (("kadis",), ("kadis_lain",))


STAF = (("kadis", "tim", "operator"), ("kadis_lain", "operator_lain"))


OPERATOR_SEMUA, KADIS_SEMUA, STAF_SEMUA = (a + b for a, b in (OPERATOR, KADIS, STAF))


DINAS_PENILAI = ("kadis", "tim", "kadis_lain")


ATASAN = ("kepsek", "plt", "kepsek_lain", "tim", "kadis", "kadis_lain")


# SKP objects: who works on which (see dunia_akses.bangun).
PEMILIK = {"guru": {"skp_guru": 200}, "guru_lain": {"skp_sek_lain": 200},
           "kepsek": {"skp_ks": 200}}


ATASAN_SKP = {"kepsek": {"skp_guru": 200}, "plt": {"skp_plt": 200},
              "kepsek_lain": {"skp_sek_lain": 200}, "tim": {"skp_ks": 200},
              "kadis": {"skp_ks": 200}}


def gabung(*aturan, status=None):
    """Merge per-role object maps (status: replace every 200 with this)."""
    out = {}
    for a in aturan:
        for peran, objek in a.items():
            out.setdefault(peran, {}).update(objek)
    if status is not None:
        out = {p: {k: status for k in o} for p, o in out.items()}
    return out


PELAKSANA = gabung(PEMILIK, ATASAN_SKP)  # the agreed plan's pegawai and atasan


# An empty form: the pegawai's side checks the version first (409), the atasan's side the
# required fields (422).
PEGAWAI_409_ATASAN_422 = gabung(gabung(PEMILIK, status=409), gabung(ATASAN_SKP, status=422))


PERSETUJUAN = gabung(ATASAN_SKP, {"kepsek": {"skp_diajukan": 200}})


# Own documents, the atasan's pegawai, everything of the Dinas for its staff; a plan still
# waiting for approval is refused with the reason (409).
DINAS_A = [k for k in SKP_SEMUA if k != "skp_dinas_lain"]


CETAK = gabung(PELAKSANA, {"kepsek": {"skp_diajukan": 409}},
               *({p: {**dict.fromkeys(DINAS_A, 200), "skp_diajukan": 409}} for p in STAF[0]),
               {p: {"skp_dinas_lain": 200} for p in STAF[1]})


def u(pola):
    return lambda o, k: pola.format(o=o, k=k)


def skp(pola):
    return lambda o, k: pola.format(id=o.skp[k])


def upaya(akhiran):
    """A progress note of the SKP object (its first; 0 when it has none)."""
    return lambda o, k: f"/pelaksanaan/{o.skp[k]}/upaya/{o.upaya.get(k, 0)}{akhiran}"


def peg(pola):
    return lambda o, k: pola.format(id=o.pegawai[k])


def obj(nama, pola):
    return lambda o, k: pola.format(id=getattr(o, nama)[k])


GET, POST = "GET", "POST"


MATRIKS = {
    # -------------------------------------------------------------- public and account
    ("aset.berkas", GET): Rute(lambda o, k: o.css, aturan={"anonim": 200, "lain": 200}),
    ("auth.masuk", GET): Rute(u("/masuk"), aturan={"anonim": 200, "lain": 302}),
    ("auth.masuk", POST): Rute(u("/masuk"), aturan={"anonim": 422, "lain": 302}),
    ("auth.keluar", POST): Rute(u("/keluar"), aturan=semua(303)),
    ("auth.ganti_sandi", GET): Rute(u("/akun/sandi"), aturan=semua(200)),
    ("auth.ganti_sandi", POST): Rute(u("/akun/sandi"), aturan=semua(422)),
    ("beranda.index", GET): Rute(u("/"), aturan=semua(200)),
    ("beranda.profil", GET): Rute(u("/profil"), aturan=semua(200)),
    # The person's own contact (an empty form is valid: no e-mail, no digest).
    ("beranda.profil", POST): Rute(u("/profil"), aturan=semua(303)),
    # Unsubscribe: the signed token in the digest is the authorisation (no login needed).
    ("beranda.berhenti", GET): Rute(obj("berhenti", "/pengingat/berhenti/{id}"), ("A",),
                                    aturan={"anonim": 200, "lain": 200}),
    ("beranda.berhenti_kirim", POST): Rute(obj("berhenti", "/pengingat/berhenti/{id}"),
                                           ("A",), aturan={"anonim": 200, "lain": 200}),
    # "Kirim lewat WhatsApp": principals (definitive or Plt.) and the Operator Dinas.
    ("beranda.terlambat", GET): Rute(u("/pengingat/terlambat"), aturan=hanya(
        200, "kepsek", "plt", "kepsek_lain", "operator", "operator_lain")),
    # A history: the person himself, the principal of his school, the staff of his Dinas.
    ("riwayat.sendiri", GET): Rute(u("/riwayat"), aturan=semua(200)),
    ("riwayat.pegawai", GET): Rute(peg("/pegawai/{id}/riwayat"), AB, {
        **{p: {"A": 200} for p in ("guru", "kepsek", *STAF[0])},
        **{p: {"B": 200} for p in STAF[1]}}),
    ("dokumen.verifikasi", GET): Rute(
        lambda o, k: f"/verifikasi/{o.cetakan[k]}" if k != "-" else "/verifikasi",
        ("A", "B", "-"), {"anonim": 200, "lain": 200}),
    # Nothing uploaded: "Pilih berkas PDF." (422) for anyone, signed in or not.
    ("dokumen.periksa_berkas", POST): Rute(u("/verifikasi/periksa"),
                                           aturan={"anonim": 422, "lain": 422}),
    # -------------------------------------------------------------- Operator Dinas
    ("dinas.daftar_pegawai", GET): Rute(u("/dinas/pegawai"), aturan=hanya(200, *OPERATOR_SEMUA)),
    ("dinas.detail_pegawai", GET): Rute(peg("/dinas/pegawai/{id}"), AB, ab(200, *OPERATOR)),
    ("dinas.atur_ulang_sandi", POST): Rute(peg("/dinas/pegawai/{id}/atur-ulang-sandi"), AB,
                                           ab(200, *OPERATOR)),
    # An empty form (no stage, date or reason): the form's errors, 422; nothing written.
    ("dinas.perpanjang_tenggat", POST): Rute(peg("/dinas/pegawai/{id}/perpanjangan"), AB,
                                             ab(422, *OPERATOR)),
    # An empty form: the field messages (422); nothing recorded.
    ("dinas.catat_mutasi", POST): Rute(peg("/dinas/pegawai/{id}/mutasi"), AB,
                                       ab(422, *OPERATOR)),
    ("dinas.daftar_sekolah", GET): Rute(u("/dinas/sekolah"), aturan=hanya(200, *STAF_SEMUA)),
    # Performance years: the Operator's list; an empty "buka" names no year (422); 2026
    # is running in both Dinas, so "mulai" is refused (422) and "tutup" shows what blocks
    # it (200) and refuses the close in the demo Dinas (422: assessments half way).
    ("dinas.tahun_kinerja", GET): Rute(u("/dinas/tahun"), aturan=hanya(200, *OPERATOR_SEMUA)),
    ("dinas.buka_tahun", POST): Rute(u("/dinas/tahun/buka"), aturan=hanya(422, *OPERATOR_SEMUA)),
    ("dinas.mulai_tahun", POST): Rute(u("/dinas/tahun/2026/mulai"),
                                      aturan=hanya(422, *OPERATOR_SEMUA)),
    ("dinas.tutup_tahun", GET): Rute(u("/dinas/tahun/2026/tutup"),
                                     aturan=hanya(200, *OPERATOR_SEMUA)),
    # The other Dinas' one assessment has its predikat: nothing blocks, it closes (303).
    ("dinas.tutup_tahun", POST): Rute(u("/dinas/tahun/2026/tutup"),
                                      aturan=hanya(422, "operator", operator_lain=303)),
    ("dinas.pengaturan", GET): Rute(u("/dinas/pengaturan"), aturan=hanya(200, *OPERATOR_SEMUA)),
    # Fields not sent keep their values (nothing to change: 303 "Tidak ada yang berubah").
    ("dinas.pengaturan", POST): Rute(u("/dinas/pengaturan"),
                                     aturan=hanya(303, *OPERATOR_SEMUA)),
    ("dinas.unggah_logo", POST): Rute(u("/dinas/pengaturan/logo"),
                                      aturan=hanya(422, *OPERATOR_SEMUA)),
    # Only the demo Dinas has a logo: the other Dinas' staff cannot fetch it.
    ("dinas.logo", GET): Rute(u("/dinas/logo"), aturan=hanya(200, *STAF[0], kadis_lain=404,
                                                           operator_lain=404)),
    # Nothing sent: the header stays the Dinas letterhead (303 "tersimpan").
    ("dinas.unggah_garuda", POST): Rute(u("/dinas/pengaturan/garuda"),
                                        aturan=hanya(303, *OPERATOR_SEMUA)),
    # Nothing sent: no signing, as already (303 "Tidak ada yang berubah").
    ("dinas.atur_tte", POST): Rute(u("/dinas/pengaturan/tte"),
                                   aturan=hanya(303, *OPERATOR_SEMUA)),
    # No Dinas has uploaded the emblem: 404 for its staff, refused for everyone else.
    ("dinas.garuda", GET): Rute(u("/dinas/garuda"), aturan=hanya(404, *STAF_SEMUA)),
    ("dinas_penilaian.tim_kerja", GET): Rute(u("/dinas/tim-kerja"),
                                             aturan=hanya(200, *OPERATOR_SEMUA)),
    ("dinas_penilaian.tim_kerja", POST): Rute(u("/dinas/tim-kerja"),
                                              aturan=hanya(422, *OPERATOR_SEMUA)),
    # Pra-perencanaan: the Operator's list and download; one school's checks also for its
    # own principal or Plt. (404 for a school he does not lead); an empty override 422.
    ("dinas_pra.index", GET): Rute(u("/dinas/pra-perencanaan"),
                                   aturan=hanya(200, *OPERATOR_SEMUA)),
    ("dinas_pra.unduh", GET): Rute(u("/dinas/pra-perencanaan.xlsx"),
                                   aturan=hanya(200, *OPERATOR_SEMUA)),
    ("dinas_pra.sekolah", GET): Rute(obj("sekolah", "/dinas/pra-perencanaan/sekolah/{id}"), AB,
                                     {**ab(200, *OPERATOR), "kepsek": {"A": 200},
                                      "plt": 404, "kepsek_lain": 404}),
    ("dinas_pra.buka", POST): Rute(obj("sekolah", "/dinas/pra-perencanaan/sekolah/{id}/buka"),
                                   AB, ab(422, *OPERATOR)),
    ("impor.index", GET): Rute(u("/impor"), aturan=hanya(200, *OPERATOR_SEMUA)),
    ("impor.index", POST): Rute(u("/impor"), aturan=hanya(422, *OPERATOR_SEMUA)),
    ("impor.pratinjau", GET): Rute(obj("impor", "/impor/{id}"), AB, ab(200, *OPERATOR)),
    ("impor.terapkan", POST): Rute(obj("impor", "/impor/{id}/terapkan"), AB, ab(303, *OPERATOR)),
    ("impor.batal", POST): Rute(obj("impor", "/impor/{id}/batal"), AB, ab(303, *OPERATOR)),
    # The world's imports were cancelled: nothing to regenerate (303 with the reason).
    ("impor.sandi_ulang", POST): Rute(obj("impor", "/impor/{id}/sandi-ulang"), AB,
                                      ab(303, *OPERATOR)),
    ("impor.unduh_sandi", POST): Rute(u("/impor/sandi-awal.xlsx"),
                                      aturan=hanya(200, *OPERATOR_SEMUA)),
    ("impor.templat_xlsx", GET): Rute(u("/impor/templat.xlsx"),
                                      aturan=hanya(200, *OPERATOR_SEMUA)),
    ("impor.templat_csv", GET): Rute(u("/impor/templat-pegawai.csv"),
                                     aturan=hanya(200, *OPERATOR_SEMUA)),
    # -------------------------------------------------------------- Sinkro e-Kinerja
    ("sinkro.cek_kesiapan", GET): Rute(u("/sinkro"), aturan=hanya(200, *OPERATOR_SEMUA)),
    ("sinkro.unduh_temuan", GET): Rute(u("/sinkro/temuan.xlsx"),
                                       aturan=hanya(200, *OPERATOR_SEMUA)),
    ("sinkro.pegawai", GET): Rute(peg("/sinkro/pegawai/{id}"), AB, ab(200, *OPERATOR)),
    # The access check comes first; the empty form is then refused (400).
    ("sinkro.sinkro_pegawai", POST): Rute(peg("/sinkro/pegawai/{id}/sinkro"), AB,
                                          ab(400, *OPERATOR)),
    ("sinkro.log", GET): Rute(u("/sinkro/log"), aturan=hanya(200, *OPERATOR_SEMUA)),
    ("sinkro.sinkro_ulang", POST): Rute(obj("log", "/sinkro/log/{id}/ulang"), AB,
                                        ab(303, *OPERATOR)),
    ("sinkro.ekspor_index", GET): Rute(u("/sinkro/ekspor"), aturan=hanya(200, *OPERATOR_SEMUA)),
    ("sinkro.ekspor_index", POST): Rute(u("/sinkro/ekspor"),
                                        aturan=hanya(422, *OPERATOR_SEMUA)),
    # The export job's progress page and its cancel (the job of the world has finished:
    # a cancel changes nothing and leads back to the page).
    ("sinkro.ekspor_tugas", GET): Rute(obj("tugas", "/sinkro/ekspor/tugas/{id}"), AB,
                                       ab(200, *OPERATOR)),
    ("sinkro.ekspor_tugas_batal", POST): Rute(obj("tugas", "/sinkro/ekspor/tugas/{id}/batal"),
                                              AB, ab(303, *OPERATOR)),
    ("sinkro.ekspor_detail", GET): Rute(obj("ekspor", "/sinkro/ekspor/{id}"), AB,
                                        ab(200, *OPERATOR)),
    ("sinkro.unduh_ekspor", GET): Rute(obj("ekspor", "/sinkro/ekspor/{id}/ekinerja.jsonl"), AB,
                                       ab(200, *OPERATOR)),
    ("sinkro.referensi_index", GET): Rute(u("/sinkro/referensi"),
                                          aturan=hanya(200, *OPERATOR_SEMUA)),
    ("sinkro.unggah_referensi", POST): Rute(u("/sinkro/referensi/asn"),
                                            aturan=hanya(422, *OPERATOR_SEMUA)),
    ("sinkro.referensi_pratinjau", GET): Rute(obj("referensi", "/sinkro/referensi/impor/{id}"),
                                              AB, ab(200, *OPERATOR)),
    ("sinkro.referensi_terapkan", POST): Rute(
        obj("referensi", "/sinkro/referensi/impor/{id}/terapkan"), AB, ab(303, *OPERATOR)),
    ("sinkro.referensi_batal", POST): Rute(
        obj("referensi", "/sinkro/referensi/impor/{id}/batal"), AB, ab(303, *OPERATOR)),
    ("sinkro.referensi_templat", GET): Rute(u("/sinkro/referensi/templat-asn.xlsx"),
                                            aturan=hanya(200, *OPERATOR_SEMUA)),
    ("sinkro.referensi_unduh", GET): Rute(u("/sinkro/referensi/unor.xlsx"),
                                          aturan=hanya(200, *OPERATOR_SEMUA)),
    ("sinkro.periode_index", GET): Rute(u("/sinkro/periode"),
                                        aturan=hanya(200, *OPERATOR_SEMUA)),
    ("sinkro.periode_index", POST): Rute(u("/sinkro/periode"),
                                         aturan=hanya(422, *OPERATOR_SEMUA)),
    ("sinkro.periode_ubah", GET): Rute(obj("periode", "/sinkro/periode/{id}"), AB,
                                       ab(200, *OPERATOR)),
    ("sinkro.periode_ubah", POST): Rute(obj("periode", "/sinkro/periode/{id}"), AB,
                                        ab(422, *OPERATOR)),
    ("sinkro.periode_hapus", POST): Rute(obj("periode", "/sinkro/periode/{id}/hapus"), AB,
                                         ab(409, *OPERATOR)),
    ("sinkro.disparitas_index", GET): Rute(u("/sinkro/disparitas"),
                                           aturan=hanya(200, *OPERATOR_SEMUA)),
    ("sinkro.disparitas_unduh", GET): Rute(u("/sinkro/disparitas.xlsx"),
                                           aturan=hanya(200, *OPERATOR_SEMUA)),
    # -------------------------------------------------------------- Dinas: PKO, penetapan
    ("dinas_penilaian.rekap_pko", GET): Rute(u("/dinas/pko"), aturan=hanya(200, *STAF_SEMUA)),
    ("dinas_penilaian.pko_sekolah", GET): Rute(obj("sekolah", "/dinas/pko/{id}"), AB,
                                               ab(200, *STAF)),
    ("dinas_penilaian.pko_sekolah", POST): Rute(obj("sekolah", "/dinas/pko/{id}"), AB,
                                                ab(422, *STAF)),
    ("dinas_penilaian.pko_dinas", GET): Rute(u("/dinas/pko-dinas"),
                                             aturan=hanya(200, *KADIS_SEMUA)),
    ("dinas_penilaian.pko_dinas", POST): Rute(u("/dinas/pko-dinas"),
                                              aturan=hanya(422, *KADIS_SEMUA)),
    ("dinas_penilaian.buka_penetapan", POST): Rute(obj("penetapan", "/dinas/penetapan/{id}/buka"),
                                                   AB, ab(303, *KADIS)),
    ("dinas_penilaian.buka_pengiriman", POST): Rute(
        obj("penilaian", "/dinas/penilaian/{id}/buka"), AB, ab(303, *KADIS)),
    ("dinas_penilaian.progres", GET): Rute(u("/dinas/progres"),
                                           aturan=hanya(200, *DINAS_PENILAI)),
    ("dinas_penilaian.penetapan", GET): Rute(u("/dinas/penetapan"),
                                             aturan=hanya(200, *DINAS_PENILAI)),
    ("dinas_penilaian.rekap", GET): Rute(u("/dinas/rekap"), aturan=hanya(200, *STAF_SEMUA)),
    ("dinas_penilaian.rekap_unduh", GET): Rute(u("/dinas/rekap.xlsx"),
                                               aturan=hanya(200, *STAF_SEMUA)),
    # -------------------------------------------------------------- printing
    ("dokumen.cetak", POST): Rute(skp("/cetak/skp/{id}"), SKP_SEMUA, CETAK),
    ("dokumen.batch", GET): Rute(u("/cetak/batch"), aturan=hanya(200, *STAF_SEMUA)),
    ("dokumen.batch", POST): Rute(u("/cetak/batch"), aturan=hanya(422, *STAF_SEMUA)),
    # Batch jobs belong to the Dinas: another role's request is a 404 like a foreign id.
    ("dokumen.batch_status", GET): Rute(obj("batch", "/cetak/batch/{id}"), AB, ab(200, *STAF, 404)),
    ("dokumen.batch_unduh", GET): Rute(obj("batch", "/cetak/batch/{id}/unduh"), AB,
                                       ab(200, *STAF, 404)),
    ("dokumen.batch_batal", POST): Rute(obj("batch", "/cetak/batch/{id}/batal"), AB,
                                        ab(303, *STAF, 404)),
    # -------------------------------------------------------------- planning
    ("perencanaan.index", GET): Rute(u("/perencanaan"), aturan={
        "guru": 302, "guru_lain": 302, "kepsek": 302, "kepsek_lain": 302, "lain": 200}),
    ("perencanaan.mulai", POST): Rute(u("/perencanaan/mulai/guru"), aturan=semua(303)),
    ("perencanaan.lihat", GET): Rute(skp("/perencanaan/{id}"), SKP_SEMUA, PEMILIK),
    # The wizard of an agreed plan sends its owner to the plan (303).
    ("perencanaan.langkah", GET): Rute(skp("/perencanaan/{id}/langkah/1"), SKP_SEMUA,
                                       gabung(PEMILIK, status=303)),
    ("perencanaan.langkah", POST): Rute(skp("/perencanaan/{id}/langkah/1"), SKP_SEMUA,
                                        gabung(PEMILIK, status=303)),
    ("perencanaan.kompetensi", GET): Rute(skp("/perencanaan/{id}/kompetensi"), SKP_SEMUA,
                                          PEMILIK),
    # Editable rows carry a version: a POST without it is a stale page (409).
    ("perencanaan.kompetensi", POST): Rute(skp("/perencanaan/{id}/kompetensi"), SKP_SEMUA,
                                           gabung(PEMILIK, status=409)),
    ("perencanaan.sepakati", GET): Rute(skp("/perencanaan/{id}/sepakati"), SKP_SEMUA, PEMILIK),
    ("perencanaan.sepakati", POST): Rute(skp("/perencanaan/{id}/sepakati"), SKP_SEMUA,
                                         gabung(PEMILIK, status=303)),
    ("persetujuan.daftar", GET): Rute(u("/persetujuan"), aturan=hanya(200, *ATASAN)),
    ("persetujuan.lihat", GET): Rute(skp("/persetujuan/{id}"), SKP_SEMUA,
                                     gabung(PERSETUJUAN, status=302)),
    ("persetujuan.langkah", GET): Rute(skp("/persetujuan/{id}/langkah/1"), SKP_SEMUA,
                                       PERSETUJUAN),
    # An agreed plan is no longer waiting (303 back to it); the waiting one: empty form.
    ("persetujuan.langkah", POST): Rute(skp("/persetujuan/{id}/langkah/1"), SKP_SEMUA,
                                        gabung(gabung(ATASAN_SKP, status=303),
                                               {"kepsek": {"skp_diajukan": 409}})),
    # -------------------------------------------------------------- implementation
    ("pelaksanaan.index", GET): Rute(u("/pelaksanaan"), aturan=semua(200)),
    ("penilaian.daftar", GET): Rute(u("/penilaian"), aturan=hanya(200, *ATASAN)),
    # The list's old address: every signed-in person is sent on to /penilaian.
    ("pelaksanaan.daftar", GET): Rute(u("/pelaksanaan/daftar"), aturan=semua(301)),
    ("pelaksanaan.praktik", GET): Rute(skp("/pelaksanaan/{id}/praktik/1"), SKP_SEMUA, PELAKSANA),
    ("pelaksanaan.praktik", POST): Rute(skp("/pelaksanaan/{id}/praktik/1"), SKP_SEMUA,
                                        PEGAWAI_409_ATASAN_422),
    ("pelaksanaan.kompetensi", GET): Rute(skp("/pelaksanaan/{id}/kompetensi"), SKP_SEMUA,
                                          PELAKSANA),
    ("pelaksanaan.kompetensi", POST): Rute(skp("/pelaksanaan/{id}/kompetensi"), SKP_SEMUA,
                                           PEGAWAI_409_ATASAN_422),
    ("pelaksanaan.tugas", GET): Rute(skp("/pelaksanaan/{id}/tugas"), SKP_SEMUA, PELAKSANA),
    ("pelaksanaan.tugas", POST): Rute(skp("/pelaksanaan/{id}/tugas"), SKP_SEMUA,
                                      gabung(PELAKSANA, status=409)),
    # A principal's documents: only his atasan validates (an empty form: 422); his own and
    # a teacher's SKP are refused (403).
    ("pelaksanaan.validasi_dokumen", POST): Rute(
        skp("/pelaksanaan/{id}/tugas/validasi-dokumen"), SKP_SEMUA,
        gabung(gabung(PELAKSANA, status=403), {"tim": {"skp_ks": 422},
                                               "kadis": {"skp_ks": 422}})),
    # A progress note: its own pegawai corrects or deletes it (an empty form: stale, 409),
    # his atasan reads it on the step page only (403); anyone else 404. SKPs without notes
    # are asked with id 0 (404 for all).
    ("pelaksanaan.upaya", GET): Rute(upaya(""), SKP_SEMUA,
                                     gabung(PEMILIK, gabung(ATASAN_SKP, status=403))),
    ("pelaksanaan.upaya", POST): Rute(upaya(""), SKP_SEMUA, gabung(
        gabung(PEMILIK, status=409), gabung(ATASAN_SKP, status=403))),
    ("pelaksanaan.hapus_upaya", POST): Rute(upaya("/hapus"), SKP_SEMUA, gabung(
        gabung(PEMILIK, status=409), gabung(ATASAN_SKP, status=403))),
    # -------------------------------------------------------------- assessment
    ("penilaian.ringkasan", GET): Rute(skp("/penilaian/{id}"), SKP_SEMUA, PELAKSANA),
    ("penilaian.hasil", GET): Rute(skp("/penilaian/{id}/hasil"), SKP_SEMUA, ATASAN_SKP),
    ("penilaian.hasil", POST): Rute(skp("/penilaian/{id}/hasil"), SKP_SEMUA,
                                    gabung(ATASAN_SKP, status=409)),
    ("penilaian.perilaku", GET): Rute(skp("/penilaian/{id}/perilaku"), SKP_SEMUA, ATASAN_SKP),
    ("penilaian.perilaku", POST): Rute(skp("/penilaian/{id}/perilaku"), SKP_SEMUA,
                                       gabung(ATASAN_SKP, status=409)),
    ("penilaian.kirim", GET): Rute(u("/penilaian/kirim"), aturan=hanya(200, *ATASAN)),
    ("penilaian.kirim", POST): Rute(u("/penilaian/kirim"), aturan=hanya(303, *ATASAN)),
    ("penilaian.penetapan", GET): Rute(u("/penilaian/penetapan"), aturan=hanya(200, *ATASAN)),
    ("penilaian.penetapan", POST): Rute(u("/penilaian/penetapan"), aturan=hanya(200, *ATASAN)),
}


for _r in MATRIKS.values():
    assert _r.aturan is not None
