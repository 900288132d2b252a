"""What a cohort table's columns mean, and the output columns of the cohort path.

:func:`schema_for` reads the column names once, before any row (so every
chunk, and every Dask partition, has the same columns); :func:`blank_columns`
and :func:`to_frame` make and type the output columns. Internal to
:mod:`riskcore.batch`.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from attrs import field, frozen

from riskcore.assess import assessor_infos
from riskcore.critical import declared_lifts
from riskcore.errors import BatchError
from riskcore.instruments import InstrumentSpec
from riskcore.model import Catalog, SubjectKind
from riskcore.model.risk import RiskMatrix
from riskcore.plugins import PluginManager

__all__ = ["HOOK", "Schema", "blank_columns", "parse_kind", "schema_for", "to_frame"]

HOOK = "riskcore_batch_factors"
_ASSESSOR_HOOKS = ("riskcore_assess", "riskcore_risk_factors")
_KINDS = {"client": SubjectKind.CLIENT, "professional": SubjectKind.PROFESSIONAL}


def parse_kind(kind: str | SubjectKind) -> SubjectKind:
    """``"client"`` or ``"professional"`` (the kinds a cohort row can be)."""
    value = kind.value if isinstance(kind, SubjectKind) else kind
    if value not in _KINDS:
        raise BatchError(
            f"kind {value!r} is not a kind of cohort row (client or professional)"
        )
    return _KINDS[value]


@frozen(kw_only=True, eq=False)
class Schema:
    """What a table's columns mean, and the output columns, fixed before any row
    is read (so every chunk, and every Dask partition, has the same columns)."""

    kind: SubjectKind
    specs: Mapping[str, InstrumentSpec]
    owner: Mapping[str, str]  # spec id -> plugin that declares it
    items: Mapping[str, tuple[tuple[str, str], ...]]  # instrument -> (item, column)
    id_column: str | None
    threats: tuple[Any, ...]
    flag_codes: Mapping[str, tuple[str, ...]]  # spec id -> its flag codes
    ignored: tuple[str, ...]
    levels: tuple[str, ...]
    vectorised: tuple[str, ...]  # plugins with the batch hook
    object_plugins: tuple[str, ...]  # plugins that may assess this kind, no hook
    load_failures: tuple[str, ...]
    lifts: Mapping[str, tuple[str, ...]]  # flag prefix -> categories plugins declared
    pm: PluginManager = field(repr=False)
    catalog: Catalog = field(repr=False)
    matrix: RiskMatrix = field(repr=False)
    administered_column: str | None = None  # one row per administration

    @property
    def present_specs(self) -> list[str]:
        """The spec instruments that have columns, in column order."""
        return [i for i in self.items if i in self.specs]

    def empty_frame(self) -> pd.DataFrame:
        """A frame with the output columns and no row (Dask's ``meta``)."""
        return to_frame(self, blank_columns(self, 0))


def schema_for(
    columns: Sequence[object],
    *,
    kind: str | SubjectKind,
    pm: PluginManager | None,
    catalog: Catalog | None,
    matrix: RiskMatrix | None,
    id_column: str | None,
    administered_column: str | None = None,
) -> Schema:
    """Read the meaning of *columns*: ``<instrument>.<item>`` columns of every
    instrument an active plugin declares or assesses, the id column, the
    column of administration dates (one row per administration), and the
    rest (ignored, and listed). Defaults: the process-wide plugin manager, its
    default catalog, the default matrix."""
    from riskcore.catalog import default_catalog
    from riskcore.plugins import get_plugin_manager

    pm = pm or get_plugin_manager()
    catalog = catalog or default_catalog(pm)
    matrix = matrix or RiskMatrix.default()
    k = parse_kind(kind)
    specs: dict[str, InstrumentSpec] = {}
    owner: dict[str, str] = {}
    for o in pm.call_each("riskcore_instruments"):
        if o.error is None and o.result:
            for s in o.result:
                if isinstance(s, InstrumentSpec) and s.id not in specs:
                    specs[s.id] = s
                    owner[s.id] = o.plugin
    infos = assessor_infos(pm)
    known = set(specs)
    for info in infos.values():
        known.update(info.instruments)
    items: dict[str, list[tuple[str, str]]] = {}
    ignored: list[str] = []
    names = [str(c) for c in columns]
    if id_column is not None and id_column not in names:
        id_column = None
    if administered_column is not None:
        if administered_column not in names:
            raise BatchError(
                f"column {administered_column!r} (the administration dates) is not "
                "in the table"
            )
        if id_column is None:
            raise BatchError("one row per administration needs a column of subject ids")
    for name in names:
        if name in (id_column, administered_column):
            continue
        inst, dot, item = name.partition(".")
        if not dot or inst not in known:
            ignored.append(name)
            continue
        if inst in specs and item not in specs[inst].item_ids:
            raise BatchError(
                f"column {name!r}: {item!r} is not an item of instrument {inst!r}"
            )
        items.setdefault(inst, []).append((item, name))
    hooked = set(pm.implementers(HOOK))
    assessors = {name for h in _ASSESSOR_HOOKS for name in pm.implementers(h)}
    object_plugins = tuple(
        sorted(
            p
            for p in assessors - hooked
            if p not in infos or k in infos[p].subject_kinds
        )
    )
    lift_failures: list[str] = []
    lifts = declared_lifts(
        pm,
        lambda failure, _error: lift_failures.append(
            f"plugin {failure.plugin} failed ({failure.hook})"
        ),
    )
    return Schema(
        kind=k,
        specs=specs,
        owner=owner,
        items={i: tuple(v) for i, v in items.items()},
        id_column=id_column,
        threats=tuple(t for t in catalog.threats if t.scope is k),
        flag_codes={i: specs[i].flag_codes for i in items if i in specs},
        ignored=tuple(ignored),
        levels=tuple(lv.name for lv in matrix.levels),
        vectorised=tuple(sorted(hooked)),
        object_plugins=object_plugins,
        load_failures=(
            *(f"plugin {r.name} failed (load)" for r in pm.failures),
            *lift_failures,
        ),
        lifts=lifts,
        pm=pm,
        catalog=catalog,
        matrix=matrix,
        administered_column=administered_column,
    )


def _constant(n: int, value: Any, dtype: Any = np.float64) -> Any:
    """*n* copies of *value* as a read-only view of one element: a column the
    vectorised path replaces costs nothing; :func:`to_frame` and the object
    path (which writes rows) make their own copy of any column still blank."""
    return np.broadcast_to(np.array(value, dtype=dtype), (n,))


def blank_columns(schema: Schema, n: int) -> dict[str, Any]:
    """The output columns of *n* rows, before any is computed."""
    cols: dict[str, Any] = {"subject": np.empty(n, dtype=object)}
    for inst in schema.present_specs:
        spec = schema.specs[inst]
        cols[f"{inst}.administered"] = np.zeros(n, dtype=bool)
        for name in spec.scale_names:
            cols[f"{inst}.{name}"] = _constant(n, np.nan)
            cols[f"{inst}.{name}.complete"] = np.zeros(n, dtype=bool)
            if spec.scale(name).labels:
                cols[f"{inst}.{name}.band"] = _constant(n, -1, np.int16)
        for code in schema.flag_codes[inst]:
            cols[f"flag.{code}"] = np.zeros(n, dtype=bool)
    for t in schema.threats:
        cols[f"factor.{t.id}"] = _constant(n, 1.0)
        cols[f"risk.{t.id}.likelihood"] = _constant(n, np.nan)
        cols[f"risk.{t.id}.level"] = _constant(n, -1, np.int16)
        cols[f"risk.{t.id}.critical"] = np.zeros(n, dtype=bool)
        cols[f"risk.{t.id}.incomplete"] = np.zeros(n, dtype=bool)
    cols["incomplete"] = np.zeros(n, dtype=bool)
    cols["incomplete.reasons"] = _constant(n, "", object)
    cols["path"] = np.zeros(n, dtype=np.int8)  # 0 vectorised, 1 object
    return cols


def to_frame(schema: Schema, cols: dict[str, Any]) -> pd.DataFrame:
    """*cols* as a frame: bands, levels and the path as ordered categoricals.

    The frame holds the column arrays themselves (no copy, no consolidation
    into 2-D blocks), except where that would share memory: a read-only
    array (a blank column, a view the plugins were shown), an array already
    holding another column (a mask used twice), and an extension array
    (it may be the input table's own column) are copied.
    """
    out: dict[str, Any] = {}
    held: set[int] = set()
    for name, v in cols.items():
        if isinstance(v, np.ndarray):
            root = v
            while isinstance(root.base, np.ndarray):
                root = root.base
            if not v.flags.writeable or id(root) in held:
                v = v.copy()
                root = v
            held.add(id(root))
        elif isinstance(v, pd.api.extensions.ExtensionArray):
            v = v.copy()
        if name.endswith(".band"):
            inst, _, rest = name.partition(".")
            labels = schema.specs[inst].scale(rest[: -len(".band")]).labels
            out[name] = pd.Categorical.from_codes(
                v, categories=pd.Index(list(labels)), ordered=True, validate=False
            )
        elif name.startswith("risk.") and name.endswith(".level"):
            out[name] = pd.Categorical.from_codes(
                v,
                categories=pd.Index(list(schema.levels)),
                ordered=True,
                validate=False,
            )
        elif name in ("subject", "incomplete.reasons"):
            out[name] = (
                v
                if isinstance(v, pd.api.extensions.ExtensionArray)
                else pd.array(v, dtype="string")
            )
        elif name == "path":
            out[name] = pd.Categorical.from_codes(
                v.astype(np.int8),
                categories=pd.Index(["vectorised", "object"]),
                validate=False,
            )
        else:
            out[name] = v
    return pd.DataFrame(out, copy=False)
