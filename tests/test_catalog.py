"""The default catalog: content, merging, collisions and failures."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pytest

from riskcore import hookimpl
from riskcore.catalog import (
    builtin,
    default_catalog,
    label,
    numbers,
    unlabelled_numbers,
)
from riskcore.errors import CatalogError
from riskcore.io import dumps, loads
from riskcore.model import Catalog, Mitigation, Response, SubjectKind, Threat
from riskcore.model.catalog import Effect, EffectTarget, Severity, Source
from riskcore.model.distributions import PERT
from riskcore.plugins import PluginManager

ROOT = Path(__file__).resolve().parents[1]
BUILTIN = ("riskcore.catalog.builtin", builtin)

THREATS = {
    "in-session-aggression": ("client", "aggression"),
    "staff-physical-harm": ("professional", "aggression"),
    "emotional-outburst": ("client", None),
    "secondary-traumatic-stress": ("professional", None),
    "burnout": ("professional", None),
    "boundary-erosion": ("professional", None),
    "cultural-rupture": ("client", None),
    "dropout-after-rupture": ("client", None),
    "client-self-harm": ("client", "self-harm"),
    "third-party-violence": ("client", "aggression"),
    "confidentiality-breach": ("practice", None),
    "public-harassment": ("practice", None),
    "lone-working-incident": ("professional", None),
}
MITIGATIONS = {
    "de-escalation-training",
    "cultural-competency-training",
    "cultural-formulation-intake",
    "interpreter-access",
    "stress-management-workshops",
    "burnout-prevention-programme",
    "caseload-limits",
    "clinical-supervision",
    "peer-support",
    "self-care-plan",
    "ei-development",
    "intake-communication-protocol",
    "measurement-based-check-ins",
    "safe-room-alarm",
    "lone-worker-policy",
    "confidentiality-media-policy",
    "public-awareness-work",
    "wpv-program-commitment",
    "worksite-risk-assessment",
    "incident-recordkeeping",
}
RESPONSES = {
    "de-escalation-protocol",
    "emergency-protocol",
    "collaborative-safety-plan",
    "duty-to-warn-procedure",
    "post-incident-debrief",
    "critical-incident-support",
    "referral-pathway",
    "missed-check-in-escalation",
    "acute-suicide-risk-pathway",
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return default_catalog(PluginManager(autoload=False))


def _conventions(section: str) -> set[str]:
    text = (ROOT / "docs" / "conventions.md").read_text(encoding="utf-8")
    return set(
        re.findall(r"`([a-z0-9.:-]+)`", text.split(section, 1)[1].split("\n## ", 1)[0])
    )


def test_threats_match_conventions_and_scopes(catalog: Catalog) -> None:
    assert {t.id for t in catalog.threats} == set(THREATS)
    assert set(THREATS) <= _conventions("## Threat ids")
    for t in catalog.threats:
        scope, category = THREATS[t.id]
        assert t.scope is SubjectKind(scope)
        if category is not None:
            assert t.category == category
        # Impacts are severity ratings riskcore chose: every threat keeps at
        # least one illustrative number, whatever its base rate's source.
        assert t.illustrative, f"{t.id}: its impact is an illustrative default"
        assert "impact" not in t.sourced, t.id


def test_mitigations_and_responses_present(catalog: Catalog) -> None:
    assert {m.id for m in catalog.mitigations} == MITIGATIONS
    assert {r.id for r in catalog.responses} == RESPONSES


def test_trigger_codes_are_known(catalog: Catalog) -> None:
    flags = _conventions("## Flag codes")
    observations = _conventions("## Observation codes")
    for r in catalog.responses:
        assert r.owner
        assert r.time_to_act_hours >= 0
        assert r.trigger.flags or r.trigger.observations, r.id
        assert set(r.trigger.flags) <= flags, r.id
        assert {o.split(":")[0] for o in r.trigger.observations} <= observations, r.id


def test_requirements_form_a_dag_and_sources_are_honest(catalog: Catalog) -> None:
    g = nx.DiGraph()
    g.add_nodes_from(m.id for m in catalog.mitigations)
    g.add_edges_from((m.id, r) for m in catalog.mitigations for r in m.requires)
    assert nx.is_directed_acyclic_graph(g)
    assert catalog.mitigation("cultural-formulation-intake").requires == (
        "cultural-competency-training",
    )
    assert catalog.mitigation("peer-support").requires == ("clinical-supervision",)
    # Every mitigation's numbers are illustrative defaults; sources cite the measure.
    for m in catalog.mitigations:
        assert m.illustrative
        assert not m.sourced, m.id
        assert m.cost >= 0
        assert m.hours >= 0
        assert m.duration_days >= 0
    shared = {r for m in catalog.mitigations for r in m.resources}
    assert {"alarm-service", "clinical-supervisor"} <= shared


def test_round_trip(catalog: Catalog) -> None:
    assert loads(dumps(catalog, "yaml"), Catalog, format="yaml") == catalog
    assert loads(dumps(catalog), Catalog) == catalog


def test_default_yaml_ships_in_the_package() -> None:
    from importlib.resources import files

    assert files("riskcore.catalog").joinpath("default.yaml").is_file()


class _Extra:
    @hookimpl
    def riskcore_catalog(self) -> Catalog:
        return Catalog(
            threats=[
                Threat(
                    id="zz-threat",
                    name="Z",
                    category="other",
                    scope=SubjectKind.PRACTICE,
                    base_likelihood=0.1,
                    impact=Severity(value=2),
                )
            ],
        )


class _CrossRef:
    """Refers to a built-in threat: resolved on the merged catalog."""

    @hookimpl
    def riskcore_catalog(self) -> Catalog | None:
        return None


def test_merge_in_plugin_name_order_and_none_skipped(catalog: Catalog) -> None:
    pm = PluginManager(
        autoload=False,
        plugins=[("zz-extra", _Extra()), ("aa-none", _CrossRef())],
    )
    merged = default_catalog(pm)
    assert merged.threats[-1].id == "zz-threat"
    assert merged.threats[:-1] == catalog.threats


def test_collision_names_both_plugins() -> None:
    pm = PluginManager(
        autoload=False, plugins=[("extra-a", _Extra()), ("extra-b", _Extra())]
    )
    with pytest.raises(CatalogError, match=r"'zz-threat'.*'extra-a'.*'extra-b'"):
        default_catalog(pm)


def test_failing_contribution_is_reported() -> None:
    class Broken:
        @hookimpl
        def riskcore_catalog(self) -> Catalog:
            raise RuntimeError("boom")

    pm = PluginManager(autoload=False, plugins=[("broken", Broken())])
    with pytest.raises(CatalogError, match=r"'broken' failed .*RuntimeError: boom"):
        default_catalog(pm)


def test_wrong_type_is_reported() -> None:
    class Wrong:
        @hookimpl
        def riskcore_catalog(self) -> object:
            return {"threats": []}

    pm = PluginManager(autoload=False, plugins=[("wrong", Wrong())])
    with pytest.raises(CatalogError, match=r"'wrong' returned dict"):
        default_catalog(pm)


def test_dangling_reference_across_plugins() -> None:
    class Dangling:
        @hookimpl
        def riskcore_catalog(self) -> Catalog:
            return Catalog(
                threats=[
                    Threat(
                        id="t1",
                        name="T",
                        category="c",
                        scope=SubjectKind.CLIENT,
                        base_likelihood=0.1,
                        impact=Severity(value=1),
                    )
                ],
                mitigations=[
                    Mitigation(
                        id="m1",
                        name="M",
                        category="c",
                        reduces=[Effect(threat="t1", effectiveness=0.1)],
                    )
                ],
            )

    class Needs:
        @hookimpl
        def riskcore_catalog(self) -> Catalog:
            return Catalog()

    ok = default_catalog(
        PluginManager(
            autoload=False, builtins=False, plugins=[("d", Dangling()), ("n", Needs())]
        )
    )
    assert ok.mitigation("m1").reduces[0].threat == "t1"


def test_inconsistent_merge_is_a_catalog_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import riskcore.catalog as mod
    from riskcore.errors import FieldError

    def bad(**kw: object) -> Catalog:
        raise FieldError("threats", "x", "is defined more than once")

    monkeypatch.setattr(mod, "Catalog", bad)
    with pytest.raises(CatalogError, match="inconsistent"):
        default_catalog(PluginManager(autoload=False, builtins=False))


def test_default_plugin_manager_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    import riskcore.catalog as mod

    pm = PluginManager(autoload=False)
    monkeypatch.setattr(mod, "get_plugin_manager", lambda: pm)
    assert len(default_catalog().threats) == len(THREATS)


def test_docs_catalog_page_is_generated_from_the_catalog(catalog: Catalog) -> None:
    """docs/catalog.md lists every default number with its label and source,
    exactly as the catalog has them (regenerate with
    `python -m riskcore.catalog.docs docs/catalog.md`)."""
    from riskcore.catalog.docs import BEGIN, END, catalog_tables, format_param

    doc = (ROOT / "docs" / "catalog.md").read_text(encoding="utf-8")
    block = doc.split(BEGIN, 1)[1].split(END, 1)[0]
    assert block == "\n" + catalog_tables(catalog)
    # ...which shows each number next to its label, row by row
    for item in (*catalog.threats, *catalog.mitigations, *catalog.responses):
        row = next(
            line for line in block.splitlines() if line.startswith(f"| `{item.id}` |")
        )
        for name, value in numbers(item):
            assert format_param(value) in row, (item.id, name)
            assert f"`{name}` {label(item, name)}" in row, (item.id, name)


def test_docs_mention_every_item(catalog: Catalog) -> None:
    doc = (ROOT / "docs" / "catalog.md").read_text(encoding="utf-8")
    for item in (*catalog.threats, *catalog.mitigations, *catalog.responses):
        assert f"`{item.id}`" in doc, item.id


# ----------------------------------------------------------- number labels


def test_every_default_number_is_sourced_or_illustrative(catalog: Catalog) -> None:
    """Issue 13, finding 7: no catalog or response number stands unlabelled."""
    assert unlabelled_numbers(catalog) == []
    # ...and the walk really covers the responses' effect sizes (13 before the
    # issue, all of them without a label next to their citations).
    counted = [n for r in catalog.responses for n, _ in numbers(r)]
    assert len(counted) >= 13


def test_the_label_check_fails_on_a_broken_catalog() -> None:
    """Each way a number can lose its label is caught, by field path."""
    cited = Source(citation="Some study (2020)")  # a citation without a note
    noted = Source(citation="Some study (2020)", note="19.7 % read as p(1 year)")
    threat = Threat(
        id="t",
        name="T",
        category="c",
        scope=SubjectKind.CLIENT,
        base_likelihood=0.2,
        impact=Severity(value=3),
    )
    broken = Catalog(
        threats=[
            threat,  # illustrative, no source: labelled
            attrs_evolve(threat, id="bare", source=cited),
            attrs_evolve(threat, id="claims", illustrative=False, source=noted),
            attrs_evolve(
                threat,
                id="half",
                illustrative=False,
                source=noted,
                sourced=["base_likelihood"],
            ),
            attrs_evolve(threat, id="typo", source=noted, sourced=["base_likelyhood"]),
        ],
        mitigations=[
            Mitigation(
                id="m",
                name="M",
                category="c",
                reduces=[Effect(threat="t", effectiveness=0.3)],
                illustrative=False,
            )
        ],
        responses=[
            Response(
                id="r",
                name="R",
                recovers=[Effect(threat="t", effectiveness=0.3)],
                source=cited,
            )
        ],
    )
    assert unlabelled_numbers(broken) == [
        "threats[bare].base_likelihood",
        "threats[bare].impact",
        "threats[half].impact",
        "threats[typo].sourced[0]",
        "mitigations[m].reduces.t",
        "mitigations[m].cost",
        "mitigations[m].hours",
        "mitigations[m].duration_days",
        "responses[r].recovers.t",
    ]
    # an item that is not illustrative and lists nothing claims every number
    claims = broken.threat("claims")
    assert [label(claims, n) for n, _ in numbers(claims)] == ["sourced", "sourced"]


def attrs_evolve(item: Threat, **changes: object) -> Threat:
    import attrs

    return attrs.evolve(item, **changes)


def test_sourced_numbers_have_a_conversion_note(catalog: Catalog) -> None:
    """Every sourced default says which figure was taken and how it was converted."""
    items = (*catalog.threats, *catalog.mitigations, *catalog.responses)
    sourced = [(i, n) for i in items for n, _ in numbers(i) if label(i, n) == "sourced"]
    assert {(i.id, n) for i, n in sourced} == {
        ("staff-physical-harm", "base_likelihood"),
        ("burnout", "base_likelihood"),
        ("secondary-traumatic-stress", "base_likelihood"),
        ("dropout-after-rupture", "base_likelihood"),
        ("client-self-harm", "base_likelihood"),
        ("collaborative-safety-plan", "recovers.client-self-harm"),
    }
    for item, _ in sourced:
        assert item.source is not None
        note = item.source.note or ""
        assert re.search(r"\d", note), f"{item.id}: which figure was taken?"
        assert "becomes" in note or "read as" in note, f"{item.id}: converted how?"


def test_evidence_based_defaults(catalog: Catalog) -> None:
    """The published figures, as the catalog converts them (see each note)."""
    assert catalog.threat("burnout").base_likelihood == PERT(
        low=0.31, mode=0.40, high=0.48
    )
    assert catalog.threat("dropout-after-rupture").base_likelihood == PERT(
        low=0.187, mode=0.197, high=0.207
    )
    staff = catalog.threat("staff-physical-harm").base_likelihood
    assert isinstance(staff, PERT)
    # 19 per 1,000 worker-years -> P(at least one in a year) = 1 - exp(-0.019)
    assert staff.mode == pytest.approx(1 - __import__("math").exp(-0.019), abs=5e-4)


def test_safety_plan_acts_on_likelihood_from_the_meta_analysis(
    catalog: Catalog,
) -> None:
    """Finding 7: the safety plan lowers the likelihood of self-harm (RR 0.570,
    95 % CI 0.408-0.795), not its severity."""
    plan = next(r for r in catalog.responses if r.id == "collaborative-safety-plan")
    (effect,) = plan.recovers
    assert effect.threat == "client-self-harm"
    assert effect.on is EffectTarget.LIKELIHOOD
    eff = effect.effectiveness
    assert isinstance(eff, PERT)
    assert (eff.low, eff.mode, eff.high) == pytest.approx(
        (1 - 0.795, 1 - 0.570, 1 - 0.408)
    )
    assert not plan.illustrative


def test_de_escalation_training_claims_no_demonstrated_effect(catalog: Catalog) -> None:
    """Geoffrion et al. 2020 (Cochrane CD011860): no demonstrated effect on
    aggression, so the default is centred on zero and says so."""
    m = catalog.mitigation("de-escalation-training")
    assert m.illustrative
    assert m.source is not None
    assert "NO DEMONSTRATED EFFECT" in (m.source.note or "")
    for e in m.reduces:
        assert isinstance(e.effectiveness, PERT)
        assert e.effectiveness.mode == 0.0
        assert e.effectiveness.mean() < 0.05


def test_response_illustrative_round_trips() -> None:
    r = Response(
        id="r",
        name="R",
        recovers=[Effect(threat="t", effectiveness=0.2)],
        illustrative=False,
        sourced=["recovers.t"],
    )
    assert loads(dumps(r), Response) == r
    assert loads(dumps(r, "yaml"), Response, format="yaml") == r
    assert Response(id="x", name="X").illustrative is True


def test_safety_plan_is_credited_on_likelihood(catalog: Catalog) -> None:
    """Finding 7: responses honour `on`, so the safety plan lowers the
    likelihood of self-harm and leaves its impact (catastrophic) alone."""
    from riskcore.identify import apply_controls, identify
    from riskcore.model import Assessment, Case, Client, Practice

    case = Case(id="x", practice=Practice(id="p"), clients=[Client(id="c-1")])
    pm = PluginManager(autoload=False)
    reg = identify(Assessment(case_id="x"), catalog, case, pm=pm)
    after = apply_controls(
        reg, catalog, responses=[("collaborative-safety-plan", "c-1")]
    )
    before, now = reg.risk("client-self-harm:c-1"), after.risk("client-self-harm:c-1")
    assert now.residual.impact == pytest.approx(before.residual.impact)
    assert now.residual.likelihood == pytest.approx(
        before.residual.likelihood * (1 - (0.205 + 4 * 0.43 + 0.592) / 6)
    )
