"""riskcore's plugin-author kit: a conformance check, strategies and fixtures.

Enable it in your plugin's tests (it is not autoloaded into other test suites)::

    # tests/test_conformance.py
    from riskcore.testing import assert_conforms

    import riskcore_myassessor.hooks

    pytest_plugins = ["riskcore.testing"]

    def test_conforms():
        assert_conforms(riskcore_myassessor.hooks, name="myassessor")

Install the extra: ``pip install riskcore[testing]`` (pytest and hypothesis).

Fixtures (defined when pytest is installed):

``plugin_manager``
    A :class:`~riskcore.plugins.PluginManager` with autoload off (riskcore's
    built-in plugins only), so installed plugins do not leak into the test.
``register_plugin``
    ``register_plugin(obj, name=None) -> name``: registers *obj* in
    ``plugin_manager``; unregistered on teardown.
``hook_recorder``
    A :class:`HookRecorder` on ``plugin_manager``: ``hook_recorder.getcalls(
    "riskcore_assess")``.

Strategies: :mod:`riskcore.testing.strategies`. The conformance check:
:func:`check_assessor` and :func:`assert_conforms` (see
``docs/plugins/testing.md``). The tests every plugin's suite has, one line
each (:mod:`riskcore.testing.suite`): :func:`assert_active`,
:func:`assert_light_import`, :func:`assert_paths_agree`, :func:`factor_risks`.

The kit raises its own readable errors, so pytest's assertion rewriting is off
for it (PYTEST_DONT_REWRITE): you may import it before pytest registers it.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from riskcore.plugins import PluginManager
from riskcore.testing.conformance import (
    CHECKS,
    ConformanceError,
    ConformanceReport,
    Finding,
    assert_conforms,
    check_assessor,
    guarded_view,
    paths_disagree,
)
from riskcore.testing.recorder import HookCall, HookRecorder
from riskcore.testing.suite import (
    assert_active,
    assert_light_import,
    assert_paths_agree,
    factor_risks,
)

__all__ = [
    "CHECKS",
    "ConformanceError",
    "ConformanceReport",
    "Finding",
    "HookCall",
    "HookRecorder",
    "RegisterPlugin",
    "assert_active",
    "assert_conforms",
    "assert_light_import",
    "assert_paths_agree",
    "check_assessor",
    "factor_risks",
    "guarded_view",
    "paths_disagree",
]

RegisterPlugin = Callable[..., str]
"""The type of the ``register_plugin`` fixture: ``(obj, name=None) -> name``."""

try:
    import pytest
except ImportError:  # pragma: no cover - the kit's checks work without pytest
    pass
else:

    @pytest.fixture
    def plugin_manager() -> PluginManager:
        """A plugin manager with autoload off: riskcore's built-ins only."""
        return PluginManager(autoload=False)

    @pytest.fixture
    def register_plugin(plugin_manager: PluginManager) -> Iterator[RegisterPlugin]:
        """Register a plugin object in ``plugin_manager``; unregistered on teardown."""
        names: list[str] = []

        def register(plugin: object, name: str | None = None) -> str:
            registered = plugin_manager.register(plugin, name=name)
            names.append(registered)
            return registered

        yield register
        for n in reversed(names):
            plugin_manager.unregister(n)

    @pytest.fixture
    def hook_recorder(plugin_manager: PluginManager) -> Iterator[HookRecorder]:
        """Record the hook calls ``plugin_manager`` makes."""
        rec = HookRecorder(plugin_manager)
        yield rec
        rec.close()
