"""Stream a cohort file through :func:`riskcore.batch.run`, chunk by chunk.

:func:`run_file` reads a Parquet or CSV file in chunks of ``chunk_rows`` rows
(Parquet by row batches, CSV with pandas' chunked reader), computes each
chunk's columns and appends them to the output (Parquet or CSV): memory is
bounded by the chunk, not the file. The output is written under a temporary
name and renamed when the last chunk is done, so an interrupted run leaves
no half-written file. A bad row (an invalid or repeated subject id, an
infinite answer) stops the run with its row number (the first data row is
row 1) and column; in lenient mode it is written to the rejects file with
``row``, ``column`` and ``problem`` columns, and counted: never dropped
silently.

Requires pyarrow for Parquet (``pip install riskcore[batch]``).

.. versionadded:: 0.1
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attrs import frozen

from riskcore.errors import BatchError

if TYPE_CHECKING:
    from riskcore.model import Catalog, SubjectKind
    from riskcore.model.risk import RiskMatrix
    from riskcore.plugins import PluginManager

__all__ = ["StreamSummary", "rejects_file", "run_file"]

CHUNK_ROWS = 100_000
"""Rows per chunk (default)."""


@frozen(kw_only=True)
class StreamSummary:
    """What :func:`run_file` did."""

    rows: int
    written: int
    rejected: int
    object_rows: int
    vectorised: tuple[str, ...]
    object_plugins: tuple[str, ...]
    failures: tuple[str, ...]
    ignored_columns: tuple[str, ...]


def rejects_file(output: str | Path, rejects: str | Path | None = None) -> Path:
    """Where lenient mode writes bad rows: *rejects*, or ``<output stem>.rejects.csv``.

    >>> rejects_file("out/cohort.parquet").as_posix()
    'out/cohort.rejects.csv'
    """
    if rejects is not None:
        return Path(rejects)
    out = Path(output)
    return out.with_name(out.stem + ".rejects.csv")


def _format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix == ".csv":
        return "csv"
    raise BatchError(f"{path}: expected a .parquet or .csv file")


def _need_pyarrow(path: str | Path) -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:  # pragma: no cover - pyarrow is installed in CI
        raise BatchError(
            f"{path}: Parquet needs pyarrow: pip install riskcore[batch]"
        ) from None


def _columns(path: str | Path, fmt: str) -> list[str]:
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return list(pq.ParquetFile(path).schema_arrow.names)
    import pandas as pd

    return [str(c) for c in pd.read_csv(path, nrows=0).columns]


def _total(path: str | Path, fmt: str) -> int | None:
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    return None


def _chunks(
    path: str | Path, fmt: str, chunk_rows: int, id_column: str | None
) -> Iterator[Any]:
    import pandas as pd

    if fmt == "parquet":
        import pyarrow.parquet as pq

        for b in pq.ParquetFile(path).iter_batches(batch_size=chunk_rows):
            yield b.to_pandas()
        return
    dtype = {id_column: "string"} if id_column is not None else None
    with pd.read_csv(path, chunksize=chunk_rows, dtype=dtype) as reader:
        for df in reader:
            yield _numbers(df, id_column)


def _numbers(df: Any, id_column: str | None) -> Any:
    """CSV cells that read as numbers are numbers, even in a column that also
    holds text (pandas reads such a column as text): ``"3"`` is the code 3,
    ``"2x"`` stays text (an invalid answer)."""
    import numpy as np
    import pandas as pd

    for c in df.columns:
        if c == id_column or df[c].dtype.kind in "iufb":
            continue
        col = df[c]
        num = pd.to_numeric(col, errors="coerce")
        df[c] = pd.Series(
            np.where(num.notna(), num.astype(object), col.astype(object)),
            index=df.index,
            dtype=object,
        )
    return df


def _together(chunks: Iterator[Any], id_column: str) -> Iterator[Any]:
    """The chunks again, each subject's rows in one of them: the rows of the
    chunk's last subject are held back and put before the next chunk (a file
    holds each subject's rows together; :func:`_scattered` checks it)."""
    import pandas as pd

    carry = None
    for df in chunks:
        df = df.reset_index(drop=True)
        if carry is not None:
            df = pd.concat([carry, df], ignore_index=True)
        ids = df[id_column].astype("string")
        tail = len(df)
        if len(df) and not pd.isna(ids.iloc[-1]):
            same = (ids == ids.iloc[-1]).fillna(False).to_numpy(dtype=bool)[::-1]
            tail = len(df) - int(same.argmin() if not same.all() else len(df))
        carry = df.iloc[tail:]
        if tail:
            yield df.iloc[:tail]
    if carry is not None and len(carry):
        yield carry


