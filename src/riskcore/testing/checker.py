"""The behavioural checks of the conformance kit, on examples generated from the
instrument specs (Hypothesis, derandomized): results, ranges, determinism,
monotonicity, missing data, invalid input, threats and fairness.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
from attrs import frozen

from riskcore.hookresults import (
    ResultProblem,
    factor_problem,
    result_items,
    score_problem,
)
from riskcore.instruments import InstrumentSpec
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
    Threat,
)
from riskcore.plugins import HookOutcome, PluginManager
from riskcore.testing.findings import _Sink

_RESPONDENT = {
    SubjectKind.CLIENT: "c-1",
    SubjectKind.PROFESSIONAL: "t-1",
    SubjectKind.PRACTICE: "p",
}


_SCORE_ADVICE = {
    "result": "return only riskcore.model.Score objects, with finite numbers "
    "(value=None with a missing_reason when there is none)",
    "subject": "return only scores about the subject you were given",
}


_FACTOR_ADVICE = {
    "result": "return only riskcore.model.RiskFactor objects",
    "subject": "return only factors about the subject you were given",
    "threats": "return factors only on catalog threats whose scope is the "
    "subject's kind",
}


def _who(subject: Subject) -> str:
    return f"{subject.KIND.value} {subject.id!r}"


def _call(pm: PluginManager, hook: str, name: str, **kwargs: Any) -> HookOutcome | None:
    """The plugin's outcome of *hook*, or ``None`` if it does not implement it."""
    for o in pm.call_each(hook, **kwargs):
        if o.plugin == name:
            return o
    return None


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


class _Checker:
    def __init__(
        self,
        pm: PluginManager,
        name: str,
        info: AssessorInfo,
        specs: Sequence[InstrumentSpec],
        catalog_threats: Mapping[str, Threat],
        sink: _Sink,
    ) -> None:
        self.pm = pm
        self.name = name
        self.info = info
        self.specs = list(specs)
        self.by_id = {s.id: s for s in specs}
        self.catalog_threats = catalog_threats
        self.threats = {k: t.category for k, t in catalog_threats.items()}
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
        # the engine's own checks (riskcore.hookresults), with advice
        got = result_items(o.result, "Score", "scores")
        if isinstance(got, ResultProblem):
            self.sink.add(
                got.check,
                f"riskcore_assess {got.text} while assessing {_who(subject)}: "
                "return a list of Score objects, or None",
                key="assess-type",
            )
            return []
        out = []
        for s in got:
            problem = score_problem(s, subject.id)
            if problem is not None:
                self.sink.add(
                    problem.check,
                    f"riskcore_assess {problem.text} while assessing "
                    f"{_who(subject)}: {_SCORE_ADVICE[problem.check]}",
                    key=f"assess-{problem.check}",
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
        # the engine's own checks (riskcore.hookresults), with advice
        got = result_items(o.result, "RiskFactor", "factors")
        if isinstance(got, ResultProblem):
            self.sink.add(
                got.check,
                f"riskcore_risk_factors {got.text} for {_who(subject)}: return a "
                "list of RiskFactor objects, or None",
                key="factors-type",
            )
            return []
        out = []
        for f in got:
            problem = factor_problem(
                f, subject, self.catalog_threats or None, where=self.name
            )
            if problem is not None:
                sep = "," if problem.check == "threats" else ""
                self.sink.add(
                    problem.check,
                    f"riskcore_risk_factors {problem.text}{sep} for {_who(subject)}: "
                    f"{_FACTOR_ADVICE[problem.check]}",
                    key=f"factors-{problem.check}-{getattr(f, 'threat', '')}",
                )
                if problem.check != "threats":
                    continue
            if f.threat not in self.info.threats:
                self.sink.add(
                    "threats",
                    f"riskcore_risk_factors returned a factor on threat {f.threat!r}, "
                    "which AssessorInfo.threats does not declare: add it to "
                    "threats= in riskcore_assessor_info, or stop returning it",
                    key=f"undeclared-{f.threat}",
                )
            if problem is None:
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

    def _assess_alone(
        self, ex: _Example, resp: InstrumentResponse
    ) -> tuple[InstrumentSpec, list[Score] | BaseException]:
        """Assess *resp*'s subject with *resp* in place of the example's own
        response to that instrument; the spec and what the plugin returned."""
        spec = self.by_id[resp.instrument]
        others = [r for r in ex.responses if r.instrument != spec.id]
        case = ex.case(*others, resp)
        subject = case.subject(resp.subject)
        return spec, self.assess(subject, case, _response_text(resp))

    def check_missing(self, ex: _Example) -> None:
        resp = ex.missing
        assert resp is not None
        spec, got = self._assess_alone(ex, resp)
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
        spec, got = self._assess_alone(ex, resp)
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
