"""Observations are evidence: recorded facts move the likelihood of the threats they bear on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import riskcore
from riskcore import io
from riskcore.assess import assess
from riskcore.catalog import default_catalog
from riskcore.errors import FieldError
from riskcore.evidence import CASELOAD, PROVENANCE, facts, observation_factors
from riskcore.identify import identify
from riskcore.model import (
    PERT,
    Assessment,
    Case,
    Catalog,
    Client,
    Evidence,
    EvidenceTarget,
    Observation,
    Practice,
    Professional,
    ProtectedAttributes,
    Severity,
    SubjectKind,
    Threat,
)
from riskcore.plugins import PluginManager
from tests.strategies import from_attrs

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "longmont-practice.yaml"
DAY = dt.date(2026, 10, 5)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return default_catalog(PluginManager(autoload=False))


def _case(*observations: Observation, **changes: object) -> Case:
    """A practice, two therapists, one client each; no instruments."""
    fields: dict[str, object] = {
        "id": "ev",
        "practice": Practice(id="p"),
        "professionals": [Professional(id="t-1"), Professional(id="t-2")],
        "clients": [
            Client(id="c-1", clinician="t-1"),
            Client(id="c-2", clinician="t-2"),
        ],
        "observations": list(observations),
        "assessed_on": DAY,
    }
    fields.update(changes)
    return Case(**fields)  # type: ignore[arg-type]


def _likelihoods(case: Case, catalog: Catalog) -> dict[str, float]:
    reg = identify(
        Assessment(case_id=case.id), catalog, case, pm=PluginManager(autoload=False)
    )
    return {r.id: r.inherent.likelihood for r in reg.risks}


def _ors(case: Case, catalog: Catalog) -> dict[tuple[str, str], list[float]]:
    return {
        k: [f.odds_ratio for f in v]
        for k, v in observation_factors(case, catalog).items()
    }


# ------------------------------------------------------------ what moves what


@pytest.mark.parametrize(
    ("observation", "moved"),
    [
        (
            Observation(
                subject="c-1",
                code="threat-communicated",
                qualifiers=["serious", "imminent", "physical", "identifiable-target"],
                observed=DAY,
            ),
            {"third-party-violence:c-1", "staff-physical-harm:t-1"},
        ),
        (
            Observation(subject="c-1", code="threat-communicated", observed=DAY),
            {"third-party-violence:c-1"},
        ),
        (
            Observation(subject="c-1", code="history-of-violence"),
            {
                "in-session-aggression:c-1",
                "third-party-violence:c-1",
                "staff-physical-harm:t-1",
            },
        ),
        (
            Observation(subject="t-1", code="lone-working", qualifiers=["home-visits"]),
            {"lone-working-incident:t-1", "staff-physical-harm:t-1"},
        ),
        (
            Observation(subject="t-1", code="lone-working", qualifiers=["after-hours"]),
            {"lone-working-incident:t-1", "staff-physical-harm:t-1"},
        ),
        (
            Observation(subject="t-1", code="lone-working"),
            {"lone-working-incident:t-1"},
        ),
        (
            Observation(subject="p", code="media-visibility"),
            {"public-harassment:p", "confidentiality-breach:p"},
        ),
    ],
    ids=lambda v: v.code if isinstance(v, Observation) else None,
)
def test_each_fact_moves_its_threats_for_the_right_subject_only(
    catalog: Catalog, observation: Observation, moved: set[str]
) -> None:
    """Every other risk of every subject keeps its base likelihood; the moved ones rise."""
    before = _likelihoods(_case(), catalog)
    after = _likelihoods(_case(observation), catalog)
    changed = {rid for rid in before if after[rid] != before[rid]}
    assert changed == moved
    assert all(after[rid] > before[rid] for rid in moved)


def test_caseload_moves_burnout_and_secondary_stress(catalog: Catalog) -> None:
    case = _case(
        professionals=[Professional(id="t-1", caseload=30), Professional(id="t-2")]
    )
    before = _likelihoods(_case(), catalog)
    after = _likelihoods(case, catalog)
    changed = {rid for rid in before if after[rid] != before[rid]}
    assert changed == {"burnout:t-1", "secondary-traumatic-stress:t-1"}


@pytest.mark.parametrize(("caseload", "counts"), [(29, False), (30, True), (45, True)])
def test_caseload_threshold(catalog: Catalog, caseload: float, counts: bool) -> None:
    case = _case(
        professionals=[
            Professional(id="t-1", caseload=caseload),
            Professional(id="t-2"),
        ]
    )
    assert (("burnout", "t-1") in _ors(case, catalog)) is counts


def test_caseload_is_at_least_the_clients_the_case_lists(catalog: Catalog) -> None:
    """A recorded caseload below the case's own client count is not believed (fail closed)."""
    clients = [Client(id=f"c-{i}", clinician="t-1") for i in range(30)]
    for recorded in (None, 5.0):
        case = _case(
            professionals=[Professional(id="t-1", caseload=recorded)], clients=clients
        )
        assert [f.value for f in facts(case) if f.code == CASELOAD] == [30.0]
        assert _ors(case, catalog)[("burnout", "t-1")] == [1.5]


