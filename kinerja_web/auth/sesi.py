"""Server-side sessions and password hashing for Flask-Login."""

import hashlib
import secrets
import time
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import login_user
from itsdangerous import BadSignature
from sqlalchemy import and_, bindparam, case, or_, select
from sqlalchemy.orm import contains_eager, load_only
from werkzeug.security import check_password_hash, generate_password_hash

from kinerja_web import daftar, simpanan
from kinerja_web.alur.tenggat import ingat_perpanjangan
from kinerja_web.aturan import Tahap
from kinerja_web.extensions import SAFE_METHODS, db, login_manager
from kinerja_web.models import (
    Akun,
    Pegawai,
    Penugasan,
    PerpanjanganTenggat,
    SesiLogin,
    Skp,
    TahunDinas,
    TahunKinerja,
)
from kinerja_web.peran import peran_dari
from kinerja_web.teks import bersihkan, panjang
from kinerja_web.waktu import hari_ini, sekarang

# Checked against when the account does not exist, so both paths take equally long.
_HASH_SEMU = None


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def hash_sandi(sandi):
    return generate_password_hash(sandi, method=current_app.config["SANDI_METODE"])


def cek_sandi(sandi_hash, sandi):
    """Compare a password with an account's hash (None: no such account) in constant work
    whether or not the account exists. Deliberately slow (scrypt): call it with no write
    transaction open, so nobody waits for SQLite's write lock meanwhile."""
    global _HASH_SEMU
    if sandi_hash is None:
        _HASH_SEMU = _HASH_SEMU or hash_sandi(secrets.token_hex(8))
        check_password_hash(_HASH_SEMU, sandi)
        return False
    return check_password_hash(sandi_hash, sandi)


def sandi_acak():
    """A one-time password that is easy to read out and type on a phone."""
    huruf = "abcdefghjkmnpqrstuvwxyz"
    angka = "23456789"
    bagian = ["".join(secrets.choice(huruf) for _ in range(4)) for _ in range(2)]
    return f"{bagian[0]}-{''.join(secrets.choice(angka) for _ in range(4))}-{bagian[1]}"


def mulai_sesi(akun):
    """Sign in: a fresh cookie (rotated session) bound to a new server-side session row."""
    token = secrets.token_urlsafe(32)
    sesi = SesiLogin(
        akun=akun,
        token_hash=hash_token(token),
        kedaluwarsa=sekarang() + timedelta(days=current_app.config["SESI_MAKS_HARI"]),
        alamat_ip=request.remote_addr,
        agen=bersihkan(request.user_agent.string or "")[:panjang(SesiLogin.agen)],
    )
    db.session.add(sesi)
    sesi.token = token
    akun.sesi = sesi
    session.clear()
    session.permanent = True
    login_user(akun)


# Built once: the user loader runs on every request, and building the statement (joins,
# date conditions) cost more CPU than running it. Bound per request: token hash, now, today.
# Only the columns a request reads of the session and the account (the person is whole:
# pages hand it to alur functions that read any of its columns); a column left out loads
# on first use, as the password's hash does when it is changed.
_MUAT_PENGGUNA = (
    select(SesiLogin, Akun, Penugasan.peran, Penugasan.sekolah_id,
           # Whether the person holds any deadline extension: most hold none, and then a
           # page showing a deadline needs no query for it (alur.tenggat.ingat_perpanjangan).
           select(PerpanjanganTenggat.id).where(PerpanjanganTenggat.pegawai_id == Pegawai.id)
           .exists().label("ada_perpanjangan"))
    .join(SesiLogin.akun)
    .join(Akun.pegawai)
    .outerjoin(Penugasan, and_(
        Penugasan.pegawai_id == Pegawai.id, Penugasan.mulai <= bindparam("hari"),
        or_(Penugasan.selesai.is_(None), Penugasan.selesai >= bindparam("hari"))))
    .options(load_only(SesiLogin.id),
             load_only(Akun.id, Akun.username, Akun.pegawai_id, Akun.harus_ganti_sandi,
                       Akun.aktif),
             contains_eager(Akun.pegawai))
    .where(
        SesiLogin.token_hash == bindparam("token_hash"),
        SesiLogin.dicabut.is_(None),
        SesiLogin.kedaluwarsa > bindparam("kini"),
        Akun.aktif.is_(True),
    )
)
# A request that only reads (GET) also takes the years of the person's Dinas the header
# shows (daftar.tahun_dinas_saya), in the same query: one row per assignment and year, with
# whether the person has an SKP in the year and the last day of each of his extensions in
# it (a page showing his deadline asks no query for it). A write request reads the years
# in its own query, locked (see tahun_dinas_saya).
_MUAT_PENGGUNA_DAN_TAHUN = (
    _MUAT_PENGGUNA
    .add_columns(simpanan.KOLOM_ROSTER, TahunKinerja, TahunDinas, select(Skp.id).where(
        Skp.tahun_id == TahunKinerja.id, Skp.pegawai_id == Pegawai.id).exists(), *(
        select(PerpanjanganTenggat.sampai).where(
            PerpanjanganTenggat.pegawai_id == Pegawai.id,
            PerpanjanganTenggat.tahun_id == TahunKinerja.id,
            PerpanjanganTenggat.tahap == tahap).scalar_subquery()
        for tahap in Tahap))
    .outerjoin(TahunDinas, TahunDinas.dinas_id == Pegawai.dinas_id)
    .outerjoin(TahunKinerja, TahunKinerja.id == TahunDinas.tahun_id)
)


