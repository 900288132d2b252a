"""`versionadded` notes name a version that exists (issue #20).

Nothing has been released beyond the package's own version (0.1.0, with the
changes of "## [Unreleased]" in CHANGELOG.md going into it): a note saying
0.2 or 0.3 promised a version that does not exist.
"""

from __future__ import annotations

import re
from pathlib import Path

import riskcore

ROOT = Path(__file__).resolve().parents[1]
NOTE = re.compile(r"\.\. versionadded:: *(\S+)")


def _release(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(".")[:2])


def test_every_versionadded_is_at_most_the_package_version() -> None:
    ceiling = _release(riskcore.__version__)
    files = [*ROOT.glob("src/riskcore/**/*.py"), *ROOT.glob("plugins/*/src/**/*.py")]
    seen = 0
    for path in files:
        for match in NOTE.finditer(path.read_text(encoding="utf-8")):
            seen += 1
            version = match.group(1)
            assert re.fullmatch(r"\d+\.\d+(\.\d+)?", version), (path, version)
            assert _release(version) <= ceiling, (path, version)
    assert seen > 20