def _scattered(ids: Any) -> Any:
    """Rows whose subject id other subjects' rows separate from its first rows
    in this chunk (one row per administration: a subject's rows together)."""
    import numpy as np
    import pandas as pd

    codes = pd.factorize(ids.astype("string"))[0]
    n = len(codes)
    new = np.ones(n, dtype=bool)
    new[1:] = codes[1:] != codes[:-1]
    run = np.cumsum(new)  # the run of equal ids each row is in
    first = pd.Series(run).groupby(codes).transform("min").to_numpy()
    return (run != first) & (codes >= 0)


class _Seen:
    """Subject ids of earlier chunks, as 64-bit hashes (bounded memory: 8 bytes
    per row). A repeat across chunks is found; two different ids with the same
    hash (about 1 in 10^12 for a million rows) would be reported as a repeat,
    never missed."""

    def __init__(self) -> None:
        import numpy as np

        self.sorted = np.empty(0, dtype=np.uint64)

    def repeated(self, ids: Any) -> Any:
        import numpy as np
        import pandas as pd

        h = pd.util.hash_array(np.asarray(ids.astype("string"), dtype=object))
        pos = np.searchsorted(self.sorted, h)
        pos[pos == len(self.sorted)] = 0
        hit = (
            self.sorted[pos] == h if len(self.sorted) else np.zeros(len(h), dtype=bool)
        )
        self.sorted = np.sort(np.concatenate([self.sorted, h]), kind="stable")
        return hit


class _Writer:
    """Appends frames to a Parquet or CSV file (schema fixed by the first)."""

    def __init__(self, path: Path, fmt: str) -> None:
        self.path, self.fmt = path, fmt
        self.pq: Any = None
        self.schema: Any = None
        self.header = True

    def write(self, frame: Any) -> None:
        if self.fmt == "csv":
            frame.to_csv(
                self.path,
                mode="w" if self.header else "a",
                header=self.header,
                index=False,
            )
            self.header = False
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.pq is None:
            table = pa.Table.from_pandas(frame, preserve_index=False)
            self.schema = table.schema
            self.pq = pq.ParquetWriter(self.path, self.schema)
        else:
            table = pa.Table.from_pandas(
                frame, schema=self.schema, preserve_index=False
            )
        self.pq.write_table(table)

    def close(self) -> None:
        if self.pq is not None:
            self.pq.close()
            self.pq = None


def _bar(total: int | None, out: Any) -> Callable[[int], None]:
    def show(done: int) -> None:
        if total:
            width = 30
            filled = int(width * done / total)
            text = f"{done:,}/{total:,} rows [{'#' * filled}{'.' * (width - filled)}]"
        else:
            text = f"{done:,} rows"
        out.write(f"\rriskcore batch: {text}")
        out.flush()

    return show


