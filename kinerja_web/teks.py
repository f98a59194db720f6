"""Punctuation after texts the app does not write itself: names that end in a degree
("Sri Hariyati, S.Pd.") and rule or check messages that end in a full stop."""

AKHIR_KALIMAT = (".", "!", "?", "…")


def akhiri(teks, tanda="."):
    """The text followed by one full stop: "S.Pd." stays "S.Pd.", never "S.Pd.."."""
    if not teks:
        return teks
    teks = teks.rstrip()
    return teks if teks.endswith(AKHIR_KALIMAT) else teks + tanda


def gabung(kalimat, pemisah="; "):
    """Sentences joined into one list: each loses its own final full stop, so
    "… saat ini 1." and "Predikat …" read "… saat ini 1; Predikat …", never "1.;"."""
    bagian = [k.rstrip() for k in kalimat if k and k.strip()]
    return pemisah.join(k[:-1] if k.endswith(".") and not k.endswith("..") else k
                        for k in bagian)
