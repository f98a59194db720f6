"""Sinkro e-Kinerja: pre-check, disparity report, export and sync log (SPEC §6)."""
