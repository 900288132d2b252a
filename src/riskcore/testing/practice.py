"""Large generated practices for growth tests and scale benchmarks.

:func:`generate_practice` copies a template case (the Longmont example,
``examples/longmont-practice.yaml``) block by block: block ``b`` holds a copy
of every template professional and of every template client, with the same
instruments, the same protected attributes and context, the same clinician
(the block's copy of it) and the same observations, and with **random valid
answers** (seeded) to every instrument riskcore has a specification for
(``riskcore_instruments``): each answered item gets a code drawn uniformly from
the item's own ``minimum..maximum``; an item the template left unanswered stays
unanswered, so the template's incomplete assessments are copied too. Answers
to an instrument without a specification (a plugin scoring it in code) are
copied verbatim, so they are valid by construction.

Same template, size and seed: the same case, byte for byte.

>>> from riskcore.model import Case, Client, InstrumentResponse, Practice
>>> template = Case(
...     id="tiny", practice=Practice(id="p"),
...     clients=[Client(id="c-01")],
...     responses=[InstrumentResponse(instrument="gad7", subject="c-01",
...                                   items={str(i): 0 for i in range(1, 8)})],
... )
>>> case = generate_practice(template, 3, seed=1, specs={})
>>> [c.id for c in case.clients]
['c-000000', 'c-000001', 'c-000002']
>>> [r.subject for r in case.responses]
['c-000000', 'c-000001', 'c-000002']

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from riskcore.model import Case, Client, InstrumentResponse, Observation, Professional

if TYPE_CHECKING:
    from riskcore.instruments import InstrumentSpec
    from riskcore.plugins import PluginManager

__all__ = ["generate_practice", "instrument_specs"]


def instrument_specs(pm: PluginManager | None = None) -> dict[str, InstrumentSpec]:
    """Every instrument specification the plugins declare, by instrument id.

    >>> "phq9" in instrument_specs()
    True
    """
    from riskcore.plugins import get_plugin_manager

    pm = pm or get_plugin_manager()
    specs: dict[str, InstrumentSpec] = {}
    for outcome in pm.call_each("riskcore_instruments"):
        for spec in outcome.result or ():
            specs.setdefault(spec.id, spec)
    return specs


def generate_practice(
    template: Case,
    clients: int,
    *,
    seed: int = 0,
    specs: Mapping[str, InstrumentSpec] | None = None,
    scale_budget: bool = True,
) -> Case:
    """A practice of *clients* clients made of copies of *template*'s clients.

    Parameters
    ----------
    template:
        The case to copy (every client and professional of it is copied once
        per block of ``len(template.clients)`` clients).
    clients:
        How many clients the generated case has (the last block may be
        partial; it still has every professional).
    seed:
        Seed of the random answers.
    specs:
        Instrument specifications by id (default :func:`instrument_specs`);
        instruments without one keep the template's answers.
    scale_budget:
        Multiply the template's budget by the number of blocks, so the plan
        is as constrained per client as the template's.

    Returns
    -------
    Case
        Ids ``c-000000``... and ``t-000000``...; the practice, its
        observations and the case's other fields are the template's.
    """
    if clients < 1:
        raise ValueError("clients must be at least 1")
    if not template.clients:
        raise ValueError("the template has no clients to copy")
    specs = instrument_specs() if specs is None else specs
    rng = random.Random(seed)
    per_block = len(template.clients)
    blocks = math.ceil(clients / per_block)
    width = max(6, len(str(clients)))
    pros = template.professionals
    pro_index = {p.id: j for j, p in enumerate(pros)}
    client_index = {c.id: i for i, c in enumerate(template.clients)}
    by_subject: dict[str, list[InstrumentResponse]] = {}
    for r in template.responses:
        by_subject.setdefault(r.subject, []).append(r)
    obs_by_subject: dict[str, list[Observation]] = {}
    for o in template.observations:
        obs_by_subject.setdefault(o.subject, []).append(o)

    def client_id(block: int, i: int) -> str:
        return f"c-{block * per_block + i:0{width}d}"

    def pro_id(block: int, j: int) -> str:
        return f"t-{block * len(pros) + j:0{width}d}"

    def renamed(block: int, sid: str | None) -> str | None:
        if sid in client_index:
            n = block * per_block + client_index[sid]
            return client_id(block, client_index[sid]) if n < clients else None
        if sid in pro_index:
            return pro_id(block, pro_index[sid])
        return sid  # the practice (or an id outside the template): as it is

    def answers(r: InstrumentResponse) -> dict[str, object]:
        spec = specs.get(r.instrument)
        if spec is None:
            return dict(r.items)
        scale = {item.id: (item.minimum, item.maximum) for item in spec.items}
        out: dict[str, object] = {}
        for key, value in r.items.items():
            lo_hi = scale.get(key)
            out[key] = value if value is None or lo_hi is None else rng.randint(*lo_hi)
        return out

    new_pros: list[Professional] = []
    new_clients: list[Client] = []
    responses: list[InstrumentResponse] = []
    observations = [
        o for o in template.observations if renamed(0, o.subject) == o.subject
    ]
    for b in range(blocks):
        subjects = [(p.id, pro_id(b, j)) for j, p in enumerate(pros)]
        new_pros.extend(attrs.evolve(p, id=pro_id(b, j)) for j, p in enumerate(pros))
        for i, c in enumerate(template.clients):
            if b * per_block + i >= clients:
                break
            new_clients.append(
                attrs.evolve(c, id=client_id(b, i), clinician=renamed(b, c.clinician))
            )
            subjects.append((c.id, client_id(b, i)))
        for old, new in subjects:
            for r in by_subject.get(old, ()):
                responses.append(
                    attrs.evolve(
                        r,
                        subject=new,
                        about=renamed(b, r.about),
                        items=answers(r),
                    )
                )
            for o in obs_by_subject.get(old, ()):
                observations.append(attrs.evolve(o, subject=new))
    budget = template.budget
    if budget is not None and scale_budget:
        budget = budget * blocks
    return attrs.evolve(
        template,
        id=f"{template.id}-x{clients}",
        professionals=new_pros,
        clients=new_clients,
        responses=responses,
        observations=observations,
        budget=budget,
    )
