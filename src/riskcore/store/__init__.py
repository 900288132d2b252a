"""The practice register over time: runs, decisions, incidents, reviews, audit.

``riskcore.store`` keeps what riskcore otherwise forgets between runs, in an
embedded SQLite file by default (``riskcore.db``) or a shared PostgreSQL
database (``--db`` / ``RISKCORE_DB``), through SQLAlchemy Core with Alembic
migrations run on open. Records are append-only and hash-chained
(:mod:`riskcore.store.chain`); :meth:`Store.verify` names any edited, deleted
or re-ordered row.

Needs the ``store`` extra (``pip install "riskcore[store]"``); ``import
riskcore`` does not import it.

>>> import os, tempfile
>>> import riskcore
>>> from riskcore.store import open_store
>>> case = riskcore.load_case("examples/longmont-practice.yaml")
>>> report = riskcore.build_plan(case, n=0, seed=1)
>>> with open_store(os.path.join(tempfile.mkdtemp(), "r.db")) as store:
...     run = store.record(report)
...     store.verify().ok, run
(True, 1)

.. versionadded:: 0.1
"""

from typing import TYPE_CHECKING, Any

from riskcore.store.vocab import DECISIONS, REVIEW_OUTCOMES

if TYPE_CHECKING:
    from riskcore.store.core import AuditReport, Store, obligation_key, open_store

# SQLAlchemy is imported on first use of these names only, so that the CLI's
# parser (riskcore.cli.store) never needs it.
_LAZY = {"AuditReport", "Store", "obligation_key", "open_store"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from riskcore.store import core

        return getattr(core, name)
    raise AttributeError(f"module 'riskcore.store' has no attribute {name!r}")


__all__ = [
    "DECISIONS",
    "REVIEW_OUTCOMES",
    "AuditReport",
    "Store",
    "obligation_key",
    "open_store",
]
