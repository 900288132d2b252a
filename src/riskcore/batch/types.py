"""What a plugin sees of a cohort table and what it gives back (no numpy here).

:class:`BatchView` is the argument of the ``riskcore_batch_factors`` hook;
:class:`BatchContribution` (with :class:`BatchFactor`, :class:`BatchScore`,
:class:`BatchFlag`, :class:`BatchBand`) is its answer. Arrays are numpy arrays
with one entry per row of the chunk.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from riskcore.model import Flag, SubjectKind

if TYPE_CHECKING:
    from riskcore.instruments import ColumnarResult, InstrumentSpec, Reach

__all__ = [
    "BatchBand",
    "BatchContribution",
    "BatchFactor",
    "BatchFlag",
    "BatchScore",
    "BatchView",
]


@frozen(kw_only=True, eq=False)
class BatchFactor:
    """One factor column: the odds ratio on *threat* per row (1.0 where the
    factor does not apply), as ``riskcore_risk_factors`` would return it."""

    threat: str
    odds_ratio: Any = field(repr=False)
    score: str | None = None


@frozen(kw_only=True, eq=False)
class BatchScore:
    """A score the plugin derives (not a spec scale): the rows that have it,
    and which of them are complete (an incomplete one makes the row's
    assessment incomplete, as on the object path)."""

    instrument: str
    scale: str = "total"
    present: Any = field(repr=False)
    complete: Any = field(repr=False)


@frozen(kw_only=True, eq=False)
class BatchFlag:
    """A flag the plugin adds to the score of *instrument*, on the rows in *rows*."""

    instrument: str
    flag: Flag
    rows: Any = field(repr=False)


@frozen(kw_only=True, eq=False)
class BatchBand:
    """A band the plugin sets on (*instrument*, *scale*) instead of the spec's,
    on the rows in *rows*."""

    instrument: str
    scale: str
    label: str
    rows: Any = field(repr=False)


@frozen(kw_only=True, eq=False)
class BatchContribution:
    """A plugin's answer to ``riskcore_batch_factors`` (see the hook)."""

    factors: Sequence[BatchFactor] = ()
    scores: Sequence[BatchScore] = ()
    flags: Sequence[BatchFlag] = ()
    bands: Sequence[BatchBand] = ()
    fallback: Any = field(default=None, repr=False)
    """Rows this plugin cannot decide from columns (``None``: none)."""


@frozen(kw_only=True, eq=False)
class BatchView:
    """One chunk of a cohort table, as a plugin sees it (read-only).

    ``kind`` is the kind of every subject in it; ``n`` the number of rows.
    """

    kind: SubjectKind
    n: int
    specs: Mapping[str, InstrumentSpec] = field(repr=False)
    _results: Mapping[str, ColumnarResult] = field(repr=False, alias="results")
    _administered: Mapping[str, Any] = field(repr=False, alias="administered")
    _answers: Callable[[str], Any] = field(repr=False, alias="answers")
    _empty: Callable[[], Any] = field(repr=False, alias="empty")
    _reaches: Callable[[str, str, Any], tuple[Any, tuple[Reach, ...]]] = field(
        repr=False, alias="reaches"
    )

    def result(self, instrument: str) -> ColumnarResult | None:
        """The spec scores of *instrument* (``None``: not in the table).

        Rows that did not take the instrument hold NaN scores: combine with
        :meth:`administered`.
        """
        return self._results.get(instrument)

    def administered(self, instrument: str) -> Any:
        """Rows with at least one answer (valid or not) to *instrument*."""
        got = self._administered.get(instrument)
        return self._empty() if got is None else got

    def answers(self, instrument: str) -> Any:
        """The valid answers of *instrument* as float codes, one column per
        item in spec order, NaN where unanswered or invalid (the answers
        :func:`riskcore.instruments.valid_answers` keeps); ``None`` if the
        instrument is not in the table."""
        return self._answers(instrument)

    def reaches(
        self, instrument: str, scale: str, rows: Any
    ) -> tuple[Any, tuple[Reach, ...]]:
        """:func:`riskcore.instruments.reach` of *scale* for the rows in *rows*
        (a boolean mask): ``(codes, reaches)``, where ``reaches[codes[i]]`` is
        row *i*'s :class:`~riskcore.instruments.Reach` (``codes[i]`` is -1
        outside *rows*). The rule runs once per distinct reach
        (:func:`riskcore.instruments.reach_sums`), so a plugin evaluates its
        predicate on ``reaches`` and indexes the answer with ``codes``.
        """
        return self._reaches(instrument, scale, rows)
