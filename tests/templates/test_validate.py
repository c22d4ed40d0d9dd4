from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from templates.errors import InvalidData, RejectedTemplate
from templates.validate import check_digit, check_schema, example_iin, is_bin, is_iin, validate

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["applicant", "date", "points"],
    "properties": {
        "date": {"type": "string", "format": "date"},
        "organisation": {"type": "string", "format": "bin"},
        "kind": {"enum": ["resolution", "order"]},
        "count": {"type": "integer", "minimum": 1},
        "applicant": {
            "type": "object",
            "required": ["iin", "name"],
            "properties": {
                "iin": {"type": "string", "format": "iin"},
                "name": {"type": "string", "minLength": 1, "maxLength": 200},
            },
        },
        "points": {
            "type": "array",
            "maxItems": 50,
            "items": {
                "type": "object",
                "required": ["text"],
                "properties": {"text": {"type": "string", "maxLength": 2000}},
            },
        },
    },
}
VALID_IIN = "791028302728"


def good() -> dict[str, Any]:
    return {
        "date": "2021-11-12",
        "applicant": {"iin": VALID_IIN, "name": "Асқар"},
        "points": [{"text": "бір"}, {"text": "екі"}],
    }


def fields(data: Any, schema: dict[str, Any] = SCHEMA) -> dict[str, str]:
    with pytest.raises(InvalidData) as info:
        validate(data, schema)
    return info.value.fields


def test_valid_data_is_returned_unchanged_without_defaults() -> None:
    schema = {**SCHEMA, "properties": {**SCHEMA["properties"], "count": {"default": 3}}}
    data = good()
    assert validate(data, schema) == good()
    assert "count" not in data


def test_every_failing_field_is_named() -> None:
    data = good()
    data["applicant"]["iin"] = "791028302727"
    data["points"][2:] = [{"text": "x" * 2001}]
    data["date"] = "2021-02-30"
    data["organisation"] = "123"
    data["kind"] = "law"
    data["count"] = "3"
    data["surplus"] = 1
    assert fields(data) == {
        "applicant.iin": "must be 12 digits with a valid check digit",
        "points.2.text": "at most 2000 characters",
        "date": "must be a date YYYY-MM-DD",
        "organisation": "must be 12 digits with a valid check digit",
        "kind": 'must be one of: "resolution", "order"',
        "count": "must be an integer",
        "surplus": "unknown field",
    }


def test_missing_required_properties_are_reported_on_their_own_names() -> None:
    assert fields({"applicant": {}, "points": [{}]}) == {
        "date": "required",
        "applicant.iin": "required",
        "applicant.name": "required",
        "points.0.text": "required",
    }


def test_other_constraints_have_clear_messages() -> None:
    data = good()
    data["applicant"]["name"] = ""
    data["count"] = 0
    data["points"] = [{"text": "x"}] * 51
    assert fields(data) == {
        "applicant.name": "must not be empty",
        "count": "at least 1",
        "points": "at most 50 items",
    }


def test_root_must_be_an_object() -> None:
    assert fields([1, 2]) == {"data": "must be an object"}
    assert fields("x", {}) == {"data": "must be an object"}


def test_data_larger_than_256_kib_is_refused() -> None:
    data = good()
    data["points"] = [{"text": "ж" * 1000} for _ in range(140)]
    assert fields(data, {}) == {"data": "at most 256 KiB as JSON"}


def test_data_that_is_not_json_is_refused() -> None:
    assert fields({"d": date(2021, 1, 1)}) == {"data": "must be JSON"}
    assert fields({"n": float("nan")}) == {"data": "must be JSON"}


def test_dates_must_be_iso() -> None:
    for bad in ["12.11.2021", "2021-1-5", "20211112", "2021-13-01", "2021-11-12T00:00:00"]:
        data = good()
        data["date"] = bad
        assert fields(data) == {"date": "must be a date YYYY-MM-DD"}, bad


