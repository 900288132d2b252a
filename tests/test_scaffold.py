"""riskcore new-plugin: the scaffold installs and passes its own tests unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from riskcore.cli import main
from riskcore.scaffold import FILES, ScaffoldError, new_plugin, plugin_names


def test_names_are_derived_from_the_entry_point_name() -> None:
    n = plugin_names("lone-working")
    assert n["dist"] == "riskcore-lone-working"
    assert n["package"] == "riskcore_lone_working"
    assert plugin_names("riskcore-x2")["name"] == "x2"


@pytest.mark.parametrize("bad", ["", "Home", "home_visit", "-x", "a--b", "9lives"])
def test_bad_names_are_refused(bad: str) -> None:
    with pytest.raises(ScaffoldError, match="lower case"):
        plugin_names(bad)


def test_writes_every_file_and_never_overwrites(tmp_path: Path) -> None:
    root = new_plugin("home-visit", tmp_path)
    for _, target in FILES:
        assert (root / target.format(package="riskcore_home_visit")).is_file()
    pyproject = (root / "pyproject.toml").read_text()
    assert (
        '[project.entry-points.riskcore]\nhome-visit = "riskcore_home_visit.hooks"'
        in (pyproject)
    )
    assert 'build-backend = "hatchling.build"' in pyproject
    assert "$" not in "".join(p.read_text() for p in root.rglob("*") if p.is_file())
    before = (root / "README.md").read_text()
    with pytest.raises(ScaffoldError, match="already exists"):
        new_plugin("home-visit", tmp_path)
    assert (root / "README.md").read_text() == before


def test_cli_new_plugin(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new-plugin", "demo", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"created {tmp_path / 'riskcore-demo'}" in out
    assert "pytest" in out
    assert main(["new-plugin", "demo", "--dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("riskcore: error: ")
    assert "already exists" in err
    assert err.count("\n") == 1


def test_generated_hooks_pass_the_kit_in_process(tmp_path: Path) -> None:
    import importlib

    from riskcore.testing import check_assessor

    root = new_plugin("kit-demo", tmp_path)
    sys.path.insert(0, str(root / "src"))
    try:
        hooks = importlib.import_module("riskcore_kit_demo.hooks")
        report = check_assessor(hooks, name="kit-demo", examples=10)
        assert report.ok, str(report)
    finally:
        sys.path.remove(str(root / "src"))
        for mod in [m for m in sys.modules if m.startswith("riskcore_kit_demo")]:
            del sys.modules[mod]


@pytest.mark.slow
def test_generated_plugin_installs_and_passes_its_tests_unchanged(
    tmp_path: Path,
) -> None:
    """A real install: pip builds the wheel with hatchling (no network: no build
    isolation, no dependencies) into a private target directory, so the shared
    environment is untouched; then the generated tests run in a subprocess,
    including the entry-point discovery test."""
    root = new_plugin("scaffold-demo", tmp_path)
    site = tmp_path / "site"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(site),
            str(root),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stderr
    assert (site / "riskcore_scaffold_demo" / "py.typed").is_file()
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "RISKCORE_DISABLE_PLUGINS": "",
        "RISKCORE_LOAD_PLUGINS": "",
    }
    env.pop("COV_CORE_SOURCE", None)
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "6 passed" in tests.stdout  # the light-import test included
