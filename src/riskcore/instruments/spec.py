"""Declarative instrument specifications.

An instrument is data. One :class:`InstrumentSpec` states the items and their
response scale, the reverse-keyed items, the scales (total and subscales), how a
scale is scored (sum or mean, optionally after a linear transform of the answer
codes), the missing-data rule, severity bands, critical items, citation, licence,
LOINC codes and the published reliability used for the Reliable Change Index.

The same spec drives the object path (:meth:`InstrumentSpec.score`, one
respondent, pure Python) and the columnar path (:meth:`InstrumentSpec.score_array`,
many respondents, numpy). Both compute every scale from the integer sum of the
(reverse-keyed) answer codes and the number of answered items with the same
floating-point formula, so they agree exactly.

Scoring rules, in order, for a scale with ``n`` items of which ``k`` are answered:

1. reverse keying: a reverse-keyed item's code ``x`` becomes ``min + max - x``;
2. ``S`` = sum of the (reverse-keyed) codes of the answered items;
3. ``raw = intercept * k + slope * S`` with the spec's linear :class:`Transform`
   (without one, ``raw = S``);
4. ``sum``: ``raw`` if ``k == n`` else ``raw / k * n`` (prorating: each missing
   item is replaced by the mean of the answered ones); ``mean``: ``raw / k``;
5. the scale's ``factor`` (e.g. WHO-5 percentage = raw x 4) multiplies the value.

A scale is *incomplete* (value ``None`` / NaN) when more than ``max_missing`` of its
items are unanswered, or none is answered; it never reads as a low score.

.. versionadded:: 0.1
"""

from __future__ import annotations

import functools
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

import attrs
from attrs import field, frozen

from riskcore.errors import FieldError
from riskcore.model._fields import check_id, ident, ident_tuple, text, to_tuple
from riskcore.model.assessment import Flag, FlagLevel

if TYPE_CHECKING:
    from riskcore.instruments.columnar import ColumnarResult
    from riskcore.instruments.rci import ReliableChange
    from riskcore.instruments.scoring import InstrumentResult, Reach
    from riskcore.model.assessment import Score
    from riskcore.model.observations import InstrumentResponse
    from riskcore.model.subjects import SubjectKind

__all__ = [
    "Band",
    "CriticalItem",
    "InstrumentSpec",
    "Item",
    "Loinc",
    "Reliability",
    "Scale",
    "ScoringMethod",
    "Skip",
    "Transform",
    "uniform_items",
]

ScoringMethod = Literal["sum", "mean"]
"""``"sum"`` of item scores, or their ``"mean"``."""

_METHODS = ("sum", "mean")
_LOINC_RE = re.compile(r"^[0-9]{1,7}-[0-9]$")


# ------------------------------------------------------------------ validators


def _int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(name, value, "is not an integer")
    return value


