"""The app with SQLite's default deferred BEGIN for write transactions instead of BEGIN
IMMEDIATE: the WSGI entry of the regression test in test_serentak.py that shows why
IMMEDIATE is needed (`gunicorn tests.wsgi_begin_deferred:app`). Not for production."""

from kinerja_web import create_app, extensions

extensions.BEGIN_TULIS = "BEGIN"
app = create_app()
