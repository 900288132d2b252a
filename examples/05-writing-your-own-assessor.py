# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Writing your own assessor
#
# An assessor is a pluggy plugin: an object with `@hookimpl` methods. Here a
# tiny one scores a made-up "check-in mood" item for every client, and is
# registered in the notebook with `PluginManager(plugins=[...])`, next to the
# installed plugins. For a real package see the plugin tutorial.

# %%
from pathlib import Path

import riskcore
from riskcore import hookimpl
from riskcore.model import AssessorInfo, Flag, FlagLevel, Score, SubjectKind


class MoodCheck:
    """Scores the mood item 0-10 of a "mood-check" response; 2 or less is flagged."""

    @hookimpl
    def riskcore_assessor_info(self):
        return AssessorInfo(
            name="mood-check",
            instruments=["mood-check"],
            subject_kinds=[SubjectKind.CLIENT],
        )

    @hookimpl
    def riskcore_assess(self, subject, case):
        if subject.KIND is not SubjectKind.CLIENT:
            return None
        out = []
        for r in case.responses_for(subject.id):
            if r.instrument != "mood-check":
                continue
            value = r.items.get("1")
            flags = []
            if value is not None and value <= 2:
                flags.append(
                    Flag(
                        code="mood-check.low",
                        level=FlagLevel.WARNING,
                        message="low mood at check-in",
                        escalation="review at next session",
                    )
                )
            out.append(
                Score(
                    subject=subject.id,
                    subject_kind=SubjectKind.CLIENT,
                    instrument="mood-check",
                    value=value,
                    minimum=0,
                    maximum=10,
                    flags=flags,
                    missing_reason=None
                    if value is not None
                    else "mood item unanswered",
                )
            )
        return out


# %% [markdown]
# Add two synthetic check-ins to the example case and assess with the plugin.

# %%
import attrs

from riskcore.model import InstrumentResponse

HERE = Path(__file__).parent if "__file__" in globals() else Path()
case = riskcore.load_case(HERE / "longmont-practice.yaml")
extra = [
    InstrumentResponse(instrument="mood-check", subject="c-01", items={"1": 2}),
    InstrumentResponse(instrument="mood-check", subject="c-02", items={"1": 7}),
]
case = attrs.evolve(case, responses=(*case.responses, *extra))

pm = riskcore.PluginManager(plugins=[("mood-check", MoodCheck())])
assessment = riskcore.assess(case, pm=pm)
mood = assessment.to_pandas().query("instrument == 'mood-check'")
mood[["value", "flag_codes"]]

# %% [markdown]
# The plugin is listed with the others, with its status.

# %%
[(r.name, r.status.value) for r in pm.records() if r.name == "mood-check"]

# %%
assert mood.loc[("c-01", "mood-check", "total"), "flag_codes"] == "mood-check.low"
