"""Arming with indexes (issue #16) agrees with the plain scan it replaced.

:func:`riskcore.responses.arm` indexes flags by code, observations by code and
levels by threat, and builds each armed response once per (response, reasons)
then copies it per subject; :func:`~riskcore.responses.required_responses`
builds once per response. The reference functions below are the plain scans
the code used before (one pass over every flag, observation and level per
response, a full ``ArmedResponse(...)`` per item, one sort at the end). On
random catalogs and cases both give the same responses, subjects, reasons,
owners, times and order, and refuse the same unknown levels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcore.errors import CatalogError
from riskcore.model import (
    ArmedResponse,
    Assessment,
    Case,
    Catalog,
    Client,
    Flag,
    FlagLevel,
    Observation,
    Practice,
    Professional,
    Response,
    Score,
    Severity,
    SubjectKind,
    Threat,
    Trigger,
)
from riskcore.model.catalog import Escalation
from riskcore.responses import (
    _URGENCY,
    DEFAULT_MIN_LEVEL,
    LEVEL_ORDER,
    _rank,
    arm,
    parse_observation_trigger,
    required_responses,
)

SUBJECTS = ("c-1", "c-2", "c-3", "t-1", "x-9")  # x-9 is in no case
FLAGS = ("f.a", "f.b", "f.c")
OBS = ("o-a", "o-b", "o-b:q1", "o-a:q1:q2")
THREATS = ("th-a", "th-b", "th-c")


def _old_reasons(
    response: Response,
    flags: Sequence[tuple[str, str]],
    observed: Sequence[Observation],
    levels: Mapping[tuple[str, str], int],
    order: Sequence[str],
) -> dict[str, list[str]]:
    trig = response.trigger
    out: dict[str, list[str]] = {}

    def add(subject: str, reason: str) -> None:
        got = out.setdefault(subject, [])
        if reason not in got:
            got.append(reason)

    wanted_flags = set(trig.flags)
    for subject, code in flags:
        if code in wanted_flags:
            add(subject, f"flag:{code}")
    for spec in trig.observations:
        code, quals = parse_observation_trigger(spec)
        for o in observed:
            if o.code == code and quals <= set(o.qualifiers):
                add(o.subject, f"observation:{spec}")
    if trig.threats and levels:
        floor = _rank(
            trig.min_level or DEFAULT_MIN_LEVEL,
            f"responses[{response.id!r}].trigger.min_level",
            order,
        )
        for (threat, subject), rank in levels.items():
            if threat in trig.threats and rank >= floor:
                add(subject, f"level:{threat}>={order[floor]}")
    return out


def _old_arm(
    catalog: Catalog,
    assessment: Assessment,
    case: Case,
    levels: Mapping[tuple[str, str], str],
    order: Sequence[str] = LEVEL_ORDER,
) -> tuple[ArmedResponse, ...]:
    position = {s.id: i for i, s in enumerate(case.subjects())}
    flags = [(s.subject, f.code) for s in assessment.scores for f in s.flags]
    observed = [o for o in case.observations if o.recorded]
    given = {
        key: _rank(level, f"levels[{key[0]!r}, {key[1]!r}]", order)
        for key, level in levels.items()
    }
    armed = []
    for index, response in enumerate(catalog.responses):
        reasons = _old_reasons(response, flags, observed, given, order)
        for subject in sorted(
            reasons, key=lambda s: (position.get(s, len(position)), s)
        ):
            key = (
                _URGENCY[response.escalation],
                response.time_to_act_hours,
                index,
                position.get(subject, len(position)),
            )
            armed.append(
                (
                    key,
                    ArmedResponse(
                        response=response.id,
                        subject=subject,
                        owner=response.owner,
                        time_to_act_hours=response.time_to_act_hours,
                        reason="; ".join(reasons[subject]),
                    ),
                )
            )
    armed.sort(key=lambda pair: pair[0])
    return tuple(a for _, a in armed)


def _exact(armed: Sequence[ArmedResponse]) -> list[tuple[object, ...]]:
    # values and their types: an int time to act stays an int
    return [
        (
            *(a.response, a.subject, a.owner),
            a.time_to_act_hours,
            a.reason,
            type(a.time_to_act_hours),
        )
        for a in armed
    ]


@st.composite
def _catalogs(draw: st.DrawFn) -> Catalog:
    n = draw(st.integers(1, 5))
    responses = []
    for i in range(n):
        responses.append(
            Response(
                id=f"r-{i}",
                name=f"R{i}",
                owner=draw(st.sampled_from(["clinician", "manager"])),
                escalation=draw(st.sampled_from(list(Escalation))),
                time_to_act_hours=draw(st.sampled_from([1, 1.0, 4.5, 24.0])),
                trigger=Trigger(
                    flags=tuple(draw(st.lists(st.sampled_from(FLAGS), max_size=3))),
                    observations=tuple(
                        draw(st.lists(st.sampled_from(OBS), max_size=3))
                    ),
                    threats=tuple(draw(st.lists(st.sampled_from(THREATS), max_size=3))),
                    min_level=draw(st.none() | st.sampled_from(LEVEL_ORDER)),
                ),
            )
        )
    return Catalog(threats=_threats(), responses=responses)


def _threats() -> list[Threat]:
    return [
        Threat(
            id=t,
            name=t,
            category="c",
            scope=SubjectKind.CLIENT,
            base_likelihood=0.1,
            impact=Severity(value=2),
        )
        for t in THREATS
    ]


def _case(observations: Sequence[Observation]) -> Case:
    return Case(
        id="t",
        practice=Practice(id="p"),
        professionals=[Professional(id="t-1")],
        clients=[Client(id=c, clinician="t-1") for c in ("c-1", "c-2", "c-3")],
        observations=observations,
    )


_observations = st.lists(
    st.builds(
        Observation,
        subject=st.sampled_from(SUBJECTS[:-1]),
        code=st.sampled_from(("o-a", "o-b", "o-c")),
        qualifiers=st.lists(st.sampled_from(("q1", "q2", "q3")), max_size=3),
        value=st.sampled_from([None, True, False, 0, 2.0]),
    ),
    max_size=8,
)
_scores = st.lists(
    st.tuples(
        st.sampled_from(SUBJECTS),
        st.lists(st.sampled_from(FLAGS), max_size=3),
    ),
    max_size=8,
)
_levels = st.dictionaries(
    st.tuples(st.sampled_from(THREATS), st.sampled_from(SUBJECTS)),
    st.sampled_from(LEVEL_ORDER),
    max_size=12,
)


def _assessment(scores: Sequence[tuple[str, Sequence[str]]]) -> Assessment:
    return Assessment(
        case_id="t",
        scores=[
            Score(
                subject=subject,
                subject_kind=SubjectKind.CLIENT,
                instrument="toy",
                value=1,
                flags=[
                    Flag(code=c, level=FlagLevel.WARNING, message="m") for c in codes
                ],
            )
            for subject, codes in scores
        ],
    )


@settings(max_examples=300, deadline=None)
@given(_catalogs(), _scores, _observations, _levels)
def test_arm_agrees_with_the_plain_scan(
    catalog: Catalog,
    scores: list[tuple[str, list[str]]],
    observations: list[Observation],
    levels: dict[tuple[str, str], str],
) -> None:
    assessment, case = _assessment(scores), _case(observations)
    new = arm(catalog, assessment, case, levels=levels)
    old = _old_arm(catalog, assessment, case, levels)
    assert _exact(new) == _exact(old)
    assert new == old


@settings(max_examples=100, deadline=None)
@given(_catalogs(), _levels, st.sampled_from(SUBJECTS))
def test_an_unknown_level_is_refused_naming_the_same_key(
    catalog: Catalog, levels: dict[tuple[str, str], str], subject: str
) -> None:
    levels = {**levels, ("th-b", subject): "severe", ("th-c", subject): "worse"}
    with pytest.raises(CatalogError) as new:
        arm(catalog, _assessment([]), _case([]), levels=levels)
    with pytest.raises(CatalogError) as old:
        _old_arm(catalog, _assessment([]), _case([]), levels)
    assert str(new.value) == str(old.value)


def test_an_unknown_min_level_is_refused_as_before() -> None:
    catalog = Catalog(
        threats=_threats(),
        responses=[
            Response(
                id="r",
                name="R",
                trigger=Trigger(threats=("th-a",), min_level="severe"),
            )
        ],
    )
    levels = {("th-a", "c-1"): "high"}
    with pytest.raises(CatalogError, match=r"responses\['r'\].trigger.min_level"):
        arm(catalog, _assessment([]), _case([]), levels=levels)


def test_a_copied_response_is_checked_like_a_new_one() -> None:
    """The copy per subject is the first one with its subject replaced; the
    first is built with every check, so a bad time to act is still refused."""
    armed = arm(
        Catalog(
            responses=[Response(id="r", name="R", trigger=Trigger(flags=("f.a",)))]
        ),
        _assessment([("c-1", ["f.a"]), ("c-2", ["f.a"])]),
        _case([]),
    )
    assert [(a.subject, a.reason) for a in armed] == [
        ("c-1", "flag:f.a"),
        ("c-2", "flag:f.a"),
    ]
    assert armed[1] == ArmedResponse(
        response="r", subject="c-2", reason="flag:f.a", time_to_act_hours=24.0
    )
    with pytest.raises(Exception, match="time_to_act_hours"):
        ArmedResponse.fast("r", "c-1", "clinician", -1.0, "x")


def _old_required(
    risks: Sequence[tuple[str, str, bool, tuple[str, ...]]],
    catalog: Catalog,
    armed: Sequence[ArmedResponse],
) -> tuple[ArmedResponse, ...]:
    have = {(a.response, a.subject) for a in armed}
    by_id = {r.id: (k, r) for k, r in enumerate(catalog.responses)}
    position = {subject: k for k, (_, subject, _, _) in enumerate(risks)}
    out = []
    for rid_, subject, critical, required in risks:
        if not critical:
            continue
        for rid in required:
            if (rid, subject) in have or rid not in by_id:
                continue
            have.add((rid, subject))
            index, response = by_id[rid]
            key = (
                _URGENCY[response.escalation],
                response.time_to_act_hours,
                index,
                position[subject],
            )
            out.append(
                (
                    key,
                    ArmedResponse(
                        response=rid,
                        subject=subject,
                        owner=response.owner,
                        time_to_act_hours=response.time_to_act_hours,
                        reason=f"required: critical risk {rid_}",
                    ),
                )
            )
    out.sort(key=lambda pair: pair[0])
    return tuple(a for _, a in out)


class _Risk:
    def __init__(
        self, id: str, subject: str, critical: bool, required: tuple[str, ...]
    ):
        self.id, self.subject, self.critical = id, subject, critical
        self.required_responses = required


class _Register:
    def __init__(self, risks: list[_Risk]):
        self.risks = tuple(risks)


@settings(max_examples=200, deadline=None)
@given(
    _catalogs(),
    st.lists(
        st.tuples(
            st.sampled_from(SUBJECTS),
            st.booleans(),
            st.lists(st.sampled_from(("r-0", "r-1", "r-2", "r-9")), max_size=3),
        ),
        max_size=10,
    ),
    st.lists(st.tuples(st.sampled_from(("r-0", "r-1")), st.sampled_from(SUBJECTS))),
)
def test_required_responses_agree_with_the_plain_scan(
    catalog: Catalog,
    risks: list[tuple[str, bool, list[str]]],
    armed: list[tuple[str, str]],
) -> None:
    rows = [(f"risk-{i}", s, c, tuple(req)) for i, (s, c, req) in enumerate(risks)]
    register = _Register([_Risk(*row) for row in rows])
    already = [ArmedResponse(response=r, subject=s) for r, s in armed]
    new = required_responses(register, catalog, already)  # type: ignore[arg-type]
    old = _old_required(rows, catalog, already)
    assert _exact(new) == _exact(old)
