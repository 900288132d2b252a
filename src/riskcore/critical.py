"""Which critical findings lift which risks: the one owner of that rule.

A *critical* flag (a positive suicide screen, a threat communicated) always
escalates, whatever the totals say. Which threat categories it lifts is declared
by the plugin that raises the flag (the ``riskcore_critical_lifts`` hook, read
by :func:`declared_lifts`); :data:`CRITICAL_MAP` is the core's default for flags
no plugin declares and for recorded observations. :func:`flag_categories` is the
one reading of both, used by :func:`riskcore.identify.identify` (through
:func:`critical_findings`) and by :mod:`riskcore.batch`.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

from riskcore.hookresults import ResultProblem, check_lifts
from riskcore.model.assessment import Assessment, AssessorFailure
from riskcore.model.case import Case
from riskcore.plugins import PluginManager

__all__ = [
    "CRITICAL_MAP",
    "LIFTS_HOOK",
    "critical_findings",
    "declared_lifts",
    "flag_categories",
]

CRITICAL_MAP: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "flag:phq9.item9": ("self-harm",),
        "flag:cssrs.": ("self-harm",),
        "flag:aggression.": ("aggression",),
        "observation:threat-communicated": ("aggression",),
    }
)
"""Which critical findings lift which threat categories: the default table.

Keys are ``"flag:<code prefix>"`` (matched against the code of every
*critical* flag) or ``"observation:<code>"`` (any observation with that code);
values are threat categories. A finding on a client also lifts the matching
risks of the client's clinician (e.g. ``staff-physical-harm``).

Plugins declare the categories of their own flags through the
``riskcore_critical_lifts`` hook; a flag that some plugin declares lifts what it
declares, and this table is the default for flags no plugin declares (its flag
entries keep lifting if an older plugin declares nothing: fail closed). Pass
``critical_map=`` to :func:`identify` to replace both.

.. versionchanged:: 0.2
   Only the default: plugins' declarations come first.
"""

LIFTS_HOOK = "riskcore_critical_lifts"


def critical_findings(
    assessment: Assessment,
    case: Case,
    cmap: Mapping[str, tuple[str, ...]],
    declared: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, list[tuple[str, str, str]]]:
    """subject id -> [(category, reason, code)] from critical flags and observations.

    A critical flag whose code some prefix in *declared* (the plugins'
    ``riskcore_critical_lifts``) matches lifts those categories; any other
    flag, the ``flag:`` entries of *cmap*.
    """
    declared = declared or {}
    out: dict[str, list[tuple[str, str, str]]] = {}
    clinician = {c.id: c.clinician for c in case.clients}

    def add(subject: str, cats: Iterable[str], kind: str, code: str) -> None:
        reason = f"{kind} {code}"
        targets = [subject]
        if clinician.get(subject):
            targets.append(str(clinician[subject]))
        for s in targets:
            for c in cats:
                out.setdefault(s, []).append(
                    (
                        c,
                        reason if s == subject else f"{reason} (client {subject})",
                        # the finding's own code arms responses for its own
                        # subject only; the clinician's lifted risk does not
                        code if s == subject else "",
                    )
                )

    for score, flag in assessment.critical_flags:
        for cats in flag_categories(flag.code, cmap, declared):
            add(score.subject, cats, "critical flag", flag.code)
    for obs in case.observations:
        found = cmap.get(f"observation:{obs.code}")
        if found and obs.recorded:
            add(obs.subject, found, "observation", obs.code)
    return out


def declared_lifts(
    pm: PluginManager, fail: Callable[[AssessorFailure, BaseException | None], None]
) -> dict[str, tuple[str, ...]]:
    r"""Every plugin's ``riskcore_critical_lifts``, merged by prefix; a plugin
    whose hook raises or returns something else is *fail*\ ed (its flags fall
    back to :data:`CRITICAL_MAP`)."""
    declared: dict[str, tuple[str, ...]] = {}
    for o in pm.call_each(LIFTS_HOOK):
        lifts = o.error if o.error is not None else check_lifts(o.result)
        if isinstance(lifts, dict):
            for prefix, cats in lifts.items():
                declared[prefix] = (*declared.get(prefix, ()), *cats)
            continue
        error = lifts if isinstance(lifts, BaseException) else None
        why = lifts.text if isinstance(lifts, ResultProblem) else lifts
        fail(pm.failure(o.plugin, LIFTS_HOOK, why), error)
    return declared


def flag_categories(
    code: str,
    cmap: Mapping[str, tuple[str, ...]] = CRITICAL_MAP,
    declared: Mapping[str, tuple[str, ...]] | None = None,
) -> list[tuple[str, ...]]:
    """The threat categories a *critical* flag with *code* lifts (the one rule,
    used by :func:`identify` and :mod:`riskcore.batch`).

    The categories plugins *declared* for the flag's prefix
    (``riskcore_critical_lifts``, see :func:`declared_lifts`) come first; a flag
    no plugin declares falls back to the ``"flag:"`` keys of *cmap*, the core's
    default table. One tuple per matching prefix or key.

    >>> flag_categories("phq9.item9-positive")
    [('self-harm',)]
    >>> flag_categories("who5.assess-for-depression")
    []
    >>> flag_categories("x.crisis", declared={"x.": ("self-harm", "aggression")})
    [('self-harm', 'aggression')]
    """
    own = [cats for p, cats in (declared or {}).items() if code.startswith(p)]
    if own:
        return own
    return [
        cats
        for key, cats in cmap.items()
        if key.startswith("flag:") and code.startswith(key[5:])
    ]
