"""Arm responses: evaluate each response's trigger against a case.

A :class:`~riskcore.model.Response` in the catalog is a recovery barrier with a
:class:`~riskcore.model.Trigger`. :func:`arm` binds it to every subject whose
data meets the trigger:

* a **flag** code raised by the assessment (``phq9.item9-positive``);
* an **observation** recorded in the case (``missed-check-in``). An
  observation trigger may require qualifiers, written ``code:qualifier:...``:
  ``threat-communicated:imminent`` arms only if the observation carries the
  ``imminent`` qualifier. An observation whose ``value`` is ``false`` or ``0``
  records an absence and arms nothing;
* a **risk level**: a risk of a listed threat, for a subject, at or above
  ``min_level`` (levels in :data:`LEVEL_ORDER`, the default risk matrix's
  names, or the *order* given; ``high`` when unset).

The reason of each armed response lists the codes that armed it (``flag:...``,
``observation:...``, ``level:...``): never free text, notes or names.

Armed responses come out most urgent first: emergency before urgent before
routine, then by time to act, then catalog order, then subject order.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from riskcore.errors import CatalogError
from riskcore.model import (
    ArmedResponse,
    Assessment,
    Case,
    Catalog,
    Escalation,
    Observation,
    Response,
)
from riskcore.model._fast import replacer
from riskcore.model.observations import (
    parse_observation_spec as parse_observation_trigger,
)

if TYPE_CHECKING:
    from riskcore.model.risk import RiskRegister

__all__ = [
    "DEFAULT_MIN_LEVEL",
    "LEVEL_ORDER",
    "arm",
    "most_urgent_first",
    "parse_observation_trigger",
    "required_responses",
]

LEVEL_ORDER: tuple[str, ...] = ("very-low", "low", "medium", "high", "very-high")
"""Risk levels from lowest to highest, as used by ``Trigger.min_level``."""

DEFAULT_MIN_LEVEL = "high"
"""The level a threat trigger uses when ``min_level`` is not set."""

_URGENCY = {Escalation.EMERGENCY: 0, Escalation.URGENT: 1, Escalation.ROUTINE: 2}

_for_subject = replacer(ArmedResponse, ("subject",))
"""An armed response for another subject, as ``attrs.evolve(a, subject=...)``."""
_for_risk = replacer(ArmedResponse, ("subject", "reason"))
"""An armed response for another subject and reason, as :func:`attrs.evolve`."""


def _rank(level: str, where: str, order: Sequence[str]) -> int:
    try:
        return list(order).index(level)
    except ValueError:
        raise CatalogError(
            f"{where}: unknown risk level {level!r} (expected one of {', '.join(order)})"
        ) from None


def arm(
    catalog: Catalog,
    assessment: Assessment,
    case: Case,
    *,
    levels: Mapping[tuple[str, str], str] | None = None,
    order: Sequence[str] = LEVEL_ORDER,
) -> tuple[ArmedResponse, ...]:
    """Evaluate every response's trigger and return the armed responses.

    Parameters
    ----------
    catalog:
        Where the responses and their triggers come from.
    assessment:
        Its scores' flags are matched against ``Trigger.flags``.
    case:
        Its observations are matched against ``Trigger.observations``.
    levels:
        Optional risk level per ``(threat id, subject id)``, matched against
        ``Trigger.threats`` and ``Trigger.min_level``, e.g.
        ``{(r.threat, r.subject): r.level for r in register.risks}``.
    order:
        Level names from least to most severe; default :data:`LEVEL_ORDER`.
        Pass ``[lv.name for lv in matrix.levels]`` for a custom risk matrix.

    Returns
    -------
    tuple of ArmedResponse
        One per (response, subject), with the response's owner and time to act
        and the codes that armed it; most urgent first.

    Raises
    ------
    CatalogError
        If a level (given or in a trigger) is not in *order*.

    Examples
    --------
    >>> from riskcore.model import (Case, Practice, Client, Observation, Response,
    ...                             Trigger)
    >>> catalog = Catalog(responses=[Response(
    ...     id="duty-to-warn", name="Duty to warn", owner="clinician",
    ...     time_to_act_hours=1,
    ...     trigger=Trigger(observations=["threat-communicated:imminent"]))])
    >>> case = Case(id="x", practice=Practice(id="p"), clients=[Client(id="c-1")],
    ...             observations=[Observation(subject="c-1", code="threat-communicated",
    ...                                       qualifiers=["serious", "imminent"])])
    >>> [(a.response, a.subject, a.reason)
    ...  for a in arm(catalog, Assessment(case_id="x"), case)]
    [('duty-to-warn', 'c-1', 'observation:threat-communicated:imminent')]
    """
    position = {s.id: i for i, s in enumerate(case.subjects())}
    unplaced = len(position)
    flags: dict[str, list[tuple[int, str, str]]] = {}
    k = 0
    for score in assessment.scores:
        for f in score.flags:
            entries = flags.get(f.code)
            if entries is None:
                entries = flags[f.code] = []
            reason = entries[0][2] if entries else f"flag:{f.code}"  # one per code
            entries.append((k, score.subject, reason))
            k += 1
    observed: dict[str, list[Observation]] = {}
    for o in case.observations:
        if o.recorded:
            observed.setdefault(o.code, []).append(o)
    ranks: dict[str, int] = {}
    by_threat: dict[str, list[tuple[int, str, int]]] = {}
    for i, ((threat, subject), level) in enumerate((levels or {}).items()):
        rank = ranks.get(level)
        if rank is None:  # the first key with an unknown level is named
            rank = ranks[level] = _rank(
                level, f"levels[{threat!r}, {subject!r}]", order
            )
        by_threat.setdefault(threat, []).append((i, subject, rank))
    build = ArmedResponse.fast
    armed: list[ArmedResponse] = []
    # most urgent first: by response (urgency, time to act, catalog order),
    # then each response's subjects in subject order
    for _, response in sorted(
        enumerate(catalog.responses),
        key=lambda ir: (_URGENCY[ir[1].escalation], ir[1].time_to_act_hours, ir[0]),
    ):
        reasons = _reasons(response, flags, observed, by_threat, order)
        first: dict[tuple[str, ...], ArmedResponse] = {}
        for subject in sorted(reasons, key=lambda s: (position.get(s, unplaced), s)):
            why = tuple(reasons[subject])
            got = first.get(why)
            if got is None:  # built and checked once per combination of codes
                first[why] = got = build(
                    response.id,
                    subject,
                    response.owner,
                    response.time_to_act_hours,
                    "; ".join(why),
                )
            else:  # the same with its own subject (a field with no check)
                got = _for_subject(got, subject)
            armed.append(got)
    return tuple(armed)


def _reasons(
    response: Response,
    flags: Mapping[str, list[tuple[int, str, str]]],
    observed: Mapping[str, list[Observation]],
    levels: Mapping[str, list[tuple[int, str, int]]],
    order: Sequence[str],
) -> dict[str, list[str]]:
    """The codes that arm *response*, per subject, each once: flags in the
    order the assessment raised them, observations per trigger spec in case
    order, then levels in the order they were given.

    *flags* holds ``(position, subject, reason)`` per flag code, *observed*
    the recorded observations per code and *levels* ``(position, subject,
    rank)`` per threat, each list in its data's order.
    """
    trig = response.trigger
    out: dict[str, list[str]] = {}

    def add(hits: list[tuple[int, str, str]], merge: bool) -> None:
        if merge:  # entries of several codes: back in their data's order
            hits.sort()
        for _, subject, reason in hits:
            got = out.get(subject)
            if got is None:
                out[subject] = [reason]
            elif reason not in got:
                got.append(reason)

    codes = [c for c in dict.fromkeys(trig.flags) if c in flags]
    add([e for c in codes for e in flags[c]], len(codes) > 1)
    for spec in trig.observations:
        code, quals = parse_observation_trigger(spec)
        reason = f"observation:{spec}"
        add(
            [
                (0, o.subject, reason)
                for o in observed.get(code, ())
                if quals <= set(o.qualifiers)
            ],
            False,
        )
    if trig.threats and levels:
        floor = _rank(
            trig.min_level or DEFAULT_MIN_LEVEL,
            f"responses[{response.id!r}].trigger.min_level",
            order,
        )
        threats = [t for t in dict.fromkeys(trig.threats) if t in levels]
        hits: list[tuple[int, str, str]] = []
        for threat in threats:
            reason = f"level:{threat}>={order[floor]}"
            hits += [(k, s, reason) for k, s, rank in levels[threat] if rank >= floor]
        add(hits, len(threats) > 1)
    return out


def required_responses(
    register: RiskRegister,
    catalog: Catalog,
    armed: Iterable[ArmedResponse] = (),
) -> tuple[ArmedResponse, ...]:
    """The responses critical risks require that *armed* does not yet hold.

    Responses are armed per person: every subject whose critical risk
    requires a response gets it, even when the same response is armed for
    someone else. A pair already in *armed* is not repeated.

    Parameters
    ----------
    register:
        Its critical risks' ``required_responses`` are read.
    catalog:
        Where each response's owner and time to act come from.
    armed:
        What :func:`arm` (or the caller) armed already.

    Returns
    -------
    tuple of ArmedResponse
        One per missing (response, subject), reason ``required: critical risk
        <id>``, most urgent first as in :func:`arm`.

    Examples
    --------
    >>> from riskcore.model import Client, Practice, Severity, SubjectKind, Threat, Trigger
    >>> from riskcore.identify import identify
    >>> from riskcore.plugins import PluginManager
    >>> cat = Catalog(
    ...     threats=[Threat(id="harm", name="Harm", category="aggression",
    ...                     scope=SubjectKind.CLIENT,
    ...                     base_likelihood=0.1, impact=Severity(value=4))],
    ...     responses=[Response(id="protocol", name="Protocol",
    ...                         trigger=Trigger(threats=["harm"]))])
    >>> case = Case(id="x", practice=Practice(id="p"),
    ...             clients=[Client(id="c-1"), Client(id="c-2")],
    ...             observations=[Observation(subject=s, code="threat-communicated")
    ...                           for s in ("c-1", "c-2")])
    >>> reg = identify(Assessment(case_id="x"), cat, case, pm=PluginManager(autoload=False))
    >>> [(a.response, a.subject) for a in required_responses(reg, cat)]
    [('protocol', 'c-1'), ('protocol', 'c-2')]
    """
    have = {(a.response, a.subject) for a in armed}
    by_id = {r.id: (k, r) for k, r in enumerate(catalog.responses)}
    position = {r.subject: k for k, r in enumerate(register.risks)}
    first: dict[str, ArmedResponse] = {}  # built and checked once per response
    out: list[tuple[tuple[int, float, int, int], ArmedResponse]] = []
    for risk in register.risks:
        if not risk.critical:
            continue
        subject = risk.subject
        for rid in risk.required_responses:
            if (rid, subject) in have or rid not in by_id:
                continue
            have.add((rid, subject))
            index, response = by_id[rid]
            reason = f"required: critical risk {risk.id}"
            got = first.get(rid)
            if got is None:
                first[rid] = got = ArmedResponse.fast(
                    rid, subject, response.owner, response.time_to_act_hours, reason
                )
            else:  # the same with its own subject and reason (reason checked)
                got = _for_risk(got, subject, reason)
            key = (
                _URGENCY[response.escalation],
                response.time_to_act_hours,
                index,
                position[subject],
            )
            out.append((key, got))
    out.sort(key=lambda pair: pair[0])
    return tuple(a for _, a in out)


def most_urgent_first(
    armed: Iterable[ArmedResponse], catalog: Catalog
) -> tuple[ArmedResponse, ...]:
    """*armed* in the order people must act: emergency, urgent, routine.

    Then by time to act and catalog order; the sort is stable, so subjects keep
    the order they came in. This is the order :func:`arm` and
    :func:`required_responses` give each of their own results; use it to merge
    the two.

    Examples
    --------
    >>> cat = Catalog(responses=[
    ...     Response(id="debrief", name="Debrief", escalation=Escalation.ROUTINE),
    ...     Response(id="emergency", name="Emergency", escalation=Escalation.EMERGENCY)])
    >>> got = most_urgent_first([ArmedResponse(response="debrief", subject="c-1"),
    ...                          ArmedResponse(response="emergency", subject="t-1")], cat)
    >>> [a.response for a in got]
    ['emergency', 'debrief']
    """
    by_id = {r.id: (k, r) for k, r in enumerate(catalog.responses)}
    unknown = (len(by_id), None)

    def key(a: ArmedResponse) -> tuple[int, float, int]:
        k, r = by_id.get(a.response, unknown)
        if r is None:
            return (len(_URGENCY), a.time_to_act_hours, k)
        return (_URGENCY[r.escalation], a.time_to_act_hours, k)

    return tuple(sorted(armed, key=key))
