"""What ``build_plan`` holds between and after its steps (issue #16).

* The steps run with the cyclic collector paused (the one rule,
  ``riskcore.io.collector_paused``), so no collection walks the objects made
  by one step while the next starts; the collector is back after the call.
* The read-only view of the case that plugins receive is released when the
  plan is built (``riskcore._plugin_views.views_released``), and the view's
  mappings are read-only proxies of the case's own, not copies.
"""

from __future__ import annotations

import gc

import pytest

from riskcore import PluginManager, hookimpl
from riskcore._plugin_views import _VIEWS, readonly_case, views_released
from riskcore.model import Case
from riskcore.workflow import build_plan


class Spy:
    def __init__(self) -> None:
        self.collector: list[bool] = []
        self.cases: list[Case] = []

    @hookimpl
    def riskcore_assess(self, subject: object) -> None:
        self.collector.append(gc.isenabled())

    @hookimpl
    def riskcore_obligations(self, case: Case, assessment: object) -> list[object]:
        self.collector.append(gc.isenabled())
        self.cases.append(case)
        return []


def _plan(case: Case, spy: Spy) -> None:
    pm = PluginManager(autoload=False, builtins=False, plugins=[("spy", spy)])
    build_plan(case, pm=pm, n=0, budget=1000.0)


def test_the_steps_run_with_the_collector_paused_and_it_comes_back(
    small_case: Case,
) -> None:
    spy = Spy()
    assert gc.isenabled()
    _plan(small_case, spy)
    assert len(spy.collector) >= 2  # assess and the legal duties, a later step
    assert not any(spy.collector)
    assert gc.isenabled()


def test_the_plugins_view_is_released_after_the_plan(small_case: Case) -> None:
    spy = Spy()
    _plan(small_case, spy)
    assert spy.cases, "the obligations hook saw the case"
    seen = spy.cases[0]
    assert seen is not small_case  # the read-only view
    assert seen == small_case
    assert id(small_case) not in _VIEWS
    assert readonly_case(small_case) is not seen  # made again on demand


def test_a_view_made_before_is_kept(small_case: Case) -> None:
    view = readonly_case(small_case)
    _plan(small_case, Spy())
    assert readonly_case(small_case) is view
    with views_released(small_case):
        pass
    assert readonly_case(small_case) is view


def test_a_view_is_released_after_an_error(small_case: Case) -> None:
    def fail() -> None:
        with views_released(small_case):
            readonly_case(small_case)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        fail()
    assert id(small_case) not in _VIEWS


def test_the_view_shows_the_case_mappings_read_only_without_copying(
    small_case: Case,
) -> None:
    view = readonly_case(small_case)
    items = view.responses[0].items
    with pytest.raises(TypeError):
        items["1"] = 0  # type: ignore[index]  # the point: it cannot be set
    assert items == small_case.responses[0].items == {"1": 2}
    # a proxy of the case's own dict: no second copy of every answer
    assert gc.get_referents(items)[0] is small_case.responses[0].items
    assert small_case.responses[0].items == {"1": 2}
