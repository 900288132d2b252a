"""CSV and spreadsheet tables → instrument responses, with row and column in every error.

Two layouts, told apart by their header:

* **long**: one row per answer, columns ``subject, instrument, item, answer``
  and optionally ``date`` (and ``kind``: ``client`` or ``professional``). Rows
  with the same subject, instrument and date are one administration;
* **wide**: one row per administration, columns ``subject, instrument`` and
  optionally ``date`` and ``kind``; every other column is an item id (or a name
  the mapping file maps to one). An empty cell is an unanswered item.

Cells are read strictly: a date must be ``YYYY-MM-DD`` (a date Excel
reformatted, ``10/05/2026`` or a serial number ``46300``, is an error with a hint,
never guessed); an answer must be a number (``1,5`` is an error: it is not
read as 1.5 or as 15). An invalid answer enters the response as an
:class:`~riskcore.model.InvalidAnswer` (fail closed) and is reported. The
file must be UTF-8 (a UTF-8 byte-order mark, as Excel writes, is accepted;
UTF-16 is refused) and comma-separated unless another *delimiter* is given (a
semicolon-separated export is recognised and refused with the fix).

>>> import io
>>> text = "subject,instrument,item,answer,date\\nc-01,phq9,9,1,2026-10-05\\n"
>>> r = read_csv(io.StringIO(text))
>>> r.responses[0].items, r.responses[0].administered
({'9': 1}, datetime.date(2026, 10, 5))

.. versionadded:: 0.1
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from riskcore.errors import InteropError, LoadError, shown
from riskcore.interop._common import (
    ImportResult,
    Issue,
    installed_instruments,
    is_riskcore_id,
    scored_instruments,
    unique,
)
from riskcore.model import InstrumentResponse, InvalidAnswer

if TYPE_CHECKING:
    from riskcore.instruments import InstrumentSpec
    from riskcore.interop.mapping import Mapping
    from riskcore.plugins import PluginManager

__all__ = ["Table", "parse_answer", "parse_date", "read_csv", "read_table"]

LONG = ("subject", "instrument", "item", "answer")
WIDE = ("subject", "instrument")
_ISO = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")


def parse_date(text: str) -> tuple[dt.date | None, str | None]:
    """A ``YYYY-MM-DD`` cell as a date, or why it is not one (never guessed).

    >>> parse_date("2026-10-05")
    (datetime.date(2026, 10, 5), None)
    >>> parse_date("10/05/2026")[1]
    'not a date as YYYY-MM-DD (it looks reformatted by a spreadsheet: is it October 5 or May 10? format the column as text, YYYY-MM-DD)'
    >>> parse_date("46300")[1]
    'not a date as YYYY-MM-DD (it looks like a spreadsheet date serial number: format the column as text, YYYY-MM-DD)'
    """
    text = text.strip()
    if _ISO.match(text):
        try:
            return dt.date.fromisoformat(text), None
        except ValueError:
            return None, "not a real date (YYYY-MM-DD)"
    if re.fullmatch(r"[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2,4}( .*)?", text):
        a, b = (int(x) for x in re.split(r"[/.-]", text)[:2])
        if a <= 12 and b <= 12:
            hint = f"is it {_month(a)} {b} or {_month(b)} {a}?"
        else:
            hint = "the order of day and month is lost"
        return None, (
            "not a date as YYYY-MM-DD (it looks reformatted by a spreadsheet: "
            f"{hint} format the column as text, YYYY-MM-DD)"
        )
    if re.fullmatch(r"[0-9]{5}(\.[0-9]+)?", text):
        return None, (
            "not a date as YYYY-MM-DD (it looks like a spreadsheet date serial "
            "number: format the column as text, YYYY-MM-DD)"
        )
    return None, "not a date as YYYY-MM-DD"


def _month(n: int) -> str:
    return dt.date(2000, n, 1).strftime("%B")


def parse_answer(text: str) -> tuple[int | float | InvalidAnswer | None, str | None]:
    """An answer cell: empty is unanswered, a number is a code, else invalid.

    >>> parse_answer(""), parse_answer("2"), parse_answer("1.0")
    ((None, None), (2, None), (1.0, None))
    >>> parse_answer("1,5")
    (<invalid answer: a string>, 'not a number (a decimal comma? write 1.5, or 1 and 5 in two cells)')
    """
    text = text.strip()
    if text == "":
        return None, None
    if _NUMBER.match(text):
        n = float(text)
        return (int(n) if "." not in text else n), None
    hint = ""
    if re.fullmatch(r"[0-9]+,[0-9]+", text):
        hint = " (a decimal comma? write 1.5, or 1 and 5 in two cells)"
    return InvalidAnswer.of(text), f"not a number{hint}"


class Table:
    """A CSV file read with riskcore's rules: rows as dicts, with their line numbers."""

    def __init__(
        self,
        source: str | os.PathLike[str] | IO[str],
        *,
        delimiter: str = ",",
        required: tuple[str, ...] = (),
    ) -> None:
        self.name = str(source) if isinstance(source, (str, os.PathLike)) else None
        text = (
            _read(Path(source))
            if isinstance(source, (str, os.PathLike))
            else source.read()
        )
        text = text.removeprefix("\ufeff")
        self.reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            header = next(self.reader)
        except StopIteration:
            raise self.error(["the file is empty (expected a header row)"]) from None
        except csv.Error as exc:
            raise self.error([f"row 1: not a CSV row ({exc})"]) from None
        self.header = [h.strip() for h in header]
        if len(self.header) == 1 and delimiter == "," and ";" in self.header[0]:
            raise self.error(
                [
                    "row 1: the header is one column holding ';': a "
                    "semicolon-separated file (a spreadsheet in a locale with "
                    "decimal commas); save it comma-separated, or read it with "
                    "delimiter ';' (--delimiter ';')"
                ]
            )
        seen: set[str] = set()
        for j, h in enumerate(self.header, start=1):
            if h == "":
                raise self.error([f"row 1, column {j}: empty column name"])
            if h in seen:
                raise self.error([f"row 1, column {h}: the column is given twice"])
            seen.add(h)
        missing = [c for c in required if c not in seen]
        if missing:
            raise self.error(
                [
                    f"row 1: missing column{'s' if len(missing) > 1 else ''} "
                    f"{', '.join(missing)}"
                ]
            )

    def error(self, problems: list[str]) -> InteropError:
        """An :class:`InteropError` about this file."""
        return InteropError(problems, source=self.name)

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """``(row number, {column: cell})`` for each data row (header is row 1)."""
        n = len(self.header)
        try:
            for cells in self.reader:
                line = self.reader.line_num
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) != n:
                    raise self.error(
                        [
                            f"row {line}: {len(cells)} cells, the header has {n} "
                            "(a stray delimiter or quote?)"
                        ]
                    )
                yield line, dict(zip(self.header, cells, strict=True))
        except csv.Error as exc:
            raise self.error(
                [f"row {self.reader.line_num}: not a CSV row ({exc})"]
            ) from None


