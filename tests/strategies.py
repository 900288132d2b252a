"""Hypothesis strategies for every domain type.

Built from the same field metadata that drives validation (``_fields.META``), so a
new constrained field is covered automatically; classes with cross-field rules
(distributions, Case, Catalog, Score) get hand-written strategies.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from typing import Any, get_args, get_origin

import attrs
from hypothesis import strategies as st

from riskcore import model as m
from riskcore.model._fields import META

ids = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8
).map(lambda s: "x" + s)
texts = st.text(max_size=20)
finite = {"allow_nan": False, "allow_infinity": False}


def _ordered3(lo: float, hi: float) -> st.SearchStrategy[tuple[float, float, float]]:
    return (
        st.lists(st.floats(lo, hi, **finite), min_size=3, max_size=3)
        .map(sorted)
        .filter(lambda v: v[0] < v[2])
        .map(lambda v: (v[0], v[1], v[2]))
    )


def distribution_strategies(
    lo: float, hi: float
) -> dict[type[Any], st.SearchStrategy[Any]]:
    """One strategy per distribution class, supported inside [lo, hi]."""
    three = _ordered3(lo, hi)
    pairs = three.map(lambda t: (t[0], t[2]))
    out: dict[type[Any], st.SearchStrategy[Any]] = {
        m.PERT: three.map(lambda t: m.PERT(low=t[0], mode=t[1], high=t[2])),
        m.Triangular: three.map(lambda t: m.Triangular(low=t[0], mode=t[1], high=t[2])),
        m.Uniform: pairs.map(lambda p: m.Uniform(low=p[0], high=p[1])),
        m.Beta: st.builds(
            lambda a, b, p: m.Beta(alpha=a, beta=b, low=p[0], high=p[1]),
            st.floats(0.1, 50, **finite),
            st.floats(0.1, 50, **finite),
            pairs,
        ),
    }
    if hi > 1e3:
        out[m.LogNormal] = st.builds(
            lambda a, f: m.LogNormal(low=a, high=a * f),
            st.floats(0.01, 100, **finite),
            st.floats(1.1, 100, **finite),
        )
    return out


def distributions(
    lo: float = 0.0, hi: float = 1.0
) -> st.SearchStrategy[m.Distribution]:
    """Any distribution supported inside [lo, hi]."""
    return st.one_of(list(distribution_strategies(lo, hi).values()))


def _for_type(tp: Any, meta: dict[str, Any]) -> st.SearchStrategy[Any]:
    lo = meta.get("minimum")
    hi = meta.get("maximum")
    if tp == m.Param:
        lo = 0.0 if lo is None else lo
        top = 1e6 if hi is None else hi
        return st.one_of(st.floats(lo, top, **finite), distributions(lo, top))
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        inner = st.one_of([_for_type(a, meta) for a in args])
        return st.one_of(st.none(), inner) if type(None) in get_args(tp) else inner
    if origin is tuple:
        (item,) = get_args(tp)[:1]
        if "items_pattern" in meta or item is str:
            return st.lists(ids, max_size=3).map(tuple)
        return st.lists(_for_type(item, {}), max_size=2).map(tuple)
    if origin is dict:
        _, value = get_args(tp)
        if value is str:
            return st.dictionaries(ids, texts, max_size=3)
        return st.dictionaries(ids, st.one_of(st.none(), st.integers(0, 5)), max_size=4)
    if tp is bool:
        return st.booleans()
    if tp is int:
        return st.integers(0, 10)
    if tp is float:
        return st.floats(0.0 if lo is None else lo, 1e6 if hi is None else hi, **finite)
    if tp is str:
        if meta.get("jurisdiction"):
            return st.sampled_from(["US-CO", "us-co", "CO ", "US-NY", "GB-ENG"])
        if meta.get("pattern") == r"^[A-Z]{3}$":  # a currency code
            return st.sampled_from(["USD", "EUR", "GBP", "CHF"])
        if "pattern" in meta:
            return ids
        return st.text(max_size=min(meta.get("max_length", 20), 20))
    if tp is dt.date:
        return st.dates()
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from(list(tp))
    if attrs.has(tp):
        return from_attrs(tp)
    raise TypeError(tp)


_SPECIAL: dict[type[Any], st.SearchStrategy[Any]] = {}


def from_attrs(
    cls: type[Any], **overrides: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    """A strategy for any attrs domain class, driven by field metadata."""
    if cls in _SPECIAL and not overrides:
        return _SPECIAL[cls]
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for a in attrs.fields(cls):
        if a.name in overrides:
            kwargs[a.name] = overrides[a.name]
        elif a.name == "schema_version":
            kwargs[a.name] = st.just(1)
        else:
            kwargs[a.name] = _for_type(hints[a.name], a.metadata.get(META, {}))
    return st.builds(cls, **kwargs)


_SPECIAL.update(distribution_strategies(0.0, 1e6))

severities = st.one_of(
    st.builds(m.Severity, value=st.floats(1, 5, **finite), scale=st.just("severity-5")),
    st.builds(m.Severity, value=distributions(1, 5), scale=st.just("severity-5")),
    st.builds(
        m.Severity, value=st.floats(0, 1e4, **finite), scale=st.just("harm-units")
    ),
)
_SPECIAL[m.Severity] = severities

scores = st.builds(
    lambda v, lo, span, rest: m.Score(
        value=None if v is None else lo + v * span,
        minimum=lo,
        maximum=lo + span,
        missing_reason="not enough items" if v is None else None,
        **rest,
    ),
    st.one_of(st.none(), st.floats(0, 1, **finite)),
    st.floats(-10, 10, **finite),
    st.floats(0, 100, **finite),
    st.fixed_dictionaries(
        {
            "subject": ids,
            "subject_kind": st.sampled_from(list(m.SubjectKind)),
            "instrument": ids,
            "scale": ids,
            "band": st.one_of(st.none(), texts),
            "flags": st.lists(from_attrs(m.Flag), max_size=2),
            "plugin": st.one_of(st.none(), ids),
        }
    ),
)
_SPECIAL[m.Score] = scores

_SPECIAL[m.Mitigation] = from_attrs(m.Mitigation, requires=st.just(()))

# Odds ratios live in [1e-6, 1e6]: a log-normal's support (0, inf) does not fit.
odds_ratios = st.one_of(st.floats(1e-6, 1e3, **finite), distributions(1e-6, 1e3))
_SPECIAL[m.Evidence] = from_attrs(m.Evidence, odds_ratio=odds_ratios)

_words = st.text(alphabet="abcdefgh ", min_size=1, max_size=12)
_SPECIAL[m.ChecklistGroup] = st.builds(
    m.ChecklistGroup,
    kind=st.sampled_from(["all-of", "one-of"]),
    items=st.lists(_words, min_size=1, max_size=3),
)
_SPECIAL[m.ReportSection] = st.builds(
    m.ReportSection,
    key=st.just("x.section"),
    title=_words.filter(str.strip),
    paragraphs=st.lists(_words, min_size=1, max_size=2),
    checklist=st.lists(_SPECIAL[m.ChecklistGroup], max_size=2),
)


@st.composite
def catalogs(draw: st.DrawFn) -> m.Catalog:
    """Catalogs whose references resolve (threat ids, an acyclic requires order)."""
    threat_ids = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    threats = [draw(from_attrs(m.Threat, id=st.just(t))) for t in threat_ids]
    effects = from_attrs(m.Effect, threat=st.sampled_from(threat_ids))
    mit_ids = draw(st.lists(ids, max_size=4, unique=True))
    mitigations = []
    for i, mid in enumerate(mit_ids):
        earlier = mit_ids[:i]
        req = (
            draw(st.lists(st.sampled_from(earlier), max_size=2, unique=True))
            if earlier
            else []
        )
        mitigations.append(
            draw(
                from_attrs(
                    m.Mitigation,
                    id=st.just(mid),
                    reduces=st.lists(effects, max_size=2).map(tuple),
                    requires=st.just(tuple(req)),
                )
            )
        )
    trig = from_attrs(
        m.Trigger, threats=st.lists(st.sampled_from(threat_ids), max_size=2).map(tuple)
    )
    reqs = (
        st.lists(st.sampled_from(mit_ids), max_size=2).map(tuple)
        if mit_ids
        else st.just(())
    )
    responses = draw(
        st.lists(
            from_attrs(
                m.Response,
                recovers=st.lists(effects, max_size=2).map(tuple),
                trigger=trig,
                requires=reqs,
            ),
            max_size=3,
            unique_by=lambda r: r.id,
        )
    )
    evidence = draw(
        st.lists(
            from_attrs(
                m.Evidence,
                threat=st.sampled_from(threat_ids),
                odds_ratio=odds_ratios,
                applies_to=st.just(m.EvidenceTarget.SUBJECT),
            ),
            max_size=3,
            # a catalog refuses two rules for the same observation on one
            # threat (Catalog._check_evidence), so a valid catalog has neither
            unique_by=(
                lambda e: e.id,
                lambda e: (e.code, e.qualifiers, e.min_value, e.threat, e.applies_to),
            ),
        )
    )
    return m.Catalog(
        threats=threats, mitigations=mitigations, responses=responses, evidence=evidence
    )


_SPECIAL[m.Catalog] = catalogs()


@st.composite
def cases(draw: st.DrawFn) -> m.Case:
    """Cases whose references resolve."""
    all_ids = draw(st.lists(ids, min_size=1, max_size=6, unique=True))
    practice = draw(from_attrs(m.Practice, id=st.just(all_ids[0])))
    rest = all_ids[1:]
    n_pro = draw(st.integers(0, len(rest)))
    pro_ids, client_ids = rest[:n_pro], rest[n_pro:]
    pros = [draw(from_attrs(m.Professional, id=st.just(i))) for i in pro_ids]
    clin = st.one_of(st.none(), st.sampled_from(pro_ids)) if pro_ids else st.none()
    clients = [
        draw(from_attrs(m.Client, id=st.just(i), clinician=clin)) for i in client_ids
    ]
    subj = st.sampled_from(all_ids)
    responses = draw(
        st.lists(
            from_attrs(
                m.InstrumentResponse, subject=subj, about=st.one_of(st.none(), subj)
            ),
            max_size=3,
        )
    )
    observations = draw(st.lists(from_attrs(m.Observation, subject=subj), max_size=3))
    return draw(
        from_attrs(
            m.Case,
            practice=st.just(practice),
            professionals=st.just(tuple(pros)),
            clients=st.just(tuple(clients)),
            responses=st.just(tuple(responses)),
            observations=st.just(tuple(observations)),
        )
    )


_SPECIAL[m.Case] = cases()

assessments = from_attrs(
    m.Assessment,
    scores=st.lists(scores, max_size=3).map(tuple),
)
_SPECIAL[m.Assessment] = assessments

DOMAIN_TYPES: list[type[Any]] = [
    getattr(m, name)
    for name in m.__all__
    if isinstance(getattr(m, name), type) and attrs.has(getattr(m, name))
]
"""Every attrs class exported by ``riskcore.model``."""


checklists = st.lists(
    from_attrs(m.ChecklistItem, any_of=st.just(())),
    min_size=1,
    max_size=3,
    unique_by=lambda c: c.id,
).map(tuple)
_SPECIAL[m.Obligation] = st.one_of(
    from_attrs(
        m.Obligation,
        checklist=checklists,
        status=st.just(m.ObligationStatus.ARISES),
        missing=st.just(()),
    ),
    from_attrs(
        m.Obligation, checklist=checklists, status=st.just(m.ObligationStatus.REVIEW)
    ),
)
_SPECIAL[m.Obligations] = from_attrs(
    m.Obligations, obligations=st.lists(_SPECIAL[m.Obligation], max_size=2).map(tuple)
)

_SPECIAL[m.RiskMatrix] = st.just(m.RiskMatrix.default())
_SPECIAL[m.RiskRegister] = from_attrs(
    m.RiskRegister,
    matrix=st.just(m.RiskMatrix.default()),
    risks=st.lists(from_attrs(m.Risk), max_size=2).map(tuple),
)
