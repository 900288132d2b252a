"""REDCap "raw" CSV export + data dictionary → instrument responses.

The data dictionary (the project's "Data Dictionary" CSV) says which form each
field belongs to, its type and its choices (``0, Not at all | 1, Several
days``). The raw export has one row per record (and per event, and per
instance of a repeating instrument), with codes, not labels.

* **Which instrument**: a form (REDCap "instrument") is the riskcore
  instrument the mapping file names for it (:attr:`InstrumentMap.forms
  <riskcore.interop.mapping.InstrumentMap.forms>`), or the one with the
  form's name. Forms no installed plugin scores are left out with an issue
  if they hold data.
* **Which item**: a field is the item the mapping file maps it to
  (``items: {phq9_9: "9"}``), or the item with the field's name; calculated
  fields (a total REDCap computes) are skipped, riskcore computes its own.
* **Answers**: radio, dropdown, yes/no and true/false fields are decoded from
  the dictionary's choices: a code that is not a choice is an error; the code
  is the answer unless the mapping file's ``answers`` map it. A checkbox
  field exports one column per choice (``field___2``): map each column to an
  item. Text fields with integer or number validation, sliders and calc-free
  numbers are read as numbers.
* **Missing-data codes** (REDCap's ``NI``, ``UNK``, ``ASKU``, ``NASK``…, or
  the project's own, *missing_codes*) are unanswered items, never the lowest
  answer.
* **Administrations**: each (record, event, repeat instance) row holding any
  of a form's fields is one administration, dated by the mapped date field
  (``date: phq9_date``) or the survey timestamp ``<form>_timestamp``.
* **Subjects**: record ids become pseudonymous ids
  (:func:`~riskcore.interop.subject_id`; REDCap record ids are often
  sequential or medical record numbers) unless *keep_ids* is set.

Every issue names the file, the row and the column.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import IO, TYPE_CHECKING

from attrs import frozen

from riskcore.errors import shown
from riskcore.interop._common import ImportResult, subject_id
from riskcore.interop.tables import Table, _Builder, parse_answer, parse_date
from riskcore.model import InvalidAnswer

if TYPE_CHECKING:
    from riskcore.interop.mapping import Mapping
    from riskcore.plugins import PluginManager

__all__ = ["MISSING_CODES", "Field", "read_dictionary", "read_redcap"]

MISSING_CODES = frozenset(
    {
        "NI", "INV", "UNK", "NASK", "ASKU", "NAV", "MSK", "NA", "NAVU", "NP",
        "QS", "QI", "TRC", "UNC", "DER", "PINF", "NINF", "OTH",
    }
)  # fmt: skip
"""REDCap's standard missing-data codes (Project Setup → Missing Data Codes)."""

_NAME = "Variable / Field Name"
_FORM = "Form Name"
_TYPE = "Field Type"
_CHOICES = "Choices, Calculations, OR Slider Labels"
_VALIDATION = "Text Validation Type OR Show Slider Number"
_CODED = {"radio", "dropdown", "yesno", "truefalse", "checkbox"}
_STANDARD = {
    "redcap_event_name",
    "redcap_repeat_instrument",
    "redcap_repeat_instance",
    "redcap_data_access_group",
    "redcap_survey_identifier",
}


@frozen(kw_only=True)
class Field:
    """A data dictionary row: field name, form, type and choice codes."""

    name: str
    form: str
    type: str
    choices: tuple[str, ...] = ()
    validation: str = ""
    row: int = 0


def read_dictionary(
    source: str | os.PathLike[str] | IO[str], *, delimiter: str = ","
) -> dict[str, Field]:
    """Read a REDCap data dictionary CSV: fields by name, in order."""
    table = Table(source, delimiter=delimiter, required=(_NAME, _FORM, _TYPE))
    fields: dict[str, Field] = {}
    problems: list[str] = []
    for row, cells in table.rows():
        name = cells[_NAME].strip()
        kind = cells[_TYPE].strip()
        choices: tuple[str, ...] = ()
        if kind in {"radio", "dropdown", "checkbox"}:
            raw = cells.get(_CHOICES, "")
            parts = [p.strip() for p in raw.split("|") if p.strip()]
            codes = [p.split(",", 1)[0].strip() for p in parts]
            if not codes or any("," not in p for p in parts):
                problems.append(
                    f"row {row}, column {_CHOICES}: expected choices as "
                    "'code, label | code, label'"
                )
            choices = tuple(codes)
        elif kind == "yesno" or kind == "truefalse":
            choices = ("0", "1")
        if name in fields:
            problems.append(
                f"row {row}, column {_NAME}: field {shown(name)} is defined "
                f"again (first in row {fields[name].row})"
            )
        fields[name] = Field(
            name=name,
            form=cells[_FORM].strip(),
            type=kind,
            choices=choices,
            validation=cells.get(_VALIDATION, "").strip(),
            row=row,
        )
    if problems:
        raise table.error(problems)
    if not fields:
        raise table.error(["the data dictionary has no fields"])
    return fields


