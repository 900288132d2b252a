"""The cohort path: a table of many subjects to scores, flags, factors and risk levels.

A researcher's table (a health system's screening data, a study's survey
wave) has one row per subject and one column per instrument item, named
``<instrument>.<item>`` (``phq9.1`` ... ``phq9.9``, ``gad7.1`` ...); an optional
``subject`` column holds the ids. :func:`run` turns it into columns:

* ``<instrument>.<scale>``, ``.complete`` and ``.band`` for every scale of
  every instrument in the table, ``<instrument>.administered``, and
  ``flag.<code>`` for every flag the instrument can raise;
* ``factor.<threat>``: the combined odds ratio of the credited risk factors;
* ``risk.<threat>.likelihood``, ``.level``, ``.critical`` and ``.incomplete``
  for every threat of the subjects' kind in the catalog;
* ``incomplete`` and ``incomplete.reasons``; ``path`` (``vectorised`` or
  ``object``: how the row was computed).

The figures are those of :func:`riskcore.assess` then
:func:`riskcore.identify` on each subject, with no controls chosen: the same
instrument specs, the plugins' same factor rules and the same calculus
(:func:`riskcore.identify.inherent_point`). Plugins take part through the
``riskcore_batch_factors`` hook; a row a plugin cannot decide from columns,
and every row when an active plugin has no such hook, goes through the object
path itself. :class:`BatchResult` says which plugins ran vectorised and how
many rows went each way. Failing closed: an incomplete or invalid answer
makes the row incomplete (never lower), a failing plugin's chunk goes to the
object path and the failure is recorded.

``import riskcore.batch`` is light; numpy and pandas are imported when
:func:`run` runs (pyarrow for Parquet and Arrow tables, ``pip install
riskcore[batch]``).

Examples
--------
>>> import pandas as pd, riskcore.batch
>>> table = pd.DataFrame({"subject": ["s-1", "s-2"],
...                       **{f"phq9.{i}": [0, 3] for i in range(1, 10)}})
>>> result = riskcore.batch.run(table, kind="client")
>>> result.frame[["subject", "phq9.total", "phq9.total.band"]].to_string(index=False)
'subject  phq9.total phq9.total.band\\n    s-1         0.0         minimal\\n    s-2        27.0          severe'
>>> result.frame["risk.client-self-harm.level"].tolist()
['medium', 'high']

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from riskcore.batch.types import (
    BatchBand,
    BatchContribution,
    BatchFactor,
    BatchFlag,
    BatchScore,
    BatchView,
)

if TYPE_CHECKING:
    from riskcore.model import Catalog, SubjectKind
    from riskcore.model.risk import RiskMatrix
    from riskcore.plugins import PluginManager

__all__ = [
    "BatchBand",
    "BatchContribution",
    "BatchFactor",
    "BatchFlag",
    "BatchResult",
    "BatchScore",
    "BatchView",
    "frame",
    "run",
    "strongest_per_threat",
]


@frozen(kw_only=True, eq=False)
class BatchResult:
    """The answer of :func:`run`.

    ``frame`` holds the output columns (pandas); ``rejects`` the rejected
    rows in lenient mode (``row``, ``column``, ``problem``; never a value);
    ``vectorised`` the plugins whose ``riskcore_batch_factors`` ran;
    ``object_plugins`` the active plugins without it (their kind of subject
    goes through the object path); ``fallback`` how many rows went to the
    object path, and why; ``failures`` the plugins whose batch hook failed;
    ``ignored_columns`` the columns that are no instrument's item.
    """

    frame: Any = field(repr=False)
    rejects: Any = field(repr=False)
    vectorised: tuple[str, ...]
    object_plugins: tuple[str, ...]
    fallback: Mapping[str, int]
    failures: tuple[str, ...]
    ignored_columns: tuple[str, ...]

    @property
    def object_rows(self) -> int:
        """Rows computed by the object path."""
        return int((self.frame["path"] == "object").sum())

    def to_arrow(self) -> Any:
        """The output columns as a :class:`pyarrow.Table`."""
        import pyarrow as pa

        return pa.Table.from_pandas(self.frame, preserve_index=False)


def _pandas(table: Any) -> Any:
    """A pandas DataFrame of *table* (pandas, pyarrow or polars)."""
    import pandas as pd

    if isinstance(table, pd.DataFrame):
        return table
    module = type(table).__module__
    if module.startswith("pyarrow"):
        return table.to_pandas()
    if module.startswith("polars"):
        return table.to_pandas()
    from riskcore.errors import BatchError

    raise BatchError(
        f"expected a pandas DataFrame, a pyarrow Table or a polars DataFrame, "
        f"got {type(table).__name__}"
    )


def run(
    table: Any,
    *,
    kind: str | SubjectKind = "client",
    id_column: str | None = "subject",
    pm: PluginManager | None = None,
    catalog: Catalog | None = None,
    matrix: RiskMatrix | None = None,
    lenient: bool = False,
    strict: bool = False,
    force_object: bool = False,
    offset: int = 0,
    administered_column: str | None = None,
    latest_only: bool = False,
) -> BatchResult:
    """Scores, flags, factors and risk levels of every row of *table*.

    Parameters
    ----------
    table:
        A pandas DataFrame, pyarrow Table or polars DataFrame: one row per
        subject (or per administration, with *administered_column*), item
        columns named ``<instrument>.<item>``.
    kind:
        ``"client"`` (default) or ``"professional"``: what every row is.
    id_column:
        The column of subject ids (default ``"subject"``; absent: rows are
        named ``row-<n>``). An id that is not a valid identifier, or repeats
        an earlier row's (without *administered_column*), is a bad row.
    pm, catalog, matrix:
        Plugin manager, catalog and risk matrix (defaults as in
        :func:`riskcore.identify`).
    lenient:
        A bad row (an invalid id, an infinite number) raises
        :class:`~riskcore.errors.BatchError` naming its row number and column;
        with *lenient*, it is left out of ``frame`` and listed in
        ``rejects``. Invalid answers (out of range, not a number) are never
        bad rows: they make the row incomplete, as on the object path.
    strict:
        Raise :class:`~riskcore.errors.PluginError` (or
        :class:`~riskcore.errors.AssessmentError`) on a plugin failure instead
        of recording it. An incomplete row is never an error: it is marked.
    force_object:
        Compute every row through the object path (for comparisons).
    offset:
        Number of the first row (row numbers in messages and ``row-<n>`` ids).
    administered_column:
        The column of administration dates (``YYYY-MM-DD`` text, dates or
        datetimes; empty: undated), for a table with one row per
        administration: a subject id may then repeat. Each output row holds
        its own answers' scores, bands and flags, and its subject's
        ``incomplete``, factor and risk columns **as of** it: the object
        path's for a case holding the subject's rows up to and including it
        (by date, undated first, the same day in table order). A cell that
        is not a date is a bad row. Without it, one row per subject.
    latest_only:
        With *administered_column*: only each subject's latest row (as of
        its last administration), in table order.

    Examples
    --------
    Two survey waves of one respondent, then a second respondent: the
    factor follows the latest PHQ-9, and the critical finding of the first
    wave (item 9 endorsed) holds over the subject's history:

    >>> import pandas as pd, riskcore.batch
    >>> waves = pd.DataFrame({"subject": ["s-1", "s-1", "s-2"],
    ...                       "date": ["2026-01-05", "2026-04-02", "2026-02-01"],
    ...                       **{f"phq9.{i}": [3, 0, 1] for i in range(1, 10)}})
    >>> out = riskcore.batch.run(waves, administered_column="date").frame
    >>> out[["phq9.total", "factor.client-self-harm"]].to_numpy().tolist()
    [[27.0, 4.5], [0.0, 1.0], [9.0, 3.0]]
    >>> out["risk.client-self-harm.critical"].tolist()
    [True, True, True]
    >>> latest = riskcore.batch.run(waves, administered_column="date", latest_only=True)
    >>> latest.frame[["subject", "phq9.total"]].to_numpy().tolist()
    [['s-1', 0.0], ['s-2', 9.0]]
    """
    import pandas as pd

    from riskcore.batch.engine import run_chunk, schema_for

    if latest_only and administered_column is None:
        from riskcore.errors import BatchError

        raise BatchError("latest_only needs administered_column (one row per subject)")
    df = _pandas(table)
    schema = schema_for(
        list(df.columns),
        kind=kind,
        pm=pm,
        catalog=catalog,
        matrix=matrix,
        id_column=id_column,
        administered_column=administered_column,
    )
    chunk = run_chunk(
        df,
        schema,
        offset=offset,
        lenient=lenient,
        strict=strict,
        force_object=force_object,
    )
    rejects = pd.DataFrame(
        {
            "row": [offset + r for r, _, _ in chunk.rejects],
            "column": [c for _, c, _ in chunk.rejects],
            "problem": [p for _, _, p in chunk.rejects],
        }
    )
    out = chunk.frame
    if latest_only:
        out = out.iloc[chunk.latest].reset_index(drop=True)
    return BatchResult(
        frame=out,
        rejects=rejects,
        vectorised=chunk.vectorised,
        object_plugins=schema.object_plugins,
        fallback=chunk.fallback,
        failures=tuple(chunk.failures),
        ignored_columns=schema.ignored,
    )


def strongest_per_threat(
    n: int, threats: Sequence[str], hits: Iterable[tuple[str, float, Any]]
) -> list[BatchFactor]:
    """One factor per threat (in *threats* order): per row, the strongest odds
    ratio among the rules that hit, each ``(threat, odds ratio, mask)`` in rule
    order; a later rule replaces an earlier one only if strictly stronger, as
    the plugins' object hooks choose (1.0 where none hits).

    >>> import numpy as np
    >>> f = strongest_per_threat(3, ["burnout"], [
    ...     ("burnout", 1.3, np.array([True, True, False])),
    ...     ("burnout", 2.0, np.array([False, True, False]))])
    >>> f[0].odds_ratio.tolist()
    [1.3, 2.0, 1.0]
    """
    import numpy as np

    best = {t: np.zeros(n) for t in threats}
    for threat, odds_ratio, mask in hits:
        best[threat] = np.where(
            mask & (odds_ratio > best[threat]), odds_ratio, best[threat]
        )
    return [
        BatchFactor(threat=t, odds_ratio=np.where(best[t] > 0, best[t], 1.0))
        for t in threats
    ]


def frame(table: Any, **kwargs: Any) -> Any:
    """``run(table, **kwargs).frame``: the function to map over partitions
    (Dask, Spark, Ray); see :mod:`riskcore.batch.dask`."""
    return run(table, **kwargs).frame