class _Tugas:
    """The two columns of an assignment that roles are computed from."""

    __slots__ = ("peran", "sekolah_id")

    def __init__(self, peran, sekolah_id):
        self.peran, self.sekolah_id = peran, sekolah_id


@login_manager.user_loader
def muat_pengguna(token):
    """The account behind a live session token, with its person and today's roles: one
    query (session, account, person, today's assignments; in a read also the Dinas'
    years), checked on every request, so a revoked session, a deactivated account or a
    changed assignment takes effect at once."""
    baca = request.method in SAFE_METHODS
    rows = db.session.execute(_MUAT_PENGGUNA_DAN_TAHUN if baca else _MUAT_PENGGUNA, {
        "token_hash": hash_token(token), "kini": sekarang(), "hari": hari_ini()}).all()
    if not rows:
        return None
    sesi, akun, _, _, ada_perpanjangan = rows[0][:5]
    sesi.token = token
    akun.sesi = sesi
    tugas = {(p, s) for _, _, p, s, *_ in rows if p is not None}
    akun.peran = peran_dari(akun.pegawai, [_Tugas(p, s) for p, s in tugas])
    if not ada_perpanjangan:
        ingat_perpanjangan(akun.pegawai_id)
    if baca:
        # The pra-perencanaan checks' number, for pages that keep their answer (simpanan).
        simpanan.ingat_roster(rows[0][5])
        tahun = {}
        for r in rows:
            t, td, ada, *sampai = r[6:]
            if t is not None and t.id not in tahun:
                tahun[t.id] = (t, td, ada)
                if ada_perpanjangan:
                    ingat_perpanjangan(akun.pegawai_id, t.id, {
                        tahap: s for tahap, s in zip(Tahap, sampai, strict=True) if s})
        daftar.ingat_tahun_dinas(akun.peran, tahun.values())
    return akun


class SesiCookie(SecureCookieSessionInterface):
    """Flask's signed cookie session, re-signed only when it changed or when its signature
    is older than SESI_SEGARKAN_DETIK. Re-signing (and a Set-Cookie header) on every
    request cost CPU on each page; the idle limit stays PERMANENT_SESSION_LIFETIME after
    the last re-signing, so a browser idle that long is signed out as before (at most
    SESI_SEGARKAN_DETIK sooner after its last request)."""

    def open_session(self, app, request):
        s = self.get_signing_serializer(app)
        if s is None:
            return None
        val = request.cookies.get(self.get_cookie_name(app))
        if not val:
            return self.session_class()
        try:
            data, ditandatangani = s.loads(
                val, max_age=int(app.permanent_session_lifetime.total_seconds()),
                return_timestamp=True)
        except BadSignature:
            return self.session_class()
        sesi = self.session_class(data)
        sesi.ditandatangani = ditandatangani.timestamp()
        return sesi

    def should_set_cookie(self, app, session):
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        ditandatangani = getattr(session, "ditandatangani", None)
        return ditandatangani is None or \
            time.time() - ditandatangani >= app.config["SESI_SEGARKAN_DETIK"]


def cari_akun(identitas):
    """Find an account by NIP (spaces allowed) or username."""
    nilai = identitas.strip().lower()
    if not nilai:
        return None
    nip = nilai.replace(" ", "")
    q = select(Akun).join(Akun.pegawai)
    if nip.isdigit():
        # The NIP's owner first: a username equal to someone's NIP must not take their
        # sign-in (imports refuse such usernames; older rows may still hold one).
        q = q.where((Pegawai.nip == nip) | (Akun.username == nip)).order_by(
            case((Pegawai.nip == nip, 0), else_=1), Akun.id)
    else:
        q = q.where(Akun.username == nilai)
    return db.session.scalars(q).first()


def next_aman(url):
    """Only a path on this site may follow login (no open redirect)."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        return None  # a line break in a Location header is a 500, not a redirect
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    return url
