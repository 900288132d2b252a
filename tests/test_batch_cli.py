"""``riskcore batch``: streaming a cohort file, chunk by chunk, never half-written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import riskcore.batch
import riskcore.batch.engine
from riskcore.cli import main
from riskcore.plugins import PluginManager

pytest.importorskip("pyarrow", reason="riskcore batch on Parquet needs pyarrow")


def _cohort(n: int = 25, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    d: dict[str, object] = {"subject": [f"s-{i}" for i in range(n)]}
    for i in range(1, 10):
        col = rng.integers(0, 4, n).astype(float)
        col[rng.random(n) < 0.3] = np.nan  # some gaps: some rows take the object path
        d[f"phq9.{i}"] = col
    for i in range(1, 8):
        d[f"gad7.{i}"] = rng.integers(0, 4, n)
    # a rule-based instrument on some rows: those rows take the object path
    d["cssrs-screener.1"] = [0.0 if i % 5 == 0 else np.nan for i in range(n)]
    return pd.DataFrame(d)


def _no_temp_files(folder: Path) -> None:
    assert [p.name for p in folder.iterdir() if p.name.endswith(".riskcore.tmp")] == []


def test_chunked_file_equals_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Streaming in chunks of 7 rows gives the rows one in-memory run gives."""
    table = _cohort()
    table.to_parquet(tmp_path / "in.parquet")
    status = main(
        [
            "batch",
            str(tmp_path / "in.parquet"),
            "-o",
            str(tmp_path / "out.parquet"),
            "--chunk-rows",
            "7",
            "--block",
            "lone-working",
        ]
    )
    assert status == 0
    err = capsys.readouterr().err
    assert "wrote" in err
    assert "vectorised plugins: cultural, ei, safety, trauma, wellbeing" in err
    got = pd.read_parquet(tmp_path / "out.parquet")
    want = riskcore.batch.run(table, pm=PluginManager(block=["lone-working"])).frame
    pd.testing.assert_frame_equal(got, want, check_categorical=False)
    assert set(got["path"]) == {"vectorised", "object"}
    _no_temp_files(tmp_path)


