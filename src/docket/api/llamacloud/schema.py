"""LlamaCloud ``data_schema`` → Docket's extraction schema dialect.

LlamaCloud takes plain JSON Schema, typically what pydantic's ``model_json_schema()`` writes:
``$defs`` + ``$ref``, ``anyOf: [X, {"type": "null"}]`` for optional fields, ``title``s,
non-nullable primitives, sometimes as a JSON string. Docket's dialect (``pipeline/schema.py``)
wants inline, nullable primitives, so this module rewrites the former into the latter and then
validates it; anything with no faithful translation (a union of two real types, a recursive
model) is a 400 naming the path. The caller's original schema is kept for echoing.
"""

from __future__ import annotations

import json
from typing import Any

from docket.pipeline.schema import SchemaError, validate_schema

_PRIMITIVES = ("string", "number", "integer", "boolean")
_MAX_REFS = 32


def parse_data_schema(raw: dict[str, Any] | str) -> dict[str, Any]:
    """The caller's schema as a JSON object (LlamaCloud also takes it as a JSON string)."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise SchemaError("data_schema", f"is not valid JSON ({exc.msg})") from None
    if not isinstance(raw, dict):
        raise SchemaError("data_schema", "must be a JSON object")
    return raw


def to_docket_schema(raw: dict[str, Any] | str) -> dict[str, Any]:
    """Translate and validate; raises :class:`SchemaError` (400) on what cannot be served."""
    schema = parse_data_schema(raw)
    if "type" not in schema and "properties" not in schema and "$ref" not in schema:
        schema = _from_simple(schema)
    defs = {**(schema.get("definitions") or {}), **(schema.get("$defs") or {})}
    out = _Translator(defs).node(schema, "data_schema", role="root")
    validate_schema(out)
    return out


def _from_simple(schema: dict[str, Any]) -> dict[str, Any]:
    """``{"name": "string", "age": "number"}`` (the SDK's docstring example) → an object."""
    props: dict[str, Any] = {}
    for key, kind in schema.items():
        name = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}.get(
            str(kind), str(kind)
        )
        if name not in _PRIMITIVES:
            raise SchemaError(
                f"data_schema.{key}", "must be a JSON Schema, or a map of field names to types"
            )
        props[key] = {"type": name}
    if not props:
        raise SchemaError("data_schema", "needs at least one property")
    return {"type": "object", "properties": props}


class _Translator:
    def __init__(self, defs: dict[str, Any]) -> None:
        self.defs = defs
        self.refs = 0

    def resolve(self, node: dict[str, Any], path: str) -> dict[str, Any]:
        """Inline ``$ref`` and single-member ``allOf`` (siblings such as description win)."""
        while True:
            if isinstance(node.get("$ref"), str):
                ref: str = node["$ref"]
                name = ref.rsplit("/", 1)[-1]
                if not ref.startswith(("#/$defs/", "#/definitions/")) or name not in self.defs:
                    raise SchemaError(f"{path}.$ref", f"cannot resolve {ref!r}")
                self.refs += 1
                if self.refs > _MAX_REFS:
                    raise SchemaError(f"{path}.$ref", "recursive schemas are not supported")
                rest = {k: v for k, v in node.items() if k != "$ref"}
                node = {**self.defs[name], **rest}
            elif isinstance(node.get("allOf"), list) and len(node["allOf"]) == 1:
                rest = {k: v for k, v in node.items() if k != "allOf"}
                node = {**node["allOf"][0], **rest}
            else:
                return node

    def node(self, node: Any, path: str, role: str) -> dict[str, Any]:
        """``role``: root, property or item. Optional or not, primitives become nullable
        (Docket answers null for what a document does not state); array items never are."""
        if not isinstance(node, dict):
            raise SchemaError(path, "must be a schema object")
        node = self.resolve(node, path)
        for key in ("anyOf", "oneOf"):
            options = node.get(key)
            if isinstance(options, list):
                real = [o for o in options if not (isinstance(o, dict) and o.get("type") == "null")]
                if len(real) != 1:
                    raise SchemaError(f"{path}.{key}", "a union of several types is not supported")
                rest = {k: v for k, v in node.items() if k != key}
                node = {**self.resolve(real[0], path), **rest}
        types = node.get("type")
        type_list = types if isinstance(types, list) else [types] if types is not None else []
        real_types = [t for t in type_list if t != "null"]
        if not real_types:
            if isinstance(node.get("properties"), dict):
                real_types = ["object"]
            elif "enum" in node or "const" in node:
                real_types = ["string"]
            else:
                raise SchemaError(f"{path}.type", "is required")
        if len(real_types) != 1:
            raise SchemaError(f"{path}.type", "a union of several types is not supported")
        kind = str(real_types[0])
        out: dict[str, Any] = {}
        if isinstance(node.get("description"), str):
            out["description"] = node["description"]
        # Docket's own extensions (``extend:type`` date/currency/signature, ``extend:name``...)
        # pass through, so a schema Docket stored reads back the same.
        out.update({k: v for k, v in node.items() if k.startswith("extend:")})
        if kind == "object":
            out["type"] = "object"
            props = node.get("properties") or {}
            if not isinstance(props, dict):
                raise SchemaError(f"{path}.properties", "must be an object")
            out["properties"] = {
                k: self.node(v, f"{path}.properties.{k}", "property") for k, v in props.items()
            }
            return out
        if kind == "array":
            out["type"] = "array"
            items = node.get("items", {"type": "string"})
            out["items"] = self.node(items, f"{path}.items", "item")
            return out
        if kind not in _PRIMITIVES:
            raise SchemaError(f"{path}.type", f"unsupported type {kind!r}")
        enum = node.get("enum")
        if enum is None and "const" in node:
            enum = [node["const"]]
        null_ok = role != "item"
        out["type"] = [kind, "null"] if null_ok else kind
        if isinstance(enum, list):
            values = [e if isinstance(e, str) else json.dumps(e) for e in enum if e is not None]
            out["type"] = ["string", "null"] if null_ok else "string"
            out["enum"] = [*values, None] if null_ok else values
        elif node.get("format") == "date" and kind == "string":
            out["extend:type"] = "date"
        return out
