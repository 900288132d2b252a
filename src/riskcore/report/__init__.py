"""Reports a practice can act on: self-contained HTML, Markdown and JSON.

The report is built from a :class:`~riskcore.workflow.PlanReport` only (the
public API), in this order: what to act on first (critical risks, armed
responses, legal duties), incomplete assessments, a summary, the phased plan,
the risk register with the reasons behind each level, a heat map, uncertainty,
and provenance. Identifying data is redacted unless asked for: subjects are shown
by their pseudonymous ids.

The HTML needs no network: styles are inline, the heat map is inline SVG, and it
prints on A4/Letter.

.. versionadded:: 0.1
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal

from riskcore.report.context import build_context

if TYPE_CHECKING:
    import os

    from riskcore.workflow import PlanReport

__all__ = ["ReportFormat", "escape_markdown", "render", "stream", "write"]

ReportFormat = Literal["html", "markdown", "json"]

_SUFFIX: dict[str, ReportFormat] = {
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "json",
}


_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")
_MD_BLOCK = re.compile(r"^(\s*)([-+=#]|\d{1,9}[.)])(?=[\s=#-]|$)")
# Text with none of the characters escape_markdown changes: inline markup,
# HTML's three, and every line break str.splitlines knows.
_MD_PLAIN = re.compile(r"[^\\`*_\[\]|~&<>\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]*")


def escape_markdown(value: object, *, code: bool = False) -> str:
    r"""*value* as literal text in Markdown: the ``md`` filter of the Markdown
    report, applied to every interpolated field of ``report.md.j2``.

    HTML is escaped (``&``, ``<``, ``>``: a name holding ``<script>`` or a
    comment is shown, not run or hidden); the characters of inline markup are
    backslash-escaped (emphasis ``*`` ``_``, links and images ``[`` ``]``,
    code spans, table cells ``|``, strikethrough ``~``, the backslash); a
    block marker at the start (``-``, ``+``, ``=``, ``#``, ``1.``) is escaped;
    line breaks become spaces, so a value never starts a new block or table
    row. With *code* (inside a code span, where backslashes are literal) only
    backticks and line breaks are removed.

    >>> print(escape_markdown("<b>Jane</b> *Doe* [x](http://e.org) | 1"))
    &lt;b&gt;Jane&lt;/b&gt; \*Doe\* \[x\](http://e.org) \| 1
    >>> print(escape_markdown("# Jo\n- Li"))
    \# Jo - Li
    >>> escape_markdown("phq9.item9-invalid (fail closed)"), escape_markdown(12.5)
    ('phq9.item9-invalid (fail closed)', '12.5')
    >>> print(escape_markdown("1. Jo"), escape_markdown("---"), escape_markdown("-1"))
    1\. Jo \--- -1
    >>> escape_markdown("a`b", code=True)
    'ab'
    """
    text = str(value)
    if _MD_PLAIN.fullmatch(text) and not (code or _MD_BLOCK.match(text)):
        return text  # most fields (ids, levels, numbers): nothing to escape
    return _escape_all(text, code)


def _escape_all(text: str, code: bool) -> str:
    """Every rule of :func:`escape_markdown` applied to *text* (its tests
    check the shortcut against this)."""
    text = " ".join(text.splitlines())
    if code:
        return text.replace("`", "")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    return _MD_BLOCK.sub(_escape_block, text, count=1)


def _escape_block(m: re.Match[str]) -> str:
    marker = m.group(2)
    if marker[0].isdigit():
        return f"{m.group(1)}{marker[:-1]}\\{marker[-1]}"
    return f"{m.group(1)}\\{marker}"


def render(
    report: PlanReport,
    format: ReportFormat = "html",
    *,
    identifying: bool = False,
    since_review: Mapping[str, Any] | None = None,
) -> str:
    """Render *report* as HTML, Markdown or JSON text.

    Parameters
    ----------
    report:
        The output of :func:`riskcore.build_plan`.
    format:
        ``"html"`` (self-contained, printable), ``"markdown"`` or ``"json"``
        (the data-only JSON report: :func:`riskcore.load_report` reads it back).
    identifying:
        Show names next to pseudonymous ids. Off by default.
    since_review:
        The "since the last review" section built by
        :meth:`riskcore.store.Store.since_last_review` (omitted if ``None``).
    """
    return "".join(
        stream(report, format, identifying=identifying, since_review=since_review)
    )


def stream(
    report: PlanReport,
    format: ReportFormat = "html",
    *,
    identifying: bool = False,
    since_review: Mapping[str, Any] | None = None,
) -> Iterator[str]:
    """:func:`render`'s text in pieces, as it is produced (what :func:`write` writes).

    ``"".join(stream(...))`` is ``render(...)``; writing the pieces keeps a
    large report from being one large string.

    .. versionadded:: 0.1
    """
    if format == "json":
        from riskcore.report._text import _report_text

        # plain data straight from the context (no ReportData objects made
        # and taken apart again), each risk row made as it is written; the
        # same text as dumps(report_data(...))
        pieces = _report_text(
            report, identifying=identifying, since_review=since_review
        )
        return itertools.chain(_joined(pieces), ("\n",))
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("riskcore.report", "templates"),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2",), default_for_string=False
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = escape_markdown
    name = "report.html.j2" if format == "html" else "report.md.j2"
    from riskcore.report.views import extend_context, filters

    env.filters.update(filters(report.case.practice.currency))
    ctx = build_context(report, identifying=identifying)
    ctx = extend_context(ctx, report, identifying=identifying)
    ctx["since_review"] = since_review
    return env.get_template(name).generate(**ctx)


def _joined(
    pieces: Iterator[str], size: int = 1 << 20, whole: int = 1 << 16
) -> Iterator[str]:
    """*pieces* joined into pieces of about *size* characters: many small
    pieces (a value of the second level each) make fewer writes, and a few
    large ones (a batch of risk rows) are never all held at once. A piece of
    *whole* characters or more is given as it is (after those held before
    it): joining it would only copy it.

    >>> list(_joined(iter(["a", "bc", "d"]), size=2))
    ['abc', 'd']
    >>> list(_joined(iter(["a", "b" * 9, "c"]), size=32, whole=8))
    ['a', 'bbbbbbbbb', 'c']
    """
    held: list[str] = []
    n = 0
    for piece in pieces:
        if len(piece) >= whole:
            if held:
                yield "".join(held)
                held, n = [], 0
            yield piece
            continue
        held.append(piece)
        n += len(piece)
        if n >= size:
            yield "".join(held)
            held, n = [], 0
    if held:
        yield "".join(held)


def format_for(path: str | os.PathLike[str]) -> ReportFormat:
    """The report format implied by a file name's suffix."""
    from pathlib import Path

    from riskcore.errors import RiskcoreError

    suffix = Path(path).suffix.lower()
    if suffix not in _SUFFIX:
        raise RiskcoreError(
            f"{path}: cannot tell the report format from {suffix!r}; use .html, .md or .json"
        )
    return _SUFFIX[suffix]


def write(
    report: PlanReport,
    path: str | os.PathLike[str],
    *,
    identifying: bool = False,
    since_review: Mapping[str, Any] | None = None,
) -> None:
    """Render *report* in the format its suffix implies and write it atomically."""
    from riskcore.io import collector_paused, write_atomic

    with collector_paused():  # a large practice's rows: millions of objects
        write_atomic(
            path,
            stream(
                report,
                format_for(path),
                identifying=identifying,
                since_review=since_review,
            ),
        )
