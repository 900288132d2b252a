"""From an assessment to a risk register: identify, explain, override, credit controls.

:func:`identify` makes one :class:`~riskcore.model.risk.Risk` per (threat,
subject) whose kind matches the threat's ``scope`` (organisational threats get
one risk, for the practice). Risk factors come from every plugin's
``riskcore_risk_factors``, each call isolated, and from the facts recorded in
the case through the catalog's evidence table (:mod:`riskcore.evidence`);
critical flags lift risks; the
chosen mitigations and responses give residual figures
(:func:`apply_controls`). Formulas are in :mod:`riskcore.calculus`.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

import attrs

from riskcore import _controls, calculus
from riskcore._controls import shown_level
from riskcore.catalog.labels import label
from riskcore.critical import (
    CRITICAL_MAP,
    LIFTS_HOOK,
    critical_findings,
    declared_lifts,
    flag_categories,
)
from riskcore.errors import AssessmentError, FieldError, PluginError
from riskcore.evidence import observation_factors
from riskcore.hookresults import ResultProblem, check_factors
from riskcore.io import collector_paused
from riskcore.model._fast import replacer
from riskcore.model.assessment import Assessment, AssessorFailure
from riskcore.model.case import Case
from riskcore.model.catalog import Catalog, Response, Threat
from riskcore.model.distributions import Param, mean_of
from riskcore.model.factors import RiskFactor
from riskcore.model.plan import ArmedResponse
from riskcore.model.risk import (
    AppliedFactor,
    Modifier,
    Risk,
    RiskMatrix,
    RiskPoint,
    RiskRegister,
)
from riskcore.model.subjects import Subject
from riskcore.plugins import PluginManager, get_plugin_manager

__all__ = [
    "CRITICAL_MAP",
    "HOOK",
    "LIFTS_HOOK",
    "UNSCREENED",
    "ResponseArming",
    "apply_controls",
    "credits",
    "declared_lifts",
    "flag_categories",
    "identify",
    "inherent_point",
    "risk_id",
    "shown_level",
    "unscreened_odds_ratio",
]

HOOK = "riskcore_risk_factors"


UNSCREENED = "riskcore.identify.unscreened"
"""Provenance of the fail-closed factor of an unscreened subject
(:attr:`Threat.unscreened_odds_ratio <riskcore.model.Threat.unscreened_odds_ratio>`)."""


def risk_id(threat: str, subject: str) -> str:
    """The id of the risk of *threat* for *subject*.

    >>> risk_id("burnout", "t-1")
    'burnout:t-1'
    """
    return f"{threat}:{subject}"


def _base_source(t: Threat) -> str:
    # one owner of what a number's label is: riskcore.catalog.labels (an
    # unlabelled number of a catalog that claims a source keeps its citation;
    # `riskcore catalog validate` reports it)
    lab = label(t, "base_likelihood")
    if t.source is not None and (
        lab == "sourced" or (lab is None and not t.illustrative)
    ):
        return t.source.citation
    if t.source is not None:
        return f"illustrative default ({t.source.citation})"
    return "illustrative default"


def credits(odds_ratio: Any, incomplete: Any) -> Any:
    """Is a factor with *odds_ratio* credited on a risk? (the one rule)

    A protective factor (odds ratio below 1) is not credited when the risk's
    assessment is incomplete: missing data never makes a risk look lower.
    Works elementwise on numpy arrays too.

    >>> credits(0.8, True), credits(0.8, False), credits(2.0, True)
    (False, True, True)
    """
    protective = odds_ratio < 1
    if isinstance(protective, bool):
        return not (protective and incomplete)
    return ~(protective & incomplete)  # numpy arrays


def unscreened_odds_ratio(t: Threat) -> float:
    """The fail-closed odds ratio of a subject not screened for *t* (1: none)."""
    return _mean(t.unscreened_odds_ratio, t.id, "unscreened_odds_ratio")


def inherent_point(
    t: Threat,
    odds_ratios: Sequence[float],
    matrix: RiskMatrix,
    *,
    risk: str,
    modifiers: Sequence[Modifier] = (),
) -> RiskPoint:
    """The inherent point of a risk of *t*: its base likelihood moved by the
    credited *odds_ratios* (:func:`riskcore.calculus.combine_odds`) and the
    *modifiers*, at the threat's impact (the one formula, used by
    :func:`identify` and :mod:`riskcore.batch`)."""
    p, i = _inherent_figures(t, odds_ratios, matrix, risk, modifiers)
    return matrix.point(p, i, risk=risk, prefix="inherent.")


def _inherent_figures(
    t: Threat,
    odds_ratios: Sequence[float],
    matrix: RiskMatrix,
    risk: str,
    modifiers: Sequence[Modifier],
) -> tuple[float, float]:
    """The likelihood and impact of :func:`inherent_point`."""
    p = calculus.combine_odds(mean_of(t.base_likelihood), odds_ratios, risk=risk)
    for j, m in enumerate(modifiers):
        p *= calculus.check_probability(
            mean_of(m.probability), risk=risk, field=f"modifiers[{j}].probability"
        )
    return p, _impact(t.impact.value, matrix, t.impact.scale, risk)


def _required_for(response: Response, threat: str, codes: set[str]) -> bool:
    """Does a critical risk of *threat*, lifted by findings *codes*, require *response*?

    It does when the response's trigger names the threat, or when its trigger
    names one of the subject's own findings *and* the response bears on the
    threat (recovers it, or is a pure procedure that recovers nothing, like
    the acute suicide-risk pathway). A client's aggression flag therefore
    requires the de-escalation protocol for in-session aggression, not for
    third-party violence.
    """
    if threat in response.trigger.threats:
        return True
    named = codes & {*response.trigger.flags, *response.trigger.observations}
    bears = not response.recovers or any(e.threat == threat for e in response.recovers)
    return bool(named) and bears


def _subject_incomplete(
    assessment: Assessment,
) -> tuple[tuple[str, ...], dict[str, list[str]]]:
    everyone = [f.summary() for f in assessment.failures if f.subject is None]
    per: dict[str, list[str]] = {}
    for f in assessment.failures:
        if f.subject is not None:
            per.setdefault(f.subject, []).append(f.summary())
    for s in assessment.scores:
        if not s.complete:
            per.setdefault(s.subject, []).append(
                f"{s.instrument}.{s.scale}: {s.missing_reason}"
            )
    return tuple(everyone), per


def identify(
    assessment: Assessment,
    catalog: Catalog,
    case: Case,
    *,
    pm: PluginManager | None = None,
    matrix: RiskMatrix | None = None,
    mitigations: Iterable[str] = (),
    responses: Iterable[ResponseArming] = (),
    modifiers: Iterable[Modifier] = (),
    critical_map: Mapping[str, tuple[str, ...]] | None = None,
    strict: bool = False,
) -> RiskRegister:
    """Build the risk register of *case*.

    Parameters
    ----------
    assessment:
        The output of :func:`riskcore.assess`.
    catalog:
        Threats (with base likelihoods and impacts), mitigations and responses.
    case:
        The case; gives the subjects, observations, ``assessed_on`` and horizon.
    pm:
        Plugin manager; default :func:`riskcore.plugins.get_plugin_manager`.
    matrix:
        Risk matrix; default :meth:`RiskMatrix.default`.
    mitigations, responses:
        Ids of chosen mitigations, and responses armed per subject
        (``(response, subject)`` pairs or
        :class:`~riskcore.model.ArmedResponse`), credited in the residual
        figures (see :func:`apply_controls`).
    modifiers:
        LOPA enabling conditions and conditional modifiers.
    critical_map:
        Replaces both the plugins' ``riskcore_critical_lifts`` declarations
        and the default :data:`CRITICAL_MAP`.
    strict:
        Raise on the first plugin failure instead of recording it
        (:class:`~riskcore.errors.PluginError`; a factor on an unknown threat or
        a threat that has no risk for that subject raises
        :class:`~riskcore.errors.FieldError`).

    Returns
    -------
    RiskRegister
        With :data:`riskcore.calculus.METHOD_VERSION`.

    Examples
    --------
    >>> from riskcore.model import (Case, Catalog, Practice, Professional, Severity,
    ...                             Threat, SubjectKind, Assessment)
    >>> from riskcore.plugins import PluginManager
    >>> cat = Catalog(threats=[Threat(id="burnout", name="Burnout", category="wellbeing",
    ...     scope=SubjectKind.PROFESSIONAL, base_likelihood=0.2, impact=Severity(value=3))])
    >>> case = Case(id="c", practice=Practice(id="p"), professionals=[Professional(id="t-1")])
    >>> reg = identify(Assessment(case_id="c"), cat, case, pm=PluginManager(autoload=False))
    >>> r = reg.risk("burnout:t-1")
    >>> r.inherent.likelihood, r.level, reg.method_version
    (0.2, 'high', 'riskcore-calculus/2')
    """
    # bulk work: many short-lived objects (the one rule: riskcore.io)
    with collector_paused():
        pm = pm or get_plugin_manager()
        matrix = matrix or RiskMatrix.default()
        cmap = CRITICAL_MAP if critical_map is None else critical_map
        threats = {t.id: t for t in catalog.threats}
        failures: list[AssessorFailure] = []
        everyone, per_subject = _subject_incomplete(assessment)
        per_subject = {k: list(v) for k, v in per_subject.items()}

        def fail(f: AssessorFailure, exc: BaseException | None = None) -> None:
            if strict:
                raise PluginError(f.summary()) from exc
            failures.append(f)
            if f.subject is not None:
                per_subject.setdefault(f.subject, []).append(f.summary())

        subjects = case.subjects()
        keys: dict[tuple[str, str], tuple[Threat, Subject]] = {}
        for t in catalog.threats:
            for s in subjects:
                if s.KIND is t.scope:
                    keys[(t.id, s.id)] = (t, s)

        factors = _plugin_factors(pm, assessment, case, subjects, threats, fail, strict)
        # Recorded facts (the catalog's evidence table) are factors like any other.
        for key, got in observation_factors(case, catalog).items():
            factors.setdefault(key, []).extend(got)

        # an explicit table replaces the plugins' declarations too
        declared = declared_lifts(pm, fail) if critical_map is None else {}
        findings = critical_findings(assessment, case, cmap, declared)
        mods = tuple(modifiers)
        for i, m in enumerate(mods):
            if m.threat not in threats:
                raise FieldError(
                    f"modifiers[{i}].threat", m.threat, "is not a threat in the catalog"
                )

        screened = {(sc.subject, sc.instrument) for sc in assessment.scores}
        memo = _controls.Memo(matrix, case.assessed_on)
        risks, plain = _risks(
            keys,
            everyone,
            per_subject,
            factors,
            findings,
            catalog=catalog,
            modifiers=mods,
            memo=memo,
            screened=screened,
        )
        reg = RiskRegister(
            case_id=case.id,
            risks=risks,
            method_version=calculus.METHOD_VERSION,
            matrix=matrix,
            horizon_days=case.horizon_days,
            assessed_on=case.assessed_on,
            failures=failures,
        )
        if strict and not assessment.complete:
            raise AssessmentError("; ".join(assessment.incomplete_reasons))
        del factors, keys, findings, screened  # gone before the collector runs
        mitigations, responses = tuple(mitigations), tuple(responses)
        if plain and not mitigations and not responses:
            # each risk already has the fields apply_controls gives it for no
            # control, and apply_controls would keep it as it is (see _risk)
            return reg
        return apply_controls(
            reg, catalog, mitigations=mitigations, responses=responses
        )


_stamped: Callable[[RiskFactor, str], RiskFactor] = replacer(RiskFactor, ["plugin"])
"""``attrs.evolve(factor, plugin=name)``, generated: ``plugin`` has no
validator, and the other fields were checked when the factor was built."""


def _plugin_factors(
    pm: PluginManager,
    assessment: Assessment,
    case: Case,
    subjects: Sequence[Subject],
    threats: Mapping[str, Threat],
    fail: Callable[..., None],
    strict: bool,
) -> dict[tuple[str, str], list[RiskFactor]]:
    """Each subject's factors from the plugins, by ``(threat, subject)``.

    A plugin that raised, or returned what :func:`riskcore.hookresults.check_factors`
    refuses, is recorded through *fail* (which raises in strict mode).
    """
    factors: dict[tuple[str, str], list[RiskFactor]] = {}
    calls = [
        {"subject": s, "scores": assessment.for_subject(s.id), "case": case}
        for s in subjects
    ]
    # the calls of call_many, read as (plugin, (result, error, seconds)) pairs
    # without a HookOutcome per call (as riskcore.assess reads them)
    rows = pm._grid_rows(HOOK, calls)
    for s, row in zip(subjects, rows, strict=True):
        for plugin, (result, error, _) in row:
            if error is not None:
                fail(pm.failure(plugin, HOOK, error, subject=s.id), error)
                continue
            # the one check of a plugin's factors, shared with the conformance kit
            got = check_factors(result, s, threats, plugin=plugin)
            if isinstance(got, ResultProblem):
                if strict and got.error is not None:
                    raise got.error
                fail(pm.failure(plugin, HOOK, got.text, subject=s.id))
                continue
            for f in got:
                factors.setdefault((f.threat, s.id), []).append(_stamped(f, plugin))
    return factors


_Key = tuple[object, ...]


def _factors_key(factors: Sequence[RiskFactor]) -> tuple[object, ...] | None:
    """What of *factors* reaches a risk (:func:`_applied`), as a key: equal
    keys give equal factors, written out the same; ``None`` when a value is
    not of a type whose equal values are written alike (never shared)."""
    out: list[object] = []
    for f in factors:
        o, reason, plugin, score = f.odds_ratio, f.reason, f.plugin, f.score
        if (
            type(o) is not float
            or type(reason) is not str
            or (plugin is not None and type(plugin) is not str)
            or (score is not None and type(score) is not str)
        ):
            return None
        out.append((o, reason, plugin, score, id(f.source)))  # a source by identity
    return tuple(out)


def _risks(
    keys: Mapping[tuple[str, str], tuple[Threat, Subject]],
    everyone: tuple[str, ...],
    per_subject: Mapping[str, list[str]],
    factors: Mapping[tuple[str, str], list[RiskFactor]],
    findings: Mapping[str, list[tuple[str, str, str]]],
    *,
    catalog: Catalog,
    modifiers: tuple[Modifier, ...],
    memo: _controls.Memo,
    screened: Collection[tuple[str, str]],
) -> tuple[list[Risk], bool]:
    """The risk of each of *keys*, in order, and whether every risk's
    inherent point is the one :meth:`riskcore._controls.Memo.made` vouches for.

    A risk is a function of its threat and of its subject's inputs: the
    subject's incomplete reasons, whether it was screened for the threat,
    its factors, its critical findings on the threat's category and the
    modifiers that reach it. Subjects alike in all of these (many, in a
    practice) get one risk built by :func:`_risk`, copied for the others
    with their own id and subject (:func:`_same_inputs`, both checked).
    """
    by_threat: dict[str, list[Modifier]] = {}
    for m in modifiers:
        by_threat.setdefault(m.threat, []).append(m)
    hits_of: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for sid, got in findings.items():  # by category and subject, in order
        for cat, r, code in got:
            hits_of.setdefault(cat, {}).setdefault(sid, []).append((r, code))
    found = {c: {k: tuple(v) for k, v in d.items()} for c, d in hits_of.items()}
    factors_of: dict[str, dict[str, list[RiskFactor]]] = {}  # by threat, subject
    for (tid, sid), got_fs in factors.items():
        factors_of.setdefault(tid, {})[sid] = got_fs
    tested: dict[tuple[str, ...], set[str]] = {}  # subjects with a score of any
    scored_by: dict[str, set[str]] | None = None
    incomplete: dict[str, tuple[str, ...]] = {}  # per subject, equal ones shared
    alike: dict[tuple[str, ...], tuple[str, ...]] = {}
    first: dict[str, Risk] = {}  # each threat's first risk
    made: dict[_Key, Risk] = {}  # one risk per threat and inputs
    valid: set[str] = set()  # subject ids a risk of which has been checked
    plain = True
    risks: list[Risk] = []
    at: Threat | None = None  # the threat of the risks in hand (keys: by threat)
    no_factors: dict[str, list[RiskFactor]] = {}
    no_hits: dict[str, tuple[tuple[str, str], ...]] = {}
    for (tid, sid), (t, s) in keys.items():
        if t is not at:  # what is the same for every subject of the threat
            at = t
            t_factors = factors_of.get(tid, no_factors)
            t_hits = found.get(t.category, no_hits)
            tmods = by_threat.get(tid)
            t_tested = None
            if t.screened_by:
                t_tested = tested.get(t.screened_by)
                if t_tested is None:
                    if scored_by is None:  # subjects by instrument, once
                        scored_by = {}
                        for x, i in screened:
                            scored_by.setdefault(i, set()).add(x)
                    t_tested = tested[t.screened_by] = set().union(
                        *(scored_by.get(i, ()) for i in set(t.screened_by))
                    )
        inc = incomplete.get(sid)
        if inc is None:
            inc = (*everyone, *per_subject.get(sid, ()))
            inc = incomplete[sid] = alike.setdefault(inc, inc)
        fs: Sequence[RiskFactor] = t_factors.get(sid) or ()
        hits = t_hits.get(sid, ())
        rmods = tuple(m for m in tmods if m.subject in (None, sid)) if tmods else ()
        fkey = _factors_key(fs) if fs else ()
        key: _Key | None = None
        if fkey is not None:
            unscreened = t_tested is not None and sid not in t_tested
            key = (tid, unscreened, id(inc), fkey, hits, tuple(map(id, rmods)))
            template = made.get(key)
            if template is not None:
                rid = risk_id(tid, sid)
                if len(rid) <= _ID_MAX and sid in valid:
                    risks.append(_shown_valid(template, rid, sid))
                else:  # checks them (and raises as Risk(...) does)
                    risks.append(_same_inputs(template, rid, sid))
                    valid.add(sid)
                continue
        risk = _risk(
            t,
            s,
            list(inc),
            fs,
            hits,
            catalog=catalog,
            rmods=rmods,
            memo=memo,
            screened=screened,
            first=first,
        )
        plain = plain and memo.made(risk.inherent)
        valid.add(sid)
        if key is not None:
            made[key] = risk
        risks.append(risk)
    return risks, plain


_same_inputs: Callable[[Risk, str, str], Risk] = replacer(Risk, ["id", "subject"])
"""The risk of another subject with the same inputs on the same threat: its
own id and subject, both checked, and every other field the same
(:func:`riskcore.model._fast.replacer`)."""

_shown_valid: Callable[[Risk, str, str], Risk] = replacer(
    Risk, ["id", "subject"], unchecked=["id", "subject"]
)
""":data:`_same_inputs` for an id and subject already shown valid.

