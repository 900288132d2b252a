"""Fast constructors generated from an attrs class's fields (internal).

attrs' generated ``__init__`` of a frozen class takes keywords and writes each
slot through ``object.__setattr__``; building many objects of a large class
(a :class:`~riskcore.model.Risk` has 32 fields) costs more in that machinery
than in the checks. :func:`builder` and :func:`replacer` generate, from the
fields, functions that do the same work positionally and write each slot
through its descriptor:

* :func:`builder` makes an instance from every field, running the same
  converters and the same validators, in the same order, as ``__init__``
  (converters first, then the validators, unless attrs' validators are
  disabled), so it accepts exactly what ``__init__`` accepts and raises the
  same error for what it refuses;
* :func:`replacer` copies an instance with some fields replaced, like
  :func:`attrs.evolve`, running the converters and validators of the replaced
  fields only: the other fields were checked when the (frozen) instance was
  built.

A converter that is :func:`~riskcore.model._fields.to_tuple` is skipped for a
value that is already a tuple (``to_tuple`` returns such a tuple unchanged).
Only the field names reach the generated source. A subclass of the class goes
through the class's own ``__init__`` / :func:`attrs.evolve`.

.. versionadded:: 0.1
"""

from __future__ import annotations

import types
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from riskcore.model._fields import to_tuple

__all__ = ["builder", "replacer"]

_TO_TUPLE: object = to_tuple


def _namespace(cls: type[Any]) -> tuple[dict[str, Any], list[attrs.Attribute[Any]]]:
    if getattr(cls, "__attrs_post_init__", None) is not None:
        raise TypeError(f"{cls.__name__} has __attrs_post_init__: not supported")
    fields = list(attrs.fields(cls))
    ns: dict[str, Any] = {
        "_Cls": cls,
        "_new": object.__new__,
        "_disabled": attrs.validators.get_disabled,
        "_evolve": attrs.evolve,
    }
    for a in fields:
        slot = getattr(cls, a.name)
        if not isinstance(slot, types.MemberDescriptorType):  # pragma: no cover
            raise TypeError(f"{cls.__name__}.{a.name} is not a slot")
        ns[f"_s_{a.name}"] = slot.__set__
        ns[f"_a_{a.name}"] = a
        if a.converter is not None:
            ns[f"_c_{a.name}"] = a.converter
        if a.validator is not None:
            ns[f"_v_{a.name}"] = a.validator
    return ns, fields


def _convert(a: attrs.Attribute[Any]) -> str:
    n = a.name
    if a.converter is None:
        return ""
    if a.converter is _TO_TUPLE:
        return f"    if type({n}) is not tuple:\n        {n} = _c_{n}({n})\n"
    return f"    {n} = _c_{n}({n})\n"


def _validate(fields: Sequence[attrs.Attribute[Any]]) -> str:
    checks = [
        f"        _v_{a.name}(self, _a_{a.name}, {a.name})\n"
        for a in fields
        if a.validator is not None
    ]
    return "    if not _disabled():\n" + "".join(checks) if checks else ""


def _compiled(source: str, name: str, ns: dict[str, Any]) -> Callable[..., Any]:
    # only the field names of the class reach the source
    exec(compile(source, f"<riskcore {ns['_Cls'].__name__} {name}>", "exec"), ns)
    fn: Callable[..., Any] = ns[name]
    return fn


def builder(cls: type[Any]) -> Callable[..., Any]:
    """``build(cls, *values)``: an instance of *cls* from every field, positionally
    in the order of :func:`attrs.fields`, checked as ``cls(**values)`` checks it.

    >>> from riskcore.model.risk import Level
    >>> build = builder(Level)
    >>> build(Level, "high", 30.0) == Level(name="high", review_days=30)
    True
    """
    ns, fields = _namespace(cls)
    names = [a.name for a in fields]
    args = ", ".join(names)
    source = (
        f"def build(cls, {args}):\n"
        "    if cls is not _Cls:\n"
        f"        return cls({', '.join(f'{n}={n}' for n in names)})\n"
        + "".join(_convert(a) for a in fields)
        + "    self = _new(_Cls)\n"
        + "".join(f"    _s_{n}(self, {n})\n" for n in names)
        + _validate(fields)
        + "    return self\n"
    )
    return _compiled(source, "build", ns)


def replacer(
    cls: type[Any], replaced: Sequence[str], *, unchecked: Sequence[str] = ()
) -> Callable[..., Any]:
    """``replace(obj, *values)``: *obj* (a *cls*) with the fields *replaced* set
    to *values*, positionally in that order; as :func:`attrs.evolve`, without
    checking the other fields again.

    The validators of the *unchecked* fields (some of *replaced*) do not run
    either: for a caller that has shown the values valid (its own proof,
    stated where it calls); their converters still run.

    >>> from riskcore.model.risk import Level
    >>> replace = replacer(Level, ["review_days"])
    >>> replace(Level(name="high", review_days=30), 7) == Level(name="high", review_days=7)
    True
    >>> shown = replacer(Level, ["name"], unchecked=["name"])
    >>> shown(Level(name="high", review_days=30), "two words").name
    'two words'
    """
    ns, fields = _namespace(cls)
    by_name = {a.name: a for a in fields}
    changed = [by_name[n] for n in replaced]  # KeyError: not a field
    if not set(unchecked) <= set(replaced):
        raise ValueError("unchecked: only replaced fields")
    args = ", ".join(replaced)
    source = (
        f"def replace(obj, {args}):\n"
        "    if type(obj) is not _Cls:\n"
        f"        return _evolve(obj, {', '.join(f'{n}={n}' for n in replaced)})\n"
        + "".join(_convert(a) for a in changed)
        + "    self = _new(_Cls)\n"
        + "".join(
            f"    _s_{a.name}(self, {a.name if a.name in replaced else 'obj.' + a.name})\n"
            for a in fields
        )
        + _validate([a for a in changed if a.name not in unchecked])
        + "    return self\n"
    )
    return _compiled(source, "replace", ns)