def read_redcap(
    export: str | os.PathLike[str] | IO[str],
    dictionary: str | os.PathLike[str] | IO[str] | dict[str, Field],
    *,
    mapping: Mapping | None = None,
    pm: PluginManager | None = None,
    key: bytes | None = None,
    keep_ids: bool = False,
    missing_codes: frozenset[str] = MISSING_CODES,
    delimiter: str = ",",
    strict: bool = False,
) -> ImportResult:
    """Read a REDCap raw export with its data dictionary into responses.

    Raises :class:`~riskcore.errors.InteropError` when the export does not
    match the dictionary (a column that is not a field, no record id column),
    and with *strict* for any cell issue. See the module docs for the rules.
    """
    fields = (
        dictionary
        if isinstance(dictionary, dict)
        else read_dictionary(dictionary, delimiter=delimiter)
    )
    record_field = next(iter(fields))
    table = Table(export, delimiter=delimiter, required=(record_field,))
    if key is None:
        env = os.environ.get("RISKCORE_PSEUDONYM_KEY")
        key = env.encode("utf-8") if env else None
    forms = {f.form for f in fields.values()}
    columns: dict[str, tuple[Field, str | None]] = {}
    mismatched: list[str] = []
    for column in table.header:
        if column in _STANDARD or column == record_field:
            continue
        m = re.fullmatch(r"(.+)___(.+)", column)
        if m and m.group(1) in fields and fields[m.group(1)].type == "checkbox":
            columns[column] = (fields[m.group(1)], m.group(2))
        elif column in fields:
            columns[column] = (fields[column], None)
        elif (
            column.endswith(("_complete", "_timestamp"))
            and column.rsplit("_", 1)[0] in forms
        ):
            continue
        else:
            mismatched.append(
                f"row 1, column {column}: not a field of the data dictionary "
                "(is it the dictionary of this project?)"
            )
    if mismatched:
        raise table.error(mismatched)

    b = _Builder(table.name, mapping, pm)
    form_instrument: dict[str, str | None] = {}
    for row, cells in table.rows():
        record = cells[record_field].strip()
        if not record:
            b.issue(row, record_field, "empty record id")
            continue
        event = cells.get("redcap_event_name", "").strip()
        repeat_form = cells.get("redcap_repeat_instrument", "").strip()
        instance = cells.get("redcap_repeat_instance", "").strip()
        by_form: dict[str, list[tuple[str, Field, str | None]]] = {}
        for column, (field, choice) in columns.items():
            if repeat_form and field.form != repeat_form:
                continue
            by_form.setdefault(field.form, []).append((column, field, choice))
        for form, entries in by_form.items():
            if not any(_has(cells[c], ch) for c, _, ch in entries):
                continue
            if form not in form_instrument:
                fm = mapping.by_form(form) if mapping else None
                name = fm.instrument if fm else form
                form_instrument[form] = name if name in b.scored else None
            instrument = form_instrument[form]
            if instrument is None:
                b.issue(
                    row,
                    entries[0][0],
                    f"form {shown(form)} holds data but is not an instrument any "
                    "installed plugin scores (map it in the mapping file)",
                )
                continue
            imap = mapping.for_instrument(instrument) if mapping else None
            day = _date_of(b, row, cells, form, imap.date if imap else None)
            kind = "professional" if instrument in b.staff_only else "client"
            sid = record if keep_ids else subject_id(f"redcap:{record}", key=key)
            subject = b.subject(row, record_field, sid, kind)
            if subject is None:
                continue
            admin = f"{event}/{instance}"
            group = (subject, instrument, day, admin)
            b.groups.setdefault(group, {})
            for column, field, choice in entries:
                if field.type in {"calc", "descriptive", "file", "notes"}:
                    continue
                if imap is not None and (
                    column in imap.ignore or field.name in imap.ignore
                ):
                    continue
                if imap is not None and imap.date in {column, field.name}:
                    continue
                if field.type == "text" and field.validation.startswith("date"):
                    continue
                item = b.resolve(instrument, column)
                if item is None:
                    if _has(cells[column], choice):
                        b.item(row, column, instrument, column)
                    continue
                if not item:
                    continue
                cell = cells[column].strip()
                if cell in missing_codes:
                    cell = ""
                elif (
                    field.choices
                    and choice is None
                    and cell
                    and cell not in field.choices
                ):
                    b.issue(
                        row,
                        column,
                        f"{shown(cell)} is not a choice of field {shown(field.name)} "
                        f"({', '.join(field.choices)})",
                    )
                    b.groups[group][item] = InvalidAnswer.of(cell)
                    continue
                if imap is not None and cell in {str(k) for k in imap.answers}:
                    cell = str(imap.answers[cell])
                value, why = parse_answer(cell)
                if why is not None:
                    b.issue(row, column, why)
                b.groups[group][item] = value
    result = b.result()
    if strict:
        result.raise_errors(table.name)
    return result


def _has(cell: str, choice: str | None) -> bool:
    """True if a cell holds data (an unticked checkbox, ``0``, does not)."""
    text = cell.strip()
    return bool(text) and not (choice is not None and text == "0")


def _date_of(
    b: _Builder,
    row: int,
    cells: dict[str, str],
    form: str,
    date_field: str | None,
) -> dt.date | None:
    for column in (date_field, f"{form}_timestamp"):
        if column and cells.get(column, "").strip():
            text = cells[column].strip()
            day, why = parse_date(
                text[:10] if re.match(r"^\d{4}-\d\d-\d\d ", text) else text
            )
            if why is not None:
                b.issue(row, column, why)
            return day
    return None
