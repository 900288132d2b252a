"""Scores and the assessment that collects them.

.. versionadded:: 0.1
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from typing import Any, ClassVar

import attrs
from attrs import field, frozen

from riskcore.errors import FieldError
from riskcore.model._fields import (
    _KNOWN_IDS,
    _KNOWN_IDS_LIMIT,
    check_id,
    ident,
    ident_tuple,
    text,
    to_tuple,
)
from riskcore.model.subjects import SubjectKind

__all__ = [
    "Assessment",
    "AssessorFailure",
    "AssessorInfo",
    "Flag",
    "FlagLevel",
    "PluginProvenance",
    "Score",
]


def _opt_float(v: object) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise FieldError("value", v, "is not a number or null")
    return float(v)


class FlagLevel(enum.Enum):
    """How loud a flag is. ``CRITICAL`` always escalates, whatever the totals."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


@frozen(kw_only=True)
class Flag:
    """A finding that must be acted on regardless of totals.

    ``code`` is stable and machine-readable (``"phq9.item9-positive"``);
    ``message`` is fixed, non-identifying text; ``escalation`` says what it
    demands (``"same-day safety assessment"``).

    >>> Flag(code="phq9.item9-positive", level=FlagLevel.CRITICAL,
    ...      message="PHQ-9 item 9 endorsed").critical
    True
    """

    code: str = ident()
    level: FlagLevel = field(default=FlagLevel.WARNING)
    message: str = text(max_length=500, default="")
    escalation: str | None = text(max_length=500, default=None)

    @property
    def critical(self) -> bool:
        """True for flags that always escalate."""
        return self.level is FlagLevel.CRITICAL


