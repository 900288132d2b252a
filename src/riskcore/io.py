"""Loading and dumping: one preconfigured cattrs converter for every document.

Cases, catalogs and plans are read from and written to JSON or YAML through
:data:`converter`. Loading is strict:

* unknown keys are rejected;
* numbers must be numbers (``"0.4"`` or ``true`` is not a probability);
* every problem is reported with its full path and the file name, e.g.
  ``case.yaml: mitigations[3].effectiveness: 1.4 is not in [0, 1]``;
* documents must carry the ``schema_version`` this riskcore reads;
* a key given twice in one mapping is an error naming both lines (YAML ``9``
  and ``'9'`` are the same key, since item ids are strings); a string where a
  list is expected is an error, never split into letters; dates must exist;
  numbers must be finite;
* documents are bounded: at most :data:`MAX_INPUT_BYTES` bytes and
  :data:`MAX_DEPTH` levels of nesting; YAML aliases (``*name``) are refused;
* messages show a value only as :func:`riskcore.errors.shown` allows (never
  free text or anything that may identify a person).

YAML is read with libyaml's C parser when PyYAML has it (:data:`YAML_LOADER`),
under the same strict composer as the pure-Python parser, so both refuse the
same documents with the same messages. A plain document (the usual case) is
built straight from libyaml's events, without the composer's node tree; the
strict composer parses anything else again and words every refusal.

Writing is atomic: a file is either fully written or left untouched, and no
temporary file is left behind when writing fails. JSON is streamed to the file
(:func:`iter_json`), never built as one string.

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

import contextlib
import datetime as dt
import enum
import functools
import gc
import itertools
import json
import math
import operator
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args

import attrs
import cattrs
import yaml
from cattrs.cols import (
    homogenous_tuple_structure_factory,
    is_mutable_sequence,
    is_sequence,
    list_structure_factory,
)
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.fns import identity
from cattrs.gen import make_dict_structure_fn
from cattrs.preconf.json import make_converter as _make_json_converter

from riskcore import _io_responses, _io_strict
from riskcore._io_hooks import (
    _optional_one_plain,
    _optional_plain,
    _optional_plain_hook,
    _strings_hook,
)
from riskcore._io_responses import responses_hook
from riskcore._io_rows import iter_assessment
from riskcore._io_strict import (
    MAX_DEPTH,
    _CParser,
    _depth_ok,
    _join,
    _parse_json_strict,
)
from riskcore._io_subjects import (
    _plain_clients,
    _plain_professionals,
    subjects_hook,
)
from riskcore._io_write import (
    STALE_TEMP_SECONDS,
    atomic_path,
    iter_indented_json,
    write_atomic,
)
from riskcore.errors import FieldError, LoadError, shown
from riskcore.model import Assessment, Case, Catalog, Client, Plan, Professional
from riskcore.model._fields import to_tuple
from riskcore.model.distributions import DISTRIBUTIONS, Distribution, Param
from riskcore.model.observations import InstrumentResponse, InvalidAnswer

__all__ = [
    "INVALID_ANSWER_MARK",
    "MAX_DEPTH",
    "MAX_INPUT_BYTES",
    "STALE_TEMP_SECONDS",
    "Format",
    "atomic_path",
    "collector_paused",
    "converter",
    "dump",
    "dumps",
    "iter_json",
    "load",
    "load_case",
    "load_catalog",
    "load_plan",
    "loads",
    "loads_json",
    "make_converter",
    "read_bytes",
    "read_text",
    "structure",
    "unstructure",
    "write_atomic",
]

T = TypeVar("T")
Format = Literal["json", "yaml"]

_VERSIONED = (Case, Catalog, Plan)

INVALID_ANSWER_MARK = "<invalid answer>"
"""How :func:`dump` writes an :class:`~riskcore.model.InvalidAnswer` (an item
answer that was not a number when loaded): a marker, never the value; it
reloads as an invalid answer."""

MAX_INPUT_BYTES = 64 * 1024 * 1024
"""The largest document :func:`load` reads (64 MiB); more is refused, so that
reading ``/dev/zero`` or a runaway file stops with a message instead of hanging."""


# --------------------------------------------------------------------- converter


class _ProblemError(ValueError):
    """A problem found by riskcore's own hooks: its message is safe to show.

    Any other exception met while structuring may quote the value (``int()``,
    ``float()``, attrs' validators do), so its text is never shown: see _leaf.
    """


def _strict_float(value: object, _: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _ProblemError(f"expected a number, got {_kind(value)}")
    try:
        x = float(value)
    except OverflowError:
        raise _ProblemError(
            "expected a finite number, got a number too large"
        ) from None
    if not math.isfinite(x):
        raise _ProblemError(f"expected a finite number, got {x!r}")
    return x


def _strict_int(value: object, _: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise _ProblemError(f"expected an integer, got {_kind(value)}")
    return value


def _strict_str(value: object, _: object) -> str:
    if not isinstance(value, str):
        raise _ProblemError(f"expected a string, got {_kind(value)}")
    return value


def _strict_bool(value: object, _: object) -> bool:
    if not isinstance(value, bool):
        raise _ProblemError(f"expected true or false, got {_kind(value)}")
    return value


def _date(value: object, _: object) -> dt.date:
    # YAML already gives a date; JSON gives an ISO string.
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        # YAML hands over an impossible date (2026-02-30) as its text: see
        # _StrictLoader.construct_yaml_timestamp.
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise _ProblemError(
                "expected a date as YYYY-MM-DD (with a real year, month and day)"
            ) from None
    raise _ProblemError(f"expected a date as YYYY-MM-DD, got {_kind(value)}")


def _structure_enum(value: object, cls: type[enum.Enum]) -> enum.Enum:
    # cattrs' own enum hook echoes the value in its message; this one shows it
    # only as errors.shown allows.
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in cls)
        raise _ProblemError(f"{shown(value)} is not one of {allowed}") from None


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        text = shown(value)
        return "a number" if text.startswith("<") else f"the number {text}"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _raw_mapping(value: object, _: object) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise _ProblemError(f"expected a mapping, got {_kind(value)}")
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
    # An optional number, string or flag is written as it is (what cattrs'
    # optional hook did per value, at run time): the generated functions then
    # read the attribute inline, one call less per field of every object.
    conv.register_unstructure_hook_func(_optional_plain, identity)
    conv.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _structure_enum
    )

    # Every list in a document goes through to_tuple first: a string is refused,
    # never split into letters (languages: "en").
    def sequence_hook(make: Any) -> Any:
        def factory(t: Any, c: cattrs.Converter) -> Any:
            inner = make(t, c)

            def hook(value: object, tp: Any) -> Any:
                try:
                    items = to_tuple(value)  # type: ignore[arg-type]
                except TypeError as exc:
                    raise _ProblemError(str(exc)) from None
                return inner(items, tp)

            return hook

        return factory

    conv.register_structure_hook_factory(
        is_sequence, sequence_hook(homogenous_tuple_structure_factory)
    )
    conv.register_structure_hook_factory(
        is_mutable_sequence, sequence_hook(list_structure_factory)
    )
    # The commonest fields of a large case, without cattrs' dispatch per value
    # (issue #16): what the general hooks above return, by their own code.
    conv.register_structure_hook_factory(_optional_one_plain, _optional_plain_hook)
    strings = tuple[str, ...]
    conv.register_structure_hook_func(
        lambda t: t == strings, _strings_hook(conv.get_structure_hook(strings))
    )
    # Instrument items and free-text answers: validated by the model itself.
    raw = (dict[str, int | float | InvalidAnswer | None], dict[str, str])
    conv.register_structure_hook_func(lambda t: t in raw, _raw_mapping)
    # An invalid answer is written as a marker string, never its value: the
    # marker reloads as an invalid answer again.
    conv.register_unstructure_hook(InvalidAnswer, lambda a: INVALID_ANSWER_MARK)
    conv.register_structure_hook(InvalidAnswer, lambda v, _: InvalidAnswer.of(v))
    # Result types that are not documents themselves (PlanReport holds the
    # whole case, names included) say which document stands for them.
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and hasattr(t, "__riskcore_document__"),
        lambda obj: conv.unstructure(obj.__riskcore_document__()),
    )

    def structure_param(value: object, _: object) -> Param:
        if isinstance(value, dict):
            return structure_distribution(value, Distribution)
        return _strict_float(value, float)

    def structure_distribution(value: object, _: object) -> Distribution:
        if not isinstance(value, dict):
            raise _ProblemError(f"expected a distribution mapping, got {_kind(value)}")
        data = dict(value)
        tag = data.pop("dist", None)
        if tag not in DISTRIBUTIONS:
            raise _ProblemError(
                f"'dist' must be one of {sorted(DISTRIBUTIONS)}, got {shown(tag)}"
            )
        return plain[tag](data, DISTRIBUTIONS[tag])

    plain = {
        tag: make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True)
        for tag, cls in DISTRIBUTIONS.items()
    }

    def structure_tagged(cls: type[Distribution]) -> Any:
        def hook(value: object, _: object) -> Distribution:
            if isinstance(value, dict) and value.get("dist", cls.TAG) != cls.TAG:
                raise _ProblemError(
                    f"'dist' must be {cls.TAG!r}, got {shown(value['dist'])}"
                )
            if not isinstance(value, dict):
                raise _ProblemError(
                    f"expected a distribution mapping, got {_kind(value)}"
                )
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
    _register_case_hooks(conv)
    return conv


def _register_case_hooks(conv: cattrs.Converter) -> None:
    """Register on *conv* the direct hooks of a large case's lists (issue #16):
    its responses (most of a large case), then its clients and professionals,
    chunk by chunk, column by column; each over the general hooks *conv*
    already has, which keep every refusal.

    >>> hook = converter.get_structure_hook(tuple[Client, ...])
    >>> hook([{"id": "c-1"}], tuple[Client, ...]) == (Client(id="c-1"),)
    True
    >>> hook.general is not hook
    True
    """
    # A case's responses (most of a large case): the plain ones built directly.
    responses = tuple[InstrumentResponse, ...]
    fast = responses_hook(
        conv.get_structure_hook(responses),
        conv.get_structure_hook(InstrumentResponse),
    )
    conv.register_structure_hook_func(lambda t: t == responses, fast)
    for subject, plain_subjects in (
        (Client, _plain_clients),
        (Professional, _plain_professionals),
    ):
        many = tuple[subject, ...]  # type: ignore[valid-type]
        fast_subjects = subjects_hook(
            subject,
            plain_subjects,
            conv.get_structure_hook(many),
            conv.get_structure_hook(subject),
        )
        conv.register_structure_hook_func(
            functools.partial(operator.eq, many), fast_subjects
        )


converter = make_converter()
"""The converter behind every load and dump. Do not register hooks on it from
plugins; build your own with :func:`make_converter` if you need to."""


# ------------------------------------------------------------------- error paths


def _leaf(exc: BaseException, path: str) -> str:
    where = path or "(document)"
    if isinstance(exc, FieldError):
        return exc.describe(_join(path, exc.field))
    if isinstance(exc, ForbiddenExtraKeysError):
        keys = sorted(exc.extra_fields, key=str)
        noun = "key" if len(keys) == 1 else "keys"
        listed = ", ".join(shown(k) for k in keys)
        return (
            f"{where}: unknown {noun} {listed}" if path else f"unknown {noun} {listed}"
        )
    if isinstance(exc, KeyError):
        return f"{where}: required field missing"
    if isinstance(exc, _ProblemError):
        return f"{where}: {exc}"
    # Foreign messages (cattrs, attrs, int(), float()) may quote the value.
    if isinstance(exc, TypeError):
        return f"{where}: has the wrong type ({type(exc).__name__})"
    return f"{where}: is not a valid value ({type(exc).__name__})"


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


def structure(
    data: Any, cls: type[T], *, source: str | None = None, consume: bool = False
) -> T:
    """Build a *cls* from plain data (dicts and lists), or raise :class:`LoadError`.

    With ``consume=True`` the caller gives *data* away (a document it has just
    parsed, say) and must not use or change it afterwards: mappings of it may
    then become parts of the result instead of being copied (a case's
    response items: most of a large case). The result is equal either way.

    >>> from riskcore.model import Effect
    >>> structure({"threat": "burnout", "effectiveness": 1.4}, Effect)
    Traceback (most recent call last):
    ...
    riskcore.errors.LoadError: effectiveness: 1.4 is not in [0, 1]
    """
    if cls in _VERSIONED:
        _check_version(data, cls, source)
    given = _io_responses.GIVEN.set(consume)
    try:
        with collector_paused():  # a case is ~10 objects per client
            return converter.structure(data, cls)
    except (ClassValidationError, IterableValidationError, FieldError) as exc:
        raise LoadError(list(_problems(exc)), source=source) from None
    except (TypeError, ValueError, KeyError) as exc:
        raise LoadError([_leaf(exc, "")], source=source) from None
    finally:
        _io_responses.GIVEN.reset(given)


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
    version = data["schema_version"]
    if isinstance(version, bool) or version != expected:
        raise LoadError(
            [
                f"schema_version: {shown(version)} is not supported "
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


YAML_LOADER: Literal["c", "python"] = "c" if _CParser is not None else "python"
"""Which scanner and parser :func:`load` uses for YAML: libyaml's (``"c"``),
when PyYAML was built with it, else PyYAML's pure-Python one. Both refuse the
same documents with the same messages (``tests/test_badinputs.py``)."""


def _parse(text: str | bytes, fmt: Format, source: str | None) -> Any:
    # bytes: JSON in ASCII (loads_json decoded any other bytes)
    if len(text) > MAX_INPUT_BYTES:
        raise LoadError([_too_large()], source=source)
    if fmt == "json":
        data = _io_strict.fast_json(text)  # the usual document, at C speed
        if data is not None:
            return data  # its depth is checked
        data = _parse_json_strict(text, source)
    else:
        data = _parse_yaml(text.decode() if isinstance(text, bytes) else text, source)
    if not _depth_ok(data):
        raise LoadError(
            [f"(document): nested more than {MAX_DEPTH} levels deep"], source=source
        )
    return data


def _too_large() -> str:
    return (
        f"the document is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB "
        "(riskcore.io.MAX_INPUT_BYTES)"
    )


def _parse_json(text: str | bytes, source: str | None) -> Any:
    data = _io_strict.fast_json(text)  # the usual document, at C speed
    if data is not None:
        return data
    return _parse_json_strict(text, source)


def _parse_yaml(text: str, source: str | None) -> Any:
    # YAML_LOADER read here, at each call (tests set it)
    return _io_strict.parse_yaml(text, source, YAML_LOADER)


def loads(
    text: str, cls: type[T], *, format: Format = "json", source: str | None = None
) -> T:
    """Parse *text* (JSON or YAML) into a *cls*, or raise :class:`LoadError`.

    The cyclic garbage collector is paused while a document is read: parsing
    makes millions of short-lived, acyclic objects (freed by reference
    counting), and its full collections made loading a large case
    superlinear (a 3,000-client YAML case: 8.8 s with it, 5.2 s without).
    """
    with collector_paused():
        # The parsed document is nobody else's: structure may keep parts of it.
        return structure(_parse(text, format, source), cls, source=source, consume=True)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block (the one rule for
    riskcore's bulk steps: :func:`loads`, :func:`loads_json`, :func:`structure`,
    :func:`dump`, :func:`riskcore.assess`).

    They make millions of short-lived, acyclic objects, freed by reference
    counting, while a large case is alive: each full collection walks every
    live object, which made them superlinear (assess on 10,000 clients: 4.2 to
    6.8 s with the collector, 2.1 s without). Nothing else changes; the
    collector is enabled again after the block if it was before.

    The objects the block left alive are then moved to the oldest generation
    (``gc.freeze()`` then ``gc.unfreeze()``, two constant-time list moves):
    the collector counts objects made while it is disabled, so its first pass
    after the block would otherwise walk every one of them (0.2 s of the
    10,000-client ``assess``). They are still collected, by the next full
    pass, as objects that survived two passes would be. Skipped when the
    process has frozen objects itself (``gc.get_freeze_count()``): those stay
    frozen.

    >>> import gc
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled(), gc.get_count()[0] < 1000
    (True, True)

    .. versionadded:: 0.1
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def load(
    path: str | os.PathLike[str], cls: type[T], *, format: Format | None = None
) -> T:
    """Read a JSON or YAML file into a *cls*; errors name the file and the path."""
    p = Path(path)
    fmt = _format_for(p, format)
    return loads(read_text(p), cls, format=fmt, source=str(p))


def read_text(path: str | os.PathLike[str]) -> str:
    """A UTF-8 text file of at most :data:`MAX_INPUT_BYTES`, or :class:`LoadError`
    naming the file (unreadable, too large, not UTF-8)."""
    p = Path(path)
    return _utf8(read_bytes(p), str(p))


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a file of at most :data:`MAX_INPUT_BYTES`, or
    :class:`LoadError` naming the file (unreadable, too large): what
    :func:`read_text` decodes. :func:`loads_json` takes them as they are
    (a large JSON case is parsed without a decoded copy of its text).

    >>> read_bytes("no/such/file.json")
    Traceback (most recent call last):
    ...
    riskcore.errors.LoadError: no/such/file.json: cannot read the file (No such file or directory)

    .. versionadded:: 0.1
    """
    p = Path(path)
    try:
        with p.open("rb") as fh:
            raw = fh.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise LoadError(
            [f"cannot read the file ({exc.strerror or type(exc).__name__})"],
            source=str(p),
        ) from None
    if len(raw) > MAX_INPUT_BYTES:
        raise LoadError([_too_large()], source=str(p))
    return raw


def _utf8(raw: bytes, source: str | None) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise LoadError(["the file is not UTF-8 text"], source=source) from None


def loads_json(
    text: str | bytes, *, source: str | None = None, depth_checked: bool = True
) -> Any:
    """Parse JSON text with the loader's rules (duplicate keys, depth and size
    limits refused with line and column), into plain data.

    *text* may be the bytes of a file (:func:`read_bytes`): the data and every
    refusal are then those of the text they decode to as UTF-8, and bytes that
    are not UTF-8 are refused as :func:`read_text` refuses them. ASCII bytes
    (the usual case file) are parsed as they are, without a decoded copy.

    With ``depth_checked=False`` the :data:`MAX_DEPTH` scan is skipped (JSON
    deeper than Python's recursion limit is still refused): for a caller that
    bounds nesting itself while it walks the data.

    >>> loads_json(b'{"a": [1, 2.5]}') == loads_json('{"a": [1, 2.5]}')
    True
    >>> loads_json(b'{"a": "\\xff"}', source="case.json")
    Traceback (most recent call last):
    ...
    riskcore.errors.LoadError: case.json: the file is not UTF-8 text
    """
    if isinstance(text, bytes) and not text.isascii():
        text = _utf8(text, source)  # one meaning: the text it decodes to
    with collector_paused():  # as loads
        if depth_checked:
            return _parse(text, "json", source)
        if len(text) > MAX_INPUT_BYTES:
            raise LoadError([_too_large()], source=source)
        return _parse_json(text, source)


def load_case(path: str | os.PathLike[str]) -> Case:
    """Read a case file (YAML or JSON, riskcore's format).

    A FHIR R4 Bundle or QuestionnaireResponse is read by
    :func:`riskcore.interop.load_case_file` (the command line uses it).

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
    if format == "json":
        if indent is None:  # one ``encode``: the C encoder (iterencode is Python)
            return json.JSONEncoder(ensure_ascii=False).encode(unstructure(obj))
        return "".join(iter_json(obj, indent=indent))
    data = unstructure(obj)
    # allow_unicode=False: PyYAML writes some code points (U+0085) raw, which YAML
    # then reads as a line break; escaping keeps every string intact.
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=False)


def iter_json(obj: Any, *, indent: int | None = None) -> Iterator[str]:
    """A domain object's JSON text in pieces, for writing without building it whole.

    ``"".join(iter_json(obj))`` is ``dumps(obj)``; :func:`dump` streams these
    pieces to the file, so a large assessment is never one large string.

    >>> from riskcore.model import Source
    >>> "".join(iter_json(Source(citation="x"))) == dumps(Source(citation="x"))
    True

    .. versionadded:: 0.1
    """
    if indent is not None:  # the standard library's encoder is pure Python then
        if type(obj) is Assessment and len(obj.scores) > 1:
            return iter_assessment(obj, converter, indent)
        return iter_indented_json(unstructure(obj), indent)
    encoder = json.JSONEncoder(ensure_ascii=False, indent=indent)
    return encoder.iterencode(unstructure(obj))


def dump(
    obj: Any, path: str | os.PathLike[str], *, format: Format | None = None
) -> None:
    """Write a domain object to a JSON or YAML file, atomically.

    JSON is streamed (:func:`iter_json`); the bytes are those of
    ``dumps(obj, "json", indent=2) + "\\n"``.
    """
    p = Path(path)
    fmt = _format_for(p, format)
    with collector_paused():
        if fmt == "json":
            write_atomic(p, itertools.chain(iter_json(obj, indent=2), ("\n",)))
        else:
            write_atomic(p, dumps(obj, fmt, indent=2))
