"""Child processes that never outlive their parent (render processes, RQ work horses).

Linux: `prctl(PR_SET_PDEATHSIG, SIGKILL)` asks the kernel to kill this process when the
thread that started it ends, so a worker stopped hard (SIGKILL, OOM killer) leaves no
render process behind. Elsewhere nothing is set (a pool's children then exit when they
find their pipe closed)."""

import ctypes
import ctypes.util
import os
import platform
import signal
import sys

PR_SET_PDEATHSIG = 1
IOPRIO_SET = {"x86_64": 251, "aarch64": 30, "i686": 289}  # syscall numbers
IOPRIO_IDLE = 3 << 13  # IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 0)


def _prctl():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def mati_bersama_induk(induk=None, nice=0, idle=False):
    """Call first thing in a child: die with the parent (SIGKILL), and lower the
    priority by `nice` (pre-rendering yields the CPU to the requests); with `idle`, run
    only on CPU time nobody else wants (see `menganggur`). `induk`: the parent's pid as
    the parent saw it; when it is already gone, exit now."""
    if nice:
        os.nice(nice)
    if idle:
        menganggur()
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


def menganggur():
    """This process runs only when the CPU would otherwise idle: Linux SCHED_IDLE (a
    runnable web worker always preempts it, unlike `nice`, which still shares the CPU
    by weight), nice 19 where SCHED_IDLE is unknown, and the idle I/O class. Best effort:
    what the system refuses is left as it is."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, 19)
    except (AttributeError, OSError):
        pass
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        pass
    nomor = IOPRIO_SET.get(platform.machine())
    if nomor and sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.syscall(nomor, 1, 0, IOPRIO_IDLE)  # IOPRIO_WHO_PROCESS, this process
        except (OSError, AttributeError):
            pass
