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
from riskcore.model.subjects import SubjectKind

__all__ = [
    "GUARDED_CATEGORIES",
    "SCALES",
    "Catalog",
    "Effect",
    "EffectTarget",
    "Escalation",
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
    horizon before any assessment moves it.
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


def _dupes(ids: Iterable[str]) -> list[str]:
    return sorted(k for k, n in Counter(ids).items() if n > 1)


@frozen(kw_only=True)
class Catalog:
    """The threats, mitigations and responses a plan can draw on.

    Construction checks that ids are unique and that every reference resolves;
    errors name the item and the field (``mitigations[3].requires[0]``).
    Requirement *cycles* are checked by :mod:`riskcore.graph`.
    """

    SCHEMA_VERSION: ClassVar[int] = 1
    schema_version: int = field(default=1)
    name: str = field(default="catalog")
    threats: tuple[Threat, ...] = field(factory=tuple, converter=to_tuple)
    mitigations: tuple[Mitigation, ...] = field(factory=tuple, converter=to_tuple)
    responses: tuple[Response, ...] = field(factory=tuple, converter=to_tuple)

    def __attrs_post_init__(self) -> None:
        for kind, items in (
            ("threats", self.threats),
            ("mitigations", self.mitigations),
            ("responses", self.responses),
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
        )
