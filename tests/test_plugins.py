"""The plugin manager: discovery through real entry points, failures, kill switches."""

from __future__ import annotations

import logging

import pytest

from riskcore import PluginError, PluginManager, hookimpl
from riskcore.plugins import PluginStatus, get_plugin_manager, reset_plugin_manager
from tests import toyplugin


def statuses(pm: PluginManager) -> dict[str, str]:
    """Status of every plugin that is not one of riskcore's built-ins."""
    return {r.name: r.status.value for r in pm.records() if not r.builtin}


def test_toy_discovered_through_entry_point(install_dist):
    """An installed distribution's entry point is loaded, with dist and version."""
    install_dist(
        "riskcore-toy", {"toy": "rc_toy_a"}, version="1.2.3", rc_toy_a=toyplugin.TOY
    )

    pm = PluginManager()

    rec = pm.record("toy")
    assert rec is not None
    assert (rec.status, rec.distribution, rec.version) == (
        PluginStatus.ACTIVE,
        "riskcore-toy",
        "1.2.3",
    )
    assert rec.hooks == ("riskcore_assess", "riskcore_assessor_info")


def test_broken_import_is_reported_not_raised(install_dist, caplog):
    """A plugin that fails to import is recorded as failed, and the others load."""
    install_dist(
        "riskcore-broken",
        {"broken": "rc_broken_b"},
        rc_broken_b=toyplugin.BROKEN_IMPORT,
    )
    install_dist("riskcore-toy", {"toy": "rc_toy_b"}, rc_toy_b=toyplugin.TOY)

    with caplog.at_level(logging.WARNING, logger="riskcore.plugins"):
        pm = PluginManager()

    assert statuses(pm) == {"broken": "failed", "toy": "active"}
    (failed,) = pm.failures
    assert failed.distribution == "riskcore-broken"
    assert failed.error is not None
    assert failed.error.startswith("ModuleNotFoundError")
    assert "riskcore-broken" in caplog.text
    assert "RISKCORE_DISABLE_PLUGINS=broken" in caplog.text


def test_strict_mode_raises_on_broken_plugin(install_dist):
    """strict=True turns a load failure into a PluginError naming the plugin."""
    install_dist(
        "riskcore-broken",
        {"broken": "rc_broken_c"},
        rc_broken_c=toyplugin.BROKEN_IMPORT,
    )

    with pytest.raises(
        PluginError, match=r"'broken' from riskcore-broken 0.1.0 failed"
    ):
        PluginManager(strict=True)


def test_misspelled_hook_fails_the_plugin_with_a_hint(install_dist):
    """An unknown riskcore_* hook is an error with a 'did you mean'."""
    install_dist("riskcore-typo", {"typo": "rc_typo_d"}, rc_typo_d=toyplugin.TYPO)

    pm = PluginManager()

    (failed,) = pm.failures
    assert failed.name == "typo"
    assert "unknown hook 'riskcore_asess' (did you mean 'riskcore_assess'?)" in (
        failed.error or ""
    )
    assert pm.pluggy.get_plugin("typo") is None


def test_hookimpl_with_unknown_argument_fails(install_dist):
    """A hookimpl asking for an argument the spec lacks is rejected at load."""
    install_dist("riskcore-args", {"args": "rc_args_e"}, rc_args_e=toyplugin.BAD_ARGS)

    pm = PluginManager()

    (failed,) = pm.failures
    assert "weather" in (failed.error or "")


def test_block_list_prevents_import(install_dist, monkeypatch):
    """Blocked plugins are listed as blocked and never imported."""
    install_dist(
        "riskcore-broken",
        {"broken": "rc_broken_f"},
        rc_broken_f=toyplugin.BROKEN_IMPORT,
    )
    install_dist("riskcore-toy", {"toy": "rc_toy_f"}, rc_toy_f=toyplugin.TOY)
    monkeypatch.setenv("RISKCORE_DISABLE_PLUGINS", " broken ")

    pm = PluginManager(block=["toy"])

    assert statuses(pm) == {"broken": "blocked", "toy": "blocked"}
    assert pm.failures == ()


def test_allow_list(install_dist, monkeypatch):
    """RISKCORE_LOAD_PLUGINS loads only the named plugins."""
    install_dist("riskcore-toy", {"toy": "rc_toy_g"}, rc_toy_g=toyplugin.TOY)
    install_dist(
        "riskcore-crash", {"crash": "rc_crash_g"}, rc_crash_g=toyplugin.CRASHER
    )
    monkeypatch.setenv("RISKCORE_LOAD_PLUGINS", "toy")

    assert statuses(PluginManager()) == {"crash": "blocked", "toy": "active"}
    assert statuses(PluginManager(allow=["crash"])) == {
        "crash": "active",
        "toy": "active",
    }


