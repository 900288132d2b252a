"""Evaluate jurisdiction plugins: which legal duties a case may give rise to.

Each plugin implementing :func:`~riskcore.hookspecs.riskcore_obligations` is
called separately. A plugin that raises or returns something that is not an
:class:`~riskcore.model.obligations.Obligation` does not stop the others and
is never silently ignored: it is recorded in
:attr:`~riskcore.model.obligations.Obligations.failures`, and the result is
incomplete.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from riskcore.errors import PluginError
from riskcore.model import Assessment, AssessorFailure, Case
from riskcore.model.obligations import Obligation, Obligations
from riskcore.plugins import PluginManager, get_plugin_manager

__all__ = ["HOOK", "evaluate"]

HOOK = "riskcore_obligations"


def _failure(
    pm: PluginManager, plugin: str, error: str, detail: str
) -> AssessorFailure:
    rec = pm.record(plugin)
    return AssessorFailure(
        plugin=plugin,
        hook=HOOK,
        error_type=error,
        distribution=rec.distribution if rec else None,
        version=rec.version if rec else None,
        detail=detail,
    )


def evaluate(
    case: Case,
    assessment: Assessment,
    pm: PluginManager | None = None,
    *,
    strict: bool = False,
) -> Obligations:
    """Collect the obligations every jurisdiction plugin finds in *case*.

    Parameters
    ----------
    case:
        The case; plugins check ``case.practice.jurisdiction``.
    assessment:
        Its assessment (for flag-based rules).
    pm:
        The plugin manager; default :func:`riskcore.plugins.get_plugin_manager`.
    strict:
        Raise :class:`~riskcore.errors.PluginError` on the first failing plugin
        instead of recording it.

    Returns
    -------
    Obligations
        Obligations in plugin-name order, then in the order each plugin gave
        them; failures of plugins that crashed or returned invalid results.

    Examples
    --------
    >>> from riskcore.model import Case, Practice
    >>> case = Case(id="c", practice=Practice(id="p", jurisdiction="US-CO"))
    >>> r = evaluate(case, Assessment(case_id="c"), pm=PluginManager(autoload=False))
    >>> r.obligations, r.complete
    ((), True)
    """
    pm = pm or get_plugin_manager()
    found: list[Obligation] = []
    failures: list[AssessorFailure] = []
    for outcome in pm.call_each(HOOK, case=case, assessment=assessment):
        err: BaseException | None = outcome.error
        if err is not None:
            failure = _failure(pm, outcome.plugin, type(err).__name__, str(err))
        elif outcome.result is None:
            continue
        else:
            try:
                items = _as_obligations(outcome.result)
            except Exception as exc:  # a generator that raises while iterated
                err = exc
                failure = _failure(pm, outcome.plugin, type(exc).__name__, str(exc))
            else:
                if items is not None:
                    found.extend(items)
                    continue
                err = None
                failure = _failure(
                    pm,
                    outcome.plugin,
                    "InvalidResult",
                    f"expected Obligation objects, got {type(outcome.result).__name__}",
                )
        if strict:
            raise PluginError(failure.summary()) from err
        failures.append(failure)
    for rec in pm.failures:
        # A plugin that failed to load may be a jurisdiction: its duties are unknown.
        failures.append(_failure(pm, rec.name, "LoadFailure", rec.error or ""))
    # Built from a mapping: the attrs plugin cannot type the tuple converter.
    fields: dict[str, Any] = {"obligations": found, "failures": failures}
    return Obligations(case_id=case.id, **fields)


def _as_obligations(result: object) -> list[Obligation] | None:
    if isinstance(result, Obligation):
        return [result]
    if isinstance(result, (str, bytes)) or not isinstance(result, Iterable):
        return None
    items = list(result)
    if all(isinstance(i, Obligation) for i in items):
        return items
    return None
