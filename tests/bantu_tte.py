"""Helpers shared by the electronic-signature tests (test_tte.py) and bench/: throw-away
certificates made in the test (a self-signed CA and a signer under it, as PKCS#12), a fake
remote hash-signing server, and pdfsig's report. A helper module, no tests here."""

import base64
import json
import subprocess
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

SANDI = "sandi-uji-tte"
NAMA = "Dr. Sumarni Wulandari, M.Pd."
NIP = "197005121994032007"


@dataclass
class Sertifikat:
    ca: x509.Certificate
    kunci: rsa.RSAPrivateKey
    sertifikat: x509.Certificate
    p12: bytes

    def der(self, c=None):
        return (c or self.sertifikat).public_bytes(serialization.Encoding.DER)

    def akar(self):
        from asn1crypto import x509 as asn1_x509

        return [asn1_x509.Certificate.load(self.der(self.ca))]


def _pembuat(subjek, penerbit, kunci_publik, ca, mulai, akhir):
    ku = x509.KeyUsage(digital_signature=True, content_commitment=not ca,
                       key_encipherment=False, data_encipherment=False, key_agreement=False,
                       key_cert_sign=ca, crl_sign=ca, encipher_only=False,
                       decipher_only=False)
    return (x509.CertificateBuilder().subject_name(subjek).issuer_name(penerbit)
            .public_key(kunci_publik).serial_number(x509.random_serial_number())
            .not_valid_before(mulai).not_valid_after(akhir)
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(ku, critical=True))


def buat_sertifikat(nama=NAMA, nip=NIP, kedaluwarsa=False, sandi=SANDI):
    """A CA "Otoritas Sertifikat Uji" and a signer certificate (CN nama, serialNumber nip)
    under it, valid now (or expired yesterday), as a PKCS#12 protected by `sandi`."""
    sekarang = datetime.now(UTC)
    kunci_ca = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    nama_ca = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Otoritas Sertifikat Uji")])
    ca = _pembuat(nama_ca, nama_ca, kunci_ca.public_key(), True,
                  sekarang - timedelta(days=30), sekarang + timedelta(days=365)
                  ).sign(kunci_ca, hashes.SHA256())
    kunci = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subjek = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, nama),
                        x509.NameAttribute(NameOID.SERIAL_NUMBER, nip)])
    akhir = sekarang - timedelta(days=1) if kedaluwarsa else sekarang + timedelta(days=365)
    sert = _pembuat(subjek, nama_ca, kunci.public_key(), False,
                    sekarang - timedelta(days=10), akhir).sign(kunci_ca, hashes.SHA256())
    p12 = pkcs12.serialize_key_and_certificates(
        b"tte", kunci, sert, [ca], serialization.BestAvailableEncryption(sandi.encode()))
    return Sertifikat(ca, kunci, sert, p12)


def buat_rantai(tingkat=4, sandi=SANDI):
    """A PKCS#12 of a signer under `tingkat` - 1 CAs (a root and intermediates, as a
    national CA issues through), its chain included."""
    sekarang = datetime.now(UTC)
    kunci_atas = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    atas = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Root CA Uji")])
    rantai = [_pembuat(atas, atas, kunci_atas.public_key(), True, sekarang - timedelta(days=1),
                       sekarang + timedelta(days=30)).sign(kunci_atas, hashes.SHA256())]
    for i in range(1, tingkat):
        kunci = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        nama = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, NAMA if i == tingkat - 1
                                             else f"CA Antara Uji {i}")])
        rantai.append(_pembuat(nama, atas, kunci.public_key(), i < tingkat - 1,
                               sekarang - timedelta(days=1), sekarang + timedelta(days=30))
                      .sign(kunci_atas, hashes.SHA256()))
        kunci_atas, atas = kunci, nama
    return pkcs12.serialize_key_and_certificates(
        b"tte", kunci_atas, rantai[-1], rantai[-2::-1],
        serialization.BestAvailableEncryption(sandi.encode()))


def pasang_p12(monkeypatch, tmp_path, sert, sandi=SANDI):
    """KINERJA_TTE_P12 / KINERJA_TTE_SANDI for this test (and no cached signer)."""
    from kinerja_web import tte

    jalur = tmp_path / "tte.p12"
    jalur.write_bytes(sert.p12)
    jalur.chmod(0o600)
    monkeypatch.setenv("KINERJA_TTE_P12", str(jalur))
    monkeypatch.setenv("KINERJA_TTE_SANDI", sandi)
    monkeypatch.delenv("KINERJA_TTE_SANDI_FILE", raising=False)
    tte.lupakan()
    return jalur


