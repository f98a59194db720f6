"""flask CLI: seed-demo, demo-masuk, impor-roster, impor-sandi-ulang, buat-dinas,
buat-operator, cetak-batch, cetak-lanjut, cetak-segarkan, ekspor-ekinerja, ekspor-lanjut,
kirim-pengingat."""

import hashlib
import os
import re
from datetime import date
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from kinerja_web import aturan, cadangan, demo, jobs, pengingat, simpanan
from kinerja_web.alur import Ditolak
from kinerja_web.alur import akun as alur_akun
from kinerja_web.alur import cetak as alur_cetak
from kinerja_web.alur import dinas as alur_dinas
from kinerja_web.alur import impor as alur_impor
from kinerja_web.alur import sinkro as alur_sinkro
from kinerja_web.alur import tahun as alur_tahun
from kinerja_web.auth.sesi import sandi_acak
from kinerja_web.dokumen.cetak import daftar_skp
from kinerja_web.extensions import baca_saja, db
from kinerja_web.impor import roster
from kinerja_web.impor import sandi as sandi_impor
from kinerja_web.lembar import BerkasTidakTerbaca, baca, tulis_xlsx
from kinerja_web.models import (
    Akun,
    Dinas,
    Ekspor,
    ImporBerkas,
    LogSinkro,
    Pegawai,
    Sekolah,
    TugasEkspor,
)
from kinerja_web.models.impor import StatusImpor
from kinerja_web.models.org import (
    JENJANG_SEKOLAH,
    PERAN_LABEL,
    Peran,
    StatusKepegawaian,
    TingkatDinas,
)
from kinerja_web.models.sinkro import StatusLog, StatusTugas
from kinerja_web.peran import muat_peran
from kinerja_web.sinkro import berkas, tugas
from kinerja_web.sinkro.ekspor import JENIS
from kinerja_web.sinkro.pengirim import manifes_json
from kinerja_web.teks import gabung
from kinerja_web.waktu import hari_ini, sekarang


def init_app(app):
    for cmd in (seed_demo, demo_masuk, impor_roster, impor_sandi_ulang, buat_dinas,
                buat_operator, cetak_batch, cetak_lanjut, cetak_segarkan, ekspor_ekinerja,
                ekspor_lanjut, kirim_pengingat):
        app.cli.add_command(cmd)

    cadangan.init_app(app)  # backup, pulihkan


@click.command("seed-demo")
@click.option("--jika-kosong", is_flag=True, help="Lewati tanpa galat bila database sudah berisi.")
def seed_demo(jika_kosong):
    """Muat data demo (ditolak dalam mode produksi)."""
    if current_app.config["PRODUKSI"]:
        raise click.ClickException("Data demo tidak boleh dimuat dalam mode produksi.")
    if demo.sudah_ada():
        if not jika_kosong:
            raise click.ClickException("Database sudah berisi data; data demo tidak dimuat.")
        click.echo("Database sudah berisi data; data demo tidak dimuat ulang.\n")
        logins = demo.daftar_login()
    else:
        # No pre-rendering while seeding: the server renders (and stores) on first print,
        # and a CLI process exits before a background render could finish.
        current_app.config["PRACETAK"] = False
        logins = demo.buat(current_app)
        db.session.commit()
        click.echo("Data demo dimuat.\n")
    click.echo("Login demo:")
    demo.cetak_login(logins, click.echo)


@click.command("demo-masuk")
def demo_masuk():
    """Tampilkan tabel login demo."""
    demo.cetak_login(demo.daftar_login(), click.echo)


def _pilih_dinas(dinas_id):
    if dinas_id is not None:
        dinas = db.session.get(Dinas, dinas_id)
        if dinas is None:
            raise click.ClickException(f"Dinas {dinas_id} tidak ada.")
        return dinas
    semua = db.session.scalars(select(Dinas)).all()
    if len(semua) != 1:
        raise click.ClickException(
            "Sebutkan --dinas ID (" + ", ".join(f"{d.id}: {d.nama}" for d in semua) + ")"
            if semua else "Belum ada Dinas. Jalankan `flask buat-dinas` dahulu."
        )
    return semua[0]


