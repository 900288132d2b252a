"""Every catalog number is labelled: sourced or illustrative.

A number in a catalog is a default a practice should be able to trace. Each one
must carry one of two labels:

* **sourced**: the item's ``source`` supports *that* number, and the source's
  ``note`` says which figure was taken and how it was converted. The item lists
  the number in ``sourced`` (an item with ``illustrative: false`` and an empty
  ``sourced`` list claims that the source supports all of its numbers);
* **illustrative**: the item is ``illustrative: true`` and the number is not in
  ``sourced``. If the item has a ``source``, its ``note`` must say that the
  source is of the measure, not of the number (a bare citation beside an
  illustrative number reads as if it supported it).

The numbers of an item (:func:`numbers`) are a threat's ``base_likelihood`` and
``impact``; a mitigation's ``reduces.<threat>`` effect sizes, ``cost``,
``hours`` and ``duration_days``; a response's ``recovers.<threat>`` effect
sizes. A response's ``time_to_act_hours`` is a policy target, not an estimate.

:func:`unlabelled_numbers` is the one owner of this rule: ``riskcore catalog
validate`` and the test-suite both call it.

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import Literal, TypeAlias

from riskcore.model import Catalog, Mitigation, Response, Threat
from riskcore.model.distributions import Param

__all__ = ["Item", "Label", "label", "numbers", "unlabelled_numbers"]

Label = Literal["sourced", "illustrative"]
"""The two labels a catalog number may carry."""

Item: TypeAlias = Threat | Mitigation | Response


def numbers(item: Item) -> tuple[tuple[str, Param], ...]:
    """The numbers of a catalog item, by name, in a stable order.

    Examples
    --------
    >>> from riskcore.model import Mitigation
    >>> from riskcore.model.catalog import Effect
    >>> m = Mitigation(id="m", name="M", category="c", cost=10,
    ...                reduces=[Effect(threat="t", effectiveness=0.2)])
    >>> [name for name, _ in numbers(m)]
    ['reduces.t', 'cost', 'hours', 'duration_days']
    """
    if isinstance(item, Threat):
        screened = (
            (("unscreened_odds_ratio", item.unscreened_odds_ratio),)
            if item.screened_by
            else ()
        )
        return (
            ("base_likelihood", item.base_likelihood),
            ("impact", item.impact.value),
            *screened,
        )
    if isinstance(item, Mitigation):
        return (
            *((f"reduces.{e.threat}", e.effectiveness) for e in item.reduces),
            ("cost", item.cost),
            ("hours", item.hours),
            ("duration_days", item.duration_days),
        )
    return tuple((f"recovers.{e.threat}", e.effectiveness) for e in item.recovers)


def _has_note(item: Item) -> bool:
    return item.source is not None and bool((item.source.note or "").strip())


def label(item: Item, name: str) -> Label | None:
    """The label of the number *name* of *item*, or ``None`` if it has none.

    Examples
    --------
    >>> from riskcore.model import Severity, Source, SubjectKind, Threat
    >>> t = Threat(id="t", name="T", category="c", scope=SubjectKind.CLIENT,
    ...            base_likelihood=0.2, impact=Severity(value=3),
    ...            source=Source(citation="Study (2020)",
    ...                          note="20 % prevalence, read as a one-year probability"),
    ...            sourced=["base_likelihood"])
    >>> label(t, "base_likelihood"), label(t, "impact")
    ('sourced', 'illustrative')
    >>> bare = Threat(id="t", name="T", category="c", scope=SubjectKind.CLIENT,
    ...               base_likelihood=0.2, impact=Severity(value=3),
    ...               source=Source(citation="Study (2020)"), illustrative=False)
    >>> label(bare, "base_likelihood") is None  # no note: which figure, how converted?
    True
    """
    claims_all = not item.illustrative and not item.sourced
    if name in item.sourced or claims_all:
        return "sourced" if _has_note(item) else None
    if item.illustrative and (item.source is None or _has_note(item)):
        return "illustrative"
    return None


def unlabelled_numbers(catalog: Catalog) -> list[str]:
    """Field paths of the catalog numbers that have neither label.

    Also lists ``sourced`` entries that name no number of their item (a typo
    would otherwise claim a source for nothing). Paths name items by id, never
    free text: ``threats[burnout].base_likelihood``.

    Examples
    --------
    >>> from riskcore.model import Catalog, Severity, SubjectKind, Threat
    >>> ok = Threat(id="a", name="A", category="c", scope=SubjectKind.CLIENT,
    ...             base_likelihood=0.1, impact=Severity(value=2))
    >>> unlabelled_numbers(Catalog(threats=[ok]))
    []
    >>> bad = Threat(id="b", name="B", category="c", scope=SubjectKind.CLIENT,
    ...              base_likelihood=0.1, impact=Severity(value=2),
    ...              illustrative=False, sourced=["base_likelyhood"])
    >>> unlabelled_numbers(Catalog(threats=[bad]))
    ['threats[b].base_likelihood', 'threats[b].impact', 'threats[b].sourced[0]']
    """
    out: list[str] = []
    groups: tuple[tuple[str, tuple[Item, ...]], ...] = (
        ("threats", catalog.threats),
        ("mitigations", catalog.mitigations),
        ("responses", catalog.responses),
    )
    for kind, items in groups:
        for item in items:
            names = [name for name, _ in numbers(item)]
            out += [
                f"{kind}[{item.id}].{name}"
                for name in names
                if label(item, name) is None
            ]
            out += [
                f"{kind}[{item.id}].sourced[{j}]"
                for j, name in enumerate(item.sourced)
                if name not in names
            ]
    return out
