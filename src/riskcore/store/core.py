"""The practice register: append-only records in a hash chain.

:class:`Store` appends records (a run, a decision, an incident, a review, a
removal of identifying fields) and never updates one: a correction is a new
record that points at the one it corrects. Each append is one transaction that
holds the writers' lock (:mod:`riskcore.store.engine`), so a record is written
whole or not at all, and two writers never fork the chain.

.. versionadded:: 0.1
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from attrs import frozen

from riskcore.errors import StoreError, shown
from riskcore.model._fields import check_id
from riskcore.store import chain
from riskcore.store import schema as db
from riskcore.store.engine import PG_LOCK_KEY, WRITE, connect
from riskcore.store.rows import (
    Rows,
    deterioration_armed,
    reliabilities,
    run_rows,
    to_json,
)
from riskcore.store.vocab import DECISIONS, REVIEW_OUTCOMES
from riskcore.store.write import insert_rows

if TYPE_CHECKING:
    import pandas as pd

    from riskcore.model import Catalog
    from riskcore.plugins import PluginManager
    from riskcore.workflow import PlanReport

__all__ = [
    "AuditReport",
    "Store",
    "obligation_key",
    "open_store",
]


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def obligation_key(obligation: str, subject: str) -> str:
    """The review target of a legal duty for one subject.

    >>> obligation_key("us-co.duty-to-warn", "c-07")
    'us-co.duty-to-warn@c-07'
    """
    return f"{obligation}@{subject}"


@frozen
class AuditReport:
    """What :meth:`Store.verify` found: the records checked and each problem."""

    records: int
    rows: int
    problems: tuple[str, ...]
    head: str
    """The hash of the newest record: keep it (a witness) and pass it to
    :meth:`Store.verify` later; a chain cut short after it is then caught."""

    @property
    def ok(self) -> bool:
        """True if the chain and every row verify."""
        return not self.problems


class Store:
    """A practice register on SQLite (default) or PostgreSQL.

    Open one with :func:`open_store`; close it with :meth:`close` (or use it as
    a context manager).

    Examples
    --------
    >>> import riskcore, tempfile, os
    >>> from riskcore.store import open_store
    >>> folder = tempfile.mkdtemp()
    >>> with open_store(os.path.join(folder, "r.db")) as store:
    ...     store.verify().ok
    True
    """

    def __init__(self, engine: sa.Engine, *, today: dt.date | None = None) -> None:
        self.engine = engine
        self._today = today
        url = engine.url
        self.where = (
            str(url.database)
            if url.get_backend_name() == "sqlite"
            else url.render_as_string(hide_password=True)
        )

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """A database error (a corrupt file, a lost server) is a StoreError naming where."""
        try:
            yield
        except sa.exc.DatabaseError as exc:
            reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
            raise StoreError(
                f"{self.where}: the register cannot be read or written ({reason}); "
                "nothing was written"
            ) from None

    # ----------------------------------------------------------- plumbing

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    @property
    def today(self) -> dt.date:
        """The date "in the future" is measured from (default: today, UTC)."""
        return self._today or _today()

    def _lock(self, conn: sa.Connection) -> None:
        if conn.dialect.name == "postgresql":
            conn.execute(
                sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY}
            )

    def _append(
        self,
        kind: str,
        build: Callable[[sa.Connection], Rows],
        *,
        corrects: int | None = None,
    ) -> int:
        """Check and build the rows inside one locked transaction, then chain them."""
        with (
            self._guard(),
            self.engine.connect().execution_options(**{WRITE: True}) as conn,
            conn.begin(),
        ):
            self._lock(conn)
            if corrects is not None:
                self._check_corrects(conn, kind, corrects)
            rows = build(conn)
            last = conn.execute(_last_entry()).first()
            seq = last.seq + 1 if last else 1
            prev = last.hash if last else chain.GENESIS
            hashes: list[tuple[str, str]] = []
            counts: dict[str, int] = {}
            iso: dict[dt.date, str] | None = (
                {} if conn.dialect.name == "sqlite" else None
            )
            for table, items in rows.items():
                if not items:
                    continue
                _stored_forms(table, items, seq, iso)
                skip = db.ERASABLE.get(table.name, ())
                for row, h in zip(
                    items, chain.row_hashes(table.name, items, skip), strict=True
                ):
                    row["row_hash"] = h
                    hashes.append((table.name, h))
                counts[table.name] = len(items)
            entry = {
                "seq": seq,
                "kind": kind,
                "recorded_at": _now(),
                "corrects": corrects,
                "counts": to_json(counts),
                "digest": chain.digest(hashes),
                "prev_hash": prev,
            }
            entry["hash"] = chain.record_hash(**entry)  # type: ignore[arg-type]
            insert_rows(conn, db.ledger, [entry])
            for table, items in rows.items():
                insert_rows(conn, table, items)
        return seq

    def _check_corrects(self, conn: sa.Connection, kind: str, seq: int) -> None:
        got = conn.execute(
            sa.select(db.ledger.c.kind).where(db.ledger.c.seq == seq)
        ).scalar()
        if got is None:
            raise StoreError(f"corrects {seq}: no such record in the register")
        if got != kind:
            raise StoreError(f"corrects {seq}: record {seq} is a {got}, not a {kind}")

    def _not_future(self, what: str, day: dt.date) -> None:
        if day > self.today:
            raise StoreError(
                f"{what} {day.isoformat()}: is in the future "
                f"(today is {self.today.isoformat()})"
            )

    # ----------------------------------------------------------- records

    def record(
        self,
        report: PlanReport,
        *,
        identifying: bool = False,
        pm: PluginManager | None = None,
    ) -> int:
        """Record a run: subjects, responses, scores, risks, plan, responses, duties.

        Only pseudonymous ids are kept, unless *identifying* is true (the
        practice's opt-in): then names and protected attributes are stored as
        erasable values (:meth:`forget` removes them).

        Reliable deterioration is a trigger: a score whose Reliable Change
        Index against the subject's previous recorded administration of the
        same scale is "reliably worse" raises the flag
        ``<instrument>.reliable-deterioration``, and the responses of
        ``report.catalog`` that it triggers (by :func:`riskcore.arm`) are
        recorded as armed with the run, their reason naming the change (a
        response the plan armed already gets the change as one more reason).

        Returns the run's record number (its id in ``riskcore diff``).
        """
        from riskcore.plugins import get_plugin_manager

        rel = reliabilities(pm or get_plugin_manager())
        case = report.case
        assessed_on = case.assessed_on or report.generated

        def build(conn: sa.Connection) -> Rows:
            rows = run_rows(report, rel, assessed_on, identifying=identifying)
            rows[db.armed].extend(deterioration_armed(conn, report, rows))
            return rows

        return self._append("run", build)

    def decide(
        self,
        risk_id: str,
        decision: str,
        *,
        by: str,
        on: dt.date,
        justification: str,
        expires: dt.date | None = None,
        next_review: dt.date | None = None,
        corrects: int | None = None,
    ) -> int:
        """Record a treatment decision on a recorded risk (``threat:subject``).

        An acceptance needs an expiry or a next review date; either must come
        after the decision. Returns the record number.
        """
        if decision not in DECISIONS:
            raise StoreError(
                f"decision {shown(decision)}: not one of {', '.join(DECISIONS)}"
            )
        check = _checked_id("by", by)
        self._not_future("decision date", on)
        for name, day in (("expiry", expires), ("next review", next_review)):
            if day is not None and day <= on:
                raise StoreError(
                    f"{name} {day.isoformat()}: is not after the decision date "
                    f"{on.isoformat()}"
                )
        if decision == "accept" and expires is None and next_review is None:
            raise StoreError(
                f"accepting risk {shown(risk_id)}: give an expiry or a next review date"
            )
        if not justification.strip():
            raise StoreError(
                f"decision on risk {shown(risk_id)}: the justification is empty"
            )

        def build(conn: sa.Connection) -> Rows:
            known = conn.execute(
                sa.select(db.risks.c.id).where(db.risks.c.risk_id == risk_id).limit(1)
            ).first()
            if known is None:
                raise StoreError(
                    f"decision on risk {shown(risk_id)}: no such risk in the register "
                    "(risk ids are THREAT:SUBJECT, see `riskcore due`)"
                )
            row = {
                "risk_id": risk_id,
                "decision": decision,
                "by_whom": check,
                "decided_on": on,
                "justification": justification,
                "expires": expires,
                "next_review": next_review,
            }
            return {db.decisions: [row]}

        return self._append("decision", build, corrects=corrects)

    def incident(
        self,
        *,
        threat: str,
        subject: str,
        on: dt.date,
        severity: str,
        near_miss: bool = False,
        actions: str = "",
        corrects: int | None = None,
    ) -> int:
        """Record an incident (or a near miss) with its severity on the matrix's scale."""
        self._not_future("incident date", on)

        def build(conn: sa.Connection) -> Rows:
            _known_subject(conn, subject)
            _known_threat(conn, threat)
            bands = _impact_bands(conn)
            if severity not in bands:
                raise StoreError(
                    f"severity {shown(severity)}: not on the matrix's scale "
                    f"({', '.join(bands)})"
                )
            row = {
                "occurred_on": on,
                "threat": threat,
                "subject": subject,
                "severity": severity,
                "near_miss": near_miss,
                "actions": actions,
            }
            return {db.incidents: [row]}

        return self._append("incident", build, corrects=corrects)

    def review(
        self,
        target: str,
        *,
        by: str,
        on: dt.date,
        outcome: str,
        note: str = "",
        corrects: int | None = None,
    ) -> int:
        """Record a review of a risk (``threat:subject``) or a legal duty (``duty@subject``)."""
        if outcome not in REVIEW_OUTCOMES:
            raise StoreError(
                f"outcome {shown(outcome)}: not one of {', '.join(REVIEW_OUTCOMES)}"
            )
        who = _checked_id("by", by)
        self._not_future("review date", on)

        def build(conn: sa.Connection) -> Rows:
            if "@" in target:
                duty, _, subject = target.partition("@")
                found = conn.execute(
                    sa.select(db.obligations.c.id)
                    .where(
                        db.obligations.c.obligation == duty,
                        db.obligations.c.subject == subject,
                    )
                    .limit(1)
                ).first()
            else:
                found = conn.execute(
                    sa.select(db.risks.c.id)
                    .where(db.risks.c.risk_id == target)
                    .limit(1)
                ).first()
            if found is None:
                raise StoreError(
                    f"review of {shown(target)}: no such risk or legal duty in the register"
                )
            row = {
                "target": target,
                "by_whom": who,
                "reviewed_on": on,
                "outcome": outcome,
                "note": note,
            }
            return {db.reviews: [row]}

        return self._append("review", build, corrects=corrects)

    def forget(self, subject: str) -> int:
        """Erase a subject's identifying fields; the chain records that it happened.

        Returns the number of values erased. The removal record holds the
        subject's pseudonym and that count, never the data.
        """
        erased = 0

        def build(conn: sa.Connection) -> Rows:
            nonlocal erased
            _known_subject(conn, subject)
            result = conn.execute(
                db.identities.update()
                .where(
                    db.identities.c.subject == subject,
                    db.identities.c.value.is_not(None),
                )
                .values(value=None, salt=None)
            )
            erased = result.rowcount
            return {db.forgets: [{"subject": subject, "fields": erased}]}

        self._append("forget", build)
        return erased

    # ----------------------------------------------------------- audit

    def verify(self, witness: str | None = None) -> AuditReport:
        """Check the chain and every row; name each edited, deleted or re-ordered one.

        Deleting the newest records leaves a shorter chain that is valid in
        itself: give a *witness*, the ``head`` of an earlier verification, to
        catch that too.
        """
        problems: list[str] = []
        hashes: set[str] = set()
        rows_seen = 0
        with self._guard(), self.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                checks = [
                    str(x) for x in conn.exec_driver_sql("PRAGMA quick_check").scalars()
                ]
                if checks != ["ok"]:
                    problems.append(
                        f"{self.where}: integrity check failed: {checks[0]}"
                    )
            found: dict[int, list[tuple[str, str]]] = {}
            counts: dict[int, dict[str, int]] = {}
            forgotten: dict[str, int] = {}
            for table in db.CONTENT_TABLES:
                skip = db.ERASABLE.get(table.name, ())
                key = table.c.record if "id" not in table.c else table.c.id
                for row in conn.execute(sa.select(table).order_by(key)).mappings():
                    rows_seen += 1
                    ident = row["id"] if "id" in row else row["record"]
                    if chain.row_hash(table.name, row, skip) != row["row_hash"]:
                        problems.append(
                            f"{table.name} row {ident} (record {row['record']}): edited "
                            "(its content does not match its hash)"
                        )
                    found.setdefault(row["record"], []).append(
                        (table.name, row["row_hash"])
                    )
                    per = counts.setdefault(row["record"], {})
                    per[table.name] = per.get(table.name, 0) + 1
                    if table is db.forgets:
                        forgotten[row["subject"]] = max(
                            forgotten.get(row["subject"], 0), row["record"]
                        )
                    if table is db.identities:
                        _check_identity(row, problems)
            for row in conn.execute(
                sa.select(db.identities).where(db.identities.c.value.is_(None))
            ).mappings():
                if forgotten.get(row["subject"], 0) <= row["record"]:
                    problems.append(
                        f"identities row {row['id']} (record {row['record']}): value "
                        "removed without a forget record"
                    )
            prev_hash, prev_seq, n = chain.GENESIS, 0, 0
            for rec in conn.execute(
                sa.select(db.ledger).order_by(db.ledger.c.seq)
            ).mappings():
                n += 1
                seq = rec["seq"]
                hashes.add(rec["hash"])
                if seq != prev_seq + 1:
                    gap = (
                        f"{prev_seq + 1}"
                        if seq == prev_seq + 2
                        else f"{prev_seq + 1}-{seq - 1}"
                    )
                    problems.append(f"record {gap}: deleted (missing from the ledger)")
                elif rec["prev_hash"] != prev_hash:
                    problems.append(
                        f"record {seq} ({rec['kind']}): out of order or its predecessor "
                        f"was replaced (it does not follow record {prev_seq})"
                    )
                expect = chain.record_hash(
                    prev_hash=rec["prev_hash"],
                    seq=seq,
                    kind=rec["kind"],
                    recorded_at=rec["recorded_at"],
                    corrects=rec["corrects"],
                    counts=rec["counts"],
                    digest=rec["digest"],
                )
                if expect != rec["hash"]:
                    problems.append(
                        f"record {seq} ({rec['kind']}): edited (its ledger entry does "
                        "not match its hash)"
                    )
                declared: dict[str, int] = json.loads(rec["counts"])
                actual = counts.pop(seq, {})
                for name in sorted(set(declared) | set(actual)):
                    want, have = declared.get(name, 0), actual.get(name, 0)
                    if want != have:
                        what = "deleted" if have < want else "added"
                        problems.append(
                            f"record {seq} ({rec['kind']}): {abs(want - have)} row(s) of "
                            f"{name} {what} (declared {want}, found {have})"
                        )
                if (
                    declared == actual
                    and chain.digest(found.get(seq, [])) != rec["digest"]
                ):
                    problems.append(
                        f"record {seq} ({rec['kind']}): rows replaced (their hashes do "
                        "not match the record's digest)"
                    )
                prev_hash, prev_seq = rec["hash"], seq
            for seq in sorted(counts):
                problems.append(f"record {seq}: rows without a ledger entry")
        if witness is not None and witness not in hashes:
            problems.append(
                f"witness {witness[:16]}: not in the ledger (the records after it "
                "were deleted, or the chain was rewritten)"
            )
        return AuditReport(
            records=n, rows=rows_seen, problems=tuple(problems), head=prev_hash
        )

    # ----------------------------------------------------------- questions

    def runs(self) -> pd.DataFrame:
        """Every recorded run: record, case, date, method version, seed, completeness."""
        from riskcore.store import queries

        with self._guard(), self.engine.connect() as conn:
            return queries.runs(conn)

    def due(self, on: dt.date | None = None, *, within: int = 30) -> pd.DataFrame:
        """What is due or overdue on *on* (default today), most urgent first.

        See :func:`riskcore.store.queries.due`.
        """
        from riskcore.store import queries

        with self._guard(), self.engine.connect() as conn:
            return queries.due(conn, on or self.today, within=within)

    def history(self, subject: str) -> pd.DataFrame:
        """A subject's scores over time, with the Reliable Change Index between administrations."""
        from riskcore.store import queries

        with self._guard(), self.engine.connect() as conn:
            _known_subject(conn, subject)
            return queries.history(conn, subject)

    def levels(self, subject: str) -> pd.DataFrame:
        """A subject's risk levels over the recorded runs."""
        from riskcore.store import queries

        with self._guard(), self.engine.connect() as conn:
            _known_subject(conn, subject)
            return queries.levels(conn, subject)

    def diff(self, run_a: int, run_b: int) -> pd.DataFrame:
        """Which risks changed level between two runs, and the factors that changed."""
        from riskcore.store import queries

        with self._guard(), self.engine.connect() as conn:
            for run in (run_a, run_b):
                if (
                    conn.execute(
                        sa.select(db.runs.c.record).where(db.runs.c.record == run)
                    ).first()
                    is None
                ):
                    raise StoreError(f"run {shown(run)}: no such run in the register")
            return queries.diff(conn, run_a, run_b)

    def learn(
        self,
        *,
        model: str = "beta-binomial",
        strength: float = 10.0,
        on: dt.date | None = None,
        catalog: Catalog | None = None,
    ) -> pd.DataFrame:
        """Each threat's base likelihood updated by the practice's incidents.

        The catalog default is the prior, worth *strength* observations
        (subject-horizons for ``beta-binomial``, person-years for
        ``gamma-poisson``); see :mod:`riskcore.store.learning`. Exposure runs,
        per subject with a risk of the threat, from the first run that recorded
        it to *on* (default today).
        """
        from riskcore.store import queries

        if model not in ("beta-binomial", "gamma-poisson"):
            raise StoreError(
                f"model {shown(model)}: not beta-binomial or gamma-poisson"
            )
        if catalog is None:
            from riskcore.catalog import default_catalog

            catalog = default_catalog()
        with self._guard(), self.engine.connect() as conn:
            return queries.learn(
                conn, catalog, model=model, strength=strength, on=on or self.today
            )

    def since_last_review(self, on: dt.date | None = None) -> dict[str, Any]:
        """The "since the last review" section of a plan report, as plain text lines.

        The last review is the newest review in the register (before *on*,
        default today); the runs compared are the newest one and the newest
        one recorded on or before that review (else the first run). Sections:
        new and changed risks (with the factors that changed), incidents since,
        decisions expiring within 30 days, and the trajectory of each critical
        subject (each scale's first and last score with the RCI verdict).
        Pseudonymous ids only.
        """
        from riskcore.store import queries

        day = on or self.today
        with self._guard(), self.engine.connect() as conn:
            return queries.since_last_review(conn, day)

    def incidents(self) -> pd.DataFrame:
        """Every incident and near miss (corrections applied), oldest first."""
        from riskcore.store import queries

        with self._guard(), self.engine.connect() as conn:
            return queries.incidents(conn)


def open_store(
    db: str | os.PathLike[str] | None = None, *, today: dt.date | None = None
) -> Store:
    """Open (creating or upgrading) the register at *db*.

    *db* is a file path (SQLite) or a PostgreSQL URL; default ``RISKCORE_DB``,
    else ``riskcore.db``. See :func:`riskcore.store.engine.connect`.
    """
    return Store(connect(db), today=today)


# ---------------------------------------------------------------- helpers


@functools.cache
def _float_columns(table: sa.Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.c if isinstance(c.type, sa.Float))


@functools.cache
def _date_columns(table: sa.Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.c if isinstance(c.type, sa.Date))


@functools.cache
def _last_entry() -> sa.Select[Any]:
    """The newest ledger entry's sequence number and hash (built once)."""
    return (
        sa.select(db.ledger.c.seq, db.ledger.c.hash)
        .order_by(db.ledger.c.seq.desc())
        .limit(1)
    )


def _stored_forms(
    table: sa.Table,
    items: list[dict[str, Any]],
    seq: int,
    iso: dict[dt.date, str] | None,
) -> None:
    """Put each row of *table* in the form the database gives back, before it
    is hashed: numbers of float columns as floats, and the record number.

    With *iso* (SQLite), dates become their ISO text, which is what SQLite
    stores and what the row hash writes for a date (:func:`chain.canonical`),
    so the hash encoder and the insert convert nothing: the same hashes and the
    same stored values, converted once (issue #17). *iso* caches each date's
    text within the record.
    """
    floats = _float_columns(table)
    dates = _date_columns(table) if iso is not None else ()
    texts = iso if iso is not None else {}
    for row in items:
        for name in floats:  # hash what the database will give back
            value = row.get(name)
            if value is not None and type(value) is not float:
                row[name] = float(value)
        for name in dates:
            value = row.get(name)
            if type(value) is dt.date:
                text = texts.get(value)
                if text is None:
                    text = texts[value] = value.isoformat()
                row[name] = text
        row["record"] = seq


def _checked_id(name: str, value: str) -> str:
    try:
        return check_id(name, value)
    except ValueError as exc:
        raise StoreError(str(exc)) from None


def _known_subject(conn: sa.Connection, subject: str) -> None:
    hit = conn.execute(
        sa.select(db.subjects.c.id).where(db.subjects.c.subject == subject).limit(1)
    ).first()
    if hit is None:
        raise StoreError(f"subject {shown(subject)}: not in the register")


def _known_threat(conn: sa.Connection, threat: str) -> None:
    hit = conn.execute(
        sa.select(db.risks.c.id).where(db.risks.c.threat == threat).limit(1)
    ).first()
    if hit is not None:
        return
    from riskcore.catalog import default_catalog

    if threat not in {t.id for t in default_catalog().threats}:
        raise StoreError(f"threat {shown(threat)}: not in the register or the catalog")


def _impact_bands(conn: sa.Connection) -> list[str]:
    raw = conn.execute(
        sa.select(db.runs.c.matrix).order_by(db.runs.c.record.desc()).limit(1)
    ).scalar()
    if raw is None:
        raise StoreError("the register has no recorded run yet: `riskcore record CASE`")
    bands: list[str] = json.loads(raw)["impact_bands"]
    return bands


def _check_identity(row: Any, problems: list[str]) -> None:
    if row["value"] is None:
        return
    if (
        row["salt"] is None
        or chain.value_digest(row["salt"], row["value"]) != row["digest"]
    ):
        problems.append(
            f"identities row {row['id']} (record {row['record']}): edited "
            "(the value does not match its digest)"
        )
