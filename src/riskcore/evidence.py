"""Observations as evidence: recorded facts move the likelihood of threats.

A case records facts outside any instrument (:class:`~riskcore.model.Observation`:
a communicated threat, a history of violence, lone home visits, media
visibility) and each professional's ``caseload``. The catalog's evidence table
(:class:`~riskcore.model.Evidence`) says which fact moves which threat, by what
odds ratio, for whom, and for how long. :func:`observation_factors` turns the
two into :class:`~riskcore.model.RiskFactor` objects, which
:func:`riskcore.identify` applies exactly like a plugin's factors (provenance
:data:`PROVENANCE`), so they show in ``Risk.factors``, ``Risk.explain()`` and
the report.

The rules, each in this one module:

* **Match.** An entry ``code:q1:q2`` matches an observation with that code
  carrying at least those qualifiers. An observation whose ``value`` is
  ``false`` or ``0`` records an absence and matches nothing
  (:attr:`Observation.recorded <riskcore.model.Observation.recorded>`). With
  ``min_value`` the value must be a number at least that large.
* **Look-back.** A dated fact counts while ``assessed_on - observed <=
  lookback_days``. An undated fact, a case without ``assessed_on`` and an entry
  without ``lookback_days`` all count (fail closed: a missing date never lowers
  a risk).
* **Whose risk.** ``applies_to: subject`` moves the risk of the subject the fact
  was recorded about; ``applies_to: clinician`` moves the professional-scope
  risk of the recorded client's clinician. A fact about a subject whose kind has
  no risk for the threat (a client fact on a practice threat) moves nothing.
* **Once per entry.** An entry counts once per risk however many facts match it
  (two violent clients on a caseload do not compound one entry).
* **The most specific entry wins.** Of two matching entries on the same risk
  with the same code and target, one whose qualifiers include the other's and
  whose ``min_value`` is at least the other's (one of them strictly) replaces
  it: ``threat-communicated:serious:imminent`` replaces plain
  ``threat-communicated``. Entries on different codes, or with qualifiers
  neither of which includes the other (``lone-working:home-visits`` and
  ``lone-working:after-hours``), multiply, as independent factors do.
* **Caseload.** Each professional contributes a fact ``caseload`` whose value
  is the larger of their recorded ``caseload`` and the number of the case's
  clients whose ``clinician`` they are (the case may list only some clients,
  so the count is a lower bound; the larger figure is the fail-closed one).
  Numeric entries on ``caseload`` (``min_value``) read it.
* **Reasons** are the catalog's text, plus the pseudonymous ids of the clients
  behind a clinician's factor. Notes, names and other free text from the case
  never reach a reason.
* **Fairness.** Nothing here reads
  :class:`~riskcore.model.ProtectedAttributes` or a client's ``context``; the
  catalog refuses an entry that names a protected attribute for an aggression
  or self-harm threat (:data:`~riskcore.model.catalog.PROTECTED_TERMS`).

Point figures use the mean of an odds ratio given as a distribution.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from riskcore.model.case import Case
from riskcore.model.catalog import Catalog, Evidence, EvidenceTarget, Source
from riskcore.model.distributions import mean_of
from riskcore.model.factors import RiskFactor
from riskcore.model.observations import Observation

__all__ = ["CASELOAD", "PROVENANCE", "facts", "observation_factors"]

PROVENANCE = "riskcore.evidence"
"""The ``plugin`` recorded on every factor made here."""

CASELOAD = "caseload"
"""The observation code fed from each professional's caseload."""

_MAX_IDS = 3


