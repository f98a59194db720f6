"""Roster import: 60 schools and 2,000 employees, from XLSX to preview, apply, re-check.

Issue 2 asks that importing a 2,000-employee XLSX validates and previews in under 10 s and
that a file with broken rows writes nothing. This prints the figures; it asserts nothing.
Run with `python -m bench impor` (add `--profil` to see where validation spends its time).
"""

import cProfile
import hashlib
import io
import pstats
import random
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

JUMLAH_SEKOLAH = 60
JUMLAH_PEGAWAI = 2_000
JUMLAH_RUSAK = 50
SANDI_OPERATOR = "Bench-operator-2025"

KECAMATAN = ["Kebumen", "Pejagoan", "Sruweng", "Adimulyo", "Kutowinangun", "Ambal", "Mirit",
             "Prembun", "Alian", "Karanganyar", "Gombong", "Sempor", "Rowokele", "Buayan"]
DEPAN_L = ["Agus", "Bambang", "Budi", "Dwi", "Eko", "Hadi", "Joko", "Slamet", "Teguh", "Wahyu",
           "Yusuf", "Ahmad", "Rudi", "Suharto", "Sugeng", "Imam", "Fajar", "Heru"]
DEPAN_P = ["Siti", "Sri", "Dewi", "Endang", "Tri", "Nur", "Rina", "Wulan", "Yuni", "Lestari",
           "Ani", "Puji", "Ratna", "Indah", "Fitri", "Umi", "Kartika", "Ayu"]
BELAKANG = ["Santoso", "Wibowo", "Lestari", "Rahayu", "Setiawan", "Purnomo", "Hidayat",
            "Susanti", "Wahyuni", "Prasetyo", "Nugroho", "Handayani", "Kurniawan", "Astuti",
            "Saputra", "Utami", "Riyadi", "Maryati"]
PENDIDIKAN = ["S1 PGSD", "S1 Pendidikan Matematika", "S1 Pendidikan Bahasa Indonesia",
              "S1 Pendidikan Bahasa Inggris", "S1 PG-PAUD", "S1 Pendidikan IPA", "S2 Manajemen "
              "Pendidikan", "S1 Pendidikan Agama Islam", "S1 Pendidikan Jasmani"]
# Jabatan fungsional guru and the golongan that go with it (PNS, PPPK).
JENJANG_JABATAN = [
    ("Guru Ahli Pertama", ["III/a", "III/b"], ["IX"]),
    ("Guru Ahli Muda", ["III/c", "III/d"], ["X", "XI"]),
    ("Guru Ahli Madya", ["IV/a", "IV/b", "IV/c"], ["XII", "XIII"]),
    ("Guru Ahli Utama", ["IV/d", "IV/e"], ["XIV"]),
]


# ------------------------------------------------------------------ the generated file


