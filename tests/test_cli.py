"""The riskcore command: plugins, assess, schema; one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from riskcore import io
from riskcore.cli import main
from tests import toyplugin


def run(*args: str) -> int:
    return main(list(args))


def test_plugins_lists_status_and_failures(install_dist, capsys):
    """`riskcore plugins` shows active and failed plugins with the reason."""
    install_dist(
        "riskcore-toy", {"toy": "rc_toy_cli1"}, version="2.0", rc_toy_cli1=toyplugin.TOY
    )
    install_dist(
        "riskcore-broken",
        {"broken": "rc_broken_cli1"},
        rc_broken_cli1=toyplugin.BROKEN_IMPORT,
    )

    assert run("plugins") == 0

    out = capsys.readouterr().out
    assert "toy" in out
    assert "riskcore-toy" in out
    assert "active" in out
    assert "broken failed: ModuleNotFoundError" in out
    assert "RISKCORE_DISABLE_PLUGINS=broken" in out


def test_plugins_json_and_block(install_dist, capsys):
    """--json is machine-readable; --block marks a plugin blocked."""
    install_dist("riskcore-toy", {"toy": "rc_toy_cli2"}, rc_toy_cli2=toyplugin.TOY)

    assert run("plugins", "--json", "--block", "toy") == 0

    data = json.loads(capsys.readouterr().out)
    toy = next(d for d in data if d["name"] == "toy")
    assert toy["status"] == "blocked"


def test_plugins_none(capsys):
    """With autoload off and no built-ins there is nothing to list."""
    assert run("plugins", "--no-plugins") == 0
    out = capsys.readouterr().out
    assert out.strip()


def test_a_command_leaves_no_setting_behind(small_case, tmp_path: Path, capsys):
    """--trace, --max-input-mib and --show-identifying last one command:
    main() called again in the same process (a notebook, a host program)
    starts from the defaults, and a second --trace prints each line once."""
    import logging

    from riskcore.errors import shown

    case_file, out = tmp_path / "case.yaml", tmp_path / "plan.json"
    io.dump(small_case, case_file)
    logger = logging.getLogger("riskcore.plugins")
    before = (list(logger.handlers), logger.level, io.MAX_INPUT_BYTES)
    traced = []
    for _ in range(2):
        args = ("plan", str(case_file), "--trials", "0", "-q", "-o", str(out))
        assert run(*args, "--trace", "--max-input-mib", "1", "--show-identifying") == 3
        assert (list(logger.handlers), logger.level, io.MAX_INPUT_BYTES) == before
        assert "redacted" in shown("Jane Doe")
        err = capsys.readouterr().err.splitlines()
        traced.append(sum(line.startswith("riskcore: trace: ") for line in err))
    assert traced[0] > 0
    assert traced[1] == traced[0]  # not twice: the first run's handler is gone


def test_plugins_strict_fails_with_one_line(install_dist, capsys):
    """--strict turns a broken plugin into a one-line error and exit 2."""
    install_dist(
        "riskcore-broken",
        {"broken": "rc_broken_cli3"},
        rc_broken_cli3=toyplugin.BROKEN_IMPORT,
    )

    assert run("plugins", "--strict") == 2

    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("riskcore: error: riskcore plugin 'broken'")


def test_assess_summary_and_output(install_dist, small_case, tmp_path: Path, capsys):
    """`riskcore assess` prints a summary, or writes the assessment atomically."""
    install_dist("riskcore-toy", {"toy": "rc_toy_cli4"}, rc_toy_cli4=toyplugin.TOY)
    install_dist(
        "riskcore-crash", {"crash": "rc_crash_cli4"}, rc_crash_cli4=toyplugin.CRASHER
    )
    case_file = tmp_path / "case.yaml"
    io.dump(small_case, case_file)

    assert run("assess", str(case_file), "--trace") == 3  # incomplete
    captured = capsys.readouterr()
    assert "INCOMPLETE" in captured.out
    assert (
        "crash (riskcore-crash 0.1.0): riskcore_assess on subject c-1 failed with RuntimeError"
        in captured.out
    )
    assert "Jane" not in captured.out + captured.err
    assert "trace: riskcore_assess -> toy" in captured.err

    out = tmp_path / "assessment.json"
    assert run("assess", str(case_file), "-o", str(out), "--block", "crash") == 0
    data = json.loads(out.read_text())
    assert [s["value"] for s in data["scores"]] == [2.0, 0.0]


def test_assess_critical_flags_printed_first(tmp_path: Path, capsys, monkeypatch):
    """Critical flags are listed in the summary."""
    from riskcore import hookimpl
    from riskcore.model import Flag, FlagLevel, Score, SubjectKind

    class Crit:
        @hookimpl
        def riskcore_assess(self, subject):
            if subject.KIND is not SubjectKind.CLIENT:
                return None
            return [
                Score(
                    subject=subject.id,
                    subject_kind=subject.KIND,
                    instrument="toy",
                    value=1,
                    flags=[
                        Flag(
                            code="toy.crit", level=FlagLevel.CRITICAL, message="ask now"
                        )
                    ],
                )
            ]

    import riskcore.plugins as plugins_mod

    real = plugins_mod.PluginManager
    monkeypatch.setattr(
        plugins_mod,
        "PluginManager",
        lambda **kw: real(**{**kw, "plugins": [("crit", Crit())]}),
    )
    case = tmp_path / "c.json"
    case.write_text(
        json.dumps(
            {
                "schema_version": 1,
                "id": "c",
                "practice": {"id": "p"},
                "clients": [{"id": "c-9"}],
            }
        )
    )
    assert run("assess", str(case), "--no-plugins") == 0
    out = capsys.readouterr().out
    assert "critical flags (act first):\n  c-9: toy.crit - ask now" in out


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            '{"schema_version": 1, "id": "c", "practice": {"id": "p"}, "horizon_days": -5}',
            "horizon_days: -5.0 is not in [1, 3650]",
        ),
        ("{", "invalid JSON"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys, content, expected):
    """Bad input prints one line naming file and path, exit status 2."""
    f = tmp_path / "case.json"
    f.write_text(content)

    assert run("assess", str(f), "--no-plugins") == 2

    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"riskcore: error: {f}: ")
    assert expected in err[0]


def test_catalog_validate_checks_number_labels(tmp_path: Path, capsys):
    """`riskcore catalog validate` fails, in one line naming the paths, when a
    number has neither a source nor the illustrative label (issue 13)."""
    assert run("catalog", "validate", "--no-plugins") == 0
    assert "every number sourced or labelled illustrative" in capsys.readouterr().out

    f = tmp_path / "catalog.yaml"
    f.write_text(
        "schema_version: 1\n"
        "threats:\n"
        "  - {id: t, name: T, category: c, scope: client, base_likelihood: 0.1,\n"
        "     impact: {value: 2}, illustrative: false}\n"
    )
    assert run("catalog", "validate", str(f)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "threats[t].base_likelihood, threats[t].impact" in err[0]


def test_schema_command(tmp_path: Path, capsys):
    """`riskcore schema` prints or writes valid JSON Schema."""
    import jsonschema

    assert run("schema") == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    out = tmp_path / "catalog.schema.json"
    assert run("schema", "catalog", "-o", str(out)) == 0
    assert json.loads(out.read_text())["title"] == "riskcore catalog file"
    assert run("schema", "plan") == 0


def test_usage_error_exit_2(capsys):
    """Unknown sub-commands are usage errors (exit 2)."""
    with pytest.raises(SystemExit) as exc:
        run("frobnicate")
    assert exc.value.code == 2


def test_console_script_and_module_entry(tmp_path: Path):
    """`python -m riskcore --help` works in a fresh process."""
    env = {**os.environ, "RISKCORE_DISABLE_PLUGIN_AUTOLOAD": "1"}
    res = subprocess.run(
        [sys.executable, "-m", "riskcore", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert res.returncode == 0
    assert "plugins" in res.stdout


def test_broken_pipe_is_not_an_error(tmp_path: Path, monkeypatch):
    """`riskcore ... | head`: when the reader leaves, exit 0 without a traceback."""
    sink = (tmp_path / "sink").open("w")

    class ClosedPipe:
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self) -> None:
            raise BrokenPipeError(32, "Broken pipe")

        def fileno(self) -> int:
            return sink.fileno()

    monkeypatch.setattr("sys.stdout", ClosedPipe())
    try:
        assert run("schema") == 0
    finally:
        sink.close()


# ------------------------------------------------- outputs and options (#14)

MINIMAL = '{"schema_version": 1, "id": "c", "practice": {"id": "p"}}\n'


def _case(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    case = folder / "case.json"
    case.write_text(MINIMAL)
    return case


def _one_error_line(capsys, path: str) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("riskcore: error: ")
    assert path in err[0]
    assert "Traceback" not in err[0]
    return err[0]


def _no_leftovers(folder: Path, before: set[str]) -> None:
    assert {p.name for p in folder.iterdir()} == before
    assert not list(folder.glob("*.tmp"))
    assert not list(folder.glob(".*.tmp"))


@pytest.mark.parametrize("command", ["assess", "plan", "graph"])
@pytest.mark.parametrize("spelling", ["same", "dotdot", "symlink", "hardlink"])
def test_output_that_is_the_input_is_refused(tmp_path: Path, capsys, command, spelling):
    """-o equal to the case file overwrote the case and exited 0."""
    case = _case(tmp_path)
    out = {
        "same": str(case),
        "dotdot": str(case.parent / ".." / "in" / "case.json"),
        "symlink": str(tmp_path / "link.json"),
        "hardlink": str(tmp_path / "hard.json"),
    }[spelling]
    if spelling == "symlink":
        (tmp_path / "link.json").symlink_to(case)
    if spelling == "hardlink":
        os.link(case, tmp_path / "hard.json")
    extra = ["--trials", "0", "-q"] if command == "plan" else []

    assert run(command, str(case), "--no-plugins", "-o", out, *extra) == 2

    line = _one_error_line(capsys, out)
    assert "refusing to write over the input file" in line
    assert case.read_text() == MINIMAL


@pytest.mark.parametrize(
    "argv",
    [
        ["assess", "{case}", "--no-plugins"],
        ["plan", "{case}", "--no-plugins", "--trials", "0", "-q"],
        ["graph", "{case}", "--no-plugins"],
        ["schema"],
        ["schema", "plan"],
    ],
)
@pytest.mark.parametrize("where", ["missing-folder", "directory", "file-as-folder"])
def test_unwritable_outputs_are_one_line_exit_2(tmp_path: Path, capsys, argv, where):
    """A missing folder, a directory or a file as a folder ended in a traceback."""
    case = _case(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "f").write_text("x")
    out = {
        "missing-folder": out_dir / "nope" / "report.json",
        "directory": out_dir,
        "file-as-folder": out_dir / "f" / "report.json",
    }[where]
    args = [a.format(case=case) for a in argv]
    before = {p.name for p in out_dir.iterdir()}

    assert run(*args, "-o", str(out)) == 2

    _one_error_line(capsys, str(out))
    _no_leftovers(out_dir, before)


@pytest.mark.parametrize(
    ("errno_name", "text"),
    [
        ("EROFS", "Read-only file system"),
        ("EACCES", "Permission denied"),
        ("ENOSPC", "No space left on device"),
    ],
)
@pytest.mark.parametrize("command", ["assess", "plan", "schema"])
def test_os_errors_while_writing_are_one_line_and_leave_nothing(
    tmp_path: Path, capsys, monkeypatch, errno_name, text, command
):
    """A read-only file system (or a full disk) fails in os.replace: no .tmp is left."""
    import errno

    case = _case(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "result.json"

    def failing_replace(src, dst):
        raise OSError(getattr(errno, errno_name), text)

    monkeypatch.setattr(os, "replace", failing_replace)
    args = {
        "assess": ["assess", str(case), "--no-plugins"],
        "plan": ["plan", str(case), "--no-plugins", "--trials", "0", "-q"],
        "schema": ["schema"],
    }[command]

    assert run(*args, "-o", str(out)) == 2

    line = _one_error_line(capsys, str(out))
    assert line == f"riskcore: error: {out}: cannot write ({text})"
    _no_leftovers(out_dir, set())


@pytest.mark.skipif(os.name == "nt", reason="POSIX process ids")
def test_a_killed_writer_leaves_a_temp_file_the_next_write_removes(tmp_path: Path):
    """A process killed mid-write cannot clean up; the next write to that path does."""
    out = tmp_path / "report.json"
    res = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = int(res.stdout)  # a process that has ended
    stale = tmp_path / f".report.json.{dead}.abc123_x.riskcore.tmp"
    stale.write_text("half")
    recent = tmp_path / f".report.json.{dead}.zzzzzzzz.riskcore.tmp"
    recent.write_text("half")
    other = tmp_path / f".other.json.{dead}.abc123_x.riskcore.tmp"
    other.write_text("half")
    alive = tmp_path / f".report.json.{os.getppid()}.abc123_x.riskcore.tmp"
    alive.write_text("in progress")
    old = 1_000_000_000
    for f in (stale, other, alive):
        os.utime(f, (old, old))

    io.write_atomic(out, "{}\n")

    assert out.read_text() == "{}\n"
    assert not stale.exists()  # its writer is dead and it is old: removed
    assert recent.exists()  # too recent: may belong to a writer on another machine
    assert other.exists()  # not a temporary file of this output
    assert alive.exists()  # its writer is still running


@pytest.mark.parametrize(
    ("option", "value", "allowed"),
    [
        ("--trials", "-1", "[0, 1000000]"),
        ("--trials", "1000000001", "[0, 1000000]"),
        ("--trials", "many", "[0, 1000000]"),
        ("--seed", "-5", "[0, 4294967295]"),
        ("--seed", str(2**64), "[0, 4294967295]"),
        ("--budget", "-1", "[0, 1000000000000]"),
        ("--budget", "nan", "[0, 1000000000000]"),
        ("--budget", "inf", "[0, 1000000000000]"),
        ("--hours", "-0.5", "[0, 10000000]"),
        ("--hours", "1e300", "[0, 10000000]"),
    ],
)
def test_numeric_options_are_range_checked(
    tmp_path: Path, capsys, option, value, allowed
):
    """--trials -1 was accepted and a huge --trials hung the run."""
    case = _case(tmp_path)
    with pytest.raises(SystemExit) as exc:
        run("plan", str(case), "--no-plugins", f"{option}={value}")
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}: " in err
    assert allowed in err
    assert "Traceback" not in err


def test_numeric_options_at_their_bounds_are_accepted():
    from riskcore.cli import MAX_TRIALS, build_parser

    args = build_parser().parse_args(
        ["plan", "c.yaml", "--trials", str(MAX_TRIALS), "--seed", "0", "--budget", "0"]
    )
    assert (args.trials, args.seed, args.budget) == (MAX_TRIALS, 0, 0.0)


def test_bad_values_are_redacted_unless_show_identifying(tmp_path: Path, capsys):
    """A phone number as an item answer is not echoed to stderr by default."""
    case = tmp_path / "case.json"
    case.write_text(
        json.dumps(
            {
                "schema_version": 1,
                "id": "c",
                "practice": {"id": "p"},
                "professionals": [{"id": "t-1"}],
                "clients": [{"id": "c-1", "clinician": "555-123-4567"}],
            }
        )
    )
    # (An item answer that is not a number now loads as an invalid item,
    # issue 14: tests/test_partial_instruments.py; a reference is still an error.)
    assert run("plan", str(case), "--no-plugins", "--trials", "0", "-q") == 2
    line = _one_error_line(capsys, str(case))
    assert "555" not in line
    assert "clients[0].clinician: <redacted: a string of 12 characters> is not" in line

    assert (
        run(
            "plan",
            str(case),
            "--no-plugins",
            "--trials",
            "0",
            "-q",
            "--show-identifying",
        )
        == 2
    )
    assert "'555-123-4567' is not" in _one_error_line(capsys, str(case))


def test_unexpected_errors_are_one_line_without_their_text(
    tmp_path: Path, capsys, monkeypatch
):
    """An internal error's text may quote the case: its type only, status 70."""
    import riskcore

    def boom(*a, **k):
        raise ZeroDivisionError("Jane Doe 555-123-4567")

    monkeypatch.setattr(riskcore, "assess", boom)
    case = _case(tmp_path)
    monkeypatch.delenv("RISKCORE_TRACEBACK", raising=False)
    assert run("assess", str(case), "--no-plugins") == 70
    err = capsys.readouterr().err
    assert err.strip() == (
        "riskcore: internal error: ZeroDivisionError (a bug: please report it; "
        "set RISKCORE_TRACEBACK=1 to see the traceback)"
    )
    monkeypatch.setenv("RISKCORE_TRACEBACK", "1")
    with pytest.raises(ZeroDivisionError):
        run("assess", str(case), "--no-plugins")


