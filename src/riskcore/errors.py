"""The one exception hierarchy of riskcore.

Every error riskcore raises on purpose is a :class:`RiskcoreError`. Errors about
values also subclass :class:`ValueError`, so callers that already catch
``ValueError`` keep working.

Messages never contain identifying data or free text: a field marked
``sensitive`` is named, its value is not.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AssessmentError",
    "CatalogError",
    "FieldError",
    "GraphError",
    "InstrumentError",
    "LoadError",
    "PlanError",
    "PluginError",
    "RiskcoreError",
]


class RiskcoreError(Exception):
    """Base class of every error riskcore raises on purpose."""


class FieldError(RiskcoreError, ValueError):
    """A value was rejected when a domain object was built.

    Parameters
    ----------
    field:
        The attribute name (``"effectiveness"``).
    value:
        The rejected value; shown in the message unless *sensitive*.
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
        super().__init__(self.describe(field))

    def describe(self, path: str) -> str:
        """Render the message with *path* in place of the bare field name."""
        shown = "<redacted>" if self.sensitive else repr(self.value)
        return f"{path}: {shown} {self.reason}"


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


class PluginError(RiskcoreError):
    """A plugin failed to load, did not match the hook specs, or misbehaved."""


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
