"""Joining stored PDFs into one, fast and small (qpdf through pikepdf; fontTools for fonts).

Documents are rendered one by one (render once, serve many), so each embeds its own font
subsets: a batch joined as they are carries ~9 KB of DejaVu per document (18 demo documents
133 KB alone, 327 KB joined). WeasyPrint subsets with harfbuzz keeping the glyph ids of
the font (HB_SUBSET_FLAGS_RETAIN_GIDS), so every document's text addresses the glyphs of
the one font file: the join gives each face ONE font (the union of the documents'
subsets, glyph by glyph), with the union of their widths and Unicode maps, and every page
uses it. A subset is only read when it brings glyphs the union lacks (after a few dozen
documents, none does), so joining 1,500 documents costs little more than copying pages.

A face is its PostScript name (without the subset tag) and the font file's revision and
creation date, so two versions of a font (documents rendered on machines with other
DejaVu files) are never mixed; a font that is not a plain Identity-H TrueType CID font
(e.g. one with glyphs missing, which WeasyPrint maps through a CMap of its own) is left
as it was.

    gabung([pdf bytes, …]) -> bytes   the pages in order, each source's bookmarks kept
"""

import io
import re
import struct

import pikepdf
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph

_BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>")


def gabung(berkas, font=True, keluar_ke=None):
    """One PDF of the given PDFs (bytes, or paths: read from the file as needed, never
    held whole) in order, with their top-level bookmarks (and those under them) pointing
    to the same pages, and one font per face; written to the path `keluar_ke` (None:
    returned as bytes)."""
    keluar = pikepdf.new()
    penanda = []  # (title, page index in keluar, children)
    for isi in berkas:
        sumber = pikepdf.open(io.BytesIO(isi) if isinstance(isi, bytes | bytearray) else isi)
        awal = len(keluar.pages)
        indeks = {p.objgen: i for i, p in enumerate(sumber.pages)}
        with sumber.open_outline() as o:
            penanda.extend(_salin_penanda(item, indeks, awal) for item in o.root)
        keluar.pages.extend(sumber.pages)
    if font:
        _satukan_font(keluar)
    with keluar.open_outline() as o:
        o.root.extend(_buat_penanda(p) for p in penanda)
    out = io.BytesIO() if keluar_ke is None else keluar_ke
    keluar.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                deterministic_id=True)
    return out.getvalue() if keluar_ke is None else None


def _salin_penanda(item, indeks, awal):
    halaman = None
    tujuan = item.destination
    if isinstance(tujuan, pikepdf.Array) and len(tujuan):
        halaman = indeks.get(tujuan[0].objgen)
    return (str(item.title), None if halaman is None else awal + halaman,
            [_salin_penanda(anak, indeks, awal) for anak in item.children])


def _buat_penanda(p):
    judul, halaman, anak = p
    item = pikepdf.OutlineItem(judul, halaman) if halaman is not None \
        else pikepdf.OutlineItem(judul)
    item.children.extend(_buat_penanda(a) for a in anak)
    return item


# ---------------------------------------------------------------- fonts


def _wajah(font):
    """(key of the face, CIDFont dict) of a Type0 font this module can share; else None."""
    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
        return None
    turunan = font.get("/DescendantFonts")
    if not turunan or len(turunan) != 1:
        return None
    cid = turunan[0]
    fd = cid.get("/FontDescriptor")
    if cid.get("/Subtype") != "/CIDFontType2" or cid.get("/CIDToGIDMap") != "/Identity" \
            or fd is None or "/FontFile2" not in fd or "/W" not in cid:
        return None
    program = fd.FontFile2.read_bytes()
    kepala = _tabel(program, b"head")
    if kepala is None:
        return None
    nama = str(font.BaseFont).split("+", 1)[-1]
    # head: fontRevision (4 bytes at 4) and created (8 bytes at 20) of the full font.
    return (nama, kepala[4:8], kepala[20:28]), cid, program


def _tabel(program, tag):
    try:
        jumlah = struct.unpack(">H", program[4:6])[0]
        for i in range(jumlah):
            t, _, mulai, panjang = struct.unpack(">4sLLL", program[12 + 16 * i:28 + 16 * i])
            if t == tag:
                return program[mulai:mulai + panjang]
    except struct.error:
        return None
    return None


def _lebar(w):
    """{gid: width} from a /W array of the form [first [w w …] first [w …] …]."""
    out = {}
    i = 0
    while i < len(w):
        awal, isi = int(w[i]), w[i + 1]
        if isinstance(isi, pikepdf.Array):
            for j, x in enumerate(isi):
                out[awal + j] = float(x)
            i += 2
        else:  # first last width
            for g in range(awal, int(isi) + 1):
                out[g] = float(w[i + 2])
            i += 3
    return out


