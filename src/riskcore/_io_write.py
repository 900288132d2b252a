"""Atomic writes: a file is fully written or left untouched.

Internal to :mod:`riskcore.io`, which re-exports :func:`~riskcore.io.write_atomic`,
:func:`~riskcore.io.atomic_path` and :data:`~riskcore.io.STALE_TEMP_SECONDS`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path


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
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        buffer: list[bytes] = []
        size = 0
        for piece in pieces:
            chunk = piece.encode("utf-8") if isinstance(piece, str) else piece
            buffer.append(chunk)
            size += len(chunk)
            if size >= _WRITE_CHUNK:  # iterencode yields tiny pieces: batch them
                fh.write(b"".join(buffer))
                buffer.clear()
                size = 0
        fh.write(b"".join(buffer))


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
