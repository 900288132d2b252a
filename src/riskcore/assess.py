"""Run every assessor over a case, with per-plugin fault isolation.

.. versionadded:: 0.1
"""

from __future__ import annotations

import functools
import math
import operator
import weakref
from collections.abc import Iterable

import attrs

from riskcore.errors import AssessmentError
from riskcore.model import (
    Assessment,
    AssessorFailure,
    AssessorInfo,
    Case,
    PluginProvenance,
    Score,
    Subject,
)
from riskcore.plugins import (
    PluginManager,
    PluginRecord,
    failure_detail,
    get_plugin_manager,
    readonly_case,
)

__all__ = ["assess", "assessor_infos", "score_problem"]


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
    PluginManager, tuple[object, dict[str, AssessorInfo]]
] = weakref.WeakKeyDictionary()


def _infos(pm: PluginManager) -> dict[str, AssessorInfo]:
    # The hook is "called once" (see the hookspec): cache the answers per manager
    # for as long as the same implementations are registered (the same plan).
    plan = pm._plan("riskcore_assessor_info")
    cached = _INFOS.get(pm)
    if cached is not None and cached[0] is plan:
        return cached[1]
    out: dict[str, AssessorInfo] = {}
    for o in pm.call_each("riskcore_assessor_info"):
        if o.ok and isinstance(o.result, AssessorInfo):
            out[o.plugin] = o.result
    _INFOS[pm] = (plan, out)
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
    scored: dict[str, set[str]] = {}  # by subject, the instruments scored
    broken: dict[str, list[str]] = {}  # by subject, the plugins that failed on it
    subjects = case.subjects()
    # The implementations are called here rather than through call_each (no
    # HookOutcome per call, one worker job per plugin for all subjects),
    # except when call_each must see each call.
    plan = pm._direct_plan(_HOOK)
    if plan is None:
        grid = [
            [
                (o.plugin, o.result, o.error)
                for o in pm.call_each(_HOOK, subject=s, case=case)
            ]
            for s in subjects
        ]
    else:
        # Plugins see a read-only view of the case, made once.
        view = readonly_case(case)
        grid = [[] for _ in subjects]
        batches = [
            (
                plugin,
                function,
                [
                    (s, view) if full else pick({"subject": s, "case": view})
                    for s in subjects
                ],
            )
            for plugin, function, _, pick, full in plan
        ]
        got = pm.run_guarded(_HOOK, batches)
        for (plugin, *_), results in zip(plan, got, strict=True):
            for row, (result, error, _) in zip(grid, results, strict=True):
                row.append((plugin, result, error))
    for subject, row in zip(subjects, grid, strict=True):
        sid = subject.id
        done = scored.setdefault(sid, set())  # the instruments scored for sid
        add = done.add
        failed = False
        for plugin, result, error in row:
            if error is None and type(result) is list:
                # The usual answer: finite Scores about the subject, already
                # stamped with the plugin's name (engine scores,
                # Score.derived), is taken here; anything else goes through
                # all of _take.
                for s in result:
                    if (
                        type(s) is not Score
                        or s.subject != sid
                        or s.plugin != plugin
                        or not _finite(s)
                    ):
                        break
                    add(s.instrument)
                else:
                    scores += result
                    continue
            why = (
                error if error is not None else _take(result, sid, plugin, scores, done)
            )
            if why is not None:
                failed = True
                fail(*_failure(pm, plugin, sid, why))
                broken.setdefault(sid, []).append(plugin)
        if failed:  # a rejected result may have left its instruments in done
            scored[sid] = {s.instrument for s in scores if s.subject == sid}
            # One bad instrument must not leave the subject's others unscored:
            # call each failed plugin again, one instrument's responses at a
            # time. The failure stays recorded (the assessment is incomplete).
            for plugin in broken[sid]:
                _one_instrument_at_a_time(pm, case, subject, plugin, scores)
            scored[sid] = {s.instrument for s in scores if s.subject == sid}

    infos = _infos(pm)
    for r in case.responses:
        if r.instrument not in scored.get(r.subject, ()):
            # "Not scored" after a plugin that scores it failed says so.
            culprit = next(
                (
                    p
                    for p in broken.get(r.subject, ())
                    if p not in infos or r.instrument in infos[p].instruments
                ),
                None,
            )
            fail(
                AssessorFailure(
                    plugin=culprit or "(none)",
                    hook="riskcore_assess",
                    error_type="UnscoredInstrument",
                    subject=r.subject,
                    instrument=r.instrument,
                    detail=(
                        f"plugin {culprit} failed on this subject"
                        if culprit
                        else f"no active plugin scored instrument {r.instrument!r}"
                    ),
                )
            )
            scored.setdefault(r.subject, set()).add(r.instrument)

    return Assessment._trusted(
        case.id,
        tuple(scores),
        tuple(failures),
        _provenance(pm, infos),
        _version(),
    )


_HOOK = "riskcore_assess"


