"""The default catalog: content, merging, collisions and failures."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pytest

from riskcore import hookimpl
from riskcore.catalog import builtin, default_catalog
from riskcore.errors import CatalogError
from riskcore.io import dumps, loads
from riskcore.model import Catalog, Mitigation, SubjectKind, Threat
from riskcore.model.catalog import Effect, Severity
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
        assert t.illustrative, f"{t.id}: numbers are illustrative defaults"


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


def test_docs_mention_every_item(catalog: Catalog) -> None:
    doc = (ROOT / "docs" / "catalog.md").read_text(encoding="utf-8")
    for item in (*catalog.threats, *catalog.mitigations, *catalog.responses):
        assert f"`{item.id}`" in doc, item.id