@frozen(kw_only=True, weakref_slot=False)
class Score:
    """One number an assessor produced about one subject.

    A score is *incomplete* when the data did not allow it (``value`` is then
    ``None`` and ``missing_reason`` says why), or when it was scored around an
    invalid answer (``value`` set *and* ``missing_reason`` naming the item);
    an incomplete score never reads as a low one.

    >>> s = Score(subject="c-01", subject_kind=SubjectKind.CLIENT,
    ...           instrument="phq9", scale="total", value=12, minimum=0, maximum=27,
    ...           band="moderate")
    >>> s.complete, s.value
    (True, 12.0)
    """

    subject: str = ident()
    subject_kind: SubjectKind = field()
    instrument: str = ident()
    scale: str = ident(default="total")
    value: float | None = field(default=None, converter=_opt_float)
    minimum: float | None = field(default=None)
    maximum: float | None = field(default=None)
    band: str | None = field(default=None)
    flags: tuple[Flag, ...] = field(factory=tuple, converter=to_tuple)
    missing_reason: str | None = text(max_length=500, default=None)
    plugin: str | None = field(default=None)
    """Set by :func:`riskcore.assess`: the plugin that produced the score."""
    measured: bool = field(default=True)
    """False for a scale the instrument does not measure (shown as "not
    measured", never guessed). Its value is ``None``; it does not make an
    assessment incomplete, because no data is missing."""

    def __attrs_post_init__(self) -> None:
        if not self.measured and self.value is not None:
            raise FieldError("value", self.value, "must be null when measured is false")
        if self.value is None:
            if self.missing_reason is None:
                raise FieldError(
                    "missing_reason", None, "is required when value is null (say why)"
                )
            return
        if self.value != self.value:  # NaN
            raise FieldError(
                "value", self.value, "is NaN; use null with a missing_reason"
            )
        if self.minimum is not None and self.value < self.minimum:
            raise FieldError("value", self.value, f"is below minimum {self.minimum:g}")
        if self.maximum is not None and self.value > self.maximum:
            raise FieldError("value", self.value, f"is above maximum {self.maximum:g}")

    fast: ClassVar[Callable[..., Score]]
    """``Score.fast(subject, subject_kind, instrument, scale, value, minimum,
    maximum, band, flags, missing_reason, plugin, measured)``: the one fast
    constructor, every field positional in the order of :func:`attrs.fields`.

    Every path that builds scores in bulk uses it: the instrument engine
    (:meth:`~riskcore.instruments.InstrumentSpec.to_scores` and its generated
    fast path), :meth:`derived`, and :func:`riskcore.assess` when it stamps a
    score with its plugin. It converts ``value`` to ``float`` and makes the
    checks of ``__attrs_post_init__`` (a number, not NaN, within ``minimum``
    and ``maximum``, a reason when the value is missing, ``measured``), but
    not the per-field validators: the caller guarantees the identifiers are
    valid, ``flags`` is a tuple of :class:`Flag` and ``missing_reason`` a short
    string (:meth:`derived` checks them for a plugin). The plugin is passed
    explicitly: nothing is read from the surroundings. For a subclass of
    ``Score`` it goes through ``object.__setattr__`` and runs
    ``__attrs_post_init__``.

    >>> s = Score.fast("c-01", SubjectKind.CLIENT, "phq9", "total", 12, 0, 27,
    ...                "moderate", (), None, "safety", True)
    >>> s == Score(subject="c-01", subject_kind=SubjectKind.CLIENT,
    ...            instrument="phq9", value=12, minimum=0, maximum=27,
    ...            band="moderate", plugin="safety")
    True
    >>> Score.fast("c-01", SubjectKind.CLIENT, "phq9", "total", 30, 0, 27,
    ...            None, (), None, None, True)
    Traceback (most recent call last):
    ...
    riskcore.errors.FieldError: value: 30.0 is above maximum 27

    .. versionadded:: 0.1
    """

    @classmethod
    def derived(
        cls,
        *,
        subject: str,
        subject_kind: SubjectKind,
        instrument: str,
        scale: str = "total",
        value: float | None = None,
        minimum: float | None = None,
        maximum: float | None = None,
        band: str | None = None,
        flags: tuple[Flag, ...] = (),
        missing_reason: str | None = None,
        measured: bool = True,
        plugin: str | None = None,
    ) -> Score:
        """``Score(...)`` for the scores an assessor derives in its hook, faster.

        Makes every check ``Score(...)`` makes (identifiers, value a number and
        not NaN, within ``minimum``/``maximum``, a reason when the value is
        missing, ``measured``), and checks that ``flags`` are :class:`Flag`
        objects, but without attrs' generic keyword and validator machinery
        (about 1 µs instead of 4 µs), through :attr:`fast`. A plugin that
        passes its own name as *plugin* saves :func:`riskcore.assess` a copy:
        assess stamps every score with the name the plugin is registered under,
        copying those that say otherwise.

        >>> s = Score.derived(subject="c-01", subject_kind=SubjectKind.CLIENT,
        ...                   instrument="pcl5", scale="provisional-ptsd",
        ...                   value=1, minimum=0, maximum=1)
        >>> s == Score(subject="c-01", subject_kind=SubjectKind.CLIENT,
        ...            instrument="pcl5", scale="provisional-ptsd", value=1,
        ...            minimum=0, maximum=1)
        True

        .. versionadded:: 0.1
        """
        if cls is not Score:
            return cls(
                subject=subject,
                subject_kind=subject_kind,
                instrument=instrument,
                scale=scale,
                value=value,
                minimum=minimum,
                maximum=maximum,
                band=band,
                flags=flags,
                missing_reason=missing_reason,
                measured=measured,
                plugin=plugin,
            )
        known = _KNOWN_IDS
        if subject not in known or instrument not in known or scale not in known:
            _remember_ids(subject, instrument, scale)
        if type(flags) is not tuple:
            flags = to_tuple(flags)
        for f in flags:
            if not isinstance(f, Flag):
                raise FieldError("flags", f, "is not a Flag")
        if missing_reason is not None and (
            type(missing_reason) is not str or len(missing_reason) > 500
        ):
            raise FieldError(
                "missing_reason", missing_reason, "is not a string of at most 500"
            )
        return _checked(
            cls,
            subject,
            subject_kind,
            instrument,
            scale,
            value,
            minimum,
            maximum,
            band,
            flags,
            missing_reason,
            plugin,
            measured,
        )

    def _stamped(self, plugin: str | None) -> Score:
        """This score with ``plugin`` set (internal, for :func:`riskcore.assess`).

        Same as ``attrs.evolve(self, plugin=plugin)`` without validating the
        other fields again: they were validated when this (frozen) score was
        built, and ``plugin`` has no validator. Subclasses go through
        :func:`attrs.evolve`.
        """
        if type(self) is not Score:
            return attrs.evolve(self, plugin=plugin)
        return _restamped(self, plugin)

    @property
    def complete(self) -> bool:
        """False when the score could not be computed from the data.

        A scale that is *not measured* by design is complete: nothing is
        missing, and its value is ``None``. A value *with* a
        ``missing_reason`` is not complete: it was scored under the
        instrument's missing-data rule around an invalid answer (issue #14),
        and the reason says which item.

        .. versionchanged:: 0.3
           A value with a ``missing_reason`` is incomplete.
        """
        return not self.measured or (
            self.value is not None and self.missing_reason is None
        )

    @property
    def critical(self) -> bool:
        """True if any flag is critical."""
        return any(f.critical for f in self.flags)