def test_no_caseload_and_no_clients_is_no_fact() -> None:
    case = _case(clients=[])
    assert [f for f in facts(case) if f.code == CASELOAD] == []


# -------------------------------------------------------------- the rules


@pytest.mark.parametrize("qualifiers", [[], ["serious"], ["imminent"], ["physical"]])
def test_qualifiers_are_required(catalog: Catalog, qualifiers: list[str]) -> None:
    """Without both serious and imminent only the plain threat entry counts."""
    case = _case(
        Observation(subject="c-1", code="threat-communicated", qualifiers=qualifiers)
    )
    assert _ors(case, catalog) == {("third-party-violence", "c-1"): [3.0]}


def test_the_more_specific_entry_replaces_the_general_one(catalog: Catalog) -> None:
    case = _case(
        Observation(
            subject="c-1",
            code="threat-communicated",
            qualifiers=["serious", "imminent"],
        )
    )
    assert _ors(case, catalog) == {
        ("third-party-violence", "c-1"): [25.0],
        ("staff-physical-harm", "t-1"): [2.0],
    }


def test_independent_qualifiers_multiply(catalog: Catalog) -> None:
    """Home visits and after-hours are two facts; plain lone working is replaced by both."""
    case = _case(
        Observation(
            subject="t-1",
            code="lone-working",
            qualifiers=["after-hours", "home-visits"],
        )
    )
    assert _ors(case, catalog) == {
        ("lone-working-incident", "t-1"): [2.0, 1.5],
        ("staff-physical-harm", "t-1"): [1.5, 1.3],
    }


@pytest.mark.parametrize("value", [False, 0, 0.0])
def test_a_recorded_absence_adds_nothing(catalog: Catalog, value: object) -> None:
    case = _case(
        Observation(subject="c-1", code="history-of-violence", value=value),
        Observation(
            subject="c-1",
            code="threat-communicated",
            value=value,
            qualifiers=["serious", "imminent"],
        ),
        Observation(subject="p", code="media-visibility", value=value),
    )
    assert observation_factors(case, catalog) == {}
    assert _likelihoods(case, catalog) == _likelihoods(_case(), catalog)


@pytest.mark.parametrize("value", [True, None, 1, 2.5])
def test_a_fact_or_an_unknown_value_counts(catalog: Catalog, value: object) -> None:
    """``None`` (value unknown) counts: fail closed."""
    case = _case(Observation(subject="c-1", code="history-of-violence", value=value))
    assert ("in-session-aggression", "c-1") in _ors(case, catalog)


@pytest.mark.parametrize(
    ("age_days", "expected"),
    [
        (
            0,
            {
                ("third-party-violence", "c-1"): [25.0],
                ("staff-physical-harm", "t-1"): [2.0],
            },
        ),
        (
            90,
            {
                ("third-party-violence", "c-1"): [25.0],
                ("staff-physical-harm", "t-1"): [2.0],
            },
        ),
        (91, {("third-party-violence", "c-1"): [3.0]}),
        (365, {("third-party-violence", "c-1"): [3.0]}),
        (366, {}),
    ],
)
def test_look_back_window(
    catalog: Catalog, age_days: int, expected: dict[tuple[str, str], list[float]]
) -> None:
    """The imminent entry counts for 90 days, the plain threat for a year."""
    obs = Observation(
        subject="c-1",
        code="threat-communicated",
        qualifiers=["serious", "imminent"],
        observed=DAY - dt.timedelta(days=age_days),
    )
    assert _ors(_case(obs), catalog) == expected


