"""The conformance check: one call that tells a plugin author what to fix.

:func:`check_assessor` registers a plugin in a fresh, strict
:class:`~riskcore.plugins.PluginManager` (no autoload) and checks, in order:

1. **hookimpls**: every ``riskcore_*`` function is a decorated hookimpl that
   matches a hook spec (name and arguments), and no hook wrapper is used;
2. **metadata**: ``riskcore_assessor_info`` returns a complete
   :class:`~riskcore.model.AssessorInfo` (name, summary, instruments, threats,
   subject kinds); every instrument it names has an
   :class:`~riskcore.instruments.InstrumentSpec` from ``riskcore_instruments``
   with a citation and a licence note (or is declared rule-based); every threat
   is in the catalog;
3. for random valid inputs drawn from the instrument specs (Hypothesis,
   derandomized so CI is reproducible):

   * ``riskcore_assess`` returns :class:`~riskcore.model.Score` objects about the
     subject it was given, of the right kind, within the scale's declared range,
     and one for every response to a declared instrument;
   * the same input gives the same output (**determinism**);
   * raising one answer never moves a scale the wrong way (**monotone**, in the
     direction the spec declares: reverse keying and a negative transform slope
     flip it);
   * too many missing items give ``value=None``, never a low number;
   * an **invalid** answer invalidates its item, not the response (issue 14):
     the scales holding it are not complete (a ``missing_reason`` names the
     item), and every critical flag the engine raises (an invalid critical
     item's flag included) is kept; raising loses them;
   * ``riskcore_risk_factors`` returns factors about the subject, only on the
     threats ``AssessorInfo.threats`` declares;
   * **fairness**: changing only protected attributes (culture, ethnicity,
     religion, languages, gender) never moves a factor on an aggression or
     self-harm threat (:data:`~riskcore.model.GUARDED_CATEGORIES`), nor the scores
     those factors cite (counterfactual invariance);
4. **columnar**: each spec's object and columnar scoring paths agree on the
   generated responses.

Every problem is a :class:`Finding` whose message is a sentence saying what
went wrong and what to change.

.. versionadded:: 0.1
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable, Mapping
from typing import Any

from riskcore.errors import CatalogError, PluginError
from riskcore.hookresults import (
    ResultProblem,
    result_items,
)
from riskcore.instruments import InstrumentSpec
from riskcore.model import (
    GUARDED_CATEGORIES,
    AssessorInfo,
    Case,
    RiskFactor,
    SubjectKind,
    Threat,
)
from riskcore.plugins import ENTRY_POINT_GROUP, PluginManager
from riskcore.testing.checker import _call, _Checker, _generate
from riskcore.testing.columnar import _check_columnar, paths_disagree
from riskcore.testing.findings import CHECKS, ConformanceReport, Finding, _Sink

__all__ = [
    "CHECKS",
    "ConformanceError",
    "ConformanceReport",
    "Finding",
    "assert_conforms",
    "check_assessor",
    "guarded_view",
    "paths_disagree",
]


_HOOKS_DOC = "see docs/reference/hooks.md"


class ConformanceError(AssertionError):
    """Raised by :func:`assert_conforms`; the message lists every finding."""


def _distribution(plugin: object) -> tuple[str | None, str | None]:
    module = getattr(plugin, "__name__", None)
    if not isinstance(module, str):
        return None, None
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.value == module or ep.module == module:
            dist = getattr(ep, "dist", None)
            if dist is not None:
                return dist.name, dist.version
    return None, None


def _unregistered(plugin: object, pm: PluginManager) -> list[str]:
    hooked = {hc.name for hc in pm.pluggy.get_hookcallers(plugin) or ()}
    return [
        attr
        for attr in dir(plugin)
        if attr.startswith("riskcore_")
        and callable(getattr(plugin, attr, None))
        and attr not in hooked
    ]


def check_assessor(
    plugin: object,
    *,
    name: str | None = None,
    examples: int = 30,
    rule_based: Mapping[str, str] | None = None,
    waive: Mapping[str, str] | None = None,
) -> ConformanceReport:
    """Check an assessor plugin against riskcore's contract.

    Parameters
    ----------
    plugin:
        The plugin: the module named by your entry point (e.g.
        ``riskcore_myassessor.hooks``) or an object with hookimpl methods.
    name:
        The name to register it under: your entry-point name. Default: the
        ``name`` of its :class:`~riskcore.model.AssessorInfo`.
    examples:
        How many random cases to generate (Hypothesis, derandomized: the same
        cases on every run).
    rule_based:
        ``{instrument id: citation and licence}`` for instruments your assessor
        scores by rules rather than through an
        :class:`~riskcore.instruments.InstrumentSpec`: no inputs are generated
        for them (a note says so), an empty entry is a finding, an id that
        ``AssessorInfo.instruments`` does not list is a finding, and an id
        that has a spec is checked through the spec (a note says so).
    waive:
        ``{check name: reason}``: the findings of these checks (names from
        :data:`CHECKS`) are reported under ``waived`` with the reason, printed
        in the summary, and do not make the report fail. A reason is required.

    Returns
    -------
    ConformanceReport
        ``report.ok`` is true if no check found a problem; ``str(report)`` lists
        the findings as sentences.

    Examples
    --------
    >>> from riskcore import hookimpl
    >>> from riskcore.model import AssessorInfo, SubjectKind
    >>> class Silent:
    ...     @hookimpl
    ...     def riskcore_assessor_info(self):
    ...         return AssessorInfo(name="silent", summary="scores nothing",
    ...                             subject_kinds=[SubjectKind.CLIENT])
    ...     @hookimpl
    ...     def riskcore_assess(self, subject):
    ...         return None
    >>> check_assessor(Silent(), examples=3).ok
    True
    >>> class Typo:
    ...     @hookimpl
    ...     def riskcore_asess(self, subject):
    ...         return None
    >>> print(check_assessor(Typo(), name="typo"))  # doctest: +ELLIPSIS
    riskcore plugin 'typo' does not conform: 1 problem
      - [hookimpls] unknown hook 'riskcore_asess' (did you mean 'riskcore_assess'?): ...
    """
    sink = _Sink()
    waivers = _waivers(waive)
    rule_based = dict(rule_based or {})
    notes: list[str] = []
    dist, version = _distribution(plugin)
    if dist is None:
        notes.append(
            "not found among installed distributions: its name and version were "
            "not checked (pip install -e . to check them)"
        )
    label = name or getattr(plugin, "__name__", None) or type(plugin).__name__
    pm = PluginManager(autoload=False, strict=True)

    def report(**kw: Any) -> ConformanceReport:
        found = sink.findings()
        return ConformanceReport(
            plugin=label,
            findings=tuple(f for f in found if f.check not in waivers),
            waived=tuple(f for f in found if f.check in waivers),
            waivers=tuple(waivers.items()),
            distribution=dist,
            version=version,
            notes=tuple(notes),
            **kw,
        )

    # 1. hookimpls
    hooks = _check_hookimpls(plugin, pm, label, sink)
    if hooks is None:
        return report()
    # 2. metadata (the label becomes AssessorInfo.name when no name was given)
    info = _assessor_info(pm, label, sink)
    if info is None:
        return report()
    if name is None and info.name != label:
        pm.unregister(label)
        label = info.name
        pm.register(plugin, name=label)
    threats = _check_metadata(pm, info, label, name, hooks, sink)
    specs = _check_instruments(pm, label, info, rule_based, sink, notes)
    if sink.findings() and any(f.check == "hookimpls" for f in sink.findings()):
        return report(info=info, instruments=tuple(info.instruments))

    # 3. behaviour on generated inputs
    used = [s for s in specs if s.id in info.instruments]
    kinds = list(info.subject_kinds) or list(SubjectKind)
    checker = _Checker(pm, label, info, used, threats, sink)
    n = _generate(checker, kinds, used, examples)
    checker.check_skips(kinds[0])

    # 4. columnar agreement
    _check_columnar(used, sink, notes)
    return report(info=info, instruments=tuple(info.instruments), examples=n)


def _check_hookimpls(
    plugin: object, pm: PluginManager, label: str, sink: _Sink
) -> set[str] | None:
    """Register *plugin* and check its hookimpls; the hooks it implements, or
    ``None`` when it could not be registered at all."""
    try:
        pm.register(plugin, name=label)
    except PluginError as exc:
        sink.add(
            "hookimpls",
            f"{exc}: give every riskcore_* function the name of a hook and only "
            f"the arguments its spec lists ({_HOOKS_DOC})",
        )
        return None
    for attr in _unregistered(plugin, pm):
        sink.add(
            "hookimpls",
            f"{attr} is not decorated with @riskcore.hookimpl, so riskcore never "
            "calls it: add the decorator",
        )
    for hc in pm.pluggy.get_hookcallers(plugin) or ():
        for impl in hc.get_hookimpls():
            if impl.plugin is plugin and (impl.hookwrapper or impl.wrapper):
                sink.add(
                    "hookimpls",
                    f"{hc.name} is a hook wrapper: riskcore calls each plugin "
                    "separately, so wrappers are not supported; drop wrapper=True",
                )
    hooks = {hc.name for hc in pm.pluggy.get_hookcallers(plugin) or ()}
    if "riskcore_assess" not in hooks:
        sink.add(
            "hookimpls",
            "the plugin does not implement riskcore_assess, so it is not an "
            f"assessor: add @hookimpl def riskcore_assess(subject, case) ({_HOOKS_DOC})",
        )
    return hooks


def _assessor_info(pm: PluginManager, label: str, sink: _Sink) -> AssessorInfo | None:
    """What ``riskcore_assessor_info`` returns, or ``None`` with a finding."""
    o = _call(pm, "riskcore_assessor_info", label)
    if o is None:
        sink.add(
            "metadata",
            "riskcore_assessor_info is not implemented: return an AssessorInfo "
            "naming the instruments you score, the threats your factors move "
            "and the subject kinds you assess",
        )
    elif o.error is not None:
        sink.add(
            "metadata",
            f"riskcore_assessor_info raised {type(o.error).__name__} ({o.error}): "
            "it must return an AssessorInfo without reading any case data",
        )
    elif not isinstance(o.result, AssessorInfo):
        sink.add(
            "metadata",
            f"riskcore_assessor_info returned a {type(o.result).__name__}: return a "
            "riskcore.model.AssessorInfo",
        )
    else:
        return o.result
    return None


def _check_metadata(
    pm: PluginManager,
    info: AssessorInfo,
    label: str,
    name: str | None,
    hooks: set[str],
    sink: _Sink,
) -> dict[str, Threat]:
    """Check the AssessorInfo's name, summary, kinds and threats; the catalog's
    threats by id (empty when the catalog could not be built)."""
    if name is not None and info.name != label:
        sink.add(
            "metadata",
            f"AssessorInfo.name is {info.name!r} but the plugin is registered as "
            f"{label!r}: use your entry-point name, so that your factors can find "
            "your scores by plugin name",
        )
    if not info.summary.strip():
        sink.add(
            "metadata",
            "AssessorInfo.summary is empty: say in one line what the assessor "
            "scores (it is shown by `riskcore plugins`)",
        )
    if not info.subject_kinds:
        sink.add(
            "metadata",
            "AssessorInfo.subject_kinds is empty: list the SubjectKinds you assess",
        )
    has_factors = "riskcore_risk_factors" in hooks
    if has_factors and not info.threats:
        sink.add(
            "metadata",
            "riskcore_risk_factors is implemented but AssessorInfo.threats is "
            "empty: list every threat id your factors may move",
        )
    threats: dict[str, Threat]
    try:
        from riskcore.catalog import default_catalog

        catalog = default_catalog(pm)
        threats = {t.id: t for t in catalog.threats}
    except CatalogError as exc:
        sink.add(
            "metadata",
            f"the catalog could not be built with this plugin: {exc}",
        )
        threats = {}
    for t in info.threats:
        if threats and t not in threats:
            sink.add(
                "metadata",
                f"AssessorInfo.threats names {t!r}, which is not a threat in the "
                "catalog: fix the id (see `riskcore catalog`) or contribute the "
                "threat through riskcore_catalog",
            )
    return threats


def _declared_specs(pm: PluginManager, label: str, sink: _Sink) -> list[InstrumentSpec]:
    """The InstrumentSpecs ``riskcore_instruments`` returns (anything else is a
    finding)."""
    specs: list[InstrumentSpec] = []
    o = _call(pm, "riskcore_instruments", label)
    if o is not None and o.error is not None:
        sink.add(
            "instruments",
            f"riskcore_instruments raised {type(o.error).__name__} ({o.error}): "
            "return your InstrumentSpec objects",
        )
    elif o is not None:
        got = result_items(o.result, "InstrumentSpec", "specs")
        if isinstance(got, ResultProblem):
            sink.add(
                "instruments",
                f"riskcore_instruments {got.text}: return a list of InstrumentSpec",
            )
            got = []
        for s in got:
            if isinstance(s, InstrumentSpec):
                specs.append(s)
            else:
                sink.add(
                    "instruments",
                    f"riskcore_instruments returned a {type(s).__name__}: return "
                    "only riskcore.instruments.InstrumentSpec objects",
                )
    return specs


def _check_instruments(
    pm: PluginManager,
    label: str,
    info: AssessorInfo,
    rule_based: Mapping[str, str],
    sink: _Sink,
    notes: list[str],
) -> list[InstrumentSpec]:
    """Check every instrument is declared, cited and licensed (or rule-based
    with a citation); the plugin's specs."""
    specs = _declared_specs(pm, label, sink)
    spec_ids = {s.id for s in specs}
    for s in specs:
        if s.id not in info.instruments:
            sink.add(
                "instruments",
                f"riskcore_instruments declares {s.id!r} but AssessorInfo."
                f"instruments does not list it: add {s.id!r} to instruments=",
            )
        if not s.citation.strip():
            sink.add(
                "instruments",
                f"the InstrumentSpec {s.id!r} has no citation: cite the primary "
                "source (authors, year, journal, DOI)",
            )
        if not s.licence.strip():
            sink.add(
                "instruments",
                f"the InstrumentSpec {s.id!r} has no licence note: say what may "
                "be shipped (e.g. 'public domain; item text not bundled')",
            )
    for i in sorted(rule_based):
        if i not in info.instruments:
            sink.add(
                "instruments",
                f"rule_based names {i!r}, which AssessorInfo.instruments does not "
                f"list: add {i!r} to instruments=, or drop it from rule_based",
            )
        elif i in spec_ids:
            notes.append(
                f"{i!r} is in rule_based but has an InstrumentSpec: it was checked "
                "through its spec (rule_based is for instruments without one)"
            )
    for i in info.instruments:
        if i in spec_ids:
            continue
        if i in rule_based:
            if not rule_based[i].strip():
                sink.add(
                    "instruments",
                    f"rule_based[{i!r}] is empty: give its citation and licence",
                )
            else:
                notes.append(f"{i!r} is rule-based: no inputs were generated for it")
            continue
        sink.add(
            "instruments",
            f"AssessorInfo.instruments lists {i!r} but riskcore_instruments "
            "declares no InstrumentSpec for it: declare one with its citation and "
            "licence, or, for an instrument scored by rules, pass "
            f"rule_based={{{i!r}: '<citation; licence>'}} to check_assessor",
        )
    return specs


