"""Field factories shared by every domain type.

Each factory returns an :func:`attrs.field` with a validator *and* machine-readable
constraints in ``metadata["riskcore"]``. The same constraints drive three things,
so they cannot drift apart:

* validation at construction (a :class:`~riskcore.errors.FieldError` naming the
  field and the value);
* the JSON Schema of the case file (:func:`riskcore.schema.case_schema`);
* the Hypothesis strategies in the test-suite and in :mod:`riskcore.testing`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from riskcore.errors import FieldError

__all__ = [
    "ID_PATTERN",
    "bounded",
    "check_id",
    "check_text",
    "ident",
    "ident_tuple",
    "nonneg",
    "probability",
    "text",
    "to_tuple",
]

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$"
"""Identifiers: pseudonymous, short, no spaces (``client-07``, ``phq9``).

Matched against the *whole* value (``re.fullmatch``): ``$`` alone would accept a
trailing newline, and ``"c-01\\n"`` would become a second subject printed as
``c-01``."""

_ID_RE = re.compile(ID_PATTERN)
META = "riskcore"


def _meta(**kw: Any) -> dict[str, Any]:
    return {META: {k: v for k, v in kw.items() if v is not None}}


def check_id(name: str, value: object) -> str:
    """Return *value* if it is a valid identifier, else raise :class:`FieldError`.

    >>> check_id("id", "client-07")
    'client-07'
    >>> check_id("id", "two words")
    Traceback (most recent call last):
    ...
    riskcore.errors.FieldError: id: <redacted: a string of 9 characters> is not a valid identifier (letters, digits, '_', '.', ':', '-'; at most 80)
    >>> check_id("id", "c-01\\n")
    Traceback (most recent call last):
    ...
    riskcore.errors.FieldError: id: <redacted: a string of 5 characters> is not a valid identifier (letters, digits, '_', '.', ':', '-'; at most 80)
    """
    if not isinstance(value, str) or not _ID_RE.fullmatch(value):
        raise FieldError(
            name,
            value,
            "is not a valid identifier (letters, digits, '_', '.', ':', '-'; at most 80)",
        )
    return value


_KNOWN_IDS: set[str] = set()
"""Strings :func:`check_id` accepted (str is immutable, so they stay valid);
emptied when it holds more than :data:`_KNOWN_IDS_LIMIT`."""

_KNOWN_IDS_LIMIT = 1 << 18
"""The most identifiers :data:`_KNOWN_IDS` remembers: every subject of a
100,000-client practice, its instruments and scales (at most about 34 MiB of
80-character ids). At 4,096, a case of more than 4,000 subjects emptied it
again and again, and each id was matched against :data:`ID_PATTERN` once per
response and per score (issue #16)."""


def _checked_id(name: str, value: object) -> str:
    """``check_id(name, value)``, remembered for exact strings (internal)."""
    if type(value) is str and value in _KNOWN_IDS:
        return value
    checked = check_id(name, value)
    if type(value) is str:
        if len(_KNOWN_IDS) > _KNOWN_IDS_LIMIT:
            _KNOWN_IDS.clear()
        _KNOWN_IDS.add(value)
    return checked


def check_text(name: str, value: str, *, sensitive: bool = False) -> str:
    """Return *value* if it can be written out as UTF-8, else raise :class:`FieldError`.

    A lone surrogate (``"\\ud800"``, which JSON's ``\\ud800`` escape produces)
    is not a character: no UTF-8 file, terminal or report can hold it. It is
    refused when the document is loaded, so no writer meets it later.

    >>> check_text("name", "Zoë")
    'Zoë'
    >>> check_text("name", "Jane \\ud800", sensitive=True)
    Traceback (most recent call last):
    ...
    riskcore.errors.FieldError: name: <redacted> contains a lone surrogate (not a character; invalid UTF-8)
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise FieldError(
            name,
            value,
            "contains a lone surrogate (not a character; invalid UTF-8)",
            sensitive=sensitive,
        ) from None
    return value


def _validate_id(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _checked_id(attribute.name, value)


def _validate_ids(
    inst: object, attribute: attrs.Attribute[Any], value: tuple[object, ...]
) -> None:
    for i, v in enumerate(value):
        check_id(f"{attribute.name}[{i}]", v)


def _number(attribute: attrs.Attribute[Any], value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FieldError(attribute.name, value, "is not a number")
    if not math.isfinite(value):
        raise FieldError(attribute.name, value, "is not a finite number")
    return float(value)


def _range_validator(
    lo: float | None, hi: float | None, *, allow_distribution: bool
) -> Callable[[object, attrs.Attribute[Any], object], None]:
    def validate(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        if allow_distribution and hasattr(value, "support"):
            s_lo, s_hi = value.support()
            if (lo is not None and s_lo < lo) or (hi is not None and s_hi > hi):
                raise FieldError(
                    attribute.name,
                    value,
                    f"has support [{s_lo:g}, {s_hi:g}] outside {_interval(lo, hi)}",
                )
            return
        x = _number(attribute, value)
        if (lo is not None and x < lo) or (hi is not None and x > hi):
            raise FieldError(attribute.name, value, f"is not in {_interval(lo, hi)}")

    return validate


def _interval(lo: float | None, hi: float | None) -> str:
    left = "-inf" if lo is None else f"{lo:g}"
    right = "inf" if hi is None else f"{hi:g}"
    return f"[{left}, {right}]"


def to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Converter: accept a list (or any iterable) and store a tuple.

    The one rule for "a list was expected": a string, bytes or a mapping is
    refused, never split into letters or keys (``languages: "en"`` is not
    ``("e", "n")``). The loader (:mod:`riskcore.io`) applies it to every list in
    a document too. The message says what was found, not the value.

    >>> to_tuple(["en", "es"])
    ('en', 'es')
    >>> to_tuple("en")
    Traceback (most recent call last):
    ...
    TypeError: expected a list, got a string (write one item as [item])
    """
    if type(value) is tuple or type(value) is list:
        # the usual values, without _any_to_tuple's Mapping check (an ABC's
        # isinstance: most of the cost for a field of a large case; #16)
        return tuple(value)
    return _any_to_tuple(value)


def _any_to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """:func:`to_tuple` for any value (it takes this way for all but an exact
    list or tuple, whose tuple this gives too)."""
    if isinstance(value, str):
        msg = "expected a list, got a string (write one item as [item])"
        raise TypeError(msg)
    if isinstance(value, (bytes, bytearray, Mapping)):
        msg = f"expected a list, got {'a mapping' if isinstance(value, Mapping) else 'bytes'}"
        raise TypeError(msg)
    try:
        return tuple(value)
    except TypeError:
        msg = f"expected a list, got {_a(value)}"
        raise TypeError(msg) from None


def _a(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return f"a {type(value).__name__}"


def ident(**kw: Any) -> Any:
    """A required identifier field."""
    return attrs.field(validator=_validate_id, metadata=_meta(pattern=ID_PATTERN), **kw)


def ident_tuple(converter: Callable[[Any], tuple[Any, ...]] = to_tuple) -> Any:
    """A tuple of identifiers (references to other objects), default empty.

    *converter* replaces :func:`to_tuple` (it must refuse a string as it does).
    """
    return attrs.field(
        factory=tuple,
        converter=converter,
        validator=_validate_ids,
        metadata=_meta(items_pattern=ID_PATTERN),
    )


def probability(*, distribution: bool = False, **kw: Any) -> Any:
    """A probability in [0, 1] (or a distribution supported on it)."""
    return bounded(0.0, 1.0, distribution=distribution, **kw)


def nonneg(*, distribution: bool = False, **kw: Any) -> Any:
    """A finite number >= 0 (money, hours, days)."""
    return bounded(0.0, None, distribution=distribution, **kw)


def bounded(
    lo: float | None, hi: float | None, *, distribution: bool = False, **kw: Any
) -> Any:
    """A finite number in [lo, hi]; *distribution* also admits a distribution."""
    return attrs.field(
        validator=_range_validator(lo, hi, allow_distribution=distribution),
        metadata=_meta(minimum=lo, maximum=hi, distribution=distribution),
        **kw,
    )


def text(*, sensitive: bool = False, max_length: int = 10_000, **kw: Any) -> Any:
    """A free-text field. *sensitive* keeps it out of reprs and error messages."""

    def validate(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            raise FieldError(
                attribute.name, value, "is not a string", sensitive=sensitive
            )
        check_text(attribute.name, value, sensitive=sensitive)
        if len(value) > max_length:
            raise FieldError(
                attribute.name,
                value,
                f"is longer than {max_length} characters",
                sensitive=sensitive,
            )

    return attrs.field(
        validator=validate,
        repr=not sensitive,
        metadata=_meta(sensitive=sensitive, max_length=max_length),
        **kw,
    )