The subject's id was checked on an earlier risk (the threat's own id too:
on its first risk, built whole), so both match
:data:`~riskcore.model._fields.ID_PATTERN`; the risk id joins them with ``:``,
a character the pattern allows after the first, so it matches too exactly
when it has at most :data:`_ID_MAX` characters (``tests/test_identify_alike.py``
checks the equivalence). Any other goes through :data:`_same_inputs`."""

_ID_MAX = 80
"""The longest identifier :data:`~riskcore.model._fields.ID_PATTERN` allows."""


def _applied(
    t: Threat,
    sid: str,
    incomplete: list[str],
    factors: Sequence[RiskFactor],
    screened: Collection[tuple[str, str]],
) -> list[AppliedFactor]:
    """The factors applied to one risk; appends to *incomplete* when unscreened.

    An unscreened threat counts as a positive screen (fail closed); a
    protective factor from an incomplete assessment is shown but not credited.
    """
    applied = []
    if t.screened_by and not any((sid, i) in screened for i in t.screened_by):
        incomplete.append(
            f"not screened for {t.id}: no score from " + " or ".join(t.screened_by)
        )
        unscreened = unscreened_odds_ratio(t)
        if unscreened > 1.0:
            applied.append(
                AppliedFactor(
                    odds_ratio=unscreened,
                    reason="not screened: counted as a positive screen until "
                    "one is given (fail closed)",
                    plugin=UNSCREENED,
                    source=t.source,
                )
            )
    for f in factors:
        credited = credits(f.odds_ratio, bool(incomplete))
        note = "" if credited else "protective factor from an incomplete assessment"
        applied.append(
            AppliedFactor(
                odds_ratio=f.odds_ratio,
                reason=f.reason,
                plugin=f.plugin,
                source=f.source,
                score=f.score,
                credited=credited,
                note=note,
            )
        )
    return applied


def _risk(
    t: Threat,
    s: Subject,
    incomplete: list[str],
    factors: Sequence[RiskFactor],
    hits: Sequence[tuple[str, str]],
    *,
    catalog: Catalog,
    rmods: tuple[Modifier, ...],
    memo: _controls.Memo,
    screened: Collection[tuple[str, str]],
    first: dict[str, Risk],
) -> Risk:
    """One threat's risk for one subject, with no control credited.

    *hits* are the subject's critical findings on the threat's category, as
    ``(reason, flag code)`` pairs; *rmods* the modifiers that reach the risk.
    Built once: with no control, its residual,
    all-safeguards and current figures are its inherent ones (what
    :func:`apply_controls` gives a risk no control reaches, which then keeps it
    as it is). The threat's first risk (kept in *first*) is built by
    :meth:`Risk.fast`, every field checked; the others by :func:`_per_subject`
    from it, checking the fields that differ (the threat's own fields are the
    same objects, checked once).
    """
    sid = s.id
    rid = risk_id(t.id, sid)
    applied = _applied(t, sid, incomplete, factors, screened)
    crit = [reason for reason, _ in hits]
    required: list[str] = []
    if crit:
        codes = {code for _, code in hits} - {""}
        required = sorted(
            r.id for r in catalog.responses if _required_for(r, t.id, codes)
        )
    matrix = memo.matrix
    p, i = _inherent_figures(
        t, [f.odds_ratio for f in applied if f.credited], matrix, rid, rmods
    )
    point = memo.point(p, i, rid, "inherent.")
    # the fields apply_controls sets, for no control (one owner: _controls)
    level, planned_level, within, days, due = memo.shown(
        point.level, point.level, bool(crit)
    )
    template = first.get(t.id)
    if template is not None:
        return _per_subject(
            template,
            rid,
            sid,
            s.KIND,
            applied,
            rmods,
            point,
            point,
            point,
            point,
            level,
            level,
            planned_level,
            within,
            bool(crit),
            tuple(dict.fromkeys(crit)),
            bool(crit),
            required,
            bool(incomplete),
            tuple(dict.fromkeys(incomplete)),
            days,
            due,
        )
    first[t.id] = risk = Risk.fast(
        rid,
        t.id,
        t.name,
        t.category,
        sid,
        s.KIND,
        t.base_likelihood,
        _base_source(t),
        t.illustrative,
        t.impact,
        t.guarded,
        applied,
        rmods,
        (),  # layers
        point,  # inherent
        point,  # residual
        point,  # residual_all
        point,  # current
        level,  # inherent_level: shown, as the level
        level,
        planned_level,
        matrix.tolerance,  # target
        within,
        bool(crit),
        tuple(dict.fromkeys(crit)),
        bool(crit),  # response_required
        required,
        bool(incomplete),
        tuple(dict.fromkeys(incomplete)),
        (),  # control_notes
        days,
        due,
    )
    return risk


_per_subject: Callable[..., Risk] = replacer(
    Risk,
    [
        "id",
        "subject",
        "subject_kind",
        "factors",
        "modifiers",
        "inherent",
        "residual",
        "residual_all",
        "current",
        "inherent_level",
        "level",
        "planned_level",
        "within_tolerance",
        "critical",
        "critical_reasons",
        "response_required",
        "required_responses",
        "incomplete",
        "incomplete_reasons",
        "review_days",
        "next_review",
    ],
)
"""A risk of the threat of a (checked) *template* risk for another subject:
the fields that depend on the subject replaced and checked, the threat's
own (its id, name, category, base likelihood and its source, impact, target)
copied (see :func:`riskcore.model._fast.replacer`)."""


def _impact(value: Param, matrix: RiskMatrix, scale: str, rid: str) -> float:
    if scale != matrix.impact_scale:
        raise FieldError(
            f"{rid}.impact.scale",
            scale,
            f"does not match the matrix scale {matrix.impact_scale!r}",
        )
    return _mean(value, rid, "impact.value")


def _mean(value: Param, rid: str, field: str) -> float:
    try:
        m = mean_of(value)
    except OverflowError:
        m = math.inf
    if not math.isfinite(m):
        raise FieldError(f"{rid}.{field}", value, "has no finite mean")
    return m


ResponseArming = ArmedResponse | tuple[str, str | None]
"""A response armed for one subject: an :class:`~riskcore.model.ArmedResponse`
or a ``(response id, subject id)`` pair. It is credited only on the risks of
that subject (for the practice, its id, as :func:`riskcore.responses.arm`
gives); ``subject=None`` names no subject and is credited nowhere, as in the
planner."""


def apply_controls(
    register: RiskRegister,
    catalog: Catalog,
    *,
    mitigations: Iterable[str] = (),
    responses: Iterable[ResponseArming] = (),
    in_place: Iterable[str] = (),
) -> RiskRegister:
    r"""Recompute residual figures, levels and review dates for chosen controls.

    Every figure comes from :func:`riskcore.calculus.credit`, the one
    crediting rule (``docs/crediting.md``): layers on one side of a risk that
    share a dependency form a common-cause group, ``residual`` credits the best
    layer of each group, ``residual_all`` every layer.

    Per person
        A response is credited only on the risks of the subject it was armed
        for (*responses* are ``(response, subject)`` pairs or
        :class:`~riskcore.model.ArmedResponse`\ s); a response whose required
        mitigations are not all planned is not credited.
    Over time
        A mitigation is in force from the day it finishes in the dependency
        schedule (:func:`riskcore.graph.schedule`: its start after its
        prerequisites, plus its ``duration_days``); *in_place* mitigations are
        in force today. A response is in force once its required mitigations
        are. ``current`` and ``level`` credit only what is in force today;
        ``residual``, ``residual_all`` and ``planned_level`` credit the whole
        plan. A critical risk never shows below the matrix's critical floor
        and is reviewed at least every ``critical_review_days``.

    Unknown ids raise :class:`~riskcore.errors.FieldError`.

    Examples
    --------
    Two preventive layers that rely on the same phone form one common-cause
    group: the strict figure credits the better one only.

    >>> from riskcore.model import (Assessment, Case, Catalog, Effect, Mitigation,
    ...                             Practice, Professional, Severity, SubjectKind, Threat)
    >>> from riskcore.plugins import PluginManager
    >>> cat = Catalog(
    ...     threats=[Threat(id="burnout", name="Burnout", category="wellbeing",
    ...                     scope=SubjectKind.PROFESSIONAL, base_likelihood=0.2,
    ...                     impact=Severity(value=3))],
    ...     mitigations=[
    ...         Mitigation(id="alarm", name="Alarm", category="x", resources=["phone"],
    ...                    duration_days=30, reduces=[Effect(threat="burnout", effectiveness=0.6)]),
    ...         Mitigation(id="check-in", name="Check-in", category="x", resources=["phone"],
    ...                    reduces=[Effect(threat="burnout", effectiveness=0.3)])])
    >>> case = Case(id="c", practice=Practice(id="p"), professionals=[Professional(id="t-1")])
    >>> reg = identify(Assessment(case_id="c"), cat, case, pm=PluginManager(autoload=False))
    >>> r = apply_controls(reg, cat, mitigations=["alarm", "check-in"]).risk("burnout:t-1")
    >>> round(r.residual.likelihood, 4), round(r.residual_all.likelihood, 4)
    (0.08, 0.056)
    >>> [(lay.id, lay.credited, lay.in_force_day) for lay in r.layers]
    [('alarm', True, 30.0), ('check-in', False, 0.0)]

    The alarm takes 30 days to install; until then only the check-in is in
    force, so today's figure credits the check-in:

    >>> round(r.current.likelihood, 4), round(r.inherent.likelihood, 4)
    (0.14, 0.2)
    """
    with collector_paused():  # bulk work (the one rule: riskcore.io)
        ctl = _controls.controls(catalog, mitigations, responses, in_place)
        memo = _controls.Memo(register.matrix, register.assessed_on)
        return attrs.evolve(
            register,
            risks=_controls.credited(register.risks, ctl, memo),
            mitigations=ctl.mids,
            in_place=ctl.placed,
            responses=ctl.responses,
        )
