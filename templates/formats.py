"""Kazakh and Russian dates, numbers and act references as official documents write them.

Babel (CLDR) supplies the month names and the number grouping. The date phrases themselves are
written by hand: CLDR's long dates ("2021 ж. 12 қараша", "12 ноября 2021 г.") abbreviate the
year word and have no Kazakh case endings, while legal acts write "2021 жылғы 12 қарашадағы"
and "12 ноября 2021 года".
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from babel.dates import get_month_names
from babel.numbers import format_decimal

from templates.errors import UnsupportedLanguage

Lang = Literal["kk", "ru"]
ActKind = Literal["resolution", "order", "decision"]
LANGUAGES: tuple[str, ...] = ("kk", "ru")

_FRONT_VOWELS = frozenset("әеөүіэ")
_BACK_VOWELS = frozenset("аоұыяёю")
_VOICELESS = frozenset("кқпстфхцчшщ")

_ACT_NAMES: dict[str, dict[str, str]] = {
    "kk": {"resolution": "қаулы", "order": "бұйрық", "decision": "шешім"},
    "ru": {"resolution": "постановление", "order": "приказ", "decision": "решение"},
}
# Possessive (3rd person) forms: қаулы+сы; бұйрық voices its final қ to ғ before +ы; шешім+і.
_KK_POSSESSIVE = {"resolution": "қаулысы", "order": "бұйрығы", "decision": "шешімі"}


def check_lang(lang: str) -> Lang:
    if lang == "kk":
        return "kk"
    if lang == "ru":
        return "ru"
    raise UnsupportedLanguage(f"unsupported language {lang!r}: use 'kk' or 'ru'")


def as_date(value: date | str) -> date:
    """A date from a date, a datetime or an ISO string ``YYYY-MM-DD``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"expected a date YYYY-MM-DD, got {value!r}")


def month_name(month: int, lang: str) -> str:
    """The month in the form that follows a day number: kk nominative, ru genitive (CLDR)."""
    return str(get_month_names("wide", "format", locale=check_lang(lang))[month])


def locative_attributive(word: str) -> str:
    """``word`` + -дағы/-дегі/-тағы/-тегі (Kazakh "of/on …" attributive).

    The vowel follows the last front or back vowel of the word; the consonant is т after a
    voiceless consonant and д after a vowel or a voiced consonant.
    """
    lower = word.lower()
    front = False
    for char in reversed(lower):
        if char in _FRONT_VOWELS or char in _BACK_VOWELS:
            front = char in _FRONT_VOWELS
            break
    consonant = "т" if lower[-1:] in _VOICELESS else "д"
    return word + consonant + ("егі" if front else "ағы")


def date_phrase(d: date, lang: str) -> str:
    """kk "2021 жылғы 12 қараша", ru "12 ноября 2021 года"."""
    if check_lang(lang) == "kk":
        return f"{d.year} жылғы {d.day} {month_name(d.month, 'kk')}"
    return f"{d.day} {month_name(d.month, 'ru')} {d.year} года"


def long_date(d: date, lang: str) -> str:
    """kk "2021 жылғы 12 қарашадағы" (the form before a noun), ru "12 ноября 2021 года"."""
    if check_lang(lang) == "kk":
        return locative_attributive(date_phrase(d, "kk"))
    return date_phrase(d, "ru")


def short_date(d: date) -> str:
    return d.strftime("%d.%m.%Y")


def number(n: int | float | Decimal | str, lang: str, digits: int | None = None) -> str:
    """Grouped with a no-break space and a decimal comma (CLDR kk and ru): "1 234 567", "1 234,5".

    Without ``digits`` every significant decimal of ``n`` is kept; with it, exactly ``digits``,
    rounded half up as amounts are (CLDR would round half to even).
    """
    if isinstance(n, bool) or not isinstance(n, int | float | Decimal | str):
        raise ValueError(f"expected a number, got {n!r}")
    try:
        value = Decimal(n) if isinstance(n, int | Decimal) else Decimal(str(n))
    except InvalidOperation:
        raise ValueError(f"expected a number, got {n!r}") from None
    if not value.is_finite():
        raise ValueError(f"expected a finite number, got {n!r}")
    locale = check_lang(lang)
    if digits is None:
        return format_decimal(value, locale=locale, decimal_quantization=False)
    if not 0 <= digits <= 10:
        raise ValueError(f"digits must be between 0 and 10, got {digits}")
    try:
        value = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"{n!r} has too many digits to round") from None
    pattern = f"#,##0.{'0' * digits}" if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=locale)


def act_name(kind: str, lang: str, *, possessive: bool = False) -> str:
    """kk "қаулы" or, after a date phrase, the possessive "қаулысы"; ru "постановление"."""
    code = check_lang(lang)
    if kind not in _ACT_NAMES[code]:
        raise ValueError(f"unknown act kind {kind!r}: use one of {sorted(_KK_POSSESSIVE)}")
    if code == "kk" and possessive:
        return _KK_POSSESSIVE[kind]
    return _ACT_NAMES[code][kind]


def act_reference(
    kind: str, number: int | str, d: date, lang: str, *, possessive: bool = True
) -> str:
    """kk "2021 жылғы 12 қарашадағы № 514 қаулысы", ru "постановление от 12 ноября 2021 года № 514".

    ``possessive=False`` gives the bare kk noun ("… № 514 қаулы"); Russian has one form.
    """
    if check_lang(lang) == "kk":
        name = act_name(kind, "kk", possessive=possessive)
        return f"{long_date(d, 'kk')} № {number} {name}"
    return f"{act_name(kind, 'ru')} от {date_phrase(d, 'ru')} № {number}"
