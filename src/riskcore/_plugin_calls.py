"""The pieces of one guarded hook call: its outcome, its arguments, its thread.

Internal to :mod:`riskcore.plugins` (which re-exports
:class:`~riskcore.plugins.HookOutcome` and
:func:`~riskcore.plugins.failure_detail`): what
:meth:`riskcore.plugins.PluginManager.run_guarded` builds a call from and
turns its result into.
"""

from __future__ import annotations

import operator
import queue
import threading
from collections.abc import Callable, Iterable, Mapping
from time import perf_counter
from types import MemberDescriptorType
from typing import Any, cast

import attrs
import pluggy
from attrs import frozen

from riskcore.errors import FieldError, PluginTimeoutError, shown
from riskcore.model.assessment import AssessorFailure

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


class _Worker:
    """A daemon thread that runs plugin calls (see
    :meth:`PluginManager.run_guarded`)."""

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[Callable[[], object] | None] = queue.SimpleQueue()
        self.thread = threading.Thread(
            target=self._run, name="riskcore-plugin-call", daemon=True
        )
        self.thread.start()

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            job()  # never raises: the job catches what the plugin raises

    def stop(self) -> None:
        self.jobs.put(None)


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


def _shape(result: object) -> str:
    if result is None:
        return "None"
    if isinstance(result, (list, tuple)):
        return f"{len(result)} results"
    return type(result).__name__


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def failure_detail(exc: BaseException) -> str:
    """What a record of a plugin's failure says about the exception *exc*.

    Its type, and its message only as :func:`riskcore.errors.shown` allows: a
    plugin's message may quote the case (a name, a phone number, a note), so
    it is redacted unless the user opted in (``--show-identifying``, i.e.
    :func:`riskcore.errors.showing_values`). riskcore's own
    :class:`~riskcore.errors.FieldError` and
    :class:`~riskcore.errors.PluginTimeoutError` messages are redacted when built
    and are kept.

    >>> failure_detail(ValueError("call 555-123-4567"))
    'raised ValueError: <redacted: a string of 17 characters>'
    >>> failure_detail(SystemExit(3)), failure_detail(KeyboardInterrupt())
    ("raised SystemExit: '3'", 'raised KeyboardInterrupt')
    """
    name = type(exc).__name__
    text = str(exc)
    if not text:
        return f"raised {name}"
    if not isinstance(exc, (FieldError, PluginTimeoutError)):
        text = shown(text)
    return f"raised {name}: {text}"


def _call_in_turn(
    batches: list[tuple[str, Callable[..., Any], list[tuple[Any, ...]]]],
    pos: int,
    hung: frozenset[str],
    put: Callable[[tuple[Any, BaseException | None, float]], None],
    done: threading.Event,
) -> None:
    """Make the calls of *batches* (``(plugin, function, calls)``, one argument
    tuple per call) one after the other from the *pos*-th call of all of them
    (counted across the batches, in order), in the worker thread
    (:meth:`riskcore.plugins.PluginManager.run_guarded`): *put* each
    ``(result, error, seconds)``, then set *done*. Never raises: anything the
    plugin raises is its call's *error*.

    >>> got, done = [], threading.Event()
    >>> _call_in_turn([("a", len, [("xy",), ("z",)]), ("b", int, [("x",), ("7",)])],
    ...               1, frozenset(), got.append, done)
    >>> [(r, type(e).__name__) for r, e, _ in got], done.is_set()
    ([(1, 'NoneType'), (None, 'ValueError'), (7, 'NoneType')], True)
    """
    try:
        for name, function, calls in batches:
            if pos >= len(calls):
                pos -= len(calls)
                continue
            todo = calls[pos:] if pos else calls
            pos = 0
            if name in hung:
                for _ in todo:
                    err = PluginTimeoutError(
                        f"plugin {name!r} was not called: it timed out earlier"
                    )
                    put((None, err, 0.0))
                continue
            for args in todo:
                start = perf_counter()
                try:
                    result = function(*args)
                    if (
                        result is not None
                        and type(result) is not list
                        and type(result) is not tuple
                        and isinstance(result, Iterable)
                        and not isinstance(result, (str, bytes, Mapping))
                    ):
                        result = list(result)  # run a generator here
                    error: BaseException | None = None
                except BaseException as exc:  # the plugin's (see run_guarded)
                    result, error = None, exc
                put((result, error, perf_counter() - start))
    finally:
        done.set()


