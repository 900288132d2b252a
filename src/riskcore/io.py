"""Loading and dumping: one preconfigured cattrs converter for every document.

Cases, catalogs and plans are read from and written to JSON or YAML through
:data:`converter`. Loading is strict:

* unknown keys are rejected;
* numbers must be numbers (``"0.4"`` or ``true`` is not a probability);
* every problem is reported with its full path and the file name, e.g.
  ``case.yaml: mitigations[3].effectiveness: 1.4 is not in [0, 1]``;
* documents must carry the ``schema_version`` this riskcore reads.

Writing is atomic: a file is either fully written or left untouched.

>>> from riskcore.model import Source
>>> dumps(Source(citation="Stanley & Brown (2012)"))
'{"citation": "Stanley & Brown (2012)", "url": null, "note": null}'
>>> loads('{"citation": "x", "pages": 3}', Source)
Traceback (most recent call last):
...
riskcore.errors.LoadError: unknown key 'pages'

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args

import attrs
import cattrs
import yaml
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn
from cattrs.preconf.json import make_converter as _make_json_converter

from riskcore.errors import FieldError, LoadError
from riskcore.model import Case, Catalog, Plan
from riskcore.model.distributions import DISTRIBUTIONS, Distribution, Param

__all__ = [
    "Format",
    "converter",
    "dump",
    "dumps",
    "load",
    "load_case",
    "load_catalog",
    "load_plan",
    "loads",
    "make_converter",
    "structure",
    "unstructure",
    "write_atomic",
]

T = TypeVar("T")
Format = Literal["json", "yaml"]

_VERSIONED = (Case, Catalog, Plan)


# --------------------------------------------------------------------- converter


def _strict_float(value: object, _: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number, got {_kind(value)}")
    return float(value)


def _strict_int(value: object, _: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise TypeError(f"expected an integer, got {_kind(value)}")
    return value


def _strict_str(value: object, _: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {_kind(value)}")
    return value


def _strict_bool(value: object, _: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {_kind(value)}")
    return value


def _date(value: object, _: object) -> dt.date:
    # YAML already gives a date; JSON gives an ISO string.
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError("expected a date as YYYY-MM-DD") from None
    raise TypeError(f"expected a date as YYYY-MM-DD, got {_kind(value)}")


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _raw_mapping(value: object, _: object) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"expected a mapping, got {_kind(value)}")
    return dict(value)


def make_converter() -> cattrs.Converter:
    """Build riskcore's converter (a private instance; the global one is untouched).

    Based on cattrs' JSON preconfiguration with ``forbid_extra_keys=True``, strict
    scalar hooks, ISO dates (YAML dates accepted as is), enums by value and
    parameters that are either a number or a tagged distribution.
    """
    conv = _make_json_converter(forbid_extra_keys=True, omit_if_default=False)
    conv.register_structure_hook(float, _strict_float)
    conv.register_structure_hook(int, _strict_int)
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(bool, _strict_bool)
    conv.register_structure_hook(dt.date, _date)
    conv.register_unstructure_hook(dt.date, lambda d: d.isoformat())
    # Instrument items and free-text answers: validated by the model itself.
    raw = (dict[str, int | float | None], dict[str, str])
    conv.register_structure_hook_func(lambda t: t in raw, _raw_mapping)

    def structure_param(value: object, _: object) -> Param:
        if isinstance(value, dict):
            return structure_distribution(value, Distribution)
        return _strict_float(value, float)

    def structure_distribution(value: object, _: object) -> Distribution:
        if not isinstance(value, dict):
            raise TypeError(f"expected a distribution mapping, got {_kind(value)}")
        data = dict(value)
        tag = data.pop("dist", None)
        if tag not in DISTRIBUTIONS:
            raise ValueError(
                f"'dist' must be one of {sorted(DISTRIBUTIONS)}, got {tag!r}"
            )
        return plain[tag](data, DISTRIBUTIONS[tag])

    plain = {
        tag: make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True)
        for tag, cls in DISTRIBUTIONS.items()
    }

    def structure_tagged(cls: type[Distribution]) -> Any:
        def hook(value: object, _: object) -> Distribution:
            if isinstance(value, dict) and value.get("dist", cls.TAG) != cls.TAG:
                raise ValueError(f"'dist' must be {cls.TAG!r}, got {value['dist']!r}")
            if not isinstance(value, dict):
                raise TypeError(f"expected a distribution mapping, got {_kind(value)}")
            data = {k: v for k, v in value.items() if k != "dist"}
            return plain[cls.TAG](data, cls)

        return hook

    def unstructure_param(value: Param) -> Any:
        if isinstance(value, (int, float)):
            return value
        data: dict[str, Any] = {"dist": type(value).TAG}
        data.update(attrs.asdict(value))
        return data

    conv.register_structure_hook_func(lambda t: t == Param, structure_param)
    conv.register_structure_hook_func(
        lambda t: t == Distribution, structure_distribution
    )
    conv.register_unstructure_hook_func(lambda t: t == Param, unstructure_param)
    for cls in get_args(Distribution):
        conv.register_unstructure_hook(cls, unstructure_param)
        conv.register_structure_hook(cls, structure_tagged(cls))
    return conv


converter = make_converter()
"""The converter behind every load and dump. Do not register hooks on it from
plugins; build your own with :func:`make_converter` if you need to."""


# ------------------------------------------------------------------- error paths


def _join(path: str, name: str | int) -> str:
    if isinstance(name, int):
        return f"{path}[{name}]"
    return f"{path}.{name}" if path else name


def _leaf(exc: BaseException, path: str) -> str:
    where = path or "(document)"
    if isinstance(exc, FieldError):
        return exc.describe(_join(path, exc.field))
    if isinstance(exc, ForbiddenExtraKeysError):
        keys = sorted(exc.extra_fields)
        noun = "key" if len(keys) == 1 else "keys"
        listed = ", ".join(repr(k) for k in keys)
        return (
            f"{where}: unknown {noun} {listed}" if path else f"unknown {noun} {listed}"
        )
    if isinstance(exc, KeyError):
        return f"{where}: required field missing"
    if isinstance(exc, (TypeError, ValueError)):
        return f"{where}: {exc}"
    return f"{where}: {type(exc).__name__}"


def _problems(exc: BaseException, path: str = "") -> Iterator[str]:
    if isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            assert isinstance(note, AttributeValidationNote)
            if isinstance(sub, KeyError):
                yield f"{_join(path, note.name)}: required field missing"
            else:
                yield from _problems(sub, _join(path, note.name))
        for sub in without:
            yield from _problems(sub, path)
    elif isinstance(exc, IterableValidationError):
        with_idx, without = exc.group_exceptions()
        for sub, inote in with_idx:
            assert isinstance(inote, IterableValidationNote)
            yield from _problems(sub, _join(path, inote.index))
        for sub in without:
            yield from _problems(sub, path)
    elif isinstance(exc, BaseExceptionGroup):
        for member in exc.exceptions:
            yield from _problems(member, path)
    else:
        yield _leaf(exc, path)


# ------------------------------------------------------------------ structure API


def structure(data: Any, cls: type[T], *, source: str | None = None) -> T:
    """Build a *cls* from plain data (dicts and lists), or raise :class:`LoadError`.

    >>> from riskcore.model import Effect
    >>> structure({"threat": "burnout", "effectiveness": 1.4}, Effect)
    Traceback (most recent call last):
    ...
    riskcore.errors.LoadError: effectiveness: 1.4 is not in [0, 1]
    """
    if cls in _VERSIONED:
        _check_version(data, cls, source)
    try:
        return converter.structure(data, cls)
    except (ClassValidationError, IterableValidationError, FieldError) as exc:
        raise LoadError(list(_problems(exc)), source=source) from None
    except (TypeError, ValueError, KeyError) as exc:
        raise LoadError([_leaf(exc, "")], source=source) from None


def _check_version(data: Any, cls: type[Any], source: str | None) -> None:
    if not isinstance(data, dict):
        raise LoadError(
            [f"(document): expected a mapping, got {_kind(data)}"], source=source
        )
    expected = cls.SCHEMA_VERSION
    if "schema_version" not in data:
        raise LoadError(
            [
                f"schema_version: required field missing (this riskcore reads {expected})"
            ],
            source=source,
        )
    if data["schema_version"] != expected:
        raise LoadError(
            [
                f"schema_version: {data['schema_version']!r} is not supported "
                f"(this riskcore reads {expected})"
            ],
            source=source,
        )


def unstructure(obj: Any) -> Any:
    """Turn a domain object into plain data (dicts, lists, str, numbers)."""
    return converter.unstructure(obj)


# -------------------------------------------------------------------- text API


def _format_for(path: Path, fmt: Format | None) -> Format:
    if fmt is not None:
        return fmt
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        return "yaml"
    if suffix == ".json":
        return "json"
    raise LoadError(
        [
            f"cannot tell the format from the suffix {suffix!r}; use .json, .yaml or .yml"
        ],
        source=str(path),
    )


def _parse(text: str, fmt: Format, source: str | None) -> Any:
    if fmt == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise LoadError(
                [f"line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg})"],
                source=source,
            ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise LoadError([f"{where}invalid YAML ({problem})"], source=source) from None


def loads(
    text: str, cls: type[T], *, format: Format = "json", source: str | None = None
) -> T:
    """Parse *text* (JSON or YAML) into a *cls*, or raise :class:`LoadError`."""
    return structure(_parse(text, format, source), cls, source=source)


def load(
    path: str | os.PathLike[str], cls: type[T], *, format: Format | None = None
) -> T:
    """Read a JSON or YAML file into a *cls*; errors name the file and the path."""
    p = Path(path)
    fmt = _format_for(p, format)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise LoadError(
            [f"cannot read the file ({exc.strerror})"], source=str(p)
        ) from None
    except UnicodeDecodeError:
        raise LoadError(["the file is not UTF-8 text"], source=str(p)) from None
    return loads(text, cls, format=fmt, source=str(p))


def load_case(path: str | os.PathLike[str]) -> Case:
    """Read a case file.

    >>> load_case("examples/longmont-practice.yaml").synthetic  # doctest: +SKIP
    True
    """
    return load(path, Case)


def load_catalog(path: str | os.PathLike[str]) -> Catalog:
    """Read a catalog file."""
    return load(path, Catalog)


def load_plan(path: str | os.PathLike[str]) -> Plan:
    """Read a plan file."""
    return load(path, Plan)


def dumps(obj: Any, format: Format = "json", *, indent: int | None = None) -> str:
    """Serialise a domain object to JSON or YAML text."""
    data = unstructure(obj)
    if format == "json":
        return json.dumps(data, ensure_ascii=False, indent=indent)
    # allow_unicode=False: PyYAML writes some code points (U+0085) raw, which YAML
    # then reads as a line break; escaping keeps every string intact.
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=False)


def dump(
    obj: Any, path: str | os.PathLike[str], *, format: Format | None = None
) -> None:
    """Write a domain object to a JSON or YAML file, atomically."""
    p = Path(path)
    fmt = _format_for(p, format)
    write_atomic(p, dumps(obj, fmt, indent=2) + ("\n" if fmt == "json" else ""))


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write *data* to *path* so that readers see the old file or the new one,
    never half of it (temporary file in the same folder, then ``os.replace``).

    The file is readable and writable by its owner only (mode 0600): riskcore's
    outputs may hold clinical data. Widen it deliberately if you must share it.
    """
    p = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
