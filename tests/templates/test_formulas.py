"""The official formulas of an amending act, per operation and language."""

from __future__ import annotations

import pytest

from templates.errors import UnsupportedLanguage
from templates.formulas import Change, sentences

SUBSTITUTE = Change(
    "substitute", "paragraph", "15", None, text="Басқарма мынадай функцияларды жүзеге асырады:"
)
REPEAL_POINT = Change("repeal", "point", "3", "9")
INSERT_PARA = Change("insert_after", "paragraph", "9", None, new_num="9-1", text="Жаңа мәтін.")
INSERT_POINT = Change("insert_after", "point", "3", "9", new_num="3-1", text="жаңа тармақша;")


def test_kazakh_formulas() -> None:
    assert sentences([SUBSTITUTE, REPEAL_POINT, INSERT_PARA, INSERT_POINT], "kk") == [
        "15-тармақ мынадай редакцияда жазылсын: «15. Басқарма мынадай функцияларды жүзеге "
        "асырады:»;",
        "9-тармақтың 3) тармақшасы алып тасталсын;",
        "мынадай мазмұндағы 9-1-тармақпен толықтырылсын: «9-1. Жаңа мәтін.»;",
        "9-тармақ мынадай мазмұндағы 3-1) тармақшамен толықтырылсын: «3-1) жаңа тармақша;».",
    ]


def test_russian_formulas() -> None:
    substitute = Change("substitute", "paragraph", "15", None, text="Управление осуществляет:")
    assert sentences([substitute, REPEAL_POINT, INSERT_PARA, INSERT_POINT], "ru") == [
        "пункт 15 изложить в следующей редакции: «15. Управление осуществляет:»;",
        "подпункт 3) пункта 9 исключить;",
        "дополнить пунктом 9-1 следующего содержания: «9-1. Жаңа мәтін.»;",
        "пункт 9 дополнить подпунктом 3-1) следующего содержания: «3-1) жаңа тармақша;».",
    ]


def test_chapters_attachments_and_titles() -> None:
    changes = [
        Change("repeal", "chapter", "4", None),
        Change("substitute", "attachment", None, None, text="Тізбе"),
        Change("substitute", "act", None, None, text="Жаңа тақырып"),
    ]
    assert sentences(changes, "kk") == [
        "4-тарау алып тасталсын;",
        "қосымша мынадай редакцияда жазылсын: «Тізбе»;",
        "тақырыбы мынадай редакцияда жазылсын: «Жаңа тақырып».",
    ]
    assert sentences(changes, "ru")[0] == "главу 4 исключить;"


def test_the_wording_is_the_amendments_own_and_one_change_ends_with_a_full_stop() -> None:
    text = "«кавычки» & <теги> {{ 7*7 }}"
    (only,) = sentences([Change("substitute", "paragraph", "2", None, text=text)], "ru")
    assert only == f"пункт 2 изложить в следующей редакции: «2. {text}»."


def test_other_languages_are_refused() -> None:
    with pytest.raises(UnsupportedLanguage):
        sentences([SUBSTITUTE], "en")
