"""Tanda tangan elektronik (TTE): PAdES signatures on the stored documents, with pyHanko.

Who signs is configured per Dinas (mode, which documents; Dinas.tte_*); the secrets are
never in the database, only in the environment:

    KINERJA_TTE_P12          path of the PKCS#12 file (mode "p12")
    KINERJA_TTE_SANDI        its passphrase, or
    KINERJA_TTE_SANDI_FILE   a file holding it, readable by the app's user only (a file
                             readable by its group or by others is refused)
    KINERJA_TTE_URL, KINERJA_TTE_ID, KINERJA_TTE_KUNCI
                             a remote hash-signing service (mode "remote"; README)
    KINERJA_TTE_TSA_URL      an RFC 3161 timestamp server: PAdES B-T instead of B-B

A signer is a `PenandaTangan`: its certificate (and chain), and a function signing a
digest. `tandatangani(pdf, penanda, …)` adds a visible signature box where the
document's placeholder (#tte-kotak in templates/pdf/_macros.html) was laid out, found
through the named destination WeasyPrint writes for it; `periksa(pdf)` validates a file
and says who signed, when, with which certificate and whether it is intact.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import logging
import os
import stat
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, utils
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pypdf import PdfReader

# pyHanko logs a traceback for every certificate it cannot chain to a trusted root; the
# verification page reports trust itself, so that is not worth a log line per visitor.
logging.getLogger("pyhanko.sign.validation.generic_cms").setLevel(logging.ERROR)

MODE = {"": "Tidak ditandatangani", "p12": "Sertifikat PKCS#12 di server",
        "remote": "Layanan tanda tangan jarak jauh (mis. BSrE)"}
DOKUMEN = ("dokumen_evaluasi", "evaluasi", "angka_kredit", "ak_kumulatif", "skp")
JANGKAR = "tte-kotak"  # the id of the placeholder in the signature block
LEBAR, TINGGI = 150, 46  # the visible box, in points (inside the 18 mm room to sign)
CADANGAN_TSA = 16384  # hex digits kept for a timestamp token (B-T; 8 KB with its chain)
BATAS_WAKTU = 20  # seconds for a remote signer or a timestamp server


class TteGagal(Exception):
    """Signing is configured but cannot be done (the message says why, in Indonesian)."""


# ---------------------------------------------------------------- signers


class PenandaTangan(Protocol):
    """A signer: its certificate, the chain above it, and a digest signed with its key
    (PKCS#1 v1.5 over the DER DigestInfo of `digest`, as hash-signing services do)."""

    sertifikat: asn1_x509.Certificate
    rantai: list[asn1_x509.Certificate]

    def tanda_tangani_digest(self, digest: bytes, algoritma: str) -> bytes: ...


class _SignerPyHanko(signers.Signer):
    """pyHanko's Signer over any PenandaTangan (pyHanko builds the CMS, we sign its
    signed attributes' digest)."""

    def __init__(self, penanda: PenandaTangan):
        self.penanda = penanda
        super().__init__(signing_cert=penanda.sertifikat,
                         cert_registry=SimpleCertificateStore.from_certs(penanda.rantai))

    async def async_sign_raw(self, data, digest_algorithm, dry_run=False):
        if dry_run:
            return bytes(self.penanda.sertifikat.public_key.byte_size)
        digest = hashlib.new(digest_algorithm, data).digest()
        return self.penanda.tanda_tangani_digest(digest, digest_algorithm)


class PenandaP12:
    """A PKCS#12 file on the server (the key never leaves this process)."""

    def __init__(self, berkas: bytes, sandi: bytes | None):
        try:
            kunci, sert, lain = pkcs12.load_key_and_certificates(berkas, sandi)
        except ValueError as e:
            raise TteGagal("Berkas sertifikat tidak dapat dibuka (kata sandi salah atau "
                           "berkas rusak).") from e
        if kunci is None or sert is None:
            raise TteGagal("Berkas PKCS#12 tidak berisi kunci dan sertifikat.")
        self._kunci = kunci
        self.sertifikat = asn1_x509.Certificate.load(sert.public_bytes(Encoding.DER))
        self.rantai = [asn1_x509.Certificate.load(c.public_bytes(Encoding.DER))
                       for c in lain or []]

    def tanda_tangani_digest(self, digest, algoritma):
        alg = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(),
               "sha512": hashes.SHA512()}[algoritma]
        return self._kunci.sign(digest, padding.PKCS1v15(), utils.Prehashed(alg))


