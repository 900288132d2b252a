"""Numbers in text meant for people: the one formatting helper.

Reports, reprs and the CLI format every number a person reads through these
functions, never with an ad hoc ``:g`` (which writes ``3e+03`` and
``1.2e-05``): money with the practice's currency and thousands separators,
hours with "immediately" for zero, probabilities as percentages.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
from collections.abc import Mapping

__all__ = ["CURRENCY_SYMBOLS", "hours", "money", "number", "parameter", "percent"]

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$"}
"""Symbols written before an amount; other ISO 4217 codes follow it."""


def number(x: float, digits: int = 3) -> str:
    """*x* with thousands separators and at most *digits* significant digits
    after the point, never in scientific notation.

    >>> number(3000), number(1234567.8), number(0.5), number(2.0)
    ('3,000', '1,234,568', '0.5', '2')
    >>> number(0.0000123)
    '0.0000123'
    >>> number(float("nan"))
    'n/a'
    """
    if not math.isfinite(x):
        return "n/a"
    if x == int(x) or abs(x) >= 100:
        return ("-" if x < 0 else "") + f"{_half_up(abs(x)):,}"
    # enough decimals for *digits* significant digits
    places = max(0, digits - 1 - math.floor(math.log10(abs(x)))) if x else 0
    text = f"{x:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def money(x: float, currency: str = "USD") -> str:
    """An amount of money: symbol (or code), thousands separators, whole units
    from 100 up and cents below.

    >>> money(15000), money(2500.5, "EUR"), money(12.5), money(1234, "CHF")
    ('$15,000', '€2,501', '$12.50', '1,234 CHF')
    >>> money(-40)
    '-$40'
    """
    sign = "-" if x < 0 else ""
    x = abs(x)
    amount = f"{_half_up(x):,}" if x >= 100 or x == int(x) else f"{x:,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    if symbol is None:
        return f"{sign}{amount} {currency.upper()}"
    return f"{sign}{symbol}{amount}"


def hours(h: float) -> str:
    """A delay or duration in hours, in words: "immediately" for 0.

    >>> hours(0), hours(1), hours(4), hours(48), hours(0.5)
    ('immediately', 'within 1 hour', 'within 4 hours', 'within 2 days', 'within 30 minutes')
    """
    if h <= 0:
        return "immediately"
    if h < 1:
        return f"within {number(h * 60)} minutes"
    if h >= 48 and h % 24 == 0:
        return f"within {number(h / 24)} days"
    return f"within {number(h)} hour{'s' if h != 1 else ''}"


def percent(p: float) -> str:
    """A probability as a percentage a person reads.

    >>> percent(0.25), percent(0.0000123), percent(1)
    ('25%', '0.00123%', '100%')
    """
    return f"{number(p * 100)}%"


def _half_up(x: float) -> int:
    """*x* >= 0 rounded to a whole number, halves up (as people round money)."""
    return math.floor(x + 0.5)


def parameter(
    name: str,
    threats: Mapping[str, str] | None = None,
    controls: Mapping[str, str] | None = None,
) -> str:
    """A Monte Carlo parameter id in words, for plots and reports.

    ``RISK:base_likelihood``, ``RISK:impact``, ``RISK:KIND[ID]`` (a layer's
    effectiveness) and ``RISK:modifier[J]``, where ``RISK`` is
    ``THREAT:SUBJECT``; *threats* and *controls* map ids to names.

    >>> parameter("burnout:t-02:base_likelihood", {"burnout": "Burnout"})
    'Burnout (t-02): base likelihood'
    >>> parameter("client-self-harm:c-04:mitigation[safety-plan]",
    ...           controls={"safety-plan": "Safety plan"})
    'client self harm (c-04): effect of Safety plan'
    >>> parameter("odd")
    'odd'
    """
    threats = threats or {}
    controls = controls or {}
    parts = name.split(":", 2)
    if len(parts) != 3:
        return name
    threat, subject, what = parts
    who = f"{threats.get(threat, threat.replace('-', ' '))} ({subject})"
    if what == "base_likelihood":
        return f"{who}: base likelihood"
    if what == "impact":
        return f"{who}: impact"
    kind, _, rest = what.partition("[")
    ident = rest.rstrip("]")
    if kind == "modifier":
        return f"{who}: modifier {int(ident) + 1 if ident.isdigit() else ident}"
    return f"{who}: effect of {controls.get(ident, ident)}"
