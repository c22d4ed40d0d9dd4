"""What an amendment's operations say in an amending act, in the official formulas.

Kazakh: "15-тармақ мынадай редакцияда жазылсын: «15. …»;", "9-тармақтың 3) тармақшасы алып
тасталсын;", "мынадай мазмұндағы 9-1-тармақпен толықтырылсын: «9-1. …»;".
Russian: "пункт 15 изложить в следующей редакции: «15. …»;", "подпункт 3) пункта 9 исключить;",
"дополнить пунктом 9-1 следующего содержания: «9-1. …»;".

Each operation becomes one sentence; the last ends with a full stop. The wording of the new
text is the amendment's own: nothing is paraphrased.
"""

from __future__ import annotations

from dataclasses import dataclass

from templates.errors import UnsupportedLanguage


@dataclass(frozen=True)
class Change:
    """One operation, with what the registry knows of the provision it targets."""

    op: str  # substitute | insert_after | repeal
    kind: str  # the target's type: paragraph, point, chapter, attachment, act, indent, wrapUp
    num: str | None
    parent_num: str | None
    #: insert_after: the number of the new provision, and its kind (that of the target).
    new_num: str | None = None
    text: str | None = None


def sentences(changes: list[Change], lang: str) -> list[str]:
    """One sentence per change, in order; ";" after each but the last, which ends with "."."""
    if lang not in ("kk", "ru"):
        raise UnsupportedLanguage(f"no amendment formulas in {lang!r}", fields={"lang": lang})
    made = [_kk(c) if lang == "kk" else _ru(c) for c in changes]
    return [s + (";" if i < len(made) - 1 else ".") for i, s in enumerate(made)]


def _quoted(num: str | None, kind: str, text: str | None) -> str:
    body = (text or "").strip()
    if num and kind == "point":
        body = f"{num}) {body}"
    elif num and kind == "paragraph":
        body = f"{num}. {body}"
    return f"«{body}»"


def _kk_target(kind: str, num: str | None, parent_num: str | None) -> str:
    if kind == "act":
        return "тақырыбы"
    if kind == "attachment":
        return "қосымша"
    if kind == "chapter":
        return f"{num}-тарау"
    if kind == "point":
        return f"{parent_num}-тармақтың {num}) тармақшасы" if parent_num else f"{num}) тармақша"
    if kind in ("indent", "wrapUp"):
        return f"{parent_num}-тармақтың абзацы" if parent_num else "абзац"
    return f"{num}-тармақ"


def _kk(change: Change) -> str:
    if change.op == "repeal":
        return f"{_kk_target(change.kind, change.num, change.parent_num)} алып тасталсын"
    if change.op == "substitute":
        target = _kk_target(change.kind, change.num, change.parent_num)
        quoted = _quoted(change.num, change.kind, change.text)
        return f"{target} мынадай редакцияда жазылсын: {quoted}"
    quoted = _quoted(change.new_num, change.kind, change.text)
    if change.kind == "point":
        where = f"{change.parent_num}-тармақ " if change.parent_num else ""
        return f"{where}мынадай мазмұндағы {change.new_num}) тармақшамен толықтырылсын: {quoted}"
    if change.kind == "chapter":
        return f"мынадай мазмұндағы {change.new_num}-тараумен толықтырылсын: {quoted}"
    return f"мынадай мазмұндағы {change.new_num}-тармақпен толықтырылсын: {quoted}"


def _ru_target(kind: str, num: str | None, parent_num: str | None) -> str:
    """The target in the accusative, as it opens a sentence of the amending act."""
    if kind == "act":
        return "заголовок"
    if kind == "attachment":
        return "приложение"
    if kind == "chapter":
        return f"главу {num}"
    if kind == "point":
        return f"подпункт {num}) пункта {parent_num}" if parent_num else f"подпункт {num})"
    if kind in ("indent", "wrapUp"):
        return f"абзац пункта {parent_num}" if parent_num else "абзац"
    return f"пункт {num}"


def _ru(change: Change) -> str:
    if change.op == "repeal":
        return f"{_ru_target(change.kind, change.num, change.parent_num)} исключить"
    if change.op == "substitute":
        target = _ru_target(change.kind, change.num, change.parent_num)
        quoted = _quoted(change.num, change.kind, change.text)
        return f"{target} изложить в следующей редакции: {quoted}"
    quoted = _quoted(change.new_num, change.kind, change.text)
    if change.kind == "point":
        where = f"пункт {change.parent_num} " if change.parent_num else ""
        return f"{where}дополнить подпунктом {change.new_num}) следующего содержания: {quoted}"
    if change.kind == "chapter":
        return f"дополнить главой {change.new_num} следующего содержания: {quoted}"
    return f"дополнить пунктом {change.new_num} следующего содержания: {quoted}"
