"""Domain model validation and the cattrs I/O: round trips, paths in errors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskcore import FieldError, LoadError, io
from riskcore import model as m
from tests.strategies import DOMAIN_TYPES, from_attrs

ROUND_TRIP = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@pytest.mark.parametrize("cls", DOMAIN_TYPES, ids=lambda c: c.__name__)
def test_round_trip_every_domain_type(cls):
    """dump then load gives an equal object, for every exported attrs class."""

    @ROUND_TRIP
    @given(from_attrs(cls))
    def check(obj):
        for fmt in ("json", "yaml"):
            assert io.loads(io.dumps(obj, fmt), cls, format=fmt) == obj
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            setattr(obj, attrs.fields(cls)[0].name, None)

    check()


def test_every_domain_type_is_slotted_and_kw_only():
    """The house rules for domain types (frozen is checked in the round trip)."""
    for cls in DOMAIN_TYPES:
        assert "__slots__" in cls.__dict__, cls
        assert all(a.kw_only for a in attrs.fields(cls)), cls


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: m.Effect(threat="t", effectiveness=1.4),
            "effectiveness: 1.4 is not in [0, 1]",
        ),
        (
            lambda: m.Effect(threat="t", effectiveness=math.nan),
            "effectiveness: nan is not a finite number",
        ),
        (
            lambda: m.Effect(threat="t", effectiveness=True),
            "effectiveness: True is not a number",
        ),
        (
            lambda: m.Mitigation(id="a", name="A", category="c", cost=-1),
            "cost: -1 is not in [0, inf]",
        ),
        (
            lambda: m.Mitigation(id="a", name="A", category="c", requires=["a"]),
            "requires: 'a' is the mitigation itself",
        ),
        (
            lambda: m.PERT(low=0.5, mode=0.2, high=0.9),
            "mode: 0.2 is not between low (0.5) and high (0.9)",
        ),
        (lambda: m.PERT(low=0.5, mode=0.5, high=0.5), "high: 0.5 equals low (0.5)"),
        (lambda: m.Beta(alpha=0, beta=1), "alpha: 0 is not > 0"),
        (lambda: m.LogNormal(low=0, high=1), "low: 0 is not > 0"),
        (lambda: m.Uniform(low=1, high=1), "high: 1 is not > low (1)"),
        (lambda: m.Severity(value=3, scale="stars"), "scale: 'stars' is not one of"),
        (
            lambda: m.Client(id="has space"),
            "id: <redacted: a string of 9 characters> is not a valid identifier",
        ),
        (
            lambda: m.Score(
                subject="a", subject_kind=m.SubjectKind.CLIENT, instrument="i"
            ),
            "missing_reason: None is required",
        ),
        (
            lambda: m.Score(
                subject="a",
                subject_kind=m.SubjectKind.CLIENT,
                instrument="i",
                value=math.nan,
            ),
            "value: nan is NaN",
        ),
        (
            lambda: m.Score(
                subject="a",
                subject_kind=m.SubjectKind.CLIENT,
                instrument="i",
                value=5,
                maximum=4,
            ),
            "value: 5.0 is above maximum 4",
        ),
        (
            lambda: m.Score(
                subject="a",
                subject_kind=m.SubjectKind.CLIENT,
                instrument="i",
                value=-1,
                minimum=0,
            ),
            "value: -1.0 is below minimum 0",
        ),
        (
            lambda: m.Score(
                subject="a",
                subject_kind=m.SubjectKind.CLIENT,
                instrument="i",
                value="3",
            ),
            "value: '3' is not a number",
        ),
        (
            lambda: m.InstrumentResponse(
                instrument="i", subject="s", items={"1": math.inf}
            ),
            "items.1: inf is not a finite number",
        ),
        (
            lambda: m.InstrumentResponse(instrument="i", subject="s", items=[1, 2]),
            "is not a mapping",
        ),
    ],
)
def test_invalid_values_name_field_and_value(build, message):
    """Invalid values are rejected at construction with field and value."""
    with pytest.raises(FieldError) as err:
        build()
    assert message in str(err.value)


def test_sensitive_values_never_in_messages_or_repr():
    """Names and notes are not shown in repr or in error messages."""
    c = m.Client(
        id="c-1",
        name="Jane Doe",
        protected=m.ProtectedAttributes(ethnicity="X", languages=["es"]),
    )
    o = m.Observation(subject="c-1", code="threat-communicated", note="Jane said ...")
    assert "Jane" not in repr(c) + repr(o)
    assert "'es'" not in repr(c.protected)
    with pytest.raises(FieldError) as err:
        m.Client(id="c-1", name="J" * 300)
    assert "JJJ" not in str(err.value)
    assert "<redacted>" in str(err.value)


def test_case_cross_references():
    """Case checks ids are unique and references resolve."""
    p = m.Practice(id="p")
    with pytest.raises(
        FieldError, match="subjects: 'p' is used by more than one subject"
    ):
        m.Case(id="x", practice=p, clients=[m.Client(id="p")])
    with pytest.raises(FieldError, match=r"responses\[0\].subject: 'ghost'"):
        m.Case(
            id="x",
            practice=p,
            responses=[m.InstrumentResponse(instrument="i", subject="ghost")],
        )
    with pytest.raises(FieldError, match=r"responses\[0\].about: 'ghost'"):
        m.Case(
            id="x",
            practice=p,
            responses=[
                m.InstrumentResponse(instrument="i", subject="p", about="ghost")
            ],
        )
    with pytest.raises(FieldError, match=r"observations\[0\].subject: 'ghost'"):
        m.Case(
            id="x", practice=p, observations=[m.Observation(subject="ghost", code="x")]
        )
    with pytest.raises(FieldError, match="schema_version: 2 is not supported"):
        m.Case(id="x", practice=p, schema_version=2)


CATALOG = {
    "schema_version": 1,
    "threats": [
        {
            "id": "burnout",
            "name": "Burnout",
            "category": "burnout",
            "scope": "professional",
            "base_likelihood": 0.2,
            "impact": {"value": 3},
        },
    ],
    "mitigations": [
        {
            "id": "sup",
            "name": "Supervision",
            "category": "support",
            "reduces": [{"threat": "burnout", "effectiveness": 0.3}],
        },
        {
            "id": "peer",
            "name": "Peer support",
            "category": "support",
            "requires": ["sup"],
            "reduces": [
                {
                    "threat": "burnout",
                    "effectiveness": {
                        "dist": "pert",
                        "low": 0.1,
                        "mode": 0.2,
                        "high": 0.4,
                    },
                }
            ],
        },
    ],
}


def _bad(**patch):
    doc = json.loads(json.dumps(CATALOG))
    for path, value in patch.items():
        node = doc
        keys = path.split("/")
        for k in keys[:-1]:
            node = node[int(k)] if k.isdigit() else node[k]
        last = keys[-1]
        if value is KeyError:
            del node[last]
        else:
            node[int(last) if last.isdigit() else last] = value
    return doc


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        (
            {"mitigations/1/reduces/0/effectiveness": 1.4},
            "mitigations[1].reduces[0].effectiveness: 1.4 is not in [0, 1]",
        ),
        (
            {"mitigations/0/cost": "12"},
            "mitigations[0].cost: expected a number, got a string",
        ),
        ({"mitigations/0/colour": "red"}, "mitigations[0]: unknown key 'colour'"),
        ({"threats/0/name": KeyError}, "threats[0].name: required field missing"),
        (
            {"mitigations/1/requires/0": "nope"},
            "mitigations[1].requires[0]: 'nope' is not a mitigation in this catalog",
        ),
        ({"threats/0/scope": "planet"}, "threats[0].scope:"),
        (
            {
                "threats/0/base_likelihood": {
                    "dist": "pert",
                    "low": 0.5,
                    "mode": 0.2,
                    "high": 0.9,
                }
            },
            "threats[0].base_likelihood.mode: 0.2 is not between",
        ),
        (
            {
                "threats/0/base_likelihood": {
                    "dist": "lognormal",
                    "low": 0.1,
                    "high": 0.4,
                }
            },
            "threats[0].base_likelihood: LogNormal(low=0.1, high=0.4) has support [0, inf] outside [0, 1]",
        ),
        (
            {"threats/0/base_likelihood": {"dist": "gauss"}},
            "threats[0].base_likelihood: 'dist' must be one of",
        ),
        (
            {"threats/0/base_likelihood": True},
            "threats[0].base_likelihood: expected a number, got a boolean",
        ),
        (
            {"schema_version": KeyError},
            "schema_version: required field missing (this riskcore reads 1)",
        ),
        ({"schema_version": 7}, "schema_version: 7 is not supported"),
        (
            {"threats/0/illustrative": "yes"},
            "threats[0].illustrative: expected true or false",
        ),
    ],
)
def test_load_errors_carry_the_full_path(tmp_path: Path, patch, expected):
    """Every load error names the file and the full field path."""
    f = tmp_path / "catalog.json"
    f.write_text(json.dumps(_bad(**patch)))

    with pytest.raises(LoadError) as err:
        io.load_catalog(f)

    assert expected in err.value.details()
    assert str(err.value).startswith(f"{f}: ")


def test_load_yaml_and_json_agree(tmp_path: Path):
    """The same catalog in YAML and JSON loads to equal objects; dump is atomic."""
    import yaml

    (tmp_path / "c.yaml").write_text(yaml.safe_dump(CATALOG))
    (tmp_path / "c.json").write_text(json.dumps(CATALOG))
    a, b = io.load_catalog(tmp_path / "c.yaml"), io.load_catalog(tmp_path / "c.json")
    assert a == b
    io.dump(a, tmp_path / "out.yaml")
    io.dump(a, tmp_path / "out.json")
    assert (
        io.load_catalog(tmp_path / "out.yaml")
        == a
        == io.load_catalog(tmp_path / "out.json")
    )
    assert not list(tmp_path.glob(".*.tmp"))


def test_yaml_int_item_keys_and_dates(tmp_path: Path):
    """YAML int keys become item ids; YAML dates and ISO strings both load."""
    f = tmp_path / "case.yaml"
    f.write_text(
        "schema_version: 1\nid: c\nassessed_on: 2026-11-01\npractice: {id: p}\n"
        "clients: [{id: c-1}]\n"
        "responses: [{instrument: phq9, subject: c-1, administered: '2026-10-30', items: {1: 2, 9: null}}]\n"
    )
    case = io.load_case(f)
    assert case.responses[0].items == {"1": 2, "9": None}
    assert str(case.assessed_on) == "2026-11-01"
    assert str(case.responses[0].administered) == "2026-10-30"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("x.json", "{", "line 1, column 2: invalid JSON"),
        ("x.yaml", "a: [1,", "invalid YAML"),
        ("x.yaml", "- 1\n- 2\n", "(document): expected a mapping, got a list"),
        (
            "x.yaml",
            "schema_version: 1\nid: 3\npractice: {id: p}\n",
            "id: expected a string, got the number 3",
        ),
        (
            "x.yaml",
            "schema_version: 1\nid: c\npractice: {id: p}\nassessed_on: soon\n",
            "assessed_on: expected a date as YYYY-MM-DD",
        ),
        (
            "x.yaml",
            "schema_version: 1\nid: c\npractice: {id: p}\nassessed_on: 5\n",
            "assessed_on: expected a date as YYYY-MM-DD, got the number 5",
        ),
        (
            "x.yaml",
            "schema_version: 1.0\nid: c\npractice: {id: p}\nhorizon_days: 0\n",
            "horizon_days: 0.0 is not in [1, 3650]",
        ),
        ("x.txt", "", "cannot tell the format from the suffix '.txt'"),
    ],
)
def test_bad_files(tmp_path: Path, name, text, expected):
    """Unparseable or ill-typed files give one clear LoadError."""
    f = tmp_path / name
    f.write_text(text)
    with pytest.raises(LoadError) as err:
        io.load_case(f)
    assert expected in err.value.details()


def test_unreadable_files(tmp_path: Path):
    """A missing or non-UTF-8 file is a LoadError naming the file."""
    with pytest.raises(LoadError, match="cannot read the file"):
        io.load_case(tmp_path / "missing.yaml")
    f = tmp_path / "latin1.yaml"
    f.write_bytes(b"id: \xe9")
    with pytest.raises(LoadError, match="not UTF-8"):
        io.load_case(f)


def test_integer_fields_are_strict():
    """schema_version must be an integer (2.0 is accepted as 2; 2.5 is not)."""
    with pytest.raises(LoadError, match="expected an integer"):
        io.structure(
            {
                "schema_version": 1,
                "case_id": "c",
                "items": [{"mitigation": "m", "phase": 1.5}],
            },
            m.Plan,
        )
    plan = io.structure(
        {
            "schema_version": 1,
            "case_id": "c",
            "items": [{"mitigation": "m", "phase": 2.0}],
        },
        m.Plan,
    )
    assert plan.items[0].phase == 2


def test_write_atomic_leaves_old_file_on_failure(tmp_path: Path, monkeypatch):
    """A failed write keeps the previous content and leaves no temp file."""
    target = tmp_path / "report.md"
    target.write_text("old")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError, match="disk full"):
        io.write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]
    monkeypatch.undo()
    io.write_atomic(target, b"bytes")
    assert target.read_bytes() == b"bytes"
    assert target.stat().st_mode & 0o777 == 0o600  # owner only: clinical data


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=0, max_value=1))
def test_mean_of_points(p):
    """mean_of is the identity for points."""
    assert m.mean_of(p) == p


def test_distribution_means():
    """Analytic means of the distributions."""
    assert m.LogNormal(low=1, high=100).mean() > m.LogNormal(low=1, high=100).median()
    assert m.Beta(alpha=1, beta=1, low=2, high=4).mean() == 3
    assert m.Uniform(low=0, high=2).support() == (0, 2)
    assert m.Triangular(low=0, mode=0, high=3).support() == (0, 3)
    assert m.Beta(alpha=2, beta=2).support() == (0, 1)
    assert m.LogNormal(low=1, high=2).support()[1] == math.inf
    with pytest.raises(FieldError, match="gamma"):
        m.PERT(low=0, mode=0.1, high=1, gamma=0)
    with pytest.raises(FieldError, match="beta: 0 is not > 0"):
        m.Beta(alpha=1, beta=0)
    with pytest.raises(FieldError, match="high: 0 is not > low"):
        m.Beta(alpha=1, beta=1, low=0, high=0)
    with pytest.raises(FieldError, match="high: 1 is not > low"):
        m.LogNormal(low=1, high=1)


def test_catalog_lookups_and_merge():
    """Catalog.threat/mitigation look up by id; merged() refuses collisions."""
    cat = io.structure(CATALOG, m.Catalog)
    assert cat.threat("burnout").guarded is False
    assert cat.mitigation("peer").requires == ("sup",)
    with pytest.raises(KeyError):
        cat.threat("nope")
    with pytest.raises(KeyError):
        cat.mitigation("nope")
    with pytest.raises(
        FieldError, match="threats: 'burnout' is defined more than once"
    ):
        cat.merged(cat)
    assert len(cat.merged(m.Catalog()).threats) == 1


def test_catalog_response_references():
    """Responses must refer to known threats and mitigations."""
    cat = io.structure(CATALOG, m.Catalog)
    t = cat.threats
    with pytest.raises(FieldError, match=r"responses\[0\].recovers\[0\].threat"):
        m.Catalog(
            threats=t,
            responses=[
                m.Response(
                    id="r", name="R", recovers=[m.Effect(threat="x", effectiveness=0.1)]
                )
            ],
        )
    with pytest.raises(FieldError, match=r"responses\[0\].requires\[0\]"):
        m.Catalog(threats=t, responses=[m.Response(id="r", name="R", requires=["x"])])
    with pytest.raises(FieldError, match=r"responses\[0\].trigger.threats\[0\]"):
        m.Catalog(
            threats=t,
            responses=[m.Response(id="r", name="R", trigger=m.Trigger(threats=["x"]))],
        )
    with pytest.raises(FieldError, match=r"mitigations\[0\].reduces\[0\].threat"):
        m.Catalog(
            threats=t,
            mitigations=[
                m.Mitigation(
                    id="a",
                    name="A",
                    category="c",
                    reduces=[m.Effect(threat="x", effectiveness=0.1)],
                )
            ],
        )


def test_case_lookups():
    """Case.subject, responses_for, observations_for."""
    case = m.Case(
        id="x",
        practice=m.Practice(id="p"),
        clients=[m.Client(id="c")],
        observations=[m.Observation(subject="c", code="missed-check-in")],
    )
    assert case.subject("c").KIND is m.SubjectKind.CLIENT
    assert case.observations_for("c")[0].code == "missed-check-in"
    assert case.responses_for("c") == ()
    with pytest.raises(KeyError):
        case.subject("nobody")


def test_assessment_failure_summary():
    """AssessorFailure.summary is safe to show and omits the detail."""
    f = m.AssessorFailure(
        plugin="x", hook="riskcore_assess", error_type="RuntimeError", detail="Jane"
    )
    assert f.summary() == "x: riskcore_assess failed with RuntimeError"
    assert "Jane" not in repr(f)


def test_to_tuple_rejects_strings():
    """A bare string where a list is expected is an error, not a tuple of letters."""
    with pytest.raises(TypeError, match="expected a list, got a string"):
        m.Client(id="c", context="home-visits")
    with pytest.raises(FieldError, match=r"context\[0\]"):
        m.Client(id="c", context=["not valid"])
    with pytest.raises(FieldError, match="is not a string"):
        m.Source(citation=3)


_ITEMS = st.one_of(st.integers(), st.text(max_size=2), st.none())


@settings(max_examples=300, deadline=None)
@given(
    value=st.one_of(
        st.lists(_ITEMS, max_size=4),
        st.lists(_ITEMS, max_size=4).map(tuple),
        st.text(max_size=3),
        st.binary(max_size=3),
        st.dictionaries(st.text(max_size=2), _ITEMS, max_size=2),
        st.frozensets(st.integers(), max_size=3),
        _ITEMS,
        st.floats(),
        st.booleans(),
    )
)
def test_to_tuple_of_a_list_or_tuple_is_its_general_result(value):
    """to_tuple takes an exact list or tuple straight to its tuple (#16): the
    same tuple, or the same refusal, as its general way for every value."""
    from riskcore.model._fields import _any_to_tuple, to_tuple

    def outcome(f):
        try:
            return "ok", f(value)
        except TypeError as exc:
            return "error", str(exc)

    got = outcome(to_tuple)
    assert got == outcome(_any_to_tuple)
    if type(value) is tuple:
        assert got[1] is value  # kept as it is, as attrs' converters expect


def test_not_measured_is_complete_but_valueless():
    """A scale an instrument does not measure is 'not measured', not missing."""
    nm = m.Score(
        subject="t",
        subject_kind=m.SubjectKind.PROFESSIONAL,
        instrument="ei-domains",
        scale="relationship-management",
        missing_reason="not measured by WLEIS",
        measured=False,
    )
    a = m.Assessment(case_id="c", scores=[nm])
    assert nm.complete
    assert nm.value is None
    assert a.complete
    assert a.incomplete_reasons == ()
    with pytest.raises(FieldError, match="must be null when measured is false"):
        m.Score(
            subject="t",
            subject_kind=m.SubjectKind.PROFESSIONAL,
            instrument="i",
            value=3,
            measured=False,
        )


# ------------------------------------------------------------ strict parsing (#14)

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "longmont-practice.yaml"
C04_ITEMS = "{'1': 2, '2': 3, '3': 2, '4': 2, '5': 1, '6': 2, '7': 2, '8': 1, '9': 1}"


def _example_with(old: str, new: str) -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    return text.replace(old, new)


@pytest.mark.parametrize(
    "items",
    [
        "{'1': 2, '9': 1, '9': 0}",  # the same key twice
        "{'1': 2, 9: 1, '9': 0}",  # 9 and '9' are the same item id
        "{'1': 2, 9: 1, 9.0: 0}",  # equal numbers
    ],
)
def test_yaml_duplicate_keys_are_an_error_naming_both_lines(items):
    """The last value must never win silently: an endorsed item 9 would vanish."""
    text = _example_with(C04_ITEMS, items)
    with pytest.raises(LoadError) as err:
        io.loads(text, m.Case, format="yaml")
    (problem,) = err.value.problems
    line = text.splitlines().index(f"  items: {items}") + 1
    assert problem.startswith("responses[3].items: duplicate key")
    assert problem.count(f"line {line}, column") == 2


def test_yaml_duplicate_keys_on_separate_lines():
    """Both lines are named, the duplicate's and the first's."""
    text = "schema_version: 1\nid: c\npractice: {id: p}\nid: d\n"
    with pytest.raises(
        LoadError,
        match=r"\(document\): duplicate key 'id' at line 4, column 1 \(first at line 2, column 1\)",
    ):
        io.loads(text, m.Case, format="yaml")


def test_json_duplicate_keys_are_an_error_naming_both_lines():
    """JSON: object_pairs_hook finds it; the error names the path and both lines."""
    data = json.loads(json.dumps(io.unstructure(io.load_case(EXAMPLE))))
    text = json.dumps(data, indent=1)
    text = text.replace('"9": 1\n', '"9": 1,\n"9": 0\n', 1)
    with pytest.raises(LoadError) as err:
        io.loads(text, m.Case, format="json")
    (problem,) = err.value.problems
    assert problem.startswith("responses[3].items: duplicate key '9' at line ")
    assert "(first at line " in problem


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("languages: [en, vi]", "languages: en", "professionals[3].languages"),
        (
            "context: [after-hours, home-visits]",
            "context: after-hours",
            "professionals[2].context",
        ),
        ("context: [group-practice]", "context: group-practice", "practice.context"),
    ],
)
def test_a_string_where_a_list_is_expected_is_never_split(old, new, path):
    """``languages: "en"`` was read as ('e', 'n')."""
    with pytest.raises(LoadError) as err:
        io.loads(_example_with(old, new), m.Case, format="yaml")
    assert err.value.problems == (
        f"{path}: expected a list, got a string (write one item as [item])",
    )


def test_observation_qualifiers_string_is_refused():
    """``qualifiers: serious`` is not ('s', 'e', 'r', ...)."""
    data = {"subject": "c-1", "code": "threat-communicated", "qualifiers": "serious"}
    with pytest.raises(LoadError, match=r"^qualifiers: expected a list, got a string"):
        io.structure(data, m.Observation)
    with pytest.raises(LoadError, match=r"^qualifiers: expected a list, got a mapping"):
        io.structure(data | {"qualifiers": {"serious": 1}}, m.Observation)


@pytest.mark.parametrize("bad", ["c-01\n", "c-01 ", " c-01", "c-01\t", "c-\x0001"])
def test_ids_reject_whitespace_and_control_characters(bad):
    """``"c-01\\n"`` was a second subject that printed as c-01."""
    with pytest.raises(FieldError, match="is not a valid identifier"):
        m.Client(id=bad)
    with pytest.raises(FieldError, match="is not a valid identifier"):
        m.Observation(subject="c-01", code="x", qualifiers=[bad])


@pytest.mark.parametrize("date", ["2026-13-45", "2026-02-30", "0000-01-01"])
@pytest.mark.parametrize("quote", ["", "'"])
def test_impossible_dates_are_one_line_errors_naming_the_field(date, quote):
    """YAML's timestamp resolver raised ValueError inside the loader."""
    text = _example_with(
        "assessed_on: '2026-10-05'", f"assessed_on: {quote}{date}{quote}"
    )
    with pytest.raises(LoadError) as err:
        io.loads(text, m.Case, format="yaml")
    assert err.value.problems == (
        "assessed_on: expected a date as YYYY-MM-DD (with a real year, month and day)",
    )


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("budget: 15000", "budget: .inf", "budget"),
        ("budget: 15000", "budget: -.inf", "budget"),
        ("budget: 15000", "budget: .nan", "budget"),
        ("caseload: 24", "caseload: .nan", "professionals[0].caseload"),
        ("horizon_days: 365", "horizon_days: .inf", "horizon_days"),
    ],
)
def test_non_finite_numbers_are_rejected_with_the_field_path(old, new, path):
    with pytest.raises(LoadError) as err:
        io.loads(_example_with(old, new), m.Case, format="yaml")
    assert err.value.problems[0].startswith(f"{path}: ")
    assert "finite" in err.value.problems[0]


