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

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from riskcore._deprecated import renamed
from riskcore.errors import PluginError, shown
from riskcore.model import Assessment, AssessorFailure, Case
from riskcore.model.obligations import JurisdictionInfo, Obligation, Obligations
from riskcore.model.observations import parse_observation_spec
from riskcore.plugins import PluginManager, PluginStatus, get_plugin_manager

if TYPE_CHECKING:
    from riskcore.model import Catalog

__all__ = [
    "HOOK",
    "INFO_HOOK",
    "evaluate",
    "evaluate_obligations",
    "known_observation_codes",
]

HOOK = "riskcore_obligations"
INFO_HOOK = "riskcore_jurisdiction_info"


def known_observation_codes(
    catalog: Catalog | None = None, infos: Iterable[JurisdictionInfo] = ()
) -> frozenset[str]:
    """Every observation code something reads: the catalog's triggers and
    evidence, :data:`riskcore.critical.CRITICAL_MAP` and the jurisdiction
    plugins' :class:`~riskcore.model.JurisdictionInfo`.

    >>> sorted(known_observation_codes())
    ['threat-communicated']
    """
    from riskcore.critical import CRITICAL_MAP

    codes = {k.split(":", 1)[1] for k in CRITICAL_MAP if k.startswith("observation:")}
    for info in infos:
        codes.update(info.observations)
    if catalog is not None:
        for r in catalog.responses:
            codes.update(parse_observation_spec(o)[0] for o in r.trigger.observations)
        codes.update(parse_observation_spec(e.observation)[0] for e in catalog.evidence)
    return frozenset(codes)


def _did_you_mean(value: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _gaps(
    case: Case,
    pm: PluginManager,
    infos: dict[str, JurisdictionInfo],
    found: list[Obligation],
    catalog: Catalog | None,
) -> list[str]:
    """Why duties may be missing although no plugin failed (non-identifying)."""
    gaps: list[str] = []
    where = case.practice.jurisdiction
    covered = {j for info in infos.values() for j in info.jurisdictions}
    # A plugin that does not declare its jurisdictions covers those it answered for.
    covered.update(o.jurisdiction for o in found)
    if where is not None and where not in covered:
        off = [
            f"{r.name} ({r.status.value})"
            for r in pm.records()
            if r.status is not PluginStatus.ACTIVE
        ]
        why = f"; not active: {', '.join(off)}" if off else ""
        gaps.append(
            f"jurisdiction {where!r}: no active jurisdiction plugin covers it, "
            f"so its legal duties are unknown, not absent{why}"
            f"{_did_you_mean(where, covered)}"
        )
    known = known_observation_codes(catalog, infos.values())
    seen: set[str] = set()
    for o in case.observations:
        if o.code in known or o.code in seen:
            continue
        seen.add(o.code)
        hint = _did_you_mean(o.code, known)
        if catalog is None and not hint:
            continue  # without the catalog, only a near miss is known to be one
        gaps.append(
            f"observation code {shown(o.code)} is not a code riskcore or its "
            f"plugins read{hint}: duties and evidence that depend on it were "
            "not applied"
        )
    return gaps


def evaluate_obligations(
    case: Case,
    assessment: Assessment,
    pm: PluginManager | None = None,
    *,
    strict: bool = False,
    catalog: Catalog | None = None,
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
    catalog:
        The catalog whose triggers and evidence read observation codes; with
        it, every observation code nothing reads is a gap (with a
        did-you-mean); without it, only a near miss of a known code is.

    Returns
    -------
    Obligations
        Obligations in plugin-name order, then in the order each plugin gave
        them; failures of plugins that crashed or returned invalid results;
        :attr:`~riskcore.model.obligations.Obligations.gaps`: a jurisdiction
        no active plugin covers (a blocked or failed plugin, or none
        installed: the legal section is incomplete, never silently empty) and
        observation codes that match no known code (issue 14).

    Examples
    --------
    >>> from riskcore.model import Case, Practice
    >>> case = Case(id="c", practice=Practice(id="p", jurisdiction="US-CO"))
    >>> r = evaluate_obligations(
    ...     case, Assessment(case_id="c"), pm=PluginManager(autoload=False)
    ... )
    >>> r.obligations, r.complete
    ((), False)
    >>> r.gaps
    ("jurisdiction 'US-CO': no active jurisdiction plugin covers it, so its legal duties are unknown, not absent",)

    .. versionchanged:: 0.2
       Renamed from ``evaluate`` (a newcomer read it as
       :func:`riskcore.evaluate.evaluate`, the validation statistics); the old
       name warns until 0.3.
    """
    pm = pm or get_plugin_manager()
    found: list[Obligation] = []
    failures: list[AssessorFailure] = []
    infos: dict[str, JurisdictionInfo] = {}
    for outcome in pm.call_each(INFO_HOOK):
        info = outcome.result
        if outcome.error is None and isinstance(info, JurisdictionInfo):
            infos[outcome.plugin] = info
        elif outcome.error is not None or info is not None:
            error = type(outcome.error).__name__ if outcome.error else "InvalidResult"
            failure = pm.failure(
                outcome.plugin,
                HOOK,
                "riskcore_jurisdiction_info failed",
                error_type=error,
            )
            if strict:
                raise PluginError(failure.summary()) from outcome.error
            failures.append(failure)
    for outcome in pm.call_each(HOOK, case=case, assessment=assessment):
        err: BaseException | None = outcome.error
        if err is not None:
            failure = pm.failure(outcome.plugin, HOOK, err)
        elif outcome.result is None:
            continue
        else:
            try:
                items = _as_obligations(outcome.result)
            except Exception as exc:  # a generator that raises while iterated
                err = exc
                failure = pm.failure(outcome.plugin, HOOK, exc)
            else:
                if items is not None:
                    found.extend(items)
                    continue
                err = None
                failure = pm.failure(
                    outcome.plugin,
                    HOOK,
                    f"expected Obligation objects, got {type(outcome.result).__name__}",
                )
        if strict:
            raise PluginError(failure.summary()) from err
        failures.append(failure)
    for rec in pm.failures:
        # A plugin that failed to load may be a jurisdiction: its duties are unknown.
        failures.append(
            pm.failure(rec, HOOK, rec.error or "", error_type="LoadFailure")
        )
    # Built from a mapping: the attrs plugin cannot type the tuple converter.
    gaps = _gaps(case, pm, infos, found, catalog)
    fields: dict[str, Any] = {"obligations": found, "failures": failures, "gaps": gaps}
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


evaluate = renamed(evaluate_obligations, "riskcore.obligations.evaluate")
