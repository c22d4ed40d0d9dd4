from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from templates import formats
from templates.errors import UnsupportedLanguage

KK_MONTHS = [
    "1 қаңтардағы",
    "10 ақпандағы",
    "3 наурыздағы",
    "5 сәуірдегі",
    "11 мамырдағы",
    "7 маусымдағы",
    "9 шілдедегі",
    "4 тамыздағы",
    "2 қыркүйектегі",
    "6 қазандағы",
    "12 қарашадағы",
    "8 желтоқсандағы",
]
RU_MONTHS = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]


@pytest.mark.parametrize("month", range(1, 13))
def test_kazakh_long_date_has_the_right_suffix_for_every_month(month: int) -> None:
    expected = KK_MONTHS[month - 1]
    day = int(expected.split()[0])
    assert formats.long_date(date(2021, month, day), "kk") == f"2021 жылғы {expected}"


@pytest.mark.parametrize("month", range(1, 13))
def test_russian_dates_use_the_genitive_month_and_the_full_year_word(month: int) -> None:
    d = date(2021, month, 5)
    expected = f"5 {RU_MONTHS[month - 1]} 2021 года"
    assert formats.long_date(d, "ru") == expected
    assert formats.date_phrase(d, "ru") == expected


def test_kazakh_date_phrase_has_no_locative_ending() -> None:
    assert formats.date_phrase(date(2021, 11, 12), "kk") == "2021 жылғы 12 қараша"
    assert formats.long_date(date(2021, 11, 12), "kk") == "2021 жылғы 12 қарашадағы"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("сәуір", "сәуірдегі"),
        ("қыркүйек", "қыркүйектегі"),
        ("мектеп", "мектептегі"),
        ("кітап", "кітаптағы"),
        ("қала", "қаладағы"),
    ],
)
def test_locative_attributive_follows_vowel_harmony_and_voicing(word: str, expected: str) -> None:
    assert formats.locative_attributive(word) == expected


def test_short_date() -> None:
    assert formats.short_date(date(2021, 11, 12)) == "12.11.2021"
    assert formats.short_date(date(2021, 1, 2)) == "02.01.2021"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_numbers_group_with_no_break_spaces_and_a_decimal_comma(lang: str) -> None:
    assert formats.number(1234567, lang) == "1\u00a0234\u00a0567"
    assert formats.number(1234.5, lang) == "1\u00a0234,5"
    assert formats.number(Decimal("0.125"), lang) == "0,125"
    assert formats.number(-42, lang) == "-42"
    assert formats.number(1234.5, lang, 2) == "1\u00a0234,50"
    assert formats.number(2.675, lang, 2) == "2,68"
    assert formats.number(0.5, lang, 0) == "1"
    assert formats.number("1000", lang) == "1\u00a0000"


@pytest.mark.parametrize("bad", [True, None, "abc", float("nan"), float("inf"), [1]])
def test_number_refuses_non_numbers(bad: object) -> None:
    with pytest.raises(ValueError):
        formats.number(bad, "ru")  # type: ignore[arg-type]


@given(st.integers(min_value=-(10**20), max_value=10**20), st.sampled_from(["kk", "ru"]))
def test_number_round_trips(n: int, lang: str) -> None:
    text = formats.number(n, lang)
    assert int(text.replace("\u00a0", "")) == n


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=4, max_value=10**12, min_value=-(10**12)
    )
)
def test_decimal_round_trips(n: Decimal) -> None:
    text = formats.number(n, "ru")
    assert Decimal(text.replace("\u00a0", "").replace(",", ".")) == n


@pytest.mark.parametrize(
    ("kind", "bare", "possessive", "ru"),
    [
        ("resolution", "қаулы", "қаулысы", "постановление"),
        ("order", "бұйрық", "бұйрығы", "приказ"),
        ("decision", "шешім", "шешімі", "решение"),
    ],
)
def test_act_reference(kind: str, bare: str, possessive: str, ru: str) -> None:
    d = date(2021, 11, 12)
    kk_date = "2021 жылғы 12 қарашадағы"
    assert formats.act_reference(kind, 514, d, "kk") == f"{kk_date} № 514 {possessive}"
    assert (
        formats.act_reference(kind, "514", d, "kk", possessive=False) == f"{kk_date} № 514 {bare}"
    )
    assert formats.act_reference(kind, 514, d, "ru") == f"{ru} от 12 ноября 2021 года № 514"
    assert formats.act_name(kind, "ru", possessive=True) == ru


def test_act_reference_refuses_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="unknown act kind"):
        formats.act_reference("law", 1, date(2021, 1, 1), "ru")


def test_unsupported_language() -> None:
    with pytest.raises(UnsupportedLanguage):
        formats.long_date(date(2021, 1, 1), "en")
    with pytest.raises(UnsupportedLanguage):
        formats.date_phrase(date(2021, 1, 1), "kz")
    with pytest.raises(UnsupportedLanguage):
        formats.number(1, "kz")
    with pytest.raises(UnsupportedLanguage):
        formats.act_reference("order", 1, date(2021, 1, 1), "en")


def test_as_date_accepts_dates_datetimes_and_iso_strings() -> None:
    d = date(2021, 11, 12)
    assert formats.as_date(d) == d
    assert formats.as_date(datetime(2021, 11, 12, 10, 30)) == d
    assert formats.as_date("2021-11-12") == d
    for bad in ["12.11.2021", "20211112", "2021-02-30", 20211112, None]:
        with pytest.raises(ValueError):
            formats.as_date(bad)  # type: ignore[arg-type]