def test_non_finite_numbers_in_json_are_rejected_with_the_field_path():
    data = io.unstructure(io.load_case(EXAMPLE))
    data["budget"] = math.inf
    with pytest.raises(LoadError, match=r"^budget: expected a finite number, got inf"):
        io.loads(json.dumps(data), m.Case, format="json")
    data["budget"] = 10**400
    with pytest.raises(LoadError, match=r"^budget: expected a finite number"):
        io.structure(data, m.Case)


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("a: " + "[" * 5000 + "]" * 5000, "yaml"),
        ("[" * 100_000 + "]" * 100_000, "json"),
        ('{"a": ' * 65 + "1" + "}" * 65, "json"),
        ("a:\n" + "".join(" " * i + "- \n" for i in range(1, 80)), "yaml"),
    ],
)
def test_deep_nesting_is_a_load_error_not_a_recursion_error(text, fmt):
    with pytest.raises(LoadError, match=f"nested more than {io.MAX_DEPTH} levels deep"):
        io.loads(text, m.Case, format=fmt)


def test_nesting_up_to_the_bound_parses():
    """The bound is exact: MAX_DEPTH levels are read, one more is not."""
    deep = "[" * io.MAX_DEPTH + "]" * io.MAX_DEPTH
    with pytest.raises(LoadError, match="expected a mapping"):
        io.loads(deep, m.Case, format="json")


