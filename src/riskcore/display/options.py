"""Display options: HTML or text, and how much of a result a view shows.

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import types

__all__ = ["get_options", "set_options"]


_OPTIONS: dict[str, Any] = {
    "display": "html",
    "max_rows": 25,
    "max_lines": 10,
    "max_items": 10_000,
}
_CHECKS: dict[str, Any] = {
    "display": lambda v: v in ("html", "text"),
    "max_rows": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
    "max_lines": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "max_items": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
}


class set_options:  # noqa: N801  (a function-like context manager, as in xarray)
    """Set display options globally, or temporarily in a ``with`` block.

    Parameters
    ----------
    display : {"html", "text"}
        ``"text"`` makes every ``_repr_html_`` return ``None`` so notebooks
        show the plain-text ``repr`` (default ``"html"``).
    max_rows : int
        Rows shown in an HTML table before "… and *n* more" (default 25).
    max_lines : int
        Detail lines under the summary line of a ``repr`` (default 10).
    max_items : int
        Objects with more items than this (scores, risks, graph nodes) get no
        HTML view at all, only their short ``repr`` (default 10 000).

    Raises
    ------
    ValueError
        For an unknown option or an invalid value.

    Examples
    --------
    >>> import riskcore.display as d
    >>> _ = d.set_options(max_rows=10)
    >>> d.get_options()["max_rows"]
    10
    >>> _ = d.set_options(max_rows=25)
    >>> d.set_options(display="latex")
    Traceback (most recent call last):
    ...
    ValueError: display: 'latex' is not a valid value
    """

    def __init__(self, **options: Any) -> None:
        for key, value in options.items():
            if key not in _OPTIONS:
                msg = f"unknown display option {key!r} (known: {', '.join(_OPTIONS)})"
                raise ValueError(msg)
            if not _CHECKS[key](value):
                raise ValueError(f"{key}: {value!r} is not a valid value")
        self._old = {k: _OPTIONS[k] for k in options}
        _OPTIONS.update(options)

    def __enter__(self) -> set_options:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        _OPTIONS.update(self._old)


def get_options() -> dict[str, Any]:
    """A copy of the current display options (see :class:`set_options`)."""
    return dict(_OPTIONS)


def _html_enabled(n_items: int) -> bool:
    return bool(_OPTIONS["display"] == "html" and n_items <= _OPTIONS["max_items"])
