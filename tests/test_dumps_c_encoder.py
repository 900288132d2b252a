"""``riskcore.io.dumps`` without ``indent`` encodes in one call (issue #17).

It used to join ``JSONEncoder.iterencode``'s pieces, which is the standard
library's pure-Python encoder; ``encode`` takes the C encoder. The text must be
the same: the register stores a run's plan as this text and hashes it.
"""

from __future__ import annotations

from pathlib import Path

import riskcore
from riskcore import io
from riskcore.model import Source

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "longmont-practice.yaml"


def test_dumps_is_the_streamed_text_for_every_result_of_a_run() -> None:
    case = riskcore.load_case(EXAMPLE)
    report = riskcore.build_plan(case, n=200, seed=3)
    objects = [
        case,
        report.plan,
        report.assessment,
        report.register,
        report.catalog,
        report.obligations,
        Source(citation="Zoë’s “manual” — ☃ 1e-07 \u0085 \x00"),
    ]
    for obj in objects:
        assert io.dumps(obj) == "".join(io.iter_json(obj))
    text = io.dumps(objects[-1])
    assert "Zoë’s “manual” — ☃" in text  # not escaped (ensure_ascii=False)
    assert "\\u0000" in text  # control characters escaped, nothing else
    assert "\x85" in text
