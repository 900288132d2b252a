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


def test_plugins_strict_fails_with_one_line(install_dist, capsys):
    """--strict turns a broken plugin into a one-line error and exit 1."""
    install_dist(
        "riskcore-broken",
        {"broken": "rc_broken_cli3"},
        rc_broken_cli3=toyplugin.BROKEN_IMPORT,
    )

    assert run("plugins", "--strict") == 1

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

    assert run("assess", str(case_file), "--trace") == 0
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
def test_bad_input_is_one_line_and_exit_1(tmp_path: Path, capsys, content, expected):
    """Bad input prints one line naming file and path, exit status 1."""
    f = tmp_path / "case.json"
    f.write_text(content)

    assert run("assess", str(f), "--no-plugins") == 1

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
    assert run("catalog", "validate", str(f)) == 1
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
