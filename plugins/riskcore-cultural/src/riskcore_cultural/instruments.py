"""What the cultural assessor computes, and the illustrative factor defaults.

Nothing here is a psychometric score:

* ``language-fit.concordance`` is 1 when client and clinician share at least
  one language, else 0 (and ``interpreter.needed`` is raised);
* ``cultural-preparation.hours`` is the clinician's recorded cultural-competency
  training, in hours, as entered;
* ``cfi.recorded`` is 1 when a DSM-5 Cultural Formulation Interview is on file
  for the client, else 0. The CFI is not scored: "not as the sole basis for
  making a clinical diagnosis" (American Psychiatric Association, 2013, DSM-5,
  Section III, Cultural Formulation);
* ``chs.answered`` counts the client's answered Cultural Humility Scale items.
  The CHS total is **not scored**: the item keying of Hook et al. (2013) could
  not be confirmed against the paper's appendix, so riskcore stores the answers
  and does not guess a total.

Language matching compares primary language subtags case-insensitively (BCP 47:
``"en-GB"`` matches ``"en"``).

.. versionadded:: 0.1
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Final

from riskcore.errors import InstrumentError
from riskcore.model import Source

__all__ = [
    "CFI_ID",
    "CFI_SOURCE",
    "CHS_ID",
    "CHS_ITEMS",
    "CHS_SOURCE",
    "FACTOR_SOURCE",
    "LANGUAGE_FIT_ID",
    "PREPARATION_ID",
    "PREPARATION_WELL_HOURS",
    "check_chs_items",
    "primary_languages",
    "shares_language",
]

LANGUAGE_FIT_ID: Final = "language-fit"
PREPARATION_ID: Final = "cultural-preparation"
CFI_ID: Final = "cfi"
CHS_ID: Final = "chs"

CHS_ITEMS: Final = tuple(str(i) for i in range(1, 13))
"""Cultural Humility Scale item ids, ``"1"`` .. ``"12"``; answers 1-5."""
_CHS_ITEM_SET: Final = frozenset(CHS_ITEMS)
_CHS_ANSWERS: Final = frozenset(range(1, 6))
"""The valid CHS answers; a whole float such as ``3.0`` is one of them (``3.0 == 3``)."""

CHS_SOURCE: Final = Source(
    citation=(
        "Hook, J. N., Davis, D. E., Owen, J., Worthington, E. L., Jr., & Utsey, S. O. "
        "(2013). Cultural humility: Measuring openness to culturally diverse clients. "
        "Journal of Counseling Psychology, 60(3), 353-366."
    ),
    url="https://doi.org/10.1037/a0032595",
    note=(
        "APA copyright; item text not shipped. Keying (which items are reverse-scored) "
        "unconfirmed against the paper's appendix, so the total is not scored."
    ),
)

CFI_SOURCE: Final = Source(
    citation=(
        "American Psychiatric Association (2013). Cultural Formulation Interview. "
        "In Diagnostic and Statistical Manual of Mental Disorders, 5th ed., Section III."
    ),
    note="APA copyright; not scored; answers stored by question id only.",
)

FACTOR_SOURCE: Final = Source(
    citation="riskcore illustrative default (not from a published effect size)",
    note="Override in a site catalog when local evidence exists.",
)

PREPARATION_WELL_HOURS: Final = 40.0
"""Illustrative: recorded training at or above this counts as good preparation."""


def primary_languages(languages: Iterable[str]) -> frozenset[str]:
    """Primary language subtags, lower-cased.

    >>> sorted(primary_languages(["en-GB", "ES", " pt_BR "]))
    ['en', 'es', 'pt']
    """
    out = set()
    for lang in languages:
        tag = lang.strip().replace("_", "-").partition("-")[0].lower()
        if tag:
            out.add(tag)
    return frozenset(out)


@functools.lru_cache(maxsize=1024)
def _primary_of_tuple(languages: tuple[str, ...]) -> frozenset[str]:
    return primary_languages(languages)


def _primary(languages: Iterable[str]) -> frozenset[str]:
    """:func:`primary_languages`, remembered for tuples (what subjects hold)."""
    if type(languages) is tuple:
        return _primary_of_tuple(languages)
    return primary_languages(languages)


def shares_language(client: Iterable[str], clinician: Iterable[str]) -> bool | None:
    """True if the two share a language; ``None`` if either side is unrecorded.

    >>> shares_language(["es"], ["en", "es-MX"]), shares_language(["fa"], ["en"])
    (True, False)
    >>> shares_language([], ["en"]) is None
    True
    """
    a = _primary(client)
    if not a:
        return None
    b = _primary(clinician)
    if not b:
        return None
    return not a.isdisjoint(b)


def check_chs_items(items: Mapping[str, object], respondent: str) -> int:
    """Validate stored CHS answers and return how many items are answered.

    Raises
    ------
    InstrumentError
        For an unknown item id, or an answer that is not an integer in 1-5,
        naming the instrument, the respondent (pseudonym) and the item.

    >>> check_chs_items({"1": 5, "2": None}, "c-1")
    1
    >>> check_chs_items({"13": 3}, "c-1")
    Traceback (most recent call last):
    ...
    riskcore.errors.InstrumentError: chs: respondent c-1: unknown item '13'
    """
    n = 0
    for key, value in items.items():
        if key not in _CHS_ITEM_SET:
            raise InstrumentError(f"chs: respondent {respondent}: unknown item {key!r}")
        if value is None:
            continue
        if value not in _CHS_ANSWERS:  # also NaN, infinities and 2.5
            raise InstrumentError(
                f"chs: respondent {respondent}: item {key}: {value!r} is not an integer in 1-5"
            )
        n += 1
    return n
