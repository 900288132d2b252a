"""Appending rows: one ``executemany`` per table, the statement compiled once.

:func:`insert_rows` is what :meth:`riskcore.store.Store._append` writes with.
On SQLite it sends the INSERT, compiled once per table and column set by
SQLAlchemy for the connection's dialect, straight to the driver's
``executemany``, with each value passed through the column type's own bind
processor (dates to ISO text, booleans to integers, as SQLAlchemy would): the
same rows and the same SQL as ``conn.execute(table.insert(), rows)``, without
SQLAlchemy's per-row parameter handling, which cost more than the database's
own work (issue #17). Other engines (PostgreSQL) go through
``conn.execute(table.insert(), rows)`` unchanged.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import operator
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

__all__ = ["insert_rows"]

_Prepared = tuple[str, tuple[str, ...], tuple[Callable[[Any], Any] | None, ...]]
_CACHE: weakref.WeakKeyDictionary[
    sa.Dialect, dict[tuple[sa.Table, tuple[str, ...]], _Prepared]
] = weakref.WeakKeyDictionary()
"""Compiled INSERTs per dialect (an engine's; dropped with it), table and columns."""


def _prepared(dialect: sa.Dialect, table: sa.Table, keys: tuple[str, ...]) -> _Prepared:
    """The compiled INSERT of *keys* into *table*, its parameter order and processors."""
    mine = _CACHE.setdefault(dialect, {})
    hit = mine.get((table, keys))
    if hit is not None:
        return hit
    compiled = table.insert().compile(dialect=dialect, column_keys=list(keys))
    order = tuple(compiled.positiontup or ())
    procs = tuple(
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        for name in order
    )
    prepared = (compiled.string, order, procs)
    mine[(table, keys)] = prepared
    return prepared


def insert_rows(
    conn: sa.Connection, table: sa.Table, rows: Sequence[dict[str, Any]]
) -> None:
    """Insert *rows* (dicts with the same keys) into *table* in one ``executemany``.

    Examples
    --------
    >>> import sqlalchemy as sa, datetime as dt
    >>> md = sa.MetaData()
    >>> t = sa.Table("t", md, sa.Column("d", sa.Date), sa.Column("b", sa.Boolean))
    >>> engine = sa.create_engine("sqlite://")
    >>> md.create_all(engine)
    >>> with engine.begin() as conn:
    ...     insert_rows(conn, t, [{"d": dt.date(2026, 1, 2), "b": True}])
    ...     conn.execute(sa.select(t)).all()
    [(datetime.date(2026, 1, 2), True)]
    """
    if not rows:
        return
    dialect = conn.dialect
    if dialect.name != "sqlite":
        conn.execute(table.insert(), list(rows))
        return
    keys = tuple(rows[0])
    if any(tuple(row) != keys for row in rows):  # pragma: no cover - builders agree
        conn.execute(table.insert(), list(rows))
        return
    sql, order, procs = _prepared(dialect, table, keys)
    get = operator.itemgetter(*order)
    convert = [(i, proc) for i, proc in enumerate(procs) if proc is not None]
    if len(order) == 1:  # pragma: no cover - every table has record and row_hash
        params: list[Any] = [(get(row),) for row in rows]
    else:
        params = [get(row) for row in rows]
    if convert:
        for n, values in enumerate(params):
            changed = list(values)
            for i, proc in convert:
                if changed[i] is not None:
                    changed[i] = proc(changed[i])
            params[n] = tuple(changed)
    conn.exec_driver_sql(sql, params)
