"""What the conformance kit reports: the checks, their findings and the report."""

from __future__ import annotations

from typing import Any

from attrs import field, frozen

from riskcore.model import (
    AssessorInfo,
)

CHECKS = (
    "hookimpls",
    "metadata",
    "instruments",
    "crash",
    "result",
    "subject",
    "range",
    "unscored",
    "determinism",
    "monotone",
    "missing-data",
    "invalid-input",
    "threats",
    "fairness",
    "columnar",
)
"""Names of the checks, in the order they run (:attr:`Finding.check`)."""


@frozen(kw_only=True)
class Finding:
    """One conformance problem.

    ``check`` is one of :data:`CHECKS`; ``message`` is a sentence telling the
    author what to fix; ``count`` is how many times the checks saw it (the message
    describes the first).
    """

    check: str
    message: str
    count: int = 1

    def __str__(self) -> str:
        times = f" (seen {self.count} times)" if self.count > 1 else ""
        return f"[{self.check}] {self.message}{times}"


@frozen(kw_only=True)
class ConformanceReport:
    """What :func:`check_assessor` found.

    ``ok`` is true when there are no findings. ``str(report)`` is a readable
    summary; ``notes`` are things that were not checked, and why.
    """

    plugin: str
    findings: tuple[Finding, ...] = field(factory=tuple)
    info: AssessorInfo | None = None
    instruments: tuple[str, ...] = field(factory=tuple)
    distribution: str | None = None
    version: str | None = None
    examples: int = 0
    notes: tuple[str, ...] = field(factory=tuple)
    waived: tuple[Finding, ...] = field(factory=tuple)
    """Findings of checks waived by name (``check_assessor(waive=...)``);
    they do not count against :attr:`ok`.

    .. versionadded:: 0.1
    """
    waivers: tuple[tuple[str, str], ...] = field(factory=tuple)
    """``(check, reason)`` of every waiver asked for, printed in the summary."""

    @property
    def ok(self) -> bool:
        """True if the plugin passed every check."""
        return not self.findings

    def by_check(self, check: str) -> tuple[Finding, ...]:
        """The findings of one check."""
        return tuple(f for f in self.findings if f.check == check)

    def __str__(self) -> str:
        where = f" ({self.distribution} {self.version})" if self.distribution else ""
        if self.ok:
            head = (
                f"riskcore plugin {self.plugin!r}{where} conforms "
                f"({self.examples} generated examples)"
            )
        else:
            n = len(self.findings)
            head = (
                f"riskcore plugin {self.plugin!r}{where} does not conform: "
                f"{n} problem{'s' if n != 1 else ''}"
            )
        lines = [head]
        lines += [f"  - {f}" for f in self.findings]
        for check, reason in self.waivers:
            n = sum(f.count for f in self.waived if f.check == check)
            seen = (
                f"{n} finding{'s' if n != 1 else ''} waived"
                if n
                else "nothing to waive"
            )
            lines.append(f"  waived [{check}] ({seen}): {reason}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


class _Sink:
    """Collects findings, keeping the first message per key and a count."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], list[Any]] = {}

    def add(self, check: str, message: str, key: str | None = None) -> None:
        k = (check, key if key is not None else message)
        if k in self._items:
            self._items[k][1] += 1
        else:
            self._items[k] = [message, 1]

    def findings(self) -> tuple[Finding, ...]:
        order = {c: i for i, c in enumerate(CHECKS)}
        out = [
            Finding(check=c, message=m, count=n)
            for (c, _), (m, n) in self._items.items()
        ]
        return tuple(sorted(out, key=lambda f: order.get(f.check, len(order))))
