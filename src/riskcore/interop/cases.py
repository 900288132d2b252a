"""One entry point for a case from a file in any format riskcore reads.

.. versionadded:: 0.1
"""

from __future__ import annotations

import os
from pathlib import Path

from riskcore.io import load_case, loads_json, read_bytes, structure
from riskcore.model import Case

__all__ = ["load_case_file"]


def load_case_file(path: str | os.PathLike[str]) -> Case:
    """Read a case from riskcore's YAML/JSON, or from FHIR R4.

    A ``.json`` file holding a FHIR resource (``resourceType``: a Bundle or a
    QuestionnaireResponse) or an ``.ndjson`` file is read as
    :func:`riskcore.interop.case_from_fhir` reads it (strict: any item it
    cannot map is an error naming the resource path); anything else is read by
    :func:`riskcore.load_case`. ``riskcore plan`` and ``riskcore assess`` read
    their case through this function, so they accept a FHIR Bundle directly.

    >>> load_case_file("examples/longmont-practice.yaml").synthetic  # doctest: +SKIP
    True
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".json":
        # The file's bytes, not a decoded copy: loads_json reads ASCII as it
        # is, and refuses bytes that are not UTF-8 as read_text does.
        data = loads_json(read_bytes(p), source=str(p))
        if not (isinstance(data, dict) and "resourceType" in data):
            # data was parsed here and is dropped after: no copies of it.
            return structure(data, Case, source=str(p), consume=True)
    elif suffix != ".ndjson":
        return load_case(p)
    from riskcore.interop.fhir_in import case_from_fhir

    return case_from_fhir(p)