def buat_data(acak: random.Random):
    """60 schools and 2,000 employees with valid, mutually consistent columns."""
    from kinerja_web.impor.roster import KOLOM_PEGAWAI, KOLOM_SEKOLAH

    sekolah = []
    for i in range(JUMLAH_SEKOLAH):
        jenjang = "SD" if i < 40 else "SMP" if i < 55 else "TK"
        kec = KECAMATAN[i % len(KECAMATAN)]
        nama = {"SD": "SD NEGERI", "SMP": "SMP NEGERI", "TK": "TK NEGERI PEMBINA"}[jenjang]
        sekolah.append({
            "npsn": f"{20320001 + i:08d}", "nama": f"{nama} {i // len(KECAMATAN) + 1} "
            f"{kec.upper()}", "jenjang": jenjang, "status": "Negeri",
            "alamat": f"Jl. Raya {kec} No. {acak.randint(1, 200)}", "kecamatan": kec,
            "unor_id": f"A5EB03E2{i:024X}", "unor_nama": f"{nama} {kec}",
        })

    nip_terpakai = set()
    pegawai = []
    for i in range(JUMLAH_PEGAWAI):
        s = sekolah[i % JUMLAH_SEKOLAH]
        kepala = i < JUMLAH_SEKOLAH  # the first row of every school is its principal
        pppk = not kepala and acak.random() < 0.35
        perempuan = acak.random() < 0.62
        lahir = date(1966, 1, 1) + timedelta(days=acak.randint(0, 32 * 365))
        if pppk:
            tmt_tahun, tmt_bulan = acak.randint(max(2021, lahir.year + 22), 2024), 21
        else:
            tmt_tahun, tmt_bulan = acak.randint(lahir.year + 22, 2024), acak.choice((1, 3, 4))
        while True:
            nip = (f"{lahir:%Y%m%d}{tmt_tahun}{tmt_bulan:02d}{2 if perempuan else 1}"
                   f"{acak.randint(1, 999):03d}")
            if nip not in nip_terpakai:
                nip_terpakai.add(nip)
                break
        jabatan, gol_pns, gol_pppk = (JENJANG_JABATAN[2] if kepala
                                      else acak.choices(JENJANG_JABATAN, (50, 30, 18, 2))[0])
        golongan = acak.choice(gol_pppk if pppk else gol_pns)
        depan = acak.choice(DEPAN_P if perempuan else DEPAN_L)
        gelar = ", M.Pd." if acak.random() < 0.15 else ", S.Pd."
        tmt_pns = date(tmt_tahun, 1 if pppk else tmt_bulan, 1)
        cltn = not kepala and i % 400 == 7
        karpeg = f"{acak.choice('ABCDEFGHKLMN')} {acak.randint(1, 999999):06d}"
        pegawai.append({
            "nip": nip,
            "nuptk": f"{acak.randint(10**15, 10**16 - 1)}" if acak.random() < 0.8 else None,
            "nama": f"{depan} {acak.choice(BELAKANG)}{gelar}",
            "tempat_lahir": acak.choice(KECAMATAN),
            "tanggal_lahir": lahir,
            "jenis_kelamin": "P" if perempuan else "L",
            "status_kepegawaian": "PPPK" if pppk else "PNS",
            "golongan": golongan,
            "tmt_golongan": tmt_pns + timedelta(days=365 * acak.randint(0, 8)),
            "jabatan": jabatan,
            "tmt_jabatan": tmt_pns + timedelta(days=365 * acak.randint(0, 8)),
            "pendidikan": acak.choice(PENDIDIKAN),
            "karpeg": None if pppk else karpeg,
            "npsn": s["npsn"],
            "peran": "Kepala Sekolah" if kepala else None,
            "tmt_peran": date(2023, 7, 1) if kepala else None,
            "keikutsertaan": "CLTN" if cltn else None,
            "keterangan_keikutsertaan": "SK Bupati Kebumen No. 800/112/2025" if cltn else None,
            "tanggal_keikutsertaan": date(2025, 3, 1) if cltn else None,
            "username": None,
        })
    return sekolah, pegawai, [k for k, _, _ in KOLOM_SEKOLAH], [k for k, _, _ in KOLOM_PEGAWAI]


def buat_xlsx(sekolah, pegawai, kolom_s, kolom_p):
    from kinerja_web.lembar import tulis_xlsx

    return tulis_xlsx({
        "Sekolah": (kolom_s, [[s.get(k) for k in kolom_s] for s in sekolah]),
        "Pegawai": (kolom_p, [[p.get(k) for k in kolom_p] for p in pegawai]),
    })


def rusak(pegawai, acak: random.Random):
    """A copy with JUMLAH_RUSAK broken rows, plus new and changed rows that a faulty
    apply would write."""
    rusak_ = [dict(p) for p in pegawai]
    for n, i in enumerate(acak.sample(range(JUMLAH_SEKOLAH, len(rusak_)), JUMLAH_RUSAK)):
        p = rusak_[i]
        match n % 5:
            case 0:
                p["nip"] = p["nip"][:-1]  # 17 digits
            case 1:
                p["jabatan"] = "Guru Ahli Sekali"
            case 2:
                p["npsn"] = "29999999"
            case 3:
                p["tanggal_lahir"] = p["tanggal_lahir"] + timedelta(days=1)
            case 4:
                p["golongan"] = "III/f"
    for p in rusak_[JUMLAH_SEKOLAH:JUMLAH_SEKOLAH + 100]:
        p["golongan"] = {"III/a": "III/b", "IX": "X"}.get(p["golongan"], p["golongan"])
    tambahan = []
    for i in range(100):
        baru = dict(pegawai[JUMLAH_SEKOLAH + i], peran=None)
        baru["nip"] = baru["nip"][:15] + f"{(int(baru['nip'][15:]) + 500) % 1000:03d}"
        baru["nama"] = "Pegawai Baru " + baru["nama"]
        tambahan.append(baru)
    nip_ada = {p["nip"] for p in rusak_}
    return rusak_ + [p for p in tambahan if p["nip"] not in nip_ada]


# ------------------------------------------------------------------ measuring


@contextmanager
def stopwatch(hasil, nama):
    mulai = time.perf_counter()
    yield
    hasil[nama] = time.perf_counter() - mulai


