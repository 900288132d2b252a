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
# # Assessing a practice
#
# Score every client and professional with the installed assessor plugins,
# find the critical flags, and follow one client's scores over check-ins with
# the Reliable Change Index. All data is synthetic.

# %%
from pathlib import Path

import riskcore
from riskcore import plot

HERE = Path(__file__).parent if "__file__" in globals() else Path()
case = riskcore.load_case(HERE / "longmont-practice.yaml")
assessment = riskcore.assess(case)
assessment

# %% [markdown]
# Critical flags always come first; an incomplete assessment is never evidence
# of safety.

# %%
for score, flag in assessment.critical_flags:
    print(score.subject, flag.code, "->", flag.escalation)
print("complete:", assessment.complete)

# %%
scores = assessment.to_pandas()
scores.reset_index().pivot_table(
    index="subject", columns="instrument", values="value"
).round(1)

# %% [markdown]
# ## A client's PHQ-9 over check-ins
#
# Re-score synthetic check-ins with the PHQ-9 spec and read each change
# against the smallest reliable change (the grey band). An unanswered item 9
# leaves a gap, never a low score.

# %%
from riskcore.model import InstrumentResponse
from riskcore_safety.instruments import PHQ9


def phq9(answers):
    items = {str(i + 1): a for i, a in enumerate(answers)}
    return PHQ9.score(
        InstrumentResponse(instrument="phq9", subject="c-04", items=items)
    ).total


check_ins = [
    phq9([3, 2, 2, 3, 2, 2, 2, 1, 1]),
    phq9([2, 2, 2, 2, 2, 2, 1, 1, 1]),
    phq9([2, 1, 2, 2, 1, 1, 1, 1, None]),
    phq9([1, 1, 1, 1, 1, 1, 1, 0, 0]),
    phq9([1, 0, 1, 1, 0, 1, 0, 0, 0]),
]
check_ins

# %%
ax = plot.rci_trajectory(
    check_ins,
    PHQ9.reliability_for("total"),
    when=["wk 0", "wk 2", "wk 4", "wk 6", "wk 8"],
    label="PHQ-9 total",
)