@pytest.mark.parametrize("value", ["1", "yes", "true"])
def test_autoload_switch(install_dist, monkeypatch, value):
    """RISKCORE_DISABLE_PLUGIN_AUTOLOAD (or autoload=False) skips entry points."""
    install_dist(
        "riskcore-toy",
        {"toy": f"rc_toy_h{value}"},
        **{f"rc_toy_h{value}": toyplugin.TOY},
    )
    monkeypatch.setenv("RISKCORE_DISABLE_PLUGIN_AUTOLOAD", value)

    assert statuses(PluginManager()) == {}
    monkeypatch.setenv("RISKCORE_DISABLE_PLUGIN_AUTOLOAD", "0")
    assert statuses(PluginManager()) == {"toy": "active"}
    assert PluginManager(autoload=False, builtins=False).records() == []


def test_duplicate_entry_point_name(install_dist):
    """Two distributions claiming one name: the second is reported, not merged."""
    install_dist("riskcore-one", {"same": "rc_one_i"}, rc_one_i=toyplugin.TOY)
    install_dist("riskcore-two", {"same": "rc_two_i"}, rc_two_i=toyplugin.TOY)

    pm = PluginManager()

    assert [r.status for r in pm.records() if not r.builtin] == [PluginStatus.FAILED]
    assert "already used" in (pm.failures[0].error or "")


def test_trace_logs_calls_without_data(small_case, caplog):
    """Tracing names hook, plugin and result shape; never the arguments."""

    class Spy:
        @hookimpl
        def riskcore_assess(self, subject):
            return []

    pm = PluginManager(
        autoload=False, builtins=False, trace=True, plugins=[("spy", Spy())]
    )
    with caplog.at_level(logging.INFO, logger="riskcore.plugins"):
        outcomes = list(
            pm.call_each(
                "riskcore_assess", subject=small_case.clients[0], case=small_case
            )
        )

    assert [o.plugin for o in outcomes] == ["spy"]
    assert "trace: riskcore_assess -> spy" in caplog.text
    assert "0 results" in caplog.text
    assert "c-1" not in caplog.text


def test_call_each_isolates_and_orders_by_name():
    """Each impl is called on its own; an exception is returned, not raised."""

    class B:
        @hookimpl
        def riskcore_catalog(self):
            raise ValueError("boom")

    class A:
        @hookimpl
        def riskcore_catalog(self):
            return None

    pm = PluginManager(autoload=False, builtins=False, plugins=[("b", B()), ("a", A())])
    outcomes = list(pm.call_each("riskcore_catalog"))

    assert [(o.plugin, o.ok) for o in outcomes] == [("a", True), ("b", False)]
    assert isinstance(outcomes[1].error, ValueError)


def test_register_rejects_duplicates_and_unregister():
    """Registering the same name twice is a PluginError; unregister forgets."""

    class A:
        @hookimpl
        def riskcore_catalog(self):
            return None

    pm = PluginManager(autoload=False, builtins=False, plugins=[("a", A())])
    with pytest.raises(PluginError, match="ValueError"):
        pm.register(A(), name="a")
    pm.unregister("a")
    pm.unregister("never-registered")
    assert statuses(pm) == {}


def test_blocked_explicit_registration():
    """An explicitly passed plugin that is blocked is recorded as blocked."""

    class A:
        @hookimpl
        def riskcore_catalog(self):
            return None

    pm = PluginManager(
        autoload=False, builtins=False, block=["a"], plugins=[("a", A())]
    )
    assert statuses(pm) == {"a": "blocked"}


def test_optional_hooks_are_tolerated():
    """A riskcore_* impl marked optionalhook=True is not an error."""

    class Future:
        @hookimpl(optionalhook=True)
        def riskcore_from_the_future(self):
            return None

    pm = PluginManager(autoload=False, builtins=False, plugins=[("future", Future())])
    assert statuses(pm) == {"future": "active"}


def test_get_plugin_manager_is_cached():
    """Discovery happens once per process until reset."""
    reset_plugin_manager()
    first = get_plugin_manager()
    assert get_plugin_manager() is first
    reset_plugin_manager()
    assert get_plugin_manager() is not first
    reset_plugin_manager()


def test_builtins_are_registered_first_and_marked():
    """riskcore's own plugins are active and flagged built-in."""
    from riskcore.plugins import BUILTIN_PLUGINS

    pm = PluginManager(autoload=False)
    assert [r.name for r in pm.records() if r.builtin] == sorted(BUILTIN_PLUGINS)
    assert all(r.status is PluginStatus.ACTIVE for r in pm.records())
