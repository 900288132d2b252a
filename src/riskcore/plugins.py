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
  a crash is attributed to one plugin, in a worker thread with a timeout, so
  that nothing a plugin raises (``SystemExit`` and ``KeyboardInterrupt``
  included) or a plugin that hangs ends or hangs the run, and with a read-only
  view of the case (:func:`readonly_case`); see ``docs/plugins/failures.md``;
* refuses a third-party entry point that takes a built-in's name
  (:data:`BUILTIN_DISTRIBUTIONS`) unless the user names it;
* honours kill switches, for users (environment) and embedders (arguments):

  ======================================  ======================================
  ``RISKCORE_DISABLE_PLUGIN_AUTOLOAD=1``  ``autoload=False``: no entry points
  ``RISKCORE_DISABLE_PLUGINS=a,b``        ``block=["a", "b"]``: never imported
  ``RISKCORE_LOAD_PLUGINS=a,b``           ``allow=["a", "b"]``: only these
  ``RISKCORE_TRACE_PLUGINS=1``            ``trace=True``: log every hook call
  ``RISKCORE_OVERRIDE_PLUGINS=a,b``       ``override=["a"]``: may replace a
                                          built-in
  ``RISKCORE_PLUGIN_TIMEOUT=30``          ``timeout=30.0``: seconds per call
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

import contextvars
import difflib
import enum
import functools
import importlib
import logging
import math
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import pluggy
from attrs import field, frozen

from riskcore import hookspecs
from riskcore._plugin_calls import (
    HookOutcome,
    _batch_at,
    _batches,
    _by_batch,
    _call_in_turn,
    _CallPlan,
    _describe,
    _outcome,
    _picker,
    _plugin_name,
    _shape,
    _Worker,
    assessor_failure,
    failure_detail,
)
from riskcore._plugin_settings import (
    BUILTIN_DISTRIBUTIONS,
    DEFAULT_TIMEOUT,
    _csv_env,
    _env_flag,
    _in_order,
    _is_genuine,
    _timeout,
)
from riskcore._plugin_views import _plugin_view, _plugin_views, readonly_case
from riskcore.errors import PluginError, PluginTimeoutError
from riskcore.model._fields import to_tuple
from riskcore.model.assessment import AssessorFailure

__all__ = [
    "BUILTIN_DISTRIBUTIONS",
    "BUILTIN_PLUGINS",
    "DEFAULT_TIMEOUT",
    "ENTRY_POINT_GROUP",
    "HookOutcome",
    "PluginManager",
    "PluginRecord",
    "PluginStatus",
    "failure_detail",
    "get_plugin_manager",
    "readonly_case",
    "reset_plugin_manager",
]

log = logging.getLogger("riskcore.plugins")

ENTRY_POINT_GROUP = "riskcore"
"""The entry-point group plugins register under."""

BUILTIN_PLUGINS: tuple[str, ...] = ("riskcore.catalog.builtin",)
"""Modules inside riskcore registered as plugins before any entry point."""

