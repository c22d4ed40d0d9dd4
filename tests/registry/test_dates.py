"""Tests of registry.dates: date phrases and number words in Kazakh and Russian."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.dates import (
    KK_MONTHS,
    RU_MONTHS,
    fold_lookalikes,
    parse_date,
    parse_number_words,
)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("2021 жылғы 12 қарашадағы", date(2021, 11, 12)),
        ("2023 жылғы 16 наурызда", date(2023, 3, 16)),
        ("2024 жылғы 22 мамырдағы", date(2024, 5, 22)),
        ("2017 жылғы 18 ақпандағы", date(2017, 2, 18)),
        ("2015 жылғы 7 сәуiрдегі", date(2015, 4, 7)),
        ("от 12 ноября 2021 года", date(2021, 11, 12)),
        ("18 августа 2015 года", date(2015, 8, 18)),
        ("24 мая 2024 г.", date(2024, 5, 24)),
        ("12.11.2021", date(2021, 11, 12)),
        ("17.10.2023", date(2023, 10, 17)),
        ("2009.12.30", date(2009, 12, 30)),
        ("2021-11-12", date(2021, 11, 12)),
        ("  2021  жылғы 12\u00a0қарашадағы ", date(2021, 11, 12)),
    ],
)
def test_parse_date(phrase: str, expected: date) -> None:
    assert parse_date(phrase) == expected


@pytest.mark.parametrize(
    ("phrase", "message"),
    [
        ("от 31 февраля 2021 года", "not a valid date"),
        ("2021 жылғы 12 брюмердегі", "not a Kazakh month"),
        ("12 brumaire 2021", "not a Russian month"),
        ("31.04.2021", "not a valid date"),
        ("вчера", "not a date"),
        ("", "not a date"),
    ],
)
def test_parse_date_rejects(phrase: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_date(phrase)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("десяти", 10),
        ("Десять", 10),
        ("он", 10),
        ("он бес", 15),
        ("пяти", 5),
        ("двадцати одного", 21),
        ("жиырма бiр", 21),
        ("тридцати", 30),
        ("отыз", 30),
        ("(десяти)", 10),
        ("10", 10),
    ],
)
def test_parse_number_words(phrase: str, expected: int) -> None:
    assert parse_number_words(phrase) == expected


@pytest.mark.parametrize("phrase", ["", "бір он", "сто", "двадцати одного дня", "one"])
def test_parse_number_words_rejects(phrase: str) -> None:
    with pytest.raises(ValueError, match="number"):
        parse_number_words(phrase)


def test_fold_lookalikes_keeps_length() -> None:
    text = "әлеуметтiк ҚАУЛЫ ЕТЕДI Pavlodar"
    assert len(fold_lookalikes(text)) == len(text)
    assert fold_lookalikes("әлеуметтiк") == "әлеуметтік"


KK_UNITS = ["бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз"]
KK_TENS = ["он", "жиырма", "отыз"]
RU_UNITS = ["одного", "двух", "трех", "четырех", "пяти", "шести", "семи", "восьми", "девяти"]


@given(st.integers(0, 2), st.integers(0, 9))
def test_compound_number_words(tens: int, units: int) -> None:
    value = (tens + 1) * 10 + units
    kk = KK_TENS[tens] + (f" {KK_UNITS[units - 1]}" if units else "")
    assert parse_number_words(kk) == value
    if tens == 1 and units:
        assert parse_number_words(f"двадцати {RU_UNITS[units - 1]}") == value


@given(
    st.dates(min_value=date(1991, 12, 16), max_value=date(2100, 12, 31)),
    st.sampled_from(["дағы", "дегі", "тағы", "да", "де", "нан", ""]),
)
def test_formatted_dates_parse_back(day: date, suffix: str) -> None:
    kk_month = next(k for k, v in KK_MONTHS.items() if v == day.month)
    ru_month = next(k for k, v in RU_MONTHS.items() if v == day.month)
    assert parse_date(f"{day.year} жылғы {day.day} {kk_month}{suffix}") == day
    assert parse_date(f"от {day.day} {ru_month} {day.year} года") == day
    assert parse_date(day.strftime("%d.%m.%Y")) == day
