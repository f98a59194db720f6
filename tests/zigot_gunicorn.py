"""A zygote for test_crash: imports the app once, then forks a fresh gunicorn server on
each "mulai" line it reads, so 26 starts do not each pay the app's import (seconds on a
busy machine). The forked server is gunicorn's own arbiter with sync workers, as the README
deploys it (the same as `gunicorn --preload`); it runs in its own session and process
group, which is what the test kills with SIGKILL.

    python tests/zigot_gunicorn.py 127.0.0.1:PORT WORKERS LOG   (env: KINERJA_*)
    stdin "mulai"      -> stdout the server's pid
    stdin "tunggu PID" -> stdout "selesai" once that server has exited
"""

import os
import sys

from gunicorn.app.base import BaseApplication


class Server(BaseApplication):
    def __init__(self, app, options):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self):
        for nama, nilai in self.options.items():
            self.cfg.set(nama, nilai)

    def load(self):
        return self.application


def main():
    bind, workers, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    sys.path.insert(0, os.getcwd())
    from wsgi import app

    for baris in sys.stdin:
        perintah = baris.split()
        if perintah == ["mulai"]:
            pid = os.fork()
            if pid == 0:
                os.setsid()
                fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
                os.dup2(fd, 1)
                os.dup2(fd, 2)
                os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
                try:
                    Server(app, {"bind": bind, "workers": workers}).run()
                finally:
                    os._exit(0)
            print(pid, flush=True)
        elif perintah[:1] == ["tunggu"]:
            os.waitpid(int(perintah[1]), 0)
            print("selesai", flush=True)


if __name__ == "__main__":
    main()
