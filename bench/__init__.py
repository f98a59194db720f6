"""Benchmarks that print figures (run with `python -m bench`); not timed tests.

Each module in this package that defines `main()` is one benchmark. `python -m bench`
runs them all; `python -m bench impor` runs only the named ones.
"""
