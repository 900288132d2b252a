"""Bulk steps pause the cyclic collector (issue #16): ``riskcore.io.collector_paused``.

Loading, assessing and dumping a large case make millions of acyclic objects;
the collector's full passes over the live case made them superlinear. The
pause is the one rule (``collector_paused``), and it always ends.
"""

from __future__ import annotations

import gc

import pytest

from riskcore import PluginManager, assess, hookimpl
from riskcore.io import collector_paused, dump, load_case


class Spy:
    seen: list[bool]

    def __init__(self) -> None:
        self.seen = []

    @hookimpl
    def riskcore_assess(self, subject):
        self.seen.append(gc.isenabled())


def test_assess_runs_the_plugins_with_the_collector_paused(small_case):
    spy = Spy()
    pm = PluginManager(autoload=False, builtins=False, plugins=[("spy", spy)])
    assert gc.isenabled()
    assess(small_case, pm=pm)
    assert spy.seen
    assert not any(spy.seen)
    assert gc.isenabled()


def test_the_collector_comes_back_after_an_error(tmp_path, small_case):
    def fail() -> None:
        with collector_paused():
            assert not gc.isenabled()
            raise RuntimeError

    with pytest.raises(RuntimeError):
        fail()
    assert gc.isenabled()
    gc.disable()
    try:  # a caller's own pause is kept
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
    dump(small_case, tmp_path / "case.json")
    assert gc.isenabled()
    assert load_case(tmp_path / "case.json") == small_case


def test_objects_made_in_the_pause_are_not_walked_again_but_still_collected():
    import weakref

    class Node:
        pass

    with collector_paused():
        made = [[] for _ in range(5000)]  # tracked objects made while paused
        cycle = Node()
        cycle.self = cycle  # cyclic garbage: only the collector frees it
        dead = weakref.ref(cycle)
        del cycle
    # Moved to the oldest generation: the next young pass does not walk them.
    assert gc.get_count()[0] < 1000
    assert len(made) == 5000
    assert dead() is not None
    gc.collect()  # a full pass still frees what the block left as garbage
    assert dead() is None


def test_a_process_freeze_is_left_alone():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_paused():
            _ = [[] for _ in range(100)]
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
