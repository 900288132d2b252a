"""JSON Schema of riskcore's documents, generated from the attrs model.

The schema is derived from the same field metadata that drives validation, so
the two cannot drift apart. Editors (VS Code's YAML extension, for instance) can
validate a case file while it is written::

    # yaml-language-server: $schema=case.schema.json

>>> schema = case_schema()
>>> schema["$schema"]
'https://json-schema.org/draft/2020-12/schema'
>>> schema["properties"]["schema_version"]["const"]
1

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from typing import Any, get_args, get_origin

import attrs

from riskcore.model import Case, Catalog, Plan
from riskcore.model._fields import META
from riskcore.model.distributions import DISTRIBUTIONS, Distribution, Param

__all__ = [
    "case_schema",
    "catalog_schema",
    "plan_schema",
    "schema_for",
]

_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class _Builder:
    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def ref(self, cls: type[Any]) -> dict[str, Any]:
        name = cls.__name__
        if name not in self.defs:
            self.defs[name] = {}  # placeholder against recursion
            self.defs[name] = self.object(cls)
        return {"$ref": f"#/$defs/{name}"}

    def object(self, cls: type[Any]) -> dict[str, Any]:
        hints = typing.get_type_hints(cls)
        props: dict[str, Any] = {}
        required: list[str] = []
        for a in attrs.fields(cls):
            schema = self.type(hints[a.name])
            meta = a.metadata.get(META, {})
            _apply_meta(schema, meta)
            if a.default is attrs.NOTHING:
                required.append(a.name)
            props[a.name] = schema
        out: dict[str, Any] = {
            "type": "object",
            "properties": props,
            "additionalProperties": False,
        }
        doc = (cls.__doc__ or "").strip().split("\n\n")[0]
        if doc:
            out["description"] = " ".join(doc.split())
        if required:
            out["required"] = required
        return out

    def type(self, tp: Any) -> dict[str, Any]:
        if tp == Param:
            return {"anyOf": [{"type": "number"}, self.type(Distribution)]}
        if tp == Distribution:
            variants = []
            for tag, cls in DISTRIBUTIONS.items():
                sub = self.object(cls)
                sub["properties"] = {"dist": {"const": tag}, **sub["properties"]}
                sub["required"] = ["dist", *sub.get("required", [])]
                variants.append(sub)
            return {"oneOf": variants}
        origin = get_origin(tp)
        if origin in (typing.Union, types.UnionType):
            args = get_args(tp)
            return {"anyOf": [self.type(a) for a in args]}
        if origin is tuple:
            return {"type": "array", "items": self.type(get_args(tp)[0])}
        if origin is dict:
            _, value = get_args(tp)
            return {"type": "object", "additionalProperties": self.type(value)}
        if tp is Any:
            return {}  # any JSON value (a section that carries its own data)
        if tp is type(None):
            return {"type": "null"}
        if tp is bool:
            return {"type": "boolean"}
        if tp is int:
            return {"type": "integer"}
        if tp is float:
            return {"type": "number"}
        if tp is str:
            return {"type": "string"}
        if tp is dt.date:
            return {"type": "string", "format": "date"}
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return {"enum": [m.value for m in tp]}
        if attrs.has(tp):
            return self.ref(tp)
        raise TypeError(f"no JSON Schema mapping for {tp!r}")  # pragma: no cover


def _apply_meta(schema: dict[str, Any], meta: dict[str, Any]) -> None:
    targets = [schema]
    if "anyOf" in schema:
        targets = [s for s in schema["anyOf"] if s.get("type") in {"number", "string"}]
    for t in targets:
        if t.get("type") == "number":
            if meta.get("minimum") is not None:
                t["minimum"] = meta["minimum"]
            if meta.get("maximum") is not None:
                t["maximum"] = meta["maximum"]
        if t.get("type") == "string":
            if "pattern" in meta:
                t["pattern"] = meta["pattern"]
            if "max_length" in meta:
                t["maxLength"] = meta["max_length"]
    if "items_pattern" in meta and schema.get("type") == "array":
        schema["items"] = {"type": "string", "pattern": meta["items_pattern"]}
    if meta.get("sensitive"):
        schema["description"] = "Sensitive: never logged, redacted in reports."


def schema_for(cls: type[Any], *, title: str | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of any attrs document class."""
    b = _Builder()
    root = b.object(cls)
    version = getattr(cls, "SCHEMA_VERSION", None)
    if version is not None:
        root["properties"]["schema_version"] = {"const": version}
        root["required"] = ["schema_version", *root.get("required", [])]
    out: dict[str, Any] = {"$schema": _DIALECT, "title": title or cls.__name__}
    out.update(root)
    if b.defs:
        out["$defs"] = b.defs
    return out


def case_schema() -> dict[str, Any]:
    """The JSON Schema of a case file (what ``riskcore schema`` prints)."""
    return schema_for(Case, title="riskcore case file")


def catalog_schema() -> dict[str, Any]:
    """The JSON Schema of a catalog file."""
    return schema_for(Catalog, title="riskcore catalog file")


def plan_schema() -> dict[str, Any]:
    """The JSON Schema of a plan file."""
    return schema_for(Plan, title="riskcore plan file")