def test_yaml_aliases_are_refused():
    """A billion-laughs document must not expand; riskcore never needs aliases."""
    text = "a: &a [1, 1, 1]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n"
    with pytest.raises(LoadError, match=r"line 2, column 8: YAML aliases"):
        io.loads(text, m.Case, format="yaml")


def test_input_size_is_bounded(tmp_path: Path, monkeypatch):
    """Reading /dev/zero (or a runaway file) stops with a message."""
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 101)
    monkeypatch.setattr(io, "MAX_INPUT_BYTES", 100)
    with pytest.raises(LoadError, match=r"big.yaml: the document is larger than"):
        io.load_case(big)
    with pytest.raises(LoadError, match="the document is larger than"):
        io.loads("#" * 101, m.Case, format="yaml")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_refused():
    with pytest.raises(
        LoadError, match=r"^/dev/zero: the document is larger than 64 MiB"
    ):
        io.load("/dev/zero", m.Case, format="yaml")


@pytest.mark.parametrize(
    ("text", "fmt"),
    [("a: 1" + "0" * 5000, "yaml"), ("[1" + "0" * 5000 + "]", "json")],
)
def test_huge_integers_are_load_errors(text, fmt):
    """Python refuses to parse integers of more than 4300 digits: no traceback."""
    with pytest.raises(LoadError, match="a value is out of range"):
        io.loads(text, m.Case, format=fmt)


