"""Extend-compatible ``/splitters`` and ``/splitters/{splitterId}/versions`` routes.

The stored config is the SplitConfig with defaults filled (``baseProcessor``); a draft may
have no splitClassifications yet, but a run that uses it is refused until it has one.
"""

from __future__ import annotations

from docket.api.extend.classifiers import class_list_processor
from docket.api.extend.classify_config import saved_split_config
from docket.domain.processors import ProcessorKind

SPLITTER_SPEC, router = class_list_processor(
    ProcessorKind.SPLITTER, "spl", saved_split_config, "splitClassifications"
)
