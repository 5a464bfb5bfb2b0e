"""The extraction JSON Schema dialect (Extend's): validation, normalisation, output completion.

Validation runs before any work and names the offending path (``schema.properties.total``) so
a user can fix the request. Normalisation mirrors what Extend stores: every property required,
``additionalProperties: false`` everywhere. Completion makes any engine's answer conform: every
key present, ``null`` for a missing primitive, ``[]`` for a missing array, objects never null,
unknown keys dropped, values coerced to the declared type or nulled.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from docket.errors import ErrorCode, InvalidRequest

MAX_DEPTH = 5
_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_PRIMITIVES = {"string", "number", "integer", "boolean"}
_UNSUPPORTED = ("anyOf", "oneOf", "allOf", "const", "pattern", "if", "then", "else", "not")
_EXTEND_TYPES = {"date", "currency", "signature"}


class SchemaError(InvalidRequest):
    """An extraction schema outside the supported dialect; ``path`` names the node."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}", code=ErrorCode.INVALID_REQUEST, path=path)
        self.path = path


def types_of(node: dict[str, Any]) -> list[str]:
    """Declared types; an ``enum`` without ``type`` (as the Python SDK writes it) is a string
    enum, nullable when it lists ``null``."""
    t = node.get("type")
    if t is None and isinstance(node.get("enum"), list):
        return ["string", "null"] if None in node["enum"] else ["string"]
    if isinstance(t, list):
        return [str(x) for x in t]
    return [str(t)] if t is not None else []


def base_type(node: dict[str, Any]) -> str:
    """The non-null type of a node (``string`` for a ``["string", "null"]`` node)."""
    ts = [t for t in types_of(node) if t != "null"]
    return ts[0] if ts else "null"


def validate_schema(schema: Any, *, strict_nullable: bool = True) -> None:
    """Raise :class:`SchemaError` on the first violation of the dialect."""
    if not isinstance(schema, dict):
        raise SchemaError("schema", "must be a JSON object")
    if base_type(schema) != "object" or "null" in types_of(schema):
        raise SchemaError("schema", 'root must have "type": "object"')
    _check_object(schema, "schema", 0, strict_nullable)


def _check_common(node: dict[str, Any], path: str) -> None:
    for key in _UNSUPPORTED:
        if key in node:
            raise SchemaError(f"{path}.{key}", f"'{key}' is not supported")
    ext = node.get("extend:type")
    if ext is not None and ext not in _EXTEND_TYPES:
        raise SchemaError(f"{path}.extend:type", f"unknown extend:type {ext!r}")
    desc = node.get("description")
    if desc is not None and not isinstance(desc, str):
        raise SchemaError(f"{path}.description", "must be a string")


def _check_object(node: dict[str, Any], path: str, depth: int, strict: bool) -> None:
    if depth > MAX_DEPTH:
        raise SchemaError(path, f"nesting deeper than {MAX_DEPTH} objects")
    _check_common(node, path)
    if "null" in types_of(node) and depth > 0:
        raise SchemaError(f"{path}.type", "objects cannot be nullable")
    props = node.get("properties", {})
    if not isinstance(props, dict):
        raise SchemaError(f"{path}.properties", "must be an object")
    if depth == 0 and not props:
        raise SchemaError(f"{path}.properties", "needs at least one property")
    required = node.get("required")
    if required is not None and (
        not isinstance(required, list) or any(r not in props for r in required)
    ):
        raise SchemaError(f"{path}.required", "must list property names of this object")
    for key, child in props.items():
        cpath = f"{path}.properties.{key}"
        if not _KEY.match(key):
            raise SchemaError(cpath, "property names may use letters, digits, '_' and '-' only")
        if not isinstance(child, dict):
            raise SchemaError(cpath, "must be a schema object")
        _check_node(child, cpath, depth, strict)


def _check_node(node: dict[str, Any], path: str, depth: int, strict: bool) -> None:
    kind = base_type(node)
    if not types_of(node):
        raise SchemaError(f"{path}.type", "is required")
    unknown = [t for t in types_of(node) if t not in _PRIMITIVES | {"object", "array", "null"}]
    if unknown:
        raise SchemaError(f"{path}.type", f"unsupported type {unknown[0]!r}")
    if len([t for t in types_of(node) if t != "null"]) != 1:
        raise SchemaError(f"{path}.type", "exactly one non-null type is allowed")
    if kind == "object":
        _check_object(node, path, depth + 1, strict)
    elif kind == "array":
        _check_common(node, path)
        if "null" in types_of(node):
            raise SchemaError(f"{path}.type", "arrays cannot be nullable")
        items = node.get("items")
        if not isinstance(items, dict):
            raise SchemaError(f"{path}.items", "arrays need an items schema")
        if base_type(items) == "array":
            raise SchemaError(f"{path}.items.type", "arrays of arrays are not supported")
        if base_type(items) in _PRIMITIVES and "null" in types_of(items):
            raise SchemaError(f"{path}.items.type", "array items cannot be nullable")
        if base_type(items) == "object":
            _check_object(items, f"{path}.items", depth + 1, strict)
        else:
            _check_node_primitive(items, f"{path}.items", nullable_required=False)
    else:
        _check_node_primitive(node, path, nullable_required=strict)


