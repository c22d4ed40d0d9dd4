"""Letter trigrams of the folded words: what absorbs typos, identically in both backends."""

from __future__ import annotations

import re

from search.analysis import fold_kazakh, latin_to_cyrillic, normalise_letters

_WORD = re.compile(r"[^\W\d_]{3,}")


def word_grams(word: str) -> list[str]:
    padded = f"_{word}_"
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


def folded_words(text: str, lang: str) -> list[str]:
    """Words folded to the Russian-keyboard letters (қ→к, ә→а …), Latin transliterated."""
    letters = normalise_letters(text)
    if lang == "kk":
        letters = latin_to_cyrillic(letters)
    return _WORD.findall(fold_kazakh(letters))


def grams_text(text: str, lang: str) -> str:
    """Space-separated trigram tokens, stored in the index's ``grams`` field."""
    return " ".join(g for w in folded_words(text, lang) for g in word_grams(w))
