"""Helpers for the reminder tests: a real SMTP server (aiosmtpd) and a 2026 Dinas."""

import socket
from contextlib import contextmanager
from datetime import date
from email import message_from_bytes, policy
from types import SimpleNamespace

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from kinerja_web.extensions import db
from kinerja_web.models import (
    PlotTimKerja,
    Skp,
    StatusTahun,
    TahunDinas,
    TahunKinerja,
    UnitKerja,
)
from kinerja_web.models.skp import StatusSkp


class _Tampung(Message):
    """Keeps every message the server accepted."""

    def __init__(self):
        super().__init__()
        self.surat = []

    def handle_message(self, message):
        self.surat.append(message_from_bytes(message.as_bytes(), policy=policy.default))


def port_bebas():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server_smtp(app):
    """A real SMTP server on a free port; app.config points at it. Yields the list of
    received messages (email.message.EmailMessage)."""
    tampung = _Tampung()
    port = port_bebas()
    c = Controller(tampung, hostname="127.0.0.1", port=port)
    c.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TLS="", SMTP_USER=None,
                      SMTP_PENGIRIM="Pengingat Kinerja <kinerja@dinas.example>",
                      URL_PUBLIK="https://kinerja.example")
    try:
        yield tampung.surat
    finally:
        c.stop()


def isi_teks(msg):
    """The plain-text part of a received digest."""
    return msg.get_body(preferencelist=("plain",)).get_content()


def untuk(surat, email):
    return [m for m in surat if email in m["To"]]


def dunia_2026(make_dinas, make_sekolah, make_pegawai, tugaskan, guru=3):
    """A Dinas running 2026: SD NEGERI 1 INGAT passes pra-perencanaan (UNOR on the
    uploaded reference, a principal plotted to the Tim Kerja member) and has `guru`
    teachers with e-mails; SD NEGERI 2 INGAT fails it (no UNOR, no principal). An Operator,
    a Kepala Dinas and a Tim Kerja member, each with an e-mail."""
    d = make_dinas()
    s1 = make_sekolah(d, nama="SD NEGERI 1 INGAT", unor_id=f"UNOR-INGAT-{d.id}")
    s2 = make_sekolah(d, nama="SD NEGERI 2 INGAT")
    db.session.add(UnitKerja(dinas_id=d.id, unor_id=s1.unor_id, nama=s1.nama))
    w = SimpleNamespace(dinas=d, sekolah=s1, sekolah2=s2)
    w.kepsek = make_pegawai(sekolah=s1, nama="Kepala Ingat", username=f"ks{d.id}",
                            email="kepsek@contoh.id", telepon="6281200000001")
    tugaskan(w.kepsek, "kepala_sekolah", s1)
    w.guru = [make_pegawai(sekolah=s1, nama=f"Guru Ingat {i}", username=f"g{d.id}_{i}",
                           email=f"guru{i}@contoh.id",
                           telepon=f"62812000001{i:02d}") for i in range(guru)]
    w.operator = make_pegawai(dinas=d, nama="Operator Ingat", username=f"op{d.id}",
                              email="operator@contoh.id", jabatan="Pelaksana")
    tugaskan(w.operator, "operator_dinas")
    w.kadis = make_pegawai(dinas=d, nama="Kadis Ingat", username=f"kd{d.id}",
                           email="kadis@contoh.id", jabatan="Kepala Dinas")
    tugaskan(w.kadis, "kepala_dinas")
    w.tim = make_pegawai(dinas=d, nama="Tim Ingat", username=f"tk{d.id}",
                         email="tim@contoh.id", jabatan="Pengawas Sekolah Ahli Madya")
    tugaskan(w.tim, "tim_kerja")
    tahun = db.session.query(TahunKinerja).filter_by(tahun=2026).one_or_none()
    if tahun is None:
        tahun = TahunKinerja(tahun=2026, aturan="2026")
        db.session.add(tahun)
        db.session.flush()
    db.session.add(PlotTimKerja(tahun_id=tahun.id, tim_kerja_id=w.tim.id,
                                kepala_sekolah_id=w.kepsek.id))
    w.td = TahunDinas(dinas_id=d.id, tahun_id=tahun.id, status=StatusTahun.BERJALAN)
    db.session.add(w.td)
    db.session.flush()
    w.tahun = tahun
    return w


def skp(pegawai, tahun, status, posisi="guru"):
    s = Skp(pegawai_id=pegawai.id, tahun_id=tahun.id, posisi=posisi,
            sekolah_id=pegawai.sekolah_id, status=StatusSkp(status),
            mulai=date(tahun.tahun, 1, 1), selesai=date(tahun.tahun, 12, 31))
    db.session.add(s)
    db.session.flush()
    return s
