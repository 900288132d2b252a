"""The cohort path on a Dask cluster: :func:`riskcore.batch.run` per partition.

:func:`run_dask` maps :func:`partition` over a ``dask.dataframe`` with
``map_partitions`` and a declared ``meta`` (the output columns, known before
any row is read). No scheduler or process pool of riskcore's own: Dask
schedules, its workers compute.

Each worker process loads the plugins itself, by entry point, with the
client's switches (``block``, ``allow``, autoload), and compares its plugin
set with the client's (:func:`plugin_fingerprint`: name, distribution,
version, status and hooks of every plugin, and riskcore's version). A worker
whose set differs refuses its partitions with a
:class:`~riskcore.errors.PluginError` that names the differences: a result
computed with other plugins would not be the result the client asked for.

Requires ``pip install riskcore[dask]``.

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from riskcore.errors import BatchError, PluginError

if TYPE_CHECKING:
    from riskcore.model import Catalog
    from riskcore.model.risk import RiskMatrix
    from riskcore.plugins import PluginManager

__all__ = ["partition", "plugin_fingerprint", "run_dask"]

Fingerprint = tuple[tuple[str, ...], ...]

_MANAGERS: dict[tuple[Any, ...], PluginManager] = {}
"""Plugin managers of this (worker) process, by their switches."""
_CATALOGS: dict[tuple[Any, ...], Catalog] = {}
"""Their default catalogs."""


def plugin_fingerprint(pm: PluginManager) -> Fingerprint:
    """What makes two plugin sets give the same results: riskcore's version
    and, per plugin, its name, distribution, version, status and hooks.

    >>> from riskcore.plugins import PluginManager
    >>> fp = plugin_fingerprint(PluginManager(autoload=False))
    >>> fp[0][0]
    'riskcore'
    """
    from riskcore import __version__

    rows: list[tuple[str, ...]] = [("riskcore", __version__)]
    for r in sorted(pm.records(), key=lambda r: r.name):
        rows.append(
            (
                r.name,
                r.distribution or "",
                r.version or "",
                r.status.value,
                ",".join(sorted(r.hooks)),
            )
        )
    return tuple(rows)


def _switches(pm: PluginManager) -> tuple[Any, ...]:
    allowed = None if pm.allowed is None else tuple(sorted(pm.allowed))
    return (pm.autoload, tuple(sorted(pm.blocked)), allowed, tuple(sorted(pm.override)))


def _worker_manager(switches: tuple[Any, ...]) -> PluginManager:
    from riskcore.plugins import PluginManager

    pm = _MANAGERS.get(switches)
    if pm is None:
        autoload, block, allow, override = switches
        pm = PluginManager(
            autoload=autoload, block=block, allow=allow, override=override
        )
        _MANAGERS[switches] = pm
    return pm


def _differences(client: Fingerprint, worker: Fingerprint) -> str:
    a, b = {r[0]: r for r in client}, {r[0]: r for r in worker}
    out = []
    for name in sorted(set(a) | set(b)):
        if name not in b:
            out.append(f"{name} missing on the worker")
        elif name not in a:
            out.append(f"{name} only on the worker")
        elif a[name] != b[name]:
            out.append(
                f"{name}: client {'/'.join(a[name][1:])}, worker {'/'.join(b[name][1:])}"
            )
    return "; ".join(out)


def partition(
    df: Any,
    *,
    kind: str,
    id_column: str,
    switches: tuple[Any, ...],
    fingerprint: Fingerprint,
    catalog: Catalog | None = None,
    matrix: RiskMatrix | None = None,
    administered_column: str | None = None,
    ids_in_index: bool = False,
) -> Any:
    """:func:`riskcore.batch.run`'s frame of one partition, in a worker whose
    plugin set must be the client's (*fingerprint*); with *ids_in_index*, the
    subject ids are the partition's index."""
    import riskcore.batch

    pm = _worker_manager(switches)
    mine = plugin_fingerprint(pm)
    if mine != fingerprint:
        raise PluginError(
            "this Dask worker's plugins differ from the client's, so its results "
            "would not be the client's: " + _differences(fingerprint, mine) + ". "
            "Install the same riskcore and plugin distributions on every worker."
        )
    if catalog is None:  # the worker's default catalog, built once per process
        from riskcore.catalog import default_catalog

        catalog = _CATALOGS.get(switches) or _CATALOGS.setdefault(
            switches, default_catalog(pm)
        )
    out = riskcore.batch.run(
        df.reset_index() if ids_in_index else df,
        kind=kind,
        id_column=id_column,
        pm=pm,
        catalog=catalog,
        matrix=matrix,
        administered_column=administered_column,
    ).frame
    out.index = df.index  # strict: every row is kept, in order
    return out


def run_dask(
    ddf: Any,
    *,
    kind: str = "client",
    id_column: str = "subject",
    pm: PluginManager | None = None,
    catalog: Catalog | None = None,
    matrix: RiskMatrix | None = None,
    administered_column: str | None = None,
) -> Any:
    """:func:`riskcore.batch.run` over every partition of *ddf*, lazily.

    Parameters
    ----------
    ddf:
        A ``dask.dataframe.DataFrame``, one row per subject, with a subject id
        column (row numbers are not known inside a partition, so rows cannot
        be named by them).
    pm:
        The client's plugin manager (default: the process-wide one): each
        worker loads its own with the same switches and must find the same
        plugin set.
    administered_column:
        One row per administration, as for :func:`riskcore.batch.run`: every
        row of a subject must be in one partition, so *ddf* must be indexed
        by the subject ids with known divisions
        (``ddf.set_index("subject")``), or have one partition; otherwise
        :class:`~riskcore.errors.BatchError`.
    kind, id_column, catalog, matrix:
        As for :func:`riskcore.batch.run`.

    Returns
    -------
    dask.dataframe.DataFrame
        The output columns, with ``meta`` declared; compute or write it
        (``.to_parquet``). A bad row raises :class:`~riskcore.errors.BatchError`
        (rows numbered within their partition).

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd  # doctest: +SKIP
    >>> ddf = dd.read_parquet("cohort.parquet")  # doctest: +SKIP
    >>> run_dask(ddf).to_parquet("risks/")  # doctest: +SKIP
    """
    from riskcore.batch.engine import parse_kind, schema_for
    from riskcore.plugins import get_plugin_manager

    pm = pm or get_plugin_manager()
    k = parse_kind(kind).value
    by_index = administered_column is not None and ddf.index.name == id_column
    in_index = by_index and id_column not in ddf.columns
    if id_column not in ddf.columns and not by_index:
        raise BatchError(
            f"a Dask run needs a subject id column: {id_column!r} is not a column"
        )
    if (
        administered_column is not None
        and ddf.npartitions > 1
        and not (by_index and ddf.known_divisions)
    ):
        raise BatchError(
            "one row per administration on Dask needs every row of a subject in "
            f"one partition: index the frame by {id_column!r} first "
            f"(ddf.set_index({id_column!r}), known divisions)"
        )
    meta = schema_for(
        [id_column, *ddf.columns] if in_index else list(ddf.columns),
        kind=k,
        pm=pm,
        catalog=catalog,
        matrix=matrix,
        id_column=id_column,
        administered_column=administered_column,
    ).empty_frame()
    return ddf.map_partitions(
        partition,
        kind=k,
        id_column=id_column,
        switches=_switches(pm),
        fingerprint=plugin_fingerprint(pm),
        catalog=catalog,
        matrix=matrix,
        administered_column=administered_column,
        ids_in_index=in_index,
        meta=meta,
        align_dataframes=False,
    )