def test_a_lone_surrogate_in_a_name_is_refused_at_load_time():
    """It crashed the HTML and Markdown writers with --show-identifying."""
    data = io.unstructure(io.load_case(EXAMPLE))
    data["clients"][0]["name"] = "Jane \ud800 Doe"
    with pytest.raises(LoadError) as err:
        io.loads(json.dumps(data), m.Case, format="json")
    assert err.value.problems == (
        "clients[0].name: <redacted> contains a lone surrogate (not a character; invalid UTF-8)",
    )


# ------------------------------------------------------------ redaction (#14)

IDENTIFYING = [
    "Jane Doe",
    "555-123-4567",
    "(555) 123-4567",
    "+1 555 123 4567",
    "1980-01-02",
    "02/01/1980",
    "Jane",
    "jane.doe@example.org",
    "she said she would hurt him",
]


@pytest.mark.parametrize("value", IDENTIFYING)
@pytest.mark.parametrize(
    "where",
    ["item-answer", "id", "reference", "language", "number", "key", "date"],
)
def test_error_messages_never_echo_identifying_values(value, where):
    """A phone number, date of birth or name in the wrong field is not echoed."""
    data = io.unstructure(io.load_case(EXAMPLE))
    if where == "item-answer":
        # Issue 14: the case loads; the answer is an invalid item, kept
        # without its value.
        data["responses"][3]["items"]["9"] = value
        case = io.loads(json.dumps(data), m.Case, format="json")
        answer = case.responses[3].items["9"]
        assert isinstance(answer, m.InvalidAnswer)
        for text in (repr(answer), repr(case.responses[3]), io.dumps(case, "json")):
            assert value not in text
        return
    if where == "id":
        data["clients"][0]["id"] = value
    elif where == "reference":
        data["responses"][0]["subject"] = value
    elif where == "language":
        data["professionals"][0]["languages"] = [1, {value: value}]
    elif where == "number":
        data["budget"] = value
    elif where == "key":
        data["clients"][0][value] = 1
    else:
        data["assessed_on"] = f"{value}!"  # made invalid even when it is a date
    with pytest.raises(LoadError) as err:
        io.loads(json.dumps(data), m.Case, format="json")
    for text in (str(err.value), err.value.details(), repr(err.value)):
        assert value not in text
        assert value.split()[0] not in text
    assert all(": " in p for p in err.value.problems)


