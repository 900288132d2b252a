"""Hook specifications: the contract between riskcore and its plugins.

A plugin is a module (or object) with functions named after these hooks and
decorated with :data:`hookimpl`. It is found through the ``riskcore`` entry-point
group::

    # pyproject.toml of your plugin
    [project.entry-points.riskcore]
    myassessor = "riskcore_myassessor.hooks"

    # riskcore_myassessor/hooks.py
    from riskcore import hookimpl

    @hookimpl
    def riskcore_assess(subject, case):
        ...

How riskcore calls hooks
------------------------
* Every hook is called with keyword arguments. An implementation may accept
  *fewer* arguments than the spec lists (pluggy's opt-in arguments), so specs can
  grow without breaking old plugins.
* riskcore calls **each implementation separately**, so that one plugin that
  raises or returns something invalid cannot abort the others (fault
  isolation). The failure is recorded with the plugin's name, distribution and
  version, and the result it was producing is marked incomplete. Hook wrappers
  (``wrapper=True``) are therefore not supported on these hooks.
* Each call runs in a worker thread with a timeout (``RISKCORE_PLUGIN_TIMEOUT``,
  default 30 s): ``SystemExit``, ``KeyboardInterrupt`` or any exception a
  plugin raises, and a call that hangs, are that plugin's failure, never the
  end of the run. The case a plugin receives is a read-only view: do not edit
  it. See ``docs/plugins/failures.md``.
* Results are collected in **plugin-name order**, never in registration order,
  so outputs do not depend on install order.
* A hookimpl whose name starts with ``riskcore_`` but matches no spec, or whose
  arguments are not in the spec, makes the plugin *failed* (see ``riskcore
  plugins``); it is never silently skipped.

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from riskcore.batch.types import BatchContribution, BatchView
    from riskcore.instruments import InstrumentSpec
    from riskcore.model import Case, Catalog, RiskFactor, Score, Subject
    from riskcore.model.assessment import Assessment, AssessorInfo
    from riskcore.model.obligations import JurisdictionInfo, Obligation
    from riskcore.model.sections import ReportSection
    from riskcore.workflow import PlanReport

__all__ = [
    "PROJECT_NAME",
    "hookimpl",
    "hookspec",
    "riskcore_assess",
    "riskcore_assessor_info",
    "riskcore_batch_factors",
    "riskcore_catalog",
    "riskcore_critical_lifts",
    "riskcore_instruments",
    "riskcore_jurisdiction_info",
    "riskcore_obligations",
    "riskcore_report_sections",
    "riskcore_risk_factors",
]

PROJECT_NAME = "riskcore"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
"""Marker for hook specifications (riskcore's own use)."""

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
"""Marker for hook implementations: decorate your plugin's functions with it.

Re-exported as ``riskcore.hookimpl``.
"""


# -------------------------------------------------------------------------------
# Description hooks: what a plugin is and offers. Called once per plugin manager.
# -------------------------------------------------------------------------------


@hookspec
def riskcore_assessor_info() -> AssessorInfo | None:
    """Describe the assessor this plugin provides.

    Called once, by ``riskcore plugins``, the conformance kit and
    :func:`riskcore.assess` (to know which instruments are scored by someone).

    :return: an :class:`~riskcore.model.AssessorInfo` naming the instruments the
        plugin scores, the threats its risk factors may move and the subject kinds
        it assesses; or ``None`` for a plugin that is not an assessor.

    Results of all plugins are collected; none is ``firstresult``.

    Example::

        @hookimpl
        def riskcore_assessor_info():
            return AssessorInfo(
                name="wellbeing",
                summary="Professional quality of life and burnout",
                instruments=["proqol5", "cbi"],
                threats=["burnout", "secondary-traumatic-stress"],
                subject_kinds=[SubjectKind.PROFESSIONAL],
            )

    .. versionadded:: 0.1
    """


@hookspec
def riskcore_catalog() -> Catalog | None:
    """Contribute threats, mitigations and responses to the default catalog.

    Called once when the default catalog is built. The contributions of all
    plugins are merged in plugin-name order; an id defined twice is an error that
    names both plugins.

    :return: a :class:`~riskcore.model.Catalog`, or ``None``.

    Example::

        @hookimpl
        def riskcore_catalog():
            return riskcore.io.load_catalog(Path(__file__).with_name("catalog.yaml"))

    .. versionadded:: 0.1
    """


@hookspec
def riskcore_instruments() -> Iterable[InstrumentSpec] | None:
    """Declare the instruments this plugin scores, as data.

    Called once per plugin manager, to build the instrument registry used by the
    columnar path, the documentation and the conformance kit (which checks each
    spec's object and columnar paths agree). An instrument id declared by two
    plugins is an error that names both.

    :return: the :class:`~riskcore.instruments.InstrumentSpec` objects of the
        instruments the plugin scores (ids as in ``docs/conventions.md``), or
        ``None`` for a plugin that declares none.

    Results of all plugins are collected; none is ``firstresult``.

    Example::

        from riskcore.instruments import Band, InstrumentSpec, uniform_items

        GAD7 = InstrumentSpec(
            id="gad7",
            name="GAD-7",
            items=uniform_items(7, 0, 3),
            bands=[Band(label="minimal", lower=0, upper=5),
                   Band(label="mild", lower=5, upper=10),
                   Band(label="moderate", lower=10, upper=15),
                   Band(label="severe", lower=15)],
            citation="Spitzer, Kroenke, Williams & Löwe (2006)",
        )

        @hookimpl
        def riskcore_instruments():
            return [GAD7]

    .. versionadded:: 0.1
    """


# -------------------------------------------------------------------------------
# Assessment hooks: called during :func:`riskcore.assess`, once per subject.
# -------------------------------------------------------------------------------


@hookspec
def riskcore_assess(subject: Subject, case: Case) -> Iterable[Score] | None:
    """Score one subject of a case.

    Called by :func:`riskcore.assess` once per subject (the practice, each
    professional, each client), for every plugin, each call isolated from the
    others.

    :param subject: the :class:`~riskcore.model.Client`,
        :class:`~riskcore.model.Professional` or :class:`~riskcore.model.Practice`
        to score. Check ``subject.KIND`` and return ``None`` for kinds you do not
        assess.
    :param case: the whole :class:`~riskcore.model.Case`, for the subject's
        instrument responses (``case.history(subject.id, instruments)``, oldest
        first, or ``case.responses_for(subject.id)`` in file order) and
        observations.
    :return: the :class:`~riskcore.model.Score` objects about *subject*, or
        ``None``. Scores about another subject, or anything that is not a
        ``Score``, make the plugin's result *invalid*: it is discarded, recorded
        as a failure, and the assessment is marked incomplete.

    A score the data does not allow (too many missing items) must be returned
    with ``value=None`` and a ``missing_reason``, never as a low number.

    Example::

        @hookimpl
        def riskcore_assess(subject, case):
            if subject.KIND is not SubjectKind.PROFESSIONAL:
                return None
            return [score_proqol(r) for r in case.history(subject.id, {"proqol5"})]

    .. versionadded:: 0.1
    """


@hookspec
def riskcore_risk_factors(
    subject: Subject, scores: Sequence[Score], case: Case
) -> Iterable[RiskFactor] | None:
    """Turn a subject's scores into risk factors on threats.

    Called by :func:`riskcore.identify` once per subject, after every assessor
    has run, for every plugin, each call isolated from the others.

    :param subject: the subject the factors are about.
    :param scores: every complete or incomplete score about *subject*, from all
        plugins (so a plugin may combine its scores with others').
    :param case: the whole case.
    :return: :class:`~riskcore.model.RiskFactor` objects (odds ratios on threat
        ids, each with a reason and, where one exists, a source), or ``None``.

    Fairness: a factor on a threat whose category is ``aggression`` or
    ``self-harm`` must never depend on protected attributes (culture, ethnicity,
    religion, language, gender). The conformance kit checks this.

    Example::

        @hookimpl
        def riskcore_risk_factors(subject, scores):
            for s in scores:
                if s.instrument == "proqol5" and s.scale == "burnout" and s.band == "high":
                    yield RiskFactor(threat="burnout", subject=subject.id, odds_ratio=2.0,
                                     reason="ProQOL 5 burnout score in the high band")

    .. versionadded:: 0.1
    """


@hookspec
def riskcore_critical_lifts() -> Mapping[str, Sequence[str]] | None:
    """Say which threat categories your critical flags lift.

    Called by :func:`riskcore.identify` once per register. A *critical* flag
    always escalates: it lifts every risk of its subject in the categories
    declared for it to at least the matrix's top level (and the matching
    risks of a client's clinician). Declare them here, by flag-code prefix, so
    the core names none of your codes.

    :return: flag-code prefix → threat categories (``{"cssrs.": ["self-harm"]}``),
        or ``None``. A critical flag that some plugin's prefix matches lifts
        the categories declared for it; one that no plugin declares falls back
        to the core's default table, :data:`riskcore.critical.CRITICAL_MAP`. A
        result that is not such a mapping is recorded as the plugin's failure
        (the register is incomplete) and its flags fall back to the default.

    Example::

        @hookimpl
        def riskcore_critical_lifts():
            return {"cssrs.": ["self-harm"], "aggression.": ["aggression"]}

    .. versionadded:: 0.1
    """


@hookspec
def riskcore_batch_factors(batch: BatchView) -> BatchContribution | None:
    """Contribute this plugin's part of a cohort table, as columns (optional).

    Called by :func:`riskcore.batch.batch` once per chunk of a table of many
    subjects of one kind (one row per subject), for every plugin, each call
    isolated from the others. It is the columnar twin of this plugin's
    ``riskcore_assess`` and ``riskcore_risk_factors``: the engine scores the
    plugin's :func:`riskcore_instruments` specs itself
    (:func:`riskcore.instruments.score_array`); the plugin returns, as
    :class:`~riskcore.batch.BatchContribution`, what its hooks add on top of
    them, computed with **the same functions** its object hooks call:

    * ``factors``: one :class:`~riskcore.batch.BatchFactor` per factor its
      ``riskcore_risk_factors`` would return, in the same order (an odds-ratio
      column, 1.0 where the factor does not apply);
    * ``scores``: the scores it derives (``present`` and ``complete`` masks:
      they decide screening and completeness);
    * ``flags`` and ``bands``: the flags it adds and the bands it overrides;
    * ``fallback``: the rows it cannot decide from columns (an incomplete
      administration whose reach must be worked out, a rule-based
      instrument): those rows go through the object path, whole.

    :param batch: a :class:`~riskcore.batch.BatchView`: ``kind``, ``n``,
        ``result(instrument)`` (the spec scores), ``administered(instrument)``
        and ``answers(instrument)``.
    :return: a :class:`~riskcore.batch.BatchContribution`, or ``None`` when
        the plugin adds nothing for this kind of subject. A plugin that does
        not implement this hook but may assess the table's kind of subject
        (:attr:`AssessorInfo.subject_kinds <riskcore.model.AssessorInfo>`)
        sends every row to the object path; one whose hook raises or returns
        something invalid sends its chunk there, and the failure is recorded.

    Example::

        @hookimpl(optionalhook=True)
        def riskcore_batch_factors(batch):
            if batch.kind is not SubjectKind.PROFESSIONAL:
                return None
            r = batch.result("proqol5")
            high = batch.administered("proqol5") & (r.band_labels("burnout") == "high")
            return BatchContribution(
                factors=[BatchFactor(threat="burnout", odds_ratio=np.where(high, 2.0, 1.0))]
            )

    .. versionadded:: 0.1
    """


# -------------------------------------------------------------------------------
# Jurisdiction hooks: legal duties, called by :func:`riskcore.obligations.evaluate_obligations`.
# -------------------------------------------------------------------------------


@hookspec
def riskcore_obligations(
    case: Case, assessment: Assessment
) -> Iterable[Obligation] | None:
    """Say which legal duties the facts of a case may give rise to.

    Called by :func:`riskcore.obligations.evaluate_obligations` once per case, for every
    plugin, each call isolated from the others. A jurisdiction plugin encodes a
    statute as a *trigger predicate* over the case's observations and the
    assessment's flags, and a *discharge checklist*, with its citation and
    effective date.

    :param case: the whole :class:`~riskcore.model.Case`. Check
        ``case.practice.jurisdiction`` and return ``None`` unless it is yours
        (e.g. ``"US-CO"``); read the facts from ``case.observations`` (codes and
        qualifiers from :doc:`/conventions`).
    :param assessment: the :class:`~riskcore.model.Assessment` of the case, for
        rules that depend on flags (``"cssrs.high-risk"``).
    :return: :class:`~riskcore.model.obligations.Obligation` records (one per
        duty and subject), or ``None``. A plugin that raises, or returns
        anything but obligations, is recorded as a failure and the result is
        marked incomplete: a duty is never silently dropped.

    When only part of a predicate is recorded (a threat was communicated but
    imminence is not recorded), return the obligation with status
    ``REVIEW`` and the missing elements, never nothing.

    Example::

        @hookimpl
        def riskcore_obligations(case):
            if case.practice.jurisdiction != "US-CO":
                return None
            return [duty_to_warn(o) for o in case.observations
                    if o.code == "threat-communicated"]

    .. versionadded:: 0.1
    """


@hookspec
def riskcore_jurisdiction_info() -> JurisdictionInfo | None:
    """Say which jurisdictions a jurisdiction plugin covers (optional).

    :return: a :class:`~riskcore.model.JurisdictionInfo`: the
        ``Practice.jurisdiction`` codes the plugin's
        :func:`riskcore_obligations` encodes duties for, and the observation
        codes its predicates read. :func:`riskcore.obligations.evaluate_obligations` marks
        the legal section *incomplete* when the practice's jurisdiction is
        covered by no active plugin (blocked, failed to load, or not
        installed), and suggests a known code for an observation code that
        matches none.

    Example::

        @hookimpl
        def riskcore_jurisdiction_info():
            return JurisdictionInfo(jurisdictions=["US-CO"],
                                    observations=["threat-communicated"])

    .. versionadded:: 0.1
    """


# -------------------------------------------------------------------------------
# Report hooks: what a plugin adds to the report. Called once per report.
# -------------------------------------------------------------------------------


@hookspec
def riskcore_report_sections(report: PlanReport) -> Iterable[ReportSection] | None:
    """Add titled sections to the report (optional).

    Called by :func:`riskcore.build_plan` once per case, for every plugin, each
    call isolated from the others, after the plan and the legal duties are
    made. The sections are stored on :attr:`riskcore.PlanReport.sections` and
    rendered from the report's one context in HTML, Markdown and JSON, after
    the legal duties, in plugin-name order.

    :param report: the :class:`~riskcore.PlanReport` (case, assessment,
        register, plan, obligations). Read it; do not edit it.
    :return: :class:`~riskcore.model.ReportSection` objects (title, key, and
        paragraphs, a table and/or checklist groups: plain text, never HTML
        or Markdown, which every format escapes), or ``None``. A section that
        presents an obligation's checklist names the obligation's id in
        ``obligations``: the duty list then points to it instead of repeating
        the checklist. A plugin that raises or returns anything else (checked
        by :func:`riskcore.hookresults.check_sections`) is recorded in
        :attr:`riskcore.PlanReport.section_failures`, and the report says
        that its section is missing; the duty list then shows the checklist
        itself.

    Example::

        from riskcore.model import ChecklistGroup, ReportSection

        @hookimpl
        def riskcore_report_sections(report):
            mine = [o for o in report.obligations.obligations
                    if o.id == "us-co.duty-to-warn-and-protect"]
            if not mine:
                return None
            return [ReportSection(
                key="us-co.duty-to-warn",
                title="Colorado duty to warn: what to do",
                columns=["Client", "Status"],
                rows=[[o.subject, o.status.value] for o in mine],
                checklist=[
                    ChecklistGroup(kind="all-of", items=["Notify the person threatened"]),
                    ChecklistGroup(kind="one-of", items=["Notify law enforcement",
                                                         "Hospitalise the patient"]),
                ],
                obligations=["us-co.duty-to-warn-and-protect"],
            )]

    .. versionadded:: 0.1
    """
