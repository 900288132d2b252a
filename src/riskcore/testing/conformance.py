"""The conformance check: one call that tells a plugin author what to fix.

:func:`check_assessor` registers a plugin in a fresh, strict
:class:`~riskcore.plugins.PluginManager` (no autoload) and checks, in order:

1. **hookimpls**: every ``riskcore_*`` function is a decorated hookimpl that
   matches a hook spec (name and arguments), and no hook wrapper is used;
2. **metadata**: ``riskcore_assessor_info`` returns a complete
   :class:`~riskcore.model.AssessorInfo` (name, summary, instruments, threats,
   subject kinds); every instrument it names has an
   :class:`~riskcore.instruments.InstrumentSpec` from ``riskcore_instruments``
   with a citation and a licence note (or is declared rule-based); every threat
   is in the catalog;
3. for random valid inputs drawn from the instrument specs (Hypothesis,
   derandomized so CI is reproducible):

   * ``riskcore_assess`` returns :class:`~riskcore.model.Score` objects about the
     subject it was given, of the right kind, within the scale's declared range,
     and one for every response to a declared instrument;
   * the same input gives the same output (**determinism**);
   * raising one answer never moves a scale the wrong way (**monotone**, in the
     direction the spec declares: reverse keying and a negative transform slope
     flip it);
   * too many missing items give ``value=None``, never a low number;
   * an **invalid** answer invalidates its item, not the response (issue 14):
     the scales holding it are not complete (a ``missing_reason`` names the
     item), and every critical flag the engine raises (an invalid critical
     item's flag included) is kept; raising loses them;
   * ``riskcore_risk_factors`` returns factors about the subject, only on the
     threats ``AssessorInfo.threats`` declares;
   * **fairness**: changing only protected attributes (culture, ethnicity,
     religion, languages, gender) never moves a factor on an aggression or
     self-harm threat (:data:`~riskcore.model.GUARDED_CATEGORIES`), nor the scores
     those factors cite (counterfactual invariance);
4. **columnar**: each spec's object and columnar scoring paths agree on the
   generated responses.

Every problem is a :class:`Finding` whose message is a sentence saying what
went wrong and what to change.

.. versionadded:: 0.1
"""

from __future__ import annotations

import importlib.metadata
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
from attrs import field, frozen

from riskcore.errors import CatalogError, PluginError
from riskcore.instruments import InstrumentResult, InstrumentSpec, score_items
from riskcore.model import (
    GUARDED_CATEGORIES,
    PROTECTED_FIELDS,
    AssessorInfo,
    Case,
    Client,
    InstrumentResponse,
    Practice,
    Professional,
    ProtectedAttributes,
    RiskFactor,
    Score,
    Subject,
    SubjectKind,
)
from riskcore.plugins import ENTRY_POINT_GROUP, HookOutcome, PluginManager

__all__ = [
    "CHECKS",
    "ConformanceError",
    "ConformanceReport",
    "Finding",
    "assert_conforms",
    "check_assessor",
    "paths_disagree",
]

CHECKS = (
    "hookimpls",
    "metadata",
    "instruments",
    "crash",
    "result",
    "subject",
    "range",
    "unscored",
    "determinism",
    "monotone",
    "missing-data",
    "invalid-input",
    "threats",
    "fairness",
    "columnar",
)
"""Names of the checks, in the order they run (:attr:`Finding.check`)."""

_RESPONDENT = {
    SubjectKind.CLIENT: "c-1",
    SubjectKind.PROFESSIONAL: "t-1",
    SubjectKind.PRACTICE: "p",
}
_HOOKS_DOC = "see docs/reference/hooks.md"


class ConformanceError(AssertionError):
    """Raised by :func:`assert_conforms`; the message lists every finding."""


@frozen(kw_only=True)
class Finding:
    """One conformance problem.

    ``check`` is one of :data:`CHECKS`; ``message`` is a sentence telling the
    author what to fix; ``count`` is how many times the checks saw it (the message
    describes the first).
    """

    check: str
    message: str
    count: int = 1

    def __str__(self) -> str:
        times = f" (seen {self.count} times)" if self.count > 1 else ""
        return f"[{self.check}] {self.message}{times}"