_new = object.__new__


def _remember_ids(subject: object, instrument: object, scale: object) -> None:
    check_id("subject", subject)
    check_id("instrument", instrument)
    check_id("scale", scale)
    if len(_KNOWN_IDS) > _KNOWN_IDS_LIMIT:  # bounded: subject ids come and go
        _KNOWN_IDS.clear()
    # Only exact str: a str subclass may compare equal to a valid id.
    _KNOWN_IDS.update(x for x in (subject, instrument, scale) if type(x) is str)


def _build_source(name: str, fields: list[str], *, check: bool) -> str:
    """The source of :func:`_build` (or, with *check*, :func:`_checked`) for
    a class with slots *fields* (internal)."""
    args = ", ".join(fields)
    body = "".join(f"    self.{f} = {f}\n" for f in fields)
    # With check: run __attrs_post_init__ unless the value is a measured number
    # within its bounds (then it would pass: it only rejects the other cases).
    after = (
        "    if (value is None or not measured or value != value\n"
        "            or (minimum is not None and value < minimum)\n"
        "            or (maximum is not None and value > maximum)):\n"
        "        self.__attrs_post_init__()\n"
        if check
        else ""
    )
    return (
        f"def {name}(cls, {args}):\n"
        "    if cls is not Score:\n"
        f"        return {name}_other(cls, {args})\n"
        "    if value is not None and type(value) is not float:\n"
        "        value = _opt_float(value)\n"
        "    self = _Slots()\n"
        f"{body}"
        "    self.__class__ = Score\n"
        f"{after}"
        "    return self\n"
    )


def _build_other(cls: type[Score], *values: Any) -> Score:
    """:func:`_build` through ``object.__setattr__``, for a subclass of Score."""
    self = _new(cls)
    for name, value in zip(_FIELDS, values, strict=True):
        if name == "value" and value is not None and type(value) is not float:
            value = _opt_float(value)
        object.__setattr__(self, name, value)
    return self


def _checked_other(cls: type[Score], *values: Any) -> Score:
    """:func:`_checked` through ``object.__setattr__``, for a subclass of Score."""
    self = _build_other(cls, *values)
    self.__attrs_post_init__()
    return self


_FIELDS = [a.name for a in attrs.fields(Score)]

_Slots = type(
    "_ScoreSlots",
    (),
    {"__slots__": Score.__dict__["__slots__"], "__module__": __name__},
)
"""Score's twin: the same slots in the same order, but not frozen.

A plain ``self.x = x`` on its slots is the fastest write CPython has (one
specialised instruction each; a frozen class must go through
``object.__setattr__``). :func:`_build` fills one, then makes it a ``Score``
by ``__class__`` assignment, which CPython allows between classes of the same
layout. That is why ``Score`` has no ``__weakref__`` slot: CPython does not
count a ``__weakref__`` slot as the same layout in two classes. It is made by
calling it (``_Slots()``, no ``__init__`` of its own: ``object``'s), which
CPython does faster than ``object.__new__(_Slots)`` (about 0.1 s for the 1.4
million scores of a 100,000-client assessment).
"""

_namespace: dict[str, Any] = {
    "Score": Score,
    "_Slots": _Slots,
    "_new": _new,
    "_opt_float": _opt_float,
    "_build_other": _build_other,
    "_checked_other": _checked_other,
}
for _name, _check in (("_build", False), ("_checked", True)):
    exec(  # only the field names of Score reach the source
        compile(
            _build_source(_name, _FIELDS, check=_check),
            f"<riskcore Score {_name}>",
            "exec",
        ),
        _namespace,
    )
