"""The ``riskcore`` program ends without freeing a command's large results
(``riskcore.cli.console``, issue #16), and loses nothing by it: the same
output, the same exit status, the exit handlers run, running threads are
waited for."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from riskcore.cli import common, main

CASE = str(Path(__file__).resolve().parents[1] / "examples" / "longmont-practice.yaml")

PRELUDE = """
import os, sys
real_exit = os._exit
def quick(status):
    print("[quick exit]", file=sys.stderr, flush=True)
    real_exit(status)
os._exit = quick
"""


def console(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    code = (
        PRELUDE
        + textwrap.dedent(script)
        + (
            "\nsys.argv = ['riskcore', *sys.argv[1:]]"
            "\nfrom riskcore.cli import console\nconsole()\n"
        )
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_main_keeps_nothing(capsys):
    assert main(["assess", CASE]) == 3
    assert common._KEPT is None


def test_the_program_prints_and_exits_as_main_does(capsys):
    status = main(["assess", CASE])
    want = capsys.readouterr().out
    res = console("", "assess", CASE)
    assert (res.returncode, res.stdout) == (status, want)
    assert "[quick exit]" in res.stderr
    assert "Traceback" not in res.stderr


def test_a_written_plan_is_whole_after_a_quick_exit(tmp_path):
    out = tmp_path / "plan.json"
    res = console(
        "", "plan", CASE, "--trials", "200", "--seed", "1", "-q", "-o", str(out)
    )
    assert res.returncode == 3, res.stderr
    assert "[quick exit]" in res.stderr
    assert out.read_text().endswith("}\n")
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


def test_exit_handlers_run(tmp_path):
    mark = tmp_path / "handler-ran"
    res = console(
        f"""
        import atexit, pathlib
        atexit.register(pathlib.Path({str(mark)!r}).write_text, "yes")
        """,
        "assess",
        CASE,
    )
    assert res.returncode == 3
    assert "[quick exit]" in res.stderr
    assert mark.read_text() == "yes"


def test_a_running_thread_is_waited_for(tmp_path):
    """A thread that is not a daemon (a plugin's, say) and is still running
    when the command returns makes the exit a normal one: the interpreter
    waits for it."""
    mark = tmp_path / "thread-done"
    res = console(
        f"""
        import threading, pathlib
        looked = threading.Event()
        enumerate_ = threading.enumerate
        def enumerate():
            try:
                return enumerate_()
            finally:
                looked.set()
        threading.enumerate = enumerate
        def work():
            looked.wait(60)  # still running when console() looks
            pathlib.Path({str(mark)!r}).write_text("done")
        threading.Thread(target=work).start()
        """,
        "assess",
        CASE,
    )
    assert res.returncode == 3
    assert "[quick exit]" not in res.stderr
    assert mark.read_text() == "done"


@pytest.mark.parametrize(
    ("args", "status"), [(("--version",), 0), (("assess", "missing.yaml"), 2)]
)
def test_commands_that_keep_nothing_exit_as_usual(args, status):
    res = console("", *args)
    assert res.returncode == status
    assert "[quick exit]" not in res.stderr


def test_python_dash_m_is_the_program():
    env = {**os.environ, "RISKCORE_DISABLE_PLUGIN_AUTOLOAD": "1"}
    res = subprocess.run(
        [sys.executable, "-m", "riskcore", "assess", CASE],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )
    assert res.returncode == 3
    assert "INCOMPLETE assessment" in res.stdout
