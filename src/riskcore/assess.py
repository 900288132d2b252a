"""Run every assessor over a case, with per-plugin fault isolation.

.. versionadded:: 0.1
"""

from __future__ import annotations

import functools
import operator
import weakref

import attrs

from riskcore.errors import AssessmentError
from riskcore.hookresults import ResultProblem, finite_score, result_items
from riskcore.hookresults import score_problem as _score_problem
from riskcore.io import collector_paused
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
    get_plugin_manager,
)

__all__ = ["assess", "assessor_infos", "score_problem"]


@functools.cache
def _version() -> str:
    from riskcore._version import __version__

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
    plan = pm.hook_state("riskcore_assessor_info")
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
    with collector_paused():  # millions of acyclic objects: see collector_paused
        return _assess(case, pm or get_plugin_manager(), strict)


def _assess(case: Case, pm: PluginManager, strict: bool) -> Assessment:
    failures: list[AssessorFailure] = []

    def fail(f: AssessorFailure, exc: BaseException | None = None) -> None:
        if strict:
            raise AssessmentError(f.summary()) from exc
        failures.append(f)

    for rec in pm.failures:
        error_type = (rec.error or "Error").split(":", 1)[0]
        fail(pm.failure(rec, "load", rec.error or "", error_type=error_type))

    scores: list[Score] = []
    scored: dict[str, set[str]] = {}  # by subject, the instruments scored
    broken: dict[str, list[str]] = {}  # by subject, the plugins that failed on it
    subjects = case.subjects()
    # One hand-over to the plugins' worker for every subject, no HookOutcome
    # per call: (plugin, (result, error, seconds)) per subject, per plugin.
    grid = pm._grid_rows(_HOOK, [{"subject": s, "case": case} for s in subjects])
    for subject, row in zip(subjects, grid, strict=True):
        sid = subject.id
        first = len(scores)  # sid's scores are scores[first:]
        done = scored.setdefault(sid, set())  # the instruments scored for sid
        add = done.add
        failed = False
        for plugin, (result, error, _) in row:
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
                        or not finite_score(s)
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
            # One bad instrument must not leave the subject's others unscored:
            # call each failed plugin again, one instrument's responses at a
            # time. The failure stays recorded (the assessment is incomplete).
            for plugin in broken[sid]:
                _one_instrument_at_a_time(pm, case, subject, plugin, scores)
            scored[sid] = {s.instrument for s in scores[first:]}

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
                pm.failure(
                    culprit or "(none)",
                    _HOOK,
                    f"plugin {culprit} failed on this subject"
                    if culprit
                    else f"no active plugin scored instrument {r.instrument!r}",
                    error_type="UnscoredInstrument",
                    subject=r.subject,
                    instrument=r.instrument,
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
            # the one check of a hook's result (riskcore.hookresults), via _take
            got = result_items(o.result, "Score", "scores")
            if isinstance(got, ResultProblem):
                continue
            if all(isinstance(s, Score) and s.instrument == instrument for s in got):
                _take(got, subject.id, plugin, scores, set())


_instrument = operator.attrgetter("instrument")


def _failure(
    pm: PluginManager, plugin: str, subject: str, why: BaseException | str
) -> tuple[AssessorFailure, BaseException | None]:
    """The failure of *plugin* on *subject*: it raised *why*, or *why* says
    what is wrong with its result. With the exception to chain to it."""
    error = why if isinstance(why, BaseException) else None
    return pm.failure(plugin, _HOOK, why, subject=subject), error


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
    records = pm.sorted_records()
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
    got = result_items(result, "Score", "scores")
    if isinstance(got, ResultProblem):
        return got.text
    stamp = False
    for s in got:
        problem = _score_problem(s, subject)
        if problem is not None:
            return problem.text
        if s.plugin != plugin:
            stamp = True
    if stamp:
        got = [s if s.plugin == plugin else s._stamped(plugin) for s in got]
    scores += got
    instruments.update(map(_instrument, got))
    return None


def score_problem(s: object, subject: str) -> str | None:
    """What is wrong with *s* as an item of a ``riskcore_assess`` result about
    *subject*, or ``None``: the text of
    :func:`riskcore.hookresults.score_problem`, the one check of a plugin's
    scores, used by :func:`assess` and the conformance kit.

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
    problem = _score_problem(s, subject)
    return None if problem is None else problem.text
