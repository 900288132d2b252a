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
    Evidence,
    EvidenceTarget,
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
from riskcore.model.obligations import (
    ChecklistItem,
    Obligation,
    Obligations,
    ObligationStatus,
)
from riskcore.model.observations import InstrumentResponse, InvalidAnswer, Observation
from riskcore.model.plan import ArmedResponse, Plan, PlanItem
from riskcore.model.risk import (
    DEFAULT_MATRIX,
    AppliedFactor,
    Band,
    Layer,
    Level,
    Modifier,
    ModifierKind,
    Risk,
    RiskMatrix,
    RiskPoint,
    RiskRegister,
)
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
    "DEFAULT_MATRIX",
    "GUARDED_CATEGORIES",
    "PERT",
    "PROTECTED_FIELDS",
    "SCALES",
    "AppliedFactor",
    "ArmedResponse",
    "Assessment",
    "AssessorFailure",
    "AssessorInfo",
    "Band",
    "Beta",
    "Case",
    "Catalog",
    "ChecklistItem",
    "Client",
    "Distribution",
    "Effect",
    "EffectTarget",
    "Escalation",
    "Evidence",
    "EvidenceTarget",
    "Flag",
    "FlagLevel",
    "InstrumentResponse",
    "InvalidAnswer",
    "Layer",
    "Level",
    "LogNormal",
    "Mitigation",
    "Modifier",
    "ModifierKind",
    "Obligation",
    "ObligationStatus",
    "Obligations",
    "Observation",
    "Param",
    "Plan",
    "PlanItem",
    "PluginProvenance",
    "Practice",
    "Professional",
    "ProtectedAttributes",
    "Response",
    "Risk",
    "RiskFactor",
    "RiskMatrix",
    "RiskPoint",
    "RiskRegister",
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