def _one_instrument_at_a_time(
    pm: PluginManager, case: Case, subject: Subject, plugin: str, scores: list[Score]
) -> None:
    """Call *plugin* on *subject* once per instrument the subject answered, with
    a case holding only that instrument's responses; keep the scores of the calls
    that succeed (the whole call failed, so none of its scores were kept)."""
    instruments = sorted({r.instrument for r in case.responses_for(subject.id)})
    if len(instruments) < 2:
        return
    for instrument in instruments:
        only = attrs.evolve(
            case,
            responses=[
                r
                for r in case.responses
                if r.instrument == instrument or r.subject != subject.id
            ],
        )
        for o in pm.call_each(_HOOK, subject=subject, case=only):
            if o.plugin != plugin or not o.ok:
                continue
            got = _as_list(o.result)
            if all(isinstance(s, Score) and s.instrument == instrument for s in got):
                _take(got, subject.id, plugin, scores, set())


def _as_list(result: object) -> list[object]:
    if isinstance(result, Iterable) and not isinstance(result, (str, bytes, dict)):
        try:
            return list(result)
        except Exception:  # a generator that raises half-way
            return []
    return []


_instrument = operator.attrgetter("instrument")


def _failure(
    pm: PluginManager, plugin: str, subject: str, why: BaseException | str
) -> tuple[AssessorFailure, BaseException | None]:
    """The failure of *plugin* on *subject*: it raised *why*, or *why* says
    what is wrong with its result. With the exception to chain to it."""
    known = pm.record(plugin)
    error = why if isinstance(why, BaseException) else None
    return (
        AssessorFailure(
            plugin=plugin,
            hook=_HOOK,
            error_type="InvalidResult" if error is None else type(error).__name__,
            distribution=known.distribution if known is not None else None,
            version=known.version if known is not None else None,
            subject=subject,
            detail=failure_detail(error) if error is not None else str(why),
        ),
        error,
    )


_PROVENANCE: weakref.WeakKeyDictionary[
    PluginManager,
    tuple[
        tuple[PluginRecord, ...],
        dict[str, AssessorInfo],
        tuple[PluginProvenance, ...],
    ],
] = weakref.WeakKeyDictionary()


def _provenance(
    pm: PluginManager, infos: dict[str, AssessorInfo]
) -> tuple[PluginProvenance, ...]:
    # Immutable and the same for every case while the plugins do not change
    # (the same records and infos objects).
    records = pm._records_sorted()
    cached = _PROVENANCE.get(pm)
    if cached is not None and cached[0] is records and cached[1] is infos:
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


def _take(
    result: object,
    subject: str,
    plugin: str,
    scores: list[Score],
    instruments: set[str],
) -> str | None:
    """Append *result*'s scores to *scores*, stamped with *plugin*, and their
    instruments to *instruments*; or, if any is not a :class:`Score` about
    *subject*, append none and say what is wrong.

    Scores the engine built inside the hook (and ``Score.derived``) already
    carry the plugin's name; the rest are copied with it (not validated again:
    they were when built, and they are frozen).
    """
    if result is None:
        return None
    if type(result) is not list:  # the usual answer is a list: skip the ABC check
        if not isinstance(result, Iterable) or isinstance(result, (str, bytes, dict)):
            return f"returned {type(result).__name__}, expected an iterable of Score"
        try:
            result = list(result)
        except Exception as exc:  # a generator that raises half-way
            return f"raised {type(exc).__name__} while producing scores"
    stamp = False
    for s in result:
        problem = score_problem(s, subject)
        if problem is not None:
            return problem
        if s.plugin != plugin:
            stamp = True
    if stamp:
        result = [s if s.plugin == plugin else s._stamped(plugin) for s in result]
    scores += result
    instruments.update(map(_instrument, result))
    return None


def _finite(s: Score) -> bool:
    v, lo, hi = s.value, s.minimum, s.maximum
    return (
        (v is None or math.isfinite(v))
        and (lo is None or math.isfinite(lo))
        and (hi is None or math.isfinite(hi))
    )


def score_problem(s: object, subject: str) -> str | None:
    """What is wrong with *s* as an item of a ``riskcore_assess`` result about
    *subject*, or ``None``: the one check of a plugin's scores, used by
    :func:`assess` and the conformance kit.

    A score must be a :class:`~riskcore.model.Score` about *subject* with a
    finite value, minimum and maximum (``inf`` or ``NaN`` would be written as
    ``Infinity``/``NaN``, which is not JSON, and compare as no number does).

    >>> from riskcore.model import SubjectKind
    >>> ok = Score(subject="c-1", subject_kind=SubjectKind.CLIENT, instrument="x",
    ...            value=3)
    >>> score_problem(ok, "c-1") is None
    True
    >>> score_problem(ok, "c-2")
    'returned a score about another subject'
    >>> score_problem(Score(subject="c-1", subject_kind=SubjectKind.CLIENT,
    ...                     instrument="x", value=float("inf")), "c-1")
    'returned a score with a non-finite value, minimum or maximum'
    >>> score_problem(3, "c-1")
    'returned a int, expected Score'
    """
    if type(s) is not Score and not isinstance(s, Score):
        return f"returned a {type(s).__name__}, expected Score"
    if s.subject != subject:
        return "returned a score about another subject"
    if not _finite(s):
        return "returned a score with a non-finite value, minimum or maximum"
    return None