def test_csv_numbers_and_typos(tmp_path: Path) -> None:
    """In a CSV column holding a typo, the other cells are still numbers; the
    typo is an invalid answer (the row is incomplete), not a bad row."""
    text = "subject,phq9.1,gad7.1\ns-1,2,1\ns-2,2x,3\n"
    (tmp_path / "in.csv").write_text(text)
    assert (
        main(["batch", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv")]) == 0
    )
    got = pd.read_csv(tmp_path / "out.csv")
    assert got["subject"].tolist() == ["s-1", "s-2"]
    assert got["phq9.administered"].tolist() == [True, True]
    assert got["gad7.total"].isna().tolist() == [True, True]  # 1 of 7 items answered
    assert "phq9.total incomplete" in got["incomplete.reasons"].iloc[1]


def test_bad_row_stops_with_its_number_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Strict (default): the first bad row, by number from 1 and column, one
    line, status 1, and no output file (not even a partial one)."""
    table = _cohort(n=12)
    table.loc[9, "phq9.3"] = np.inf
    table.to_parquet(tmp_path / "in.parquet")
    out = tmp_path / "out.parquet"
    assert (
        main(
            ["batch", str(tmp_path / "in.parquet"), "-o", str(out), "--chunk-rows", "4"]
        )
        == 2  # bad input
    )
    err = capsys.readouterr().err.strip()
    assert err == "riskcore: error: row 10: column 'phq9.3': is not a finite number"
    assert not out.exists()
    _no_temp_files(tmp_path)


def test_lenient_writes_rejects_never_drops_silently(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A repeat across chunks is found; every rejected row is in the rejects
    file with its row number, column and problem, and the count is printed."""
    table = _cohort(n=10)
    table.loc[8, "subject"] = "s-1"  # repeats row 2, in an earlier chunk
    table.loc[3, "subject"] = "not an id"
    table.to_csv(tmp_path / "in.csv", index=False)
    out = tmp_path / "out.parquet"
    status = main(
        [
            "batch",
            str(tmp_path / "in.csv"),
            "-o",
            str(out),
            "--chunk-rows",
            "3",
            "--lenient",
        ]
    )
    assert status == 0
    assert "rejected 2 rows" in capsys.readouterr().err
    rejects = pd.read_csv(tmp_path / "out.rejects.csv")
    assert rejects[["row", "column", "problem"]].to_dict("list") == {
        "row": [4, 9],
        "column": ["subject", "subject"],
        "problem": [
            "is not a valid identifier",
            "repeats a subject id of an earlier row",
        ],
    }
    assert len(pd.read_parquet(out)) == 8


def test_interrupted_run_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C in the middle: no output, no temporary file."""
    _cohort().to_parquet(tmp_path / "in.parquet")
    real = riskcore.batch.engine.run_chunk
    calls = []

    def interrupted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(riskcore.batch.engine, "run_chunk", interrupted)
    from riskcore.batch.stream import run_file

    with pytest.raises(KeyboardInterrupt):
        run_file(tmp_path / "in.parquet", tmp_path / "out.parquet", chunk_rows=10)
    assert not (tmp_path / "out.parquet").exists()
    _no_temp_files(tmp_path)


def test_progress_only_when_asked_or_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _cohort(n=5).to_parquet(tmp_path / "in.parquet")
    args = ["batch", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "o.parquet")]
    assert main(args) == 0
    assert "riskcore batch:" not in capsys.readouterr().err  # stderr is not a TTY here
    assert main([*args, "--progress"]) == 0
    assert "riskcore batch: 5/5 rows" in capsys.readouterr().err


def test_unknown_format_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "in.json").write_text("{}")
    assert (
        main(["batch", str(tmp_path / "in.json"), "-o", str(tmp_path / "o.csv")]) == 2
    )
    assert "expected a .parquet or .csv file" in capsys.readouterr().err


def test_output_over_input_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _cohort(n=2).to_parquet(tmp_path / "in.parquet")
    p = str(tmp_path / "in.parquet")
    assert main(["batch", p, "-o", p]) == 2
    assert "refusing to write over the input" in capsys.readouterr().err


def _waves(n: int = 30, seed: int = 5) -> pd.DataFrame:
    """Subjects with 1-4 administrations each, their rows together, dates in
    no particular order; some rows with a C-SSRS screen (object path)."""
    rng = np.random.default_rng(seed)
    subjects: list[str] = []
    i = 0
    while len(subjects) < n:
        subjects += [f"s-{i}"] * int(rng.integers(1, 5))
        i += 1
    subjects = subjects[:n]
    days = ["", "2026-01-05", "2026-03-01", "2026-03-01", "2026-06-20"]
    d: dict[str, object] = {
        "subject": subjects,
        "date": [days[int(k)] for k in rng.integers(0, 5, n)],
    }
    for j in range(1, 10):
        col = rng.integers(0, 4, n).astype(float)
        col[rng.random(n) < 0.2] = np.nan
        d[f"phq9.{j}"] = col
    d["cssrs-screener.6"] = [1.0 if k % 7 == 3 else np.nan for k in range(n)]
    return pd.DataFrame(d)


def test_waves_streamed_in_chunks_equal_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One row per administration, streamed in chunks of 4 rows (a subject's
    rows cross chunk boundaries): every row equals one in-memory run."""
    table = _waves()
    table.to_csv(tmp_path / "in.csv", index=False)
    args = ["batch", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.parquet")]
    args += ["--chunk-rows", "4", "--administered-column", "date"]
    assert main([*args, "--block", "lone-working"]) == 0
    got = pd.read_parquet(tmp_path / "out.parquet")
    want = riskcore.batch.run(
        table.replace({"date": {"": None}}),
        pm=PluginManager(block=["lone-working"]),
        administered_column="date",
    ).frame
    pd.testing.assert_frame_equal(got, want, check_categorical=False)
    assert set(got["path"]) == {"vectorised", "object"}
    _no_temp_files(tmp_path)


def test_waves_file_must_hold_a_subjects_rows_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A subject whose rows other subjects' rows separate: strict, one line
    naming the row and column; lenient, the later rows are rejected."""
    text = "subject,date,gad7.1\ns-1,2026-01-01,1\ns-2,2026-01-01,2\ns-3,,0\ns-1,2026-02-01,3\n"
    (tmp_path / "in.csv").write_text(text)
    args = ["batch", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv")]
    args += ["--administered-column", "date", "--chunk-rows", "2"]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(
        "riskcore: error: row 4: column 'subject': repeats the subject"
    )
    assert main([*args, "--lenient"]) == 0
    rejects = pd.read_csv(tmp_path / "out.rejects.csv")
    assert rejects["row"].tolist() == [4]
    assert pd.read_csv(tmp_path / "out.csv")["subject"].tolist() == [
        "s-1",
        "s-2",
        "s-3",
    ]
    (tmp_path / "in.csv").write_text(
        text.replace("s-3,,0\n", "s-3,,0\ns-2,2026-05-01,1\n")
    )
    assert main(args[:-2]) == 2  # one chunk: the same check within it
    assert "row 4: column 'subject'" in capsys.readouterr().err
