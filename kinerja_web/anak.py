"""Child processes that never outlive their parent (render processes, RQ work horses).

Linux: `prctl(PR_SET_PDEATHSIG, SIGKILL)` asks the kernel to kill this process when the
thread that started it ends, so a worker stopped hard (SIGKILL, OOM killer) leaves no
render process behind. Elsewhere nothing is set (a pool's children then exit when they
find their pipe closed)."""

import ctypes
import ctypes.util
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def _prctl():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def mati_bersama_induk(induk=None, nice=0):
    """Call first thing in a child: die with the parent (SIGKILL), and lower the
    priority by `nice` (pre-rendering yields the CPU to the requests). `induk`: the
    parent's pid as the parent saw it; when it is already gone, exit now."""
    if nice:
        os.nice(nice)
    prctl = _prctl()
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if induk is not None and os.getppid() != induk:
        os._exit(1)  # the parent died before the request above was in force


def kuda_kerja_rq():
    """True in a work horse that `rq worker` forked for one job (it sets RQ_JOB_ID and
    makes the horse its own process group); False in a SimpleWorker, which runs jobs in
    its own process (that one must not die with whatever started it)."""
    return bool(os.environ.get("RQ_JOB_ID")) and os.getpgrp() == os.getpid()
