from __future__ import annotations

import pytest

from docket.engines.rules import values as v


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Date: 25/12/2018", "2018-12-25"),
        ("2017-02-10", "2017-02-10"),
        ("Dec 3, 2019", "2019-12-03"),
        ("3 December 2019", "2019-12-03"),
        ("04-Jan-18", "2018-01-04"),
        ("the 10th day of May, 2012", "2012-05-10"),
        ("as of March 1st, 2010", "2010-03-01"),
        ("12/31/2020", "2020-12-31"),  # day-first impossible: month-first
        ("31.12.2020", "2020-12-31"),
    ],
)
def test_dates_to_iso(text: str, iso: str) -> None:
    found = v.find_dates(text)
    assert [f.value for f in found] == [iso]
    assert text[found[0].start : found[0].end].strip()


def test_impossible_dates_are_not_dates() -> None:
    assert v.find_dates("32/13/2018 and 99-99-99") == []


@pytest.mark.parametrize(
    ("raw", "num"),
    [("1,234.56", 1234.56), ("1.234,56", 1234.56), ("1234", 1234.0), ("12,5", 12.5), ("0.90", 0.9)],
)
def test_number_separators(raw: str, num: float) -> None:
    assert v.parse_number(raw) == pytest.approx(num)


def test_amounts_with_currency() -> None:
    found = v.find_amounts("TOTAL RM 1,234.50 and 2.000,00 EUR then $ 7")
    money = [f.value for f in found]
    assert [(m.amount, m.currency) for m in money if isinstance(m, v.Money)] == [
        (1234.5, "MYR"),
        (2000.0, "EUR"),
        (7.0, "USD"),
    ]


def test_percent_phone_email_iban() -> None:
    assert [f.value for f in v.find_percentages("VAT 15.00% and 7 %")] == [15.0, 7.0]
    assert [f.value for f in v.find_phones("Tel: +44 20 7946 0958, on 12/03/2018")] == [
        "+44 20 7946 0958"
    ]
    assert [f.value for f in v.find_emails("write to a.b@example.co.uk!")] == ["a.b@example.co.uk"]
    assert [f.value for f in v.find_ibans("IBAN: DE89 3704 0044 0532 0130 00")] == [
        "DE89370400440532013000"
    ]
    assert v.find_ibans("DE89 3704 0044 0532 0130 01") == []  # bad checksum


@pytest.mark.parametrize(
    ("text", "value"),
    [("Yes", True), ("no", False), ("☑ Paid", True), ("☐", False), ("[x]", True), ("maybe", None)],
)
def test_booleans(text: str, value: bool | None) -> None:
    assert v.parse_bool(text) is value


def test_durations() -> None:
    found = v.find_durations("for two (2) years, then 6 months or one year")
    assert [f.value for f in found] == ["2 years", "6 months", "1 year"]