def _pilih_tahun(dinas, tahun=None):
    """The TahunKinerja a command works on: `--tahun`, else the Dinas' newest running year."""
    if tahun is not None:
        td = alur_tahun.tahun_dinas(dinas.id, tahun)
        if td is None:
            raise click.ClickException(f"Tahun kinerja {tahun} belum dibuka di {dinas.nama}.")
        return td.tahun
    baris = alur_tahun.tahun_berjalan(dinas.id)
    if baris is None:
        raise click.ClickException(f"{dinas.nama} belum punya tahun kinerja yang berjalan.")
    return baris


def _akun_dinas(username, dinas,
                peran=(Peran.OPERATOR_DINAS, Peran.KEPALA_DINAS, Peran.TIM_KERJA)):
    """The account named on the command line, only if it is staff of the chosen Dinas: an
    Operator of Dinas A named with --dinas B would otherwise act (and be recorded) in B."""
    akun = db.session.scalar(select(Akun).where(Akun.username == username.strip().lower()))
    if akun is None:
        raise click.ClickException(f"Pengguna {username} tidak ada.")
    akun.peran = muat_peran(akun.pegawai)
    if akun.pegawai.dinas_id != dinas.id or not any(akun.peran.punya(k) for k in peran):
        raise click.ClickException(
            f"Pengguna {username} bukan " + " atau ".join(PERAN_LABEL[k] for k in peran)
            + f" di {dinas.nama}; sebutkan pengguna Dinas ini (atau --dinas Dinas pengguna itu).")
    return akun