def test_history_of_violence_does_not_expire(catalog: Catalog) -> None:
    obs = Observation(
        subject="c-1", code="history-of-violence", observed=dt.date(1990, 1, 1)
    )
    assert ("third-party-violence", "c-1") in _ors(_case(obs), catalog)


@pytest.mark.parametrize(
    ("observed", "assessed_on"),
    [(None, DAY), (dt.date(2020, 1, 1), None), (None, None)],
    ids=["undated-fact", "undated-case", "both-undated"],
)
def test_no_date_counts(
    catalog: Catalog, observed: dt.date | None, assessed_on: dt.date | None
) -> None:
    """A missing date never lets a fact expire (fail closed)."""
    obs = Observation(
        subject="c-1",
        code="threat-communicated",
        qualifiers=["serious", "imminent"],
        observed=observed,
    )
    got = _ors(_case(obs, assessed_on=assessed_on), catalog)
    assert got[("third-party-violence", "c-1")] == [25.0]


def test_once_per_entry_with_the_clients_named_by_pseudonym(catalog: Catalog) -> None:
    case = _case(
        Observation(subject="c-1", code="history-of-violence"),
        Observation(subject="c-3", code="history-of-violence"),
        Observation(subject="c-3", code="history-of-violence", observed=DAY),
        clients=[
            Client(id="c-1", clinician="t-1"),
            Client(id="c-2", clinician="t-2"),
            Client(id="c-3", clinician="t-1"),
        ],
    )
    [staff] = observation_factors(case, catalog)[("staff-physical-harm", "t-1")]
    assert staff.odds_ratio == 1.5
    assert staff.reason.endswith("(clients c-1, c-3)")


def test_a_client_without_a_clinician_moves_no_staff_risk(catalog: Catalog) -> None:
    case = _case(
        Observation(subject="c-1", code="history-of-violence"),
        clients=[Client(id="c-1")],
    )
    assert ("staff-physical-harm", "t-1") not in _ors(case, catalog)
    assert ("in-session-aggression", "c-1") in _ors(case, catalog)


def test_a_fact_about_the_wrong_kind_of_subject_moves_nothing(catalog: Catalog) -> None:
    """Media visibility recorded on a client has no practice-scope risk to move."""
    case = _case(Observation(subject="c-1", code="media-visibility"))
    assert observation_factors(case, catalog) == {}


def test_reasons_carry_no_free_text_from_the_case(catalog: Catalog) -> None:
    secret = "Jane Roe said she would hurt Bob Smith at 12 Elm St"
    case = _case(
        Observation(
            subject="c-1",
            code="threat-communicated",
            qualifiers=["serious", "imminent"],
            note=secret,
        ),
        Observation(subject="c-1", code="history-of-violence", note=secret),
        clients=[
            Client(id="c-1", clinician="t-1", name="Jane Roe"),
            Client(id="c-2", clinician="t-2"),
        ],
    )
    reasons = {e.reason for e in catalog.evidence}
    got = [f for v in observation_factors(case, catalog).values() for f in v]
    assert got
    for f in got:
        assert "Jane" not in f.reason
        assert "Bob" not in f.reason
        assert "Elm" not in f.reason
        assert f.reason in reasons or f.reason.removesuffix(" (client c-1)") in reasons
        assert "Jane" not in repr(f)


def test_factors_are_labelled_like_plugin_factors(catalog: Catalog) -> None:
    case = _case(Observation(subject="c-1", code="history-of-violence"))
    reg = identify(
        Assessment(case_id="ev"), catalog, case, pm=PluginManager(autoload=False)
    )
    r = reg.risk("in-session-aggression:c-1")
    [f] = r.factors
    assert f.plugin == PROVENANCE
    assert f.credited
    assert f.source is not None
    assert f.source.citation.startswith("illustrative default (")
    assert any(
        line.startswith("factor OR 2 from riskcore.evidence:") for line in r.explain()
    )


def test_a_sourced_entry_keeps_its_citation() -> None:
    cat = _mini_catalog(
        Evidence(
            id="e",
            observation="history-of-violence",
            threat="tpv",
            odds_ratio=2.0,
            reason="r",
            source=riskcore.model.Source(citation="A study"),
            illustrative=False,
        )
    )
    case = _case(Observation(subject="c-1", code="history-of-violence"))
    [f] = observation_factors(case, cat)[("tpv", "c-1")]
    assert f.source is not None
    assert f.source.citation == "A study"


