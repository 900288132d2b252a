"""Determinism (issue #14): the same case, catalog, plugins and seed give a
byte-identical JSON report, in process and across interpreters with different
hash seeds (set iteration order), once the report's date is fixed with
``--today`` or ``SOURCE_DATE_EPOCH``. CI runs this file with the rest."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from riskcore.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "longmont-practice.yaml"
ARGS = [
    "plan",
    str(EXAMPLE),
    "--seed",
    "7",
    "--trials",
    "2000",
    "-q",
    "--allow-incomplete",
]
EPOCH = "1790000000"  # 2026-09-21 UTC


def _plan(out: Path, *extra: str) -> bytes:
    assert main([*ARGS, *extra, "-o", str(out)]) == 0
    return out.read_bytes()


def test_the_same_inputs_give_a_byte_identical_json_report_in_process(
    tmp_path: Path,
) -> None:
    first = _plan(tmp_path / "a.json", "--today", "2026-10-05")
    second = _plan(tmp_path / "b.json", "--today", "2026-10-05")
    assert first == second
    data = json.loads(first)
    assert data["generated"] == "2026-10-05"
    assert data["simulation"]["seed"] == 7


def test_the_report_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    """Separate interpreters with different PYTHONHASHSEED (set and dict order
    of strings differ between them) and SOURCE_DATE_EPOCH for the date."""
    outs = []
    for seed in ("0", "1", "4242"):
        out = tmp_path / f"report-{seed}.json"
        env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": EPOCH}
        done = subprocess.run(
            [sys.executable, "-m", "riskcore", *ARGS, "-o", str(out)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] == outs[2]
    assert json.loads(outs[0])["generated"] == "2026-09-21"
    # In process, with the same date given by --today: the same bytes again.
    assert _plan(tmp_path / "here.json", "--today", "2026-09-21") == outs[0]


def test_today_overrides_source_date_epoch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    data = json.loads(_plan(tmp_path / "a.json"))
    assert data["generated"] == "2026-09-21"
    data = json.loads(_plan(tmp_path / "b.json", "--today", "2027-01-02"))
    assert data["generated"] == "2027-01-02"


def test_without_either_the_date_is_today_utc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = dt.datetime.now(dt.UTC).date()
    data = json.loads(_plan(tmp_path / "a.json"))
    after = dt.datetime.now(dt.UTC).date()
    assert data["generated"] in {before.isoformat(), after.isoformat()}


@pytest.mark.parametrize("bad", ["soon", "-1", "1.5", "99999999999999"])
def test_a_bad_source_date_epoch_is_one_line_and_writes_nothing(
    bad: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", bad)
    out = tmp_path / "a.json"
    assert main([*ARGS, "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "riskcore: error: SOURCE_DATE_EPOCH: expected whole seconds since "
        "1970-01-01 (0 to 253402300799)"
    ]
    assert not out.exists()


@pytest.mark.parametrize("bad", ["2026-02-30", "05/10/2026", "2026-1-5"])
def test_a_bad_today_is_a_usage_error(bad: str) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*ARGS, "--today", bad])
    assert exc.value.code == 2