def _batch_at(
    batches: list[tuple[str, Callable[..., Any], list[tuple[Any, ...]]]], pos: int
) -> str:
    """The plugin of the *pos*-th call of *batches*, counted across them.

    >>> _batch_at([("a", len, [(1,), (2,)]), ("b", len, [(3,)])], 2)
    'b'
    """
    for name, _, calls in batches:
        if pos < len(calls):
            return name
        pos -= len(calls)
    raise IndexError(pos)


def _batches(
    plan: _CallPlan, views: list[dict[str, Any]]
) -> list[tuple[str, Callable[..., Any], list[tuple[Any, ...]]]]:
    """Each plugin of *plan* as ``(plugin, function, calls)`` for *views* (the
    arguments of each call): the arguments it declares, in order. Plugins
    declaring the same arguments share one list of argument tuples (equal
    tuples of the same objects; only read).

    >>> pick = _picker(("x",))
    >>> got = _batches((("a", len, ("x",), pick, True), ("b", abs, ("x",), pick, True)),
    ...                [{"x": 1}, {"x": 2}])
    >>> got[0][2], got[1][2] is got[0][2]
    ([(1,), (2,)], True)
    """
    picked: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    for _, _, argnames, pick, _ in plan:
        if argnames not in picked:
            picked[argnames] = [pick(kw) for kw in views]
    return [(name, function, picked[argnames]) for name, function, argnames, *_ in plan]


def _by_batch(
    flat: list[tuple[Any, BaseException | None, float]],
    batches: list[tuple[str, Callable[..., Any], list[tuple[Any, ...]]]],
) -> list[list[tuple[Any, BaseException | None, float]]]:
    """*flat* (a result per call of *batches*, in order across them) cut into
    one list per batch.

    >>> _by_batch([1, 2, 3], [("a", len, [(), ()]), ("b", len, []), ("c", len, [()])])
    [[1, 2], [], [3]]
    """
    out = []
    start = 0
    for _, _, calls in batches:
        out.append(flat[start : start + len(calls)])
        start += len(calls)
    return out


def _plugin_name(impl: pluggy.HookImpl) -> str:
    return impl.plugin_name


def assessor_failure(
    plugin: str,
    hook: str,
    why: BaseException | str,
    distribution: str | None,
    version: str | None,
    *,
    error_type: str | None = None,
    subject: str | None = None,
    instrument: str | None = None,
) -> AssessorFailure:
    """The :class:`~riskcore.model.AssessorFailure` of *plugin*'s call of
    *hook*: it raised *why*, or *why* says what was wrong with its result.

    Called only by :meth:`riskcore.plugins.PluginManager.failure`, which looks
    up the plugin's distribution and version: the one rule for every failure
    a pipeline stage records. An exception gives the error type (its class
    name) and a detail redacted by :func:`failure_detail`; a text is an
    ``"InvalidResult"`` with that text. *error_type* overrides the type.

    >>> f = assessor_failure("toy", "riskcore_assess", KeyError("c-01"), "toy-dist", "1.0")
    >>> f.error_type, f.detail, f.distribution
    ('KeyError', 'raised KeyError: <redacted: a string of 6 characters>', 'toy-dist')
    >>> assessor_failure("toy", "riskcore_assess", "not a list", None, None).error_type
    'InvalidResult'
    """
    if isinstance(why, BaseException):
        kind, detail = type(why).__name__, failure_detail(why)
    else:
        kind, detail = "InvalidResult", why
    return AssessorFailure(
        plugin=plugin,
        hook=hook,
        error_type=error_type or kind,
        distribution=distribution,
        version=version,
        subject=subject,
        detail=detail,
        instrument=instrument,
    )