@pytest.mark.parametrize("value", IDENTIFYING)
def test_enum_errors_never_echo_identifying_values(value):
    """cattrs' own enum hook quoted the value."""
    with pytest.raises(LoadError) as err:
        io.structure(value, m.FlagLevel)
    assert value not in str(err.value)
    assert str(err.value) == (
        f"(document): <redacted: a string of {len(value)} characters> is not one of "
        "'info', 'warning', 'critical'"
    )
    from riskcore.model.distributions import Distribution

    with pytest.raises(LoadError) as err:
        io.structure({"dist": value, "low": 1}, Distribution)
    assert value not in str(err.value)
    assert "<redacted: a string of" in str(err.value)


@pytest.mark.parametrize("value", [5551234567, 19800102, 5551234567.0])
def test_large_numbers_are_not_echoed(value):
    """A phone number or a date of birth written as digits."""
    data = io.unstructure(io.load_case(EXAMPLE))
    data["responses"][3]["items"]["9"] = value
    data["clients"][0]["clinician"] = value
    with pytest.raises(LoadError) as err:
        io.loads(json.dumps(data), m.Case, format="json")
    assert str(int(value)) not in err.value.details()


def test_yaml_date_of_birth_in_the_wrong_field_is_not_echoed():
    text = _example_with(
        "  gender: woman\n- id: c-02", "  gender: 1980-01-02\n- id: c-02"
    )
    with pytest.raises(LoadError) as err:
        io.loads(text, m.Case, format="yaml")
    assert "1980" not in err.value.details()
    assert (
        "clients[0].protected.gender: expected a string, got date"
        in err.value.details()
    )
    # As an item answer it is an invalid item (issue 14), kept without its value.
    text = _example_with("'9': 1}", "'9': 1980-01-02}")
    case = io.loads(text, m.Case, format="yaml")
    assert repr(case.responses[3].items["9"]) == "<invalid answer: a date>"
    assert "1980" not in io.dumps(case, "yaml")


