"""Threats, mitigations, responses and the catalog that holds them.

Numbers in a catalog are *defaults a user can override*: each item says whether
its figures are ``illustrative`` or sourced, and where a source exists it is
cited beside the number. ``sourced`` names the numbers the ``source`` supports
(``base_likelihood``, ``reduces.<threat>``...); the rest are illustrative. The
rule that every number carries one of the two labels is
:func:`riskcore.catalog.unlabelled_numbers`.

.. versionadded:: 0.1
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from typing import ClassVar

from attrs import field, frozen

from riskcore.errors import FieldError
from riskcore.model._fields import (
    bounded,
    ident,
    ident_tuple,
    nonneg,
    probability,
    text,
    to_tuple,
)
from riskcore.model.distributions import Param
from riskcore.model.observations import parse_observation_spec
from riskcore.model.subjects import SubjectKind

__all__ = [
    "GUARDED_CATEGORIES",
    "PROTECTED_TERMS",
    "SCALES",
    "Catalog",
    "Effect",
    "EffectTarget",
    "Escalation",
    "Evidence",
    "EvidenceTarget",
    "Mitigation",
    "Response",
    "Severity",
    "Source",
    "Step",
    "Threat",
    "Trigger",
]

GUARDED_CATEGORIES = frozenset({"aggression", "self-harm"})
"""Threat categories that protected attributes may never move (fairness)."""

PROTECTED_TERMS = frozenset(
    {
        "culture",
        "cultural",
        "ethnicity",
        "ethnic",
        "race",
        "racial",
        "religion",
        "religious",
        "faith",
        "language",
        "languages",
        "gender",
        "sex",
        "nationality",
        "immigrant",
        "immigration",
    }
)
"""Words that name a protected attribute in an observation code or qualifier.

:class:`Catalog` refuses an :class:`Evidence` entry on a guarded threat
(aggression, self-harm) whose observation code or a required qualifier
contains one of them as a word (split on ``-``, ``_`` and ``.``). This is a
guard against naming, not proof of fairness: the evidence mechanism itself
reads only observations and professionals' caseloads, never
:class:`~riskcore.model.ProtectedAttributes` or a client's ``context``.
"""

SCALES: dict[str, tuple[float, float | None]] = {
    "severity-5": (1.0, 5.0),
    "harm-units": (0.0, None),
}
"""Named impact scales and their ranges.

