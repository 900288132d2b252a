"""The one exception hierarchy of riskcore.

Every error riskcore raises on purpose is a :class:`RiskcoreError`. Errors about
values also subclass :class:`ValueError`, so callers that already catch
``ValueError`` keep working.

Messages never contain identifying data or free text: a field marked
``sensitive`` is named, its value is not, and every other value goes through
:func:`shown`, the one rule for what a message may echo.

.. versionadded:: 0.1
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

__all__ = [
    "AssessmentError",
    "BatchError",
    "CatalogError",
    "EvaluationError",
    "FieldError",
    "GraphError",
    "InstrumentError",
    "InteropError",
    "LoadError",
    "PlanError",
    "PluginError",
    "PluginTimeoutError",
    "RiskcoreError",
    "ScaffoldError",
    "StoreError",
    "showing_values",
    "shown",
]

# Shaped like riskcore's pseudonymous codes (``c-01``, ``phq9``, ``threat-made``):
# the id pattern of riskcore.model._fields, lower case only, at most 40 characters.
_CODE_RE = re.compile(r"[a-z0-9][a-z0-9_.:-]{0,39}")
_MAX_DIGITS = 4
_MAX_SHOWN_NUMBER = 1_000_000
_SHOW_VALUES: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "riskcore_show_values", default=False
)


def shown(value: object, *, sensitive: bool = False) -> str:
    """How an error message may show *value*: the one redaction rule.

    A message names the field path and the kind of problem; it echoes the value
    only when the value cannot be identifying data or free text:

    * ``null``, booleans, and numbers whose magnitude is below 1,000,000 (or that
      are not finite) are shown; a larger number may be a phone number or a date
      of birth written as digits, so it is not;
    * a string is shown only if it is shaped like a riskcore code: lower-case
      letters, digits and ``_ . : -``, at most 40 characters and at most 4
      digits (``c-01``, ``phq9``, ``threat-comunicated``). Names (capitals,
      spaces), phone numbers and dates of birth (more than 4 digits), notes
      and anything else become ``<redacted: a string of N characters>``;
    * an object made of such numbers only (a distribution) is shown;
    * dates, lists, mappings and other objects are described by kind only;
    * a *sensitive* field's value is never shown: ``<redacted>``.

    Inside :func:`showing_values` (the CLI's ``--show-identifying``) every
    non-sensitive value is shown as its ``repr``.

    Examples
    --------
    >>> shown(1.4), shown("c-01"), shown(None), shown(True)
    ('1.4', "'c-01'", 'None', 'True')
    >>> shown("Jane Doe")
    '<redacted: a string of 8 characters>'
    >>> shown("555-123-4567"), shown(5551234567)
    ('<redacted: a string of 12 characters>', '<redacted: a number of 10 digits>')
    >>> shown(dt.date(1980, 1, 2))
    '<redacted: a date>'
    >>> shown("c-01", sensitive=True)
    '<redacted>'
    >>> with showing_values():
    ...     shown("Jane Doe")
    "'Jane Doe'"
    """
    if sensitive:
        return "<redacted>"
    if _SHOW_VALUES.get() or value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or abs(value) < _MAX_SHOWN_NUMBER:
            return repr(value)
        digits = len(str(int(abs(value))))
        return f"<redacted: a number of {digits} digits>"
    if _numbers_only(value):
        return repr(value)  # e.g. a distribution: LogNormal(low=0.1, high=0.4)
    if isinstance(value, str):
        if _CODE_RE.fullmatch(value) and sum(c.isdigit() for c in value) <= _MAX_DIGITS:
            return repr(value)
        return f"<redacted: a string of {len(value)} characters>"
    return f"<redacted: {_kind(value)}>"


def _numbers_only(value: object) -> bool:
    # An attrs object made of small numbers only (a distribution) is safe to show.
    cls: Any = type(value)
    if not attrs.has(cls):
        return False
    fields = [getattr(value, a.name) for a in attrs.fields(cls)]
    return all(
        isinstance(x, (int, float))
        and (not math.isfinite(x) or abs(x) < _MAX_SHOWN_NUMBER)
        for x in fields
    )


def _kind(value: object) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return "a date"
    if isinstance(value, (bytes, bytearray)):
        return f"bytes of length {len(value)}"
    if isinstance(value, Mapping):
        return f"a mapping of {len(value)} keys"
    if isinstance(value, Sequence):
        return f"a list of {len(value)} items"
    return f"a {type(value).__name__}"


@contextlib.contextmanager
def showing_values() -> Iterator[None]:
    """Let error messages built inside the block show values (explicit opt-in).

    Only for a user who asked to see identifying data (``--show-identifying``);
    sensitive fields stay redacted even here.

    >>> with showing_values():
    ...     str(FieldError("id", "Jane Doe", "is not a valid identifier"))
    "id: 'Jane Doe' is not a valid identifier"
    >>> str(FieldError("id", "Jane Doe", "is not a valid identifier"))
    'id: <redacted: a string of 8 characters> is not a valid identifier'
    """
    token = _SHOW_VALUES.set(True)
    try:
        yield
    finally:
        _SHOW_VALUES.reset(token)


class RiskcoreError(Exception):
    """Base class of every error riskcore raises on purpose."""


class FieldError(RiskcoreError, ValueError):
    """A value was rejected when a domain object was built.

    Parameters
    ----------
    field:
        The attribute name (``"effectiveness"``).
    value:
        The rejected value; the message shows it only as :func:`shown` allows.
    reason:
        What is wrong, e.g. ``"is not in [0, 1]"``.
    sensitive:
        If true the value is never rendered (free text, identifying data).

    Examples
    --------
    >>> str(FieldError("effectiveness", 1.4, "is not in [0, 1]"))
    'effectiveness: 1.4 is not in [0, 1]'
    >>> str(FieldError("note", "Jane Doe said ...", "is too long", sensitive=True))
    'note: <redacted> is too long'
    """

    def __init__(
        self, field: str, value: object, reason: str, *, sensitive: bool = False
    ) -> None:
        self.field = field
        self.value = None if sensitive else value
        self.reason = reason
        self.sensitive = sensitive
        # Decided once, when the error is raised (inside or outside the opt-in).
        self._shown = shown(value, sensitive=sensitive)
        super().__init__(self.describe(field))

    def describe(self, path: str) -> str:
        """Render the message with *path* in place of the bare field name."""
        return f"{path}: {self._shown} {self.reason}"


class LoadError(RiskcoreError, ValueError):
    """A document (case, catalog, plan) could not be loaded.

    Carries the file name (if any) and one line per problem, each starting with
    the full field path, e.g. ``mitigations[3].effectiveness: 1.4 is not in [0, 1]``.
    """

    def __init__(self, problems: Sequence[str], *, source: str | None = None) -> None:
        self.problems = tuple(problems)
        self.source = source
        where = f"{source}: " if source else ""
        first = self.problems[0] if self.problems else "invalid document"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(f"{where}{first}{more}")

    def details(self) -> str:
        """All problems, one per line, prefixed with the source."""
        where = f"{self.source}: " if self.source else ""
        return "\n".join(f"{where}{p}" for p in self.problems)


class InteropError(LoadError):
    """A FHIR, REDCap or CSV input could not be imported (:mod:`riskcore.interop`).

    Each problem names where it is: a JSON path in a resource
    (``entry[3].resource.item[8].answer[0]``) or a row and column of a table
    (``row 12, column item9``).
    """


class PluginError(RiskcoreError):
    """A plugin failed to load, did not match the hook specs, or misbehaved."""


class PluginTimeoutError(PluginError):
    """A plugin's hook call did not return within the plugin timeout.

    Recorded as that plugin's failure (the result is incomplete); the call is
    abandoned in its daemon worker thread. See :mod:`riskcore.plugins`.
    """


class AssessmentError(RiskcoreError):
    """An assessment was incomplete and strict mode was requested."""


class InstrumentError(RiskcoreError, ValueError):
    """Instrument responses that cannot be scored (bad value, unknown item...)."""


class CatalogError(RiskcoreError, ValueError):
    """A catalog refers to something that does not exist, or is inconsistent."""


class GraphError(RiskcoreError, ValueError):
    """The mitigation graph is invalid (cycle, dangling or self reference)."""


class PlanError(RiskcoreError, ValueError):
    """A planning request cannot be carried out (bad budget, infeasible target)."""


class EvaluationError(RiskcoreError, ValueError):
    """The data cannot give a validation statistic (one class only, lengths
    differ...): raised by :mod:`riskcore.evaluate`.

    .. versionchanged:: 0.2
       Defined here; ``riskcore.evaluate.EvaluationError`` is the same class.
    """


class ScaffoldError(RiskcoreError, ValueError):
    """A plugin cannot be scaffolded (bad name, directory exists): raised by
    :mod:`riskcore.scaffold`.

    .. versionchanged:: 0.2
       Defined here; ``riskcore.scaffold.ScaffoldError`` is the same class.
    """


class StoreError(RiskcoreError, ValueError):
    """The practice register (:mod:`riskcore.store`) refused a database or an input.

    Raised for a file that is not a riskcore store (foreign or corrupt), a
    database written by a newer riskcore, and a bad input to a store command (an
    unknown subject, a date in the future, a decision on a risk that does not
    exist, an expiry before the decision). Nothing is written when it is raised.
    """


class BatchError(RiskcoreError, ValueError):
    """A cohort table cannot be read: a bad column, or a bad row in strict mode
    (the message names the row number and the column, never the value)."""