def run_file(
    input: str | Path,
    output: str | Path,
    *,
    kind: str | SubjectKind = "client",
    id_column: str | None = "subject",
    pm: PluginManager | None = None,
    catalog: Catalog | None = None,
    matrix: RiskMatrix | None = None,
    lenient: bool = False,
    rejects: str | Path | None = None,
    strict: bool = False,
    chunk_rows: int = CHUNK_ROWS,
    progress: bool | None = None,
    administered_column: str | None = None,
) -> StreamSummary:
    """Compute :func:`riskcore.batch.run`'s columns for every row of *input*
    and write them to *output* (``.parquet`` or ``.csv``), chunk by chunk.

    Parameters
    ----------
    input, output:
        Parquet (``.parquet``/``.pq``) or CSV (``.csv``) files.
    lenient, rejects:
        Bad rows raise :class:`~riskcore.errors.BatchError` (row number from
        1, column); with *lenient*, they go to *rejects* (default: next to
        *output*, ``<stem>.rejects.csv``), with ``row``, ``column`` and
        ``problem``.
    chunk_rows:
        Rows per chunk: the memory bound.
    progress:
        A progress line on stderr; default: when stderr is a terminal.
    administered_column:
        One row per administration (see :func:`riskcore.batch.run`). The
        file must hold each subject's rows together (any order of dates
        within them; sorted by subject will do): a subject's rows are kept
        in one chunk, those of the chunk's last subject held back for the
        next, and a row whose subject's earlier rows other subjects' rows
        followed is a bad row.
    kind, id_column, pm, catalog, matrix, strict:
        As for :func:`riskcore.batch.run`.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "in.csv").write_text("subject,gad7.1\\ns-1,2\\ns 2,1\\n")
    >>> s = run_file(d / "in.csv", d / "out.csv", lenient=True)
    >>> s.written, s.rejected, (d / "out.rejects.csv").read_text().splitlines()[0]
    (1, 1, 'row,column,problem,subject,gad7.1')
    """
    import numpy as np
    import pandas as pd

    from riskcore.batch.engine import run_chunk, schema_for
    from riskcore.io import atomic_path

    if chunk_rows < 1:
        raise BatchError(f"chunk_rows {chunk_rows} is not a positive number of rows")
    fin, fout = _format(input), _format(output)
    if "parquet" in (fin, fout):
        _need_pyarrow(input if fin == "parquet" else output)
    out_path = Path(output)
    rejects_path = rejects_file(output, rejects)
    schema = schema_for(
        _columns(input, fin),
        kind=kind,
        pm=pm,
        catalog=catalog,
        matrix=matrix,
        id_column=id_column,
        administered_column=administered_column,
    )
    show = progress if progress is not None else sys.stderr.isatty()
    bar = _bar(_total(input, fin), sys.stderr) if show else None
    seen = _Seen() if schema.id_column is not None else None
    rows = written = rejected = object_rows = 0
    ran: dict[str, None] = {}
    failures: dict[str, None] = {}
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(atomic_path(out_path))
        rtmp = stack.enter_context(atomic_path(rejects_path)) if lenient else None
        writer = _Writer(tmp, fout)
        stack.callback(writer.close)
        rejects_header = True
        chunks = _chunks(input, fin, chunk_rows, schema.id_column)
        waves = schema.administered_column is not None and schema.id_column
        if waves:
            chunks = _together(chunks, str(schema.id_column))
        for df in chunks:
            df = df.reset_index(drop=True)
            repeated = seen.repeated(df[schema.id_column]) if seen is not None else None
            if waves:
                repeated = repeated | _scattered(df[schema.id_column])
            chunk = run_chunk(
                df,
                schema,
                offset=rows + 1,
                lenient=lenient,
                strict=strict,
                repeated=repeated,
            )
            if len(chunk.frame) or written == 0:
                writer.write(chunk.frame)
            if chunk.rejects and rtmp is not None:
                where = [r for r, _, _ in chunk.rejects]
                bad = df.iloc[where].copy()
                bad.insert(0, "problem", [p for _, _, p in chunk.rejects])
                bad.insert(0, "column", [c for _, c, _ in chunk.rejects])
                bad.insert(0, "row", np.asarray(where) + rows + 1)
                bad.to_csv(
                    rtmp,
                    mode="w" if rejects_header else "a",
                    header=rejects_header,
                    index=False,
                )
                rejects_header = False
            rows += len(df)
            written += len(chunk.frame)
            rejected += len(chunk.rejects)
            object_rows += int((chunk.frame["path"] == "object").sum())
            ran.update(dict.fromkeys(chunk.vectorised))
            failures.update(dict.fromkeys(chunk.failures))
            if bar is not None:
                bar(rows)
        if written == 0 and rows == 0:
            writer.write(schema.empty_frame())
        writer.close()
        if rtmp is not None and rejects_header:
            pd.DataFrame(columns=["row", "column", "problem"]).to_csv(rtmp, index=False)
    if bar is not None:
        sys.stderr.write("\n")
    return StreamSummary(
        rows=rows,
        written=written,
        rejected=rejected,
        object_rows=object_rows,
        vectorised=tuple(ran),
        object_plugins=schema.object_plugins,
        failures=tuple(failures),
        ignored_columns=schema.ignored,
    )