def _waivers(waive: Mapping[str, str] | None) -> dict[str, str]:
    """The waivers asked for, checked: known check names, each with a reason.

    >>> _waivers({"missing-data": "a study convention prorates"})
    {'missing-data': 'a study convention prorates'}
    >>> _waivers({"missing": "x"})
    Traceback (most recent call last):
    ...
    ValueError: waive: 'missing' is not a check (one of: hookimpls, metadata, instruments, crash, result, subject, range, unscored, determinism, monotone, missing-data, invalid-input, threats, fairness, columnar)
    """
    out: dict[str, str] = {}
    for check, reason in (waive or {}).items():
        if check not in CHECKS:
            msg = f"waive: {check!r} is not a check (one of: {', '.join(CHECKS)})"
            raise ValueError(msg)
        if not str(reason).strip():
            raise ValueError(f"waive[{check!r}]: give the reason for the waiver")
        out[check] = str(reason).strip()
    return out


def guarded_view(
    case: Case,
    instruments: Iterable[str],
    *,
    pm: PluginManager | None = None,
) -> tuple[tuple[object, ...], tuple[object, ...]]:
    """What a counterfactual fairness test compares, for the installed plugins.

    Assesses *case* with every plugin of *pm* (default: a fresh, autoloading
    :class:`~riskcore.plugins.PluginManager`) and returns the scores of
    *instruments* (subject, instrument, scale, value, band, flag codes) and every
    risk factor on a guarded threat (a threat of the default catalog whose
    category is in :data:`~riskcore.model.GUARDED_CATEGORIES`: aggression and
    self-harm). Two cases that differ only in protected attributes must give
    equal views.

    >>> from riskcore.model import Case, Client, Practice, ProtectedAttributes
    >>> from riskcore.plugins import PluginManager
    >>> pm = PluginManager(autoload=False)
    >>> a = Case(id="x", practice=Practice(id="p"), clients=[Client(id="c")])
    >>> b = Case(id="x", practice=Practice(id="p"),
    ...          clients=[Client(id="c", protected=ProtectedAttributes(religion="x"))])
    >>> guarded_view(a, ["phq9"], pm=pm) == guarded_view(b, ["phq9"], pm=pm)
    True
    """
    from riskcore.assess import assess
    from riskcore.catalog import default_catalog

    pm = pm or PluginManager()
    wanted = set(instruments)
    guarded = {
        t.id for t in default_catalog(pm).threats if t.category in GUARDED_CATEGORIES
    }
    a = assess(case, pm=pm)
    scores = sorted(
        (
            s.subject,
            s.instrument,
            s.scale,
            s.value,
            s.band,
            tuple(f.code for f in s.flags),
        )
        for s in a.scores
        if s.instrument in wanted
    )
    factors: list[tuple[str, str, float]] = []
    for subject in case.subjects():
        mine = [s for s in a.scores if s.subject == subject.id]
        for o in pm.call_each(
            "riskcore_risk_factors", subject=subject, scores=mine, case=case
        ):
            factors += [
                (f.threat, f.subject, f.odds_ratio)
                for f in (o.result or ())
                if isinstance(f, RiskFactor) and f.threat in guarded
            ]
    return tuple(scores), tuple(sorted(factors))


def assert_conforms(
    plugin: object,
    *,
    name: str | None = None,
    examples: int = 30,
    rule_based: Mapping[str, str] | None = None,
    waive: Mapping[str, str] | None = None,
) -> ConformanceReport:
    """Like :func:`check_assessor`, but raise :class:`ConformanceError` on findings.

    Use it in a test; pytest shows every finding as a sentence.

    >>> from riskcore import hookimpl
    >>> class Nameless:
    ...     @hookimpl
    ...     def riskcore_assess(self, subject):
    ...         return None
    >>> assert_conforms(Nameless(), name="nameless")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    riskcore.testing.conformance.ConformanceError: riskcore plugin 'nameless' does not conform: 1 problem
      - [metadata] riskcore_assessor_info is not implemented: ...
    """
    report = check_assessor(
        plugin, name=name, examples=examples, rule_based=rule_based, waive=waive
    )
    if not report.ok:
        raise ConformanceError(str(report))
    return report
