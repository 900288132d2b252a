"""The benchmark scripts still import what they use.

Benchmarks run on demand, never in CI, so a rename in the library can break one
silently (``bench_store.py`` imported ``riskcore.store.core._run_rows`` for a
whole release after the function moved to ``riskcore.store.rows``). This test
does not run them; it checks that every ``from riskcore... import name`` in
``benchmarks/`` names something that exists, and that every script parses.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
SCRIPTS = sorted(BENCHMARKS.glob("*.py"))


def _riskcore_imports(path: Path) -> list[tuple[str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "riskcore":
                found.extend((node.module, a.name) for a in node.names)
        elif isinstance(node, ast.Import):
            found.extend(
                (a.name, "") for a in node.names if a.name.split(".")[0] == "riskcore"
            )
    return found


def test_there_are_benchmark_scripts() -> None:
    assert len(SCRIPTS) >= 5, SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_every_riskcore_name_a_benchmark_imports_exists(script: Path) -> None:
    missing = []
    for module, name in _riskcore_imports(script):
        mod = importlib.import_module(module)
        if not name or hasattr(mod, name):
            continue
        try:  # ``from riskcore.store import rows`` names a submodule
            importlib.import_module(f"{module}.{name}")
        except ImportError:
            missing.append(f"{module}.{name}")
    assert not missing, f"{script.name} imports names that do not exist: {missing}"


def test_the_check_catches_a_name_that_does_not_exist(tmp_path: Path) -> None:
    bad = tmp_path / "bench_bad.py"
    bad.write_text("from riskcore.store.core import _run_rows\n", encoding="utf-8")
    assert _riskcore_imports(bad) == [("riskcore.store.core", "_run_rows")]
    with pytest.raises(AssertionError, match="_run_rows"):
        test_every_riskcore_name_a_benchmark_imports_exists(bad)
