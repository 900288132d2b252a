"""Risks, the risk register and the risk matrix.

A :class:`Risk` is one threat for one subject (or for the practice). It keeps
everything that moved its figures — base likelihood and its source, each
:class:`AppliedFactor` with the plugin and reason, modifiers, each protection
:class:`Layer` — so the register can answer "why is this high?".
Inherent, residual (strict and all-safeguards) and target figures sit side by
side. Formulas live in :mod:`riskcore.calculus`.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import math
import operator
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from attrs import field, frozen

from riskcore.errors import FieldError
from riskcore.model._fast import builder, replacer
from riskcore.model._fields import bounded, ident, nonneg, probability, text, to_tuple
from riskcore.model.assessment import AssessorFailure
from riskcore.model.catalog import EffectTarget, Severity, Source
from riskcore.model.distributions import Param
from riskcore.model.plan import ArmedResponse
from riskcore.model.subjects import SubjectKind

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = [
    "DEFAULT_MATRIX",
    "AppliedFactor",
    "Band",
    "Explainer",
    "Layer",
    "Level",
    "Modifier",
    "ModifierKind",
    "Risk",
    "RiskMatrix",
    "RiskPoint",
    "RiskRegister",
]


def _to_float(x: float) -> float:
    return float(x)


def _grid(g: Iterable[Iterable[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(r) for r in g)


@frozen(kw_only=True)
class Band:
    """A named band: values up to and including ``upper`` (above the previous band).

    >>> Band(name="rare", upper=0.01)
    Band(name='rare', upper=0.01)
    """

    name: str = ident()
    upper: float = nonneg()


@frozen(kw_only=True)
class Level:
    """A risk level and how often a risk at that level is reviewed.

    >>> Level(name="high", review_days=30).review_days
    30.0
    """

    name: str = ident()
    review_days: float = bounded(1.0, 3650.0, converter=_to_float)


def _ascending(name: str, bands: tuple[Band, ...]) -> None:
    if not bands:
        raise FieldError(name, bands, "is empty")
    for i in range(1, len(bands)):
        if not bands[i].upper > bands[i - 1].upper:
            raise FieldError(
                f"{name}[{i}].upper", bands[i].upper, "is not above the previous band"
            )


@frozen(kw_only=True)
class RiskMatrix:
    """A likelihood × impact matrix with named bands, levels and review intervals.

    ``grid[i][j]`` is the level name for likelihood band *i* and impact band
    *j*. ``levels`` go from least to most severe. ``tolerance`` is the target
    level (a risk is within tolerance at or below it); ``critical_floor`` is the
    lowest level a critical risk may show, and ``critical_review_days`` the
    longest interval between its reviews (default 7).

    Examples
    --------
    >>> m = RiskMatrix.default()
    >>> m.level(0.3, 3.0).name
    'high'
    >>> m.level(0.3, 3.0).review_days
    30.0
    >>> m.level(float("nan"), 4.0, risk="burnout:t-1")
    Traceback (most recent call last):
    ...
    riskcore.errors.FieldError: burnout:t-1.likelihood: nan is not a number in [0, 1]
    """

    name: str = field(default="default-5x5")
    likelihood_bands: tuple[Band, ...] = field(converter=to_tuple)
    impact_bands: tuple[Band, ...] = field(converter=to_tuple)
    levels: tuple[Level, ...] = field(converter=to_tuple)
    grid: tuple[tuple[str, ...], ...] = field(converter=_grid)
    impact_scale: str = field(default="severity-5")
    tolerance: str = field(default="medium")
    critical_floor: str = field(default="high")
    critical_review_days: float = bounded(1.0, 3650.0, default=7.0, converter=_to_float)
    """A critical risk is reviewed at least this often, whatever its level."""

    def __attrs_post_init__(self) -> None:
        _ascending("likelihood_bands", self.likelihood_bands)
        _ascending("impact_bands", self.impact_bands)
        if self.likelihood_bands[-1].upper < 1.0:
            raise FieldError(
                "likelihood_bands[-1].upper",
                self.likelihood_bands[-1].upper,
                "is below 1",
            )
        names = [lv.name for lv in self.levels]
        if not names or len(set(names)) != len(names):
            raise FieldError(
                "levels", names, "must be a non-empty list of distinct names"
            )
        if len(self.grid) != len(self.likelihood_bands):
            raise FieldError(
                "grid", len(self.grid), "rows do not match the likelihood bands"
            )
        for i, row in enumerate(self.grid):
            if len(row) != len(self.impact_bands):
                raise FieldError(
                    f"grid[{i}]", len(row), "cells do not match the impact bands"
                )
            for j, cell in enumerate(row):
                if cell not in names:
                    raise FieldError(f"grid[{i}][{j}]", cell, "is not a level")
        for attr in ("tolerance", "critical_floor"):
            if getattr(self, attr) not in names:
                raise FieldError(attr, getattr(self, attr), "is not a level")

    @classmethod
    def default(cls) -> RiskMatrix:
        """The default 5×5 matrix (see ``docs/risk.md`` for the bands)."""
        lik = [
            ("rare", 0.01),
            ("unlikely", 0.05),
            ("possible", 0.2),
            ("likely", 0.5),
            ("almost-certain", 1.0),
        ]
        imp = [
            ("negligible", 1.5),
            ("minor", 2.5),
            ("moderate", 3.5),
            ("major", 4.5),
            ("catastrophic", 5.0),
        ]
        levels = [("low", 365), ("medium", 180), ("high", 30), ("very-high", 7)]

        def cell(score: int) -> str:
            if score <= 3:
                return "low"
            if score <= 6:
                return "medium"
            if score <= 12:
                return "high"
            return "very-high"

        return cls(
            likelihood_bands=[Band(name=n, upper=u) for n, u in lik],
            impact_bands=[Band(name=n, upper=u) for n, u in imp],
            levels=[Level(name=n, review_days=d) for n, d in levels],
            grid=[[cell((i + 1) * (j + 1)) for j in range(5)] for i in range(5)],
        )

    def rank(self, level: str) -> int:
        """Position of *level*, 0 = least severe."""
        for i, lv in enumerate(self.levels):
            if lv.name == level:
                return i
        raise FieldError("level", level, "is not a level of this matrix")

    def get(self, level: str) -> Level:
        """The :class:`Level` named *level*."""
        return self.levels[self.rank(level)]

    def at_least(self, level: str, floor: str) -> str:
        """The more severe of *level* and *floor*.

        >>> RiskMatrix.default().at_least("low", "high")
        'high'
        """
        return level if self.rank(level) >= self.rank(floor) else floor

    @staticmethod
    def _band(
        bands: tuple[Band, ...], x: object, path: str, lo: float, hi: float | None
    ) -> int:
        v = (
            float(x)
            if isinstance(x, (int, float)) and not isinstance(x, bool)
            else math.nan
        )
        if math.isnan(v) or v < lo or (hi is not None and v > hi):
            right = "inf" if hi is None else f"{hi:g}"
            raise FieldError(path, x, f"is not a number in [{lo:g}, {right}]")
        for i, b in enumerate(bands):
            if v <= b.upper:
                return i
        return len(bands) - 1

    def likelihood_band(
        self, p: float, *, risk: str | None = None, field: str = "likelihood"
    ) -> int:
        """Index of the likelihood band of probability *p* (NaN is rejected)."""
        return self._band(
            self.likelihood_bands, p, f"{risk}.{field}" if risk else field, 0.0, 1.0
        )

    def impact_band(
        self, impact: float, *, risk: str | None = None, field: str = "impact"
    ) -> int:
        """Index of the impact band of *impact* (NaN is rejected)."""
        return self._band(
            self.impact_bands,
            impact,
            f"{risk}.{field}" if risk else field,
            0.0,
            math.inf,
        )

    def level(
        self, p: float, impact: float, *, risk: str | None = None, prefix: str = ""
    ) -> Level:
        """The level of a (likelihood, impact) pair."""
        i = self.likelihood_band(p, risk=risk, field=f"{prefix}likelihood")
        j = self.impact_band(impact, risk=risk, field=f"{prefix}impact")
        return self.get(self.grid[i][j])

    def point(
        self, p: float, impact: float, *, risk: str | None = None, prefix: str = ""
    ) -> RiskPoint:
        """A :class:`RiskPoint` with bands and level filled in."""
        i = self.likelihood_band(p, risk=risk, field=f"{prefix}likelihood")
        j = self.impact_band(impact, risk=risk, field=f"{prefix}impact")
        return RiskPoint(
            likelihood=p,
            impact=impact,
            expected_harm=p * impact,
            likelihood_band=self.likelihood_bands[i].name,
            impact_band=self.impact_bands[j].name,
            level=self.grid[i][j],
        )


DEFAULT_MATRIX = RiskMatrix.default()
"""The default 5×5 matrix."""


@frozen(kw_only=True)
class RiskPoint:
    """A likelihood and an impact with their bands and matrix level."""

    likelihood: float = probability()
    impact: float = nonneg()
    expected_harm: float = nonneg()
    likelihood_band: str = field()
    impact_band: str = field()
    level: str = field()


@frozen(kw_only=True)
class AppliedFactor:
    """A risk factor as applied to a risk: credited or not, and why."""

    odds_ratio: float = bounded(1e-6, 1e6)
    reason: str = text(max_length=500)
    plugin: str | None = field(default=None)
    source: Source | None = field(default=None)
    score: str | None = field(default=None)
    credited: bool = field(default=True)
    note: str = text(max_length=500, default="")


class ModifierKind(enum.Enum):
    """LOPA probability multipliers."""

    ENABLING = "enabling"
    """An enabling condition (the visit is lone)."""
    CONDITIONAL = "conditional"
    """A conditional modifier (probability of injury given an assault)."""


@frozen(kw_only=True)
class Modifier:
    """A probability that multiplies a threat's likelihood, with its reason.

    ``subject`` restricts it to one subject's risk; ``None`` applies it to every
    risk of the threat.

    >>> Modifier(threat="staff-physical-harm", probability=0.4,
    ...          reason="P(injury | assault)", kind=ModifierKind.CONDITIONAL).probability
    0.4
    """

    threat: str = ident()
    probability: Param = probability(distribution=True)
    reason: str = text(max_length=500)
    kind: ModifierKind = field(default=ModifierKind.ENABLING)
    subject: str | None = field(default=None)
    source: Source | None = field(default=None)


@frozen(kw_only=True)
class Layer:
    """One protection layer (mitigation) or recovery barrier (response) on a risk.

    ``credited`` says whether the strict figure credits it; ``group`` lists the
    layers of its common-cause group (itself included) and ``reason`` says why
    credit was refused.
    """

    id: str = ident()
    kind: str = field()
    """``"mitigation"`` or ``"response"``."""
    on: EffectTarget = field()
    effectiveness: Param = probability(distribution=True)
    credited: bool = field(default=True)
    group: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    reason: str = text(max_length=1000, default="")
    in_force_day: float = nonneg(default=0.0)
    """Days after the assessment from which the layer is in force (0: today)."""


@frozen(kw_only=True)
class Risk:
    """One threat for one subject: inherent, now, planned and target side by side.

    ``inherent`` has no control credited; ``current`` credits the controls in
    force today; ``residual`` (strict: one layer per common-cause group) and
    ``residual_all`` (every safeguard) credit the whole plan once it is in
    place (``docs/crediting.md``). ``inherent_level``, ``level`` (now) and
    ``planned_level`` are the levels shown: a critical risk's are lifted to the
    matrix's critical floor. ``within_tolerance`` is about the planned level.
    ``control_notes`` say why an armed control was not credited.
    """

    id: str = ident()
    threat: str = ident()
    threat_name: str = text(max_length=200)
    category: str = ident()
    subject: str = ident()
    subject_kind: SubjectKind = field()
    base_likelihood: Param = probability(distribution=True)
    base_source: str = text(max_length=1000)
    illustrative: bool = field()
    impact: Severity = field()
    guarded: bool = field(default=False)
    factors: tuple[AppliedFactor, ...] = field(factory=tuple, converter=to_tuple)
    modifiers: tuple[Modifier, ...] = field(factory=tuple, converter=to_tuple)
    layers: tuple[Layer, ...] = field(factory=tuple, converter=to_tuple)
    inherent: RiskPoint = field()
    residual: RiskPoint = field()
    residual_all: RiskPoint = field()
    current: RiskPoint = field()
    inherent_level: str = field()
    level: str = field()
    planned_level: str = field()
    target: str = field()
    within_tolerance: bool = field()
    critical: bool = field(default=False)
    critical_reasons: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    response_required: bool = field(default=False)
    required_responses: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    incomplete: bool = field(default=False)
    incomplete_reasons: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    control_notes: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    review_days: float = field(default=365.0)
    next_review: dt.date | None = field(default=None)

    fast: ClassVar[Callable[..., Risk]]
    """``Risk.fast(id, threat, ..., next_review)``: the one fast constructor,
    every field positional in the order of :func:`attrs.fields`.

    It runs the same converters and validators as ``Risk(...)``, in the same
    order, so it accepts exactly what ``Risk(...)`` accepts and raises the same
    error for what it refuses (``tests/test_risk_fast.py``); it skips attrs'
    keyword machinery and writes each slot directly (generated from the fields
    by :func:`riskcore.model._fast.builder`). :func:`riskcore.identify.identify`
    builds every risk with it, once.

    >>> Risk.fast("x", "x", "X", "x", "c-01", SubjectKind.CLIENT, 0.5, "s", True,
    ...           Severity(value=2), False, [], [], [], None, None, None, None,
    ...           "low", "low", "low", "medium", True, False, [], False, [], False,
    ...           [], [], 365.0, None).layers
    ()
    >>> Risk.fast("two words", "x", "X", "x", "c-01", SubjectKind.CLIENT, 0.5, "s",
    ...           True, Severity(value=2), False, [], [], [], None, None, None,
    ...           None, "low", "low", "low", "medium", True, False, [], False, [],
    ...           False, [], [], 365.0, None)
    Traceback (most recent call last):
    ...
    riskcore.errors.FieldError: id: <redacted: a string of 9 characters> is not a valid identifier (letters, digits, '_', '.', ':', '-'; at most 80)

    .. versionadded:: 0.1
    """

    def plugin_effects(self) -> tuple[tuple[str, float], ...]:
        """Each plugin's net odds ratio on this risk, by plugin name.

        The product of the odds ratios of the plugin's *credited* factors (a
        factor that is not credited moves nothing: 1.0). Shown in the report
        for every critical risk, so a plugin that pushes a critical risk down
        is named (issue #14); the level of a critical risk never goes below
        the matrix's critical floor whatever these are.

        >>> r = Risk.__new__(Risk)
        >>> object.__setattr__(r, "factors", (
        ...     AppliedFactor(odds_ratio=2.0, reason="a", plugin="safety"),
        ...     AppliedFactor(odds_ratio=0.5, reason="b", plugin="ei"),
        ...     AppliedFactor(odds_ratio=3.0, reason="c", plugin="safety"),
        ...     AppliedFactor(odds_ratio=0.1, reason="d", plugin="ei", credited=False)))
        >>> r.plugin_effects()
        (('ei', 0.5), ('safety', 6.0))
        """
        net: dict[str, float] = {}
        for f in self.factors:
            name = f.plugin or "?"
            net[name] = net.get(name, 1.0) * (f.odds_ratio if f.credited else 1.0)
        return tuple(sorted(net.items()))

    def explain(self) -> tuple[str, ...]:
        """Lines that answer "why is this risk at this level?".

        >>> from riskcore.model import Case, Client, Practice
        >>> import riskcore
        >>> case = Case(id="d", practice=Practice(id="p"), clients=[Client(id="c-1")])
        >>> risk = riskcore.build_plan(case, n=0).register.risks[0]
        >>> risk.explain()[0] == f"{risk.id}: level {risk.level} now, " + (
        ...     f"{risk.planned_level} once the plan is in place "
        ...     f"(inherent {risk.inherent_level}, target {risk.target})")
        True
        """
        return _explain(self, _Lines())


Risk.fast = classmethod(builder(Risk))  # type: ignore[assignment]

CONTROLS = (
    "layers",
    "residual",
    "residual_all",
    "current",
    "level",
    "planned_level",
    "within_tolerance",
    "control_notes",
    "review_days",
    "next_review",
)
"""The fields of a :class:`Risk` that :func:`riskcore.identify.apply_controls`
sets: what the controls make of it. No other field depends on the controls."""

with_controls: Callable[..., Risk] = replacer(Risk, CONTROLS)
"""``with_controls(risk, layers, residual, ..., next_review)``: *risk* with its
:data:`CONTROLS` replaced, positionally in that order (internal, for
:mod:`riskcore._controls`).

The same as ``attrs.evolve(risk, layers=..., ...)``: these fields have
converters (to a tuple) but no validators, and the other fields were checked
when the (frozen) risk was built, so they are copied, not checked again
(generated by :func:`riskcore.model._fast.replacer`)."""


def _fmt(p: Param) -> str:
    return f"{p:g}" if isinstance(p, (int, float)) else repr(p)


class Explainer:
    """:meth:`Risk.explain` for the many risks of one register, each line
    about a shared object made once.

    The risks of a register share their figures, layers and factors (a
    threat's later risks are copied from its first), so the line of each
    factor, modifier, layer and figure is remembered per object (by identity,
    the object kept alive with it: exact, whatever its values) and reused.
    The lines are :meth:`Risk.explain`'s, made by the same function
    (``tests/test_explain.py``). Hold one for one report, not longer.

    >>> from riskcore.model import Case, Client, Practice
    >>> import riskcore
    >>> case = Case(id="d", practice=Practice(id="p"), clients=[Client(id="c-1")])
    >>> risks = riskcore.build_plan(case, n=0).register.risks
    >>> explain = Explainer()
    >>> all(explain(r) == r.explain() for r in risks)
    True

    .. versionadded:: 0.1
    """

    __slots__ = ("_lines",)

    def __init__(self) -> None:
        self._lines = _Lines()

    def __call__(self, risk: Risk) -> tuple[str, ...]:
        """The lines of ``risk.explain()``."""
        return _explain(risk, self._lines)


class _Lines:
    """The remembered lines, by kind: each maps ``id(obj)`` to the object
    and its line."""

    __slots__ = (
        "all",
        "factor",
        "inherent",
        "layer",
        "modifier",
        "now",
        "strict",
        "tail",
    )

    def __init__(self) -> None:
        self.tail: dict[
            tuple[int, ...], tuple[tuple[object, ...], tuple[str, ...]]
        ] = {}
        """The lines after the first, by the identities of what they read."""
        self.factor: dict[int, tuple[object, str]] = {}
        self.modifier: dict[int, tuple[object, str]] = {}
        self.layer: dict[int, tuple[object, str]] = {}
        self.inherent: dict[int, tuple[object, str]] = {}
        self.now: dict[int, tuple[object, str]] = {}
        self.strict: dict[int, tuple[object, str]] = {}
        self.all: dict[int, tuple[object, str]] = {}


def _once(
    memo: dict[int, tuple[object, str]], obj: Any, make: Callable[[Any], str]
) -> str:
    """*obj*'s line: remembered, or made by *make* and remembered."""
    hit = memo.get(id(obj))
    if hit is None or hit[0] is not obj:
        hit = memo[id(obj)] = (obj, make(obj))
    return hit[1]


def _factor_line(f: AppliedFactor) -> str:
    state = "" if f.credited else f" [not credited: {f.note}]"
    return f"factor OR {f.odds_ratio:g} from {f.plugin or '?'}: {f.reason}{state}"


def _modifier_line(m: Modifier) -> str:
    return f"{m.kind.value} modifier {_fmt(m.probability)}: {m.reason}"


def _layer_line(lay: Layer) -> str:
    state = (
        "credited" if lay.credited else f"not credited in strict figure: {lay.reason}"
    )
    when = (
        "in force today"
        if lay.in_force_day <= 0
        else f"in force from day {lay.in_force_day:g}"
    )
    return (
        f"{lay.kind} {lay.id} on {lay.on.value} e={_fmt(lay.effectiveness)} "
        f"({when}): {state}"
    )


def _point_line(label: str) -> Callable[[RiskPoint], str]:
    def line(p: RiskPoint) -> str:
        return f"{label} p={p.likelihood:.4g} impact={p.impact:.4g} -> {p.level}"

    return line


_INHERENT_LINE = _point_line("inherent")
_NOW_LINE = _point_line("now (controls in force today)")
_STRICT_LINE = _point_line("residual (strict)")
_ALL_LINE = _point_line("residual (all safeguards)")


def _explain(r: Risk, memo: _Lines) -> tuple[str, ...]:
    """The one rule for :meth:`Risk.explain`'s lines (*memo*: the lines
    already made for shared objects).

    The first line is the risk's own; the others read only the fields of
    :func:`_tail_parts`, which the risks of a register share (a threat's
    alike subjects, the figures the controls made once), so they are made
    once per set of those objects, by identity (the objects kept alive with
    the lines: exact, whatever their values)."""
    head = (
        f"{r.id}: level {r.level} now, {r.planned_level} once the plan "
        f"is in place (inherent {r.inherent_level}, target {r.target})",
    )
    parts = _tail_parts(r)
    key = tuple(map(id, parts))
    hit = memo.tail.get(key)
    if hit is None or not all(map(operator.is_, hit[0], parts)):
        hit = memo.tail[key] = (parts, _explain_tail(r, memo))
    return head + hit[1]


def _tail_parts(r: Risk) -> tuple[object, ...]:
    """The fields the lines after the first read (all of them: a field read
    by :func:`_explain_tail` and missing here would be a stale line)."""
    return (
        r.base_likelihood,
        r.base_source,
        r.factors,
        r.modifiers,
        r.inherent,
        r.layers,
        r.current,
        r.residual,
        r.residual_all,
        r.critical_reasons,
        r.response_required,
        r.required_responses,
        r.control_notes,
        r.incomplete_reasons,
    )


def _explain_tail(r: Risk, memo: _Lines) -> tuple[str, ...]:
    """:func:`_explain`'s lines after the first."""
    lines = [f"base likelihood {_fmt(r.base_likelihood)} ({r.base_source})"]
    lines += [_once(memo.factor, f, _factor_line) for f in r.factors]
    lines += [_once(memo.modifier, m, _modifier_line) for m in r.modifiers]
    lines.append(_once(memo.inherent, r.inherent, _INHERENT_LINE))
    lines += [_once(memo.layer, lay, _layer_line) for lay in r.layers]
    lines.append(_once(memo.now, r.current, _NOW_LINE))
    lines.append(_once(memo.strict, r.residual, _STRICT_LINE))
    lines.append(_once(memo.all, r.residual_all, _ALL_LINE))
    lines += [f"critical: {c}" for c in r.critical_reasons]
    if r.response_required:
        lines.append(
            f"response required: {', '.join(r.required_responses) or '(none in catalog)'}"
        )
    lines += [f"not credited: {n}" for n in r.control_notes]
    lines += [f"incomplete: {c}" for c in r.incomplete_reasons]
    return tuple(lines)


@frozen(kw_only=True)
class RiskRegister:
    """Every risk of a case, with the method version and matrix that produced it."""

    case_id: str = ident()
    risks: tuple[Risk, ...] = field(factory=tuple, converter=to_tuple)
    method_version: str = field()
    matrix: RiskMatrix = field(factory=RiskMatrix.default)
    horizon_days: float = field(default=365.0)
    assessed_on: dt.date | None = field(default=None)
    mitigations: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    in_place: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    responses: tuple[ArmedResponse, ...] = field(factory=tuple, converter=to_tuple)
    failures: tuple[AssessorFailure, ...] = field(factory=tuple, converter=to_tuple)

    @property
    def complete(self) -> bool:
        """False if any risk is incomplete or any factor plugin failed."""
        return not self.failures and not any(r.incomplete for r in self.risks)

    def risk(self, id: str) -> Risk:
        """The risk with this id (``KeyError`` if absent).

        The risks are indexed by id on the first call, then looked up.
        """
        return self._risks_by_id[id]

    @functools.cached_property
    def _risks_by_id(self) -> dict[str, Risk]:
        by_id: dict[str, Risk] = {}
        for r in self.risks:
            by_id.setdefault(r.id, r)  # the first, as a scan would find
        return by_id

    def expected_harm(self, which: str = "residual") -> float:
        """Total expected harm: ``"inherent"``, ``"residual"`` or ``"residual_all"``."""
        return math.fsum(float(getattr(r, which).expected_harm) for r in self.risks)

    def critical(self) -> tuple[Risk, ...]:
        """The critical risks, in register order."""
        return tuple(r for r in self.risks if r.critical)

    # -- notebook views (riskcore.display, riskcore.frames, riskcore.plot) --

    def __repr__(self) -> str:
        from riskcore.display import register_text

        return register_text(self)

    def _repr_html_(self) -> str | None:
        from riskcore.display import register_html

        return register_html(self)

    def to_pandas(self) -> pd.DataFrame:
        """One row per item; columns and dtypes in :data:`riskcore.frames.REGISTER_COLUMNS`.

        Needs pandas (``pip install "riskcore[pandas]"``).

        .. versionadded:: 0.1
        """
        from riskcore.frames import register_frame

        return register_frame(self)

    def plot_heatmap(self, *, ax: Axes | None = None) -> Axes:
        """The risk matrix with inherent → residual arrows (:func:`riskcore.plot.heatmap`); returns the Axes.

        Needs matplotlib (``pip install "riskcore[plot]"``).

        .. versionadded:: 0.1
        """
        from riskcore.plot import heatmap

        return heatmap(self, ax=ax)
