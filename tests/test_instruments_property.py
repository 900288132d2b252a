"""The object, fused and columnar paths agree exactly, on random specs and answers."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from riskcore.errors import FieldError, InstrumentError
from riskcore.instruments import (
    Band,
    CriticalItem,
    InstrumentSpec,
    Item,
    Scale,
    Transform,
    score_items,
)
from riskcore.model import InstrumentResponse, SubjectKind
from riskcore.testing import paths_disagree


@st.composite
def specs(draw: st.DrawFn) -> InstrumentSpec:
    n = draw(st.integers(1, 12))
    items = []
    for i in range(n):
        lo = draw(st.integers(-2, 2))
        hi = lo + draw(st.integers(1, 6))
        items.append(Item(id=f"i{i}", minimum=lo, maximum=hi))
    ids = [it.id for it in items]
    reverse = draw(st.lists(st.sampled_from(ids), unique=True))
    method = draw(st.sampled_from(["sum", "mean"]))
    transform = draw(
        st.none()
        | st.builds(
            Transform,
            intercept=st.sampled_from([0.0, 100.0, 2.5, -1.0 / 3.0]),
            slope=st.sampled_from([1.0, -25.0, 0.1, 7.0 / 3.0]),
        )
    )
    total = draw(st.booleans())
    max_missing = draw(st.integers(0, n - 1))
    subscales = []
    if draw(st.booleans()) and n > 1:  # subscales that partition the items
        cut = draw(st.integers(1, n - 1))
        for s, members in enumerate([ids[:cut], ids[cut:]]):
            subscales.append(Scale(name=f"p{s}", items=members, max_missing=0))
    for s in range(draw(st.integers(0 if total or subscales else 1, 3))):
        members = draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
        subscales.append(
            Scale(
                name=f"s{s}",
                items=members,
                method=draw(st.sampled_from([None, "sum", "mean"])),
                max_missing=draw(
                    (st.none() if max_missing < len(members) else st.nothing())
                    | st.integers(0, len(members) - 1)
                ),
                factor=draw(st.sampled_from([1.0, 4.0, 0.3])),
            )
        )
    critical = []
    for j, it in enumerate(
        draw(st.lists(st.sampled_from(items), unique=True, max_size=2))
    ):
        critical.append(
            CriticalItem(
                item=it.id,
                threshold=draw(st.integers(it.minimum + 1, it.maximum)),
                code=f"flag-{j}",
                unanswered_code=draw(st.sampled_from([None, f"flag-{j}-unanswered"])),
            )
        )
    spec = InstrumentSpec(
        id="rand",
        name="Random",
        items=items,
        reverse=reverse,
        method=method,
        transform=transform,
        total=total,
        max_missing=max_missing,
        subscales=subscales,
        critical=critical,
    )
    # bands on the first scale, cut at random points inside its range
    first = spec.scale(spec.scale_names[0])
    k = draw(st.integers(0, 3))
    if k and first.maximum > first.minimum:
        cuts = sorted(
            set(
                draw(
                    st.lists(
                        st.floats(first.minimum, first.maximum), min_size=k, max_size=k
                    )
                )
            )
        )
        cuts = [c for c in cuts if c > first.minimum]
        edges: list[float | None] = [None, *cuts, None]
        bands = [
            Band(label=f"b{i}", lower=edges[i], upper=edges[i + 1])
            for i in range(len(edges) - 1)
        ]
        spec = attrs_evolve(spec, bands={first.name: bands})
    return spec


def attrs_evolve(spec: InstrumentSpec, **changes: Any) -> InstrumentSpec:
    import attrs

    return attrs.evolve(spec, **changes)


@st.composite
def spec_and_rows(draw: st.DrawFn) -> tuple[InstrumentSpec, list[list[float | None]]]:
    spec = draw(specs())
    rows = []
    for _ in range(draw(st.integers(1, 8))):
        row: list[float | None] = []
        for it in spec.items:
            row.append(draw(st.none() | st.integers(it.minimum, it.maximum).map(float)))
        rows.append(row)
    return spec, rows


def same(a: float | None, b: float) -> bool:
    return math.isnan(b) if a is None else a == b


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec_and_rows())
def test_object_and_columnar_paths_agree_exactly(
    case: tuple[InstrumentSpec, list[list[float | None]]],
) -> None:
    spec, rows = case
    arr = np.array(
        [[np.nan if v is None else v for v in row] for row in rows], dtype=np.float64
    )
    col = spec.score_array(arr)
    complete_rows = [r for r in rows if all(v is not None for v in r)]
    # complete integer rows also go through the integer fast path
    fast = (
        spec.score_array(np.array(complete_rows, dtype=np.int64))
        if complete_rows
        else None
    )
    # column-major int8 goes through the whole-column adds
    fcol = (
        spec.score_array(np.asfortranarray(np.array(complete_rows, dtype=np.int8)))
        if complete_rows
        else None
    )
    f = 0
    for i, row in enumerate(rows):
        obj = score_items(
            spec, dict(zip(spec.item_ids, row, strict=True)), subject="r-1"
        )
        for name in spec.scale_names:
            assert same(obj.values[name], col.values[name][i]), (name, obj.values, i)
            assert col.complete[name][i] == (obj.values[name] is not None)
            labels = spec.scale(name).labels
            if labels:
                assert col.band_labels(name)[i] == obj.bands[name]
        raised = {fl.code for fl in obj.flags}
        assert {c for c in spec.flag_codes if col.flags[c][i]} == raised
        assert col.answered[i] == obj.answered
        if fast is not None and obj.answered == len(spec.item_ids):
            for name in spec.scale_names:
                assert fast.values[name][f] == obj.values[name]
                assert fcol is not None
                assert fcol.values[name][f] == obj.values[name]
                assert fast.band_codes[name][f] == col.band_codes[name][i]
            assert {c for c in spec.flag_codes if fast.flags[c][f]} == raised
            f += 1


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec_and_rows(), st.data())
def test_lenient_bad_rows_do_not_poison_the_others(
    case: tuple[InstrumentSpec, list[list[float | None]]], data: st.DataObject
) -> None:
    spec, rows = case
    arr = np.array(
        [[np.nan if v is None else v for v in row] for row in rows], dtype=np.float64
    )
    clean = spec.score_array(arr)
    bad_rows = data.draw(
        st.lists(st.integers(0, len(rows) - 1), unique=True, min_size=1)
    )
    dirty = arr.copy()
    for r in bad_rows:
        j = data.draw(st.integers(0, len(spec.item_ids) - 1))
        it = spec.items[j]
        dirty[r, j] = data.draw(
            st.sampled_from([it.maximum + 1, it.minimum - 1, it.minimum + 0.5, np.inf])
        )
    out = spec.score_array(dirty, lenient=True)
    assert out.valid.tolist() == [i not in bad_rows for i in range(len(rows))]
    assert sorted(r for r, _ in out.errors()) == sorted(bad_rows)
    for i in range(len(rows)):
        # A bad row is scored as the object path scores it (issue 14): the bad
        # answer is an invalid item, the rest under the missing-data rule.
        items = dict(zip(spec.item_ids, dirty[i].tolist(), strict=True))
        items = {k: None if v != v else v for k, v in items.items()}
        obj = score_items(spec, items, subject="c-1")
        for name in spec.scale_names:
            if i in bad_rows:
                want = obj.values[name]
                got = out.values[name][i]
                assert (np.isnan(got) and want is None) or got == want
                assert bool(out.complete[name][i]) == (
                    want is not None and obj.missing[name] is None
                )
            else:
                assert np.array_equal(
                    out.values[name][i], clean.values[name][i], equal_nan=True
                )
                assert out.band_codes[name][i] == clean.band_codes[name][i]
        for code in spec.flag_codes:
            if i in bad_rows:
                assert out.flags[code][i] == (code in {f.code for f in obj.flags})
            else:
                assert out.flags[code][i] == clean.flags[code][i]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec_and_rows())
def test_fused_path_gives_the_scores_of_the_object_path(
    case: tuple[InstrumentSpec, list[list[float | None]]],
) -> None:
    # Complete rows take the compiled fast path of spec.to_scores; the rest fall
    # back to score_items. Either way the Score objects are equal.
    spec, rows = case
    for row in rows:
        items = {
            k: None if v is None else int(v)
            for k, v in zip(spec.item_ids, row, strict=True)
        }
        response = InstrumentResponse(instrument=spec.id, subject="r-1", items=items)
        expected = score_items(spec, items, subject="r-1").to_scores(
            SubjectKind.CLIENT, plugin="p"
        )
        assert spec.to_scores(response, SubjectKind.CLIENT, plugin="p") == expected
        assert paths_disagree(spec, [[math.nan if v is None else v for v in row]]) == []


@st.composite
def small_mixed_specs(draw: st.DrawFn) -> InstrumentSpec:
    """Few items of different ranges, prorating, fractional transforms."""
    n = draw(st.integers(2, 4))
    items = []
    for i in range(n):
        lo = draw(st.integers(-1, 2))
        items.append(Item(id=f"i{i}", minimum=lo, maximum=lo + draw(st.integers(1, 4))))
    return InstrumentSpec(
        id="mixed",
        name="Mixed",
        items=items,
        reverse=draw(st.lists(st.sampled_from([it.id for it in items]), unique=True)),
        method=draw(st.sampled_from(["sum", "mean"])),
        max_missing=draw(st.integers(0, n - 1)),
        transform=draw(
            st.none()
            | st.builds(
                Transform,
                intercept=st.sampled_from([0.0, -1.0 / 3.0, 0.1, 2.0 / 7.0]),
                slope=st.sampled_from([1.0, 1.0 / 3.0, -0.1, 1.0 / 7.0]),
            )
        ),
        subscales=[
            Scale(
                name="part",
                items=[items[0].id, items[-1].id],
                max_missing=draw(st.integers(0, 1)),
                factor=draw(st.sampled_from([1.0, 4.0, 0.3])),
            )
        ],
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_mixed_specs())
def test_scale_bounds_are_exactly_the_values_the_engine_can_reach(
    spec: InstrumentSpec,
) -> None:
    """Every answer pattern the missing-data rule allows scores within each
    scale's [minimum, maximum], and both bounds are reached (exhaustive)."""
    import itertools

    choices = [[None, *range(it.minimum, it.maximum + 1)] for it in spec.items]
    seen: dict[str, set[float]] = {name: set() for name in spec.scale_names}
    for answers in itertools.product(*choices):
        items = dict(zip(spec.item_ids, answers, strict=True))
        result = score_items(spec, items, subject="c-01")
        for name in spec.scale_names:
            v = result.values[name]
            if v is not None:
                assert spec.scale(name).minimum <= v <= spec.scale(name).maximum
                seen[name].add(v)
    for name, values in seen.items():
        assert min(values) == spec.scale(name).minimum
        assert max(values) == spec.scale(name).maximum


_CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 6),
    st.floats(allow_nan=False, min_value=-3, max_value=6),
    st.sampled_from([math.inf, -math.inf, 1.5, 2.0, "1", "x", b"1", 1j]),
)


def _object_path_accepts(spec: InstrumentSpec, row: list[Any]) -> bool:
    """True if the object path finds every answer valid (issue 14: an invalid
    answer is an invalid item, no longer an exception, except a non-finite
    number, which a case file refuses)."""
    try:
        response = InstrumentResponse(
            instrument=spec.id,
            subject="c-1",
            items=dict(zip(spec.item_ids, row, strict=True)),
        )
    except FieldError:
        return False
    return not score_items(spec, response.items, subject="c-1").invalid


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.lists(_CELLS, min_size=3, max_size=3), min_size=1, max_size=4))
def test_both_paths_reject_the_same_answers(rows: list[list[Any]]) -> None:
    """Finding 3 (issue 13): the columnar path rejects exactly the answers the
    object path (InstrumentResponse, then the engine) rejects: bools, strings,
    non-finite, non-integer and out-of-range codes; ``None`` is unanswered on
    both."""
    spec = InstrumentSpec(
        id="tri",
        name="Tri",
        items=[Item(id=str(i), minimum=0, maximum=3) for i in range(1, 4)],
        max_missing=1,
    )
    accepted = [_object_path_accepts(spec, row) for row in rows]
    out = spec.score_array(rows, lenient=True)
    assert out.valid.tolist() == accepted
    if all(accepted):
        assert spec.score_array(rows).valid.all()
    else:
        first = accepted.index(False)
        with pytest.raises(InstrumentError, match=rf"^tri: row {first}: item "):
            spec.score_array(rows)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec_and_rows(), st.data())
