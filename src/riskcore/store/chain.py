"""The hash chain of the practice register: the one rule for what a hash covers.

* A row's hash is the SHA-256 of its canonical content: every column but its
  ``id``, its own ``row_hash`` and the erasable columns of
  :data:`~riskcore.store.schema.ERASABLE`, as JSON with sorted keys (dates as
  ``YYYY-MM-DD``, floats as their shortest repr).
* A record's digest is the SHA-256 of its rows' hashes, each prefixed with its
  table, sorted: it does not depend on the order rows were inserted.
* A record's hash covers the previous record's hash, its sequence number, kind,
  time, the record it corrects, its row counts per table and its digest.

So editing a row changes its hash; deleting or adding a row changes its record's
digest and counts; editing, deleting or re-ordering a record breaks the chain at
the next record. :func:`riskcore.store.Store.verify` names each.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "GENESIS",
    "canonical",
    "digest",
    "record_hash",
    "row_hash",
    "row_hashes",
    "value_digest",
]

GENESIS = "0" * 64
"""The previous hash of the first record."""


def _default(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)  # pragma: no cover - schema types only


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=_default)


def canonical(content: Mapping[str, Any]) -> str:
    """Canonical JSON of a row or record: sorted keys, no spaces, ISO dates.

    >>> canonical({"b": 1.5, "a": dt.date(2026, 1, 2), "c": None})
    '{"a":"2026-01-02","b":1.5,"c":null}'
    """
    return _ENCODER.encode(content if type(content) is dict else dict(content))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def row_hash(table: str, row: Mapping[str, Any] | Any, skip: Iterable[str] = ()) -> str:
    """The hash of one row of *table* (without ``id``, ``row_hash`` and *skip*).

    >>> row_hash("t", {"id": 1, "x": 2}) == row_hash("t", {"id": 9, "x": 2})
    True
    >>> row_hash("t", {"x": 2}) == row_hash("t", {"x": 3})
    False
    """
    return row_hashes(table, [row], skip)[0]


def row_hashes(
    table: str, rows: Sequence[Mapping[str, Any] | Any], skip: Iterable[str] = ()
) -> list[str]:
    """:func:`row_hash` of each of *rows*, the same hashes, computed together.

    The rows' canonical forms come from one encoding of the list of rows, cut
    at the ``},{`` between rows; when a value itself contains ``},{`` the
    cuts are ambiguous and each row is encoded on its own instead.

    >>> rows = [{"x": 1, "s": "},{"}, {"x": 2, "s": "a"}]
    >>> row_hashes("t", rows) == [row_hash("t", r) for r in rows]
    True
    >>> row_hashes("t", [])
    []
    """
    left_out = {"id", "row_hash", *skip}
    contents = [
        row
        if type(row) is dict and left_out.isdisjoint(row)
        else {k: v for k, v in row.items() if k not in left_out}
        for row in rows
    ]
    if not contents:
        return []
    # ensure_ascii: the text is ASCII, so its UTF-8 bytes are cut as the text.
    parts = _ENCODER.encode(contents)[2:-2].encode("ascii").split(b"},{")
    if len(parts) != len(contents):  # a value holds "},{": cut row by row
        parts = [canonical(content)[1:-1].encode("ascii") for content in contents]
    head = (table + "|{").encode("utf-8")
    sha = hashlib.sha256
    return [sha(head + part + b"}").hexdigest() for part in parts]


def digest(hashes: Iterable[tuple[str, str]]) -> str:
    """The digest of a record from its ``(table, row_hash)`` pairs, in any order.

    >>> digest([("a", "1"), ("b", "2")]) == digest([("b", "2"), ("a", "1")])
    True
    """
    return _sha("\n".join(sorted(f"{t}:{h}" for t, h in hashes)))


def record_hash(
    *,
    prev_hash: str,
    seq: int,
    kind: str,
    recorded_at: str,
    corrects: int | None,
    counts: str,
    digest: str,
) -> str:
    """The chained hash of one ledger record."""
    return _sha(
        "|".join(
            (prev_hash, str(seq), kind, recorded_at, str(corrects), counts, digest)
        )
    )


def value_digest(salt: str, value: str) -> str:
    """The commitment to an erasable identifying value: SHA-256 of salt and value.

    The chain covers this digest, not the value, so ``forget`` can erase the
    value (and its salt) and the chain still verifies.

    >>> value_digest("00", "x") == value_digest("01", "x")
    False
    """
    return _sha(salt + "|" + value)
