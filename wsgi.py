"""WSGI entry point: gunicorn wsgi:app."""

from kinerja_web import create_app

app = create_app()