def facts(case: Case) -> tuple[Observation, ...]:
    """The facts evidence reads: the case's observations, then one caseload per professional.

    The caseload fact of a professional is the larger of their recorded
    ``caseload`` and the number of the case's clients they see; a professional
    with neither has none.

    >>> from riskcore.model import Client, Practice, Professional
    >>> case = Case(id="x", practice=Practice(id="p"),
    ...             professionals=[Professional(id="t-1", caseload=2),
    ...                            Professional(id="t-2")],
    ...             clients=[Client(id=f"c-{i}", clinician="t-1") for i in range(3)])
    >>> [(f.subject, f.code, f.value) for f in facts(case)]
    [('t-1', 'caseload', 3.0)]
    """
    seen: dict[str, int] = {}
    for c in case.clients:
        if c.clinician is not None:
            seen[c.clinician] = seen.get(c.clinician, 0) + 1
    loads = []
    for p in case.professionals:
        n = float(max(p.caseload or 0.0, seen.get(p.id, 0)))
        if p.caseload is not None or n > 0:
            loads.append(Observation(subject=p.id, code=CASELOAD, value=n))
    return (*case.observations, *loads)


def _in_window(o: Observation, e: Evidence, assessed_on: dt.date | None) -> bool:
    if e.lookback_days is None or o.observed is None or assessed_on is None:
        return True  # fail closed: no date, no expiry
    return (assessed_on - o.observed).days <= e.lookback_days


def _meets(o: Observation, e: Evidence) -> bool:
    if e.min_value is None:
        return True
    v = o.value
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v >= e.min_value


def _refines(a: Evidence, b: Evidence) -> bool:
    """True if *a* is a strictly more specific version of *b* (same code, threat, target)."""
    if (a.code, a.threat, a.applies_to) != (b.code, b.threat, b.applies_to):
        return False
    lo_a = float("-inf") if a.min_value is None else a.min_value
    lo_b = float("-inf") if b.min_value is None else b.min_value
    wider = a.qualifiers >= b.qualifiers and lo_a >= lo_b
    return wider and (a.qualifiers != b.qualifiers or lo_a != lo_b)


def _source(e: Evidence) -> Source:
    if not e.illustrative and e.source is not None:
        return e.source
    if e.source is None:
        return Source(citation="illustrative default")
    return Source(
        citation=f"illustrative default ({e.source.citation})",
        url=e.source.url,
        note=e.source.note,
    )


def _reason(e: Evidence, target: str, about: Sequence[str]) -> str:
    others = [s for s in about if s != target]
    if not others:
        return e.reason
    shown = ", ".join(others[:_MAX_IDS])
    more = f" and {len(others) - _MAX_IDS} more" if len(others) > _MAX_IDS else ""
    word = "client" if len(others) == 1 else "clients"
    return f"{e.reason} ({word} {shown}{more})"