``severity-5`` is the ordinal 1 (negligible) ... 5 (catastrophic) scale of the
default risk matrix; ``harm-units`` is an open ratio scale for expected-harm
arithmetic.
"""


@frozen(kw_only=True)
class Source:
    """Where a number or a rule comes from."""

    citation: str = text(max_length=1000)
    url: str | None = field(default=None)
    note: str | None = text(max_length=2000, default=None)
    """Which figure was taken from the source and how it was converted, or, for
    an illustrative item, that the source is of the measure, not the number."""


@frozen(kw_only=True)
class Severity:
    """An impact on a named scale.

    >>> Severity(value=4)
    Severity(value=4, scale='severity-5')
    >>> Severity(value=7)
    Traceback (most recent call last):
    ...
    riskcore.errors.FieldError: value: 7 is not in [1, 5] on scale 'severity-5'
    """

    value: Param = bounded(0.0, None, distribution=True)
    scale: str = field(default="severity-5")

    def __attrs_post_init__(self) -> None:
        if self.scale not in SCALES:
            raise FieldError("scale", self.scale, f"is not one of {sorted(SCALES)}")
        lo, hi = SCALES[self.scale]
        if isinstance(self.value, (int, float)):
            s_lo = s_hi = float(self.value)
        else:
            s_lo, s_hi = self.value.support()
        if s_lo < lo or (hi is not None and s_hi > hi):
            right = "inf" if hi is None else f"{hi:g}"
            raise FieldError(
                "value",
                self.value,
                f"is not in [{lo:g}, {right}] on scale {self.scale!r}",
            )


class EffectTarget(enum.Enum):
    """What a mitigation or response reduces."""

    LIKELIHOOD = "likelihood"
    IMPACT = "impact"


@frozen(kw_only=True)
class Effect:
    """A reduction of one threat: likelihood (preventive) or impact (recovery).

    ``effectiveness`` is the fraction removed, in [0, 1] (a number or a
    distribution).
    """

    threat: str = ident()
    effectiveness: Param = probability(distribution=True)
    on: EffectTarget = field(default=EffectTarget.LIKELIHOOD)


@frozen(kw_only=True)
class Threat:
    """Something that can go wrong, over the plan's horizon.

    ``scope`` says who a risk is about: one risk per client, per professional,
    or one for the practice. ``base_likelihood`` is the probability over the
    horizon before any assessment moves it. ``screened_by`` lists the
    instruments that screen for the threat (any one will do): a subject with a
    score from none of them is incomplete for that threat, whatever the other
    figures say (no screen is never evidence of safety), and gets the factor
    ``unscreened_odds_ratio``.
    """

    id: str = ident()
    name: str = text(max_length=200)
    category: str = ident()
    scope: SubjectKind = field()
    base_likelihood: Param = probability(distribution=True)
    impact: Severity = field()
    description: str = text(max_length=4000, default="")
    source: Source | None = field(default=None)
    illustrative: bool = field(default=True)
    """True if any number of this item is an illustrative default."""
    sourced: tuple[str, ...] = ident_tuple()
    """The numbers ``source`` supports: ``base_likelihood``, ``impact``."""
    screened_by: tuple[str, ...] = ident_tuple()
    unscreened_odds_ratio: float = bounded(1.0, 1e6, default=1.0)
    """The factor a subject with no screen gets (fail closed): when
    ``base_likelihood`` is the rate of a subject who screens negative, an
    unscreened subject is counted as if the screen were positive."""

    @property
    def guarded(self) -> bool:
        """True if protected attributes must never raise this threat."""
        return self.category in GUARDED_CATEGORIES


@frozen(kw_only=True)
class Mitigation:
    """A preventive measure: training, supervision, policy, equipment...

    ``requires`` lists mitigations that must be in place first; ``resources``
    names shared things it relies on (an alarm service, a colleague), used to
    detect common-cause failures between layers.
    """

    id: str = ident()
    name: str = text(max_length=200)
    category: str = ident()
    reduces: tuple[Effect, ...] = field(factory=tuple, converter=to_tuple)
    cost: float = nonneg(default=0.0)
    hours: float = nonneg(default=0.0)
    duration_days: float = nonneg(default=0.0)
    requires: tuple[str, ...] = ident_tuple()
    resources: tuple[str, ...] = ident_tuple()
    owner: str | None = field(default=None)
    description: str = text(max_length=4000, default="")
    source: Source | None = field(default=None)
    illustrative: bool = field(default=True)
    """True if any number of this item is an illustrative default."""
    sourced: tuple[str, ...] = ident_tuple()
    """The numbers ``source`` supports: ``reduces.<threat>``, ``cost``,
    ``hours``, ``duration_days``."""

    def __attrs_post_init__(self) -> None:
        if self.id in self.requires:
            raise FieldError("requires", self.id, "is the mitigation itself")


class Escalation(enum.Enum):
    """How fast a response must act."""

    ROUTINE = "routine"
    URGENT = "urgent"
    EMERGENCY = "emergency"


@frozen(kw_only=True)
class Trigger:
    """When a response is armed.

    It is armed if any listed flag is raised, any listed observation is recorded,
    or a risk of a listed threat reaches ``min_level``.
    """

    flags: tuple[str, ...] = ident_tuple()
    observations: tuple[str, ...] = ident_tuple()
    threats: tuple[str, ...] = ident_tuple()
    min_level: str | None = field(default=None)
    description: str = text(max_length=1000, default="")


@frozen(kw_only=True)
class Step:
    """One step of a response, in order."""

    title: str = text(max_length=200)
    detail: str = text(max_length=2000, default="")


@frozen(kw_only=True)
class Response:
    """A recovery barrier armed for when a threat materialises.

    Like threats and mitigations, a response says whether its effect sizes are
    ``illustrative`` or ``sourced``; ``time_to_act_hours`` is a policy target,
    not an estimate, and needs no label.

    >>> r = Response(id="safety-plan", name="Safety plan",
    ...              recovers=[Effect(threat="self-harm", effectiveness=0.43)])
    >>> r.illustrative, r.sourced
    (True, ())
    """

    id: str = ident()
    name: str = text(max_length=200)
    recovers: tuple[Effect, ...] = field(factory=tuple, converter=to_tuple)
    trigger: Trigger = field(factory=Trigger)
    steps: tuple[Step, ...] = field(factory=tuple, converter=to_tuple)
    owner: str = field(default="clinician")
    escalation: Escalation = field(default=Escalation.URGENT)
    time_to_act_hours: float = nonneg(default=24.0)
    requires: tuple[str, ...] = ident_tuple()
    description: str = text(max_length=4000, default="")
    source: Source | None = field(default=None)
    illustrative: bool = field(default=True)
    """True if any effect size of this response is an illustrative default."""
    sourced: tuple[str, ...] = ident_tuple()
    """The numbers ``source`` supports: ``recovers.<threat>``."""


class EvidenceTarget(enum.Enum):
    """Whose risk an evidence entry moves.

    ``subject``: the subject the fact was recorded about (a client's own
    risks, a professional's, or the practice's). ``clinician``: the
    professional-scope risk of the recorded client's clinician (a client's
    threat raises ``staff-physical-harm`` of the clinician who sees them).
    """

    SUBJECT = "subject"
    CLINICIAN = "clinician"


def _protected_words(spec: str) -> list[str]:
    words: list[str] = []
    for part in spec.split(":"):
        for dash in part.split("-"):
            for under in dash.split("_"):
                words += under.lower().split(".")
    return sorted(set(words) & PROTECTED_TERMS)


@frozen(kw_only=True)
class Evidence:
    """A recorded fact that moves the likelihood of one threat: an odds ratio.

    ``observation`` is an observation code, optionally with the qualifiers it
    requires, written ``code:qualifier:...`` as in response triggers
    (``threat-communicated:serious:imminent``). The code ``caseload`` is also
    fed from each professional's ``caseload`` (see :mod:`riskcore.evidence`).
    ``min_value`` makes a numeric rule: the fact counts only if its value is a
    number at least that large. ``lookback_days`` is how long a dated fact
    counts before the case's ``assessed_on`` (``None``: no expiry; an undated
    fact always counts, fail closed). ``reason`` is catalog text shown in the
    register; nothing from the case (notes, names) is ever added to it.

    >>> e = Evidence(id="hov-aggression", observation="history-of-violence",
    ...              threat="in-session-aggression", odds_ratio=2.0,
    ...              reason="history of violence recorded")
    >>> e.code, e.qualifiers, e.applies_to.value
    ('history-of-violence', frozenset(), 'subject')
    >>> Evidence(id="x", observation="caseload", threat="burnout", odds_ratio=0,
    ...          reason="r")
    Traceback (most recent call last):
    ...
    riskcore.errors.FieldError: odds_ratio: 0 is not in [1e-06, 1e+06]
    """

    id: str = ident()
    observation: str = ident()
    threat: str = ident()
    odds_ratio: Param = bounded(1e-6, 1e6, distribution=True)
    reason: str = text(max_length=300)
    applies_to: EvidenceTarget = field(default=EvidenceTarget.SUBJECT)
    min_value: float | None = bounded(None, None, default=None)
    lookback_days: float | None = bounded(0.0, 36500.0, default=None)
    source: Source | None = field(default=None)
    illustrative: bool = field(default=True)
    """True if the odds ratio is an illustrative default rather than sourced."""

    @property
    def code(self) -> str:
        """The observation code this entry reads."""
        return parse_observation_spec(self.observation)[0]

    @property
    def qualifiers(self) -> frozenset[str]:
        """The qualifiers an observation must carry for this entry to count."""
        return parse_observation_spec(self.observation)[1]


def _dupes(ids: Iterable[str]) -> list[str]:
    return sorted(k for k, n in Counter(ids).items() if n > 1)


@frozen(kw_only=True)
class Catalog:
    """The threats, mitigations and responses a plan can draw on, and the evidence
    table of recorded facts that move likelihoods.

    Construction checks that ids are unique and that every reference resolves;
    evidence entries must name a threat of a fitting scope, may not repeat a
    rule, and may not name a protected attribute for an aggression or
    self-harm threat (:data:`PROTECTED_TERMS`);
    errors name the item and the field (``mitigations[3].requires[0]``).
    Requirement *cycles* are checked by :mod:`riskcore.graph`.
    """

    SCHEMA_VERSION: ClassVar[int] = 1
    schema_version: int = field(default=1)
    name: str = field(default="catalog")
    threats: tuple[Threat, ...] = field(factory=tuple, converter=to_tuple)
    mitigations: tuple[Mitigation, ...] = field(factory=tuple, converter=to_tuple)
    responses: tuple[Response, ...] = field(factory=tuple, converter=to_tuple)
    evidence: tuple[Evidence, ...] = field(factory=tuple, converter=to_tuple)
    """Recorded facts that move likelihoods (see :mod:`riskcore.evidence`)."""

    def __attrs_post_init__(self) -> None:
        for kind, items in (
            ("threats", self.threats),
            ("mitigations", self.mitigations),
            ("responses", self.responses),
            ("evidence", self.evidence),
        ):
            dup = _dupes(i.id for i in items)
            if dup:
                raise FieldError(kind, dup[0], "is defined more than once")
        threats = {t.id for t in self.threats}
        mitigations = {m.id for m in self.mitigations}
        for i, m in enumerate(self.mitigations):
            for j, e in enumerate(m.reduces):
                if e.threat not in threats:
                    raise FieldError(
                        f"mitigations[{i}].reduces[{j}].threat",
                        e.threat,
                        "is not a threat in this catalog",
                    )
            for j, r in enumerate(m.requires):
                if r not in mitigations:
                    raise FieldError(
                        f"mitigations[{i}].requires[{j}]",
                        r,
                        "is not a mitigation in this catalog",
                    )
        for i, resp in enumerate(self.responses):
            for j, e in enumerate(resp.recovers):
                if e.threat not in threats:
                    raise FieldError(
                        f"responses[{i}].recovers[{j}].threat",
                        e.threat,
                        "is not a threat in this catalog",
                    )
            for j, r in enumerate(resp.requires):
                if r not in mitigations:
                    raise FieldError(
                        f"responses[{i}].requires[{j}]",
                        r,
                        "is not a mitigation in this catalog",
                    )
            for j, t in enumerate(resp.trigger.threats):
                if t not in threats:
                    raise FieldError(
                        f"responses[{i}].trigger.threats[{j}]",
                        t,
                        "is not a threat in this catalog",
                    )
        self._check_evidence()

    def _check_evidence(self) -> None:
        threats = {t.id: t for t in self.threats}
        rules: dict[tuple[object, ...], int] = {}
        for i, e in enumerate(self.evidence):
            rule = (e.code, e.qualifiers, e.min_value, e.threat, e.applies_to)
            if rule in rules:
                raise FieldError(
                    f"evidence[{i}].observation",
                    e.observation,
                    f"repeats evidence[{rules[rule]}] on threat {e.threat!r}",
                )
            rules[rule] = i
            t = threats.get(e.threat)
            if t is None:
                raise FieldError(
                    f"evidence[{i}].threat", e.threat, "is not a threat in this catalog"
                )
            if (
                e.applies_to is EvidenceTarget.CLINICIAN
                and t.scope is not SubjectKind.PROFESSIONAL
            ):
                raise FieldError(
                    f"evidence[{i}].threat",
                    e.threat,
                    f"has scope {t.scope.value}; applies_to 'clinician' needs a "
                    "professional-scope threat",
                )
            named = _protected_words(e.observation)
            if named and t.guarded:
                raise FieldError(
                    f"evidence[{i}].observation",
                    e.observation,
                    f"names a protected attribute ({', '.join(named)}); it may never "
                    f"raise {t.category} risk (fairness)",
                )

    def threat(self, id: str) -> Threat:
        """The threat with this id (``KeyError`` if absent)."""
        for t in self.threats:
            if t.id == id:
                return t
        raise KeyError(id)

    def mitigation(self, id: str) -> Mitigation:
        """The mitigation with this id (``KeyError`` if absent)."""
        for m in self.mitigations:
            if m.id == id:
                return m
        raise KeyError(id)

    def merged(self, other: Catalog) -> Catalog:
        """A catalog with the items of both; ids must not collide."""
        return Catalog(
            name=self.name,
            threats=self.threats + other.threats,
            mitigations=self.mitigations + other.mitigations,
            responses=self.responses + other.responses,
            evidence=self.evidence + other.evidence,
        )
