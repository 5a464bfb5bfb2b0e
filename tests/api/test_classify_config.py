"""ClassifyConfig / SplitConfig translation: classes, options, echo, override merge, errors."""

from __future__ import annotations

from typing import Any

import pytest

from docket.api.extend.classify_config import (
    classify_plan,
    merge_override,
    saved_classify_config,
    split_plan,
)
from docket.errors import ErrorCode, InvalidRequest

CLASSES = [
    {"id": "inv", "type": "invoice", "description": "A bill"},
    {"id": "other", "type": "other", "description": "Anything else"},
]


def test_classify_config_becomes_classes_options_and_echo() -> None:
    plan = classify_plan(
        {
            "classifications": CLASSES,
            "classificationRules": "Prefer invoice when unsure.",
            "advancedOptions": {"pageRanges": [{"start": 2, "end": 3}], "context": "max"},
            "parseConfig": {"target": "spatial"},
        }
    )
    assert [(c.id, c.type) for c in plan.classes] == [("inv", "invoice"), ("other", "other")]
    assert plan.options.instructions == "Prefer invoice when unsure."
    assert plan.options.page_ranges == [(2, 3)]
    assert plan.parse.target.value == "spatial"
    assert [(r.start, r.end) for r in plan.parse.page_ranges or []] == [(2, 3)]
    assert plan.echo["baseProcessor"] == "classification_performance"
    assert plan.echo["advancedOptions"]["context"] == "max"
    assert plan.run_config()["baseProcessor"] == "classification_performance"


def test_split_config_keeps_identifier_keys_and_flags() -> None:
    plan = split_plan(
        {
            "splitClassifications": [{**CLASSES[0], "identifierKey": "invoice number"}],
            "splitRules": "Cut at every new invoice number.",
            "baseProcessor": "splitting_light",
            "advancedOptions": {"strictIdentifierModeEnabled": True, "pageOverlapEnabled": True},
        }
    )
    assert plan.classes[0].identifier_key == "invoice number"
    assert plan.options.instructions == "Cut at every new invoice number."
    assert plan.base_processor == "splitting_light"
    assert plan.strict_identifiers and plan.overlap


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        ({}, "config.classifications: at least one"),
        ({"classifications": [{"id": "x"}]}, "config.classifications[0].type"),
        ({"classifications": CLASSES * 2}, "config.classifications[2].id"),
        ({"classifications": "invoice"}, "config.classifications"),
        (
            {
                "classifications": CLASSES,
                "advancedOptions": {"pageRanges": [{"start": 0, "end": 1}]},
            },
            "config.advancedOptions.pageRanges[0].start",
        ),
        ([1, 2], "config must be a JSON object"),
    ],
)
def test_bad_classify_configs_name_the_path(raw: Any, where: str) -> None:
    with pytest.raises(InvalidRequest) as info:
        classify_plan(raw)
    assert info.value.code is ErrorCode.INVALID_REQUEST
    assert where in info.value.message


def test_saved_drafts_may_be_empty_but_runs_may_not() -> None:
    assert saved_classify_config({})["classifications"] == []
    with pytest.raises(InvalidRequest):
        classify_plan(saved_classify_config({}))


def test_override_replaces_top_level_keys_and_merges_advanced_options() -> None:
    base = {
        "classifications": CLASSES,
        "classificationRules": "old",
        "advancedOptions": {"context": "max", "pageRanges": [{"start": 1, "end": 2}]},
    }
    merged = merge_override(
        base,
        {
            "classificationRules": "new",
            "advancedOptions": {"pageRanges": None, "context": "default"},
        },
    )
    assert merged["classificationRules"] == "new" and merged["classifications"] == CLASSES
    assert merged["advancedOptions"] == {
        "context": "default",
        "pageRanges": [{"start": 1, "end": 2}],
    }
    assert base["classificationRules"] == "old"  # the saved config is untouched
