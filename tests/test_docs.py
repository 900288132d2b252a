"""The documentation covers every hook and every hook argument; import stays light."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from riskcore import hookspecs

ROOT = Path(__file__).resolve().parents[1]
HOOKS = sorted(n for n in dir(hookspecs) if n.startswith("riskcore_"))


def test_there_are_hooks():
    """Guard against the parametrisation below silently testing nothing."""
    assert len(HOOKS) >= 5


@pytest.mark.parametrize("name", HOOKS)
def test_hook_is_documented(name):
    """Every hook has a docstring naming each argument, its return, an example,
    and an entry in the generated hook reference."""
    fn = getattr(hookspecs, name)
    doc = inspect.getdoc(fn) or ""
    for arg in inspect.signature(fn).parameters:
        assert f":param {arg}:" in doc, f"{name}: argument {arg!r} is not documented"
    assert ":return:" in doc, f"{name}: the return value is not documented"
    assert "Example" in doc, f"{name}: no example"
    assert "versionadded" in doc, f"{name}: no versionadded"
    assert name in hookspecs.__all__, f"{name} is not in hookspecs.__all__"
    reference = (ROOT / "docs" / "reference" / "hooks.md").read_text()
    assert f"autofunction:: riskcore.hookspecs.{name}" in reference, (
        f"{name} is missing from docs/reference/hooks.md"
    )


def test_import_riskcore_is_light():
    """`import riskcore` loads no numpy, pandas, scipy or matplotlib."""
    code = (
        "import sys, riskcore, riskcore.cli;"
        "heavy = [m for m in ('numpy', 'pandas', 'scipy', 'matplotlib') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


def _fresh(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_import_riskcore_imports_no_submodule_and_no_heavy_dependency():
    """Lazy submodules (PEP 562, issue #16): `import riskcore` loads nothing heavy."""
    out = _fresh(
        "import sys, riskcore;"
        "heavy = ('numpy', 'scipy', 'jinja2', 'networkx', 'pandas', 'yaml', 'cattrs');"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy"
        " or m.startswith('riskcore.')))"
    )
    assert out == "[]"


def test_lazy_names_are_the_public_api():
    """Every name in `__all__` resolves, is in dir(), and is the defining module's."""
    import importlib

    import riskcore

    assert set(riskcore.__all__) <= set(dir(riskcore))
    for name in riskcore.__all__:
        value = getattr(riskcore, name)
        assert value is not None
    assert (
        riskcore.evaluate_obligations
        is importlib.import_module("riskcore.obligations").evaluate_obligations
    )
    assert (
        riskcore.__version__ == importlib.import_module("riskcore._version").__version__
    )
    assert (
        riskcore.PlanReport is importlib.import_module("riskcore.workflow").PlanReport
    )
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = riskcore.nope


def test_functions_named_like_their_module_stay_functions():
    """Importing riskcore.assess (the module) does not rebind riskcore.assess."""
    out = _fresh(
        "import riskcore;"
        "from riskcore.assess import assessor_infos;"
        "import riskcore.identify;"
        "print(callable(riskcore.assess), callable(riskcore.identify),"
        " riskcore.assess.__module__, type(riskcore.model).__name__)"
    )
    assert out == "True True riskcore.assess module"


def test_docs_pages_are_in_a_toctree():
    """Every page under docs/ is reachable (Sphinx would warn otherwise)."""
    index = (ROOT / "docs" / "index.md").read_text()
    for page in (ROOT / "docs").glob("*.md"):
        if page.stem in {"index"}:
            continue
        assert f"\n{page.stem}\n" in index, f"docs/{page.name} is not in docs/index.md"


def test_readme_quick_start_runs(monkeypatch, capsys):
    """The README's Python quick start runs as written, from the repository root."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("```python\n", 1)[1].split("```", 1)[0]
    assert len(block.splitlines()) <= 25, "the quick start should stay short"
    monkeypatch.chdir(ROOT)
    exec(compile(block, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "phq9.item9-positive" in out
    assert "duty-to-warn-procedure c-07" in out
