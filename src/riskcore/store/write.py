"""Appending rows: one ``executemany`` per table, the statement compiled once.

:func:`insert_rows` is what :meth:`riskcore.store.Store._append` writes with.
On SQLite it sends the INSERT, compiled once per table and column set by
SQLAlchemy for the connection's dialect, straight to the driver's
``executemany``, with each value passed through the column type's own bind
processor (dates to ISO text, booleans to integers, as SQLAlchemy would),
except where the driver stores the value exactly as the processor would have
it (a float in a float column, a bool, a date already as its ISO text): the
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

_Processor = tuple[Callable[[Any], Any] | None, frozenset[type]]
_Prepared = tuple[str, tuple[str, ...], tuple[_Processor, ...]]
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
        (
            table.c[name].type.dialect_impl(dialect).bind_processor(dialect),
            _stored_as_is(table.c[name].type),
        )
        for name in order
    )
    prepared = (compiled.string, order, procs)
    mine[(table, keys)] = prepared
    return prepared


def _stored_as_is(column_type: sa.types.TypeEngine[Any]) -> frozenset[type]:
    """The Python types SQLite's driver stores exactly as the column type's bind
    processor would have it, so the processor can be skipped for them: ``None``;
    a ``float`` in a float column (the processor is ``float``); a ``bool`` in a
    boolean column (the driver stores ``True`` as 1, the processor's ``int``);
    text in a date column, which is the ISO date the processor writes for a
    date (the store passes a date that way, :func:`Store._append`)."""
    if isinstance(column_type, sa.Float):
        return frozenset({type(None), float})
    if isinstance(column_type, sa.Boolean):
        return frozenset({type(None), bool})
    if isinstance(column_type, sa.Date):
        return frozenset({type(None), str})
    return frozenset({type(None)})


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
    if not all(map(keys.__eq__, map(tuple, rows))):  # pragma: no cover - builders agree
        conn.execute(table.insert(), list(rows))
        return
    sql, order, procs = _prepared(dialect, table, keys)
    get = operator.itemgetter(*order)
    if len(order) == 1:  # pragma: no cover - every table has record and row_hash
        params: list[Any] = [(get(row),) for row in rows]
    else:
        params = [get(row) for row in rows]
    convert = [
        (i, proc, stored)
        for i, (proc, stored) in enumerate(procs)
        if proc is not None
        and not set(map(type, map(operator.itemgetter(i), params))) <= stored
    ]
    if convert:
        for n, values in enumerate(params):
            changed = list(values)
            for i, proc, stored in convert:
                if type(changed[i]) not in stored:
                    changed[i] = proc(changed[i])
            params[n] = tuple(changed)
    conn.exec_driver_sql(sql, params)
