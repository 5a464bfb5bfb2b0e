"""LlamaCloud ``data_schema`` (plain / pydantic JSON Schema) → Docket's extraction dialect."""

from __future__ import annotations

import json
from typing import Literal

import pytest
from pydantic import BaseModel, Field

from docket.api.llamacloud.schema import to_docket_schema
from docket.pipeline.schema import SchemaError


class Address(BaseModel):
    street: str
    city: str | None = None


class Party(BaseModel):
    name: str = Field(description="Legal name")
    kind: Literal["buyer", "seller"]
    address: Address | None = None
    emails: list[str] = []
    addresses: list[Address] = []


def test_pydantic_schema_is_inlined_and_made_nullable() -> None:
    out = to_docket_schema(Party.model_json_schema())
    props = out["properties"]
    assert props["name"] == {"description": "Legal name", "type": ["string", "null"]}
    assert props["kind"] == {"type": ["string", "null"], "enum": ["buyer", "seller", None]}
    # Optional[Address] via anyOf + $ref: an object (never nullable in Docket's dialect)
    assert props["address"]["type"] == "object"
    assert props["address"]["properties"]["street"] == {"type": ["string", "null"]}
    assert props["emails"] == {"type": "array", "items": {"type": "string"}}
    assert props["addresses"]["items"]["properties"]["city"] == {"type": ["string", "null"]}
    assert "$defs" not in json.dumps(out) and "$ref" not in json.dumps(out)


def test_json_string_and_simple_map_forms() -> None:
    plain = {"type": "object", "properties": {"total": {"type": "number"}}}
    assert to_docket_schema(json.dumps(plain)) == {
        "type": "object",
        "properties": {"total": {"type": ["number", "null"]}},
    }
    assert to_docket_schema({"name": "string", "age": "int"})["properties"] == {
        "name": {"type": ["string", "null"]},
        "age": {"type": ["integer", "null"]},
    }


def test_date_format_becomes_a_date_field() -> None:
    out = to_docket_schema(
        {"type": "object", "properties": {"d": {"type": "string", "format": "date"}}}
    )
    assert out["properties"]["d"]["extend:type"] == "date"


@pytest.mark.parametrize(
    ("schema", "path"),
    [
        ("{oops", "data_schema"),
        ({"type": "string"}, "schema"),
        (
            {
                "type": "object",
                "properties": {"x": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
            },
            "data_schema.properties.x.anyOf",
        ),
        (
            {"type": "object", "properties": {"x": {"$ref": "#/$defs/Missing"}}},
            "data_schema.properties.x.$ref",
        ),
        (
            {"type": "object", "properties": {"x": {"type": "date"}}},
            "data_schema.properties.x.type",
        ),
        (
            {"type": "object", "properties": {"bad key": {"type": "string"}}},
            "schema.properties.bad key",
        ),
        ({"name": "varchar"}, "data_schema.name"),
    ],
)
def test_untranslatable_schemas_name_the_path(schema: object, path: str) -> None:
    with pytest.raises(SchemaError) as err:
        to_docket_schema(schema)  # type: ignore[arg-type]
    assert err.value.path == path


def test_recursive_models_are_refused() -> None:
    class Node(BaseModel):
        label: str
        children: list[Node] = []

    with pytest.raises(SchemaError, match="recursive"):
        to_docket_schema(Node.model_json_schema())


def test_docket_schemas_read_back_unchanged() -> None:
    """A schema in Docket's own dialect (e.g. an Extend extractor's) survives translation."""
    docket = {
        "type": "object",
        "properties": {
            "paid_on": {"type": ["string", "null"], "extend:type": "date"},
            "amount": {
                "type": "object",
                "extend:type": "currency",
                "properties": {
                    "amount": {"type": ["number", "null"]},
                    "iso_4217_currency_code": {"type": ["string", "null"]},
                },
            },
            "status": {"type": ["string", "null"], "enum": ["paid", None]},
        },
    }
    assert to_docket_schema(docket) == docket