def pdfsig(data, tmp_path, nama="periksa.pdf"):
    """pdfsig's report of a PDF: [{"valid": bool, "nama": signer CN, "teks": the lines}]
    per signature (poppler, an independent reader)."""
    jalur = tmp_path / nama
    jalur.write_bytes(data)
    hasil = subprocess.run(["pdfsig", str(jalur)], capture_output=True, text=True,
                           check=False, timeout=60)
    teks = hasil.stdout + hasil.stderr
    bagian = teks.split("Signature #")[1:]
    out = []
    for b in bagian:
        baris = {k.strip(" -"): v.strip() for k, _, v in
                 (ln.partition(":") for ln in b.splitlines()[1:]) if v}
        out.append({"valid": baris.get("Signature Validation") == "Signature is Valid.",
                    "validasi": baris.get("Signature Validation"),
                    "sertifikat": baris.get("Certificate Validation"),
                    "nama": baris.get("Signer Certificate Common Name"),
                    "menyeluruh": "Total document signed" in b, "teks": b})
    return out


def ubah_satu_byte(data):
    """A copy with one byte inside the signed range changed (the binary comment line after
    the header: the file still opens, its signature no longer matches)."""
    i = data.index(b"\n") + 2
    salin = bytearray(data)
    salin[i] = (salin[i] + 1) % 256 or 1
    return bytes(salin)


class _ServerUji:
    """A threaded HTTP server on 127.0.0.1 for one test (`with`: started, then shut)."""

    def _pasang(self, penangan, jalur=""):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), penangan)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{jalur}"
        self.utas = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.utas.start()
        return self

    def __exit__(self, *a):
        self.server.shutdown()
        self.server.server_close()


class PenandaPalsu(_ServerUji):
    """A fake BSrE-like hash-signing server on 127.0.0.1 (README's request/response)."""

    def __init__(self, sert, kunci_api="kunci-rahasia", id_="penanda-1", lain=None):
        """`lain`: {signer id: Sertifikat} of further signers (principals by NIP)."""
        self.sert, self.kunci_api, self.id = sert, kunci_api, id_
        self.penanda = {id_: sert, **(lain or {})}
        self.permintaan = []
        induk = self

        class Penangan(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def _kirim(self, kode, isi):
                data = json.dumps(isi).encode()
                self.send_response(kode)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _izin(self):
                return self.headers.get("Authorization") == f"Bearer {induk.kunci_api}"

            def do_GET(self):
                induk.permintaan.append(("GET", self.path, None))
                if not self._izin():
                    return self._kirim(401, {"galat": "tidak berwenang"})
                jalur, _, id_ = self.path.partition("?id=")
                sert = induk.penanda.get(id_)
                if jalur != "/sertifikat" or sert is None:
                    return self._kirim(404, {"galat": "tidak ada"})
                self._kirim(200, {"sertifikat": base64.b64encode(sert.der()).decode(),
                                  "rantai": [base64.b64encode(sert.der(sert.ca)).decode()]})

            def do_POST(self):
                isi = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                induk.permintaan.append(("POST", self.path, isi))
                if not self._izin():
                    return self._kirim(401, {"galat": "tidak berwenang"})
                digest = base64.b64decode(isi["digest"])
                ttd = induk.penanda[isi["id"]].kunci.sign(digest, padding.PKCS1v15(),
                                                          utils.Prehashed(hashes.SHA256()))
                self._kirim(200, {"tanda_tangan": base64.b64encode(ttd).decode()})

        self._pasang(Penangan)


class TsaPalsu(_ServerUji):
    """A fake RFC 3161 timestamp server on 127.0.0.1 (HTTP, application/timestamp-query),
    answering with pyHanko's DummyTimeStamper under a TSA certificate of the test's CA."""

    def __init__(self):
        from asn1crypto import keys, tsp
        from asn1crypto import x509 as asn1_x509
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        sekarang = datetime.now(UTC)
        kunci = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        nama = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA Uji")])
        # Self-issued: the test's CA key is not kept (pdfsig and pyHanko check the token's
        # own signature; trust is not what this test is about).
        tsa = _pembuat(nama, nama, kunci.public_key(), False, sekarang - timedelta(days=1),
                       sekarang + timedelta(days=30)).add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]),
            critical=True).sign(kunci, hashes.SHA256())
        pemberi = DummyTimeStamper(
            asn1_x509.Certificate.load(tsa.public_bytes(serialization.Encoding.DER)),
            keys.PrivateKeyInfo.load(kunci.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption())))
        self.jumlah = 0
        induk = self

        class Penangan(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                isi = self.rfile.read(int(self.headers["Content-Length"]))
                induk.jumlah += 1
                jawab = pemberi.request_tsa_response(tsp.TimeStampReq.load(isi)).dump()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(jawab)))
                self.end_headers()
                self.wfile.write(jawab)

        self._pasang(Penangan, "/tsa")
