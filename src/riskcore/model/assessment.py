"""Scores and the assessment that collects them.

.. versionadded:: 0.1
"""

from __future__ import annotations

import enum

from attrs import field, frozen

from riskcore.errors import FieldError
from riskcore.model._fields import ident, ident_tuple, text, to_tuple
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


@frozen(kw_only=True)
class Score:
    """One number an assessor produced about one subject.

    A score is *incomplete* when the data did not allow it (``value`` is then
    ``None`` and ``missing_reason`` says why); an incomplete score never reads
    as a low one.

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

    @property
    def complete(self) -> bool:
        """False when the score could not be computed from the data.

        A scale that is *not measured* by design is complete: nothing is
        missing, and its value is ``None``.
        """
        return self.value is not None or not self.measured

    @property
    def critical(self) -> bool:
        """True if any flag is critical."""
        return any(f.critical for f in self.flags)


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

    def summary(self) -> str:
        """One line, safe to show: plugin, version, hook, subject and error type."""
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

    @property
    def complete(self) -> bool:
        """True only if nothing failed and nothing is missing."""
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
        """The scores about one subject."""
        return tuple(s for s in self.scores if s.subject == subject)

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

        .. versionadded:: 0.3
        """
        from riskcore.frames import assessment_frame

        return assessment_frame(self)


import typing  # noqa: E402

if typing.TYPE_CHECKING:  # at the end: kept apart from the fields above
    import pandas as pd
