"""The plugin manager: discovery, validation, kill switches, isolated calls.

riskcore wraps :class:`pluggy.PluginManager` in a small typed facade,
:class:`PluginManager`. It

* registers riskcore's built-in plugins, then every entry point of the
  ``riskcore`` group, then any plugin the embedding application passes;
* never lets one plugin break the others: a plugin that fails to import, or
  whose hookimpls do not match the specs, is recorded as *failed* with its
  distribution and the reason, and the rest load normally (``strict=True``
  raises instead);
* calls each hook implementation separately (:meth:`PluginManager.call_each`) so
  a crash is attributed to one plugin;
* honours kill switches, for users (environment) and embedders (arguments):

  ======================================  ======================================
  ``RISKCORE_DISABLE_PLUGIN_AUTOLOAD=1``  ``autoload=False``: no entry points
  ``RISKCORE_DISABLE_PLUGINS=a,b``        ``block=["a", "b"]``: never imported
  ``RISKCORE_LOAD_PLUGINS=a,b``           ``allow=["a", "b"]``: only these
  ``RISKCORE_TRACE_PLUGINS=1``            ``trace=True``: log every hook call
  ======================================  ======================================

Tracing writes one line per hook call (hook, plugin, duration, number of
results) to the ``riskcore.plugins`` logger at INFO level; it never logs
arguments or results, which may hold case data.

>>> pm = PluginManager(autoload=False)
>>> [(r.name, r.builtin) for r in pm.records()]
[('riskcore.catalog.builtin', True)]

.. versionadded:: 0.1
"""

from __future__ import annotations

import difflib
import enum
import functools
import importlib
import logging
import operator
import os
from collections.abc import Callable, Iterable, Iterator
from importlib.metadata import EntryPoint, entry_points
from time import perf_counter
from types import MemberDescriptorType
from typing import Any, cast

import attrs
import pluggy
from attrs import field, frozen

from riskcore import hookspecs
from riskcore._context import current_plugin
from riskcore.errors import PluginError
from riskcore.model._fields import to_tuple

__all__ = [
    "BUILTIN_PLUGINS",
    "ENTRY_POINT_GROUP",
    "HookOutcome",
    "PluginManager",
    "PluginRecord",
    "PluginStatus",
    "get_plugin_manager",
    "reset_plugin_manager",
]

log = logging.getLogger("riskcore.plugins")

ENTRY_POINT_GROUP = "riskcore"
"""The entry-point group plugins register under."""

BUILTIN_PLUGINS: tuple[str, ...] = ("riskcore.catalog.builtin",)
"""Modules inside riskcore registered as plugins before any entry point."""

_PREFIX = "riskcore_"

_CallPlan = tuple[
    tuple[
        str,
        Callable[..., Any],
        tuple[str, ...],
        Callable[[dict[str, Any]], tuple[Any, ...]],
        bool,
    ],
    ...,
]
"""``(plugin, function, argnames, pick, full)`` per implementation, sorted by
plugin name. ``pick(kwargs)`` is the tuple of the arguments it declares, in
order; ``full`` says it declares every argument of the hook's spec, in the
spec's order, so a caller may pass them positionally."""


class PluginStatus(enum.Enum):
    """What happened to a plugin when the manager was built."""

    ACTIVE = "active"
    BLOCKED = "blocked"
    FAILED = "failed"


@frozen(kw_only=True)
class PluginRecord:
    """One line of ``riskcore plugins``: who, from where, which hooks, what status."""

    name: str
    status: PluginStatus
    distribution: str | None = None
    version: str | None = None
    module: str | None = None
    hooks: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    builtin: bool = False
    error: str | None = None
    """Why the plugin failed (exception type and message); ``None`` otherwise."""


