"""The parts of an instrument specification: items, scales, bands, skips,
critical items, reliability and LOINC codes.

Each part checks its own fields when built; :class:`~riskcore.instruments.spec.InstrumentSpec`
holds them, and :mod:`riskcore.instruments.spec` re-exports every public name
here (import them from there).

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, cast

import attrs
from attrs import field, frozen

from riskcore.errors import FieldError
from riskcore.model._fields import check_id, ident, ident_tuple, text, to_tuple
from riskcore.model.assessment import Flag, FlagLevel

__all__ = [
    "Band",
    "CriticalItem",
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
