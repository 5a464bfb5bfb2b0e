from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docket.errors import ErrorCode
from docket.pipeline.schema import (
    SchemaError,
    complete_value,
    normalise_schema,
    validate_schema,
    value_paths,
)

N = {"type": ["string", "null"]}


def obj(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props}


GOOD = obj(
    name=N,
    total={"type": ["number", "null"], "description": "Total"},
    paid={"type": ["boolean", "null"]},
    status={"type": ["string", "null"], "enum": ["open", "paid", None]},
    date={"type": ["string", "null"], "extend:type": "date"},
    vendor=obj(name=N, address=obj(city=N)),
    tags={"type": "array", "items": {"type": "string"}},
    items={"type": "array", "items": obj(sku=N, qty={"type": ["integer", "null"]})},
)


def test_a_full_schema_is_valid() -> None:
    validate_schema(GOOD)


@pytest.mark.parametrize(
    ("schema", "path"),
    [
        ({"type": "array"}, "schema"),
        (obj(a={"type": "string"}), "schema.properties.a.type"),
        (obj(a={"type": ["string", "null"], "anyOf": []}), "schema.properties.a.anyOf"),
        (obj(a={"type": ["string", "null"], "pattern": "x"}), "schema.properties.a.pattern"),
        (obj(**{"bad key": N}), "schema.properties.bad key"),
        (obj(a={"type": ["number", "null"], "enum": ["1", None]}), "schema.properties.a.enum"),
        (obj(a={"type": ["string", "null"], "enum": ["x"]}), "schema.properties.a.enum"),
        (obj(a={"type": ["object", "null"], "properties": {}}), "schema.properties.a.type"),
        (obj(a={"type": "array"}), "schema.properties.a.items"),
        (
            obj(a={"type": "array", "items": {"type": ["string", "null"]}}),
            "schema.properties.a.items.type",
        ),
        (obj(a={"type": ["date", "null"]}), "schema.properties.a.type"),
        (obj(a={**N, "extend:type": "colour"}), "schema.properties.a.extend:type"),
        (
            obj(a=obj(b=obj(c=obj(d=obj(e=obj(f=obj(g=N))))))),
            "schema.properties.a.properties.b.properties.c.properties.d.properties.e.properties.f",
        ),
    ],
)
def test_violations_name_the_path(schema: dict[str, Any], path: str) -> None:
    with pytest.raises(SchemaError) as err:
        validate_schema(schema)
    assert err.value.path == path
    assert err.value.code is ErrorCode.INVALID_REQUEST
    assert err.value.http_status == 400
    assert path in str(err.value)


def test_normalise_marks_everything_required_and_closed() -> None:
    norm = normalise_schema(GOOD)
    assert norm["required"] == list(GOOD["properties"])
    assert norm["additionalProperties"] is False
    assert norm["properties"]["vendor"]["properties"]["address"]["required"] == ["city"]
    assert norm["properties"]["items"]["items"]["additionalProperties"] is False
    assert "required" not in GOOD  # the input is not modified


def test_complete_value_conforms() -> None:
    raw = {
        "name": "  ACME ",
        "total": "1,234.50",
        "paid": "yes",
        "status": "PAID",
        "vendor": None,
        "tags": None,
        "items": [{"sku": "A", "qty": "3", "extra": 1}, None],
        "invented": "x",
    }
    out = complete_value(GOOD, raw)
    assert out == {
        "name": "ACME",
        "total": 1234.5,
        "paid": True,
        "status": "paid",
        "date": None,
        "vendor": {"name": None, "address": {"city": None}},
        "tags": [],
        "items": [{"sku": "A", "qty": 3}, {"sku": None, "qty": None}],
    }


def test_wrong_types_become_null() -> None:
    out = complete_value(GOOD, {"total": "n/a", "status": "closed", "paid": "perhaps"})
    assert out["total"] is None and out["status"] is None and out["paid"] is None


def test_value_paths() -> None:
    value = complete_value(GOOD, {"tags": ["a", "b"], "items": [{"sku": "x"}]})
    paths = value_paths(GOOD, value)
    assert "vendor.address.city" in paths
    assert "tags[1]" in paths
    assert "items[0]" in paths and "items[0].qty" in paths
    assert "items" not in paths and "vendor" not in paths


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


def _conforms(node: dict[str, Any], value: Any) -> bool:
    kind = next(
        t
        for t in (node["type"] if isinstance(node["type"], list) else [node["type"]])
        if t != "null"
    )
    if kind == "object":
        props = node.get("properties", {})
        return (
            isinstance(value, dict)
            and set(value) == set(props)
            and all(_conforms(props[k], value[k]) for k in props)
        )
    if kind == "array":
        return isinstance(value, list) and all(_conforms(node["items"], v) for v in value)
    if value is None:
        return True
    py = {"string": str, "boolean": bool, "integer": int, "number": (int, float)}[kind]
    return isinstance(value, py) and (kind != "number" or not isinstance(value, bool))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from([*list(GOOD["properties"]), "x"]), json_values))
def test_any_answer_is_completed_to_the_schema(raw: dict[str, Any]) -> None:
    assert _conforms(GOOD, complete_value(GOOD, raw))
