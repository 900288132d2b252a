"""The one validation of what plugins return from ``riskcore_assess``,
``riskcore_risk_factors``, ``riskcore_critical_lifts`` and
``riskcore_report_sections``.

The engine (:func:`riskcore.assess.assess`, :func:`riskcore.identify.identify`)
and the conformance kit (:mod:`riskcore.testing.conformance`) both call these
functions, so a plugin whose results pass the kit cannot have them rejected in
production, and a result production rejects is a finding of the kit. Each
problem carries the kit check it fails (``"result"``, ``"subject"`` or
``"threats"``) and one sentence, the same text the engine records in
:attr:`~riskcore.model.AssessorFailure.detail`.

The engine rejects a plugin's whole result for one subject on the first
problem (fail closed: none of its scores or factors is used); the kit reports
every problem.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from attrs import frozen

from riskcore.errors import FieldError
from riskcore.model import ReportSection, RiskFactor, Score, Subject, Threat

__all__ = [
    "ResultProblem",
    "check_factors",
    "check_lifts",
    "check_sections",
    "factor_problem",
    "finite_score",
    "result_items",
    "score_problem",
]


@frozen
class ResultProblem:
    """What is wrong with a hook's result.

    ``check`` is the :data:`~riskcore.testing.conformance.CHECKS` entry the
    conformance kit reports it under; ``text`` says what the plugin returned
    (``"returned a score about another subject"``); ``error``, when there is
    one, is the specific error strict mode raises.
    """

    check: Literal["result", "subject", "threats"]
    text: str
    error: FieldError | None = None


def result_items(result: object, item: str, plural: str) -> list[Any] | ResultProblem:
    """*result* as a list (``None`` is an empty one), or why it is not an iterable.

    Parameters
    ----------
    result
        What the hook returned.
    item, plural
        The expected item type's name and what the items are called
        (``"Score"``, ``"scores"``).

    Examples
    --------
    >>> result_items(None, "Score", "scores")
    []
    >>> result_items((x for x in "ab"), "Score", "scores")
    ['a', 'b']
    >>> result_items("scores", "Score", "scores").text
    'returned str, expected an iterable of Score'
    """
    if result is None:
        return []
    if type(result) is list:
        return result
    if not isinstance(result, Iterable) or isinstance(result, (str, bytes, dict)):
        return ResultProblem(
            "result",
            f"returned {type(result).__name__}, expected an iterable of {item}",
        )
    try:
        return list(result)
    except Exception as exc:  # a generator that raises half-way
        return ResultProblem(
            "result", f"raised {type(exc).__name__} while producing {plural}"
        )


def finite_score(s: Score) -> bool:
    """Whether *s*'s value, minimum and maximum are finite (or absent)."""
    v, lo, hi = s.value, s.minimum, s.maximum
    return (
        (v is None or _isfinite(v))
        and (lo is None or _isfinite(lo))
        and (hi is None or _isfinite(hi))
    )


_isfinite = math.isfinite  # one global load per call: assess checks every score


def score_problem(s: object, subject: str) -> ResultProblem | None:
    """What is wrong with *s* as an item of a ``riskcore_assess`` result about
    *subject*, or ``None``.

    A score must be a :class:`~riskcore.model.Score` about *subject* with a
    finite value, minimum and maximum (``inf`` or ``NaN`` would be written as
    ``Infinity``/``NaN``, which is not JSON, and compare as no number does).

    Examples
    --------
    >>> from riskcore.model import SubjectKind
    >>> ok = Score(subject="c-1", subject_kind=SubjectKind.CLIENT, instrument="x",
    ...            value=3)
    >>> score_problem(ok, "c-1") is None
    True
    >>> score_problem(ok, "c-2")
    ResultProblem(check='subject', text='returned a score about another subject', error=None)
    """
    if type(s) is not Score and not isinstance(s, Score):
        return ResultProblem("result", f"returned a {type(s).__name__}, expected Score")
    if s.subject != subject:
        return ResultProblem("subject", "returned a score about another subject")
    if not finite_score(s):
        return ResultProblem(
            "result", "returned a score with a non-finite value, minimum or maximum"
        )
    return None