@click.command("impor-roster")
@click.argument("berkas", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dinas", "dinas_id", type=int, help="ID Dinas tujuan (bila lebih dari satu).")
@click.option("--terapkan", is_flag=True, help="Simpan bila tidak ada kesalahan.")
@click.option("--sandi-ke", type=click.Path(dir_okay=False, path_type=Path),
              help="Berkas XLSX untuk sandi sekali pakai akun baru.")
def impor_roster(berkas, dinas_id, terapkan, sandi_ke):
    """Periksa (dan dengan --terapkan simpan) berkas roster CSV/XLSX."""
    dinas = _pilih_dinas(dinas_id)
    isi = berkas.read_bytes()
    if len(isi) > current_app.config["IMPOR_MAKS_BYTE"]:
        raise click.ClickException("Berkas melebihi batas ukuran impor.")
    try:
        with baca_saja():
            r = roster.periksa(baca(berkas.name, isi, current_app.config["IMPOR_MAKS_BARIS"]),
                               dinas.id)
            kunci = roster.perlu_akun(r, dinas.id) if r.bersih else []
    except BerkasTidakTerbaca as e:
        raise click.ClickException(str(e)) from e
    j = r.jumlah
    click.echo(f"Sekolah: {j.get('sekolah_baru', 0)} baru, {j.get('sekolah_diubah', 0)} diubah, "
               f"{j.get('sekolah_tetap', 0)} tetap")
    click.echo(f"Pegawai: {j.get('pegawai_baru', 0)} baru, {j.get('pegawai_diubah', 0)} diubah, "
               f"{j.get('pegawai_tetap', 0)} tetap; akun baru: {j.get('akun_baru', 0)}")
    for g in r.galat:
        click.echo(f"  {g.lembar} baris {g.baris} [{g.kolom}]: {g.pesan}", err=True)
    if not r.bersih:
        raise click.ClickException(f"{len(r.galat)} kesalahan; tidak ada data yang diubah.")
    if not terapkan:
        click.echo("Tidak ada kesalahan. Jalankan lagi dengan --terapkan untuk menyimpan.")
        return
    if kunci and sandi_ke is None:
        sandi_ke = Path(current_app.instance_path) / f"sandi-awal-{sekarang():%Y%m%d-%H%M%S}.xlsx"
    sandi = roster.siapkan_sandi(kunci, current_app.config["SANDI_SEKALI_METODE"])
    # Recorded like an upload (without an uploader), with the accounts it created, so
    # `flask impor-sandi-ulang` can make their one-time passwords again if the sheet is lost.
    impor, hasil = alur_impor.terapkan_roster_cli(
        dinas, berkas.name[-200:], isi, hashlib.sha256(isi).hexdigest(), r, sandi, hari_ini(),
        _pilih_tahun(dinas).tahun)
    if hasil.akun_baru:
        _tulis_sandi(sandi_ke, hasil.akun_baru)
    db.session.commit()
    click.echo(f"Tersimpan. Impor #{impor.id}.")
    if hasil.akun_baru:
        click.echo(f"{len(hasil.akun_baru)} sandi sekali pakai ditulis ke {sandi_ke}")
        click.echo(f"Bila berkas itu hilang: flask impor-sandi-ulang {impor.id}")


def _tulis_sandi(tujuan, baris):
    """The one-time password sheet, readable by its owner only."""
    isi = tulis_xlsx({"Sandi awal": (sandi_impor.KOLOM, [list(x) for x in baris])})
    fd = os.open(tujuan, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # also when the file already existed
    with os.fdopen(fd, "wb") as f:
        f.write(isi)


@click.command("impor-sandi-ulang")
@click.argument("impor_id", type=int)
@click.option("--sandi-ke", type=click.Path(dir_okay=False, path_type=Path),
              help="Berkas XLSX untuk sandi sekali pakai yang baru.")
def impor_sandi_ulang(impor_id, sandi_ke):
    """Buat ulang sandi sekali pakai akun dari impor roster ini yang belum pernah masuk."""
    impor = db.session.get(ImporBerkas, impor_id)
    if impor is None or impor.jenis != "roster" or impor.status != StatusImpor.DITERAPKAN:
        raise click.ClickException(f"Impor roster #{impor_id} yang sudah disimpan tidak ada.")
    daftar, sandi = sandi_impor.siapkan_ulang(impor_id,
                                              current_app.config["SANDI_SEKALI_METODE"])
    impor, hasil = alur_impor.buat_ulang_sandi(impor_id, daftar, sandi, cli=True)
    if hasil.baru:
        sandi_ke = sandi_ke or (Path(current_app.instance_path)
                                / f"sandi-ulang-{impor_id}-{sekarang():%Y%m%d-%H%M%S}.xlsx")
        _tulis_sandi(sandi_ke, hasil.baru)
    db.session.commit()
    for nip, nama, username, alasan in hasil.tetap:
        click.echo(f"  Tetap: {nip or '-'} {nama} ({username}): {alasan}")
    click.echo(f"{len(hasil.baru)} sandi sekali pakai dibuat ulang"
               + (f" dan ditulis ke {sandi_ke}" if hasil.baru else "") + ".")


@click.command("buat-dinas")
@click.option("--nama", required=True, help='mis. "Dinas Pendidikan Kabupaten Kebumen"')
@click.option("--wilayah", required=True, help='mis. "Kabupaten Kebumen"')
@click.option("--tingkat", type=click.Choice([t.value for t in TingkatDinas]), required=True)
@click.option("--tahun", default=2025, show_default=True, help="Tahun kinerja yang berjalan.")
def buat_dinas(nama, wilayah, tingkat, tahun):
    """Daftarkan Dinas (dan tahun kinerja) pada instalasi baru."""
    dinas = alur_dinas.buat(nama, wilayah, tingkat, tahun)
    db.session.commit()
    click.echo(f"Dinas {dinas.id} dibuat: {dinas.nama}")


@click.command("buat-operator")
@click.option("--dinas", "dinas_id", type=int)
@click.option("--username", required=True)
@click.option("--nama", required=True)
@click.option("--nip", default=None, help="NIP bila operator ASN.")
def buat_operator(dinas_id, username, nama, nip):
    """Buat akun Operator Dinas pertama; sandi sekali pakai ditampilkan sekali."""
    dinas = _pilih_dinas(dinas_id)
    username = username.strip().lower()
    if not re.fullmatch(r"[a-z0-9._-]{3,60}", username):
        raise click.ClickException("Nama pengguna 3–60 karakter: huruf kecil, angka, titik, - "
                                   "atau _.")
    if db.session.scalar(select(Akun).where(Akun.username == username)) or (
            username.isdecimal() and username != re.sub(r"[\s.\-]", "", nip or "")
            and db.session.scalar(select(Pegawai.id).where(Pegawai.nip == username))):
        # Also someone's NIP: a NIP signs in as well and must stay that person's.
        raise click.ClickException("Nama pengguna sudah dipakai.")
    pppk = False
    if nip is not None:
        nip = re.sub(r"[\s.\-]", "", nip)
        try:
            pppk = aturan.validasi_nip(nip).pppk
        except ValueError as e:
            raise click.ClickException(str(e)) from e
        lama = db.session.scalar(select(Pegawai).where(Pegawai.nip == nip))
        if lama is not None:
            # A NIP is one person: never a second row, never someone of another Dinas.
            raise click.ClickException(
                f"NIP {nip} sudah terdaftar di Dinas lain; mutasi antar-Dinas diproses oleh "
                "Dinas asal." if lama.dinas_id != dinas.id else
                f"NIP {nip} sudah terdaftar di {dinas.nama}; beri peran Operator Dinas lewat "
                "impor roster.")
    status = (StatusKepegawaian.PPPK if pppk else StatusKepegawaian.PNS) if nip else \
        StatusKepegawaian.NON_ASN
    sandi = sandi_acak()
    akun = alur_akun.buat_operator(
        dinas, username, nama, nip, status,
        generate_password_hash(sandi, method=current_app.config["SANDI_METODE"]),
        date.today(), catatan="CLI")
    db.session.commit()
    click.echo(f"Akun {akun.username} dibuat. Sandi sekali pakai: {sandi}")


@click.command("cetak-batch")
@click.option("--jenis", type=click.Choice(["skp", "evaluasi", "dokumen_evaluasi",
                                            "angka_kredit", "ak_kumulatif"]),
              default="dokumen_evaluasi",
              show_default=True)
@click.option("--npsn", help="Hanya satu sekolah.")
@click.option("--jenjang", help="Hanya satu jenjang (tk, sd, smp, …).")
@click.option("--format", "format_", type=click.Choice(["pdf", "zip"]), default="pdf",
              show_default=True)
@click.option("--keluar", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Berkas hasil (PDF atau ZIP).")
@click.option("--dinas", "dinas_id", type=int)
@click.option("--operator", default="operator", show_default=True,
              help="Nama pengguna yang dicatat sebagai pencetak.")
@click.option("--tahun", type=int, help="Tahun kinerja (bawaan: yang berjalan).")
def cetak_batch(jenis, npsn, jenjang, format_, keluar, dinas_id, operator, tahun):
    """Cetak banyak dokumen sekaligus (per 50 dokumen), seperti halaman Cetak batch."""
    dinas = _pilih_dinas(dinas_id)
    akun = _akun_dinas(operator, dinas)
    if jenjang is not None and jenjang.strip().lower() not in JENJANG_SEKOLAH:
        raise click.ClickException(f"Jenjang {jenjang} tidak dikenal; pilih salah satu: "
                                   + ", ".join(JENJANG_SEKOLAH) + ".")
    jenjang = jenjang.strip().lower() if jenjang else None
    tahun = _pilih_tahun(dinas, tahun)
    sekolah = None
    if npsn:
        sekolah = db.session.scalar(select(Sekolah).where(Sekolah.npsn == npsn.strip(),
                                                          Sekolah.dinas_id == dinas.id))
        if sekolah is None:
            raise click.ClickException(f"NPSN {npsn} tidak ada di {dinas.nama}.")
    ids = daftar_skp(akun.peran, tahun, jenis, sekolah.id if sekolah else None, jenjang)
    if not ids:
        raise click.ClickException("Tidak ada dokumen yang dapat dicetak untuk pilihan ini.")
    if len(ids) > current_app.config["CETAK_MAKS_DOKUMEN"]:
        raise click.ClickException("Melebihi batas dokumen per batch; pilih per jenjang/sekolah.")
    b = alur_cetak.antrikan(akun, dinas.id, jenis, format_, ids,
                            current_app.config["CETAK_UKURAN_CHUNK"],
                            sekolah.nama if sekolah else (jenjang or "Seluruh Dinas"), cli=True)
    db.session.commit()
    click.echo(f"{len(ids)} dokumen, {b.jumlah_chunk} bagian…")
    jobs.jalankan(b.id)
    db.session.refresh(b)
    keluar.write_bytes(jobs.isi_berkas(b))
    click.echo(f"Selesai: {keluar}")


@click.command("cetak-lanjut")
def cetak_lanjut():
    """Lanjutkan cetak batch yang terputus (mis. setelah server mati)."""
    ids = jobs.yang_terputus()
    for batch_id in ids:
        click.echo(f"Melanjutkan cetak batch {batch_id}…")
        jobs.jalankan(batch_id)
    click.echo(f"{len(ids)} cetak batch dilanjutkan.")


@click.command("cetak-segarkan")
def cetak_segarkan():
    """Periksa ulang semua dokumen tersimpan pada cetak berikutnya dan hitung ulang
    pemeriksaan pra-perencanaan (setelah data diubah langsung di basis data, di luar
    aplikasi)."""
    simpanan.naikkan_generasi()
    db.session.commit()
    click.echo("Dokumen tersimpan akan diperiksa ulang terhadap data pada cetak berikutnya; "
               "pemeriksaan pra-perencanaan dihitung ulang.")


@click.command("ekspor-lanjut")
def ekspor_lanjut():
    """Lanjutkan ekspor e-Kinerja yang terputus (mis. setelah server mati)."""
    ids = tugas.yang_terputus()
    for tugas_id in ids:
        click.echo(f"Melanjutkan ekspor (tugas {tugas_id})…")
        try:
            tugas.jalankan(tugas_id)
        except Exception as galat:  # noqa: BLE001 - written to the job's row; go on
            db.session.rollback()
            click.echo(f"  Gagal: {alur_sinkro.pesan_gagal(galat)}", err=True)
    click.echo(f"{len(ids)} ekspor dilanjutkan.")


@click.command("ekspor-ekinerja")
@click.option("--jenis", type=click.Choice(["perencanaan", "penilaian_periodik",
                                           "penilaian_akhir"]),
              default="perencanaan", show_default=True)
@click.option("--keluar", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder tujuan: ekinerja.jsonl, ekinerja.xlsx dan manifes.json.")
@click.option("--dinas", "dinas_id", type=int)
@click.option("--operator", default=None, help="Nama pengguna yang dicatat sebagai pengekspor.")
@click.option("--tahun", type=int, help="Tahun kinerja (bawaan: yang berjalan).")
def ekspor_ekinerja(jenis, keluar, dinas_id, operator, tahun):
    """Ekspor e-Kinerja seperti halaman Ekspor: yang lolos cek diekspor, semua dicatat di log."""
    dinas = _pilih_dinas(dinas_id)
    akun = _akun_dinas(operator, dinas, (Peran.OPERATOR_DINAS,)) if operator else None
    # The page's background job, run here in the foreground (same progress row, audit).
    try:
        t, baru = alur_sinkro.mulai(akun, dinas.id, jenis, _pilih_tahun(dinas, tahun).tahun,
                                    "Seluruh Dinas (CLI)", cli=True)
    except Ditolak as galat:
        raise click.ClickException(str(galat)) from None
    db.session.commit()
    if not baru:
        raise click.ClickException(
            f"Ekspor {JENIS[jenis]} {dinas.nama} sudah berjalan (tugas #{t.id}); tunggu "
            "selesai atau batalkan di halaman Ekspor, lalu ulangi.")
    tugas_id = t.id
    try:
        tugas.jalankan(tugas_id)
    except Exception:  # noqa: BLE001 - the job row holds the reason, said below
        db.session.rollback()
    t = db.session.get(TugasEkspor, tugas_id, populate_existing=True)
    if t.status != StatusTugas.SELESAI:
        raise click.ClickException(t.galat or f"Ekspor tidak selesai ({t.status}).")
    e = db.session.get(Ekspor, t.ekspor_id)
    keluar.mkdir(parents=True, exist_ok=True)
    for nama, isi in ((berkas.NAMA_JSONL, e.jsonl), (berkas.NAMA_XLSX, e.xlsx),
                      (berkas.NAMA_MANIFES, manifes_json(e.manifes))):
        (keluar / nama).write_bytes(isi)
    gagal = db.session.execute(select(LogSinkro.nip, LogSinkro.nama, LogSinkro.keterangan,
                                      LogSinkro.catatan)
                               .where(LogSinkro.ekspor_id == e.id,
                                      LogSinkro.status == StatusLog.GAGAL)
                               .order_by(LogSinkro.id)).all()
    ringkas = (f"Ekspor #{e.id}: {e.jumlah_diekspor} pegawai diekspor, {e.jumlah_gagal} gagal; "
               f"RHK Masuk : {e.jumlah_rhk}, RHK Indikator Masuk : {e.jumlah_indikator}.\n"
               f"SHA-256 {berkas.NAMA_JSONL}: {e.sha256}")
    db.session.commit()
    for nip, nama, keterangan, catatan in gagal:
        click.echo(f"  Gagal: {nip or '-'} {nama}: " + gabung((keterangan, catatan)),
                   err=True)
    click.echo(ringkas)
    click.echo(f"Berkas ditulis ke {keluar}")


@click.command("kirim-pengingat")
@click.option("--dinas", "dinas_id", type=int, help="Hanya Dinas ini (bawaan: semua Dinas).")
@click.option("--jadwalkan", is_flag=True,
              help="Dengan KINERJA_REDIS_URL: jadwalkan pengiriman harian di RQ (jalankan "
                   "`rq worker --with-scheduler kinerja-pengingat`), bukan mengirim sekarang.")
def kirim_pengingat(dinas_id, jadwalkan):
    """Kirim ringkasan "Perlu tindakan" harian lewat surel (paling banyak sekali sehari per
    orang; aman dijalankan ulang atau bersamaan). Untuk cron atau systemd timer."""
    if jadwalkan:
        if not current_app.config.get("REDIS_URL"):
            raise click.ClickException("--jadwalkan membutuhkan KINERJA_REDIS_URL.")
        kapan = jobs.jadwalkan_pengingat(current_app)
        click.echo(f"Pengingat harian dijadwalkan {kapan:%Y-%m-%d %H:%M %Z}.")
        return
    if dinas_id is not None:
        _pilih_dinas(dinas_id)
    hasil = pengingat.kirim_pengingat([dinas_id] if dinas_id is not None else None)
    click.echo(f"Pengingat: {hasil.terkirim} terkirim, {hasil.gagal} gagal (dicoba lagi pada "
               f"jalannya berikut), {hasil.dilewati} sudah dikirim hari ini.")
    if hasil.gagal:
        raise SystemExit(1)