_PREFIX = "riskcore_"


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
    override:
        Entry-point names of :data:`BUILTIN_DISTRIBUTIONS` that another
        distribution may take (added to ``RISKCORE_OVERRIDE_PLUGINS``). Without
        it, an entry point named like a built-in (``safety``) from any other
        distribution is refused and recorded as failed; with it, that
        distribution is loaded *instead of* the built-in, which is recorded as
        blocked.
    timeout:
        Seconds one plugin's hook call may run before it is abandoned and
        recorded as a :class:`~riskcore.errors.PluginTimeoutError` failure. Default:
        ``RISKCORE_PLUGIN_TIMEOUT`` or :data:`DEFAULT_TIMEOUT` (30 s);
        ``math.inf`` waits for ever.

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
        override: Iterable[str] = (),
        timeout: float | None = None,
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
        self._refused: list[PluginRecord] = []
        """Entry points refused because their name is taken (a built-in's
        look-alike, a second distribution): listed in :attr:`failures`, while
        the name's record stays the loaded plugin's."""
        self._dist: dict[str, tuple[str | None, str | None]] = {}
        self._plans: dict[str, tuple[list[pluggy.HookImpl], _CallPlan]] = {}
        self.override = frozenset([*_csv_env("RISKCORE_OVERRIDE_PLUGINS"), *override])
        """Built-in names another distribution may take (see ``override``)."""
        self.timeout = _timeout(timeout)
        """Seconds one hook call may take (see ``timeout``)."""
        self._workers: dict[int, _Worker] = {}
        self._hung: set[str] = set()
        """Plugins that timed out: not called again by this manager."""

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
        eps, claimants = _in_order(entry_points(group=ENTRY_POINT_GROUP))
        for ep in eps:
            dist = getattr(ep, "dist", None)
            dist_name = dist.name if dist is not None else None
            version = dist.version if dist is not None else None
            others = claimants.get(ep.name, [])
            if _is_genuine(ep) and len(others) > 1:
                # Two distributions claim one name: which is meant is unknown
                # (sys.path order is not a choice), so none is loaded.
                self._fail(
                    ep.name,
                    f"PluginError: the name {ep.name!r} is already used by another "
                    f"distribution ({', '.join(sorted(others))}): none of them is loaded",
                    dist_name,
                    version,
                    ep.value,
                    record=ep.name not in seen,
                )
                seen.add(ep.name)
                continue
            if not _is_genuine(ep):
                owner = BUILTIN_DISTRIBUTIONS[ep.name]
                if ep.name not in self.override:
                    self._fail(
                        ep.name,
                        f"PluginError: the name {ep.name!r} belongs to riskcore's "
                        f"built-in plugin {owner}; another distribution may take it "
                        f"only if named in RISKCORE_OVERRIDE_PLUGINS={ep.name}",
                        dist_name,
                        version,
                        ep.value,
                        record=ep.name not in seen,
                        hint=False,
                    )
                    continue
                if ep.name in seen:  # the user chose this one over the built-in
                    self.unregister(ep.name)
                    seen.discard(ep.name)
                    log.warning(
                        "riskcore plugin %r from %s replaces the built-in %s "
                        "(RISKCORE_OVERRIDE_PLUGINS)",
                        ep.name,
                        dist_name,
                        owner,
                    )
            if ep.name in seen:  # pragma: no cover - handled above
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
        *,
        record: bool = True,
        hint: bool = True,
    ) -> None:
        where = f" from {dist} {version}" if dist else ""
        skip = f" (set RISKCORE_DISABLE_PLUGINS={name} to skip it)" if hint else ""
        message = f"riskcore plugin {name!r}{where} failed to load: {error}{skip}"
        if self.strict:
            raise PluginError(message) from exc
        log.warning("%s", message)
        if not record:  # the name's record is the loaded plugin's; keep it
            self._refused.append(
                PluginRecord(
                    name=name,
                    status=PluginStatus.FAILED,
                    distribution=dist,
                    version=version,
                    module=module,
                    error=error,
                )
            )
            self._failed = None
            return
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
        return list(self.sorted_records())

    def sorted_records(self) -> tuple[PluginRecord, ...]:
        """:meth:`records` as a tuple: the same object until a plugin is
        registered, unregistered or fails, so a caller may cache what it
        derives from the records on the tuple's identity.

        .. versionadded:: 0.1
        """
        if self._sorted is None:
            self._sorted = tuple(sorted(self._records.values(), key=_record_name))
        return self._sorted

    @property
    def failures(self) -> tuple[PluginRecord, ...]:
        """The plugins that failed to load."""
        if self._failed is None:
            self._failed = tuple(
                sorted(
                    [
                        *(
                            r
                            for r in self.sorted_records()
                            if r.status is PluginStatus.FAILED
                        ),
                        *self._refused,
                    ],
                    key=_record_name,
                )
            )
        return self._failed

    def record(self, name: str) -> PluginRecord | None:
        """The record of one plugin, or ``None``."""
        return self._records.get(name)

    def failure(
        self,
        plugin: str | PluginRecord,
        hook: str,
        why: BaseException | str,
        **where: str | None,
    ) -> AssessorFailure:
        """The :class:`~riskcore.model.AssessorFailure` of *plugin* (a name, or
        the record of one that failed to load) on *hook*, which raised *why* or
        whose result *why* describes; *where*: ``subject``, ``instrument``,
        ``error_type``. The one place a failure gets its plugin's distribution
        and version (:func:`riskcore._plugin_calls.assessor_failure`).

        >>> pm = PluginManager(autoload=False)
        >>> pm.failure("toy", "riskcore_assess", "not a list", subject="c-1").summary()
        'toy: riskcore_assess on subject c-1 failed with InvalidResult'
        """
        rec = plugin if isinstance(plugin, PluginRecord) else self.record(plugin)
        name = plugin.name if isinstance(plugin, PluginRecord) else plugin
        dist, version = (rec.distribution, rec.version) if rec else (None, None)
        return assessor_failure(name, hook, why, dist, version, **where)

    # ----------------------------------------------------------------- calls

    def call_each(self, hook: str, /, **kwargs: Any) -> Iterator[HookOutcome]:
        """Call every implementation of *hook* separately, in plugin-name order.

        Each implementation gets only the arguments it declares, and a
        read-only view of a :class:`~riskcore.model.Case` (:func:`readonly_case`).
        Each call runs in the manager's worker thread (:meth:`run_guarded`):
        whatever it raises, ``SystemExit``, ``KeyboardInterrupt`` and every
        other ``BaseException`` included, is caught and returned in the
        :class:`HookOutcome`, never raised, so callers decide what a failure
        means; a call that does not return within :attr:`timeout` seconds is
        abandoned and returned as a :class:`~riskcore.errors.PluginTimeoutError`.
        A real Ctrl-C (SIGINT, delivered to the main thread, which waits)
        propagates.
        """
        return self._call_each(hook, kwargs)

    def call_many(
        self, hook: str, calls: Iterable[Mapping[str, Any]]
    ) -> list[list[HookOutcome]]:
        """:meth:`call_each` for each mapping of arguments in *calls*: the
        outcomes of each, in plugin-name order.

        The same calls, with one hand-over to the worker thread for all of
        them (each plugin is called for every item of *calls* in turn); when
        tracing or when ``call_each`` was replaced (a
        :class:`~riskcore.testing.HookRecorder`), through ``call_each``.
        """
        calls = list(calls)
        if self._direct_plan(hook) is None:
            return [list(self.call_each(hook, **kw)) for kw in calls]
        plan, got = self._direct_calls(hook, calls)
        return [
            [_outcome(name, *got[j][i]) for j, (name, *_) in enumerate(plan)]
            for i in range(len(calls))
        ]

    def call_grid(
        self, hook: str, calls: Iterable[Mapping[str, Any]]
    ) -> list[list[tuple[str, Any, BaseException | None]]]:
        """:meth:`call_many` as ``(plugin, result, error)`` triples, without a
        :class:`HookOutcome` per call: the fast path of a caller (such as
        :func:`riskcore.assess.assess`) that validates the results itself.

        The same calls, guards, timeout and read-only views as
        :meth:`call_each`; when tracing or when ``call_each`` was replaced (a
        :class:`~riskcore.testing.HookRecorder`, a subclass), they go through
        ``call_each``, which then sees each of them.

        .. versionadded:: 0.1
        """
        return [
            [(name, result, error) for name, (result, error, _) in row]
            for row in self._grid_rows(hook, calls)
        ]

    def _grid_rows(
        self, hook: str, calls: Iterable[Mapping[str, Any]]
    ) -> list[Iterable[tuple[str, tuple[Any, BaseException | None, float]]]]:
        """:meth:`call_grid` as ``(plugin, (result, error, seconds))`` pairs per
        call, each row an iterable read once, made without a tuple per call:
        what :func:`riskcore.assess.assess` reads (internal). The same calls,
        all made before this returns."""
        calls = list(calls)
        if self._direct_plan(hook) is None:
            return [
                [
                    (o.plugin, (o.result, o.error, o.seconds))
                    for o in self.call_each(hook, **kw)
                ]
                for kw in calls
            ]
        plan, got = self._direct_calls(hook, calls)
        if not plan:
            return [() for _ in calls]
        names = [name for name, *_ in plan]
        # got holds a column per plugin; zip(*got) is a row per call.
        return [zip(names, row, strict=True) for row in zip(*got, strict=True)]

    def implementers(self, hook: str) -> tuple[str, ...]:
        """The names of the plugins that implement *hook*, sorted.

        >>> pm = get_plugin_manager()
        >>> isinstance(pm.implementers("riskcore_assess"), tuple)
        True

        .. versionadded:: 0.1
        """
        return tuple(name for name, *_ in self._plan(hook))

    def hook_state(self, hook: str) -> object:
        """A token for the implementations of *hook*: the same object as long
        as they do not change, so a caller may cache per-hook answers (of a
        hook called once, such as ``riskcore_assessor_info``) on its identity.

        .. versionadded:: 0.1
        """
        return self._plan(hook)

    def _direct_calls(
        self, hook: str, calls: list[Mapping[str, Any]]
    ) -> tuple[_CallPlan, list[list[tuple[Any, BaseException | None, float]]]]:
        """Every implementation of *hook* on every item of *calls*, with one
        hand-over to the worker: the plan and, per plugin, the results."""
        plan = self._plan(hook)
        return plan, self.run_guarded(hook, _batches(plan, _plugin_views(calls)))

    def run_guarded(
        self,
        hook: str,
        batches: Iterable[tuple[str, Callable[..., Any], Iterable[tuple[Any, ...]]]],
    ) -> list[list[tuple[Any, BaseException | None, float]]]:
        """Make each plugin's calls of *hook* in the worker thread of the
        calling thread (internal to riskcore's callers).

        *batches* holds ``(plugin, function, calls)``, one argument tuple per
        call; the answer holds, per batch, ``(result, error, seconds)`` per
        call, in order. The calls run one after the other (one hand-over to
        the worker for all of them); each has :attr:`timeout` seconds.

        An iterable result (a generator) is turned into a list in the worker,
        so the plugin's code never runs in the caller's thread. Anything the
        plugin raises is the *error* of its call: signals are only handled in
        the main thread, so a ``KeyboardInterrupt`` or ``SystemExit`` caught
        in the worker was raised by the plugin, while a real Ctrl-C reaches
        the caller, which waits in the main thread, and propagates. A call
        that does not return in time is abandoned (the worker is a daemon
        thread and is replaced); it and the plugin's later calls get a
        :class:`~riskcore.errors.PluginTimeoutError`, and the plugin is not called
        again by this manager. Nothing waits on a clock otherwise: a call that
        returns in time is unaffected.
        """
        todo = [
            (name, function, calls if type(calls) is list else list(calls))
            for name, function, calls in batches
        ]
        total = sum(len(calls) for _, _, calls in todo)
        # Every call's (result, error, seconds), in order across the batches.
        flat: list[tuple[Any, BaseException | None, float]] = []
        while len(flat) < total:
            flat += self._run_from(hook, todo, len(flat))
            if len(flat) < total:  # the call at len(flat) hung
                name = _batch_at(todo, len(flat))
                self._hung.add(name)
                log.warning(
                    "riskcore plugin %r: %s did not return within %g s; abandoned "
                    "and recorded as failed",
                    name,
                    hook,
                    self.timeout,
                )
                err = PluginTimeoutError(
                    f"plugin {name!r}: {hook} did not return within {self.timeout:g} s"
                )
                flat.append((None, err, self.timeout))
        return _by_batch(flat, todo)

    def _run_from(
        self,
        hook: str,
        batches: list[tuple[str, Callable[..., Any], list[tuple[Any, ...]]]],
        pos: int,
    ) -> list[tuple[Any, BaseException | None, float]]:
        """Run the calls of *batches* from the *pos*-th (counted across them)
        in the worker: the results of the calls made before one hung (all of
        them if none did)."""
        got: list[tuple[Any, BaseException | None, float]] = []
        done = threading.Event()
        ctx = contextvars.copy_context()
        hung = frozenset(self._hung)

        def job() -> None:
            # got.append is atomic; the caller only reads got's length
            _call_in_turn(batches, pos, hung, got.append, done)

        worker = self._worker_for_thread()
        worker.jobs.put(functools.partial(ctx.run, job))
        timeout = None if math.isinf(self.timeout) else self.timeout
        try:
            # Woken once, when every call returned; every *timeout* seconds,
            # some call must have returned since the last look, or one hung.
            seen = -1
            while not done.wait(timeout):
                if len(got) == seen:
                    break
                seen = len(got)
            else:
                return got
        except BaseException:  # a real Ctrl-C while waiting: stop, drop the worker
            self._abandon(worker)
            raise
        self._abandon(worker)
        return got[:seen]  # a late result of the hung call is dropped

    def _worker_for_thread(self) -> _Worker:
        # One worker per calling thread, so that calls from two threads never
        # wait for each other (their timeouts start with the call).
        ident = threading.get_ident()
        workers = self._workers
        worker = workers.get(ident)
        if worker is None or not worker.thread.is_alive():
            worker = workers[ident] = _Worker()
            weakref.finalize(self, worker.stop)
        return worker

    def _abandon(self, worker: _Worker) -> None:
        ident = threading.get_ident()
        if self._workers.get(ident) is worker:
            del self._workers[ident]
        worker.stop()  # it ends after the job it is stuck in, if ever

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
        kwargs = {k: _plugin_view(v) for k, v in kwargs.items()}
        plan = self._plan(hook)
        got = self.run_guarded(
            hook,
            [(name, function, [pick(kwargs)]) for name, function, _, pick, _ in plan],
        )
        for (name, *_), [(result, error, seconds)] in zip(plan, got, strict=True):
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


def _record_name(record: PluginRecord) -> str:
    return record.name


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