def test_check_schema() -> None:
    check_schema(SCHEMA)
    with pytest.raises(RejectedTemplate) as info:
        check_schema({"type": "objekt"})
    assert "schema" in info.value.fields
    with pytest.raises(RejectedTemplate):
        check_schema({"properties": {"a": {"maxLength": -1}}})


def test_known_iins_and_bins() -> None:
    assert is_iin(VALID_IIN)
    assert is_iin("061211600012")
    assert not is_iin("79102830272")  # 11 digits
    assert not is_iin("79102830272a")
    assert not is_iin("791328302728")  # month 13 (and a wrong check digit)
    assert is_iin(3) and is_bin(None)  # non-strings are for "type" to refuse
    assert is_bin(VALID_IIN)


def test_iin_birth_date_must_exist() -> None:
    first = "000229" + "5" + "0001"  # 29 Feb 2000, a leap year
    digit = check_digit(first)
    assert digit is not None
    assert is_iin(first + str(digit))
    first = "000229" + "3" + "0002"  # 29 Feb 1900 did not exist
    digit = check_digit(first)
    assert digit is not None
    assert not is_iin(first + str(digit))


def test_second_weights_are_used_when_the_first_sum_gives_10() -> None:
    first = next(
        f"{n:011d}"
        for n in range(10**6)
        if sum(int(c) * w for c, w in zip(f"{n:011d}", range(1, 12), strict=True)) % 11 == 10
    )
    weights = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
    second = sum(int(c) * w for c, w in zip(first, weights, strict=True)) % 11
    assert check_digit(first) == (None if second == 10 else second)


def test_example_iin_refuses_a_century_digit_that_does_not_fit() -> None:
    with pytest.raises(ValueError, match="century"):
        example_iin(date(1990, 1, 1), 1, 5)
    with pytest.raises(ValueError, match="serial"):
        example_iin(date(1990, 1, 1), 10_000, 3)


iin_parts = st.tuples(
    st.dates(min_value=date(1800, 1, 1), max_value=date(2099, 12, 31)),
    st.integers(min_value=0, max_value=9999),
    st.booleans(),
)


def generated(parts: tuple[date, int, bool]) -> str:
    birth, serial, female = parts
    century_sex = (birth.year // 100 - 18) * 2 + 1 + female
    first = f"{birth:%y%m%d}{century_sex}{serial:04d}"
    assume(check_digit(first) is not None)
    return example_iin(birth, serial, century_sex)


@given(iin_parts)
def test_every_generated_iin_validates(parts: tuple[date, int, bool]) -> None:
    iin = generated(parts)
    assert is_iin(iin)
    assert validate({"iin": iin}, {"properties": {"iin": {"format": "iin"}}}) == {"iin": iin}


def first_sum(iin: str) -> int:
    return sum(int(c) * w for c, w in zip(iin[:11], range(1, 12), strict=True)) % 11


@given(iin_parts, st.sampled_from([*range(10), 11]), st.integers(min_value=1, max_value=9))
def test_single_digit_changes_are_refused(
    parts: tuple[date, int, bool], position: int, delta: int
) -> None:
    """Any change of digits 1–10 or 12 is caught while both numbers use the first weights; when
    either falls back to the second weights the check digit can match by chance. The 11th digit
    has weight 11 ≡ 0 in the first sum: the official algorithm cannot see a change of it alone."""
    iin = generated(parts)
    changed = iin[:position] + str((int(iin[position]) + delta) % 10) + iin[position + 1 :]
    assume(first_sum(iin) != 10 and first_sum(changed) != 10)
    assert not is_iin(changed)
    assert not is_bin(changed)


def test_the_official_algorithm_ignores_the_eleventh_digit_in_its_first_sum() -> None:
    iin = VALID_IIN
    changed = iin[:10] + str((int(iin[10]) + 1) % 10) + iin[11]
    assert is_iin(changed)
