"""Atomic writes: a file is fully written or left untouched.

Internal to :mod:`riskcore.io`, which re-exports :func:`~riskcore.io.write_atomic`,
:func:`~riskcore.io.atomic_path` and :data:`~riskcore.io.STALE_TEMP_SECONDS`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import math
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskcore._json_items import BATCH, items_text

if TYPE_CHECKING:
    import concurrent.futures


def write_atomic(
    path: str | os.PathLike[str], data: str | bytes | Iterable[str | bytes]
) -> None:
    """Write *data* to *path* so that readers see the old file or the new one,
    never half of it (temporary file in the same folder, then ``os.replace``).

    *data* is text (written as UTF-8), bytes, or an iterable of either, written
    piece by piece as it is produced (a streamed JSON document or report); an
    exception while producing it leaves the old file untouched, as any other.

    The file is readable and writable by its owner only (mode 0600): riskcore's
    outputs may hold clinical data. Widen it deliberately if you must share it.

    If writing fails the temporary file is removed and the exception (an
    :class:`OSError`) propagates; the old file, if any, is untouched. A process
    that is *killed* cannot clean up, so temporary files are named
    ``.<name>.<pid>.<random>.riskcore.tmp`` and the next write to the same
    path removes those whose process is no longer running (and that are more
    than :data:`STALE_TEMP_SECONDS` old, in case the folder is shared with
    another machine, whose process ids mean nothing here). On Windows, where no
    process can be probed safely, stale files are left for the user.
    """
    pieces = (data,) if isinstance(data, (str, bytes)) else data
    with (
        atomic_path(path) as tmp,
        open(tmp, "wb") as fh,
        _EarlyFlush(fh.fileno()) as early,
    ):
        buffer: list[bytes] = []
        size = 0
        for piece in pieces:
            chunk = piece.encode("utf-8") if isinstance(piece, str) else piece
            if len(chunk) >= _WRITE_WHOLE:  # large: written as is, never copied
                if buffer:
                    early.wrote(fh.write(b"".join(buffer)))
                    buffer.clear()
                    size = 0
                early.wrote(fh.write(chunk))
                continue
            buffer.append(chunk)
            size += len(chunk)
            if size >= _WRITE_CHUNK:  # iterencode yields tiny pieces: batch them
                early.wrote(fh.write(b"".join(buffer)))
                buffer.clear()
                size = 0
        fh.write(b"".join(buffer))


class _EarlyFlush:
    """Flushes a file that is being written to disk in the background, while
    the writer goes on producing the rest (:func:`write_atomic`).

    :func:`atomic_path` flushes the whole file to disk before renaming it
    (``fsync``); left to the end, that waits for every byte at once (about
    1 s for a 500 MB assessment here, issue #16). Each time another
    :data:`_FLUSH_EVERY` bytes have been written and no flush is running, one
    is started in a thread of its own (``fsync`` releases the GIL), so the
    disk works while Python does; the final ``fsync`` then has little left.
    It changes when bytes reach the disk, never which bytes: the file is
    the same, and it is renamed into place only after the final ``fsync``.

    On leaving, the running flush (if any) is waited for before the file is
    closed, and its error, if any, is raised unless the block is already
    raising another.

    >>> import tempfile
    >>> with tempfile.TemporaryFile() as fh, _EarlyFlush(fh.fileno()) as early:
    ...     early.wrote(fh.write(b"x" * (_FLUSH_EVERY + 1)))
    ...     early.flushes
    1
    """

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._since = 0
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._running: concurrent.futures.Future[None] | None = None
        self.flushes = 0
        """How many flushes were started (for the tests)."""

    def wrote(self, n: int) -> None:
        """Count *n* more bytes written; start a flush if it is time for one."""
        self._since += n
        if self._since < _FLUSH_EVERY:
            return
        if self._running is not None:
            if not self._running.done():
                return  # the disk is busy: try again after the next write
            self._running.result()  # its OSError, if any
        if self._pool is None:
            import concurrent.futures  # only for a large write (it imports logging)

            self._pool = concurrent.futures.ThreadPoolExecutor(
                1, thread_name_prefix="riskcore-flush"
            )
        self._since = 0
        self._running = self._pool.submit(os.fsync, self._fd)
        self.flushes += 1

    def __enter__(self) -> _EarlyFlush:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        if self._pool is None:
            return
        self._pool.shutdown(wait=True)  # before the file is closed
        if kind is None and self._running is not None:
            self._running.result()


_FLUSH_EVERY = 32 << 20
"""Bytes written between two background flushes (:class:`_EarlyFlush`)."""


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path next to *path*, renamed to *path* when the block ends
    without an exception, removed otherwise: :func:`write_atomic` for a writer
    that streams into a file (a Parquet writer, chunk by chunk).

    The temporary file exists (empty, mode 0600) when the block starts; it is
    flushed to disk before the rename. Same naming and clean-up of stale
    temporary files as :func:`write_atomic`.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(out) as tmp:
    ...     _ = tmp.write_text("done")
    ...     out.exists()
    False
    >>> out.read_text()
    'done'
    """
    p = Path(path)
    _remove_stale_temps(p)
    fd, name = tempfile.mkstemp(
        prefix=f".{p.name}.{os.getpid()}.", suffix=_TEMP_SUFFIX, dir=p.parent
    )
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


_TEMP_SUFFIX = ".riskcore.tmp"
_WRITE_CHUNK = 1 << 20
_WRITE_WHOLE = 1 << 16
"""A piece this large (bytes) is written alone: joining it to the small ones
around it would only copy it."""

STALE_TEMP_SECONDS = 60.0
"""A temporary file of a process that is not running is removed only once it is
this old (seconds)."""


def _remove_stale_temps(target: Path) -> None:
    """Remove temporary files that killed writers of *target* left behind."""
    if os.name == "nt":  # pragma: no cover - os.kill(pid, 0) is not a probe there
        return
    pattern = re.compile(
        rf"\.{re.escape(target.name)}\.(\d+)\.[A-Za-z0-9_]+{re.escape(_TEMP_SUFFIX)}"
    )
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return  # the write itself will report the folder
    now = dt.datetime.now(dt.UTC).timestamp()
    for entry in entries:
        m = pattern.fullmatch(entry.name)
        if m is None or _running(int(m.group(1))):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if entry.is_file(follow_symlinks=False) and (
                now - info.st_mtime >= STALE_TEMP_SECONDS
            ):
                os.unlink(entry.path)
        except OSError:
            continue  # another run removed it first, or it is not ours to remove


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # another user's process (or not a pid we can ask about)
    return True


def _floatstr(o: float) -> str:
    # json.encoder's rule (allow_nan=True)
    if o != o:
        return "NaN"
    if o == math.inf:
        return "Infinity"
    if o == -math.inf:
        return "-Infinity"
    return float.__repr__(o)


def _json_key(key: object) -> str:
    # json.encoder's rule for dict keys, in its order (skipkeys=False)
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _floatstr(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(
        f"keys must be str, int, float, bool or None, not {key.__class__.__name__}"
    )


def _not_serialisable(o: object) -> Any:
    # json.JSONEncoder.default's error, word for word
    raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")


def _c_encoder(item_separator: str) -> Any:
    """The standard library's C encoder (``ensure_ascii=False``,
    ``allow_nan=True``, no key sorting) with *item_separator*; ``None`` when
    the C accelerator is missing."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython without _json
        return None
    return make(
        None,
        _not_serialisable,
        json.encoder.encode_basestring,
        None,
        ": ",
        item_separator,
        False,
        False,
        True,
    )


def iter_indented_json(data: Any, indent: int) -> Iterator[str]:
    """The text of ``json.JSONEncoder(ensure_ascii=False, indent=indent)
    .iterencode(data)``, in larger pieces and faster.

    The standard library encodes with its C encoder only without ``indent``;
    with it, every value is a step of a Python generator. Here the containers
    of the first two levels are streamed (a large assessment's scores one by
    one) and each value below them is written by the C encoder, one call per
    container: its item separator carries the newline and indentation of the
    container's level. A nested non-empty container is written first, at its
    own level; the C encoder writes ``null`` in its place, and that item is
    found by splitting on the separator, which is exact: a raw newline is never
    part of an encoded string, key or number, only of a separator. So the
    standard library's own rules apply throughout: its string escaping,
    ``repr`` of floats and ints, ``NaN``/``Infinity``, its key conversions and
    errors. Data is plain (what :func:`riskcore.io.unstructure` returns): no
    cycles. With ``indent=2``, the items of a list below the top level are
    written by orjson, ``BATCH`` at a time, where its text is exactly this
    one (:mod:`riskcore._json_items`).

    >>> data = {"a": [1, 2.5, None, True], "b": {}, "c": [{"d": "é\\n"}], 1: []}
    >>> import json
    >>> "".join(iter_indented_json(data, 2)) == json.dumps(
    ...     data, ensure_ascii=False, indent=2)
    True
    """
    if getattr(json.encoder, "c_make_encoder", None) is None:  # pragma: no cover
        yield from json.JSONEncoder(ensure_ascii=False, indent=indent).iterencode(data)
        return
    pad = " " * indent
    enc = json.encoder.encode_basestring
    encoders: dict[str, Any] = {}  # newline + indent -> its C encoder
    records = _Records(pad)

    def text(o: Any, nl: str) -> str:
        """*o* (any JSON value) as indented text, its first line not indented
        and its later lines after *nl* (newline and the indent of its level)."""
        if isinstance(o, dict):
            if not o:
                return "{}"
            if type(o) is dict:
                done = records.text(o, nl)
                if done is not None:
                    return done
            values: Any = o.values()
        elif isinstance(o, (list, tuple)):
            if not o:
                return "[]"
            values = o
        else:  # a scalar (or something the encoder refuses)
            return "".join(_encoder(encoders, "\n")(o, 0))
        inner = nl + pad
        c = _encoder(encoders, inner)
        nested: dict[int, str] = {}
        if not _SCALAR.issuperset(map(type, values)):
            for i, v in enumerate(values):
                if type(v) not in _SCALAR and isinstance(v, _NESTED) and v:
                    nested[i] = text(v, inner)
        if not nested:
            body = "".join(c(o, 0))
            return "".join((body[0], inner, body[1:-1], nl, body[-1]))
        if isinstance(o, dict):
            copy: Any = dict(o)
            keys = list(copy)
            for i in nested:
                copy[keys[i]] = None
        else:
            copy = list(o)
            for i in nested:
                copy[i] = None
        body = "".join(c(copy, 0))
        sep = "," + inner
        items = body[1:-1].split(sep)
        for i, t in nested.items():
            items[i] = items[i][:-4] + t  # "null" -> the container's text
        return "".join((body[0], inner, sep.join(items), nl, body[-1]))

    def stream(o: Any, nl: str, depth: int) -> Iterator[str]:
        t = type(o)
        if t is not StreamedList and (
            depth >= 2 or not o or not (t is dict or t is list or t is tuple)
        ):
            yield text(o, nl)
            return
        if not o:  # an empty StreamedList
            yield "[]"
            return
        inner = nl + pad
        if t is dict:
            sep = "{" + inner
            for k, v in o.items():
                yield sep + enc(_json_key(k)) + ": "
                sep = "," + inner
                yield from stream(v, inner, depth + 1)
            yield nl + "}"
        else:  # a list, a tuple or a StreamedList, BATCH items at a time
            sep = "[" + inner
            whole = depth >= 1 and pad == "  "  # items written whole: orjson's
            it = iter(o)
            while batch := list(itertools.islice(it, BATCH)):
                fast = items_text(batch, inner) if whole else None
                if fast is not None:  # exactly the standard text
                    yield sep
                    yield fast  # large: not copied to join it to sep
                    sep = "," + inner
                    continue
                for v in batch:
                    yield sep
                    sep = "," + inner
                    yield from stream(v, inner, depth + 1)
            yield nl + "]"

    yield from stream(data, "\n", 0)


_SCALAR = frozenset({str, int, float, bool, type(None)})
_NESTED = (dict, list, tuple)


def _encoder(cache: dict[str, Any], inner: str) -> Any:
    """The C encoder whose items are separated by ``,`` + *inner* (cached)."""
    c = cache.get(inner)
    if c is None:
        c = cache[inner] = _c_encoder("," + inner)
    return c


class StreamedList:
    """A list that :func:`iter_indented_json` writes item by item as they are
    made: a large report's rows are built one at a time, never all held at
    once. It may stand where the writer streams (a value of the first two
    levels, inside streamed containers); deeper, the C encoder refuses it.

    *items* is iterated once, when the list is written; *length* is its
    number of items (the writer only asks whether it is empty).

    >>> rows = StreamedList(({"n": i} for i in range(2)), 2)
    >>> print("".join(iter_indented_json({"rows": rows}, 1)))
    {
     "rows": [
      {
       "n": 0
      },
      {
       "n": 1
      }
     ]
    }
    """

    __slots__ = ("_items", "_length")

    def __init__(self, items: Iterable[Any], length: int) -> None:
        self._items = items
        self._length = length

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)


_LISTS = (list, tuple)
_STR = frozenset({str})
_DICTS = {dict}
_MAX_SHAPES = 4096
"""Record shapes (and templates) kept per document: a document whose dicts
all differ writes them the general way once this many are known."""


class _Records:
    """Dicts written with one C-encoder call each: a template per shape.

    A dict with string keys whose values are scalars (``str``, ``int``,
    ``float``, ``bool``, ``None``: exactly these types), lists and tuples of
    scalars, or lists of dicts of scalars with the same string keys (a
    checklist's steps) is a *record*; its shape is its keys, the types of its
    values, the lengths of its lists (and their dicts' keys) and its
    indentation. The values, list items spliced in, are
    encoded in one call of the C encoder with a raw newline as separator
    (never part of an encoded scalar, so the split is exact) and put into
    the shape's template, which holds the keys, brackets and indentation as
    :func:`json.dumps` writes them. Any other dict is not a record (``None``):
    the general way writes it.
    """

    def __init__(self, pad: str) -> None:
        self.pad = pad
        self.encode = _c_encoder("\n")
        # (keys, value types) -> the positions of the lists (None: not a
        # record) and the templates of that shape by (indent, list lengths)
        self.layouts: dict[Any, tuple[tuple[int, ...] | None, dict[Any, str]]] = {}
        self.count = 0

    def text(self, o: dict[Any, Any], nl: str) -> str | None:
        vals = list(o.values())
        key = (tuple(o), tuple(map(type, vals)))
        try:
            layout, templates = self.layouts[key]
        except KeyError:
            layout, templates = _layout(*key), {}
            if self.count < _MAX_SHAPES:
                self.layouts[key] = layout, templates
                self.count += 1
        if layout is None:
            return None
        flat = vals
        lens: tuple[Any, ...] = ()
        if layout:
            flat = []
            sizes: list[Any] = []
            prev = 0
            for k in layout:
                v = vals[k]
                flat += vals[prev:k]
                prev = k + 1
                kinds = set(map(type, v))
                if _SCALAR.issuperset(kinds):
                    sizes.append(len(v))
                    flat += v
                    continue
                if kinds != _DICTS:
                    return None
                # a list of dicts with the same str keys and scalar values
                first = tuple(v[0])
                if not _STR.issuperset(map(type, first)):
                    return None
                n = len(flat)
                for d in v:
                    if tuple(d) != first:
                        return None
                    flat += d.values()
                if not _SCALAR.issuperset(map(type, flat[n:])):
                    return None
                sizes.append((len(v), first))
            flat += vals[prev:]
            lens = tuple(sizes)
        template = templates.get((nl, lens))
        if template is None:
            template = self._template(key[0], dict(zip(layout, lens, strict=True)), nl)
            if self.count < _MAX_SHAPES:
                templates[nl, lens] = template
                self.count += 1
        if not flat:
            return template % ()
        body = "".join(self.encode(flat, 0))
        return template % tuple(body[1:-1].split("\n"))

    def _template(self, keys: tuple[str, ...], lens: dict[int, Any], nl: str) -> str:
        """The text of a record of this shape, ``%s`` for each encoded value
        (*lens*: by position, a list's length, or for a list of dicts their
        number and keys)."""
        inner = nl + self.pad
        deeper = inner + self.pad
        parts = []
        for i, k in enumerate(keys):
            head = _key_text(k) + ": "
            n = lens.get(i)
            if n is None:
                parts.append(head + "%s")
            elif n == 0:
                parts.append(head + "[]")
            else:
                item = "%s"
                if isinstance(n, tuple):  # that many dicts with these keys
                    n, sub = n
                    fields = ("," + deeper + self.pad).join(
                        _key_text(s) + ": %s" for s in sub
                    )
                    item = (
                        "{" + deeper + self.pad + fields + deeper + "}" if sub else "{}"
                    )
                items = ("," + deeper).join([item] * n)
                parts.append(f"{head}[{deeper}{items}{inner}]")
        return "{" + inner + ("," + inner).join(parts) + nl + "}"


def _key_text(key: str) -> str:
    """A record's key as the template holds it (``%`` doubled)."""
    return json.encoder.encode_basestring(key).replace("%", "%%")


def _layout(keys: tuple[Any, ...], types: tuple[type, ...]) -> tuple[int, ...] | None:
    """The positions of the lists of a record with these *keys* and values of
    these *types*; ``None`` if it is not a record.

    Its keys are strings (any dict whose keys equal these is then written
    with the same text; ``1``, ``1.0`` and ``True`` are equal keys that JSON
    writes differently, so they are not records)."""
    if not _STR.issuperset(map(type, keys)):
        return None
    out = []
    for i, t in enumerate(types):
        if t in _LISTS:
            out.append(i)
        elif t not in _SCALAR:
            return None
    return tuple(out)