@frozen(kw_only=True)
class HookOutcome:
    """The result of one plugin's implementation of one hook call."""

    plugin: str
    result: Any = None
    error: BaseException | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True if the implementation returned without raising."""
        return self.error is None


def _csv_env(name: str) -> list[str]:
    return [n.strip() for n in os.environ.get(name, "").split(",") if n.strip()]


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in {"", "0", "false", "no"}


class PluginManager:
    """riskcore's typed facade over :class:`pluggy.PluginManager`.

    Parameters
    ----------
    autoload:
        Load plugins from the ``riskcore`` entry-point group. Default: true
        unless ``RISKCORE_DISABLE_PLUGIN_AUTOLOAD`` is set.
    block:
        Plugin (entry-point) names never to load; added to
        ``RISKCORE_DISABLE_PLUGINS``. Blocked plugins are not even imported.
    allow:
        If given (or ``RISKCORE_LOAD_PLUGINS`` is set), load only these entry
        points.
    trace:
        Log every hook call (default: ``RISKCORE_TRACE_PLUGINS``).
    strict:
        Raise :class:`~riskcore.errors.PluginError` on the first plugin that fails
        to load, instead of recording it.
    plugins:
        Extra plugin objects to register after the entry points (for embedders
        and tests), as ``(name, object)`` pairs or bare objects.
    builtins:
        Register riskcore's built-in plugins (default true).

    Examples
    --------
    >>> from riskcore import hookimpl
    >>> class Toy:
    ...     @hookimpl
    ...     def riskcore_assess(self, subject):
    ...         return None
    >>> pm = PluginManager(autoload=False, builtins=False, plugins=[("toy", Toy())])
    >>> [(r.name, r.status.value, r.hooks) for r in pm.records()]
    [('toy', 'active', ('riskcore_assess',))]
    """

    def __init__(
        self,
        *,
        autoload: bool | None = None,
        block: Iterable[str] = (),
        allow: Iterable[str] | None = None,
        trace: bool | None = None,
        strict: bool = False,
        plugins: Iterable[object | tuple[str, object]] = (),
        builtins: bool = True,
    ) -> None:
        self.pluggy = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        """The underlying :class:`pluggy.PluginManager`, for advanced use."""
        self.pluggy.add_hookspecs(hookspecs)
        self.strict = strict
        self.trace = _env_flag("RISKCORE_TRACE_PLUGINS") if trace is None else trace
        if autoload is None:
            autoload = not _env_flag("RISKCORE_DISABLE_PLUGIN_AUTOLOAD")
        self.autoload = autoload
        self.blocked = frozenset([*_csv_env("RISKCORE_DISABLE_PLUGINS"), *block])
        env_allow = _csv_env("RISKCORE_LOAD_PLUGINS")
        allowed = [*env_allow, *(allow or ())]
        self.allowed: frozenset[str] | None = (
            frozenset(allowed) if (allow is not None or env_allow) else None
        )
        self._records: dict[str, PluginRecord] = {}
        self._sorted: tuple[PluginRecord, ...] | None = None
        """``_records`` sorted by name; ``None`` after any change (see
        :meth:`_set_record`)."""
        self._failed: tuple[PluginRecord, ...] | None = None
        self._dist: dict[str, tuple[str | None, str | None]] = {}
        self._plans: dict[str, tuple[list[pluggy.HookImpl], _CallPlan]] = {}

        for name in self.blocked:
            self.pluggy.set_blocked(name)
        if builtins:
            for modname in BUILTIN_PLUGINS:
                self._register(importlib.import_module(modname), modname, builtin=True)
        if autoload:
            self._load_entry_points()
        for item in plugins:
            if isinstance(item, tuple):
                self.register(item[1], name=item[0])
            else:
                self.register(item)

    # ------------------------------------------------------------- discovery

    def _load_entry_points(self) -> None:
        seen: set[str] = set()
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            dist = getattr(ep, "dist", None)
            dist_name = dist.name if dist is not None else None
            version = dist.version if dist is not None else None
            if ep.name in seen:
                # Two distributions claim one name: record the second as failed.
                self._fail(
                    ep.name,
                    f"PluginError: the name {ep.name!r} is already used by another "
                    "distribution",
                    dist_name,
                    version,
                    ep.value,
                )
                continue
            seen.add(ep.name)
            if self.pluggy.is_blocked(ep.name) or (
                self.allowed is not None and ep.name not in self.allowed
            ):
                self._set_record(
                    ep.name,
                    PluginRecord(
                        name=ep.name,
                        status=PluginStatus.BLOCKED,
                        distribution=dist_name,
                        version=version,
                        module=ep.value,
                    ),
                )
                continue
            self._load_one(ep, dist_name, version)

    def _load_one(self, ep: EntryPoint, dist: str | None, version: str | None) -> None:
        try:
            plugin = ep.load()
        except Exception as exc:
            self._fail(ep.name, _describe(exc), dist, version, ep.value, exc)
            return
        self._dist[ep.name] = (dist, version)
        try:
            self._register(plugin, ep.name, module=ep.value)
        except PluginError as exc:
            self._fail(ep.name, str(exc), dist, version, ep.value, exc)

    def _fail(
        self,
        name: str,
        error: str,
        dist: str | None,
        version: str | None,
        module: str | None,
        exc: BaseException | None = None,
    ) -> None:
        where = f" from {dist} {version}" if dist else ""
        message = (
            f"riskcore plugin {name!r}{where} failed to load: {error} "
            f"(set RISKCORE_DISABLE_PLUGINS={name} to skip it)"
        )
        if self.strict:
            raise PluginError(message) from exc
        log.warning("%s", message)
        self._set_record(
            name,
            PluginRecord(
                name=name,
                status=PluginStatus.FAILED,
                distribution=dist,
                version=version,
                module=module,
                error=error,
            ),
        )

    # ---------------------------------------------------------- registration

    def register(self, plugin: object, name: str | None = None) -> str:
        """Register *plugin*, validating its hookimpls against the specs.

        Raises :class:`~riskcore.errors.PluginError` if a ``riskcore_*`` function
        matches no hook (with a "did you mean" hint) or asks for arguments the
        hook does not provide. Returns the registered name.
        """
        return self._register(plugin, name)

    def _register(
        self,
        plugin: object,
        name: str | None,
        *,
        builtin: bool = False,
        module: str | None = None,
    ) -> str:
        name = name or getattr(plugin, "__name__", None) or type(plugin).__name__
        try:
            registered = self.pluggy.register(plugin, name=name)
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"PluginValidationError: {exc}") from exc
        except ValueError as exc:  # already registered
            raise PluginError(f"ValueError: {exc}") from exc
        if registered is None:  # blocked
            self._set_record(name, PluginRecord(name=name, status=PluginStatus.BLOCKED))
            return name
        problems = self._unknown_hooks(plugin)
        if problems:
            self.pluggy.unregister(plugin)
            raise PluginError("; ".join(problems))
        dist, version = self._dist.get(name, (None, None))
        self._set_record(
            name,
            PluginRecord(
                name=registered,
                status=PluginStatus.ACTIVE,
                distribution=dist,
                version=version,
                module=module or getattr(plugin, "__name__", None),
                hooks=sorted(
                    hc.name for hc in self.pluggy.get_hookcallers(plugin) or ()
                ),
                builtin=builtin,
            ),
        )
        return registered

    def _unknown_hooks(self, plugin: object) -> list[str]:
        known = [n for n in dir(hookspecs) if n.startswith(_PREFIX)]
        problems = []
        for hc in self.pluggy.get_hookcallers(plugin) or ():
            if hc.spec is None:
                impls = [i for i in hc.get_hookimpls() if i.plugin is plugin]
                if all(i.optionalhook for i in impls):
                    continue
                hint = difflib.get_close_matches(hc.name, known, n=1)
                did = f" (did you mean {hint[0]!r}?)" if hint else ""
                problems.append(f"unknown hook {hc.name!r}{did}")
        return problems

    def unregister(self, name: str) -> None:
        """Remove a plugin by name (no error if absent)."""
        plugin = self.pluggy.get_plugin(name)
        if plugin is not None:
            self.pluggy.unregister(plugin, name=name)
        if self._records.pop(name, None) is not None:
            self._sorted = self._failed = None

    def _set_record(self, name: str, record: PluginRecord) -> None:
        # Every change of ``_records`` goes through here or unregister, which
        # drop the sorted views built from it.
        self._records[name] = record
        self._sorted = self._failed = None

    # ----------------------------------------------------------- inspection

    def records(self) -> list[PluginRecord]:
        """Every plugin seen (active, blocked or failed), sorted by name."""
        return list(self._records_sorted())

    def _records_sorted(self) -> tuple[PluginRecord, ...]:
        """:meth:`records` as a tuple, the same object until a plugin is
        registered, unregistered or fails (internal)."""
        if self._sorted is None:
            self._sorted = tuple(sorted(self._records.values(), key=_record_name))
        return self._sorted

    @property
    def failures(self) -> tuple[PluginRecord, ...]:
        """The plugins that failed to load."""
        if self._failed is None:
            self._failed = tuple(
                r for r in self._records_sorted() if r.status is PluginStatus.FAILED
            )
        return self._failed

    def record(self, name: str) -> PluginRecord | None:
        """The record of one plugin, or ``None``."""
        return self._records.get(name)

    # ----------------------------------------------------------------- calls

    def call_each(self, hook: str, /, **kwargs: Any) -> Iterator[HookOutcome]:
        """Call every implementation of *hook* separately, in plugin-name order.

        Each implementation gets only the arguments it declares. Exceptions are
        caught and returned in the :class:`HookOutcome`, never raised, so callers
        decide what a failure means. ``KeyboardInterrupt`` and ``SystemExit``
        propagate.
        """
        return self._call_each(hook, kwargs)

    def _plan(self, hook: str) -> _CallPlan:
        """The implementations of *hook* as ``(plugin, function, argnames, pick,
        full)``, sorted by plugin name; cached until the registered
        implementations change."""
        caller = getattr(self.pluggy.hook, hook)
        impls = caller.get_hookimpls()  # a fresh list
        cached = self._plans.get(hook)
        if cached is not None and cached[0] == impls:
            return cached[1]
        spec = tuple(caller.spec.argnames) if caller.spec is not None else None
        plan = tuple(
            (
                i.plugin_name,
                i.function,
                tuple(i.argnames),
                _picker(tuple(i.argnames)),
                tuple(i.argnames) == spec,
            )
            for i in sorted(impls, key=_plugin_name)
        )
        self._plans[hook] = (impls, plan)
        return plan

    def _direct_plan(self, hook: str) -> _CallPlan | None:
        """:meth:`_plan`, for a caller that makes the calls itself, as
        :meth:`call_each` makes them but untimed and without a
        :class:`HookOutcome`; or ``None`` when they must go through
        ``call_each``: when tracing (it logs each call) or when ``call_each``
        was replaced (:class:`~riskcore.testing.HookRecorder`, a subclass, a test
        double), so it still sees every call (internal)."""
        if self.trace or getattr(self.call_each, "__func__", None) is not _CALL_EACH:
            return None
        return self._plan(hook)

    def _call_each(self, hook: str, kwargs: dict[str, Any]) -> Iterator[HookOutcome]:
        # riskcore.assess makes the same calls in its own loop: keep them alike.
        trace = self.trace
        for name, function, _, pick, _ in self._plan(hook):
            args = pick(kwargs)
            token = current_plugin.set(name)
            start = perf_counter()
            try:
                result = function(*args)
                error: BaseException | None = None
            except Exception as exc:
                result, error = None, exc
            finally:
                seconds = perf_counter() - start
                current_plugin.reset(token)
            if trace:
                log.info(
                    "trace: %s -> %s (%.3f ms): %s",
                    hook,
                    name,
                    seconds * 1e3,
                    type(error).__name__ if error else _shape(result),
                )
            yield _outcome(name, result, error, seconds)


_CALL_EACH = PluginManager.call_each
"""The original :meth:`PluginManager.call_each`, to tell when it was replaced."""


def _picker(argnames: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """``lambda kwargs: tuple(kwargs[a] for a in argnames)``, made faster."""
    if len(argnames) > 1:
        return cast(
            "Callable[[dict[str, Any]], tuple[Any, ...]]",
            operator.itemgetter(*argnames),
        )
    if argnames:
        (name,) = argnames
        return lambda kwargs: (kwargs[name],)
    return lambda kwargs: ()


def _slot_setter(name: str) -> Callable[[HookOutcome, Any], None]:
    slot = HookOutcome.__dict__.get(name)
    if type(slot) is MemberDescriptorType:
        return cast("Callable[[HookOutcome, Any], None]", slot.__set__)
    return lambda obj, value: object.__setattr__(obj, name, value)


_set_plugin = _slot_setter("plugin")
_set_result = _slot_setter("result")
_set_error = _slot_setter("error")
_set_seconds = _slot_setter("seconds")
if {a.name for a in attrs.fields(HookOutcome)} != {
    "plugin",
    "result",
    "error",
    "seconds",
}:  # pragma: no cover - a new field must be set in _outcome
    raise AssertionError("HookOutcome fields changed: update _outcome")


def _outcome(
    plugin: str, result: Any, error: BaseException | None, seconds: float
) -> HookOutcome:
    """``HookOutcome(...)`` as its generated ``__init__`` builds it (it has no
    validators), without the keyword-argument overhead: one per hook call."""
    out: HookOutcome = object.__new__(HookOutcome)
    _set_plugin(out, plugin)
    _set_result(out, result)
    _set_error(out, error)
    _set_seconds(out, seconds)
    return out


def _record_name(record: PluginRecord) -> str:
    return record.name


def _plugin_name(impl: pluggy.HookImpl) -> str:
    return impl.plugin_name


def _shape(result: object) -> str:
    if result is None:
        return "None"
    if isinstance(result, (list, tuple)):
        return f"{len(result)} results"
    return type(result).__name__


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


@functools.cache
def get_plugin_manager() -> PluginManager:
    """The process-wide plugin manager, built on first use and cached.

    Discovery happens here, never at import time. Use
    :func:`reset_plugin_manager` after installing plugins or changing the
    environment switches.
    """
    return PluginManager()


def reset_plugin_manager() -> None:
    """Forget the cached manager; the next :func:`get_plugin_manager` rebuilds it."""
    get_plugin_manager.cache_clear()