def sidik_roster():
    """Row counts and a digest of every roster row: equal digests mean nothing was written."""
    from sqlalchemy import func, select

    from kinerja_web.extensions import db
    from kinerja_web.models import Akun, Pegawai, Penugasan, Sekolah

    h = hashlib.sha256()
    jumlah = {}
    for model in (Sekolah, Pegawai, Akun, Penugasan):
        t = model.__table__
        jumlah[t.name] = db.session.scalar(select(func.count()).select_from(t))
        for row in db.session.execute(select(t).order_by(t.c.id)):
            h.update(repr(tuple(row)).encode())
    db.session.rollback()
    return jumlah, h.hexdigest()


def siapkan_app(folder: Path):
    from werkzeug.security import generate_password_hash

    from kinerja_web import create_app
    from kinerja_web.extensions import db
    from kinerja_web.models import (
        Akun,
        Dinas,
        Pegawai,
        Penugasan,
        StatusTahun,
        TahunDinas,
        TahunKinerja,
    )

    app = create_app({
        "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "SECRET_KEY": "bench-" + "k" * 40,
        "TESTING": False,
        "WTF_CSRF_ENABLED": False,  # the HTTP step posts like a form without scraping a token
        "RATELIMIT_ENABLED": False,
    })
    with app.app_context():
        db.create_all()  # a bench database; the app itself migrates with Alembic
        dinas = Dinas(nama="Dinas Pendidikan Kabupaten Kebumen", tingkat="kabupaten",
                      wilayah="Kabupaten Kebumen")
        tahun = TahunKinerja(tahun=2025, aturan="2025")
        db.session.add_all([dinas, tahun])
        db.session.flush()
        db.session.add(TahunDinas(dinas_id=dinas.id, tahun_id=tahun.id,
                                  status=StatusTahun.BERJALAN))
        op = Pegawai(nama="Operator Bench", status_kepegawaian="NON_ASN", dinas_id=dinas.id,
                     jabatan="Pelaksana")
        db.session.add(op)
        db.session.flush()
        db.session.add(Penugasan(pegawai_id=op.id, peran="operator_dinas", dinas_id=dinas.id,
                                 mulai=date(2025, 1, 1)))
        db.session.add(Akun(username="operator", pegawai_id=op.id, harus_ganti_sandi=False,
                            sandi_hash=generate_password_hash(SANDI_OPERATOR)))
        db.session.commit()
        return app, dinas.id


