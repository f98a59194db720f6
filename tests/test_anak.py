"""Render processes give way to the web (issue #16): SCHED_IDLE yields the CPU, and before
each document a render process waits while the rest of the machine is busy (at most
`maks` seconds, so a batch always moves on)."""

import sys

import pytest

from kinerja_web import anak


@pytest.fixture
def mesin(monkeypatch):
    """The machine's CPU ticks as a list to pop from, and the sleeps the waiting took."""
    detak, tidur = [], []
    monkeypatch.setattr(anak, "_detak_cpu", lambda: detak.pop(0))
    monkeypatch.setattr(anak.time, "sleep", tidur.append)
    monkeypatch.setattr(anak, "_BERI_JALAN", True)
    monkeypatch.setattr(anak, "_STAT", (0, 0))
    return detak, tidur


def test_menunggu_selama_mesin_sibuk_lalu_jalan(mesin):
    detak, tidur = mesin
    # 90 % busy while the last document rendered, 80 % over the first wait, then 25 %.
    detak += [(90, 100), (106, 120), (111, 140)]
    assert anak.beri_jalan() == pytest.approx(0.2)
    assert tidur == [0.1, 0.1]
    assert anak._STAT == (111, 140)  # the next document compares with this look


def test_mesin_sepi_tidak_menunggu(mesin):
    detak, tidur = mesin
    detak.append((30, 100))  # the web used 30 % of the CPUs meanwhile
    assert anak.beri_jalan() == 0
    assert tidur == []


def test_mesin_yang_tak_pernah_sepi_tetap_mencetak(mesin):
    detak, tidur = mesin
    detak += [(90 * i, 100 * i) for i in range(1, 40)]
    assert anak.beri_jalan(maks=2.0) == pytest.approx(2.0)
    assert len(tidur) == 20  # then the document renders anyway


def test_tanpa_beri_jalan_tidak_pernah_menunggu(mesin, monkeypatch):
    detak, tidur = mesin
    monkeypatch.setattr(anak, "_BERI_JALAN", False)
    detak.append((100, 100))
    assert anak.beri_jalan() == 0 and tidur == [] and detak  # /proc/stat not even read


def test_hanya_proses_render_berprioritas_menganggur_yang_memberi_jalan():
    assert anak.argumen_render({"CETAK_IDLE": True, "CETAK_BERI_JALAN": True})[2:] == \
        (True, True)
    assert anak.argumen_render({"CETAK_IDLE": True, "CETAK_BERI_JALAN": False})[2:] == \
        (True, False)
    # The test suite's in-process renders: normal priority, and they never wait.
    assert anak.argumen_render({"CETAK_IDLE": False, "CETAK_BERI_JALAN": True})[2:] == \
        (False, False)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/stat is Linux's")
def test_detak_cpu_membaca_proc_stat():
    sibuk, total = anak._detak_cpu()
    assert 0 <= sibuk <= total and total > 0


def test_pool_render_yang_rusak_diganti(app, ctx):
    """A render process killed (the OOM killer) breaks its pool for good: the next batch
    gets a new pool instead of failing like the one that was running."""
    import os
    import signal
    from concurrent.futures.process import BrokenProcessPool

    from kinerja_web import jobs

    lama, jobs._render = jobs._render, None
    try:
        pool = jobs.pool_render()
        pid = pool.submit(os.getpid).result(timeout=120)
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(BrokenProcessPool):
            pool.submit(os.getpid).result(timeout=120)
        baru = jobs.pool_render()
        assert baru is not pool
        assert baru.submit(os.getpid).result(timeout=120) not in (pid, os.getpid())
    finally:
        if jobs._render is not None:
            jobs._render.shutdown()
        jobs._render = lama
