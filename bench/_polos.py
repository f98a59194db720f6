"""A bare Flask + Jinja page for bench/jalur.py: the yardstick the app's pages are printed
beside (no database, no session, no compression; BENCH_POLOS_BYTE bytes of HTML, rows of a
table like the app's lists). Not a benchmark itself (the leading underscore keeps it out of
`python -m bench`); gunicorn serves `bench._polos:app`."""

import os

from flask import Flask, render_template_string

app = Flask(__name__)
BARIS = "<tr><td>{{ i }}</td><td>{{ nama }}</td><td><a href=\"/x/{{ i }}\">Buka</a></td></tr>\n"
HALAMAN = ("<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>{{ judul }}"
           "</title></head><body><main><h1>{{ judul }}</h1><table>\n"
           "{% for i in baris %}" + BARIS + "{% endfor %}</table></main></body></html>")


def _jumlah_baris():
    ukuran = int(os.environ.get("BENCH_POLOS_BYTE", "8000"))
    satu = len(BARIS.replace("{{ i }}", "100").replace("{{ nama }}", "Nama Guru Contoh"))
    return max(1, (ukuran - 150) // satu)


N = _jumlah_baris()


@app.get("/masuk")
def siap():
    return "siap"  # what bench/beban.py's start-up probe asks for


@app.get("/")
def halaman():
    return render_template_string(HALAMAN, judul="Halaman polos", nama="Nama Guru Contoh",
                                  baris=range(100, 100 + N))
