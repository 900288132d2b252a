"""riskcore.batch on Dask: the same function per partition, on two worker processes.

Skipped with a message when dask or distributed is not installed; CI sets
RISKCORE_REQUIRE_DASK=1, and then a missing Dask fails instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

import riskcore.batch
from riskcore.errors import BatchError, PluginError
from riskcore.plugins import PluginManager


def _need(module: str) -> Any:
    try:
        return __import__(module, fromlist=["_"])
    except ImportError:
        if os.environ.get("RISKCORE_REQUIRE_DASK"):
            pytest.fail(
                f"{module} is required (RISKCORE_REQUIRE_DASK is set) but not installed"
            )
        pytest.skip(f"{module} is not installed (pip install riskcore[dask])")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """A LocalCluster with two worker processes, one thread each."""
    distributed = _need("distributed")
    _need("dask.dataframe")
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    )
    c = distributed.Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


def _cohort(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    d: dict[str, Any] = {"subject": [f"s-{i}" for i in range(n)]}
    for i in range(1, 10):
        col = rng.integers(0, 4, n).astype(float)
        col[rng.random(n) < 0.25] = np.nan
        d[f"phq9.{i}"] = col
    from riskcore_safety.instruments import AGGRESSION

    for item in AGGRESSION.item_ids:
        d[f"aggression-screen.{item}"] = rng.integers(0, 2, n)
    return pd.DataFrame(d)


def test_partitions_on_two_workers_equal_one_run(client: Any) -> None:
    """map_partitions with meta on 2 worker processes gives run()'s frame, and
    each worker loaded the plugins itself, by entry point."""
    import dask.dataframe as dd

    from riskcore.batch.dask import plugin_fingerprint, run_dask

    table = _cohort()
    pm = PluginManager(block=["lone-working"])
    lazy = run_dask(dd.from_pandas(table, npartitions=4), pm=pm)
    got = lazy.compute()
    want = riskcore.batch.run(table, pm=pm).frame
    pd.testing.assert_frame_equal(got, want)
    assert list(lazy._meta.columns) == list(want.columns)
    assert (lazy._meta.dtypes == want.dtypes).all()

    def worker_plugins() -> Any:
        from riskcore.batch import dask as rbd

        return [plugin_fingerprint(m) for m in rbd._MANAGERS.values()]

    seen = client.run(worker_plugins)
    assert len(seen) == 2  # two worker processes
    for fps in seen.values():
        assert plugin_fingerprint(pm) in fps


def test_worker_with_other_plugins_is_refused(client: Any) -> None:
    """A client whose plugin set the workers do not have (here, an extra plugin
    registered in the client only) gets a clear refusal, not other results."""
    import dask.dataframe as dd

    from riskcore.batch.dask import run_dask

    class Extra:
        pass

    pm = PluginManager(block=["lone-working"], plugins=[("zz-extra", Extra())])
    lazy = run_dask(dd.from_pandas(_cohort(20), npartitions=2), pm=pm)
    with pytest.raises(
        PluginError,
        match=r"plugins differ from the client's.*: zz-extra missing on the worker",
    ):
        lazy.compute()


def test_dask_needs_an_id_column(client: Any) -> None:
    import dask.dataframe as dd

    from riskcore.batch.dask import run_dask

    table = _cohort(10).drop(columns="subject")
    with pytest.raises(BatchError, match="needs a subject id column"):
        run_dask(dd.from_pandas(table, npartitions=2))


def _waves(n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    d: dict[str, Any] = {
        "subject": [f"s-{i % 20}" for i in range(n)],
        "date": [f"2026-0{1 + i % 7}-{10 + i % 3}" for i in range(n)],
    }
    for i in range(1, 10):
        d[f"phq9.{i}"] = rng.integers(0, 4, n)
    return pd.DataFrame(d)


def test_waves_indexed_by_subject_equal_one_run(client: Any) -> None:
    """One row per administration on Dask: indexed by the subject ids (every
    row of a subject in one partition), the rows equal run()'s."""
    import dask.dataframe as dd

    from riskcore.batch.dask import run_dask

    table = _waves()
    pm = PluginManager(block=["lone-working"])
    ddf = dd.from_pandas(table, npartitions=3).set_index("subject")
    got = run_dask(ddf, pm=pm, administered_column="date").compute()
    want = riskcore.batch.run(table, pm=pm, administered_column="date").frame
    assert len(got) == len(want)
    key = ["subject", "phq9.total", "factor.client-self-harm", "incomplete"]
    key += ["risk.client-self-harm.level"]

    def rows(f: pd.DataFrame) -> list[tuple[object, ...]]:
        return sorted(map(tuple, f.reset_index(drop=True)[key].astype(str).to_numpy()))

    assert rows(got) == rows(want)


def test_waves_need_every_row_of_a_subject_in_one_partition() -> None:
    dd = _need("dask.dataframe")
    from riskcore.batch.dask import run_dask

    ddf = dd.from_pandas(_waves(), npartitions=3)
    with pytest.raises(BatchError, match=r"index the frame by 'subject' first"):
        run_dask(ddf, administered_column="date")
