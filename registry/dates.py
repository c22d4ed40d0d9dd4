"""Kazakh and Russian date phrases and number words as printed in legal acts.

``parse_date`` reads "2021 жылғы 12 қарашадағы", "2023 жылғы 16 наурызда", "от 12 ноября 2021 года",
"12.11.2021", the older "2009.12.30" of notes, and ISO dates. ``parse_number_words`` reads the day
counts of entry-into-force clauses ("десяти", "он", "двадцати одного", "жиырма бір"). Both raise
ValueError saying what was expected.
"""

from __future__ import annotations

import re
from datetime import date

#: Latin letters that look like Cyrillic ones, as typed by mistake into Kazakh and Russian texts.
_LOOKALIKES = str.maketrans("iIaeopcxyABEKMHOPCTX", "іІаеорсхуАВЕКМНОРСТХ")

KK_MONTHS: dict[str, int] = {
    "қаңтар": 1,
    "ақпан": 2,
    "наурыз": 3,
    "сәуір": 4,
    "мамыр": 5,
    "маусым": 6,
    "шілде": 7,
    "тамыз": 8,
    "қыркүйек": 9,
    "қазан": 10,
    "қараша": 11,
    "желтоқсан": 12,
}

RU_MONTHS: dict[str, int] = {
    "января": 1,
    "февраля": 2,
    "марта": 3,
    "апреля": 4,
    "мая": 5,
    "июня": 6,
    "июля": 7,
    "августа": 8,
    "сентября": 9,
    "октября": 10,
    "ноября": 11,
    "декабря": 12,
}

#: Regular-expression sources for the date phrases, for composing larger patterns.
KK_DATE = r"\d{4}\s*жылғы\s+\d{1,2}\s+[^\W\d_]+"
RU_DATE = r"\d{1,2}\s+[^\W\d_]+\s+\d{4}\s*(?:года|г\.)?"
NUMERIC_DATE = r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}\.\d{1,2}\.\d{1,2}"

_KK = re.compile(r"(?P<year>\d{4})\s*жылғы\s+(?P<day>\d{1,2})\s+(?P<month>[^\W\d_]+)")
_RU = re.compile(
    r"(?:от\s+)?(?P<day>\d{1,2})\s+(?P<month>[^\W\d_]+)\s+(?P<year>\d{4})(?:\s*(?:года|г\.?))?"
)
_NUMERIC = re.compile(r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})")
_ISO = re.compile(r"(?P<year>\d{4})[-.](?P<month>\d{1,2})[-.](?P<day>\d{1,2})")

_EXAMPLES = '"2021 жылғы 12 қарашадағы", "от 12 ноября 2021 года", "12.11.2021" or "2021-11-12"'


def fold_lookalikes(text: str) -> str:
    """Replace Latin lookalike letters by Cyrillic ones; the result has the same length."""
    return text.translate(_LOOKALIKES)


def kk_month(word: str) -> int:
    """The month of a Kazakh month word with any suffix ("қарашадағы", "наурызда")."""
    folded = fold_lookalikes(word).lower()
    for stem, month in KK_MONTHS.items():
        if folded.startswith(stem):
            return month
    raise ValueError(f"{word!r} is not a Kazakh month name such as қаңтар, наурыз, қараша")


def ru_month(word: str) -> int:
    folded = fold_lookalikes(word).lower()
    if folded in RU_MONTHS:
        return RU_MONTHS[folded]
    raise ValueError(f"{word!r} is not a Russian month name in the genitive such as января, мая")


def parse_date(text: str) -> date:
    """Parse one date phrase in Kazakh, Russian, numeric (DD.MM.YYYY) or ISO form."""
    phrase = fold_lookalikes(" ".join(text.split()))
    for pattern, month_of in (
        (_KK, kk_month),
        (_RU, ru_month),
        (_NUMERIC, int),
        (_ISO, int),
    ):
        m = pattern.fullmatch(phrase)
        if m:
            return _make_date(text, int(m["year"]), month_of(m["month"]), int(m["day"]))
    raise ValueError(f"{text!r} is not a date; expected a phrase such as {_EXAMPLES}")


def _make_date(text: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid date: {exc}") from exc


_KK_NUMBERS: dict[str, int] = {
    "бір": 1,
    "екі": 2,
    "үш": 3,
    "төрт": 4,
    "бес": 5,
    "алты": 6,
    "жеті": 7,
    "сегіз": 8,
    "тоғыз": 9,
    "он": 10,
    "жиырма": 20,
    "отыз": 30,
    "қырық": 40,
    "елу": 50,
    "алпыс": 60,
}

_RU_STEMS: dict[int, tuple[str, ...]] = {
    1: ("один", "одного", "одной", "одному", "одним", "одна", "одно"),
    2: ("два", "две", "двух", "двум", "двумя"),
    3: ("три", "трех", "трёх", "трем", "тремя"),
    4: ("четыре", "четырех", "четырёх", "четырем", "четырьмя"),
    5: ("пять", "пяти", "пятью"),
    6: ("шесть", "шести", "шестью"),
    7: ("семь", "семи", "семью"),
    8: ("восемь", "восьми", "восемью"),
    9: ("девять", "девяти", "девятью"),
    10: ("десять", "десяти", "десятью"),
    11: ("одиннадцать", "одиннадцати"),
    12: ("двенадцать", "двенадцати"),
    13: ("тринадцать", "тринадцати"),
    14: ("четырнадцать", "четырнадцати"),
    15: ("пятнадцать", "пятнадцати"),
    16: ("шестнадцать", "шестнадцати"),
    17: ("семнадцать", "семнадцати"),
    18: ("восемнадцать", "восемнадцати"),
    19: ("девятнадцать", "девятнадцати"),
    20: ("двадцать", "двадцати"),
    30: ("тридцать", "тридцати"),
    40: ("сорок", "сорока"),
    50: ("пятьдесят", "пятидесяти"),
    60: ("шестьдесят", "шестидесяти"),
}
_RU_NUMBERS: dict[str, int] = {form: n for n, forms in _RU_STEMS.items() for form in forms}
_WORD_NUMBERS = {**_KK_NUMBERS, **_RU_NUMBERS}


def parse_number_words(text: str) -> int:
    """Read a cardinal number written in Kazakh or Russian words (any case), or in digits.

    Compounds are tens followed by units: "жиырма бір" and "двадцати одного" are 21.
    """
    words = fold_lookalikes(text).lower().replace("(", " ").replace(")", " ").split()
    if len(words) == 1 and words[0].isdigit():
        return int(words[0])
    if not words or len(words) > 2:
        raise ValueError(f"{text!r} is not a number in words such as 'десяти', 'он', 'жиырма бір'")
    values = []
    for word in words:
        if word not in _WORD_NUMBERS:
            raise ValueError(f"{word!r} in {text!r} is not a Kazakh or Russian number word")
        values.append(_WORD_NUMBERS[word])
    if len(values) == 2 and not (values[0] % 10 == 0 and values[0] >= 10 and values[1] < 10):
        raise ValueError(f"{text!r} is not a number: write tens before units, e.g. 'жиырма бір'")
    return sum(values)
