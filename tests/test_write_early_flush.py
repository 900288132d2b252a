"""Writing a large file flushes it to disk while it is being produced
(``riskcore._io_write._EarlyFlush``, issue #16): the same bytes, the same
atomicity, and a failed flush is an error, never a half-written file."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcore import _io_write, io


@pytest.fixture
def small_flushes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Flush every 1,000 bytes, recording each flush's file descriptor and thread."""
    monkeypatch.setattr(_io_write, "_FLUSH_EVERY", 1000)
    calls: list[int] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        if threading.current_thread().name.startswith("riskcore-flush"):
            calls.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return calls


pieces = st.lists(
    st.one_of(st.text(max_size=700), st.binary(max_size=3000)), max_size=30
)


@settings(max_examples=60, deadline=None)
@given(data=pieces)
def test_the_file_is_the_pieces_whatever_the_flushes(tmp_path_factory, data):
    out = tmp_path_factory.mktemp("w") / "out.bin"
    real = _io_write._FLUSH_EVERY
    _io_write._FLUSH_EVERY = 1000
    try:
        io.write_atomic(out, data)
    finally:
        _io_write._FLUSH_EVERY = real
    want = b"".join(p.encode() if isinstance(p, str) else p for p in data)
    assert out.read_bytes() == want
    assert [p.name for p in out.parent.iterdir()] == ["out.bin"]


def test_a_large_write_is_flushed_in_the_background(tmp_path, small_flushes):
    out = tmp_path / "out.bin"
    io.write_atomic(out, [b"x" * (1 << 16)] * 4)
    assert out.read_bytes() == b"x" * (1 << 18)
    assert small_flushes  # at least one flush ran beside the writer
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_a_small_write_starts_no_thread(tmp_path, monkeypatch):
    started: list[object] = []
    import concurrent.futures

    monkeypatch.setattr(
        concurrent.futures,
        "ThreadPoolExecutor",
        lambda *a, **k: started.append(a) or pytest.fail("a flush was started"),
    )
    io.write_atomic(tmp_path / "out.txt", "small")
    assert (tmp_path / "out.txt").read_text() == "small"
    assert started == []


def test_a_failed_background_flush_leaves_the_old_file(tmp_path, monkeypatch):
    out = tmp_path / "out.bin"
    out.write_bytes(b"old")
    monkeypatch.setattr(_io_write, "_FLUSH_EVERY", 1000)
    real = os.fsync

    def fsync(fd: int) -> None:
        if threading.current_thread().name.startswith("riskcore-flush"):
            raise OSError(5, "Input/output error")
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OSError, match="Input/output error"):
        io.write_atomic(out, [b"x" * (1 << 16)] * 4)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_a_failing_producer_waits_for_the_flush_then_cleans_up(tmp_path, monkeypatch):
    """The running flush is waited for before the file is closed and removed,
    and the producer's own error is the one raised."""
    out = tmp_path / "out.bin"
    out.write_bytes(b"old")
    monkeypatch.setattr(_io_write, "_FLUSH_EVERY", 1000)
    release = threading.Event()
    finished: list[bool] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        if threading.current_thread().name.startswith("riskcore-flush"):
            release.wait(5)
            real(fd)  # the descriptor is still open: it was waited for
            finished.append(True)
            return
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)

    def produce() -> Iterator[bytes]:
        yield b"x" * (1 << 16)
        yield b"y" * (1 << 16)  # counted while the first flush still runs
        release.set()
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        io.write_atomic(out, produce())
    assert finished == [True]
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_dump_of_a_large_document_is_unchanged_by_flushing(tmp_path, small_flushes):
    doc = {"rows": [{"i": i, "text": "é" * (i % 7)} for i in range(3000)]}
    io.write_atomic(tmp_path / "a.json", io.dumps(doc))
    assert (tmp_path / "a.json").read_text() == io.dumps(doc)
    assert small_flushes


def test_flushes_count_what_was_written(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(_io_write, "_FLUSH_EVERY", 10)
    with (tmp_path / "f").open("wb") as fh, _io_write._EarlyFlush(fh.fileno()) as e:
        e.wrote(fh.write(b"123456789"))
        assert e.flushes == 0
        e.wrote(fh.write(b"0"))
        assert e.flushes == 1