@frozen(kw_only=True)
class ConformanceReport:
    """What :func:`check_assessor` found.

    ``ok`` is true when there are no findings. ``str(report)`` is a readable
    summary; ``notes`` are things that were not checked, and why.
    """

    plugin: str
    findings: tuple[Finding, ...] = field(factory=tuple)
    info: AssessorInfo | None = None
    instruments: tuple[str, ...] = field(factory=tuple)
    distribution: str | None = None
    version: str | None = None
    examples: int = 0
    notes: tuple[str, ...] = field(factory=tuple)
    waived: tuple[Finding, ...] = field(factory=tuple)
    """Findings of checks waived by name (``check_assessor(waive=...)``);
    they do not count against :attr:`ok`.

    .. versionadded:: 0.1
    """
    waivers: tuple[tuple[str, str], ...] = field(factory=tuple)
    """``(check, reason)`` of every waiver asked for, printed in the summary."""

    @property
    def ok(self) -> bool:
        """True if the plugin passed every check."""
        return not self.findings

    def by_check(self, check: str) -> tuple[Finding, ...]:
        """The findings of one check."""
        return tuple(f for f in self.findings if f.check == check)

    def __str__(self) -> str:
        where = f" ({self.distribution} {self.version})" if self.distribution else ""
        if self.ok:
            head = (
                f"riskcore plugin {self.plugin!r}{where} conforms "
                f"({self.examples} generated examples)"
            )
        else:
            n = len(self.findings)
            head = (
                f"riskcore plugin {self.plugin!r}{where} does not conform: "
                f"{n} problem{'s' if n != 1 else ''}"
            )
        lines = [head]
        lines += [f"  - {f}" for f in self.findings]
        for check, reason in self.waivers:
            n = sum(f.count for f in self.waived if f.check == check)
            seen = (
                f"{n} finding{'s' if n != 1 else ''} waived"
                if n
                else "nothing to waive"
            )
            lines.append(f"  waived [{check}] ({seen}): {reason}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


# ----------------------------------------------------------------- helpers


class _Sink:
    """Collects findings, keeping the first message per key and a count."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], list[Any]] = {}

    def add(self, check: str, message: str, key: str | None = None) -> None:
        k = (check, key if key is not None else message)
        if k in self._items:
            self._items[k][1] += 1
        else:
            self._items[k] = [message, 1]

    def findings(self) -> tuple[Finding, ...]:
        order = {c: i for i, c in enumerate(CHECKS)}
        out = [
            Finding(check=c, message=m, count=n)
            for (c, _), (m, n) in self._items.items()
        ]
        return tuple(sorted(out, key=lambda f: order.get(f.check, len(order))))


def _score_problem(s: Score, subject: str) -> str | None:
    from riskcore.assess import score_problem

    return score_problem(s, subject)


def _who(subject: Subject) -> str:
    return f"{subject.KIND.value} {subject.id!r}"


def _call(pm: PluginManager, hook: str, name: str, **kwargs: Any) -> HookOutcome | None:
    """The plugin's outcome of *hook*, or ``None`` if it does not implement it."""
    for o in pm.call_each(hook, **kwargs):
        if o.plugin == name:
            return o
    return None


def _as_list(result: object) -> list[Any] | str:
    """The result as a list, or a description of why it is not an iterable."""
    if result is None:
        return []
    if not isinstance(result, Iterable) or isinstance(result, (str, bytes, dict)):
        return f"returned a {type(result).__name__}"
    try:
        return list(result)
    except Exception as exc:
        return f"raised {type(exc).__name__} while producing its results ({exc})"


def _distribution(plugin: object) -> tuple[str | None, str | None]:
    module = getattr(plugin, "__name__", None)
    if not isinstance(module, str):
        return None, None
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.value == module or ep.module == module:
            dist = getattr(ep, "dist", None)
            if dist is not None:
                return dist.name, dist.version
    return None, None


def _response_text(r: InstrumentResponse) -> str:
    return f"{r.instrument} answers {dict(r.items)!r}"


@frozen(kw_only=True)
class _Example:
    kind: SubjectKind
    client: Client
    professional: Professional
    responses: tuple[InstrumentResponse, ...]
    alt_protected: ProtectedAttributes
    alt_languages: tuple[str, ...]
    pick: int  # which spec the missing / invalid / monotone probes use
    bump: int  # which item of that spec the monotone probe raises
    missing: InstrumentResponse | None
    invalid: InstrumentResponse | None

    def case(self, *responses: InstrumentResponse, fair: bool = False) -> Case:
        client, prof = self.client, self.professional
        if fair:
            client = attrs.evolve(client, protected=self.alt_protected)
            prof = attrs.evolve(prof, languages=self.alt_languages)
        return Case(
            id="conformance",
            practice=Practice(id="p"),
            professionals=[prof],
            clients=[client],
            responses=responses or self.responses,
            synthetic=True,
        )


# ----------------------------------------------------------------- the checker


class _Checker:
    def __init__(
        self,
        pm: PluginManager,
        name: str,
        info: AssessorInfo,
        specs: Sequence[InstrumentSpec],
        catalog_threats: Mapping[str, str],
        sink: _Sink,
    ) -> None:
        self.pm = pm
        self.name = name
        self.info = info
        self.specs = list(specs)
        self.by_id = {s.id: s for s in specs}
        self.threats = catalog_threats  # id -> category
        self.sink = sink
        self.has_factors = any(
            hc.name == "riskcore_risk_factors"
            for hc in pm.pluggy.get_hookcallers(pm.pluggy.get_plugin(name)) or ()
        )

    # -- one subject ------------------------------------------------------

    def assess(
        self, subject: Subject, case: Case, context: str
    ) -> list[Score] | BaseException:
        """The plugin's scores (stamped with its name), or the error it raised."""
        o = _call(self.pm, "riskcore_assess", self.name, subject=subject, case=case)
        if o is None:
            return []
        if o.error is not None:
            return o.error
        got = _as_list(o.result)
        if isinstance(got, str):
            self.sink.add(
                "result",
                f"riskcore_assess {got} while assessing {_who(subject)}: return a "
                "list of Score objects, or None",
                key="assess-type",
            )
            return []
        out = []
        for s in got:
            if not isinstance(s, Score):
                self.sink.add(
                    "result",
                    f"riskcore_assess returned a {type(s).__name__} while assessing "
                    f"{_who(subject)}: return only riskcore.model.Score objects",
                    key="assess-item",
                )
                continue
            if s.subject != subject.id:
                self.sink.add(
                    "subject",
                    f"riskcore_assess returned a Score about subject {s.subject!r} "
                    f"while assessing {subject.id!r}: return only scores about the "
                    "subject you were given",
                    key="assess-subject",
                )
                continue
            problem = _score_problem(s, subject.id)  # the engine's own check
            if problem is not None:
                self.sink.add(
                    "result",
                    f"riskcore_assess {problem} while assessing {_who(subject)}: "
                    "return finite numbers (value=None with a missing_reason when "
                    "there is none)",
                    key="assess-invalid",
                )
                continue
            if s.subject_kind is not subject.KIND:
                self.sink.add(
                    "subject",
                    f"riskcore_assess returned a Score with subject_kind "
                    f"{s.subject_kind.value!r} about {_who(subject)}: set "
                    "subject_kind=subject.KIND",
                    key="assess-kind",
                )
            out.append(attrs.evolve(s, plugin=self.name))
        return out

    def factors(
        self, subject: Subject, scores: list[Score], case: Case, context: str
    ) -> list[RiskFactor]:
        o = _call(
            self.pm,
            "riskcore_risk_factors",
            self.name,
            subject=subject,
            scores=tuple(scores),
            case=case,
        )
        if o is None:
            return []
        if o.error is not None:
            e = o.error
            self.sink.add(
                "crash",
                f"riskcore_risk_factors raised {type(e).__name__} ({e}) for "
                f"{_who(subject)} given {context}: handle every score your "
                "assessor can produce, including incomplete ones (value=None)",
                key="factors-crash",
            )
            return []
        got = _as_list(o.result)
        if isinstance(got, str):
            self.sink.add(
                "result",
                f"riskcore_risk_factors {got} for {_who(subject)}: return a list "
                "of RiskFactor objects, or None",
                key="factors-type",
            )
            return []
        out = []
        for f in got:
            if not isinstance(f, RiskFactor):
                self.sink.add(
                    "result",
                    f"riskcore_risk_factors returned a {type(f).__name__} for "
                    f"{_who(subject)}: return only riskcore.model.RiskFactor objects",
                    key="factors-item",
                )
                continue
            if f.subject != subject.id:
                self.sink.add(
                    "subject",
                    f"riskcore_risk_factors returned a factor about subject "
                    f"{f.subject!r} while given {subject.id!r}: return only "
                    "factors about the subject you were given",
                    key="factors-subject",
                )
                continue
            if f.threat not in self.info.threats:
                self.sink.add(
                    "threats",
                    f"riskcore_risk_factors returned a factor on threat {f.threat!r}, "
                    "which AssessorInfo.threats does not declare: add it to "
                    "threats= in riskcore_assessor_info, or stop returning it",
                    key=f"undeclared-{f.threat}",
                )
            out.append(f)
        return out

    # -- a whole case -----------------------------------------------------

    def run(
        self, case: Case, context: str
    ) -> dict[str, tuple[list[Score], list[RiskFactor]]] | None:
        scores: dict[str, list[Score]] = {}
        for subject in case.subjects():
            got = self.assess(subject, case, context)
            if isinstance(got, BaseException):
                self.sink.add(
                    "crash",
                    f"riskcore_assess raised {type(got).__name__} ({got}) while "
                    f"assessing {_who(subject)} given valid input ({context}): "
                    "valid answers must be scored, not rejected",
                    key="assess-crash",
                )
                return None
            scores[subject.id] = got
        out = {}
        for subject in case.subjects():
            facs = self.factors(subject, scores[subject.id], case, context)
            out[subject.id] = (scores[subject.id], facs)
        return out

    # -- the checks on one example ------------------------------------------

    def example(self, ex: _Example) -> None:
        context = "; ".join(_response_text(r) for r in ex.responses) or "no responses"
        case = ex.case()
        first = self.run(case, context)
        if first is None:
            return
        self.check_range_and_coverage(case, first)
        again = self.run(ex.case(), context)
        if again is not None and again != first:
            self.sink.add(
                "determinism",
                "the same case gave different results on a second call "
                f"({context}): results must depend only on the subject and the "
                "case (no clock, randomness, caching or global state)",
                key="determinism",
            )
        self.check_fairness(ex, first, context)
        if self.specs:
            self.check_monotone(ex, first)
            self.check_missing(ex)
            self.check_invalid(ex)

    def _spec_scores(
        self, scores: Iterable[Score], spec: InstrumentSpec
    ) -> dict[str, Score]:
        out: dict[str, Score] = {}
        for s in scores:
            if s.instrument == spec.id and s.scale in spec.scale_names:
                out.setdefault(s.scale, s)
        return out

    def check_range_and_coverage(
        self, case: Case, result: Mapping[str, tuple[list[Score], list[RiskFactor]]]
    ) -> None:
        for r in case.responses:
            scores, _ = result[r.subject]
            spec = self.by_id[r.instrument]
            if not any(s.instrument == r.instrument for s in scores):
                self.sink.add(
                    "unscored",
                    f"riskcore_assess returned no score for the valid "
                    f"{r.instrument!r} response of {_who(case.subject(r.subject))}: "
                    "score every response to an instrument you declare "
                    "(riskcore.assess reports unscored responses as failures)",
                    key=f"unscored-{r.instrument}-{r.subject}",
                )
            for scale, s in self._spec_scores(scores, spec).items():
                plan = spec.scale(scale)
                if s.value is not None and not (
                    plan.minimum <= s.value <= plan.maximum
                ):
                    self.sink.add(
                        "range",
                        f"riskcore_assess returned {spec.id}.{scale} = {s.value:g} "
                        f"for {_response_text(r)}, outside the range "
                        f"[{plan.minimum:g}, {plan.maximum:g}] its InstrumentSpec "
                        "declares: score with spec.to_scores(response, subject.KIND)",
                        key=f"range-{spec.id}-{scale}",
                    )

    def check_fairness(
        self,
        ex: _Example,
        first: Mapping[str, tuple[list[Score], list[RiskFactor]]],
        context: str,
    ) -> None:
        alt = self.run(ex.case(fair=True), context)
        if alt is None:
            return
        guarded = {t for t, c in self.threats.items() if c in GUARDED_CATEGORIES}
        for sid, (scores, facs) in first.items():
            a_scores, a_facs = alt[sid]
            mine = sorted((f.threat, f.odds_ratio) for f in facs if f.threat in guarded)
            theirs = sorted(
                (f.threat, f.odds_ratio) for f in a_facs if f.threat in guarded
            )
            if mine != theirs:
                moved = sorted({t for t, _ in mine} ^ {t for t, _ in theirs}) or sorted(
                    {t for t, _ in mine}
                )
                self.sink.add(
                    "fairness",
                    f"riskcore_risk_factors moved {', '.join(moved)} for subject "
                    f"{sid!r} (odds ratios {[o for _, o in mine]} -> "
                    f"{[o for _, o in theirs]}) when only protected attributes "
                    f"changed ({', '.join(PROTECTED_FIELDS)}): factors on "
                    "aggression and self-harm threats must never depend on them",
                    key=f"fair-factors-{sid}",
                )
            cited = {
                f.score for f in (*facs, *a_facs) if f.threat in guarded and f.score
            }
            for name in sorted(cited):
                before = [
                    (s.value, s.band, s.flags)
                    for s in scores
                    if f"{s.instrument}.{s.scale}" == name
                ]
                after = [
                    (s.value, s.band, s.flags)
                    for s in a_scores
                    if f"{s.instrument}.{s.scale}" == name
                ]
                if before != after:
                    self.sink.add(
                        "fairness",
                        f"riskcore_assess changed {name} for subject {sid!r} when "
                        "only protected attributes changed, and a factor on an "
                        "aggression or self-harm threat cites it: scores behind "
                        "those factors must never depend on protected attributes",
                        key=f"fair-scores-{name}",
                    )

    def check_monotone(
        self,
        ex: _Example,
        first: Mapping[str, tuple[list[Score], list[RiskFactor]]],
    ) -> None:
        spec = self.specs[ex.pick % len(self.specs)]
        [resp] = [r for r in ex.responses if r.instrument == spec.id]
        plan = spec._plan
        j = ex.bump % len(plan.ids)
        k = plan.ids[j]
        code = resp.items[k]
        if not isinstance(code, int | float) or code >= plan.hi[j]:
            return  # unanswered (or invalid): nothing to bump
        bumped = attrs.evolve(resp, items={**resp.items, k: code + 1})
        others = [r for r in ex.responses if r is not resp]
        case = ex.case(*others, bumped)
        subject = case.subject(resp.subject)
        got = self.assess(subject, case, _response_text(bumped))
        if isinstance(got, BaseException):
            return  # reported as a crash on valid input by run()
        before = self._spec_scores(first[resp.subject][0], spec)
        after = self._spec_scores(got, spec)
        sign = (-1 if plan.rev[j] else 1) * (1 if plan.slope > 0 else -1)
        for scale, s0 in before.items():
            s1 = after.get(scale)
            if j not in spec.scale(scale).index:
                continue
            if s1 is None or s0.value is None or s1.value is None:
                continue
            if (s1.value - s0.value) * sign < -1e-9:
                way = "up" if sign > 0 else "down"
                self.sink.add(
                    "monotone",
                    f"riskcore_assess is not monotone on {spec.id}.{scale}: raising "
                    f"item {k} from {code} to {code + 1} moved it from "
                    f"{s0.value:g} to {s1.value:g}, but the InstrumentSpec "
                    f"(reverse keying and transform) says it can only go {way}: "
                    "score with the spec, or fix its reverse= and transform=",
                    key=f"monotone-{spec.id}-{scale}",
                )

    def check_missing(self, ex: _Example) -> None:
        resp = ex.missing
        assert resp is not None
        spec = self.by_id[resp.instrument]
        others = [r for r in ex.responses if r.instrument != spec.id]
        case = ex.case(*others, resp)
        subject = case.subject(resp.subject)
        got = self.assess(subject, case, _response_text(resp))
        if isinstance(got, BaseException):
            self.sink.add(
                "missing-data",
                f"riskcore_assess raised {type(got).__name__} ({got}) for "
                f"{_response_text(resp)}: unanswered items are not an error; "
                "return the score with value=None and a missing_reason when the "
                "missing-data rule does not allow it",
                key=f"missing-raise-{spec.id}",
            )
            return
        engine = spec.score(resp)
        for scale, s in self._spec_scores(got, spec).items():
            if engine.values[scale] is None and s.value is not None:
                self.sink.add(
                    "missing-data",
                    f"riskcore_assess returned {spec.id}.{scale} = {s.value:g} for "
                    f"{_response_text(resp)}, which the missing-data rule "
                    f"(max_missing={spec.scale(scale).max_missing}) cannot score: "
                    "return value=None with a missing_reason, never a low number "
                    "(spec.to_scores(response, subject.KIND) does this)",
                    key=f"missing-{spec.id}-{scale}",
                )

    def check_skips(self, kind: SubjectKind) -> None:
        """Each skip of each spec, once, deterministically (not a generated
        example, so the verdict does not depend on the example count): every
        item at its lowest code, the gate at the skip's first ``when`` code and
        the skipped item left out. The engine scores it complete; so must the
        plugin."""
        who = _RESPONDENT[kind]
        for spec in self.specs:
            for sk in spec.skips:
                items: dict[str, int | None] = {i.id: i.minimum for i in spec.items}
                items[sk.gate] = sk.when[0]
                del items[sk.item]
                resp = InstrumentResponse(instrument=spec.id, subject=who, items=items)
                case = Case(
                    id="conformance",
                    practice=Practice(id="p"),
                    professionals=[Professional(id="t-1")],
                    clients=[Client(id="c-1", clinician="t-1")],
                    responses=[resp],
                    synthetic=True,
                )
                got = self.assess(case.subject(who), case, _response_text(resp))
                engine = spec.score(resp)
                mine = (
                    {}
                    if isinstance(got, BaseException)
                    else self._spec_scores(got, spec)
                )
                for scale, value in engine.values.items():
                    s = mine.get(scale)
                    if value is not None and (s is None or s.value is None):
                        self.sink.add(
                            "missing-data",
                            f"riskcore_assess left {spec.id}.{scale} unscored for a "
                            f"correct skip ({_response_text(resp)}): item {sk.item} "
                            f"is not asked when item {sk.gate} is "
                            f"{' or '.join(map(str, sk.when))}, and scores "
                            f"{sk.score}; score with spec.to_scores(response, "
                            "subject.KIND), which applies InstrumentSpec.skips",
                            key=f"skip-{spec.id}-{sk.item}",
                        )
                        break

    def check_invalid(self, ex: _Example) -> None:
        resp = ex.invalid
        assert resp is not None
        spec = self.by_id[resp.instrument]
        others = [r for r in ex.responses if r.instrument != spec.id]
        case = ex.case(*others, resp)
        subject = case.subject(resp.subject)
        got = self.assess(subject, case, _response_text(resp))
        if isinstance(got, BaseException):
            self.sink.add(
                "invalid-input",
                f"riskcore_assess raised {type(got).__name__} for "
                f"{_response_text(resp)}: an invalid answer invalidates its item, "
                "not the response (issue 14): score the rest under the missing-data "
                "rule, mark the scale incomplete and keep the critical flags "
                "(InstrumentSpec.to_scores does this); raising loses them",
                key=f"invalid-raise-{spec.id}",
            )
            return
        engine = spec.score(resp)
        mine = [s for s in got if s.instrument == spec.id]
        for s in mine:
            if s.complete and engine.missing.get(s.scale) is not None:
                self.sink.add(
                    "invalid-input",
                    f"riskcore_assess returned {spec.id}.{s.scale} as complete "
                    f"for the invalid {_response_text(resp)}: a scale scored "
                    "around an invalid answer needs a missing_reason naming the "
                    "item (spec.to_scores(response, subject.KIND) does this)",
                    key=f"invalid-scored-{spec.id}",
                )
                return
        raised = {f.code for s in mine for f in s.flags}
        lost = [f.code for f in engine.flags if f.critical and f.code not in raised]
        if lost:
            self.sink.add(
                "invalid-input",
                f"riskcore_assess dropped the critical flag(s) {', '.join(lost)} "
                f"for the invalid {_response_text(resp)}: an invalid critical "
                "item is read as its worst plausible answer and flagged",
                key=f"invalid-flags-{spec.id}",
            )


# ----------------------------------------------------------------- public API


def _unregistered(plugin: object, pm: PluginManager) -> list[str]:
    hooked = {hc.name for hc in pm.pluggy.get_hookcallers(plugin) or ()}
    return [
        attr
        for attr in dir(plugin)
        if attr.startswith("riskcore_")
        and callable(getattr(plugin, attr, None))
        and attr not in hooked
    ]


def check_assessor(
    plugin: object,
    *,
    name: str | None = None,
    examples: int = 30,
    rule_based: Mapping[str, str] | None = None,
    waive: Mapping[str, str] | None = None,
) -> ConformanceReport:
    """Check an assessor plugin against riskcore's contract.

    Parameters
    ----------
    plugin:
        The plugin: the module named by your entry point (e.g.
        ``riskcore_myassessor.hooks``) or an object with hookimpl methods.
    name:
        The name to register it under: your entry-point name. Default: the
        ``name`` of its :class:`~riskcore.model.AssessorInfo`.
    examples:
        How many random cases to generate (Hypothesis, derandomized: the same
        cases on every run).
    rule_based:
        ``{instrument id: citation and licence}`` for instruments your assessor
        scores by rules rather than through an
        :class:`~riskcore.instruments.InstrumentSpec`: no inputs are generated
        for them (a note says so), an empty entry is a finding, an id that
        ``AssessorInfo.instruments`` does not list is a finding, and an id
        that has a spec is checked through the spec (a note says so).
    waive:
        ``{check name: reason}``: the findings of these checks (names from
        :data:`CHECKS`) are reported under ``waived`` with the reason, printed
        in the summary, and do not make the report fail. A reason is required.

    Returns
    -------
    ConformanceReport
        ``report.ok`` is true if no check found a problem; ``str(report)`` lists
        the findings as sentences.

    Examples
    --------
    >>> from riskcore import hookimpl
    >>> from riskcore.model import AssessorInfo, SubjectKind
    >>> class Silent:
    ...     @hookimpl
    ...     def riskcore_assessor_info(self):
    ...         return AssessorInfo(name="silent", summary="scores nothing",
    ...                             subject_kinds=[SubjectKind.CLIENT])
    ...     @hookimpl
    ...     def riskcore_assess(self, subject):
    ...         return None
    >>> check_assessor(Silent(), examples=3).ok
    True
    >>> class Typo:
    ...     @hookimpl
    ...     def riskcore_asess(self, subject):
    ...         return None
    >>> print(check_assessor(Typo(), name="typo"))  # doctest: +ELLIPSIS
    riskcore plugin 'typo' does not conform: 1 problem
      - [hookimpls] unknown hook 'riskcore_asess' (did you mean 'riskcore_assess'?): ...
    """
    sink = _Sink()
    waivers = _waivers(waive)
    rule_based = dict(rule_based or {})
    notes: list[str] = []
    dist, version = _distribution(plugin)
    if dist is None:
        notes.append(
            "not found among installed distributions: its name and version were "
            "not checked (pip install -e . to check them)"
        )
    label = name or getattr(plugin, "__name__", None) or type(plugin).__name__
    pm = PluginManager(autoload=False, strict=True)

    def report(**kw: Any) -> ConformanceReport:
        found = sink.findings()
        return ConformanceReport(
            plugin=label,
            findings=tuple(f for f in found if f.check not in waivers),
            waived=tuple(f for f in found if f.check in waivers),
            waivers=tuple(waivers.items()),
            distribution=dist,
            version=version,
            notes=tuple(notes),
            **kw,
        )

    # 1. hookimpls ----------------------------------------------------------
    try:
        pm.register(plugin, name=label)
    except PluginError as exc:
        sink.add(
            "hookimpls",
            f"{exc}: give every riskcore_* function the name of a hook and only "
            f"the arguments its spec lists ({_HOOKS_DOC})",
        )
        return report()
    for attr in _unregistered(plugin, pm):
        sink.add(
            "hookimpls",
            f"{attr} is not decorated with @riskcore.hookimpl, so riskcore never "
            "calls it: add the decorator",
        )
    for hc in pm.pluggy.get_hookcallers(plugin) or ():
        for impl in hc.get_hookimpls():
            if impl.plugin is plugin and (impl.hookwrapper or impl.wrapper):
                sink.add(
                    "hookimpls",
                    f"{hc.name} is a hook wrapper: riskcore calls each plugin "
                    "separately, so wrappers are not supported; drop wrapper=True",
                )
    hooks = {hc.name for hc in pm.pluggy.get_hookcallers(plugin) or ()}
    if "riskcore_assess" not in hooks:
        sink.add(
            "hookimpls",
            "the plugin does not implement riskcore_assess, so it is not an "
            f"assessor: add @hookimpl def riskcore_assess(subject, case) ({_HOOKS_DOC})",
        )

    # 2. metadata -----------------------------------------------------------
    o = _call(pm, "riskcore_assessor_info", label)
    info: AssessorInfo | None = None
    if o is None:
        sink.add(
            "metadata",
            "riskcore_assessor_info is not implemented: return an AssessorInfo "
            "naming the instruments you score, the threats your factors move "
            "and the subject kinds you assess",
        )
    elif o.error is not None:
        sink.add(
            "metadata",
            f"riskcore_assessor_info raised {type(o.error).__name__} ({o.error}): "
            "it must return an AssessorInfo without reading any case data",
        )
    elif not isinstance(o.result, AssessorInfo):
        sink.add(
            "metadata",
            f"riskcore_assessor_info returned a {type(o.result).__name__}: return a "
            "riskcore.model.AssessorInfo",
        )
    else:
        info = o.result
    if info is None:
        return report()
    if name is None and info.name != label:
        pm.unregister(label)
        label = info.name
        pm.register(plugin, name=label)
    elif info.name != label:
        sink.add(
            "metadata",
            f"AssessorInfo.name is {info.name!r} but the plugin is registered as "
            f"{label!r}: use your entry-point name, so that your factors can find "
            "your scores by plugin name",
        )
    if not info.summary.strip():
        sink.add(
            "metadata",
            "AssessorInfo.summary is empty: say in one line what the assessor "
            "scores (it is shown by `riskcore plugins`)",
        )
    if not info.subject_kinds:
        sink.add(
            "metadata",
            "AssessorInfo.subject_kinds is empty: list the SubjectKinds you assess",
        )
    has_factors = "riskcore_risk_factors" in hooks
    if has_factors and not info.threats:
        sink.add(
            "metadata",
            "riskcore_risk_factors is implemented but AssessorInfo.threats is "
            "empty: list every threat id your factors may move",
        )
    try:
        from riskcore.catalog import default_catalog

        catalog = default_catalog(pm)
        threats = {t.id: t.category for t in catalog.threats}
    except CatalogError as exc:
        sink.add(
            "metadata",
            f"the catalog could not be built with this plugin: {exc}",
        )
        threats = {}
    for t in info.threats:
        if threats and t not in threats:
            sink.add(
                "metadata",
                f"AssessorInfo.threats names {t!r}, which is not a threat in the "
                "catalog: fix the id (see `riskcore catalog`) or contribute the "
                "threat through riskcore_catalog",
            )

    # instruments ------------------------------------------------------------
    specs: list[InstrumentSpec] = []
    o = _call(pm, "riskcore_instruments", label)
    if o is not None and o.error is not None:
        sink.add(
            "instruments",
            f"riskcore_instruments raised {type(o.error).__name__} ({o.error}): "
            "return your InstrumentSpec objects",
        )
    elif o is not None:
        got = _as_list(o.result)
        if isinstance(got, str):
            sink.add(
                "instruments",
                f"riskcore_instruments {got}: return a list of InstrumentSpec",
            )
            got = []
        for s in got:
            if isinstance(s, InstrumentSpec):
                specs.append(s)
            else:
                sink.add(
                    "instruments",
                    f"riskcore_instruments returned a {type(s).__name__}: return "
                    "only riskcore.instruments.InstrumentSpec objects",
                )
    spec_ids = {s.id for s in specs}
    for s in specs:
        if s.id not in info.instruments:
            sink.add(
                "instruments",
                f"riskcore_instruments declares {s.id!r} but AssessorInfo."
                f"instruments does not list it: add {s.id!r} to instruments=",
            )
        if not s.citation.strip():
            sink.add(
                "instruments",
                f"the InstrumentSpec {s.id!r} has no citation: cite the primary "
                "source (authors, year, journal, DOI)",
            )
        if not s.licence.strip():
            sink.add(
                "instruments",
                f"the InstrumentSpec {s.id!r} has no licence note: say what may "
                "be shipped (e.g. 'public domain; item text not bundled')",
            )
    for i in sorted(rule_based):
        if i not in info.instruments:
            sink.add(
                "instruments",
                f"rule_based names {i!r}, which AssessorInfo.instruments does not "
                f"list: add {i!r} to instruments=, or drop it from rule_based",
            )
        elif i in spec_ids:
            notes.append(
                f"{i!r} is in rule_based but has an InstrumentSpec: it was checked "
                "through its spec (rule_based is for instruments without one)"
            )
    for i in info.instruments:
        if i in spec_ids:
            continue
        if i in rule_based:
            if not rule_based[i].strip():
                sink.add(
                    "instruments",
                    f"rule_based[{i!r}] is empty: give its citation and licence",
                )
            else:
                notes.append(f"{i!r} is rule-based: no inputs were generated for it")
            continue
        sink.add(
            "instruments",
            f"AssessorInfo.instruments lists {i!r} but riskcore_instruments "
            "declares no InstrumentSpec for it: declare one with its citation and "
            "licence, or, for an instrument scored by rules, pass "
            f"rule_based={{{i!r}: '<citation; licence>'}} to check_assessor",
        )
    if sink.findings() and any(f.check == "hookimpls" for f in sink.findings()):
        return report(info=info, instruments=tuple(info.instruments))

    # 3. behaviour on generated inputs ----------------------------------------
    used = [s for s in specs if s.id in info.instruments]
    kinds = list(info.subject_kinds) or list(SubjectKind)
    checker = _Checker(pm, label, info, used, threats, sink)
    n = _generate(checker, kinds, used, examples)
    checker.check_skips(kinds[0])

    # 4. columnar agreement ----------------------------------------------------
    _check_columnar(used, sink, notes)
    return report(info=info, instruments=tuple(info.instruments), examples=n)


def _boundaries(
    kinds: Sequence[SubjectKind], specs: Sequence[InstrumentSpec]
) -> list[_Example]:
    """Deterministic examples at the edges of every spec (see :func:`_generate`)."""
    out = []
    for kind in kinds:
        who = _RESPONDENT[kind]
        for pick, spec in enumerate(specs or [None]):
            for high in (False, True):
                resps = tuple(
                    InstrumentResponse(
                        instrument=s.id,
                        subject=who,
                        items={i.id: i.maximum if high else i.minimum for i in s.items},
                    )
                    for s in specs
                )
                missing = invalid = None
                if spec is not None:
                    missing = InstrumentResponse(
                        instrument=spec.id,
                        subject=who,
                        items={i.id: None for i in spec.items},
                    )
                    first = spec.items[0]
                    items = {i.id: i.minimum for i in spec.items}
                    items[first.id] = first.maximum + 1
                    invalid = InstrumentResponse(
                        instrument=spec.id, subject=who, items=items
                    )
                out.append(
                    _Example(
                        kind=kind,
                        client=Client(id="c-1", clinician="t-1"),
                        professional=Professional(id="t-1"),
                        responses=resps,
                        alt_protected=ProtectedAttributes(),
                        alt_languages=(),
                        pick=pick if spec is not None else 0,
                        bump=0,
                        missing=missing,
                        invalid=invalid,
                    )
                )
    return out


def _waivers(waive: Mapping[str, str] | None) -> dict[str, str]:
    """The waivers asked for, checked: known check names, each with a reason.

    >>> _waivers({"missing-data": "a study convention prorates"})
    {'missing-data': 'a study convention prorates'}
    >>> _waivers({"missing": "x"})
    Traceback (most recent call last):
    ...
    ValueError: waive: 'missing' is not a check (one of: hookimpls, metadata, instruments, crash, result, subject, range, unscored, determinism, monotone, missing-data, invalid-input, threats, fairness, columnar)
    """
    out: dict[str, str] = {}
    for check, reason in (waive or {}).items():
        if check not in CHECKS:
            msg = f"waive: {check!r} is not a check (one of: {', '.join(CHECKS)})"
            raise ValueError(msg)
        if not str(reason).strip():
            raise ValueError(f"waive[{check!r}]: give the reason for the waiver")
        out[check] = str(reason).strip()
    return out


def _generate(
    checker: _Checker,
    kinds: Sequence[SubjectKind],
    specs: Sequence[InstrumentSpec],
    examples: int,
) -> int:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st

    from riskcore.testing import strategies as rs

    @st.composite
    def example(draw: st.DrawFn) -> _Example:
        kind = draw(st.sampled_from(kinds))
        who = _RESPONDENT[kind]
        resps = tuple(draw(rs.responses(s, subject=who)) for s in specs)
        pick = draw(st.integers(min_value=0, max_value=max(len(specs) - 1, 0)))
        spec = specs[pick] if specs else None
        return _Example(
            kind=kind,
            client=draw(rs.clients(id="c-1", clinician="t-1")),
            professional=draw(rs.professionals(id="t-1")),
            responses=resps,
            alt_protected=draw(rs.protected_attributes()),
            alt_languages=tuple(
                draw(st.lists(st.sampled_from(rs.LANGUAGES), max_size=3, unique=True))
            ),
            pick=pick,
            bump=draw(st.integers(min_value=0, max_value=10_000)),
            missing=None
            if spec is None
            else draw(rs.responses_with_missing(spec, subject=who)),
            invalid=None
            if spec is None
            else draw(rs.invalid_responses(spec, subject=who)),
        )

    seen = [0]
    # The boundaries first, outside Hypothesis: every spec at its lowest and
    # its highest codes, with every item missing and one answer out of
    # range, for every spec and subject kind. They run whatever the example
    # count, so a plugin that fails at a boundary gets the same verdict for
    # every count (examples=1 included).
    for ex in _boundaries(kinds, specs):  # not counted: fixed, not generated
        checker.example(ex)

    @settings(
        max_examples=max(1, examples),
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )
    @given(example())
    def run(ex: _Example) -> None:
        seen[0] += 1
        checker.example(ex)

    run()
    return seen[0]


def paths_disagree(spec: InstrumentSpec, rows: Sequence[Sequence[float]]) -> list[str]:
    """Where the scoring paths of *spec* disagree on *rows*.

    The object path (:func:`~riskcore.instruments.score_items`) is compared
    with the columnar path (:meth:`~riskcore.instruments.InstrumentSpec.score_array`)
    and with the fused path to scores
    (:meth:`~riskcore.instruments.InstrumentSpec.to_scores`, whose compiled
    fast path takes complete rows). *rows* are answers in item order with
    ``NaN`` for unanswered items (as drawn by
    :func:`riskcore.testing.strategies.answer_matrices`). Values, band labels
    and raised flags are compared for every row and scale; an empty list means
    the paths agree exactly.

    >>> from riskcore.instruments import InstrumentSpec, uniform_items
    >>> spec = InstrumentSpec(id="toy", name="Toy", items=uniform_items(3, 0, 4))
    >>> paths_disagree(spec, [[0, 1, 2], [4, 4, float("nan")]])
    []
    """
    import numpy as np

    col = spec.score_array(np.asarray(rows, dtype=float))
    out: list[str] = []
    for r, row in enumerate(rows):
        answers = {
            k: (None if math.isnan(v) else int(v))
            for k, v in zip(spec.item_ids, row, strict=True)
        }
        obj = score_items(spec, answers, subject="r")
        out += _fused_disagrees(spec, r, answers, obj)
        for scale in spec.scale_names:
            a = obj.values[scale]
            b = float(col.values[scale][r])
            if (a is None) != math.isnan(b) or (a is not None and a != b):
                out.append(f"row {r}, {scale}: object {a} vs columnar {b}")
            if (
                spec.scale(scale).labels
                and col.band_labels(scale)[r] != obj.bands[scale]
            ):
                out.append(
                    f"row {r}, {scale} band: {obj.bands[scale]} vs {col.band_labels(scale)[r]}"
                )
        flags = {c for c, v in col.flags.items() if v[r]}
        if flags != {f.code for f in obj.flags}:
            out.append(
                f"row {r}: flags {sorted(f.code for f in obj.flags)} vs {sorted(flags)}"
            )
    return out


def _fused_disagrees(
    spec: InstrumentSpec,
    r: int,
    answers: dict[str, int | None],
    obj: InstrumentResult,
) -> list[str]:
    """Where :meth:`~riskcore.instruments.InstrumentSpec.to_scores` (the fused
    object path) disagrees with :func:`~riskcore.instruments.score_items`."""
    response = InstrumentResponse(instrument=spec.id, subject="r", items=answers)
    fused = spec.to_scores(response, SubjectKind.CLIENT, plugin="p")
    out = []
    if [s.scale for s in fused] != list(spec.scale_names):
        return [f"row {r}: fused scales {[s.scale for s in fused]}"]
    for s in fused:
        if (s.value, s.band, s.missing_reason) != (
            obj.values[s.scale],
            obj.bands[s.scale],
            obj.missing[s.scale],
        ):
            out.append(
                f"row {r}, {s.scale}: fused {s.value} ({s.band}) vs "
                f"object {obj.values[s.scale]} ({obj.bands[s.scale]})"
            )
    if fused[0].flags != obj.flags or any(s.flags for s in fused[1:]):
        out.append(f"row {r}: fused flags differ from the object path's")
    return out


def guarded_view(
    case: Case,
    instruments: Iterable[str],
    *,
    pm: PluginManager | None = None,
) -> tuple[tuple[object, ...], tuple[object, ...]]:
    """What a counterfactual fairness test compares, for the installed plugins.

    Assesses *case* with every plugin of *pm* (default: a fresh, autoloading
    :class:`~riskcore.plugins.PluginManager`) and returns the scores of
    *instruments* (subject, instrument, scale, value, band, flag codes) and every
    risk factor on a guarded threat (a threat of the default catalog whose
    category is in :data:`~riskcore.model.GUARDED_CATEGORIES`: aggression and
    self-harm). Two cases that differ only in protected attributes must give
    equal views.

    >>> from riskcore.model import Case, Client, Practice, ProtectedAttributes
    >>> from riskcore.plugins import PluginManager
    >>> pm = PluginManager(autoload=False)
    >>> a = Case(id="x", practice=Practice(id="p"), clients=[Client(id="c")])
    >>> b = Case(id="x", practice=Practice(id="p"),
    ...          clients=[Client(id="c", protected=ProtectedAttributes(religion="x"))])
    >>> guarded_view(a, ["phq9"], pm=pm) == guarded_view(b, ["phq9"], pm=pm)
    True
    """
    from riskcore.assess import assess
    from riskcore.catalog import default_catalog

    pm = pm or PluginManager()
    wanted = set(instruments)
    guarded = {
        t.id for t in default_catalog(pm).threats if t.category in GUARDED_CATEGORIES
    }
    a = assess(case, pm=pm)
    scores = sorted(
        (
            s.subject,
            s.instrument,
            s.scale,
            s.value,
            s.band,
            tuple(f.code for f in s.flags),
        )
        for s in a.scores
        if s.instrument in wanted
    )
    factors: list[tuple[str, str, float]] = []
    for subject in case.subjects():
        mine = [s for s in a.scores if s.subject == subject.id]
        for o in pm.call_each(
            "riskcore_risk_factors", subject=subject, scores=mine, case=case
        ):
            factors += [
                (f.threat, f.subject, f.odds_ratio)
                for f in (o.result or ())
                if isinstance(f, RiskFactor) and f.threat in guarded
            ]
    return tuple(scores), tuple(sorted(factors))


def _check_columnar(
    specs: Sequence[InstrumentSpec], sink: _Sink, notes: list[str]
) -> None:
    for spec in specs:
        rows = [
            [float(i.minimum) for i in spec.items],
            [float(i.maximum) for i in spec.items],
            [float(i.minimum + (i.maximum - i.minimum) // 2) for i in spec.items],
        ]
        for problem in paths_disagree(spec, rows)[:1]:
            sink.add(
                "columnar",
                f"the object and columnar paths of {spec.id!r} disagree ({problem}): "
                "report this to riskcore",
                key=f"columnar-{spec.id}",
            )


def assert_conforms(
    plugin: object,
    *,
    name: str | None = None,
    examples: int = 30,
    rule_based: Mapping[str, str] | None = None,
    waive: Mapping[str, str] | None = None,
) -> ConformanceReport:
    """Like :func:`check_assessor`, but raise :class:`ConformanceError` on findings.

    Use it in a test; pytest shows every finding as a sentence.

    >>> from riskcore import hookimpl
    >>> class Nameless:
    ...     @hookimpl
    ...     def riskcore_assess(self, subject):
    ...         return None
    >>> assert_conforms(Nameless(), name="nameless")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    riskcore.testing.conformance.ConformanceError: riskcore plugin 'nameless' does not conform: 1 problem
      - [metadata] riskcore_assessor_info is not implemented: ...
    """
    report = check_assessor(
        plugin, name=name, examples=examples, rule_based=rule_based, waive=waive
    )
    if not report.ok:
        raise ConformanceError(str(report))
    return report