def observation_factors(
    case: Case, catalog: Catalog
) -> dict[tuple[str, str], list[RiskFactor]]:
    """The risk factors the case's recorded facts give, by (threat id, subject id).

    Pure: reads ``case.observations``, professionals' ``caseload``, clients'
    ``clinician`` and ``case.assessed_on``, and ``catalog.evidence``; nothing
    else (never protected attributes, context or notes). The rules are in the
    module docstring.

    Parameters
    ----------
    case:
        The case.
    catalog:
        Its ``evidence`` table and threats.

    Returns
    -------
    dict
        ``(threat, subject) -> [RiskFactor, ...]`` in catalog order, each with
        ``plugin`` :data:`PROVENANCE`; only keys that are risks of the case.

    Examples
    --------
    >>> from riskcore.model import (Client, Evidence, EvidenceTarget, Observation,
    ...     Practice, Professional, Severity, SubjectKind, Threat)
    >>> cat = Catalog(
    ...     threats=[Threat(id="tpv", name="Violence", category="aggression",
    ...                     scope=SubjectKind.CLIENT, base_likelihood=0.01,
    ...                     impact=Severity(value=5)),
    ...              Threat(id="staff-harm", name="Staff harm", category="aggression",
    ...                     scope=SubjectKind.PROFESSIONAL, base_likelihood=0.02,
    ...                     impact=Severity(value=4))],
    ...     evidence=[
    ...         Evidence(id="threat", observation="threat-communicated", threat="tpv",
    ...                  odds_ratio=3.0, reason="threat of violence communicated"),
    ...         Evidence(id="threat-imminent",
    ...                  observation="threat-communicated:serious:imminent",
    ...                  threat="tpv", odds_ratio=25.0, lookback_days=90,
    ...                  reason="serious, imminent threat communicated"),
    ...         Evidence(id="threat-staff", observation="threat-communicated:imminent",
    ...                  threat="staff-harm", applies_to=EvidenceTarget.CLINICIAN,
    ...                  odds_ratio=2.0, reason="a client communicated an imminent threat")])
    >>> case = Case(id="x", practice=Practice(id="p"),
    ...     professionals=[Professional(id="t-1")],
    ...     clients=[Client(id="c-1", clinician="t-1")],
    ...     assessed_on=dt.date(2026, 10, 5),
    ...     observations=[Observation(subject="c-1", code="threat-communicated",
    ...                               qualifiers=["serious", "imminent"],
    ...                               observed=dt.date(2026, 10, 1),
    ...                               note="about a neighbour")])
    >>> for key, got in observation_factors(case, cat).items():
    ...     print(key, [(f.odds_ratio, f.reason) for f in got])
    ('tpv', 'c-1') [(25.0, 'serious, imminent threat communicated')]
    ('staff-harm', 't-1') [(2.0, 'a client communicated an imminent threat (client c-1)')]

    Six months later the imminent entry has expired; the plain one still counts:

    >>> import attrs
    >>> later = attrs.evolve(case, assessed_on=dt.date(2027, 4, 5))
    >>> [(k, [f.odds_ratio for f in v]) for k, v in observation_factors(later, cat).items()]
    [(('tpv', 'c-1'), [3.0]), (('staff-harm', 't-1'), [2.0])]
    """
    if not catalog.evidence:
        return {}
    threats = {t.id: t for t in catalog.threats}
    kinds = {s.id: s.KIND for s in case.subjects()}
    clinician = {c.id: c.clinician for c in case.clients}
    by_code: dict[str, list[Observation]] = {}  # the facts of each code, in order
    for o in facts(case):
        by_code.setdefault(o.code, []).append(o)
    # (entry index, target subject) -> subjects whose facts matched, in case order
    matched: dict[tuple[int, str], list[str]] = {}
    for i, e in enumerate(catalog.evidence):
        scope = threats[e.threat].scope
        quals = e.qualifiers
        for o in by_code.get(e.code, ()):
            if not quals <= set(o.qualifiers) or not o.recorded:
                continue
            if not _in_window(o, e, case.assessed_on) or not _meets(o, e):
                continue
            target = (
                o.subject
                if e.applies_to is EvidenceTarget.SUBJECT
                else clinician.get(o.subject)
            )
            if target is None or kinds.get(target) is not scope:
                continue
            about = matched.setdefault((i, target), [])
            if o.subject not in about:
                about.append(o.subject)
    out: dict[tuple[str, str], list[RiskFactor]] = {}
    entries = catalog.evidence
    by_target: dict[str, set[int]] = {}  # target -> the entries that matched it
    for i, target in matched:
        by_target.setdefault(target, set()).add(i)
    finer = _finer(entries, {i for i, _ in matched})
    sources: dict[int, Source] = {}  # one per entry
    for (i, target), about in matched.items():
        e = entries[i]
        if not finer[i].isdisjoint(by_target[target]):
            continue  # a more specific entry on the same risk replaces this one
        source = sources.get(i)
        if source is None:
            source = sources[i] = _source(e)
        out.setdefault((e.threat, target), []).append(
            RiskFactor(
                threat=e.threat,
                subject=target,
                odds_ratio=mean_of(e.odds_ratio),
                reason=_reason(e, target, about),
                source=source,
                plugin=PROVENANCE,
            )
        )
    return out


def _finer(entries: Sequence[Evidence], used: set[int]) -> dict[int, set[int]]:
    """For each entry of *used*, the other entries of *used* that refine it
    (:func:`_refines`: only entries with the same code, threat and target can)."""
    alike: dict[tuple[str, str, EvidenceTarget], list[int]] = {}
    for i in sorted(used):
        e = entries[i]
        alike.setdefault((e.code, e.threat, e.applies_to), []).append(i)
    return {
        i: {j for j in group if j != i and _refines(entries[j], entries[i])}
        for group in alike.values()
        for i in group
    }