def _check_node_primitive(node: dict[str, Any], path: str, *, nullable_required: bool) -> None:
    _check_common(node, path)
    if nullable_required and "null" not in types_of(node):
        raise SchemaError(f"{path}.type", 'primitives must be nullable: ["<type>", "null"]')
    enum = node.get("enum")
    if enum is not None:
        if base_type(node) != "string":
            raise SchemaError(f"{path}.enum", "enums must be of type string")
        if not isinstance(enum, list) or any(
            e is not None and not isinstance(e, str) for e in enum
        ):
            raise SchemaError(f"{path}.enum", "enum values must be strings or null")
        if nullable_required and None not in enum:
            raise SchemaError(f"{path}.enum", "enums must include null")
        descs = node.get("extend:descriptions")
        if descs is not None and (not isinstance(descs, list) or len(descs) != len(enum)):
            raise SchemaError(f"{path}.extend:descriptions", "must parallel enum")


def normalise_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy with every property required and ``additionalProperties: false`` on objects."""
    out = copy.deepcopy(schema)
    _normalise(out)
    return out


_NULLABLE = {
    "string": {"type": ["string", "null"]},
    "number": {"type": ["number", "null"]},
    "boolean": {"type": ["boolean", "null"]},
}
# The shapes Extend gives its object extensions when the request leaves them out.
EXTENSION_PROPERTIES: dict[str, dict[str, dict[str, Any]]] = {
    "currency": {"amount": _NULLABLE["number"], "iso_4217_currency_code": _NULLABLE["string"]},
    "signature": {
        "printed_name": _NULLABLE["string"],
        "signature_date": {**_NULLABLE["string"], "extend:type": "date"},
        "is_signed": _NULLABLE["boolean"],
        "title_or_role": _NULLABLE["string"],
    },
}


def _normalise(node: dict[str, Any]) -> None:
    kind = base_type(node)
    if kind == "object":
        ext = EXTENSION_PROPERTIES.get(str(node.get("extend:type")))
        if ext and not node.get("properties"):
            node["properties"] = copy.deepcopy(ext)
        props = node.setdefault("properties", {})
        node["required"] = list(props)
        node["additionalProperties"] = False
        for child in props.values():
            _normalise(child)
    elif kind == "array" and isinstance(node.get("items"), dict):
        _normalise(node["items"])


def complete_value(schema: dict[str, Any], value: Any) -> dict[str, Any]:
    """Make ``value`` conform to the object ``schema``; never invents a key."""
    out = _complete(schema, value)
    assert isinstance(out, dict)
    return out


def _complete(node: dict[str, Any], value: Any) -> Any:
    kind = base_type(node)
    if kind == "object":
        src = value if isinstance(value, dict) else {}
        props: dict[str, Any] = node.get("properties", {})
        return {k: _complete(child, src.get(k)) for k, child in props.items()}
    if kind == "array":
        items = node.get("items", {})
        if not isinstance(value, list):
            return []
        done = [_complete(items, v) for v in value]
        return [v for v in done if v is not None]
    return coerce_primitive(node, value)


def coerce_primitive(node: dict[str, Any], value: Any) -> Any:
    """The value as the node's type, or None when it cannot be."""
    if value is None:
        return None
    kind = base_type(node)
    enum = node.get("enum")
    if kind == "string":
        if isinstance(value, dict | list):
            return None
        s = str(value).strip() if not isinstance(value, bool) else str(value).lower()
        if enum is not None:
            return _match_enum(s, [e for e in enum if isinstance(e, str)])
        return s or None
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        return {"true": True, "yes": True, "false": False, "no": False}.get(text)
    if kind in ("number", "integer"):
        if isinstance(value, bool):
            return None
        try:
            num = (
                float(str(value).replace(",", "")) if not isinstance(value, int | float) else value
            )
        except ValueError:
            return None
        if kind == "integer":
            return int(num) if float(num).is_integer() else None
        return num
    return None


def _match_enum(text: str, options: list[str]) -> str | None:
    if text in options:
        return text
    low = {o.lower(): o for o in options}
    return low.get(text.lower())


def value_paths(schema: dict[str, Any], value: Any, prefix: str = "") -> list[str]:
    """Every metadata path of a completed value (objects are not listed, array items are)."""
    out: list[str] = []
    kind = base_type(schema)
    if kind == "object" and isinstance(value, dict):
        for key, child in schema.get("properties", {}).items():
            p = f"{prefix}.{key}" if prefix else key
            out.extend(value_paths(child, value.get(key), p))
    elif kind == "array" and isinstance(value, list):
        for i, item in enumerate(value):
            p = f"{prefix}[{i}]"
            out.append(p)
            if base_type(schema.get("items", {})) == "object":
                out.extend(value_paths(schema["items"], item, p))
    else:
        out.append(prefix)
    return out