def test_code_shaped_values_are_still_shown():
    """Short lower-case codes and small numbers help the user and identify no one."""
    data = io.unstructure(io.load_case(EXAMPLE))
    data["responses"][0]["subject"] = "c-99"
    data["responses"][3]["items"]["9"] = 7.5
    with pytest.raises(LoadError) as err:
        io.loads(json.dumps(data), m.Case, format="json")
    assert "'c-99' is not a subject in this case" in err.value.details()


def test_show_values_is_an_explicit_opt_in():
    from riskcore.errors import showing_values

    data = io.unstructure(io.load_case(EXAMPLE))
    data["responses"][0]["subject"] = "Jane Doe"
    with showing_values(), pytest.raises(LoadError, match="'Jane Doe' is not a valid"):
        io.loads(json.dumps(data), m.Case, format="json")
    with pytest.raises(LoadError, match="<redacted: a string of 8 characters>"):
        io.loads(json.dumps(data), m.Case, format="json")
    # A sensitive field stays redacted even with the opt-in.
    with showing_values(), pytest.raises(FieldError, match=r"^name: <redacted> is"):
        m.Client(id="c-1", name="x" * 201)


def test_foreign_exception_text_is_never_shown():
    """int(), float() and attrs quote the value; only riskcore's own text is shown."""
    from riskcore.io import _leaf

    leaked = ValueError("invalid literal for int() with base 10: 'Jane Doe'")
    assert _leaf(leaked, "x") == "x: is not a valid value (ValueError)"
    assert _leaf(TypeError("'Jane Doe'"), "x") == "x: has the wrong type (TypeError)"