# ---------------------------------------------------------------- issue 20

EXAMPLE_CASE = Path(__file__).parents[1] / "examples" / "longmont-practice.yaml"


def _example_with(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLE_CASE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "case.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_help_documents_the_exit_statuses(capsys) -> None:
    for argv in (["--help"], ["plan", "--help"], ["assess", "--help"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 0
        out = capsys.readouterr().out
        assert "exit status:" in out
        for line in (
            "  0   done",
            "  2   bad input",
            "  3   done, but",
            "  70  internal",
        ):
            assert line in out
        if argv != ["--help"]:
            assert "--allow-incomplete" in out


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["plna"], "unknown command 'plna' (did you mean 'plan'?)"),
        (["asess"], "(did you mean 'assess'?)"),
        (["catalog", "shw"], "unknown action choice 'shw' (did you mean 'show'?)"),
        (["schema", "--outptu"], "'--outptu' (did you mean '--output'?)"),
        (["plan", "c.yaml", "--budjet", "3"], "(did you mean '--budget'?)"),
        (["plan", "c.yaml", "--trails=9"], "(did you mean '--trials'?)"),
    ],
)
def test_a_mistyped_command_or_option_suggests_the_right_one(
    argv: list[str], hint: str, capsys
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert hint in err[-1]


def test_assess_prints_a_score_table_and_each_instrument_problem(
    tmp_path: Path, capsys
) -> None:
    """PHQ-9 item 9 = 7 prints the item, the value and the range under c-04;
    an unscored instrument says why; the status is 3 (incomplete)."""
    case = _example_with(
        tmp_path,
        "'7': 2, '8': 1, '9': 1}",
        "'7': 2, '8': 1, '9': 7}",
    )
    assert run("assess", str(case)) == 3
    out = capsys.readouterr().out
    block = out.split("\nc-04\n", 1)[1].split("\n\n", 1)[0]
    header = block.splitlines()[0].split()
    assert header == ["INSTRUMENT", "SCALE", "VALUE", "BAND", "FLAGS"]
    assert "phq9.total: invalid answer: item 9: 7 is not in [0, 3]" in block
    [phq] = [line for line in block.splitlines() if line.split()[0] == "phq9"]
    assert "/ 27 (partial)" in phq
    assert "phq9.item9-invalid (CRITICAL)" in phq
    assert "INCOMPLETE assessment" in out
    # --allow-incomplete: the same output, status 0.
    assert run("assess", str(case), "--allow-incomplete") == 0


def test_assess_says_a_plugin_failed_not_that_nothing_scores_it(
    install_dist, tmp_path: Path, small_case, capsys
) -> None:
    install_dist(
        "riskcore-crash", {"crash": "rc_crash_cli20"}, rc_crash_cli20=toyplugin.CRASHER
    )
    case_file = tmp_path / "case.yaml"
    io.dump(small_case, case_file)
    assert run("assess", str(case_file)) == 3
    out = capsys.readouterr().out
    c1 = out.split("\nc-1\n", 1)[1].split("\n\n", 1)[0]
    assert "FAILED crash (riskcore-crash 0.1.0): riskcore_assess on subject c-1" in c1
    assert "raised RuntimeError" in c1


def test_explain_prints_risk_explain(capsys) -> None:
    from riskcore import build_plan, load_case
    from riskcore.plugins import PluginManager

    rid = "client-self-harm:c-04"
    assert run("explain", str(EXAMPLE_CASE), rid) == 0
    out = capsys.readouterr().out.splitlines()
    report = build_plan(load_case(EXAMPLE_CASE), n=0, pm=PluginManager())
    assert out == list(report.register.risk(rid).explain())
    assert run("explain", str(EXAMPLE_CASE), "client-self-harm:c-4") == 2
    err = capsys.readouterr().err
    assert "did you mean 'client-self-harm:c-04'" in err


def test_plan_says_it_plans_to_tolerance_without_a_budget(
    tmp_path: Path, capsys
) -> None:
    case = _example_with(tmp_path, "budget: 15000\n", "")
    out = tmp_path / "r.md"
    assert run("plan", str(case), "--trials", "0", "-q", "-o", str(out)) == 3
    err = capsys.readouterr().err
    assert "no budget given: planning to tolerance" in err


def test_an_infeasible_plan_says_what_budget_would_do(tmp_path: Path, capsys) -> None:
    out = tmp_path / "r.md"
    argv = ["plan", str(EXAMPLE_CASE), "--trials", "0", "-q", "--budget", "10"]
    assert run(*argv, "-o", str(out), "--allow-incomplete") == 3  # never 0
    err = capsys.readouterr().err
    assert "planning within a budget of $10" in err
    assert "could not meet: client-self-harm:c-04: critical" in err
    assert "a budget of at least $1,500 would cover what is required" in err


def test_output_into_a_missing_folder_is_one_line(tmp_path: Path, capsys) -> None:
    out = tmp_path / "nope" / "r.html"
    assert run("plan", str(EXAMPLE_CASE), "-q", "-o", str(out)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"riskcore: error: {out}: the folder {out.parent} does not exist"]


def test_the_tutorial_commands_show_what_they_claim(tmp_path: Path, capsys) -> None:
    """docs/plugins/tutorial.md: `assess` prints a score table per subject;
    `assess -o` writes scores stamped with their plugin; the scaffold's
    `pytest` runs as many tests as the tutorial shows."""
    root = Path(__file__).parents[1]
    tutorial = (root / "docs" / "plugins" / "tutorial.md").read_text()
    assert "# a score table per subject" in tutorial
    assert run("assess", str(EXAMPLE_CASE), "--allow-incomplete") == 0
    assert "INSTRUMENT" in capsys.readouterr().out
    out = tmp_path / "scores.json"
    assert run("assess", str(EXAMPLE_CASE), "-o", str(out), "--allow-incomplete") == 0
    scores = json.loads(out.read_text())["scores"]
    assert scores
    assert all(s["plugin"] for s in scores)
    assert '"plugin": "home-visit"' in tutorial
    templates = root / "src" / "riskcore" / "scaffold_templates"
    n = sum(
        p.read_text().count("\ndef test_") for p in templates.glob("test_*.py.tmpl")
    )
    assert f"\n{n} passed\n" in tutorial
