"""Deprecation aliases: the one way riskcore keeps an old name for one release.

.. versionadded:: 0.1
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Mapping
from typing import ParamSpec, TypeVar

__all__ = ["renamed", "renamed_names"]

P = ParamSpec("P")
R = TypeVar("R")

REMOVED_IN = "0.3"
"""The release that drops the aliases made by :func:`renamed`."""


def renamed(new: Callable[P, R], old: str) -> Callable[P, R]:
    """*new* under its old name *old* (``"module.name"``): the same function,
    which first warns with a :class:`DeprecationWarning` naming the new one.

    Examples
    --------
    >>> import warnings
    >>> def total(x: int) -> int:
    ...     return x
    >>> old = renamed(total, "riskcore.example.sum_up")
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     old(3), str(w[0].message)
    (3, 'riskcore.example.sum_up is deprecated: use total (removed in riskcore 0.3)')
    """
    message = (
        f"{old} is deprecated: use {new.__qualname__} (removed in riskcore "
        f"{REMOVED_IN})"
    )

    @functools.wraps(new)
    def alias(*args: P.args, **kwargs: P.kwargs) -> R:
        warnings.warn(message, DeprecationWarning, stacklevel=2)
        return new(*args, **kwargs)

    alias.__name__ = old.rsplit(".", 1)[-1]
    alias.__qualname__ = alias.__name__
    alias.__doc__ = f"Deprecated alias of :func:`{new.__qualname__}`: {message}."
    return alias


def renamed_names(
    module: str, aliases: Mapping[str, object]
) -> Callable[[str], object]:
    """A module ``__getattr__`` serving old names of classes (or constants).

    A class cannot be wrapped as :func:`renamed` wraps a function (``isinstance``
    and annotations need the class itself), so the module answers for its old
    name: the same object, after a :class:`DeprecationWarning` naming the new one.

    Examples
    --------
    >>> import warnings
    >>> class Solution: ...
    >>> getattr_ = renamed_names("riskcore.example", {"Result": Solution})
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     getattr_("Result") is Solution, str(w[0].message)
    (True, 'riskcore.example.Result is deprecated: use Solution (removed in riskcore 0.3)')
    >>> getattr_("Other")
    Traceback (most recent call last):
    ...
    AttributeError: module 'riskcore.example' has no attribute 'Other'
    """

    def __getattr__(name: str) -> object:  # noqa: N807 (a module's __getattr__)
        if name not in aliases:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        new = aliases[name]
        warnings.warn(
            f"{module}.{name} is deprecated: use "
            f"{getattr(new, '__qualname__', repr(new))} (removed in riskcore "
            f"{REMOVED_IN})",
            DeprecationWarning,
            stacklevel=2,
        )
        return new

    return __getattr__
