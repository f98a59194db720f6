"""Who delivers an export to e-Kinerja: a small interface and the file export behind it.

There is no public e-Kinerja API this app may call, so the one sender here writes the
records to files (JSON Lines, XLSX and a manifest) that the Dinas hands to BKD's admins.
A Dinas holding SIASN web-service credentials can add a sender that posts each record and
reports e-Kinerja's answer per record (README, "Sinkro e-Kinerja"); nothing else changes.
"""

import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from kinerja_web.sinkro import berkas


@dataclass(frozen=True)
class HasilKirim:
    """The receiver's answer for one record; `keterangan` says why it was refused."""

    berhasil: bool
    keterangan: str | None = None


@dataclass
class Kiriman:
    """What one delivery produced: an answer per record (in order) and files to keep."""

    hasil: list[HasilKirim]
    jsonl: bytes = b""
    xlsx: bytes = b""
    sha256: str = ""
    berkas: dict = field(default_factory=dict)  # name -> {"sha256": …, "byte": …}


class Pengirim(Protocol):
    """Delivers the records of one export (perencanaan or penilaian_akhir)."""

    nama: str

    def kirim(self, jenis: str, catatan: Iterable[dict]) -> Kiriman:
        """Consume the records (an iterator: they are produced while the pre-check runs)."""
        ...


class PengirimBerkas:
    """The file export: every record is accepted and written to JSON Lines and XLSX."""

    nama = "berkas"

    def kirim(self, jenis: str, catatan: Iterable[dict]) -> Kiriman:
        jsonl = io.BytesIO()
        lembar = berkas.LembarEkspor(jenis)
        hasil = []
        try:
            for c in catatan:
                jsonl.write(berkas.baris_jsonl(c))
                lembar.tambah(c)
                hasil.append(HasilKirim(True))
        except BaseException:
            lembar.buang()
            raise
        isi = jsonl.getvalue()
        sha = hashlib.sha256(isi).hexdigest()
        xlsx = lembar.simpan(sha)
        return Kiriman(hasil, isi, xlsx, sha, {
            berkas.NAMA_JSONL: {"sha256": sha, "byte": len(isi)},
            berkas.NAMA_XLSX: {"sha256": hashlib.sha256(xlsx).hexdigest(), "byte": len(xlsx)},
        })


def manifes_json(manifes: dict) -> bytes:
    """The manifest as the downloadable file."""
    return (json.dumps(manifes, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
