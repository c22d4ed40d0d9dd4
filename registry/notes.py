"""Change notes in the official patterns, for amendments entered through the registry.

Kazakh: "Ескерту. 15-тармақ жаңа редакцияда – Қостанай облысы әкімдігінің 17.10.2023 № 445
қаулысымен (алғашқы ресми жарияланған күнінен бастап қолданысқа енгізіледі)."
Russian: "Сноска. Пункт 15 – в редакции постановления акимата Костанайской области от 17.10.2023
№ 445 (вводится в действие со дня первого официального опубликования)."
"""

from __future__ import annotations

from datetime import date

KAZAKH_ONLY = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
_BACK_VOWELS = set("аоұыуяАОҰЫУЯ")
_FRONT_VOWELS = set("әеөүіиэӘЕӨҮІИЭ")
_VOICELESS = set("пфктсшщхцчқ")
_SONORANT = set("лмнңрйуюзжв")  # after these (and vowels) the genitive starts with "н"/"д"

#: The act type in the instrumental (kk) and genitive (ru).
TYPE_WORDS = {
    "resolution": ("қаулысымен", "постановления"),
    "decision": ("шешімімен", "решения"),
    "order": ("бұйрығымен", "приказа"),
    "law": ("Заңымен", "Закона"),
    "decree": ("Жарлығымен", "Указа"),
}

KNOWN_ISSUERS = {
    "Қостанай облысы әкімдігі": "акимат Костанайской области",
    "Қостанай облыстық мәслихаты": "Костанайский областной маслихат",
}


def issuer_in(issuer: str | dict[str, str] | None, lang: str) -> str | None:
    """The issuer's name in ``lang``: as given, or from a small table of known issuers."""
    if isinstance(issuer, dict):
        return issuer.get(lang)
    if not issuer:
        return None
    is_kk = bool(KAZAKH_ONLY & set(issuer))
    if (lang == "kk") == is_kk:
        return issuer
    table = KNOWN_ISSUERS if is_kk else {ru: kk for kk, ru in KNOWN_ISSUERS.items()}
    return table.get(issuer)


def kk_genitive(phrase: str) -> str:
    """Қостанай облысы әкімдігі → Қостанай облысы әкімдігінің (vowel harmony on the last word)."""
    last = phrase.rstrip()[-1:]
    vowels = [c for c in phrase if c in _BACK_VOWELS | _FRONT_VOWELS]
    front = bool(vowels) and vowels[-1] in _FRONT_VOWELS
    if last.lower() in "аәеөоұүыіиэюя" or last.lower() in "у":
        first = "н"
    elif last.lower() in _VOICELESS:
        first = "т"
    elif last.lower() in _SONORANT:
        first = "д"
    else:
        first = "н"
    return f"{phrase}{first}{'ің' if front else 'ың'}"


def ru_genitive(phrase: str) -> str:
    """акимат Костанайской области → акимата Костанайской области (the head word only)."""
    head, _, rest = phrase.partition(" ")
    low = head.lower()
    if low.endswith("ие"):
        head = head[:-1] + "я"
    elif low.endswith("ия"):
        head = head[:-1] + "и"
    elif low.endswith("о"):
        head = head[:-1] + "а"
    elif low.endswith(("ь", "й")):
        head = head[:-1] + "я"
    elif low.endswith("а"):
        head = head[:-1] + "ы"
    elif low[-1:].isalpha():
        head = head + "а"
    return f"{head} {rest}".strip()


def _kk_target(kind: str, num: str | None, parent_num: str | None) -> str:
    if kind == "act":
        return "Тақырып"
    if kind == "attachment":
        return "Қосымша"
    if kind == "chapter":
        return f"{num}-тарау"
    if kind == "point" and parent_num:
        return f"{parent_num}-тармақтың {num}) тармақшасы"
    if kind == "point":
        return f"{num}) тармақша"
    if kind in ("indent", "wrapUp") and parent_num:
        return f"{parent_num}-тармақтың абзацы"
    return f"{num}-тармақ"


