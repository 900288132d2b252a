"""Context shared by the plugin manager and the instrument engine (internal).

.. versionadded:: 0.2
"""

from __future__ import annotations

from contextvars import ContextVar

__all__ = ["current_plugin"]

current_plugin: ContextVar[str | None] = ContextVar(
    "riskcore_current_plugin", default=None
)
"""The name of the plugin whose hook implementation is running, else ``None``.

Set by :meth:`riskcore.plugins.PluginManager.call_each` around each call, so
scores built by the engine inside ``riskcore_assess`` are stamped with the plugin
at construction and :func:`riskcore.assess` need not copy them.
"""
