"""The domain model: frozen, slotted, keyword-only attrs classes.

Every class validates at construction and raises
:class:`~riskcore.errors.FieldError` naming the field and the value.

.. versionadded:: 0.1
"""

from riskcore.model.assessment import (
    Assessment,
    AssessorFailure,
    AssessorInfo,
    Flag,
    FlagLevel,
    PluginProvenance,
    Score,
)
from riskcore.model.case import Case
from riskcore.model.catalog import (
    GUARDED_CATEGORIES,
    SCALES,
    Catalog,
    Effect,
    EffectTarget,
    Escalation,
    Mitigation,
    Response,
    Severity,
    Source,
    Step,
    Threat,
    Trigger,
)
from riskcore.model.distributions import (
    PERT,
    Beta,
    Distribution,
    LogNormal,
    Param,
    Triangular,
    Uniform,
    mean_of,
)
from riskcore.model.factors import RiskFactor
from riskcore.model.observations import InstrumentResponse, Observation
from riskcore.model.plan import ArmedResponse, Plan, PlanItem
from riskcore.model.subjects import (
    PROTECTED_FIELDS,
    Client,
    Practice,
    Professional,
    ProtectedAttributes,
    Subject,
    SubjectKind,
)

__all__ = [
    "GUARDED_CATEGORIES",
    "PERT",
    "PROTECTED_FIELDS",
    "SCALES",
    "ArmedResponse",
    "Assessment",
    "AssessorFailure",
    "AssessorInfo",
    "Beta",
    "Case",
    "Catalog",
    "Client",
    "Distribution",
    "Effect",
    "EffectTarget",
    "Escalation",
    "Flag",
    "FlagLevel",
    "InstrumentResponse",
    "LogNormal",
    "Mitigation",
    "Observation",
    "Param",
    "Plan",
    "PlanItem",
    "PluginProvenance",
    "Practice",
    "Professional",
    "ProtectedAttributes",
    "Response",
    "RiskFactor",
    "Score",
    "Severity",
    "Source",
    "Step",
    "Subject",
    "SubjectKind",
    "Threat",
    "Triangular",
    "Trigger",
    "Uniform",
    "mean_of",
]
