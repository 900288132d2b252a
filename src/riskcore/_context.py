"""Context shared by the plugin manager and the instrument engine (internal).

.. versionadded:: 0.1
"""

from __future__ import annotations

from contextvars import ContextVar

__all__ = ["current_plugin"]

current_plugin: ContextVar[str | None] = ContextVar(
    "riskcore_current_plugin", default=None
)
"""The name of the plugin whose hook implementation is running, else ``None``.

Set around each call by :meth:`riskcore.plugins.PluginManager.call_each` and by
:func:`riskcore.assess`, which makes the ``riskcore_assess`` calls the same way
in its own loop, so scores built by the engine (or ``Score.derived``) inside the
hook are stamped with the plugin at construction and need not be copied.
"""
