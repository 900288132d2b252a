"""Generated practices (riskcore.testing.practice) and the indexes that keep the
pipeline linear in the number of clients (issue #16)."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from riskcore import assess, load_case
from riskcore.io import dumps
from riskcore.model import Case
from riskcore.testing.practice import generate_practice, instrument_specs

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "longmont-practice.yaml"


@pytest.fixture(scope="module")
def template() -> Case:
    return load_case(EXAMPLE)


def test_generated_practice_is_reproducible(template: Case) -> None:
    a = generate_practice(template, 30, seed=7)
    assert dumps(a) == dumps(generate_practice(template, 30, seed=7))
    assert dumps(a) != dumps(generate_practice(template, 30, seed=8))


def test_generated_practice_copies_the_template_block_by_block(template: Case) -> None:
    per_block = len(template.clients)
    n = 2 * per_block + 5  # two whole blocks and a partial one
    case = generate_practice(template, n, seed=1)
    assert len(case.clients) == n
    assert len(case.professionals) == 3 * len(template.professionals)
    assert case.budget == template.budget * 3  # type: ignore[operator]
    for i, c in enumerate(case.clients):
        model = template.clients[i % per_block]
        assert c.protected == model.protected
        assert c.context == model.context
        # the clinician is the block's copy of the template clinician
        block = i // per_block
        j = [p.id for p in template.professionals].index(model.clinician)
        assert (
            c.clinician
            == case.professionals[block * len(template.professionals) + j].id
        )
        got = [r.instrument for r in case.responses_for(c.id)]
        assert got == [r.instrument for r in template.responses_for(model.id)]
    # an observation is copied for every copy of its subject (the partial block
    # has clients c-01..c-05 only, so c-07's are copied twice); the practice's once
    kinds = {p.id: "pro" for p in template.professionals}
    copies = {"pro": 3, "practice": 1}
    clients = [c.id for c in template.clients]
    expected = 0
    for o in template.observations:
        if o.subject in kinds:
            expected += copies["pro"]
        elif o.subject in clients:
            expected += 3 if clients.index(o.subject) < 5 else 2
        else:
            expected += copies["practice"]
    assert len(case.observations) == expected


def test_generated_answers_are_valid_and_random(template: Case) -> None:
    specs = instrument_specs()
    case = generate_practice(template, 60, seed=3)
    changed = 0
    originals = {(r.instrument, tuple(r.items)) for r in template.responses}
    for r in case.responses:
        spec = specs.get(r.instrument)
        assert (r.instrument, tuple(r.items)) in originals  # same items answered
        if spec is None:
            continue
        scale = {i.id: (i.minimum, i.maximum) for i in spec.items}
        for key, value in r.items.items():
            if value is None:
                continue
            lo, hi = scale[key]
            assert isinstance(value, int)
            assert lo <= value <= hi
    template_answers = [dict(r.items) for r in template.responses]
    changed = sum(dict(r.items) not in template_answers for r in case.responses)
    assert changed > len(case.responses) // 2


def test_generated_practice_assesses_like_copies_of_the_template(
    template: Case,
) -> None:
    # the template's incomplete scores (c-09's unanswered items) are copied once
    # per block, and nothing else goes missing
    case = generate_practice(template, 3 * len(template.clients), seed=5)
    assert len(assess(case).incomplete_reasons) == 3 * len(
        assess(template).incomplete_reasons
    )


def test_generate_practice_refuses_nonsense(template: Case) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generate_practice(template, 0)
    with pytest.raises(ValueError, match="no clients"):
        generate_practice(
            attrs.evolve(template, clients=(), responses=(), observations=()), 3
        )
