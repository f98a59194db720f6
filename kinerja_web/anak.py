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
import time

PR_SET_PDEATHSIG = 1
IOPRIO_SET = {"x86_64": 251, "aarch64": 30, "i686": 289}  # syscall numbers
IOPRIO_IDLE = 3 << 13  # IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 0)
_BERI_JALAN = False  # this process waits for a quiet machine before each unit of work
_STAT = None  # (busy, total) CPU ticks of the machine at the last look


def _prctl():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def mati_bersama_induk(induk=None, nice=0, idle=False, beri_jalan_=False):
    """Call first thing in a child: die with the parent (SIGKILL), and lower the
    priority by `nice` (pre-rendering yields the CPU to the requests); with `idle`, run
    only on CPU time nobody else wants (see `menganggur`); with `beri_jalan_`, also wait
    before each unit of work while the machine is busy (see `beri_jalan`). `induk`: the
    parent's pid as the parent saw it; when it is already gone, exit now."""
    global _BERI_JALAN
    if nice:
        os.nice(nice)
    if idle:
        menganggur()
    _BERI_JALAN = bool(beri_jalan_)
    prctl = _prctl()
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if induk is not None and os.getppid() != induk:
        os._exit(1)  # the parent died before the request above was in force


def argumen_render(config, nice=0):
    """`mati_bersama_induk`'s arguments for a render (or merge) process of an app with
    this config: its parent, `nice`, CETAK_IDLE, and CETAK_BERI_JALAN when idle."""
    idle = bool(config.get("CETAK_IDLE", True))
    return os.getpid(), nice, idle, idle and bool(config.get("CETAK_BERI_JALAN", True))


def pool_utuh(pool):
    """`pool` (a ProcessPoolExecutor, or None) if it can still run work; None when one of
    its processes died and it is broken for good (it is shut down, its survivors stopped),
    so the caller starts a new one."""
    if pool is not None and getattr(pool, "_broken", False):
        pool.shutdown(wait=False, cancel_futures=True)
        return None
    return pool


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
    _sesi_sendiri_rendah()
    nomor = IOPRIO_SET.get(platform.machine())
    if nomor and sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.syscall(nomor, 1, 0, IOPRIO_IDLE)  # IOPRIO_WHO_PROCESS, this process
        except (OSError, AttributeError):
            pass


def _sesi_sendiri_rendah():
    """Linux autogroups (kernel.sched_autogroup_enabled; on in many kernels and VMs): the
    CPU is first shared fairly between sessions, and SCHED_IDLE or nice weigh only inside
    one, so a batch in a session of its own (`setsid`, a service) still took a whole
    session's share from the web (measured: the wizard step's throughput halved beside a
    batch). So the process also runs in a session of its own whose autogroup is at nice 19
    (weight 15 against 1024): a render process starts one (it leads no process group); a
    session leader lowers its own; an RQ work horse (a group leader) lowers its worker's
    session when the worker leads it, as under systemd. A process in a session it shares
    with others (a horse under a worker started from a shell) lowers only itself."""
    if not sys.platform.startswith("linux"):
        return
    try:
        os.setsid()
    except OSError:  # already a process group leader
        sid = os.getsid(0)
        if not (sid == os.getpid() or (sid == os.getppid() and kuda_kerja_rq())):
            return
    try:
        with open("/proc/self/autogroup", "w") as f:
            f.write("19")
    except OSError:
        pass  # no autogroups in this kernel: SCHED_IDLE above is enough


# ---------------------------------------------------------------- giving way to the web

def _detak_cpu():
    """(busy, total) CPU ticks of the whole machine since boot, from /proc/stat; busy: the
    time of processes at normal priority (user, system, interrupts), not of niced ones
    (a render process's own time, at nice 19, is not counted against it). None where
    there is no /proc/stat."""
    try:
        with open("/proc/stat", "rb") as f:
            kolom = [int(x) for x in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    user, _nice, system, _idle, _iowait, irq, softirq, _steal = kolom + [0] * (8 - len(kolom))
    return user + system + irq + softirq, sum(kolom)


def beri_jalan(batas=0.5, langkah=0.1, maks=2.0):
    """In a render process started with `beri_jalan_`, before each document: while the
    machine's other work kept more than `batas` of its CPUs busy (since the last look, then
    over each `langkah` seconds of waiting), wait; at most `maks` seconds, so a batch still
    moves on a machine that is never quiet. SCHED_IDLE already yields the CPU to every
    request, but a document rendered between two requests still evicts their caches and
    delays their wake-up: measured beside 8 clients on 2 cores, the wizard step's p95 was
    1.25–1.4 × its p95 without a batch. Elsewhere a no-op."""
    global _STAT
    if not _BERI_JALAN:
        return 0.0
    kini = _detak_cpu()
    if kini is None:
        return 0.0
    lalu, ditunggu = _STAT or kini, 0.0
    while ditunggu < maks and kini[1] > lalu[1] and \
            (kini[0] - lalu[0]) / (kini[1] - lalu[1]) > batas:
        time.sleep(langkah)
        ditunggu += langkah
        lalu, kini = kini, _detak_cpu() or kini
    _STAT = kini
    return ditunggu
