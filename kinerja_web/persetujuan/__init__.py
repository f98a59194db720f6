"""Persetujuan Perencanaan Kinerja: the atasan's list and approval wizard (/persetujuan)."""