def _read(path: Path) -> str:
    from riskcore.io import MAX_INPUT_BYTES

    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise LoadError(
            [f"cannot read the file ({exc.strerror or type(exc).__name__})"],
            source=str(path),
        ) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InteropError(
            [
                "the file is UTF-16 (a spreadsheet's 'Unicode text'); save it as "
                "'CSV UTF-8'"
            ],
            source=str(path),
        )
    if len(raw) > MAX_INPUT_BYTES:
        raise LoadError(["the file is larger than riskcore reads"], source=str(path))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InteropError(
            [f"row {line}: not UTF-8 text (save the file as 'CSV UTF-8')"],
            source=str(path),
        ) from None


class _Builder:
    """Collects answers into administrations, and issues with their cells."""

    def __init__(
        self, name: str | None, mapping: Mapping | None, pm: PluginManager | None
    ) -> None:
        from riskcore.assess import assessor_infos
        from riskcore.model import SubjectKind
        from riskcore.plugins import get_plugin_manager

        pm = pm or get_plugin_manager()
        self.name = name
        self.mapping = mapping
        self.specs: dict[str, InstrumentSpec] = installed_instruments(pm)
        self.scored = scored_instruments(pm)
        self.staff_only = {
            i
            for info in assessor_infos(pm).values()
            if set(info.subject_kinds) == {SubjectKind.PROFESSIONAL}
            for i in info.instruments
        }
        self.groups: dict[
            tuple[str, str, dt.date | None, str],
            dict[str, int | float | InvalidAnswer | None],
        ] = {}
        self.kinds: dict[str, str] = {}
        self.issues: list[Issue] = []
        self.first: dict[tuple[object, ...], int] = {}

    def issue(self, row: int, column: str, message: str) -> None:
        self.issues.append(
            Issue(source=self.name, path=f"row {row}, column {column}", message=message)
        )

    def instrument(self, row: int, column: str, form: str) -> str | None:
        m = self.mapping.by_form(form) if self.mapping else None
        instrument = m.instrument if m else form
        if instrument not in self.scored:
            self.issue(
                row,
                column,
                f"{shown(form)} is not an instrument any installed plugin scores",
            )
            return None
        return instrument

    def resolve(self, instrument: str, key: str) -> str | None:
        """The item id *key* names (``""``: ignored on purpose; ``None``: none)."""
        m = self.mapping.for_instrument(instrument) if self.mapping else None
        if m is not None and key in m.ignore:
            return ""
        hit = m.item_for(key) if m else None
        item = hit if hit is not None else key
        spec = self.specs.get(instrument)
        if spec is not None and item not in {i.id for i in spec.items}:
            return None
        return item

    def item(self, row: int, column: str, instrument: str, key: str) -> str | None:
        item = self.resolve(instrument, key)
        if item is None:
            self.issue(row, column, f"{shown(key)} is not an item of {instrument}")
        return item

    def subject(self, row: int, column: str, value: str, kind: str) -> str | None:
        value = value.strip()
        if not is_riskcore_id(value):
            self.issue(
                row,
                column,
                f"{shown(value)} is not a pseudonymous id (letters, digits, "
                "'_', '.', ':', '-')",
            )
            return None
        self.kinds.setdefault(value, kind)
        return value

    def add(
        self,
        row: int,
        column: str,
        key: tuple[str, str, dt.date | None, str],
        item: str,
        cell: str,
    ) -> None:
        answers = self.groups.setdefault(key, {})
        value, why = parse_answer(cell)
        if item in answers:
            first = self.first[(*key, item)]
            self.issue(
                row, column, f"item {item!r} is answered again (first in row {first})"
            )
            answers[item] = InvalidAnswer.of("duplicate")
            return
        self.first[(*key, item)] = row
        if why is not None:
            self.issue(row, column, why)
        answers[item] = value

    def kind_of(self, row: int, cells: dict[str, str], instrument: str) -> str:
        kind = cells.get("kind", "").strip()
        if kind in {"client", "professional"}:
            return kind
        if kind:
            self.issue(row, "kind", f"{shown(kind)} is not client or professional")
        return "professional" if instrument in self.staff_only else "client"

    def result(self) -> ImportResult:
        responses = [
            InstrumentResponse(
                instrument=instrument, subject=subject, items=items, administered=day
            )
            for (subject, instrument, day, _), items in self.groups.items()
        ]
        return ImportResult(
            responses=responses,
            clients=unique(s for s, k in self.kinds.items() if k == "client"),
            professionals=unique(
                s for s, k in self.kinds.items() if k == "professional"
            ),
            issues=self.issues,
        )


