"""Fast loading and streamed output (issue #16)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from riskcore import assess, build_plan, io, load_case
from riskcore.model import Case
from riskcore.report import render, stream, write
from riskcore.testing.practice import generate_practice

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "longmont-practice.yaml"


def test_the_c_loader_is_used_when_libyaml_is_there():
    assert ("c" if yaml.__with_libyaml__ else "python") == io.YAML_LOADER


def test_both_loaders_read_a_generated_practice_alike(monkeypatch):
    text = io.dumps(generate_practice(load_case(EXAMPLE), 30, seed=4), "yaml")
    got = {}
    for kind in ("python", "c"):
        monkeypatch.setattr(io, "YAML_LOADER", kind)
        got[kind] = io.loads(text, Case, format="yaml")
    assert got["c"] == got["python"]


def test_dump_streams_the_bytes_dumps_gives(tmp_path):
    assessment = assess(load_case(EXAMPLE))
    out = tmp_path / "a.json"
    io.dump(assessment, out)
    assert out.read_text(encoding="utf-8") == io.dumps(assessment, indent=2) + "\n"
    assert "".join(io.iter_json(assessment)) == io.dumps(assessment)
    json.loads(out.read_text(encoding="utf-8"))


def test_a_failing_stream_leaves_the_old_file_and_no_temporary(tmp_path):
    out = tmp_path / "a.json"
    out.write_text("old\n")

    def pieces() -> Iterator[str]:
        yield "x" * (2 << 20)  # more than one write
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        io.write_atomic(out, pieces())
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_write_atomic_accepts_text_bytes_and_pieces(tmp_path):
    out = tmp_path / "a.txt"
    io.write_atomic(out, ["é", b"\n", "z"])
    assert out.read_bytes() == "é\nz".encode()
    io.write_atomic(out, b"b")
    assert out.read_bytes() == b"b"


def test_write_atomic_writes_large_pieces_in_order(tmp_path):
    """Large pieces are written alone, small ones batched: the same bytes."""
    out = tmp_path / "a.txt"
    pieces = ["a", "é" * (1 << 16), b"b", "c" * (3 << 19), b"d" * (1 << 16), "e"]
    io.write_atomic(out, pieces)
    want = b"".join(p if isinstance(p, bytes) else p.encode() for p in pieces)
    assert out.read_bytes() == want


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_a_streamed_report_is_the_rendered_one(fmt, tmp_path):
    report = build_plan(load_case(EXAMPLE), n=0, seed=1)
    text = render(report, fmt)
    assert "".join(stream(report, fmt)) == text
    out = tmp_path / ("r.json" if fmt == "json" else "r.md")
    write(report, out)
    assert out.read_text(encoding="utf-8") == text


def test_loading_restores_the_garbage_collector(tmp_path):
    import gc

    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1\n")
    assert gc.isenabled()
    load_case(EXAMPLE)
    assert gc.isenabled()
    with pytest.raises(io.LoadError):
        io.load_case(bad)
    assert gc.isenabled()
    gc.disable()
    try:
        load_case(EXAMPLE)
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