def test_reach_is_every_completion(
    case: tuple[InstrumentSpec, list[list[float | None]]], data: st.DataObject
) -> None:
    """Finding 3 (issue 13): ``reach`` gives exactly the range and the bands
    that answering the unanswered items could give, by brute force over every
    completion; the engine scores each completion."""
    import itertools

    spec, rows = case
    answers = dict(zip(spec.item_ids, rows[0], strict=True))
    name = data.draw(st.sampled_from(spec.scale_names))
    sp = spec.scale(name)
    free = [spec.item_ids[j] for j in sp.index if answers[spec.item_ids[j]] is None]
    ranges = [
        range(
            spec.items[spec.item_ids.index(k)].minimum,
            spec.items[spec.item_ids.index(k)].maximum + 1,
        )
        for k in free
    ]
    assume(math.prod(len(r) for r in ranges) <= 4000)
    values = []
    for codes in itertools.product(*ranges):
        filled = {**answers, **dict(zip(free, codes, strict=True))}
        v = score_items(spec, filled, subject="c-1").values[name]
        assert v is not None
        values.append(v)
    got = spec.reach(answers, name)
    assert (got.low, got.high) == (min(values), max(values))
    assert got.unanswered == len(free)
    seen = {spec.band_of(name, v) for v in values} - {None}
    assert got.bands == tuple(label for label in sp.labels if label in seen)