def read_csv(
    source: str | os.PathLike[str] | IO[str],
    *,
    mapping: Mapping | None = None,
    pm: PluginManager | None = None,
    delimiter: str = ",",
    strict: bool = False,
) -> ImportResult:
    """Read a long or a wide CSV table (see the module docs) into responses.

    Raises :class:`~riskcore.errors.InteropError` for a file that cannot be
    read as a table (encoding, delimiter, header); with *strict*, also for any
    issue in a cell. Every issue names the row and the column.
    """
    table = Table(source, delimiter=delimiter, required=WIDE)
    b = _Builder(table.name, mapping, pm)
    long = all(c in table.header for c in LONG)
    fixed = {"subject", "instrument", "date", "kind", "administration"}
    if long:
        fixed |= {"item", "answer"}
        extra = [c for c in table.header if c not in fixed]
        if extra:
            raise table.error(
                [
                    f"row 1, column {extra[0]}: not a column of a long table "
                    "(subject, instrument, item, answer, date, kind, administration)"
                ]
            )
    for row, cells in table.rows():
        instrument = b.instrument(row, "instrument", cells["instrument"].strip())
        if instrument is None:
            continue
        kind = b.kind_of(row, cells, instrument)
        subject = b.subject(row, "subject", cells["subject"], kind)
        day: dt.date | None = None
        if cells.get("date", "").strip():
            day, why = parse_date(cells["date"])
            if why is not None:
                b.issue(row, "date", why)
                continue
        if subject is None:
            continue
        admin = cells.get("administration", "").strip() if long else str(row)
        key = (subject, instrument, day, admin)
        if long:
            item = b.item(row, "item", instrument, cells["item"].strip())
            if item:
                b.add(row, "answer", key, item, cells["answer"])
        else:
            b.groups.setdefault(key, {})
            for column in table.header:
                if column in fixed:
                    continue
                if not cells[column].strip() and not b.resolve(instrument, column):
                    continue  # another instrument's column, empty here
                item = b.item(row, column, instrument, column)
                if item:
                    b.add(row, column, key, item, cells[column])
    result = b.result()
    if strict:
        result.raise_errors(table.name)
    return result


read_table = read_csv
"""Alias: a spreadsheet saved as CSV is read the same way."""