def test_a_distribution_counts_at_its_mean() -> None:
    cat = _mini_catalog(
        Evidence(
            id="e",
            observation="history-of-violence",
            threat="tpv",
            odds_ratio=PERT(low=10, mode=20, high=60),
            reason="r",
        )
    )
    case = _case(Observation(subject="c-1", code="history-of-violence"))
    assert _ors(case, cat) == {("tpv", "c-1"): [25.0]}


def test_numeric_rule_needs_a_number() -> None:
    cat = _mini_catalog(
        Evidence(
            id="e",
            observation="visits",
            min_value=3,
            threat="tpv",
            odds_ratio=2.0,
            reason="r",
        )
    )
    for value, counts in ((True, False), (None, False), (2, False), (3, True)):
        case = _case(Observation(subject="c-1", code="visits", value=value))
        assert (("tpv", "c-1") in _ors(case, cat)) is counts, value


def test_protective_evidence_is_not_credited_from_an_incomplete_assessment() -> None:
    """Evidence goes through identify's factor rules: fail closed on protective factors."""
    cat = _mini_catalog(
        Evidence(
            id="e",
            observation="engaged",
            threat="tpv",
            odds_ratio=0.5,
            reason="engaged",
        )
    )
    case = _case(Observation(subject="c-1", code="engaged"))
    failed = Assessment(
        case_id="ev",
        failures=[
            riskcore.model.AssessorFailure(
                plugin="x", hook="h", error_type="E", subject="c-1", detail="d"
            )
        ],
    )
    r = identify(failed, cat, case, pm=PluginManager(autoload=False)).risk("tpv:c-1")
    [f] = r.factors
    assert not f.credited
    assert r.inherent.likelihood == 0.01


# ----------------------------------------------------------- the catalog


def _mini_catalog(*evidence: Evidence) -> Catalog:
    return Catalog(
        threats=[
            Threat(
                id="tpv",
                name="Violence",
                category="aggression",
                scope=SubjectKind.CLIENT,
                base_likelihood=0.01,
                impact=Severity(value=5),
            ),
            Threat(
                id="rupture",
                name="Rupture",
                category="cultural",
                scope=SubjectKind.CLIENT,
                base_likelihood=0.1,
                impact=Severity(value=2),
            ),
        ],
        evidence=list(evidence),
    )


@pytest.mark.parametrize(
    "observation",
    [
        "ethnicity-minority",
        "religion",
        "threat-communicated:religious",
        "speaks_other_language",
        "gender.woman",
        "culture-of-origin",
        "race",
    ],
)
def test_catalog_refuses_protected_attributes_on_guarded_threats(
    observation: str,
) -> None:
    with pytest.raises(
        FieldError, match=r"evidence\[0\]\.observation.*protected attribute"
    ):
        _mini_catalog(
            Evidence(
                id="e",
                observation=observation,
                threat="tpv",
                odds_ratio=2.0,
                reason="r",
            )
        )
    # The same code may inform fit: a cultural rupture is not guarded.
    _mini_catalog(
        Evidence(
            id="e",
            observation=observation,
            threat="rupture",
            odds_ratio=2.0,
            reason="r",
        )
    )


@pytest.mark.parametrize("observation", ["racing-thoughts", "sexton-visit", "faithful"])
def test_protected_words_are_whole_words(observation: str) -> None:
    _mini_catalog(
        Evidence(
            id="e", observation=observation, threat="tpv", odds_ratio=2.0, reason="r"
        )
    )


def test_catalog_checks_evidence_references() -> None:
    with pytest.raises(FieldError, match=r"evidence\[0\]\.threat.*not a threat"):
        _mini_catalog(
            Evidence(id="e", observation="x", threat="nope", odds_ratio=2, reason="r")
        )
    with pytest.raises(FieldError, match=r"evidence\[0\]\.threat.*professional-scope"):
        _mini_catalog(
            Evidence(
                id="e",
                observation="x",
                threat="tpv",
                applies_to=EvidenceTarget.CLINICIAN,
                odds_ratio=2,
                reason="r",
            )
        )
    with pytest.raises(
        FieldError, match=r"evidence\[1\]\.observation.*repeats evidence\[0\]"
    ):
        _mini_catalog(
            Evidence(id="a", observation="x:q", threat="tpv", odds_ratio=2, reason="r"),
            Evidence(id="b", observation="x:q", threat="tpv", odds_ratio=3, reason="r"),
        )
    with pytest.raises(FieldError, match=r"evidence.*more than once"):
        _mini_catalog(
            Evidence(id="a", observation="x", threat="tpv", odds_ratio=2, reason="r"),
            Evidence(id="a", observation="y", threat="tpv", odds_ratio=3, reason="r"),
        )


