"""Source of the toy assessor installed as a real distribution by the tests."""

TOY = """
from riskcore import hookimpl
from riskcore.model import AssessorInfo, Score, SubjectKind, RiskFactor

@hookimpl
def riskcore_assessor_info():
    return AssessorInfo(name="toy", instruments=["toy"], threats=["burnout"],
                        subject_kinds=[SubjectKind.CLIENT])

@hookimpl
def riskcore_assess(subject, case):
    if subject.KIND is not SubjectKind.CLIENT:
        return None
    out = []
    for r in case.responses_for(subject.id):
        if r.instrument == "toy":
            out.append(Score(subject=subject.id, subject_kind=SubjectKind.CLIENT,
                             instrument="toy", value=r.items["1"], minimum=0, maximum=4))
    return out
"""

CRASHER = """
from riskcore import hookimpl

@hookimpl
def riskcore_assess(subject):
    raise RuntimeError("assessor bug: client Jane Doe")
"""

LIAR = """
from riskcore import hookimpl
from riskcore.model import Score, SubjectKind

@hookimpl
def riskcore_assess(subject):
    return [Score(subject="somebody-else", subject_kind=SubjectKind.CLIENT,
                  instrument="toy", value=0)]
"""

TYPO = """
from riskcore import hookimpl

@hookimpl
def riskcore_asess(subject, case):
    return None
"""

BAD_ARGS = """
from riskcore import hookimpl

@hookimpl
def riskcore_assess(subject, case, weather):
    return None
"""

BROKEN_IMPORT = """
import riskcore_this_module_does_not_exist  # noqa: F401
"""
