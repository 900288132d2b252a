"""A plugin's section of the report: a title and plain data, no markup.

A plugin returns :class:`ReportSection` objects from
:func:`~riskcore.hookspecs.riskcore_report_sections`; the report puts them in
its one context, so the HTML, Markdown and JSON reports show the same section.
A section holds text, never HTML or Markdown: every format escapes it.

A duty's checklist is shown as groups, "do all of" and "or one of"
(:class:`ChecklistGroup`); :func:`checklist_steps` is the one rule that groups a
checklist by its items' ``any_of`` alternatives (the report's own duty list
uses it too).

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from attrs import field, frozen

from riskcore.errors import FieldError
from riskcore.model._fields import ident, ident_tuple, text, to_tuple
from riskcore.model.obligations import ChecklistItem

__all__ = ["ChecklistGroup", "ReportSection", "alternative_groups", "checklist_steps"]

_MAX = 2000


def _strings(name: str, values: Sequence[object]) -> None:
    for i, v in enumerate(values):
        if not isinstance(v, str):
            raise FieldError(f"{name}[{i}]", v, "is not a string")
        if len(v) > _MAX:
            raise FieldError(f"{name}[{i}]", v, f"is longer than {_MAX} characters")


def _rows(rows: Iterable[Iterable[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(to_tuple(r) for r in to_tuple(rows))


@frozen(kw_only=True)
class ChecklistGroup:
    """One step of a checklist: do all of its items, or (``one-of``) one of them.

    >>> ChecklistGroup(kind="one-of", items=["Call the police", "Hospitalise"]).items
    ('Call the police', 'Hospitalise')
    """

    kind: str = field()
    """``"all-of"`` or ``"one-of"``."""
    items: tuple[str, ...] = field(converter=to_tuple)

    def __attrs_post_init__(self) -> None:
        if self.kind not in ("all-of", "one-of"):
            raise FieldError("kind", self.kind, "is not 'all-of' or 'one-of'")
        if not self.items:
            raise FieldError("items", (), "is empty: a step has at least one item")
        _strings("items", self.items)


@frozen(kw_only=True)
class ReportSection:
    """A titled section a plugin adds to the report.

    Parameters
    ----------
    key:
        A stable id, unique in the report (``"us-co.duty-to-warn"``): the
        section's anchor in HTML and its key in JSON.
    title:
        The heading.
    paragraphs:
        Text, one paragraph each.
    columns, rows:
        A table: its header and rows of cells (each row as long as *columns*).
    checklist:
        Steps, in order, as :class:`ChecklistGroup` objects.
    obligations:
        Ids of the :class:`~riskcore.model.Obligation` rules whose checklist
        this section presents: the report's duty list then points here instead
        of repeating it. If the section is missing (its plugin failed), the
        duty list shows the checklist itself.

    Examples
    --------
    >>> s = ReportSection(key="x.note", title="Note", paragraphs=["Check the text."],
    ...                   columns=["Client", "Status"], rows=[["c-01", "arises"]])
    >>> s.rows
    (('c-01', 'arises'),)
    >>> ReportSection(key="x", title="T", columns=["a"], rows=[["1", "2"]])
    Traceback (most recent call last):
    ...
    riskcore.errors.FieldError: rows[0]: <redacted: a list of 2 items> has 2 cells, but columns has 1
    """

    key: str = ident()
    title: str = text(max_length=200)
    paragraphs: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    columns: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    rows: tuple[tuple[str, ...], ...] = field(factory=tuple, converter=_rows)
    checklist: tuple[ChecklistGroup, ...] = field(factory=tuple, converter=to_tuple)
    obligations: tuple[str, ...] = ident_tuple()

    def __attrs_post_init__(self) -> None:
        if not self.title.strip():
            raise FieldError("title", self.title, "is empty: give the section a title")
        _strings("paragraphs", self.paragraphs)
        _strings("columns", self.columns)
        for i, row in enumerate(self.rows):
            _strings(f"rows[{i}]", row)
            if len(row) != len(self.columns):
                raise FieldError(
                    f"rows[{i}]",
                    row,
                    f"has {len(row)} cells, but columns has {len(self.columns)}",
                )
        for i, g in enumerate(self.checklist):
            if not isinstance(g, ChecklistGroup):
                raise FieldError(f"checklist[{i}]", g, "is not a ChecklistGroup")
        if not (self.paragraphs or self.rows or self.checklist):
            raise FieldError("paragraphs", (), "is empty: the section has no content")


def alternative_groups(
    items: Sequence[tuple[str, Sequence[str]]],
) -> list[tuple[Literal["all-of", "one-of"], list[int]]]:
    """Group ``(id, any_of)`` pairs into steps: the one grouping rule.

    Items that name each other in ``any_of`` are one ``one-of`` step; every other
    item is an ``all-of`` step of its own. Steps keep the order (a group sits
    where its first item is). Returns each step's kind and item positions.

    >>> alternative_groups([("warn", ()), ("police", ("hosp",)), ("hosp", ("police",))])
    [('all-of', [0]), ('one-of', [1, 2])]
    """
    known = {cid for cid, _ in items}
    group_of: dict[str, int] = {}
    steps: list[tuple[Literal["all-of", "one-of"], list[int]]] = []
    for pos, (cid, any_of) in enumerate(items):
        if cid in group_of:
            steps[group_of[cid]][1].append(pos)
            continue
        alternatives = [a for a in any_of or () if a in known]
        if not alternatives:
            steps.append(("all-of", [pos]))
            continue
        group_of[cid] = len(steps)
        for a in alternatives:
            group_of.setdefault(a, len(steps))
        steps.append(("one-of", [pos]))
    return steps


def checklist_steps(
    checklist: Sequence[ChecklistItem], *, detail: bool = False
) -> tuple[ChecklistGroup, ...]:
    """An obligation's checklist as :class:`ChecklistGroup` steps: item titles,
    with their detail after a dash if *detail*.

    >>> steps = checklist_steps([
    ...     ChecklistItem(id="warn", title="Warn", detail="In person."),
    ...     ChecklistItem(id="police", title="Police", any_of=["hosp"]),
    ...     ChecklistItem(id="hosp", title="Hospital", any_of=["police"])])
    >>> [(s.kind, s.items) for s in steps]
    [('all-of', ('Warn',)), ('one-of', ('Police', 'Hospital'))]
    >>> checklist_steps([ChecklistItem(id="w", title="Warn", detail="In person.")],
    ...                 detail=True)[0].items
    ('Warn — In person.',)
    """

    def words(c: ChecklistItem) -> str:
        return f"{c.title} — {c.detail}" if detail and c.detail else c.title

    return tuple(
        ChecklistGroup(kind=kind, items=[words(checklist[i]) for i in positions])
        for kind, positions in alternative_groups([(c.id, c.any_of) for c in checklist])
    )