class _Wajah:
    """The union of one face's subsets."""

    def __init__(self, font, cid, program):
        self.font, self.cid = font, cid
        self.ttf = TTFont(io.BytesIO(program))
        self.lebar = _lebar(cid.W)
        self.ada = set(self.lebar)
        self.unicode = dict(_BFCHAR.findall(font.ToUnicode.read_bytes())) \
            if "/ToUnicode" in font else {}
        self.kotak = [float(x) for x in cid.FontDescriptor.FontBBox]
        self.anggota = [font]

    def tambah(self, font, cid, program):
        self.anggota.append(font)
        lebar = _lebar(cid.W)
        baru = set(lebar) - self.ada
        if not baru:
            return
        self._salin_glif(TTFont(io.BytesIO(program)), baru)
        self.ada |= baru
        self.lebar.update(lebar)
        if "/ToUnicode" in font:
            for k, v in _BFCHAR.findall(font.ToUnicode.read_bytes()):
                self.unicode.setdefault(k, v)
        kotak = [float(x) for x in cid.FontDescriptor.FontBBox]
        self.kotak = [min(self.kotak[0], kotak[0]), min(self.kotak[1], kotak[1]),
                      max(self.kotak[2], kotak[2]), max(self.kotak[3], kotak[3])]

    def _salin_glif(self, ttf, gids):
        urutan, urutan_lain = self.ttf.getGlyphOrder(), ttf.getGlyphOrder()
        if len(urutan_lain) > len(urutan):  # retained ids: the longer order extends ours
            urutan = urutan + urutan_lain[len(urutan):]
            self.ttf.setGlyphOrder(urutan)
            self.ttf["glyf"].glyphOrder = urutan
        glyf, glyf_lain = self.ttf["glyf"], ttf["glyf"]
        hmtx, hmtx_lain = self.ttf["hmtx"], ttf["hmtx"]
        nama_lain = {n: i for i, n in enumerate(urutan_lain)}
        antre = [urutan_lain[g] for g in gids if g < len(urutan_lain)]
        while antre:
            n = antre.pop()
            g = nama_lain[n]
            tujuan = urutan[g]
            glif = glyf_lain[n]
            if glif.isComposite():
                for k in glif.components:
                    antre.append(k.glyphName)
                    k.glyphName = urutan[nama_lain[k.glyphName]]
            glyf[tujuan] = glif
            hmtx[tujuan] = hmtx_lain[n]
        for g, n in enumerate(urutan):  # ids past our end that the other one leaves empty
            if n not in hmtx.metrics:
                hmtx[n] = (0, 0)
            if n not in glyf.glyphs:
                glyf[n] = glyf_lain[urutan_lain[g]] if g < len(urutan_lain) else \
                    Glyph()

    def tulis(self, pdf):
        """One Type0 font in `pdf` for every member; the members' pages point to it."""
        for tabel in ("hdmx", "LTSH", "VDMX", "DSIG"):
            if tabel in self.ttf:
                del self.ttf[tabel]
        out = io.BytesIO()
        self.ttf.save(out)
        program = out.getvalue()
        fd = pikepdf.Dictionary(self.cid.FontDescriptor)
        fd.FontFile2 = pdf.make_stream(program, Length1=len(program))
        fd.FontBBox = pikepdf.Array(self.kotak)
        fd.CapHeight = self.kotak[3]
        cid = pikepdf.Dictionary(self.cid)
        cid.FontDescriptor = pdf.make_indirect(fd)
        w = pikepdf.Array()
        for g in sorted(self.lebar):
            if g - 1 not in self.lebar:
                w.append(g)
                w.append(pikepdf.Array())
            w[-1].append(self.lebar[g])
        cid.W = w
        font = pikepdf.Dictionary(self.font)
        font.DescendantFonts = pikepdf.Array([pdf.make_indirect(cid)])
        if self.unicode:
            font.ToUnicode = pdf.make_stream(_cmap(self.unicode))
        return pdf.make_indirect(font)


def _cmap(peta):
    baris = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo", b"<< /Registry (Adobe)", b"/Ordering (UCS)",
             b"/Supplement 0", b">> def", b"/CMapName /Adobe-Identity-UCS def",
             b"/CMapType 2 def", b"1 begincodespacerange", b"<0000> <ffff>",
             b"endcodespacerange"]
    kunci = sorted(peta, key=lambda k: int(k, 16))
    for i in range(0, len(kunci), 100):
        bagian = kunci[i:i + 100]
        baris.append(f"{len(bagian)} beginbfchar".encode())
        baris.extend(b"<" + k + b"> <" + peta[k] + b">" for k in bagian)
        baris.append(b"endbfchar")
    baris += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(baris)


def _satukan_font(pdf):
    """Every page's fonts of one face → one shared font (see the module's docstring)."""
    wajah = {}  # key -> _Wajah
    per_objek = {}  # objgen of a page's font -> key
    pemakai = []  # (font resource dict, name, objgen)
    for halaman in pdf.pages:
        sumber = halaman.obj.get("/Resources")
        fonts = sumber.get("/Font") if sumber is not None else None
        if fonts is None:
            continue
        for nama in list(fonts.keys()):
            font = fonts[nama]
            og = font.objgen
            if og == (0, 0):
                continue
            if og not in per_objek:
                hasil = _wajah(font)
                if hasil is None:
                    per_objek[og] = None
                    continue
                kunci, cid, program = hasil
                per_objek[og] = kunci
                if kunci in wajah:
                    wajah[kunci].tambah(font, cid, program)
                else:
                    wajah[kunci] = _Wajah(font, cid, program)
            if per_objek[og] is not None:
                pemakai.append((fonts, nama, per_objek[og]))
    bersama = {k: w.tulis(pdf) for k, w in wajah.items()}
    for fonts, nama, kunci in pemakai:
        fonts[nama] = bersama[kunci]
