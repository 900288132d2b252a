"""Hypothesis strategies built from an :class:`~riskcore.instruments.InstrumentSpec`.

Reuse them in your own property tests; the conformance kit
(:func:`riskcore.testing.check_assessor`) draws its inputs from them.

* :func:`item_answers`, :func:`responses`: every item answered with a valid code;
* :func:`responses_with_missing`: some items unanswered (``None``) or absent;
* :func:`invalid_responses`: at least one answer riskcore must reject (a code out
  of the item's range, a non-integral number, or an item the instrument does not
  have);
* :func:`protected_attributes`, :func:`clients`, :func:`professionals`,
  :func:`subjects`: subjects with random protected attributes.

Requires ``hypothesis`` (``pip install riskcore[testing]``).

.. versionadded:: 0.1
"""

from __future__ import annotations

import math

from hypothesis import strategies as st

from riskcore.instruments import InstrumentSpec
from riskcore.model import (
    Client,
    InstrumentResponse,
    Practice,
    Professional,
    ProtectedAttributes,
    Subject,
    SubjectKind,
)

__all__ = [
    "LANGUAGES",
    "answer_matrices",
    "clients",
    "invalid_responses",
    "item_answers",
    "professionals",
    "protected_attributes",
    "responses",
    "responses_with_missing",
    "subjects",
]

LANGUAGES = ("en", "es", "fr", "ar", "zh", "vi", "so", "pt-BR", "en-GB")
"""Language tags drawn for protected attributes and professionals."""

_WORDS = st.sampled_from(
    ["Latinx", "Somali", "Vietnamese", "Arab", "White", "Black", "Mixed", "Other"]
)
_RELIGIONS = st.sampled_from(["none", "Muslim", "Christian", "Jewish", "Buddhist"])
_GENDERS = st.sampled_from(["woman", "man", "non-binary", "transgender woman"])


def item_answers(spec: InstrumentSpec) -> st.SearchStrategy[dict[str, int | None]]:
    """Every item of *spec* answered with a code in its range.

    >>> from riskcore.instruments import InstrumentSpec, uniform_items
    >>> spec = InstrumentSpec(id="demo", name="Demo", items=uniform_items(2, 0, 3))
    >>> from hypothesis import given
    >>> @given(item_answers(spec))
    ... def t(items):
    ...     assert sorted(items) == ["1", "2"] and all(0 <= v <= 3 for v in items.values())
    >>> t()
    """
    return st.fixed_dictionaries(
        {
            i.id: st.integers(min_value=i.minimum, max_value=i.maximum)
            for i in spec.items
        }
    )


def responses(
    spec: InstrumentSpec, *, subject: str = "c-1"
) -> st.SearchStrategy[InstrumentResponse]:
    """Complete, valid responses to *spec* by *subject*.

    >>> from riskcore.instruments import InstrumentSpec, uniform_items
    >>> spec = InstrumentSpec(id="demo", name="Demo", items=uniform_items(3, 1, 5))
    >>> from hypothesis import given
    >>> @given(responses(spec))
    ... def t(r):
    ...     assert spec.score(r).complete
    >>> t()
    """
    return item_answers(spec).map(
        lambda items: InstrumentResponse(
            instrument=spec.id, subject=subject, items=dict(items)
        )
    )


def responses_with_missing(
    spec: InstrumentSpec, *, subject: str = "c-1", min_missing: int = 1
) -> st.SearchStrategy[InstrumentResponse]:
    """Valid responses with at least *min_missing* items unanswered or absent.

    An unanswered item is either ``None`` or left out of ``items``; riskcore
    treats both the same way (never as the lowest answer).

    >>> from riskcore.instruments import InstrumentSpec, uniform_items
    >>> spec = InstrumentSpec(id="demo", name="Demo", items=uniform_items(3, 0, 3))
    >>> from hypothesis import given
    >>> @given(responses_with_missing(spec))
    ... def t(r):
    ...     assert r.answered < 3 and not spec.score(r).complete
    >>> t()
    """
    ids = [i.id for i in spec.items]
    min_missing = max(1, min(min_missing, len(ids)))

    @st.composite
    def build(draw: st.DrawFn) -> InstrumentResponse:
        items = draw(item_answers(spec))
        missing = draw(
            st.lists(
                st.sampled_from(ids),
                min_size=min_missing,
                max_size=len(ids),
                unique=True,
            )
        )
        out: dict[str, int | None] = dict(items)
        for k in missing:
            if draw(st.booleans()):
                out[k] = None
            else:
                del out[k]
        return InstrumentResponse(instrument=spec.id, subject=subject, items=out)

    return build()


