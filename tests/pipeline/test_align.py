from __future__ import annotations

from pathlib import Path

import pytest

from docket.domain.citations import Alignment
from docket.engines.rules.index import DocIndex, build_index
from docket.pipeline.align import align_value
from docket.pipeline.parse import parse_document


@pytest.fixture(scope="module")
def index(shared_data: Path) -> DocIndex:
    doc = parse_document((shared_data / "invoice2data" / "AzureInterior.pdf").read_bytes())
    return build_index(doc)


def test_exact(index: DocIndex) -> None:
    kind, cits = align_value(index, "INV/2023/03/0008")
    assert kind is Alignment.EXACT
    assert [c.reference_text for c in cits] == ["INV/2023/03/0008"]
    assert cits[0].page == 1 and len(cits[0].polygon) == 4


def test_normalised_case_and_parsed_values(index: DocIndex) -> None:
    kind, cits = align_value(index, "azure interior")
    assert kind is Alignment.NORMALISED and cits[0].reference_text == "Azure Interior"
    kind, cits = align_value(index, "2023-03-20")  # printed 03/20/2023
    assert kind is Alignment.NORMALISED and cits[0].reference_text == "03/20/2023"
    kind, cits = align_value(index, 112)  # printed "$ 112.00"
    assert kind is Alignment.NORMALISED and "112.00" in cits[0].reference_text


def test_value_across_lines_cites_each_line(index: DocIndex) -> None:
    kind, cits = align_value(index, "Beeswax XL Acme beeswax")
    assert kind is Alignment.EXACT
    assert [c.reference_text for c in cits] == ["Beeswax XL", "Acme beeswax"]


def test_fuzzy_tolerates_a_slip(index: DocIndex) -> None:
    kind, cits = align_value(index, "Azure Interor, 4557 De Silva St")
    assert kind is Alignment.FUZZY
    assert cits and cits[0].reference_text.startswith("Azure")


def test_unaligned_value_has_no_citation(index: DocIndex) -> None:
    assert align_value(index, "Completely Invented Corporation") == (Alignment.NONE, [])
    assert align_value(index, None) == (Alignment.NONE, [])
    assert align_value(index, True) == (Alignment.NONE, [])