_build: Callable[..., Score] = _namespace["_build"]
"""A Score with its slots filled as the generated ``__init__`` fills them,
the value converted to float; no validators (internal: the callers check what
needs checking, then run ``__attrs_post_init__``).

Arguments are positional, ``cls`` first, then every field in the order of
:func:`attrs.fields`."""
_checked: Callable[..., Score] = _namespace["_checked"]
""":func:`_build`, then the checks of ``Score.__attrs_post_init__`` (internal)."""
exec(  # only the field names of Score reach the source
    compile(
        "def _restamped(score, plugin):\n"
        "    self = _Slots()\n"
        + "".join(
            f"    self.{f} = plugin\n"
            if f == "plugin"
            else f"    self.{f} = score.{f}\n"
            for f in _FIELDS
        )
        + "    self.__class__ = Score\n    return self\n",
        "<riskcore Score _restamped>",
        "exec",
    ),
    _namespace,
)
_restamped: Callable[[Score, str | None], Score] = _namespace["_restamped"]
"""A copy of a (validated, frozen) Score with ``plugin`` set, its slots
copied as :func:`_build` fills them (internal: :meth:`Score._stamped`)."""


def _restamped_other(score: Score, plugin: str | None) -> Score:
    """:func:`_restamped` through ``object.__setattr__``."""
    values = [plugin if n == "plugin" else getattr(score, n) for n in _FIELDS]
    return _build_other(Score, *values)


try:  # one probe: does this interpreter allow the __class__ swap?
    _build(Score, *([None] * len(_FIELDS)))
except TypeError:  # pragma: no cover - an interpreter that refuses the swap
    _build, _checked, _restamped = _build_other, _checked_other, _restamped_other
Score.fast = classmethod(_checked)  # type: ignore[assignment]


@frozen(kw_only=True)
class AssessorFailure:
    """A plugin that crashed, returned something invalid, or was missing.

    ``detail`` holds the exception text; it may contain anything the plugin put
    there, so it is kept out of reprs and reports unless asked for.
    """

    plugin: str = field()
    hook: str = field()
    error_type: str = field()
    distribution: str | None = field(default=None)
    version: str | None = field(default=None)
    subject: str | None = field(default=None)
    detail: str = text(sensitive=True, default="")
    instrument: str | None = field(default=None)
    """The instrument left unscored, for failures that concern one."""

    def summary(self) -> str:
        """One line, safe to show: plugin, version, hook, subject and error type.

        >>> AssessorFailure(plugin="(none)", hook="riskcore_assess",
        ...                 error_type="UnscoredInstrument", subject="c-03",
        ...                 instrument="chs").summary()
        "c-03: instrument 'chs' was not scored (no active plugin scores it)"
        >>> AssessorFailure(plugin="safety", hook="riskcore_assess",
        ...                 error_type="UnscoredInstrument", subject="c-03",
        ...                 instrument="k10").summary()
        "c-03: instrument 'k10' was not scored: plugin safety failed on this subject"
        """
        if self.error_type == "UnscoredInstrument" and self.instrument:
            if self.plugin != "(none)":
                return (
                    f"{self.subject}: instrument {self.instrument!r} was not scored: "
                    f"plugin {self.plugin} failed on this subject"
                )
            return (
                f"{self.subject}: instrument {self.instrument!r} was not scored "
                "(no active plugin scores it)"
            )
        who = self.plugin
        if self.distribution:
            who += f" ({self.distribution} {self.version or '?'})"
        on = f" on subject {self.subject}" if self.subject else ""
        return f"{who}: {self.hook}{on} failed with {self.error_type}"


@frozen(kw_only=True)
class AssessorInfo:
    """What an assessor plugin says about itself (``riskcore_assessor_info``).

    >>> AssessorInfo(name="wellbeing", instruments=["proqol5"], threats=["burnout"],
    ...              subject_kinds=[SubjectKind.PROFESSIONAL]).instruments
    ('proqol5',)
    """

    name: str = ident()
    summary: str = text(max_length=500, default="")
    instruments: tuple[str, ...] = ident_tuple()
    threats: tuple[str, ...] = ident_tuple()
    """Threat ids its risk factors may move."""
    subject_kinds: tuple[SubjectKind, ...] = field(factory=tuple, converter=to_tuple)


@frozen(kw_only=True)
class PluginProvenance:
    """Which plugin contributed to an assessment, at which version."""

    name: str = field()
    distribution: str | None = field(default=None)
    version: str | None = field(default=None)
    instruments: tuple[str, ...] = field(factory=tuple, converter=to_tuple)