def invalid_responses(
    spec: InstrumentSpec, *, subject: str = "c-1"
) -> st.SearchStrategy[InstrumentResponse]:
    """Responses with one invalid answer: the engine marks that item invalid.

    The bad answer is a code just outside the item's range (or far outside), a
    non-integral number inside the range, or an answer to an item the instrument
    does not have. Since issue 14 an invalid answer invalidates its item, not
    the response: :func:`~riskcore.instruments.score_items` lists it in
    ``invalid`` and the result is not complete.

    >>> from riskcore.instruments import InstrumentSpec, uniform_items
    >>> spec = InstrumentSpec(id="demo", name="Demo", items=uniform_items(2, 0, 3))
    >>> from hypothesis import given
    >>> @given(invalid_responses(spec))
    ... def t(r):
    ...     result = spec.score(r)
    ...     assert result.invalid and not result.complete
    >>> t()
    """
    by_id = {i.id: i for i in spec.items}
    ids = list(by_id)

    @st.composite
    def build(draw: st.DrawFn) -> InstrumentResponse:
        items: dict[str, int | float | None] = dict(draw(item_answers(spec)))
        how = draw(st.sampled_from(["below", "above", "fraction", "unknown"]))
        k = draw(st.sampled_from(ids))
        item = by_id[k]
        if how == "below":
            items[k] = item.minimum - draw(st.integers(min_value=1, max_value=100))
        elif how == "above":
            items[k] = item.maximum + draw(st.integers(min_value=1, max_value=100))
        elif how == "fraction":
            items[k] = item.minimum + 0.5
        else:
            n = draw(st.integers(min_value=1, max_value=999))
            unknown = f"not-an-item-{n}"
            items[unknown] = item.minimum
        return InstrumentResponse(instrument=spec.id, subject=subject, items=items)

    return build()


def protected_attributes() -> st.SearchStrategy[ProtectedAttributes]:
    """Random :class:`~riskcore.model.ProtectedAttributes` (any field may be unset).

    >>> from hypothesis import given
    >>> @given(protected_attributes())
    ... def t(p):
    ...     assert isinstance(p, ProtectedAttributes)
    >>> t()
    """
    return st.builds(
        ProtectedAttributes,
        culture=st.none() | _WORDS,
        ethnicity=st.none() | _WORDS,
        religion=st.none() | _RELIGIONS,
        languages=st.lists(st.sampled_from(LANGUAGES), max_size=3, unique=True).map(
            tuple
        ),
        gender=st.none() | _GENDERS,
    )


def clients(
    *, id: str = "c-1", clinician: str | None = None
) -> st.SearchStrategy[Client]:
    """Clients with random protected attributes.

    >>> from hypothesis import given
    >>> @given(clients(clinician="t-1"))
    ... def t(c):
    ...     assert c.id == "c-1" and c.clinician == "t-1"
    >>> t()
    """
    return st.builds(
        Client,
        id=st.just(id),
        clinician=st.just(clinician),
        protected=protected_attributes(),
    )


def professionals(*, id: str = "t-1") -> st.SearchStrategy[Professional]:
    """Professionals with random languages, caseload and training hours.

    >>> from hypothesis import given
    >>> @given(professionals())
    ... def t(p):
    ...     assert p.id == "t-1"
    >>> t()
    """
    return st.builds(
        Professional,
        id=st.just(id),
        languages=st.lists(st.sampled_from(LANGUAGES), max_size=3, unique=True).map(
            tuple
        ),
        caseload=st.none() | st.integers(min_value=0, max_value=60).map(float),
        cultural_training_hours=st.none()
        | st.integers(min_value=0, max_value=80).map(float),
    )


def subjects(kind: SubjectKind) -> st.SearchStrategy[Subject]:
    """Subjects of one kind (clients and professionals with random attributes).

    >>> from hypothesis import given
    >>> @given(subjects(SubjectKind.PRACTICE))
    ... def t(s):
    ...     assert s.KIND is SubjectKind.PRACTICE
    >>> t()
    """
    if kind is SubjectKind.CLIENT:
        return clients()
    if kind is SubjectKind.PROFESSIONAL:
        return professionals()
    return st.just(Practice(id="p"))


@st.composite
def answer_matrices(
    draw: st.DrawFn, spec: InstrumentSpec, *, max_rows: int = 8, missing: float = 0.1
) -> list[list[float]]:
    """Rows of answers for the columnar path: item order, ``NaN`` = unanswered.

    Each answer is a valid code of its item; roughly a fraction *missing* of the
    answers are left out, so prorating limits and incomplete scales are hit.

    >>> from hypothesis import given, settings
    >>> from riskcore.instruments import InstrumentSpec, uniform_items
    >>> from riskcore.testing import paths_disagree
    >>> spec = InstrumentSpec(id="toy", name="Toy", items=uniform_items(3, 0, 4))
    >>> @settings(max_examples=20)
    ... @given(answer_matrices(spec))
    ... def test_paths_agree(rows):
    ...     assert paths_disagree(spec, rows) == []
    >>> test_paths_agree()
    """
    rows = draw(st.integers(1, max_rows))
    every = max(1, round(1 / missing)) if missing > 0 else 0
    out = []
    for _ in range(rows):
        row = []
        for item in spec.items:
            gone = every > 0 and draw(st.integers(0, every - 1)) == 0
            value = draw(st.integers(item.minimum, item.maximum))
            row.append(math.nan if gone else float(value))
        out.append(row)
    return out
