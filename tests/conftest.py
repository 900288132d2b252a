"""Shared fixtures: fake installed distributions and small cases."""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from riskcore.model import Case, Client, InstrumentResponse, Practice, Professional
from riskcore.plugins import reset_plugin_manager

InstallDist = Callable[..., Path]


@pytest.fixture
def install_dist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[InstallDist]:
    """Install a distribution the way pip does: a module plus a ``.dist-info``
    folder with ``entry_points.txt``, on ``sys.path``.

    ``install_dist("riskcore-toy", {"toy": "riskcore_toy_x"}, riskcore_toy_x="<source>")``
    """
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))

    # Only the distributions installed here are visible to discovery, so the
    # tests do not depend on which real plugins the environment has.
    def local_entry_points(*, group: str) -> list[importlib.metadata.EntryPoint]:
        return [
            ep
            for dist in importlib.metadata.distributions(path=[str(site)])
            for ep in dist.entry_points
            if ep.group == group
        ]

    monkeypatch.setattr("riskcore.plugins.entry_points", local_entry_points)
    for var in (
        "RISKCORE_DISABLE_PLUGIN_AUTOLOAD",
        "RISKCORE_DISABLE_PLUGINS",
        "RISKCORE_LOAD_PLUGINS",
        "RISKCORE_TRACE_PLUGINS",
    ):
        monkeypatch.delenv(var, raising=False)
    added: list[str] = []

    def install(
        dist: str, eps: dict[str, str], version: str = "0.1.0", **modules: str
    ) -> Path:
        info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n"
        )
        lines = ["[riskcore]"] + [f"{k} = {v}" for k, v in eps.items()]
        (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
        for mod, src in modules.items():
            (site / f"{mod}.py").write_text(textwrap.dedent(src))
            added.append(mod)
        importlib.invalidate_caches()
        return site

    yield install
    for mod in added:
        sys.modules.pop(mod, None)
    reset_plugin_manager()


@pytest.fixture
def small_case() -> Case:
    """A practice, one therapist and two clients with one response each."""
    return Case(
        id="small",
        practice=Practice(id="p"),
        professionals=[Professional(id="t-1", languages=["en"])],
        clients=[Client(id="c-1", clinician="t-1"), Client(id="c-2", clinician="t-1")],
        responses=[
            InstrumentResponse(instrument="toy", subject="c-1", items={"1": 2}),
            InstrumentResponse(instrument="toy", subject="c-2", items={"1": 0}),
        ],
        synthetic=True,
    )