def _ru_target(kind: str, num: str | None, parent_num: str | None) -> str:
    if kind == "act":
        return "Заголовок"
    if kind == "attachment":
        return "Приложение"
    if kind == "chapter":
        return f"Глава {num}"
    if kind == "point" and parent_num:
        return f"Подпункт {num}) пункта {parent_num}"
    if kind == "point":
        return f"Подпункт {num})"
    if kind in ("indent", "wrapUp") and parent_num:
        return f"Абзац пункта {parent_num}"
    return f"Пункт {num}"


def _kk_effect(rule: str, days: int | None, fixed: date | None) -> str:
    if rule == "fixed" and fixed is not None:
        return f"{fixed:%d.%m.%Y} бастап қолданысқа енгізіледі"
    if rule == "publication+N":
        return (
            f"алғашқы ресми жарияланған күнінен кейін күнтізбелік {days} күн өткен соң "
            "қолданысқа енгізіледі"
        )
    return "алғашқы ресми жарияланған күнінен бастап қолданысқа енгізіледі"


def _ru_effect(rule: str, days: int | None, fixed: date | None) -> str:
    if rule == "fixed" and fixed is not None:
        return f"вводится в действие с {fixed:%d.%m.%Y}"
    if rule == "publication+N":
        return (
            f"вводится в действие по истечении {days} календарных дней после дня его первого "
            "официального опубликования"
        )
    return "вводится в действие со дня его первого официального опубликования"


def change_note(
    lang: str,
    *,
    op: str,
    node_type: str,
    num: str | None,
    parent_num: str | None,
    act_type: str,
    act_number: str,
    act_date: date,
    issuer: str | None,
    rule: str,
    days: int | None,
    fixed: date | None,
) -> str:
    """The note the official consolidation prints after a changed provision."""
    kk_type, ru_type = TYPE_WORDS.get(act_type, ("актісімен", "акта"))
    when = f"{act_date:%d.%m.%Y} № {act_number}"
    if lang == "kk":
        target = _kk_target(node_type, num, parent_num)
        by = f"{kk_genitive(issuer)} {when} {kk_type}" if issuer else f"{when} {kk_type}"
        effect = _kk_effect(rule, days, fixed)
        if op == "insert_after":
            what = (
                f"{target}пен толықтырылды" if node_type != "point" else f"{target}мен толықтырылды"
            )
            return f"Ескерту. {what} – {by} ({effect})."
        verb = {"substitute": "жаңа редакцияда", "repeal": "алып тасталды"}[op]
        return f"Ескерту. {target} {verb} – {by} ({effect})."
    target = _ru_target(node_type, num, parent_num)
    issuer_gen = f" {ru_genitive(issuer)}" if issuer else ""
    effect = _ru_effect(rule, days, fixed)
    if op == "insert_after":
        added = _RU_INSTRUMENTAL.get(target.split()[0], target.split()[0].lower())
        rest = " ".join(target.split()[1:])
        by = f"{_ru_instr(act_type)}{issuer_gen} от {when}"
        return f"Сноска. Дополнено {added} {rest} в соответствии с {by} ({effect})."
    if op == "repeal":
        ending = {"Глава": "исключена", "Приложение": "исключено"}.get(
            target.split()[0], "исключен"
        )
        return f"Сноска. {target} {ending} {_ru_instr(act_type)}{issuer_gen} от {when} ({effect})."
    return f"Сноска. {target} – в редакции {ru_type}{issuer_gen} от {when} ({effect})."


_RU_INSTRUMENTAL = {
    "Пункт": "пунктом",
    "Подпункт": "подпунктом",
    "Глава": "главой",
    "Абзац": "абзацем",
    "Приложение": "приложением",
}


def _ru_instr(act_type: str) -> str:
    return {
        "resolution": "постановлением",
        "decision": "решением",
        "order": "приказом",
        "law": "Законом",
        "decree": "Указом",
    }.get(act_type, "актом")