def _finite(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FieldError(name, value, "is not a number")
    if not math.isfinite(value):
        raise FieldError(name, value, "is not a finite number")
    return float(value)


def _v_int(inst: object, a: attrs.Attribute[Any], value: object) -> None:
    _int(a.name, value)


def _v_opt_nonneg_int(inst: object, a: attrs.Attribute[Any], value: object) -> None:
    if value is not None and _int(a.name, value) < 0:
        raise FieldError(a.name, value, "is negative")


def _v_finite(inst: object, a: attrs.Attribute[Any], value: object) -> None:
    _finite(a.name, value)


def _v_opt_finite(inst: object, a: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _finite(a.name, value)


def _v_bool(inst: object, a: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        raise FieldError(a.name, value, "is not a boolean")


def _v_opt_bool(inst: object, a: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, bool):
        raise FieldError(a.name, value, "is not a boolean")


def _v_opt_id(inst: object, a: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        check_id(a.name, value)


def _v_method(inst: object, a: attrs.Attribute[Any], value: object) -> None:
    if value is not None and value not in _METHODS:
        raise FieldError(a.name, value, "is not 'sum' or 'mean'")


def _v_opt_loinc(inst: object, a: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not _LOINC_RE.match(value)):
        raise FieldError(a.name, value, "is not a LOINC code (digits-checkdigit)")


def _v_label(inst: object, a: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > 80:
        raise FieldError(a.name, value, "is not a label of 1 to 80 characters")


def _v_instances(cls: type) -> Any:
    def validate(inst: object, a: attrs.Attribute[Any], value: object) -> None:
        for i, v in enumerate(cast("Iterable[object]", value)):
            if not isinstance(v, cls):
                raise FieldError(f"{a.name}[{i}]", v, f"is not a {cls.__name__}")

    return validate


# ------------------------------------------------------------------ parts


@frozen(kw_only=True)
class Item:
    """One item and its response scale ``minimum..maximum`` (integer codes).

    ``text`` is the item wording: set it only where the instrument's licence
    allows redistribution; otherwise leave it ``None`` (item numbers and scoring
    only). ``loinc`` is the item's LOINC code where one exists.

    >>> Item(id="9", minimum=0, maximum=3, loinc="44260-8")
    Item(id='9', minimum=0, maximum=3, text=None, loinc='44260-8')
    >>> Item(id="9", minimum=3, maximum=0)
    Traceback (most recent call last):
    ...
    riskcore.errors.FieldError: maximum: 0 is not above minimum 3
    """

    id: str = ident()
    minimum: int = field(default=0, validator=_v_int)
    maximum: int = field(validator=_v_int)
    text: str | None = text(max_length=1000, default=None)
    loinc: str | None = field(default=None, validator=_v_opt_loinc)

    def __attrs_post_init__(self) -> None:
        if self.maximum <= self.minimum:
            raise FieldError(
                "maximum", self.maximum, f"is not above minimum {self.minimum}"
            )


def uniform_items(
    ids: Iterable[str | int] | int, minimum: int, maximum: int
) -> tuple[Item, ...]:
    """Items sharing one response scale; ``ids`` may be a count (ids ``"1"`` to ``"n"``).

    >>> [i.id for i in uniform_items(3, 0, 4)]
    ['1', '2', '3']
    >>> uniform_items(["6", "6b"], 0, 1)[1]
    Item(id='6b', minimum=0, maximum=1, text=None, loinc=None)
    """
    names = [str(i) for i in range(1, ids + 1)] if isinstance(ids, int) else ids
    return tuple(Item(id=str(i), minimum=minimum, maximum=maximum) for i in names)


@frozen(kw_only=True)
class Transform:
    """A linear transform of the answer codes: ``value = intercept + slope * code``.

    Applied per item after reverse keying, before the sum or mean. The Copenhagen
    Burnout Inventory's codes 0..4 = 100/75/50/25/0 are ``Transform(intercept=100,
    slope=-25)``.

    >>> t = Transform(intercept=100, slope=-25)
    >>> [t.apply(c) for c in range(5)]
    [100.0, 75.0, 50.0, 25.0, 0.0]
    """

    intercept: float = field(default=0.0, converter=float, validator=_v_finite)
    slope: float = field(default=1.0, converter=float, validator=_v_finite)

    def __attrs_post_init__(self) -> None:
        if self.slope == 0:
            raise FieldError("slope", self.slope, "must not be 0")

    def apply(self, code: float) -> float:
        """The transformed value of one answer code."""
        return self.intercept + self.slope * code


@frozen(kw_only=True)
class Scale:
    """A named scale: the items it aggregates and how.

    ``method``, ``max_missing`` and ``higher_is_worse`` default (``None``) to the
    instrument's. ``max_missing`` is the prorating limit: up to that many
    unanswered items are replaced by the mean of the answered ones; one more makes
    the scale incomplete. ``factor`` multiplies the final value (WHO-5
    percentage = raw x 4).

    >>> Scale(name="cluster-c", items=["6", "7"]).items
    ('6', '7')
    """

    name: str = ident()
    items: tuple[str, ...] = ident_tuple()
    method: ScoringMethod | None = field(default=None, validator=_v_method)
    max_missing: int | None = field(default=None, validator=_v_opt_nonneg_int)
    factor: float = field(default=1.0, validator=_v_finite)
    higher_is_worse: bool | None = field(default=None, validator=_v_opt_bool)

    def __attrs_post_init__(self) -> None:
        if not self.items:
            raise FieldError("items", self.items, "is empty")
        if len(set(self.items)) != len(self.items):
            raise FieldError("items", self.items, "has duplicates")
        if self.factor <= 0:
            raise FieldError("factor", self.factor, "is not positive")


@frozen(kw_only=True)
class Band:
    """A severity band: the half-open interval ``[lower, upper)``.

    ``lower=None`` means no lower bound, ``upper=None`` no upper bound. A value
    equal to ``upper`` belongs to the next band.

    >>> b = Band(label="moderate", lower=10, upper=15)
    >>> b.contains(10), b.contains(14.5), b.contains(15)
    (True, True, False)

    ``flag``: a :class:`~riskcore.model.Flag` raised whenever the scale falls in
    this band (a threshold flag, e.g. PCL-5 ``pcl5.probable-ptsd`` at 33 or
    more), by both scoring paths; on the object path it goes with the
    critical-item flags (after them), on the first score of the result. An
    incomplete scale has no band and raises no band flag.
    """

    label: str = field(validator=_v_label)
    lower: float | None = field(default=None, validator=_v_opt_finite)
    upper: float | None = field(default=None, validator=_v_opt_finite)
    flag: Flag | None = field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.instance_of(Flag)),
    )
    """Raised when the value is in this band (default none).

    .. versionadded:: 0.1
    """

    def __attrs_post_init__(self) -> None:
        if (
            self.lower is not None
            and self.upper is not None
            and self.upper <= self.lower
        ):
            raise FieldError("upper", self.upper, f"is not above lower {self.lower:g}")

    def contains(self, value: float) -> bool:
        """True if ``lower <= value < upper``."""
        return (self.lower is None or value >= self.lower) and (
            self.upper is None or value < self.upper
        )


@frozen(kw_only=True)
class Skip:
    """Skip logic: *item* is not asked, and scores *score*, when *gate* was
    answered with one of *when*.

    The K10's items 3 and 6 are not asked when the item before (2 or 5) was
    "none of the time" (code 1); the skipped item then scores 1 (Andrews &
    Slade 2001; the ALSWH K10 scoring note). Only an unanswered *item* is
    filled: an answer given anyway is scored as given. A gate that is
    unanswered or invalid fills nothing (the item stays missing).

    >>> Skip(item="3", gate="2", when=[1], score=1)
    Skip(item='3', gate='2', when=(1,), score=1)

    .. versionadded:: 0.1
    """

    item: str = field(converter=str)
    gate: str = field(converter=str)
    when: tuple[int, ...] = field(converter=to_tuple)
    score: int = field(validator=_v_int)

    def __attrs_post_init__(self) -> None:
        if not self.when:
            raise FieldError("when", self.when, "is empty")
        for code in self.when:
            _int("when", code)
        if self.item == self.gate:
            raise FieldError("gate", self.gate, "is the skipped item itself")


@frozen(kw_only=True)
class CriticalItem:
    """An item whose answer demands action whatever the totals.

    An answer ``>= threshold`` (the raw code, before reverse keying) raises a
    :class:`~riskcore.model.Flag` with ``code``, ``level``, ``message`` and
    ``escalation``. If ``unanswered_code`` is set, an *unanswered* item raises a
    flag with that code at the same level: it is never read as "no".

    An *invalid* answer (not a number, not an integer code, out of range) is
    read as the worst plausible answer: it always raises :attr:`invalid_flag`,
    at the same level, with ``invalid_code`` (default: ``code`` followed by
    ``-invalid``). The value is never in the message.

    >>> c = CriticalItem(item="9", threshold=1, code="phq9.item9-positive",
    ...                  message="PHQ-9 item 9 endorsed",
    ...                  escalation="same-day safety assessment",
    ...                  unanswered_code="phq9.item9-unanswered")
    >>> c.flag.critical, c.unanswered_flag.code, c.invalid_flag.code
    (True, 'phq9.item9-unanswered', 'phq9.item9-positive-invalid')
    """

    item: str = ident()
    threshold: int = field(validator=_v_int)
    code: str = ident()
    level: FlagLevel = field(default=FlagLevel.CRITICAL)
    message: str = text(max_length=500, default="")
    escalation: str | None = text(max_length=500, default=None)
    unanswered_code: str | None = field(default=None, validator=_v_opt_id)
    unanswered_message: str = text(max_length=500, default="")
    invalid_code: str | None = field(default=None, validator=_v_opt_id)
    """The code of :attr:`invalid_flag` (default derived from ``code``).

    .. versionadded:: 0.1
    """

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.level, FlagLevel):
            raise FieldError("level", self.level, "is not a FlagLevel")

    @property
    def invalid_flag(self) -> Flag:
        """The flag raised by an invalid answer: the worst plausible answer counts.

        .. versionadded:: 0.1
        """
        code = self.invalid_code or f"{self.code}-invalid"
        return Flag(
            code=code,
            level=self.level,
            message=(
                f"item {self.item} answer invalid: read as the worst plausible "
                "answer (fail closed); the value is not shown"
            ),
            escalation=self.escalation,
        )

    @property
    def flag(self) -> Flag:
        """The flag raised by a positive answer."""
        return Flag(
            code=self.code,
            level=self.level,
            message=self.message,
            escalation=self.escalation,
        )

    @property
    def unanswered_flag(self) -> Flag | None:
        """The flag raised by an unanswered item, or ``None`` if not flagged."""
        if self.unanswered_code is None:
            return None
        return Flag(
            code=self.unanswered_code,
            level=self.level,
            message=self.unanswered_message
            or f"item {self.item} unanswered: ask before relying on the score",
            escalation=self.escalation,
        )


@frozen(kw_only=True)
class Reliability:
    """A published reliability coefficient, for the Reliable Change Index.

    ``sd`` is the standard deviation of the scale in a reference sample, ``r``
    its reliability (``kind``: ``"test-retest"`` or ``"alpha"``), ``source`` the
    citation and ``population`` the sample. ``illustrative`` marks values that
    are not from a source (shown as such, never as published).

    >>> Reliability(sd=12.40, r=0.91, kind="alpha", source="PMC7443209 Table 3").r
    0.91
    """

    sd: float = field(validator=_v_finite)
    r: float = field(validator=_v_finite)
    source: str = text(max_length=500)
    kind: str = ident(default="test-retest")
    population: str | None = text(max_length=500, default=None)
    illustrative: bool = field(default=False, validator=_v_bool)
    scale: str = ident(default="total")

    def __attrs_post_init__(self) -> None:
        if self.sd <= 0:
            raise FieldError("sd", self.sd, "is not positive")
        if not 0 <= self.r < 1:
            raise FieldError("r", self.r, "is not in [0, 1)")
        if not self.source.strip():
            raise FieldError(
                "source", self.source, "is empty (cite where r comes from)"
            )


def _loinc_items(value: object) -> dict[str, str]:
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    return value  # type: ignore[return-value]  # rejected by the validator


def _v_loinc_items(inst: object, a: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, dict):
        raise FieldError(a.name, value, "is not a mapping of item id to LOINC code")
    for k, v in value.items():
        check_id(f"{a.name}.key", k)
        if not isinstance(v, str) or not _LOINC_RE.match(v):
            raise FieldError(
                f"{a.name}.{k}", v, "is not a LOINC code (digits-checkdigit)"
            )


@frozen(kw_only=True)
class Loinc:
    """LOINC codes of an instrument, where they exist (all optional).

    >>> Loinc(panel="44249-1", total="44261-6", items={9: "44260-8"}).items
    {'9': '44260-8'}
    """

    panel: str | None = field(default=None, validator=_v_opt_loinc)
    total: str | None = field(default=None, validator=_v_opt_loinc)
    items: dict[str, str] = field(
        factory=dict, converter=_loinc_items, validator=_v_loinc_items, hash=False
    )


# ------------------------------------------------------------------ converters


def _items(value: Iterable[Item]) -> tuple[Item, ...]:
    return to_tuple(value)


def _subscales(
    value: Mapping[str, Sequence[str] | Scale] | Iterable[Scale],
) -> tuple[Scale, ...]:
    if isinstance(value, Mapping):
        out = []
        for name, v in value.items():
            if isinstance(v, Scale):
                if v.name != name:
                    raise FieldError(
                        f"subscales.{name}", v.name, "does not match its key"
                    )
                out.append(v)
            else:
                out.append(Scale(name=name, items=tuple(str(i) for i in v)))
        return tuple(out)
    return to_tuple(value)


def _bands(
    value: Mapping[str, Iterable[Band]] | Iterable[Band],
) -> dict[str, tuple[Band, ...]]:
    if isinstance(value, Mapping):
        return {str(k): to_tuple(v) for k, v in value.items()}
    return {"total": to_tuple(value)}


# ------------------------------------------------------------------ compiled plan


@frozen
class _ScalePlan:
    """A scale resolved against its instrument (internal, precomputed)."""

    name: str
    index: tuple[int, ...]
    n: int
    mean: bool
    max_missing: int
    factor: float
    higher_is_worse: bool
    minimum: float
    maximum: float
    cuts: tuple[float, ...]  # lower bounds of bands 2..m
    labels: tuple[str, ...]
    pick: Callable[[Sequence[Any]], Sequence[Any]] = field(repr=False, eq=False)
    """Selects the scale's items from a list in spec order (C-speed)."""
    flags: tuple[Flag | None, ...] = ()
    """The flag of each band (``None``: no flag); empty if no band has one."""


def _picker(
    index: tuple[int, ...], n_items: int
) -> Callable[[Sequence[Any]], Sequence[Any]]:
    if index == tuple(range(n_items)):
        return _identity
    if len(index) == 1:
        return functools.partial(_pick_one, index[0])
    return operator.itemgetter(*index)


def _pick_one(j: int, seq: Sequence[Any]) -> Sequence[Any]:
    return (seq[j],)


def _identity(seq: Sequence[Any]) -> Sequence[Any]:
    return seq


@frozen
class _Plan:
    ids: tuple[str, ...]
    pos: dict[str, int]
    lo: tuple[int, ...]
    hi: tuple[int, ...]
    rev: tuple[bool, ...]
    rows: tuple[tuple[str, int, int, bool], ...]  # (id, min, max, reversed)
    intercept: float | None  # None: no transform
    slope: float
    scales: tuple[_ScalePlan, ...]
    critical: tuple[tuple[int, int, Flag, Flag | None], ...]
    invalid_flags: tuple[Flag, ...]  # of each critical item, in the same order
    band_flags: tuple[tuple[str, int, Flag], ...] = ()  # (scale, band, flag)


# ------------------------------------------------------------------ the spec


@frozen(kw_only=True)
class InstrumentSpec:
    """Everything needed to score one instrument, as data.

    Parameters
    ----------
    id, name, version:
        Stable instrument id (``"phq9"``, see ``docs/conventions.md``), display
        name and version of the form.
    items:
        The :class:`Item` objects in canonical order (the column order of the
        columnar path); see :func:`uniform_items`.
    reverse:
        Ids of reverse-keyed items (code ``x`` scores ``min + max - x``).
    total:
        Whether the instrument has a ``"total"`` scale over all items (the
        Copenhagen Burnout Inventory and ProQOL 5 have subscales only).
    subscales:
        ``{name: item ids}`` or :class:`Scale` objects.
    method, transform:
        ``"sum"`` or ``"mean"``, after an optional linear :class:`Transform`.
    max_missing:
        The missing-data rule: up to this many unanswered items *per scale* are
        prorated (replaced by the mean of the answered items); one more makes the
        scale incomplete. ``0`` (default) is strict. A :class:`Scale` may
        override it.
    bands:
        Severity bands: ``{scale name: [Band, ...]}`` (a plain list means the
        total). Bands must be contiguous, ascending and cover the scale's range.
    critical:
        :class:`CriticalItem` rules.
    citation, licence, loinc, reliability:
        Provenance: primary source, licence note (what may ship), LOINC codes,
        published :class:`Reliability` for the RCI.
    higher_is_worse:
        Direction of the scales (a :class:`Scale` may override it).

    Examples
    --------
    >>> phq9 = InstrumentSpec(
    ...     id="phq9", name="PHQ-9", items=uniform_items(9, 0, 3), max_missing=2,
    ...     bands=[Band(label="minimal", lower=0, upper=5),
    ...            Band(label="mild", lower=5, upper=10),
    ...            Band(label="moderate", lower=10, upper=15),
    ...            Band(label="moderately severe", lower=15, upper=20),
    ...            Band(label="severe", lower=20)],
    ...     critical=[CriticalItem(item="9", threshold=1, code="phq9.item9-positive",
    ...                            unanswered_code="phq9.item9-unanswered")],
    ...     citation="Kroenke, Spitzer & Williams (2001)")
    >>> phq9.scale_names, phq9.scale("total").maximum
    (('total',), 27.0)
    """

    id: str = ident()
    name: str = text(max_length=200)
    version: str = text(max_length=40, default="1")
    items: tuple[Item, ...] = field(converter=_items, validator=_v_instances(Item))
    reverse: tuple[str, ...] = ident_tuple()
    total: bool = field(default=True, validator=_v_bool)
    subscales: tuple[Scale, ...] = field(
        factory=tuple, converter=_subscales, validator=_v_instances(Scale)
    )
    method: ScoringMethod = field(default="sum", validator=_v_method)
    transform: Transform | None = field(default=None)
    max_missing: int = field(default=0, validator=_v_opt_nonneg_int)
    bands: dict[str, tuple[Band, ...]] = field(
        factory=dict, converter=_bands, hash=False
    )
    critical: tuple[CriticalItem, ...] = field(
        factory=tuple, converter=to_tuple, validator=_v_instances(CriticalItem)
    )
    citation: str = text(max_length=2000, default="")
    licence: str = text(max_length=2000, default="")
    loinc: Loinc | None = field(default=None)
    reliability: tuple[Reliability, ...] = field(
        factory=tuple, converter=to_tuple, validator=_v_instances(Reliability)
    )
    higher_is_worse: bool = field(default=True, validator=_v_bool)
    skips: tuple[Skip, ...] = field(
        factory=tuple, converter=to_tuple, validator=_v_instances(Skip)
    )
    """Skip logic (:class:`Skip`), honoured by both scoring paths and the kit.

    .. versionadded:: 0.1
    """
    _plan: _Plan = field(init=False, repr=False, eq=False, hash=False)
    _cache: dict[str, Any] = field(
        init=False, repr=False, eq=False, hash=False, factory=dict
    )

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_plan", self._compile())

    # -------------------------------------------------------------- compile

    def _compile(self) -> _Plan:
        if not self.items:
            raise FieldError("items", (), "is empty")
        ids = tuple(i.id for i in self.items)
        pos = {k: j for j, k in enumerate(ids)}
        if len(pos) != len(ids):
            dup = next(k for k in ids if ids.count(k) > 1)
            raise FieldError("items", dup, "is listed twice")
        for k in self.reverse:
            if k not in pos:
                raise FieldError("reverse", k, "is not an item of this instrument")
        if self.transform is not None and not isinstance(self.transform, Transform):
            raise FieldError("transform", self.transform, "is not a Transform")
        if self.loinc is not None:
            if not isinstance(self.loinc, Loinc):
                raise FieldError("loinc", self.loinc, "is not a Loinc")
            for k in self.loinc.items:
                if k not in pos:
                    raise FieldError(
                        "loinc.items", k, "is not an item of this instrument"
                    )
        lo = tuple(i.minimum for i in self.items)
        hi = tuple(i.maximum for i in self.items)
        for n_skip, sk in enumerate(self.skips):
            for name, ref in (("item", sk.item), ("gate", sk.gate)):
                if ref not in pos:
                    raise FieldError(
                        f"skips[{n_skip}].{name}",
                        ref,
                        "is not an item of this instrument",
                    )
            j, g = pos[sk.item], pos[sk.gate]
            if not lo[j] <= sk.score <= hi[j]:
                raise FieldError(
                    f"skips[{n_skip}].score", sk.score, f"is not in [{lo[j]}, {hi[j]}]"
                )
            for gate_code in sk.when:
                if not lo[g] <= gate_code <= hi[g]:
                    raise FieldError(
                        f"skips[{n_skip}].when",
                        gate_code,
                        f"is not in [{lo[g]}, {hi[g]}]",
                    )
        rev_set = set(self.reverse)
        rev = tuple(k in rev_set for k in ids)
        t = self.transform

        scales = ([Scale(name="total", items=ids)] if self.total else []) + list(
            self.subscales
        )
        if not scales:
            raise FieldError(
                "subscales", (), "is empty and total is false: nothing to score"
            )
        names = [s.name for s in scales]
        for s in scales:
            if names.count(s.name) > 1:
                raise FieldError(
                    "subscales", s.name, "is defined twice ('total' is reserved)"
                )
        for key in self.bands:
            if key not in names:
                raise FieldError("bands", key, "is not a scale of this instrument")
        plans = []
        for s in scales:
            for k in s.items:
                if k not in pos:
                    raise FieldError(
                        f"subscales.{s.name}", k, "is not an item of this instrument"
                    )
            index = tuple(pos[k] for k in s.items)
            n = len(index)
            mm = self.max_missing if s.max_missing is None else s.max_missing
            if mm >= n:
                raise FieldError(
                    f"max_missing ({s.name})",
                    mm,
                    f"must be below the scale's {n} items",
                )
            mean = (s.method or self.method) == "mean"
            # The extremes the engine itself can compute, with its own formula
            # (scoring rules 2-5), so a value can never fall outside them by a
            # rounding step: e.g. with intercept -1/3, the sum of the items'
            # transformed maxima is 3.333333333333333 while the engine's
            # intercept * 2 + slope * 4 is 3.3333333333333335. For each allowed
            # count c of answered items the value is monotone in the code sum
            # (each floating-point step is), so its extremes are at the c
            # smallest minima and the c largest maxima.
            low = sorted(lo[j] for j in index)
            high = sorted((hi[j] for j in index), reverse=True)
            ends = [
                self._value(c, sum(codes[:c]), n, mean, t)
                for c in range(max(n - mm, 1), n + 1)
                for codes in (low, high)
            ]
            vmin, vmax = min(ends), max(ends)
            vmin, vmax = vmin * s.factor, vmax * s.factor
            cuts, labels = self._check_bands(s.name, vmin, vmax)
            bflags = tuple(b.flag for b in self.bands.get(s.name, ()))
            if all(f is None for f in bflags):
                bflags = ()
            hiw = (
                self.higher_is_worse if s.higher_is_worse is None else s.higher_is_worse
            )
            plans.append(
                _ScalePlan(
                    s.name,
                    index,
                    n,
                    mean,
                    mm,
                    s.factor,
                    hiw,
                    vmin,
                    vmax,
                    cuts,
                    labels,
                    _picker(index, len(ids)),
                    bflags,
                )
            )
        for r in self.reliability:
            if r.scale not in names:
                raise FieldError(
                    "reliability.scale", r.scale, "is not a scale of this instrument"
                )
        critical = []
        invalid_flags = []
        codes: set[str] = set()
        for c in self.critical:
            if c.item not in pos:
                raise FieldError(
                    "critical.item", c.item, "is not an item of this instrument"
                )
            j = pos[c.item]
            if not lo[j] < c.threshold <= hi[j]:
                raise FieldError(
                    f"critical.{c.item}.threshold",
                    c.threshold,
                    f"is not in ({lo[j]}, {hi[j]}]",
                )
            invalid = c.invalid_flag
            for code in (c.code, c.unanswered_code, invalid.code):
                if code is not None:
                    if code in codes:
                        raise FieldError("critical.code", code, "is used twice")
                    codes.add(code)
            critical.append((j, c.threshold, c.flag, c.unanswered_flag))
            invalid_flags.append(invalid)
        band_flags = []
        for sp in plans:
            for b, f in enumerate(sp.flags):
                if f is None:
                    continue
                if f.code in codes:
                    raise FieldError(f"bands.{sp.name}.flag", f.code, "is used twice")
                codes.add(f.code)
                band_flags.append((sp.name, b, f))
        return _Plan(
            ids=ids,
            pos=pos,
            lo=lo,
            hi=hi,
            rev=rev,
            rows=tuple(zip(ids, lo, hi, rev, strict=True)),
            intercept=None if t is None else t.intercept,
            slope=1.0 if t is None else t.slope,
            scales=tuple(plans),
            critical=tuple(critical),
            invalid_flags=tuple(invalid_flags),
            band_flags=tuple(band_flags),
        )

    @staticmethod
    def _value(c: int, code_sum: int, n: int, mean: bool, t: Transform | None) -> float:
        """A scale's value from *c* answered items whose codes sum to
        *code_sum*, as :func:`~riskcore.instruments.score_items` computes it
        (before the factor)."""
        r = float(code_sum) if t is None else t.intercept * c + t.slope * code_sum
        if mean:
            return r / c
        return r if c == n else r / c * n

    def _check_bands(
        self, name: str, vmin: float, vmax: float
    ) -> tuple[tuple[float, ...], tuple[str, ...]]:
        bands = self.bands.get(name, ())
        if not bands:
            return (), ()
        where = f"bands.{name}"
        for i, b in enumerate(bands):
            if not isinstance(b, Band):
                raise FieldError(f"{where}[{i}]", b, "is not a Band")
        labels = [b.label for b in bands]
        if len(set(labels)) != len(labels):
            raise FieldError(where, labels, "has duplicate labels")
        first, last = bands[0], bands[-1]
        if first.lower is not None and first.lower > vmin:
            raise FieldError(
                f"{where}[0].lower", first.lower, f"leaves {vmin:g} unbanded"
            )
        if last.upper is not None and last.upper <= vmax:
            raise FieldError(
                f"{where}[{len(bands) - 1}].upper",
                last.upper,
                f"leaves {vmax:g} unbanded (intervals are half-open [lower, upper))",
            )
        for i in range(1, len(bands)):
            prev, b = bands[i - 1], bands[i]
            if prev.upper is None or b.lower is None or prev.upper != b.lower:
                raise FieldError(
                    f"{where}[{i}].lower",
                    b.lower,
                    f"does not continue the previous band (upper {prev.upper})",
                )
        return tuple(float(b.lower) for b in bands[1:]), tuple(labels)  # type: ignore[arg-type]

    # -------------------------------------------------------------- introspection

    @property
    def item_ids(self) -> tuple[str, ...]:
        """Item ids in canonical (column) order."""
        return self._plan.ids

    @property
    def scale_names(self) -> tuple[str, ...]:
        """Scale names in output order: ``"total"`` (if any) then the subscales."""
        return tuple(s.name for s in self._plan.scales)

    @property
    def flag_codes(self) -> tuple[str, ...]:
        """Every flag code the spec can raise: the critical items' (positive,
        unanswered, invalid), in declaration order, then the bands'
        (:attr:`Band.flag`), in scale order."""
        out: list[str] = []
        for (_, _, f, u), inv in zip(
            self._plan.critical, self._plan.invalid_flags, strict=True
        ):
            out.append(f.code)
            if u is not None:
                out.append(u.code)
            out.append(inv.code)
        out += [f.code for _, _, f in self._plan.band_flags]
        return tuple(out)

    def scale(self, name: str) -> _ScalePlan:
        """The resolved scale *name* (items, method, limits, range, bands).

        >>> InstrumentSpec(id="x", name="X", items=uniform_items(2, 1, 5)).scale("total").minimum
        2.0
        """
        for s in self._plan.scales:
            if s.name == name:
                return s
        msg = f"{self.id}: no scale {name!r}"
        raise KeyError(msg)

    def band_of(self, scale: str, value: float | None) -> str | None:
        """The band label of *value* on *scale* (``None`` if no bands or no value).

        >>> spec = InstrumentSpec(id="d", name="D", items=uniform_items(2, 0, 3),
        ...     bands=[Band(label="low", lower=0, upper=3), Band(label="high", lower=3)])
        >>> spec.band_of("total", 2.99), spec.band_of("total", 3)
        ('low', 'high')
        """
        s = self.scale(scale)
        if value is None or not s.labels:
            return None
        return s.labels[sum(value >= c for c in s.cuts)]

    def reliability_for(self, scale: str = "total") -> Reliability:
        """The first :class:`Reliability` entry declared for *scale*.

        Raises :class:`KeyError` if none is declared.

        >>> spec = InstrumentSpec(id="d", name="D", items=uniform_items(2, 0, 3),
        ...     reliability=[Reliability(sd=2.0, r=0.8, source="a study")])
        >>> spec.reliability_for("total").source
        'a study'
        """
        for r in self.reliability:
            if r.scale == scale:
                return r
        msg = f"{self.id}: no reliability declared for scale {scale!r}"
        raise KeyError(msg)

    # -------------------------------------------------------------- scoring

    def score(self, response: InstrumentResponse) -> InstrumentResult:
        """Score one response (object path); see :func:`~riskcore.instruments.score`.

        >>> from riskcore.model import InstrumentResponse
        >>> spec = InstrumentSpec(id="d", name="D", items=uniform_items(2, 0, 3))
        >>> spec.score(InstrumentResponse(instrument="d", subject="c-1", items={1: 1, 2: 3})).total
        4.0
        """
        from riskcore.instruments.scoring import score

        return score(self, response)

    def to_scores(
        self,
        response: InstrumentResponse,
        subject_kind: SubjectKind,
        *,
        subject: str | None = None,
        plugin: str | None = None,
    ) -> list[Score]:
        """Score one response straight to :class:`~riskcore.model.Score` objects.

        Equal to ``self.score(response).to_scores(subject_kind, subject=subject,
        plugin=plugin)``; see :func:`~riskcore.instruments.score_to_scores`.

        >>> from riskcore.model import InstrumentResponse, SubjectKind
        >>> spec = InstrumentSpec(id="d", name="D", items=uniform_items(2, 0, 3))
        >>> r = InstrumentResponse(instrument="d", subject="c-1", items={1: 1, 2: 3})
        >>> [(s.scale, s.value) for s in spec.to_scores(r, SubjectKind.CLIENT)]
        [('total', 4.0)]

        .. versionadded:: 0.1
        """
        fast = self._cache.get("fast")  # built by score_to_scores on first use
        if fast is not None and response.instrument == self.id:
            got: list[Score] | None = fast.scores(
                response.items, subject or response.subject, subject_kind, plugin
            )
            if got is not None:
                return got
        from riskcore.instruments.scoring import score_to_scores

        return score_to_scores(
            self, response, subject_kind, subject=subject, plugin=plugin
        )

    def reach(
        self,
        items: Mapping[str, object],
        scale: str = "total",
        *,
        subject: str = "-",
    ) -> Reach:
        """What *scale* could still be once the unanswered items are answered;
        see :func:`~riskcore.instruments.reach`.

        >>> spec = InstrumentSpec(id="d", name="D", items=uniform_items(2, 0, 3))
        >>> r = spec.reach({"1": 2, "2": None})
        >>> r.low, r.high, r.unanswered
        (2.0, 5.0, 1)

        .. versionadded:: 0.1
        """
        from riskcore.instruments.scoring import reach

        return reach(self, items, scale, subject=subject)

    def score_array(self, data: Any, *, lenient: bool = False) -> ColumnarResult:
        """Score many respondents (columnar path); see :func:`~riskcore.instruments.score_array`.

        >>> spec = InstrumentSpec(id="d", name="D", items=uniform_items(2, 0, 3))
        >>> spec.score_array([[1, 3], [0, 0]]).total.tolist()
        [4.0, 0.0]
        """
        from riskcore.instruments.columnar import score_array

        return score_array(self, data, lenient=lenient)

    def reliable_change(
        self, before: float, after: float, *, scale: str = "total"
    ) -> ReliableChange:
        """The RCI between two scores on *scale*, with its first declared reliability.

        The verdict follows the scale's ``higher_is_worse``; see
        :func:`~riskcore.instruments.reliable_change`.

        >>> spec = InstrumentSpec(id="d", name="D", items=uniform_items(20, 0, 4),
        ...     reliability=[Reliability(sd=12.40, r=0.82, source="Blevins et al. 2015")])
        >>> ch = spec.reliable_change(48, 30)
        >>> ch.verdict, round(ch.threshold, 1)
        ('reliably improved', 14.6)
        """
        from riskcore.instruments.rci import reliable_change

        return reliable_change(
            before,
            after,
            self.reliability_for(scale),
            higher_is_worse=self.scale(scale).higher_is_worse,
        )
