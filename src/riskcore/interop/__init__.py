"""Data in and out the way health software exchanges it.

* In: FHIR R4 QuestionnaireResponses (:func:`read_fhir`), REDCap raw exports
  with their data dictionary (:func:`read_redcap`), long and wide CSV tables
  (:func:`read_csv`). Each gives an :class:`ImportResult`: responses, the
  pseudonymous subjects they are about, and every issue with its location.
* Out: a FHIR R4 Bundle of a plan (:func:`to_fhir_bundle`) and a case's
  responses as QuestionnaireResponses (:func:`responses_to_fhir`).

No FHIR library is needed at run time: resources are plain dicts, mapped by
hand (the tests validate every exported resource with ``fhir.resources``).
``import riskcore`` does not import this package.

.. versionadded:: 0.1
"""

from riskcore.interop._common import (
    ImportResult,
    Issue,
    Severity,
    SubjectRef,
    installed_instruments,
    scored_instruments,
    subject_id,
)
from riskcore.interop.cases import load_case_file
from riskcore.interop.fhir_in import FhirReader, case_from_fhir, iter_fhir, read_fhir
from riskcore.interop.fhir_out import responses_to_fhir, to_fhir_bundle
from riskcore.interop.mapping import InstrumentMap, Mapping, load_mapping
from riskcore.interop.redcap import read_redcap
from riskcore.interop.tables import read_csv

__all__ = [
    "FhirReader",
    "ImportResult",
    "InstrumentMap",
    "Issue",
    "Mapping",
    "Severity",
    "SubjectRef",
    "case_from_fhir",
    "installed_instruments",
    "iter_fhir",
    "load_case_file",
    "load_mapping",
    "read_csv",
    "read_fhir",
    "read_redcap",
    "responses_to_fhir",
    "scored_instruments",
    "subject_id",
    "to_fhir_bundle",
]