def factor_problem(
    f: object,
    subject: Subject,
    threats: Mapping[str, Threat] | None,
    *,
    where: str,
) -> ResultProblem | None:
    """What is wrong with *f* as an item of a ``riskcore_risk_factors`` result
    about *subject*, or ``None``.

    A factor must be a :class:`~riskcore.model.RiskFactor` about *subject*, on a
    threat of the catalog (*threats*, by id; ``None`` skips the two catalog
    checks) whose scope is the subject's kind. *where* names the item in the
    :class:`~riskcore.errors.FieldError` (``"plugin.factors[0]"``).

    Examples
    --------
    >>> from riskcore.model import Client, RiskFactor, Severity, SubjectKind, Threat
    >>> c = Client(id="c-1")
    >>> t = Threat(id="t", name="T", scope=SubjectKind.CLIENT, category="x",
    ...            base_likelihood=0.1, impact=Severity(value=3))
    >>> f = RiskFactor(threat="t", subject="c-1", odds_ratio=2.0,
    ...                reason="r")
    >>> factor_problem(f, c, {"t": t}, where="p.factors[0]") is None
    True
    >>> factor_problem(f, c, {}, where="p.factors[0]").text
    "returned a factor on unknown threat 't'"
    """
    if not isinstance(f, RiskFactor):
        return ResultProblem(
            "result", f"returned a {type(f).__name__}, expected RiskFactor"
        )
    if f.subject != subject.id:
        return ResultProblem("subject", "returned a factor about another subject")
    if threats is None:
        return None
    t = threats.get(f.threat)
    if t is None:
        return ResultProblem(
            "threats",
            f"returned a factor on unknown threat {f.threat!r}",
            FieldError(
                f"{where}.threat",
                f.threat,
                f"is not a threat in the catalog (subject {subject.id})",
            ),
        )
    if t.scope is not subject.KIND:
        return ResultProblem(
            "threats",
            f"returned a factor on threat {f.threat!r}, which has no risk for a "
            f"{subject.KIND.value}",
            FieldError(
                f"{where}.threat",
                f.threat,
                f"has scope {t.scope.value}, not {subject.KIND.value} "
                f"(subject {subject.id})",
            ),
        )
    return None


def check_factors(
    result: object,
    subject: Subject,
    threats: Mapping[str, Threat],
    *,
    plugin: str,
) -> list[RiskFactor] | ResultProblem:
    """A ``riskcore_risk_factors`` result about *subject* as a list, or its first
    problem: the type and subject of every item first, then their threats.

    Examples
    --------
    >>> from riskcore.model import Client
    >>> check_factors(None, Client(id="c-1"), {}, plugin="p")
    []
    >>> check_factors([3], Client(id="c-1"), {}, plugin="p").text
    'returned a int, expected RiskFactor'
    """
    got = result_items(result, "RiskFactor", "factors")
    if isinstance(got, ResultProblem):
        return got
    for f in got:
        problem = factor_problem(f, subject, None, where=plugin)
        if problem is not None:
            return problem
    for i, f in enumerate(got):
        problem = factor_problem(f, subject, threats, where=f"{plugin}.factors[{i}]")
        if problem is not None:
            return problem
    return got


def check_lifts(result: object) -> dict[str, tuple[str, ...]] | ResultProblem:
    """A ``riskcore_critical_lifts`` result as flag-code prefix → categories
    (``None`` is an empty one), or what is wrong with it.

    Examples
    --------
    >>> check_lifts({"cssrs.": ["self-harm"]})
    {'cssrs.': ('self-harm',)}
    >>> check_lifts({"cssrs.": "self-harm"}).text
    "returned categories for 'cssrs.' as str, expected a list of category ids"
    """
    if result is None:
        return {}
    if not isinstance(result, Mapping):
        return ResultProblem(
            "result",
            f"returned {type(result).__name__}, expected a mapping of flag-code "
            "prefix to threat categories",
        )
    out: dict[str, tuple[str, ...]] = {}
    for prefix, cats in result.items():
        if type(prefix) is not str or not prefix:
            return ResultProblem(
                "result", "returned a key that is not a non-empty flag-code prefix"
            )
        if isinstance(cats, (str, bytes)) or not isinstance(cats, Iterable):
            return ResultProblem(
                "result",
                f"returned categories for {prefix!r} as {type(cats).__name__}, "
                "expected a list of category ids",
            )
        got = tuple(cats)
        if not got or not all(type(c) is str and c for c in got):
            return ResultProblem(
                "result",
                f"returned categories for {prefix!r} that are not category ids",
            )
        out[prefix] = got
    return out


def check_sections(
    result: object, taken: Iterable[str] = ()
) -> list[ReportSection] | ResultProblem:
    """A ``riskcore_report_sections`` result as a list of sections (``None`` is
    an empty one), or what is wrong with it: an item that is not a
    :class:`~riskcore.model.ReportSection`, or a key used twice (*taken*: the
    keys of sections already in the report).

    Examples
    --------
    >>> s = ReportSection(key="x.note", title="Note", paragraphs=["Text."])
    >>> [x.key for x in check_sections([s])]
    ['x.note']
    >>> check_sections(["<h2>Note</h2>"]).text
    'returned a str, expected ReportSection objects (plain data, no markup)'
    >>> check_sections([s], taken=["x.note"]).text
    "returned a section whose key 'x.note' another section has"
    """
    got = result_items(result, "ReportSection", "sections")
    if isinstance(got, ResultProblem):
        return got
    seen = set(taken)
    for s in got:
        if not isinstance(s, ReportSection):
            return ResultProblem(
                "result",
                f"returned a {type(s).__name__}, expected ReportSection objects "
                "(plain data, no markup)",
            )
        if s.key in seen:
            return ResultProblem(
                "result", f"returned a section whose key {s.key!r} another section has"
            )
        seen.add(s.key)
    return got
