"""Run every assessor over a case, with per-plugin fault isolation.

.. versionadded:: 0.1
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Iterable

from riskcore.errors import AssessmentError
from riskcore.model import (
    Assessment,
    AssessorFailure,
    AssessorInfo,
    Case,
    PluginProvenance,
    Score,
)
from riskcore.plugins import PluginManager, PluginRecord, get_plugin_manager

__all__ = ["assess", "assessor_infos"]


@functools.cache
def _version() -> str:
    from riskcore import __version__

    return __version__


def assessor_infos(pm: PluginManager) -> dict[str, AssessorInfo]:
    """What each active plugin says it assesses, by plugin name.

    A plugin whose ``riskcore_assessor_info`` raises or returns something other
    than an :class:`~riskcore.model.AssessorInfo` is left out (and reported by
    :func:`assess`).
    """
    return dict(_infos(pm))


_INFOS: weakref.WeakKeyDictionary[
    PluginManager, tuple[tuple[object, ...], dict[str, AssessorInfo]]
] = weakref.WeakKeyDictionary()


def _infos(pm: PluginManager) -> dict[str, AssessorInfo]:
    # The hook is "called once" (see the hookspec): cache the answers per manager
    # for as long as the same implementations are registered.
    impls = tuple(pm.pluggy.hook.riskcore_assessor_info.get_hookimpls())
    cached = _INFOS.get(pm)
    if cached is not None and cached[0] == impls:
        return cached[1]
    out: dict[str, AssessorInfo] = {}
    for o in pm.call_each("riskcore_assessor_info"):
        if o.ok and isinstance(o.result, AssessorInfo):
            out[o.plugin] = o.result
    _INFOS[pm] = (impls, out)
    return out


def assess(
    case: Case, *, pm: PluginManager | None = None, strict: bool = False
) -> Assessment:
    """Score every subject of *case* with every assessor plugin.

    Each plugin's ``riskcore_assess`` is called once per subject, separately
    from the others. A plugin that raises, or returns anything but scores about
    that subject, does not stop the rest: its output for that subject is
    discarded, an :class:`~riskcore.model.AssessorFailure` (plugin, distribution,
    version, subject, error type) is recorded, and the assessment is marked
    incomplete. So are plugins that failed to load, and instrument responses that
    no plugin scored. Nothing is ever made to look safer by a failure.

    Parameters
    ----------
    case:
        The case to assess.
    pm:
        The plugin manager; default :func:`riskcore.plugins.get_plugin_manager`.
    strict:
        Raise :class:`~riskcore.errors.AssessmentError` on the first failure
        instead of recording it.

    Returns
    -------
    Assessment
        Scores stamped with the plugin that made them, failures and provenance.

    Examples
    --------
    >>> from riskcore.model import Case, Practice
    >>> from riskcore.plugins import PluginManager
    >>> a = assess(Case(id="empty", practice=Practice(id="p")),
    ...            pm=PluginManager(autoload=False))
    >>> a.complete, a.scores
    (True, ())
    """
    pm = pm or get_plugin_manager()
    failures: list[AssessorFailure] = []

    def fail(f: AssessorFailure, exc: BaseException | None = None) -> None:
        if strict:
            raise AssessmentError(f.summary()) from exc
        failures.append(f)

    for rec in pm.failures:
        fail(
            AssessorFailure(
                plugin=rec.name,
                hook="load",
                error_type=(rec.error or "Error").split(":", 1)[0],
                distribution=rec.distribution,
                version=rec.version,
                detail=rec.error or "",
            )
        )

    scores: list[Score] = []
    for subject in case.subjects():
        for o in pm.call_each("riskcore_assess", subject=subject, case=case):
            plugin = o.plugin
            if o.error is None:
                got, problem = _check_scores(o.result, subject.id)
                if problem is None:
                    # Scores the engine built inside the hook already carry the
                    # plugin's name; the rest are copied with it (not validated
                    # again: they were when built, and they are frozen).
                    scores.extend(
                        s if s.plugin == plugin else s._stamped(plugin) for s in got
                    )
                    continue
            known = pm.record(plugin)
            dist = known.distribution if known is not None else None
            version = known.version if known is not None else None
            if o.error is not None:
                fail(
                    AssessorFailure(
                        plugin=o.plugin,
                        hook="riskcore_assess",
                        error_type=type(o.error).__name__,
                        distribution=dist,
                        version=version,
                        subject=subject.id,
                        detail=str(o.error),
                    ),
                    o.error,
                )
                continue
            fail(
                AssessorFailure(
                    plugin=o.plugin,
                    hook="riskcore_assess",
                    error_type="InvalidResult",
                    distribution=dist,
                    version=version,
                    subject=subject.id,
                    detail=problem or "",
                )
            )

    infos = _infos(pm)
    scored = {(s.subject, s.instrument) for s in scores}
    for r in case.responses:
        if (r.subject, r.instrument) not in scored:
            fail(
                AssessorFailure(
                    plugin="(none)",
                    hook="riskcore_assess",
                    error_type="UnscoredInstrument",
                    subject=r.subject,
                    instrument=r.instrument,
                    detail=f"no active plugin scored instrument {r.instrument!r}",
                )
            )
            scored.add((r.subject, r.instrument))

    return Assessment(
        case_id=case.id,
        scores=scores,
        failures=failures,
        provenance=_provenance(pm, infos),
        riskcore_version=_version(),
    )


_PROVENANCE: weakref.WeakKeyDictionary[
    PluginManager,
    tuple[list[PluginRecord], dict[str, AssessorInfo], tuple[PluginProvenance, ...]],
] = weakref.WeakKeyDictionary()


def _provenance(
    pm: PluginManager, infos: dict[str, AssessorInfo]
) -> tuple[PluginProvenance, ...]:
    # Immutable and the same for every case while the plugins do not change.
    records = pm.records()
    cached = _PROVENANCE.get(pm)
    if cached is not None and cached[1] is infos and cached[0] == records:
        return cached[2]
    provenance = []
    for rec in records:
        info = infos.get(rec.name)
        provenance.append(
            PluginProvenance(
                name=rec.name,
                distribution=rec.distribution,
                version=rec.version,
                instruments=info.instruments if info else (),
            )
        )
    out = tuple(provenance)
    _PROVENANCE[pm] = (records, infos, out)
    return out


def _check_scores(result: object, subject: str) -> tuple[list[Score], str | None]:
    if result is None:
        return [], None
    if type(result) is list:  # the usual answer: skip the slower ABC check
        got = result.copy()
    else:
        if not isinstance(result, Iterable) or isinstance(result, (str, bytes, dict)):
            return (
                [],
                f"returned {type(result).__name__}, expected an iterable of Score",
            )
        try:
            got = list(result)
        except Exception as exc:  # a generator that raises half-way
            return [], f"raised {type(exc).__name__} while producing scores"
    for s in got:
        if not isinstance(s, Score):
            return [], f"returned a {type(s).__name__}, expected Score"
        if s.subject != subject:
            return [], "returned a score about another subject"
    return got, None