def test_evidence_round_trips_through_yaml() -> None:
    text = """
schema_version: 1
threats:
  - {id: tpv, name: V, category: aggression, scope: client, base_likelihood: 0.01,
     impact: {value: 5}}
evidence:
  - id: imminent
    observation: threat-communicated:serious:imminent
    threat: tpv
    odds_ratio: {dist: pert, low: 10, mode: 20, high: 60}
    lookback_days: 90
    reason: a serious, imminent threat of violence was communicated
"""
    cat = io.loads(text, Catalog, format="yaml")
    [e] = cat.evidence
    assert e.odds_ratio == PERT(low=10, mode=20, high=60)
    assert e.applies_to is EvidenceTarget.SUBJECT
    assert e.illustrative
    assert io.loads(io.dumps(cat), Catalog) == cat


def test_every_default_entry_is_sourced_or_labelled(catalog: Catalog) -> None:
    assert len(catalog.evidence) >= 10
    for e in catalog.evidence:
        assert e.illustrative or e.source is not None, e.id
        assert e.source is not None, f"{e.id}: cite the measure or finding"


# -------------------------------------------------------------- fairness


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(from_attrs(ProtectedAttributes), min_size=12, max_size=12),
    st.lists(
        st.lists(st.sampled_from(["home-visits", "after-hours", "x1"]), max_size=2),
        min_size=12,
        max_size=12,
    ),
)
def test_protected_attributes_and_context_change_no_evidence_factor(
    protected: list[ProtectedAttributes], contexts: list[list[str]]
) -> None:
    """Counterfactual invariance on the example case: every client's protected
    attributes and context replaced, every evidence factor the same."""
    case = riskcore.load_case(EXAMPLE)
    cat = default_catalog(PluginManager(autoload=False))
    other = attrs.evolve(
        case,
        clients=[
            attrs.evolve(c, protected=p, context=tuple(x))
            for c, p, x in zip(case.clients, protected, contexts, strict=True)
        ],
    )
    assert observation_factors(other, cat) == observation_factors(case, cat)


# ------------------------------------------------ the example case (finding 4)


@pytest.fixture(scope="module")
def example() -> tuple[riskcore.model.RiskRegister, Catalog]:
    case = riskcore.load_case(EXAMPLE)
    pm = PluginManager()
    cat = default_catalog(pm)
    return identify(assess(case, pm=pm), cat, case, pm=pm), cat


def test_finding_4_an_imminent_threat_moves_third_party_violence(
    example: tuple[riskcore.model.RiskRegister, Catalog],
) -> None:
    """Regression (issue 13, finding 4): c-07's communicated serious, imminent
    threat left third-party violence at its base rate, lifted to the critical
    floor only for display, so the register showed it rising after the plan."""
    reg, cat = example
    r = reg.risk("third-party-violence:c-07")
    m = reg.matrix
    base = riskcore.model.mean_of(cat.threat("third-party-violence").base_likelihood)
    assert r.inherent.likelihood > base
    assert m.rank(r.inherent.level) >= m.rank(m.critical_floor)
    assert r.critical
    assert {f.plugin for f in r.factors} == {PROVENANCE}


def test_example_recorded_facts_move_their_risks(
    example: tuple[riskcore.model.RiskRegister, Catalog],
) -> None:
    reg, _cat = example
    for rid in (
        "in-session-aggression:c-07",
        "staff-physical-harm:t-03",
        "lone-working-incident:t-03",
        "public-harassment:longmont",
        "confidentiality-breach:longmont",
        "burnout:t-02",
        "secondary-traumatic-stress:t-02",
    ):
        assert any(f.plugin == PROVENANCE for f in reg.risk(rid).factors), rid
    # Only t-03 records lone working: no other professional's lone-working risk moves.
    for t in ("t-01", "t-02", "t-04"):
        assert not any(
            f.plugin == PROVENANCE
            for f in reg.risk(f"lone-working-incident:{t}").factors
        )
