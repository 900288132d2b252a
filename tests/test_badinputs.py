"""The bad-input corpus (issue #14): every case fails closed, with one line.

``tests/badinputs/manifest.yaml`` lists each case: the command, the exact
exception type the library raises, the exit status of the CLI and the text
(field path and problem) the message must contain. Each case is run through
the library (documents) and through ``riskcore`` (``main``, in process), and
must leave no output file and no temporary file behind.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

import riskcore.errors
from riskcore import io
from riskcore.cli import main

HERE = Path(__file__).parent / "badinputs"
MANIFEST: list[dict[str, Any]] = yaml.safe_load(
    (HERE / "manifest.yaml").read_text(encoding="utf-8")
)
DEFAULT_ARGV = ["assess", "{case}", "--no-plugins", "-o", "{out}"]
LOADERS = {"case": io.load_case, "catalog": io.load_catalog}


def test_the_corpus_is_large_and_well_formed():
    ids = [c["id"] for c in MANIFEST]
    assert len(ids) >= 60
    assert len(set(ids)) == len(ids)
    files = {c["file"] for c in MANIFEST if "file" in c}
    on_disk = {p.name for p in (HERE / "cases").iterdir()}
    assert files == on_disk  # no case file without an entry, and no dangling entry
    for case in MANIFEST:
        assert case["kind"] in {"case", "catalog", "cli"}
        assert isinstance(case["exit"], int)
        assert case["path"]
        if case["kind"] != "cli":
            assert hasattr(riskcore.errors, case["exception"])


def _stage(case: dict[str, Any], tmp_path: Path) -> tuple[Path, dict[str, str]]:
    folder = tmp_path / "in"
    folder.mkdir()
    if "link_to" in case:
        target = Path(case["link_to"])
        if not target.exists():
            pytest.skip(f"{target} does not exist here")
        source = folder / case["name"]
        source.symlink_to(target)
    else:
        source = folder / case["file"]
        shutil.copyfile(HERE / "cases" / case["file"], source)
    (tmp_path / "out").mkdir()
    link = tmp_path / "link-to-case.yaml"
    link.symlink_to(source)
    names = {
        "case": str(source),
        "case_dotdot": str(folder / ".." / "in" / source.name),
        "case_link": str(link),
        "out": str(tmp_path / "out" / "result.json"),
        "outdir": str(tmp_path / "out"),
        "missing": str(tmp_path / "no-such-folder"),
    }
    return source, names


def _snapshot(tmp_path: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(tmp_path)): (
            None if p.is_dir() or p.is_symlink() else p.read_bytes()
        )
        for p in sorted(tmp_path.rglob("*"))
    }


@pytest.mark.parametrize("case", MANIFEST, ids=[c["id"] for c in MANIFEST])
def test_bad_input(case: dict[str, Any], tmp_path: Path, capsys, monkeypatch):
    source, names = _stage(case, tmp_path)
    absent = case.get("absent", [])

    # The library: the exact exception type, the path in its message, no values.
    if case["kind"] in LOADERS:
        with pytest.raises(Exception) as err:  # noqa: PT011 - the type is checked exactly
            LOADERS[case["kind"]](source)
        assert type(err.value).__name__ == case["exception"], err.value
        text = str(err.value)
        assert case["path"] in text
        assert "\n" not in text
        for word in absent:
            assert word not in text
            assert word not in repr(err.value)
            assert word not in getattr(err.value, "details", lambda: "")()

    # The CLI: the exit status, one line, no traceback, nothing left behind.
    if "os_error" in case:
        code = getattr(errno, case["os_error"])

        def failing_replace(src: Any, dst: Any) -> None:
            raise OSError(code, os.strerror(code))

        monkeypatch.setattr(os, "replace", failing_replace)
    argv = [a.format(**names) for a in case.get("argv", DEFAULT_ARGV)]
    before = _snapshot(tmp_path)
    capsys.readouterr()
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse's usage errors
        status = exc.code
    out, err = capsys.readouterr()
    assert status == case["exit"], err
    lines = [line for line in err.splitlines() if line.startswith("riskcore")]
    errors = [line for line in lines if ": error: " in line]
    assert len(errors) == 1, err
    assert case["path"] in errors[0]
    assert "Traceback" not in err
    assert "Traceback" not in out
    for word in absent:
        assert word not in err
        assert word not in out
    # Nothing written, nothing changed, no temporary file.
    assert _snapshot(tmp_path) == before
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]


YAML_CASES = [
    c
    for c in MANIFEST
    if c["kind"] in LOADERS and c.get("file", "").endswith((".yaml", ".yml"))
]


@pytest.mark.parametrize("case", YAML_CASES, ids=[c["id"] for c in YAML_CASES])
def test_both_yaml_loaders_refuse_alike(case: dict[str, Any], monkeypatch):
    """libyaml's C parser and PyYAML's Python one refuse each bad YAML input
    with the same exception and the same message (issue #16)."""
    if io._CParser is None:
        pytest.skip("PyYAML was built without libyaml")
    source = HERE / "cases" / case["file"]
    got = {}
    for kind in ("python", "c"):
        monkeypatch.setattr(io, "YAML_LOADER", kind)
        with pytest.raises(riskcore.errors.RiskcoreError) as err:
            LOADERS[case["kind"]](source)
        got[kind] = (type(err.value).__name__, str(err.value))
    assert got["c"] == got["python"]
    assert got["c"][0] == case["exception"]


def test_both_yaml_loaders_read_the_example_alike(monkeypatch):
    example = HERE.parents[1] / "examples" / "longmont-practice.yaml"
    cases = []
    for kind in ("python", "c"):
        monkeypatch.setattr(io, "YAML_LOADER", kind)
        cases.append(io.load_case(example))
    assert cases[0] == cases[1]