def profil(app, tabel, dinas_id):
    from kinerja_web.extensions import baca_saja, db
    from kinerja_web.impor import roster

    with app.app_context(), baca_saja():
        pr = cProfile.Profile()
        pr.enable()
        roster.periksa(tabel, dinas_id)
        pr.disable()
        db.session.rollback()
    print("\nProfile of roster.periksa (top 15 by cumulative time):")
    pstats.Stats(pr).sort_stats("cumulative").print_stats(15)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    from kinerja_web.alur import impor as alur_impor
    from kinerja_web.extensions import baca_saja, db
    from kinerja_web.impor import roster
    from kinerja_web.lembar import baca
    from kinerja_web.waktu import hari_ini

    waktu, catatan = {}, {}
    acak = random.Random(2025)
    with tempfile.TemporaryDirectory(prefix="bench-impor-") as tmp:
        folder = Path(tmp)
        with stopwatch(waktu, "generate"):
            sekolah, pegawai, kolom_s, kolom_p = buat_data(acak)
            isi = buat_xlsx(sekolah, pegawai, kolom_s, kolom_p)
        (folder / "roster.xlsx").write_bytes(isi)
        catatan["generate"] = (f"{len(sekolah)} schools, {len(pegawai)} employees, "
                               f"{len(isi) / 1024:.0f} KB")
        app, dinas_id = siapkan_app(folder)
        maks = app.config["IMPOR_MAKS_BARIS"]

        with app.app_context():
            # 1. Read, validate and build the preview (what the upload request does).
            with stopwatch(waktu, "read"):
                tabel = baca("roster.xlsx", isi, maks)
            with baca_saja():
                with stopwatch(waktu, "check"):
                    rencana = roster.periksa(tabel, dinas_id)
                    ringkasan = rencana.ringkasan()
            j = rencana.jumlah
            catatan["check"] = (f"{ringkasan['jumlah_galat']} errors; {j['sekolah_baru']} "
                                f"schools, {j['pegawai_baru']} employees, "
                                f"{j['akun_baru']} accounts to create")
            waktu["preview"] = waktu["read"] + waktu["check"]

        # 1b. The same first upload for real: POST /impor and GET the preview page.
        klien = app.test_client()
        masuk = klien.post("/masuk", data={"identitas": "operator", "sandi": SANDI_OPERATOR})
        if masuk.status_code != 303:
            raise RuntimeError(f"bench operator could not sign in ({masuk.status_code})")
        with stopwatch(waktu, "http"):
            r = klien.post("/impor", data={"berkas": (io.BytesIO(isi), "roster.xlsx")},
                           content_type="multipart/form-data")
            halaman = klien.get(r.headers["Location"]) if r.status_code == 303 else r
        catatan["http"] = (f"{r.status_code} → {halaman.status_code}, "
                           f"{len(halaman.data) / 1024:.0f} KB page")

        with app.app_context():
            sebelum = sidik_roster()

            # 2. Apply, as the confirm request does it.
            with baca_saja(), stopwatch(waktu, "perlu_akun"):
                kunci = roster.perlu_akun(rencana, dinas_id)
            with stopwatch(waktu, "hash"):
                sandi = roster.siapkan_sandi(kunci, app.config["SANDI_SEKALI_METODE"])
            catatan["hash"] = f"{len(sandi)} × {app.config['SANDI_SEKALI_METODE']}"
            with stopwatch(waktu, "apply"):
                hasil = alur_impor.tulis_roster(rencana, dinas_id, sandi, hari_ini(),
                                        2025)
                db.session.commit()
            setelah = sidik_roster()
            catatan["apply"] = (f"+{setelah[0]['sekolah'] - sebelum[0]['sekolah']} schools, "
                                f"+{setelah[0]['pegawai'] - sebelum[0]['pegawai']} employees, "
                                f"+{setelah[0]['akun'] - sebelum[0]['akun']} accounts, "
                                f"+{setelah[0]['penugasan'] - sebelum[0]['penugasan']} roles")
            waktu["apply_total"] = waktu["perlu_akun"] + waktu["hash"] + waktu["apply"]
            catatan["apply_total"] = f"{len(hasil.akun_baru)} one-time passwords"

            # 3. The same file again, now that everything exists: must plan no change at all.
            with stopwatch(waktu, "reread"):
                tabel_ulang = baca("roster.xlsx", isi, maks)
            with baca_saja(), stopwatch(waktu, "recheck"):
                ulang = roster.periksa(tabel_ulang, dinas_id)
            j = ulang.jumlah
            catatan["recheck"] = (f"{j['sekolah_baru']} new, {j['sekolah_diubah']} changed "
                                  f"schools; {j['pegawai_baru']} new, {j['pegawai_diubah']} "
                                  f"changed employees; {len(ulang.galat)} errors")

        # 4. A file with broken rows (and new and changed rows) through `flask impor-roster
        #    --terapkan`: it must refuse and write nothing.
        berkas_rusak = folder / "roster-rusak.xlsx"
        berkas_rusak.write_bytes(buat_xlsx(sekolah, rusak(pegawai, acak), kolom_s, kolom_p))
        with app.app_context():
            sebelum_rusak = sidik_roster()
            with stopwatch(waktu, "broken"):
                keluar = app.test_cli_runner().invoke(args=[
                    "impor-roster", str(berkas_rusak), "--dinas", str(dinas_id), "--terapkan",
                    "--sandi-ke", str(folder / "sandi.xlsx")])
            sesudah_rusak = sidik_roster()
        baris_galat = [b for b in keluar.output.splitlines() if " baris " in b]
        sama = sesudah_rusak == sebelum_rusak and not (folder / "sandi.xlsx").exists()
        catatan["broken"] = (f"exit {keluar.exit_code}, {len(baris_galat)} errors listed, "
                             + ("nothing written" if sama else "DATABASE CHANGED"))


        baris = [
            ("Generate XLSX", "generate"),
            ("Read XLSX (lembar.baca)", "read"),
            ("Validate + preview (roster.periksa)", "check"),
            ("= read + validate + preview", "preview"),
            ("Upload + preview page over HTTP", "http"),
            ("Accounts needed (perlu_akun)", "perlu_akun"),
            ("One-time password hashes", "hash"),
            ("Write (terapkan + commit)", "apply"),
            ("= apply in total", "apply_total"),
            ("Same file again: read", "reread"),
            ("Same file again: validate against the DB", "recheck"),
            (f"File with {JUMLAH_RUSAK} broken rows (CLI)", "broken"),
        ]
        lebar = max(len(label) for label, _ in baris)
        print(f"{'Step':<{lebar}}  {'Time':>8}  Notes")
        print(f"{'-' * lebar}  {'-' * 8}  {'-' * 40}")
        for label, kunci_ in baris:
            print(f"{label:<{lebar}}  {waktu[kunci_]:>7.2f}s  {catatan.get(kunci_, '')}")
        print(f"\nTarget: validate and preview {JUMLAH_PEGAWAI} employees in under 10 s "
              f"(issue 2) — measured {waktu['preview']:.2f} s "
              f"({waktu['http']:.2f} s over HTTP).")
        if "--profil" in argv or waktu["check"] > 3:
            profil(app, tabel, dinas_id)
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