@frozen(kw_only=True)
class Assessment:
    """Everything the assessors said about a case.

    An assessment is :attr:`complete` only if no assessor failed and every score
    could be computed. Consumers must treat an incomplete assessment as *no
    evidence of safety*.
    """

    case_id: str = ident()
    scores: tuple[Score, ...] = field(factory=tuple, converter=to_tuple)
    failures: tuple[AssessorFailure, ...] = field(factory=tuple, converter=to_tuple)
    provenance: tuple[PluginProvenance, ...] = field(factory=tuple, converter=to_tuple)
    riskcore_version: str = field(default="")

    @classmethod
    def _trusted(
        cls,
        case_id: str,
        scores: tuple[Score, ...],
        failures: tuple[AssessorFailure, ...],
        provenance: tuple[PluginProvenance, ...],
        riskcore_version: str,
    ) -> Assessment:
        """An assessment from parts :func:`riskcore.assess` has checked (internal).

        ``Assessment(...)`` without what the caller guarantees: ``case_id`` is
        the id of a (validated, frozen) case and the rest are already tuples, so
        the identifier validator and the converters are skipped. Not for
        user-facing construction: use ``Assessment(...)``.
        """
        self = _new(cls)
        _set_attr(self, "case_id", case_id)
        _set_attr(self, "scores", scores)
        _set_attr(self, "failures", failures)
        _set_attr(self, "provenance", provenance)
        _set_attr(self, "riskcore_version", riskcore_version)
        return self

    @functools.cached_property
    def complete(self) -> bool:
        """True only if nothing failed and nothing is missing.

        Read once per score (:attr:`Score.complete`, the one rule) on the first
        access, then remembered: the assessment and its scores are frozen, and
        a command reads it more than once (issue #16).

        >>> a = Assessment(case_id="x", scores=[Score(
        ...     subject="t-1", subject_kind=SubjectKind.PROFESSIONAL,
        ...     instrument="who5", missing_reason="not answered")])
        >>> a.complete, a.complete, attrs.evolve(a, scores=()).complete
        (False, False, True)
        """
        return not self.failures and all(s.complete for s in self.scores)

    @property
    def incomplete_reasons(self) -> tuple[str, ...]:
        """Human-readable, non-identifying reasons the assessment is incomplete."""
        out = [f.summary() for f in self.failures]
        out += [
            f"{s.instrument}.{s.scale} for {s.subject}: {s.missing_reason}"
            for s in self.scores
            if not s.complete
        ]
        return tuple(out)

    @property
    def critical_flags(self) -> tuple[tuple[Score, Flag], ...]:
        """Every critical flag with the score that raised it, in score order."""
        return tuple((s, f) for s in self.scores for f in s.flags if f.critical)

    def for_subject(self, subject: str) -> tuple[Score, ...]:
        """The scores about one subject, in score order.

        The scores are grouped by subject once, on the first call (identify asks
        once per subject), then looked up.

        >>> def who5(subject, value):
        ...     return Score(instrument="who5", subject=subject, value=value,
        ...                  subject_kind=SubjectKind.PROFESSIONAL)
        >>> a = Assessment(case_id="x", scores=[who5("t-1", 1.0), who5("t-2", 2.0)])
        >>> [s.value for s in a.for_subject("t-2")], a.for_subject("t-3")
        ([2.0], ())
        """
        return self._scores_by_subject.get(subject, ())

    @functools.cached_property
    def _scores_by_subject(self) -> dict[str, tuple[Score, ...]]:
        grouped: dict[str, list[Score]] = {}
        for s in self.scores:
            grouped.setdefault(s.subject, []).append(s)
        return {k: tuple(v) for k, v in grouped.items()}

    # -- notebook views (riskcore.display, riskcore.frames, riskcore.plot) --

    def __repr__(self) -> str:
        from riskcore.display import assessment_text

        return assessment_text(self)

    def _repr_html_(self) -> str | None:
        from riskcore.display import assessment_html

        return assessment_html(self)

    def to_pandas(self) -> pd.DataFrame:
        """One row per item; columns and dtypes in :data:`riskcore.frames.ASSESSMENT_COLUMNS`.

        Needs pandas (``pip install "riskcore[pandas]"``).

        .. versionadded:: 0.1
        """
        from riskcore.frames import assessment_frame

        return assessment_frame(self)


_set_attr = object.__setattr__  # as the generated __init__ of a frozen class
if {a.name for a in attrs.fields(Assessment)} != {
    "case_id",
    "scores",
    "failures",
    "provenance",
    "riskcore_version",
}:  # pragma: no cover - a new Assessment field must be set in _trusted
    raise AssertionError("Assessment fields changed: update Assessment._trusted")


import typing  # noqa: E402

if typing.TYPE_CHECKING:  # at the end: kept apart from the fields above
    import pandas as pd
