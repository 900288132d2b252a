"""One-line assertions for a plugin's own test suite.

Every plugin distribution tests the same four things beside its scoring rules:
its entry point loads, its hook module imports nothing heavy, the object and
columnar scoring paths of its specs agree, and the register accepts every
factor it returns. These functions are those tests, written once; each raises
:class:`~riskcore.testing.ConformanceError` (an ``AssertionError``) saying what
is wrong::

    from riskcore.testing import assert_active, assert_light_import

    def test_entry_point_loads():
        assert_active("myassessor")

    def test_hook_module_is_cheap_to_import():
        assert_light_import("riskcore_myassessor.hooks")

.. versionadded:: 0.1
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from riskcore.plugins import PluginManager, PluginStatus
from riskcore.testing.columnar import paths_disagree
from riskcore.testing.conformance import ConformanceError

if TYPE_CHECKING:
    from riskcore.instruments import InstrumentSpec
    from riskcore.model import Case
    from riskcore.model.risk import Risk
    from riskcore.plugins import PluginRecord

__all__ = [
    "HEAVY_MODULES",
    "assert_active",
    "assert_light_import",
    "assert_paths_agree",
    "factor_risks",
]

HEAVY_MODULES = ("numpy", "pandas")
"""What a hook module must not import at import time (``riskcore plugins`` and
``riskcore --help`` load every hook module)."""


def assert_active(name: str) -> PluginRecord:
    """Plugin *name* loads through its entry point and is active; its record.

    A plugin that failed to import has a record too, so ``record is not None``
    proves nothing: the status must be active.

    >>> assert_active("no-such-plugin")
    Traceback (most recent call last):
    ...
    riskcore.testing.conformance.ConformanceError: plugin 'no-such-plugin' was not found: is its entry point in the 'riskcore' group, and is it installed (pip install -e .)?
    """
    record = PluginManager(autoload=True, allow=[name]).record(name)
    if record is None:
        raise ConformanceError(
            f"plugin {name!r} was not found: is its entry point in the 'riskcore' "
            "group, and is it installed (pip install -e .)?"
        )
    if record.status is not PluginStatus.ACTIVE:
        raise ConformanceError(
            f"plugin {name!r} is {record.status.value}, not active: {record.error}"
        )
    return record


def assert_light_import(module: str, heavy: Sequence[str] = HEAVY_MODULES) -> None:
    """Importing *module* in a fresh interpreter imports none of *heavy*.

    >>> assert_light_import("riskcore.testing.suite")
    >>> assert_light_import("json", heavy=["json"])
    Traceback (most recent call last):
    ...
    riskcore.testing.conformance.ConformanceError: importing json imports json: import it inside the function that needs it
    """
    code = (
        "import importlib, sys; "
        f"importlib.import_module({module!r}); "
        f"print(','.join(m for m in {list(heavy)!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ConformanceError(f"importing {module} failed: {last}")
    loaded = done.stdout.strip()
    if loaded:
        raise ConformanceError(
            f"importing {module} imports {loaded.replace(',', ', ')}: import it "
            "inside the function that needs it"
        )


def assert_paths_agree(spec: InstrumentSpec, *, examples: int = 25) -> None:
    """The object and columnar scoring paths of *spec* agree on *examples*
    generated answer matrices (:func:`~riskcore.testing.paths_disagree`).

    Generation is derandomized, as in :func:`~riskcore.testing.check_assessor`:
    the same matrices on every run.

    >>> from riskcore.instruments import InstrumentSpec, uniform_items
    >>> assert_paths_agree(
    ...     InstrumentSpec(id="toy", name="Toy", items=uniform_items(3, 0, 4)),
    ...     examples=5,
    ... )
    """
    from hypothesis import HealthCheck, given, settings

    from riskcore.testing.strategies import answer_matrices

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(rows=answer_matrices(spec))
    def agree(rows: list[list[float]]) -> None:
        problems = paths_disagree(spec, rows)
        if problems:
            raise ConformanceError(
                f"the object and columnar paths of {spec.id!r} disagree on "
                f"{rows}: " + "; ".join(problems[:5])
            )

    agree()


def factor_risks(case: Case, name: str) -> list[Risk]:
    """The risks of *case* a plugin's factor moved, with only plugin *name*
    (and riskcore's built-ins) loaded; the register must have no failures.

    The core's fail-closed factor for an unscreened subject
    (:data:`riskcore.identify.UNSCREENED`) is not a plugin's, so the risks it
    alone moves are left out.

    A plugin's test asserts which risks its factors reach (here the safety
    plugin, on the example practice, whose client c-04 screens positive on
    PHQ-9 item 9):

    >>> from riskcore import load_case
    >>> case = load_case("examples/longmont-practice.yaml")
    >>> moved = factor_risks(case, "safety")
    >>> sorted(r.threat for r in moved if r.subject == "c-04")
    ['client-self-harm']
    """
    from riskcore.assess import assess
    from riskcore.catalog import default_catalog
    from riskcore.identify import UNSCREENED, identify

    pm = PluginManager(allow=[name])
    register = identify(assess(case, pm=pm), default_catalog(pm), case, pm=pm)
    if register.failures:
        raise ConformanceError(
            f"the register refused what plugin {name!r} returned: "
            + "; ".join(str(f.summary()) for f in register.failures)
        )
    return [r for r in register.risks if any(f.plugin != UNSCREENED for f in r.factors)]
