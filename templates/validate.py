"""Validate template data against the template's JSON Schema (Draft 2020-12), field by field."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from jsonschema import (  # type: ignore[import-untyped]
    Draft202012Validator,
    FormatChecker,
    ValidationError,
)
from jsonschema.exceptions import SchemaError, best_match  # type: ignore[import-untyped]

from templates.errors import InvalidData, RejectedTemplate

MAX_DATA_BYTES = 256 * 1024

_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_TWELVE_DIGITS = re.compile(r"[0-9]{12}")
_ID_MESSAGE = "must be 12 digits with a valid check digit"
_FORMAT_MESSAGES = {
    "date": "must be a date YYYY-MM-DD",
    "iin": _ID_MESSAGE,
    "bin": _ID_MESSAGE,
}
_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "object": "an object",
    "array": "a list",
    "null": "null",
}


def check_digit(first_eleven: str) -> int | None:
    """The ИИН/БИН control digit of 11 digits, or ``None`` when none exists.

    Sum of digits × weights 1..11 mod 11; when that is 10, weights 3..11,1,2 mod 11; when that is
    10 again the number is not issued. Source: Government resolution of the Republic of Kazakhstan
    of 11 June 2003 No. 565 (adilet.zan.kz P030000565_), as implemented e.g. by
    github.com/valery1707/kaz-person-id.
    """
    digits = [int(c) for c in first_eleven]
    for weights in (_WEIGHTS_1, _WEIGHTS_2):
        result = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if result != 10:
            return result
    return None


def _has_check_digit(value: str) -> bool:
    return bool(_TWELVE_DIGITS.fullmatch(value)) and check_digit(value[:11]) == int(value[11])


def _birth_date(iin: str) -> date | None:
    """Digits 1–6 as YYMMDD; digit 7 (1–6) gives the century, else 2000s leap years apply."""
    century = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}
    year = century.get(iin[6], 2000) + int(iin[:2])
    try:
        return date(year, int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return None


def is_iin(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return _has_check_digit(value) and _birth_date(value) is not None


def is_bin(value: object) -> bool:
    return not isinstance(value, str) or _has_check_digit(value)


def example_iin(birth: date, serial: int, century_sex: int) -> str:
    """A valid IIN: YYMMDD, the century/sex digit (1–6), a 4-digit serial, the check digit.

    Raises ``ValueError`` when the digit does not fit the birth century or no check digit exists
    for this serial (then try another serial).
    """
    if century_sex not in range(1, 7) or (century_sex + 1) // 2 != birth.year // 100 - 17:
        raise ValueError(f"century/sex digit {century_sex} does not fit year {birth.year}")
    if serial not in range(10_000):
        raise ValueError(f"serial must be 0..9999, got {serial}")
    first = f"{birth:%y%m%d}{century_sex}{serial:04d}"
    digit = check_digit(first)
    if digit is None:
        raise ValueError(f"no valid IIN has serial {serial} with this date; try another serial")
    return f"{first}{digit}"


FORMAT_CHECKER = FormatChecker()
FORMAT_CHECKER.checks("iin")(is_iin)
FORMAT_CHECKER.checks("bin")(is_bin)


def check_schema(schema: dict[str, Any]) -> None:
    """Raise ``RejectedTemplate`` unless ``schema`` is a valid Draft 2020-12 JSON Schema."""
    errors = list(Draft202012Validator(Draft202012Validator.META_SCHEMA).iter_errors(schema))
    if errors:
        error = best_match(errors)
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        reason = f"invalid JSON Schema at {where}: {error.message}"
        raise RejectedTemplate(f"template schema rejected: {reason}", fields={"schema": reason})


def validate(data: Any, schema: dict[str, Any]) -> dict[str, Any]:
    """Return ``data`` unchanged or raise ``InvalidData`` naming every failing field."""
    try:
        size = len(json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8"))
    except (TypeError, ValueError) as exc:
        raise InvalidData(f"the data is not JSON: {exc}", fields={"data": "must be JSON"}) from None
    if size > MAX_DATA_BYTES:
        reason = f"at most {MAX_DATA_BYTES // 1024} KiB as JSON"
        raise InvalidData(f"the data is too large: {reason}", fields={"data": reason})
    try:
        validator = Draft202012Validator(schema, format_checker=FORMAT_CHECKER)
        errors = list(validator.iter_errors(data))
    except SchemaError as exc:
        raise RejectedTemplate(f"template schema rejected: {exc.message}") from exc
    fields: dict[str, str] = {}
    for error in errors:
        for field, message in _describe(error):
            fields.setdefault(field, message)
    if not fields and not isinstance(data, dict):
        fields["data"] = "must be an object"
    if fields:
        listed = ", ".join(f"{name}: {message}" for name, message in sorted(fields.items()))
        raise InvalidData(f"invalid data ({listed})", fields=fields)
    return data  # type: ignore[no-any-return]


def _path(parts: Sequence[object]) -> str:
    return ".".join(str(p) for p in parts) or "data"


def _describe(error: ValidationError) -> list[tuple[str, str]]:
    """(dotted field path, message) pairs for one jsonschema error."""
    where = list(error.absolute_path)
    keyword, expected, instance = error.validator, error.validator_value, error.instance
    if keyword == "required" and isinstance(instance, dict):
        return [(_path([*where, n]), "required") for n in expected if n not in instance]
    if keyword == "dependentRequired" and isinstance(instance, dict):
        return [
            (_path([*where, n]), f"required with {key}")
            for key, needed in expected.items()
            if key in instance
            for n in needed
            if n not in instance
        ]
    if keyword in ("additionalProperties", "unevaluatedProperties") and isinstance(instance, dict):
        known = set(error.schema.get("properties", {}))
        patterns = [re.compile(p) for p in error.schema.get("patternProperties", {})]
        extra = [k for k in instance if k not in known and not any(p.search(k) for p in patterns)]
        if extra:
            return [(_path([*where, k]), "unknown field") for k in extra]
    return [(_path(where), _message(error))]


def _message(error: ValidationError) -> str:
    keyword, expected = error.validator, error.validator_value
    simple = {
        "maxLength": f"at most {expected} characters",
        "minLength": "must not be empty" if expected == 1 else f"at least {expected} characters",
        "maximum": f"at most {expected}",
        "minimum": f"at least {expected}",
        "exclusiveMaximum": f"less than {expected}",
        "exclusiveMinimum": f"greater than {expected}",
        "maxItems": f"at most {expected} items",
        "minItems": f"at least {expected} items",
        "uniqueItems": "items must be unique",
        "multipleOf": f"must be a multiple of {expected}",
        "const": f"must be {json.dumps(expected, ensure_ascii=False)}",
        "pattern": f"must match the pattern {expected}",
    }
    if keyword in simple:
        return simple[str(keyword)]
    if keyword == "format":
        return _FORMAT_MESSAGES.get(str(expected), f"must be a valid {expected}")
    if keyword == "type":
        kinds = [expected] if isinstance(expected, str) else list(expected)
        return "must be " + " or ".join(_TYPE_NAMES.get(k, k) for k in kinds)
    if keyword == "enum":
        return "must be one of: " + ", ".join(json.dumps(v, ensure_ascii=False) for v in expected)
    return str(error.message)