class PenandaJauh:
    """A BSrE-like hash-signing HTTP API (README, "Tanda tangan elektronik"):

        GET  {url}/sertifikat?id={id}   -> {"sertifikat": b64 DER, "rantai": [b64 DER…]}
        POST {url}/tanda-tangan         {"id", "algoritma": "sha256", "digest": b64}
                                        -> {"tanda_tangan": b64 PKCS#1 v1.5 signature}
    both with the header "Authorization: Bearer {kunci}"."""

    def __init__(self, url: str, id_: str, kunci: str):
        self.url, self.id, self.kunci = url.rstrip("/"), id_, kunci
        data = self._minta("GET", f"/sertifikat?id={urllib.request.quote(id_)}")
        try:
            self.sertifikat = asn1_x509.Certificate.load(base64.b64decode(data["sertifikat"]))
            self.rantai = [asn1_x509.Certificate.load(base64.b64decode(c))
                           for c in data.get("rantai", [])]
        except (KeyError, ValueError, TypeError) as e:
            raise TteGagal("Layanan tanda tangan mengirim sertifikat yang tidak terbaca.") \
                from e

    def _minta(self, metode, jalur, isi=None):
        req = urllib.request.Request(
            self.url + jalur, method=metode,
            data=None if isi is None else json.dumps(isi).encode(),
            headers={"Authorization": f"Bearer {self.kunci}",
                     "Content-Type": "application/json", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=BATAS_WAKTU) as r:  # noqa: S310 - https URL from the config
                return json.loads(r.read(1024 * 1024))
        except (OSError, ValueError) as e:
            raise TteGagal(f"Layanan tanda tangan tidak dapat dihubungi: {e}") from e

    def tanda_tangani_digest(self, digest, algoritma):
        data = self._minta("POST", "/tanda-tangan", {
            "id": self.id, "algoritma": algoritma,
            "digest": base64.b64encode(digest).decode()})
        try:
            return base64.b64decode(data["tanda_tangan"])
        except (KeyError, ValueError, TypeError) as e:
            raise TteGagal("Layanan tanda tangan mengirim jawaban yang tidak terbaca.") from e


def baca_sandi(env=None):
    """The PKCS#12 passphrase from KINERJA_TTE_SANDI or KINERJA_TTE_SANDI_FILE (a file
    readable by its owner only: anything more open is refused)."""
    env = os.environ if env is None else env
    if env.get("KINERJA_TTE_SANDI_FILE"):
        jalur = env["KINERJA_TTE_SANDI_FILE"]
        try:
            mode = os.stat(jalur).st_mode
        except OSError as e:
            raise TteGagal(f"Berkas kata sandi sertifikat tidak ada: {jalur}") from e
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise TteGagal(f"Berkas kata sandi sertifikat {jalur} dapat dibaca pengguna "
                           "lain; jalankan chmod 600 pada berkas itu.")
        with open(jalur, "rb") as f:
            return f.read().rstrip(b"\r\n")
    sandi = env.get("KINERJA_TTE_SANDI")
    return sandi.encode() if sandi else None


_cache: dict = {}
_gagal: dict = {}  # signers that failed, with when: not tried again for GAGAL_DETIK
_kunci_cache = threading.Lock()
GAGAL_DETIK = 60  # a remote service down costs one timeout a minute, not one a document


VARIABEL = ("KINERJA_TTE_P12", "KINERJA_TTE_SANDI", "KINERJA_TTE_SANDI_FILE",
            "KINERJA_TTE_URL", "KINERJA_TTE_ID", "KINERJA_TTE_KUNCI")


def konfigurasi(env=None) -> dict:
    """The signer's KINERJA_TTE_* settings (a snapshot a render process can be handed;
    taken per document, so by name, not by walking the environment)."""
    env = os.environ if env is None else env
    return {k: env[k] for k in VARIABEL if k in env}


def penanda(mode, env=None, id_=None):
    """The configured signer of this mode (cached per process: a PKCS#12 file until it
    changes on disk), or raises TteGagal (a failure is remembered for GAGAL_DETIK).
    `id_`: for the remote service, another signer than KINERJA_TTE_ID (a principal
    signing as PPK, by NIP)."""
    env = os.environ if env is None else env
    if mode == "p12":
        jalur = env.get("KINERJA_TTE_P12")
        if not jalur:
            raise TteGagal("KINERJA_TTE_P12 belum diisi di server.")
        try:
            versi = os.stat(jalur).st_mtime_ns
        except OSError as e:
            raise TteGagal(f"Berkas sertifikat tidak ada: {jalur}") from e
        kunci = ("p12", jalur, versi, env.get("KINERJA_TTE_SANDI_FILE"),
                 hashlib.sha256((env.get("KINERJA_TTE_SANDI") or "").encode()).hexdigest())
    elif mode == "remote":
        if not (env.get("KINERJA_TTE_URL") and env.get("KINERJA_TTE_ID")):
            raise TteGagal("KINERJA_TTE_URL dan KINERJA_TTE_ID belum diisi di server.")
        kunci = ("remote", env["KINERJA_TTE_URL"], id_ or env["KINERJA_TTE_ID"],
                 hashlib.sha256((env.get("KINERJA_TTE_KUNCI") or "").encode()).hexdigest())
    else:
        raise TteGagal("Tanda tangan elektronik tidak diaktifkan.")
    with _kunci_cache:
        if kunci in _cache:
            return _cache[kunci]
        gagal = _gagal.get(kunci)
        if gagal is not None and time.monotonic() - gagal[0] < GAGAL_DETIK:
            raise gagal[1]
        try:
            if mode == "p12":
                try:
                    with open(jalur, "rb") as f:
                        berkas = f.read()
                except OSError as e:
                    raise TteGagal(f"Berkas sertifikat tidak ada: {jalur}") from e
                _cache[kunci] = PenandaP12(berkas, baca_sandi(env))
            else:
                _cache[kunci] = PenandaJauh(env["KINERJA_TTE_URL"], kunci[2],
                                            env.get("KINERJA_TTE_KUNCI", ""))
        except TteGagal as e:
            _gagal[kunci] = (time.monotonic(), e)
            raise
        return _cache[kunci]


def lupakan():
    """Forget the cached signers and failures (tests; a remote service back up)."""
    with _kunci_cache:
        _cache.clear()
        _gagal.clear()


# ---------------------------------------------------------------- certificates


@dataclass
class InfoSertifikat:
    subjek: str
    penerbit: str
    nomor_seri: str
    berlaku_dari: datetime
    berlaku_sampai: datetime
    nama: str
    nip: str | None

    @property
    def kedaluwarsa(self):
        return datetime.now(UTC) > self.berlaku_sampai

    def sebagai_dict(self):
        return {"subjek": self.subjek, "penerbit": self.penerbit,
                "nomor_seri": self.nomor_seri, "nama": self.nama, "nip": self.nip,
                "berlaku_dari": self.berlaku_dari.isoformat(),
                "berlaku_sampai": self.berlaku_sampai.isoformat()}


def info(sert: asn1_x509.Certificate) -> InfoSertifikat:
    subjek = sert.subject.native
    nip = subjek.get("serial_number")
    return InfoSertifikat(
        subjek=sert.subject.human_friendly, penerbit=sert.issuer.human_friendly,
        nomor_seri=format(sert.serial_number, "X"),
        berlaku_dari=sert.not_valid_before, berlaku_sampai=sert.not_valid_after,
        nama=subjek.get("common_name") or sert.subject.human_friendly,
        nip=nip if isinstance(nip, str) else None)


def kedaluwarsa(penanda_: PenandaTangan) -> bool:
    return datetime.now(UTC) > penanda_.sertifikat.not_valid_after


def identitas(penanda_: PenandaTangan) -> str:
    """A short fingerprint of the signer's certificate (part of a document's HTML, so a
    document stored before another signer was configured is rendered and signed again)."""
    return hashlib.sha256(penanda_.sertifikat.dump()).hexdigest()[:16]


# ---------------------------------------------------------------- signing


def kotak(pdf: bytes):
    """(page index, (x1, y1, x2, y2)) of the signature box: below the placeholder's named
    destination (its top left corner), centred in the signature column; None without it."""
    r = PdfReader(io.BytesIO(pdf))
    tujuan = r.named_destinations.get(JANGKAR)
    if tujuan is None:
        return None
    halaman = r.get_destination_page_number(tujuan)
    x, y = float(tujuan.left or 0), float(tujuan.top or 0)
    return halaman, (x - LEBAR / 2, y - TINGGI - 2, x + LEBAR / 2, y - 2)


def cadangan(penanda_: PenandaTangan, cap_waktu: bool) -> int:
    """Room kept for the CMS, in hex digits (two per byte, as pyHanko counts it): the
    certificates it embeds, the signature (the key's size), the signed attributes and
    the CMS structure (~300 bytes; 768 kept), and a timestamp token for B-T. Computed,
    not measured by a trial signature; every digit kept is in every signed file."""
    n = 2 * (sum(len(c.dump()) for c in [penanda_.sertifikat, *penanda_.rantai])
             + penanda_.sertifikat.public_key.byte_size + 768)
    return -(-(n + (CADANGAN_TSA if cap_waktu else 0)) // 512) * 512


def _tanpa_loop(fungsi, *args, **kwargs):
    """Call a pyHanko function that runs its own asyncio loop (`asyncio.run`): in this
    thread, or in a short-lived one when this thread already runs a loop (an embedding
    program, a test process that also drives a browser)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fungsi(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as t:
        return t.submit(fungsi, *args, **kwargs).result()


def tandatangani(pdf: bytes, penanda_: PenandaTangan, tanggal: datetime | None = None,
                 tsa_url: str | None = None, lokasi: str | None = None) -> bytes:
    """The PDF signed (PAdES B-B; B-T with a timestamp server), with a visible box where
    the placeholder is (an invisible signature when the document has none)."""
    tanggal = tanggal or datetime.now(UTC)
    sert = info(penanda_.sertifikat)
    letak = kotak(pdf)
    spek = fields.SigFieldSpec("TandaTangan", on_page=letak[0], box=letak[1]) if letak \
        else fields.SigFieldSpec("TandaTangan")
    teks = "Ditandatangani secara elektronik\n%(nama)s\n%(nip)s\n%(ts)s"
    gaya = TextStampStyle(stamp_text=teks, border_width=1,
                          timestamp_format="%d-%m-%Y %H:%M %Z")
    meta = signers.PdfSignatureMetadata(
        field_name="TandaTangan", subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256", location=lokasi, name=sert.nama,
        reason="Dokumen kinerja ditandatangani secara elektronik")
    ts = timestamps.HTTPTimeStamper(tsa_url, timeout=BATAS_WAKTU) if tsa_url else None
    pdf_signer = signers.PdfSigner(meta, signer=_SignerPyHanko(penanda_), stamp_style=gaya,
                                   new_field_spec=spek, timestamper=ts)
    out = io.BytesIO()
    try:
        _tanpa_loop(
            pdf_signer.sign_pdf,
            IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False), output=out,
            # Room for the CMS computed, not measured: no trial signature first.
            bytes_reserved=cadangan(penanda_, bool(tsa_url)),
            appearance_text_params={"nama": sert.nama[:40],
                                    "nip": f"NIP {sert.nip}" if sert.nip else ""})
    except (SigningError, OSError) as e:
        raise TteGagal(f"Dokumen tidak dapat ditandatangani: {e}") from e
    return out.getvalue()


# ---------------------------------------------------------------- validation


def periksa(pdf: bytes, akar: list | None = None) -> dict:
    """What a PDF's signature says: {"ada": False} without one; else "utuh" (the signed
    bytes are unchanged and cover the whole file), "menyeluruh", the signer's
    certificate, the signing time and, with `akar` (trusted roots), "tepercaya"."""
    try:
        r = PdfFileReader(io.BytesIO(pdf), strict=False)
        ttd = r.embedded_signatures
    except Exception:  # noqa: BLE001 - anything unreadable is "not a signed PDF"
        return {"ada": False, "terbaca": False}
    if not ttd:
        return {"ada": False, "terbaca": True}
    s = ttd[-1]
    vc = ValidationContext(trust_roots=akar or [], allow_fetching=False)
    try:
        status = _tanpa_loop(validate_pdf_signature, s, vc)
    except Exception as e:  # noqa: BLE001 - a broken CMS is an altered file
        return {"ada": True, "terbaca": True, "utuh": False, "galat": str(e)[:200]}
    waktu = status.signer_reported_dt
    ts = getattr(status, "timestamp_validity", None)
    return {"ada": True, "terbaca": True, "utuh": bool(status.intact and status.valid),
            "menyeluruh": status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
            "tepercaya": bool(status.trusted),
            "sertifikat": info(status.signing_cert).sebagai_dict(),
            "waktu": waktu.isoformat() if waktu else None,
            "cap_waktu": ts.timestamp.isoformat() if ts is not None else None,
            "jumlah": len(ttd)}


def status_sertifikat(mode, env=None):
    """What the settings page shows of the server's signer for this mode: {"info":
    InfoSertifikat} or {"galat": why not}; None when nothing is signed."""
    if not mode:
        return None
    try:
        return {"info": info(penanda(mode, env).sertifikat)}
    except TteGagal as e:
        return {"galat": str(e)}


ANAK_DETIK_CPU = 10  # the checking child: CPU seconds ...
ANAK_MAKS_MEMORI = 1536 * 1024 * 1024  # ... and address space
ANAK_BATAS_WAKTU = 30  # wall-clock seconds


def periksa_terpisah(isi: bytes, maks: int) -> dict:
    """tte.periksa of an uploaded PDF, run in a child process under CPU-time and
    address-space limits (tte_anak.py); {"terbaca": False} when it fails or is killed."""
    perintah = [sys.executable, "-I", str(Path(__file__).with_name("tte_anak.py")),
                str(ANAK_DETIK_CPU), str(ANAK_MAKS_MEMORI), str(maks)]
    try:
        hasil = subprocess.run(perintah, input=isi, capture_output=True,  # noqa: S603 - fixed argv
                               timeout=ANAK_BATAS_WAKTU, check=False)
    except subprocess.TimeoutExpired:
        return {"ada": False, "terbaca": False}
    if hasil.returncode != 0:
        return {"ada": False, "terbaca": False}
    try:
        return json.loads(hasil.stdout)
    except ValueError:
        return {"ada": False, "terbaca": False}


def sertifikat_kita(env=None) -> set[tuple[str, str]]:
    """(issuer, serial) of the certificates this server signs with (those configured)."""
    env = os.environ if env is None else env
    kita = set()
    for mode in ("p12", "remote"):
        try:
            s = info(penanda(mode, env).sertifikat)
        except TteGagal:
            continue
        kita.add((s.penerbit, s.nomor_seri))
    return kita
