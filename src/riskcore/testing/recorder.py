"""Record the hook calls a plugin manager makes, for assertions in tests.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from attrs import frozen

from riskcore.plugins import HookOutcome, PluginManager

__all__ = ["HookCall", "HookRecorder"]


@frozen(kw_only=True)
class HookCall:
    """One implementation's call of one hook: its arguments and outcome."""

    hook: str
    plugin: str
    kwargs: dict[str, Any]
    outcome: HookOutcome


class HookRecorder:
    """Records every hook call made through :meth:`PluginManager.call_each`.

    riskcore calls each implementation separately (fault isolation), bypassing
    pluggy's hook-call monitoring, so the recorder wraps ``call_each`` of one
    manager; :meth:`close` restores it. Modelled on pytest's ``HookRecorder``.

    Examples
    --------
    >>> from riskcore import hookimpl
    >>> from riskcore.model import Case, Practice
    >>> class Toy:
    ...     @hookimpl
    ...     def riskcore_assess(self, subject):
    ...         return []
    >>> pm = PluginManager(autoload=False, plugins=[("toy", Toy())])
    >>> rec = HookRecorder(pm)
    >>> import riskcore
    >>> _ = riskcore.assess(Case(id="c", practice=Practice(id="p")), pm=pm)
    >>> [(c.hook, c.plugin) for c in rec.getcalls("riskcore_assess")]
    [('riskcore_assess', 'toy')]
    >>> rec.close()
    """

    def __init__(self, pm: PluginManager) -> None:
        self.pm = pm
        self.calls: list[HookCall] = []
        self._original = pm.call_each

        def call_each(hook: str, /, **kwargs: Any) -> Iterator[HookOutcome]:
            for outcome in self._original(hook, **kwargs):
                self.calls.append(
                    HookCall(
                        hook=hook,
                        plugin=outcome.plugin,
                        kwargs=dict(kwargs),
                        outcome=outcome,
                    )
                )
                yield outcome

        pm.call_each = call_each  # type: ignore[method-assign]

    def getcalls(self, hook: str | None = None) -> list[HookCall]:
        """The calls of *hook* (every call if ``None``), in call order."""
        return [c for c in self.calls if hook is None or c.hook == hook]

    def errors(self) -> list[HookCall]:
        """The calls whose implementation raised."""
        return [c for c in self.calls if not c.outcome.ok]

    def clear(self) -> None:
        """Forget the calls recorded so far."""
        self.calls.clear()

    def close(self) -> None:
        """Stop recording (restore the manager's ``call_each``)."""
        self.pm.__dict__.pop("call_each", None)
