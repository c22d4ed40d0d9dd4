"""One text analyzer for search, used identically at index and at query time by every backend.

Legal acts are held in Kazakh (Cyrillic) and Russian; people query them in Cyrillic, in the
2021 Latin Kazakh alphabet (with or without diacritics, or the 2017/2018 variants), in ad-hoc
Latin ("zh", "sh", "ya"), and on a Russian keyboard (к for қ, и for і ...). Beside the exact
text, the index stores `normalised_text()`: the terms of `analyze()` joined by spaces, so that
Elasticsearch needs only its core `whitespace` analyzer and SQLite FTS5 its default tokenizer.

Pipeline (`analyze`):

1. `normalise_letters`: NFC, Latin look-alikes typed inside Cyrillic words (and the reverse),
   Ukrainian/Belarusian/Bashkir look-alikes, ё→е, dashes and quotes, lower case, ASCII digits.
2. `latin_to_cyrillic`: every run of Latin letters is transliterated to Kazakh Cyrillic.
3. Tokens: words (letters) and numbers; "17.10.2023" gives "17.10.2023" and its parts.
4. Each word is reduced to a term: Kazakh (`lang="kk"`) is folded to the Russian-keyboard
   alphabet (`fold_kazakh`), spelled in a "key" form that removes the ambiguities of Latin
   transliteration (я→иа, ю→иу, ц→тс, щ→шч, ь/ъ dropped, э→е), then stemmed by the suffix
   stripper of `stem_kk`, whose decisions depend on the folded letters only, so a word typed
   on a Russian keyboard gets the same term as the same word in proper Kazakh. Russian
   (`lang="ru"`) is folded and stemmed by Snowball (`stem_ru`); a stem that Snowball would
   shorten again gets a final "ъ" ("положение" → "положенъ") so that it stays as it is.
5. A small stop-word list per language is dropped (compared as terms).

Every term is a fixed point of the pipeline, so `analyze(normalised_text(t)) == analyze(t)`.
The module is pure (no I/O), thread-safe and caches per-word work.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Final, NamedTuple

import snowballstemmer  # type: ignore[import-untyped]

__all__ = [
    "LANGUAGES",
    "analyze",
    "analyze_query",
    "fold_kazakh",
    "latin_to_cyrillic",
    "normalise_letters",
    "normalised_text",
    "stem_kk",
    "stem_ru",
    "trigrams",
]

LANGUAGES: Final = ("kk", "ru")

# Longest word and number terms kept (Elasticsearch limits a term to 32 KB; a base64 blob in an
# act should not become one huge term).
_MAX_WORD: Final = 64
_MAX_NUMBER: Final = 32

# ---------------------------------------------------------------------------------------------
# 1. Letters
# ---------------------------------------------------------------------------------------------

_CYRILLIC_CHARS: Final = "\u0400-\u052f"
_LATIN_CHARS: Final = "a-zA-Z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_HAS_CYRILLIC: Final = re.compile(f"[{_CYRILLIC_CHARS}]")
_HAS_LATIN: Final = re.compile(f"[{_LATIN_CHARS}]")
# A whole word (letters only) that contains at least one Latin letter; the look-behind makes a
# failed match cost one scan of the word.
_WORD_WITH_LATIN: Final = re.compile(rf"(?<![^\W\d_])[^\W\d_]*?[{_LATIN_CHARS}][^\W\d_]*")

# Latin letters that look like Cyrillic ones, by case: "H" is Cyrillic Н, "h" is Kazakh һ.
_LATIN_TO_CYRILLIC_LOOKALIKE: Final = str.maketrans(
    {
        "A": "А",
        "B": "В",
        "C": "С",
        "E": "Е",
        "H": "Н",
        "I": "І",
        "K": "К",
        "M": "М",
        "O": "О",
        "P": "Р",
        "T": "Т",
        "X": "Х",
        "Y": "У",
        "a": "а",
        "c": "с",
        "e": "е",
        "i": "і",
        "ı": "і",
        "k": "к",
        "o": "о",
        "p": "р",
        "x": "х",
        "y": "у",
        "h": "һ",
    }
)
# The reverse, for a mostly-Latin word with a few Cyrillic look-alikes in it.
_CYRILLIC_TO_LATIN_LOOKALIKE: Final = str.maketrans(
    {
        "А": "A",
        "В": "B",
        "С": "C",
        "Е": "E",
        "Н": "H",
        "І": "I",
        "К": "K",
        "М": "M",
        "О": "O",
        "Р": "P",
        "Т": "T",
        "Х": "X",
        "а": "a",
        "с": "c",
        "е": "e",
        "і": "i",
        "к": "k",
        "о": "o",
        "р": "p",
        "х": "x",
        "у": "y",
        "һ": "h",
    }
)


def _after_lower_table() -> dict[int, str | None]:
    table: dict[str, str | None] = {
        # Cyrillic letters of other languages that stand in for Kazakh ones, and old letters.
        "ё": "е",
        "є": "е",
        "ї": "і",
        "ӏ": "і",
        "ґ": "ғ",
        "ҕ": "ғ",
        "ӷ": "ғ",
        "ӻ": "ғ",
        "ҡ": "қ",
        "ҟ": "қ",
        "ӄ": "қ",
        "ҝ": "қ",
        "ҥ": "ң",
        "ӈ": "ң",
        "ӊ": "ң",
        "ҳ": "һ",
        "ӽ": "һ",
        "ӿ": "һ",
        "ѳ": "ө",
        "ӫ": "ө",
        "ӛ": "ә",
        "ў": "ұ",
        "ӯ": "ұ",
        "ұ": "ұ",
        "ҫ": "с",
        "ҙ": "з",
        "ѣ": "е",
        "ѵ": "и",
        "ԁ": "д",
        "ј": "й",
        # Latin schwa and barred o look exactly like ә and ө.
        "ə": "ә",
        "ǝ": "ә",
        "ɵ": "ө",
        # Dashes and minus signs.
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2043": "-",
        "\ufe58": "-",
        "\ufe63": "-",
        # Double and single quotes, apostrophes, primes.
        "«": '"',
        "»": '"',
        "„": '"',
        "“": '"',
        "”": '"',
        "‟": '"',
        "″": '"',
        "〝": '"',
        "〞": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "ʼ": "'",
        "ʻ": "'",
        "ʹ": "'",
        "`": "'",
        "´": "'",
        # Spaces; soft hyphen and zero-width characters vanish.
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u3000": " ",
        "\u00ad": None,
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
    }
    out: dict[int, str | None] = {ord(k): v for k, v in table.items()}
    # Full-width ASCII (＂Ａ１＂) to ASCII.
    for code in range(0xFF01, 0xFF5F):
        out.setdefault(code, chr(code - 0xFEE0).lower())
    return out


_AFTER_LOWER: Final = _after_lower_table()
# Combining marks left over after NFC (e.g. the dot of "İ".lower()).
_COMBINING: Final = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
_NON_ASCII_DIGIT: Final = re.compile(r"(?![0-9])\d")


def _fix_mixed_word(match: re.Match[str]) -> str:
    word = match.group(0)
    if not _HAS_CYRILLIC.search(word):
        return word
    # Only Latin letters that transliteration knows count: what it leaves ("ð") must not turn
    # the Cyrillic letters of an already transliterated word back into Latin.
    latin = sum(ch.lower() in _LATIN_KNOWN for ch in word)
    if latin > len(_HAS_CYRILLIC.findall(word)):
        return word.translate(_CYRILLIC_TO_LATIN_LOOKALIKE)
    return word.translate(_LATIN_TO_CYRILLIC_LOOKALIKE)


def normalise_letters(text: str) -> str:
    """Lower-case `text` and unify letters that look or are typed alike; keep digits.

    Latin letters typed inside a Cyrillic word become the Cyrillic look-alikes (and Cyrillic
    look-alikes inside a mostly-Latin word become Latin); Ukrainian, Belarusian and Bashkir
    look-alikes become the Kazakh letters; ё→е; dashes become "-", quotes '"' and "'";
    soft hyphens and zero-width characters vanish; digits of any script become ASCII.
    """
    text = unicodedata.normalize("NFC", text)
    if _HAS_LATIN.search(text) and _HAS_CYRILLIC.search(text):
        text = _WORD_WITH_LATIN.sub(_fix_mixed_word, text)
    text = text.lower().translate(_AFTER_LOWER)
    if not text.isascii():
        text = _COMBINING.sub("", text)
        text = _NON_ASCII_DIGIT.sub(lambda m: str(unicodedata.digit(m.group(0), 0)), text)
    return text


_FOLD: Final = str.maketrans(
    {
        "қ": "к",
        "ғ": "г",
        "ң": "н",
        "ө": "о",
        "ұ": "у",
        "ү": "у",
        "і": "и",
        "ә": "а",
        "һ": "х",
        "Қ": "К",
        "Ғ": "Г",
        "Ң": "Н",
        "Ө": "О",
        "Ұ": "У",
        "Ү": "У",
        "І": "И",
        "Ә": "А",
        "Һ": "Х",
    }
)


def fold_kazakh(text: str) -> str:
    """Map the Kazakh-specific letters to the Russian-keyboard letters typed instead.

    қ→к, ғ→г, ң→н, ө→о, ұ/ү→у, і→и, ә→а, һ→х (either case). One letter for one letter, so
    positions are kept.
    """
    return text.translate(_FOLD)


# Spelling that removes what Latin transliteration cannot tell apart ("ia" is я or иа, "ts" is
# ц or тс ...). Applied to folded, lower-case words.
_KEY: Final = str.maketrans(
    {"я": "иа", "ю": "иу", "ц": "тс", "щ": "шч", "ь": None, "ъ": None, "э": "е", "ё": "е"}
)


def _key(word: str) -> str:
    return word.translate(_KEY)


# ---------------------------------------------------------------------------------------------
# 2. Latin to Cyrillic
# ---------------------------------------------------------------------------------------------

_LATIN_RUN: Final = re.compile(f"[{_LATIN_CHARS}]+(?:'[{_LATIN_CHARS}]+)*")

_LATIN_SINGLE: Final[dict[str, str]] = {
    "a": "а",
    "b": "б",
    "d": "д",
    "e": "е",
    "f": "ф",
    "g": "г",
    "h": "х",
    "i": "и",  # 2021: İ i is И/Й and I ı is І; both fold to и
    "j": "ж",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "o": "о",
    "p": "п",
    "q": "қ",
    "r": "р",
    "s": "с",
    "t": "т",
    "u": "у",
    "v": "в",
    "w": "у",
    "x": "кс",
    "y": "ы",
    "z": "з",
    # 2021 alphabet
    "ä": "ә",
    "ğ": "ғ",
    "ı": "і",
    "ñ": "ң",
    "ö": "ө",
    "ş": "ш",
    "ū": "ұ",
    "ü": "ү",
    "ç": "ч",
    # 2018 (acute) alphabet and other common diacritics
    "á": "ә",
    "à": "ә",
    "â": "ә",
    "ã": "ә",
    "ǎ": "ә",
    "æ": "ә",
    "ə": "ә",
    "ǝ": "ә",
    "ā": "а",
    "å": "а",
    "ǵ": "ғ",
    "ġ": "ғ",
    "ǧ": "ғ",
    "ń": "ң",
    "ŋ": "ң",
    "ň": "ң",
    "ņ": "ң",
    "ó": "ө",
    "ò": "ө",
    "ô": "ө",
    "õ": "ө",
    "ø": "ө",
    "ɵ": "ө",
    "œ": "ө",
    "ō": "о",
    "ú": "ү",
    "ù": "ү",
    "û": "ү",
    "ǔ": "ү",
    "ý": "у",
    "ŭ": "у",
    "í": "и",
    "ì": "и",
    "î": "и",
    "ï": "и",
    "ī": "и",
    "ĭ": "й",
    "é": "е",
    "è": "е",
    "ê": "е",
    "ë": "е",
    "ē": "е",
    "ě": "е",
    "ę": "е",
    "š": "ш",
    "ś": "ш",
    "ș": "ш",
    "č": "ч",
    "ć": "ч",
    "ž": "ж",
    "ź": "з",
    "ż": "з",
    "ḥ": "х",
    "ħ": "х",
    "ł": "л",
    "đ": "д",
    "ď": "д",
    "ř": "р",
    "ť": "т",
    "ţ": "т",
    "ț": "т",
    "ķ": "қ",
}
# Ad-hoc digraphs (the key spelling makes "ts"/ц and "ia"/иа equivalent anyway).
_LATIN_DIGRAPHS: Final[dict[str, str]] = {
    "sh": "ш",
    "ch": "ч",
    "zh": "ж",
    "kh": "х",
    "gh": "ғ",
    "ts": "ц",
    "ph": "ф",
    "ck": "к",
    "ya": "я",
    "yu": "ю",
    "yo": "е",
    "ye": "е",
    "ia": "я",
    "iu": "ю",
}
# 2017 apostrophe alphabet and the ad-hoc "k'", "g'": letter + ' (only before another letter).
_LATIN_APOSTROPHE: Final[dict[str, str]] = {
    "a": "ә",
    "g": "ғ",
    "i": "и",
    "k": "қ",
    "n": "ң",
    "o": "ө",
    "u": "ү",
    "y": "у",
    "s": "ш",
    "c": "ч",
}
# After these vowels a following i/y is й: "Aidar", "Qostanai", "Aydar".
_VOWELS_BEFORE_Y: Final = frozenset("aeouäöüūáàâãǎæəǝāåóòôõøɵœōúùûǔýŭéèêëēěę")


_LATIN_KNOWN: Final = frozenset(_LATIN_SINGLE) | {"c"}


def _transliterate_run(run: str) -> str:
    s = run.lower()
    out: list[str] = []
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c == "'":
            i += 1
            continue
        nxt = s[i + 1] if i + 1 < n else ""
        if nxt == "'" and c in _LATIN_APOSTROPHE and i + 2 < n and s[i + 2] != "'":
            out.append(_LATIN_APOSTROPHE[c])
            i += 2
            continue
        if c == "s" and s.startswith("shch", i):
            out.append("щ")
            i += 4
            continue
        digraph = _LATIN_DIGRAPHS.get(c + nxt)
        if digraph is not None:
            out.append(digraph)
            i += 2
            continue
        prev = s[i - 1] if i > 0 else ""
        if (
            c in ("i", "y")
            and prev
            and (prev in _VOWELS_BEFORE_Y or (c == "i" and prev in ("y", "ı")))
        ):
            out.append("й")  # no two vowels meet in Kazakh: "Aidar", "üiıne", "Aydar"
            i += 1
            continue
        if c == "c":
            out.append("с" if nxt in ("e", "i", "y") else "к")
        else:
            out.append(_LATIN_SINGLE.get(c, c))
        i += 1
    result = "".join(out)
    if len(run) > 1 and run.isupper():
        return result.upper()
    if run[:1].isupper():
        return result[:1].upper() + result[1:]
    return result


def latin_to_cyrillic(text: str) -> str:
    """Transliterate every run of Latin letters in `text` to Kazakh Cyrillic; keep the rest.

    Reads the 2021 Latin Kazakh alphabet (ä ğ ı i ñ ö ş ū ü ç q y), the 2018 acute (á ǵ ń ó
    ú ý) and 2017 apostrophe (a' g' n' s' ...) variants, the same words without diacritics,
    and ad-hoc spellings (sh, ch, zh, kh, ts, ya/ia→я, yu/iu→ю); i/y after a vowel is й
    ("Qostanai", "Aydar", "üiıne"). Case is kept for capitalised or upper-case runs.
    Letters that are ambiguous without diacritics (a/ә, o/ө, u/ұ/ү, i/і/и, g/ғ, n/ң) are
    resolved the way `fold_kazakh` would fold them anyway, so the terms agree.
    """
    if not _HAS_LATIN.search(text):
        return text
    return _LATIN_RUN.sub(lambda m: _transliterate_run(m.group(0).replace("İ", "I")), text)


# ---------------------------------------------------------------------------------------------
# 3. Kazakh stemmer
# ---------------------------------------------------------------------------------------------
# Works on folded letters (қ→к, і→и ...). Classes of the last letter of a stem, which decide
# the first consonant of a suffix (assimilation). "у" after a vowel and the Kazakh "и" (ый/ій)
# behave as voiced consonants; "в", "б", "г", "д" end Russian loans and count as voiceless too.

_VOWEL: Final = frozenset("аеиоыэяюё")
_VOWEL_OR_U: Final = _VOWEL | {"у"}
_SONORANT: Final = frozenset("лруйив")
_NASAL: Final = frozenset("мн")
_SIBILANT: Final = frozenset("зж")
_VOICELESS: Final = frozenset("кпстфхшчцщбгдв")
_CONSONANT: Final = (_SONORANT | _NASAL | _SIBILANT | _VOICELESS) - {"и"}
_POSS_VOWEL: Final = frozenset("ыи")  # 3rd person possessive ы/і, before -н, -на, -нда, -нан
_ANY: Final = _VOWEL | _CONSONANT | {"и"}
_BACK: Final = 1
_FRONT: Final = 2


class _Suffix(NamedTuple):
    after: frozenset[str]  # allowed last letters of the stem
    min_stem: int  # shortest stem left
    short_verb: bool  # also a two-letter vowel+consonant verb stem ("ет", "ал")
    verbal: bool  # marks a verb form: a passive suffix may be stripped next
    passive: bool  # stripped only right after a verbal suffix
    harmony: int  # 0, _BACK or _FRONT (vowel of the suffix)
    stan: bool  # ablative -тан/-тен: not after consonant + с ("Қазақстан")


def _harmony_of(suffix: str) -> int:
    for ch in suffix:
        if ch in "ыа":
            return _BACK
        if ch in "ие":
            return _FRONT
    return 0


def _build_suffixes() -> dict[str, tuple[_Suffix, ...]]:
    table: dict[str, list[_Suffix]] = {}

    def add(
        forms: str,
        after: frozenset[str],
        *,
        min_stem: int = 3,
        short_verb: bool = False,
        verbal: bool = False,
        passive: bool = False,
        stan: bool = False,
        invariant: bool = False,
    ) -> None:
        for form in forms.split("/"):
            harmony = 0 if invariant else _harmony_of(form)
            entry = _Suffix(after, min_stem, short_verb, verbal, passive, harmony, stan)
            table.setdefault(form, []).append(entry)

    v, son, nas, sib, tl = _VOWEL, _SONORANT, _NASAL, _SIBILANT, _VOICELESS
    after_l = v | frozenset("руйи")  # -лар, -лық: after vowels and р у й
    after_d = frozenset("л") | nas | sib  # -дар, -дық: after л м н з ж
    # Relational -дағы (locative + ғы) and temporal -ғы ("жылғы", "сыртқы").
    add("дагы/деги", v | son | nas | sib)
    add("тагы/теги", tl)
    add("ндагы/ндеги", _POSS_VOWEL)
    add("гы/ги", frozenset("лрйузж"))
    add("кы/ки", tl)
    # Case endings.
    add("нын/нин", v | nas)  # genitive -ның/-нің
    add("дын/дин", son | sib)
    add("тын/тин", tl)
    add("ны/ни", v)  # accusative
    add("ды/ди", son | nas | sib)
    add("ты/ти", tl)
    add("н", _POSS_VOWEL)
    # A final н after а/е/о/у goes too: "органы" is орган+ы or орга+ны (like "ережені" =
    # ереже+ні), so "орган", "органы" and "ережені", "ереже" only agree if both lose the н.
    add("н", frozenset("аеоуяюэё"))
    add("га/ге", v | son | nas | sib)  # dative
    add("ка/ке", tl)
    add("на/не", _POSS_VOWEL)
    add("ыма/име", _CONSONANT)  # 1st person possessive + dative
    add("да/де", v | son | nas | sib)  # locative
    add("та/те", tl)
    add("нда/нде", _POSS_VOWEL)
    add("дан/ден", v | son | sib)  # ablative
    add("тан/тен", tl, stan=True)
    add("нан/нен", nas | _POSS_VOWEL)
    add("мен/менен", v | son | nas | sib, invariant=True)  # instrumental: no harmony
    add("бен/бенен", nas | sib, invariant=True)
    add("пен/пенен", tl, invariant=True)
    # Possessive.
    add("ы/и", _CONSONANT)
    add("сы/си", v - _POSS_VOWEL)  # "облысы" is облыс+ы; "қаулысы" comes back via -ыс below
    add("ымыз/имиз", _CONSONANT)
    add("мыз/миз", v)
    add("ыныз/иниз", _CONSONANT)
    add("ныз/низ", v)
    # Plural.
    add("лар/лер", after_l)
    add("дар/дер", after_d)
    add("тар/тер", tl)
    # Derivation: -лық/-лік (abstract nouns and adjectives), stripped consistently.
    add("лык/лик", after_l)
    add("дык/дик", after_d)
    add("тык/тик", tl)
    # Deverbal -ыс/-іс ("қолданыс", "ұсыныс", "облыс"): also makes "қаулысы" (parsed
    # қаулыс+ы) meet "қаулы".
    add("ыс/ис", _CONSONANT, verbal=True)
    # Verb forms: verbal noun -у, agent -ушы, participles -ған/-атын, present -ады/-йды,
    # converb/present stem -й, imperative -сын (after a consonant), passive past -ылды.
    add("у", _ANY - {"у"}, short_verb=True, verbal=True)
    add("ушы/уши", _ANY - {"у"}, short_verb=True, verbal=True)
    add("ган/ген", v | son | nas | sib, verbal=True)
    add("кан/кен", tl, verbal=True)
    add("атын/етин", _CONSONANT, short_verb=True, verbal=True)
    add("йтын/йтин", v, verbal=True)
    add("ады/еди", _CONSONANT, short_verb=True, verbal=True)
    add("йды/йди", v, verbal=True)
    add("й", v, verbal=True)
    add("сын/син", _CONSONANT, short_verb=True, verbal=True)
    add("ылды/илди", _CONSONANT, short_verb=True)
    # Passive -ыл/-іл/-л, -ын/-ін after л: only inside a verb form ("бекітілген" → "бекіт").
    add("ыл/ил", _CONSONANT, short_verb=True, passive=True)
    add("л", v, short_verb=True, passive=True)
    add("ын/ин", frozenset("л"), short_verb=True, passive=True)
    return {form: tuple(entries) for form, entries in table.items()}


_SUFFIXES: Final = _build_suffixes()
_LONGEST_SUFFIX: Final = max(len(form) for form in _SUFFIXES)


def _last_vowel_harmony(stem: str) -> int:
    """Front/back class of the last vowel of a folded stem, 0 when folding made it unknown."""
    for i in range(len(stem) - 1, -1, -1):
        ch = stem[i]
        if ch in "еиэь":
            return _FRONT
        if ch == "ы":
            return _BACK
        if ch == "у" and i > 0 and stem[i - 1] in _VOWEL:
            continue  # у after a vowel is a consonant
        if ch in "аоуяюё":
            return 0  # а/о/у may stand for ә/ө/ү
    return 0


def _suffix_fits(stem: str, suffix: _Suffix) -> bool:
    n = len(stem)
    if n < suffix.min_stem and not (
        suffix.short_verb and n == 2 and stem[0] in _VOWEL and stem[1] in _CONSONANT
    ):
        return False
    last = stem[-1]
    if last in "ьъ" and n > 1:
        last = stem[-2]
    if last not in suffix.after:
        return False
    if not any(ch in _VOWEL_OR_U for ch in stem):
        return False
    if suffix.harmony:
        stem_harmony = _last_vowel_harmony(stem)
        if stem_harmony and stem_harmony != suffix.harmony:
            return False
    return not (suffix.stan and last == "с" and n > 1 and stem[-2] not in _VOWEL_OR_U)


def _devoice(stem: str) -> str:
    """Final г→к, б→п: the alternation of "куәлік"/"куәлігі", "кітап"/"кітабы"."""
    if stem.endswith("г"):
        return stem[:-1] + "к"
    if stem.endswith("б"):
        return stem[:-1] + "п"
    return stem


@lru_cache(maxsize=200_000)
def _stem_folded(word: str) -> str:
    """Stem a folded, lower-case Kazakh word; the result is a fixed point of this function."""
    stem = _devoice(word)
    verbal = False
    while True:
        found: tuple[int, _Suffix] | None = None
        for length in range(min(_LONGEST_SUFFIX, len(stem) - 2), 0, -1):
            entries = _SUFFIXES.get(stem[-length:])
            if entries is None:
                continue
            rest = stem[:-length]
            for entry in entries:
                if entry.passive and not verbal:
                    continue
                if _suffix_fits(rest, entry):
                    found = (length, entry)
                    break
            if found is not None:
                break
        if found is None:
            return stem
        length, entry = found
        stem = _devoice(stem[:-length])
        verbal = entry.verbal


_DEVOICED: Final = {"ғ": "қ", "г": "к", "б": "п"}


def stem_kk(word: str) -> str:
    """Stem one Kazakh word by stripping suffixes, in Kazakh spelling, lower-cased.

    Strips, repeatedly and longest first, relational -дағы/-ғы, case endings, possessives,
    plurals, -лық/-лік and common verb forms (-у, -ушы, -ған, -атын, -ады, -йды, -сын, then a
    passive -ыл/-іл), each only after the letters its assimilation allows and in the same
    vowel harmony as the stem; never leaves fewer than 3 letters (2 for a vowel+consonant verb
    such as "ет"); a final г/ғ/б of the stem becomes к/қ/п ("куәлігін" → "куәлік" →
    "куә"). Decisions look only at the folded letters, so
    `fold_kazakh(stem_kk(w)) == stem_kk(fold_kazakh(w))`.
    """
    lowered = word.lower().replace("ё", "е")
    folded = fold_kazakh(lowered)
    stem = _stem_folded(folded)
    n = len(stem)
    result = lowered[:n]
    if n and stem[-1] != folded[n - 1]:  # devoiced by the stemmer
        result = result[:-1] + _DEVOICED.get(result[-1], stem[-1])
    return result


# ---------------------------------------------------------------------------------------------
# 4. Russian stemmer
# ---------------------------------------------------------------------------------------------

_SNOWBALL = threading.local()


@lru_cache(maxsize=200_000)
def stem_ru(word: str) -> str:
    """Russian Snowball stem of one lower-case word (ё→е); cached, thread-safe."""
    stemmer = getattr(_SNOWBALL, "russian", None)
    if stemmer is None:
        stemmer = snowballstemmer.stemmer("russian")
        _SNOWBALL.russian = stemmer
    return str(stemmer.stemWord(word.lower().replace("ё", "е")))


# ---------------------------------------------------------------------------------------------
# 5. Terms and the pipeline
# ---------------------------------------------------------------------------------------------

_TOKEN: Final = re.compile(r"\d+(?:[.,/:]\d+)*|[^\W\d_]+")
_NUMBER_SEPARATOR: Final = re.compile(r"[.,/:]")


@lru_cache(maxsize=200_000)
def _term_kk(token: str) -> str:
    return _stem_folded(_key(fold_kazakh(token))[:_MAX_WORD])


# Snowball is not idempotent ("положение" → "положен" → "полож"), and iterating it drifts
# ("материалы" → "материал" → "материа" → "матер"). A stem that Snowball would shorten again
# is marked with a final "ъ", a letter no modern Russian word ends with; a token ending in "ъ"
# is taken as such a term. So every term is a fixed point and Snowball's stems are kept as is.
_RU_MARK: Final = "ъ"


@lru_cache(maxsize=200_000)
def _term_ru(token: str) -> str:
    if token.endswith(_RU_MARK):
        return token
    term = fold_kazakh(stem_ru(fold_kazakh(token)))[:_MAX_WORD]
    if term and fold_kazakh(stem_ru(term)) != term:
        term += _RU_MARK
    return term


_STOPWORDS: Final[dict[str, str]] = {
    "kk": (
        "туралы және мен бен пен менен бенен пенен осы осының осыған бойынша немесе не да де "
        "та те ма ме ба бе па пе бірақ әрі яғни үшін сондай ақ ол оның оны оған олар олардың "
        "оларды бұл сол егер ғана сияқты арқылы"
    ),
    "ru": (
        "и в во на о об обо по с со для к ко от из за у при до не а но или же ли как также что "
        "это его ее её их бы то"
    ),
}


def _prepare(text: str) -> str:
    return latin_to_cyrillic(normalise_letters(text)).replace("'", "")


def _stop_terms(lang: str, term: Callable[[str], str]) -> frozenset[str]:
    return frozenset(term(w) for w in _TOKEN.findall(_prepare(_STOPWORDS[lang])))


_TERM: Final[dict[str, Callable[[str], str]]] = {"kk": _term_kk, "ru": _term_ru}
_STOP: Final[dict[str, frozenset[str]]] = {
    lang: _stop_terms(lang, term) for lang, term in _TERM.items()
}


def _number(token: str) -> list[str]:
    """Parts of a number without leading zeros: "01.02.2023" → ["1", "2", "2023"]."""
    return [(part.lstrip("0") or "0")[:_MAX_NUMBER] for part in _NUMBER_SEPARATOR.split(token)]


def _terms(text: str, lang: str) -> list[str]:
    term = _TERM.get(lang)
    if term is None:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    stop = _STOP[lang]
    tokens = _TOKEN.findall(_prepare(text))
    out: list[str] = []
    for i, token in enumerate(tokens):
        if token[0].isdigit():
            parts = _number(token)
            if len(parts) == 1:
                out.append(parts[0])
                continue
            compound = ".".join(parts)
            if len(compound) <= _MAX_NUMBER:
                out.append(compound)
            # The parts follow the compound, unless they already do (then the text is our own
            # normalised text, and repeating them would break idempotence).
            following = [_number(t)[0] for t in tokens[i + 1 : i + 1 + len(parts)]]
            if following != parts or len(compound) > _MAX_NUMBER:
                out.extend(parts)
            continue
        word = term(token)
        if len(word) >= 2 and word not in stop:
            out.append(word)
    return out


def analyze(text: str, lang: str) -> list[str]:
    """Index terms of `text` in `lang` ("kk" or "ru"), in text order, with repetitions.

    Words become stems in the folded Kazakh / Russian-keyboard alphabet (see the module
    docstring); numbers are kept ("445"), compound ones also whole ("17.10.2023" gives
    "17.10.2023", "17", "10", "2023"), leading zeros dropped; "№", punctuation, one-letter
    words and stop words are dropped. Raises ValueError only for an unknown `lang`.
    """
    return _terms(text, lang)


def analyze_query(text: str, lang: str) -> list[str]:
    """Terms of a query: those of `analyze`, each once, in order of first appearance.

    The query may be typed in Cyrillic, in Latin (2021 alphabet or ad hoc) or on a Russian
    keyboard; all give the terms of the properly spelled Cyrillic text.
    """
    return list(dict.fromkeys(_terms(text, lang)))


def normalised_text(text: str, lang: str) -> str:
    """The normalised field stored in the index: `analyze` terms joined by single spaces."""
    return " ".join(_terms(text, lang))


def trigrams(normalised: str) -> list[str]:
    """Character trigrams of each word of a normalised text, padded with a space each side.

    For typo-tolerant matching ("гендрлік" ~ "гендерлік") where a backend has no n-gram
    tokenizer: index them as a whitespace-separated field, or compare sets of them.
    """
    out: list[str] = []
    for word in normalised.split():
        padded = f" {word} "
        out.extend(padded[i : i + 3] for i in range(len(padded) - 2))
    return out
