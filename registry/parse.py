"""Parser of acts in the official text format published by the legal information system (adilet).

The format is line-based: title, status words, citation line, preamble ending with the enacting
formula, numbered paragraphs "N." with subparagraphs "N)" and unnumbered indents, the signature
block, then attachments, each opened by an approval stamp. Markdown decorations (bold, italic,
heading hashes, list dashes, indentation, hard line breaks) are removed; every other character of
the legal text is kept. Keywords are matched on a copy in which Latin lookalike letters are folded
to Cyrillic (``dates.fold_lookalikes`` keeps the length, so spans found in the copy slice the
original). The tree follows docs/tree.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from registry.dates import (
    KK_DATE,
    NUMERIC_DATE,
    RU_DATE,
    fold_lookalikes,
    parse_date,
    parse_number_words,
)
from registry.errors import ParseError
from registry.model import (
    ActRef,
    Lang,
    Node,
    Note,
    NotedAmendment,
    NotePlacement,
    OpKind,
    ParsedAct,
)

#: Days after first publication when an act or amendment does not say when it enters into force:
#: the general rule of the Law "On legal acts" (ten calendar days).
STATUTORY_DAYS = 10

_NUM = r"\d+(?:-\d+)*"
_NUMBER = r"[\w/-]*\w(?:\.\w[\w/-]*)*"
_SIGN = r"(?:№|N)\s*"
_KK_DATE = f"(?:{KK_DATE})"
_RU_DATE = f"(?:{RU_DATE})"
_DOT_DATE = f"(?:{NUMERIC_DATE})"

# --- line-level recognition -----------------------------------------------------------------------

_HEADING_HASHES = re.compile(r"^#{1,6}\s+")
_LIST_DASH = re.compile(rf"^[-–•*+]\s+(?={_NUM}[.)](?:\s|$))")
_PARAGRAPH = re.compile(rf"^({_NUM})\.(?:\s+(.*))?$", re.S)
_POINT = re.compile(rf"^({_NUM})\)(?:\s+(.*))?$", re.S)
_KK_CHAPTER = re.compile(rf"^({_NUM})\s*-\s*тарау\b\.?\s*(.*)$", re.I | re.S)
_RU_CHAPTER = re.compile(rf"^глава\s+({_NUM})\b\.?\s*(.*)$", re.I | re.S)
_CHAPTER_WITHOUT_NUMBER = re.compile(
    r"^(?:-?\s*тарау\b|глава\s*(?:[.:]|$)|глава\s+[IVXLC]+\b)", re.I
)
_UNSUPPORTED = re.compile(
    rf"^(?:(?:раздел|параграф|статья)\s+{_NUM}\.\s|{_NUM}-(?:бөлім|параграф|бап)\.\s)", re.I
)
_NOTE = re.compile(
    r"^(?:ескерту|сноска)\s*[.:]"
    r"|^(?:рқао|рцпи|изпи|зқаи)\S*\s+ескертпес"
    r"|^примечание\s+(?:рцпи|изпи)",
    re.I,
)
_FORMULA = re.compile(
    r"(?:ҚАУЛЫ\s+ЕТЕДІ|ҚАУЛЫ\s+ЕТТІ|ПОСТАНОВЛЯЕТ|ПОСТАНОВИЛ|ШЕШТІ|ШЕШІМ\s+ҚАБЫЛДАДЫ|РЕШИЛ"
    r"|БҰЙЫРАМЫН|ПРИКАЗЫВАЮ)\s*:?\s*$"
)
_STATUS_WORDS = frozenset(
    {
        "жаңа",
        "жаңартылған",
        "қолданыстағы",
        "күшін жойған",
        "күшіне енбеген",
        "новый",
        "обновленный",
        "действующий",
        "утративший силу",
        "не вступивший в силу",
        "не введен в действие",
    }
)
_POSITION_WORDS = frozenset(
    {
        "әкімі",
        "әкім",
        "министрі",
        "төрағасы",
        "төраға",
        "хатшысы",
        "басшысы",
        "президенті",
        "премьер-министрі",
        "аким",
        "министр",
        "председатель",
        "секретарь",
        "руководитель",
        "президент",
        "премьер-министр",
    }
)
_UPPER = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІ"
_LOWER = "a-zа-яёәғқңөұүһі"
_NAME = re.compile(
    rf"(?:^|\s)[{_UPPER}]\.\s?(?:[{_UPPER}]\.\s?)?[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}]?[{_LOWER}]+)?$"
)
_KK_STAMP_END = re.compile(r"(?:^|\s)(?:\d+(?:-\d+)*-)?(?:бекітілген|қосымша)$", re.I)
_RU_STAMP_START = re.compile(
    rf"^(?:утвержден[аоы]?|приложение(?:\s+(?:№\s*)?{_NUM})?)(?:\s|$)", re.I
)
_STAMP_NUMBER = re.compile(r"(?:№|N)\s*\d")
_STAMP_MAX_LINES = 8
_STAMP_MAX_CHARS = 150
_SIGNATURE_MAX_CHARS = 120
_PUBLISHER_NOTE_MAX_CHARS = 40
_QUOTE_OPENERS = ('"', "«", "“")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class _Line:
    no: int
    text: str
    key: str
    italic: bool = False
    marked: bool = False
    gap_before: bool = False

    @property
    def folded(self) -> str:
        return " ".join(self.key.split()).casefold().replace("ё", "е")


def _split_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    gap = False
    for no, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if no == 1:
            raw = raw.removeprefix("\ufeff")
        _check_characters(no, raw)
        cleaned, italic, marked = _clean(raw)
        if not cleaned:
            gap = True
            continue
        lines.append(_Line(no, cleaned, fold_lookalikes(cleaned), italic, marked, gap))
        gap = False
    return lines


def _check_characters(no: int, raw: str) -> None:
    bad = _CONTROL.search(raw)
    if bad:
        raise ParseError(
            no,
            f"control character U+{ord(bad[0]):04X} at column {bad.start() + 1}; the official "
            "text is plain UTF-8 text with line breaks only — remove the character (or re-save "
            "the file as text) and import again",
        )


def _clean(raw: str) -> tuple[str, bool, bool]:
    """Remove markdown decorations; returns the text, whether it was italic, whether marked up."""
    text = raw.strip()
    marked = False
    hashes = _HEADING_HASHES.match(text)
    if hashes:
        text, marked = text[hashes.end() :], True
    if "**" in text:
        marked = marked or (text.startswith("**") and text.endswith("**"))
        text = text.replace("**", "").strip()
    italic = len(text) > 2 and text.startswith("*") and text.endswith("*")
    if italic:
        text = text[1:-1].strip()
    dash = _LIST_DASH.match(text)
    if dash:
        text = text[dash.end() :]
    return text, italic, marked or italic


def _is_note(line: _Line) -> bool:
    return bool(_NOTE.match(line.key))


def _note_body_follows(line: _Line) -> bool:
    """A note line that is only a title ("РҚАО-ның ескертпесі!", "Сноска.") continues below."""
    keyword = _NOTE.match(line.key)
    if keyword and not re.search(r"\w", line.key[keyword.end() :]):
        return True
    return not re.match(r"(?i)ескерту|сноска", line.key) and (
        len(line.text) <= _PUBLISHER_NOTE_MAX_CHARS
    )


def _is_structure_line(line: _Line) -> bool:
    return _is_note(line) or _is_numbered(line)


def _is_numbered(line: _Line) -> bool:
    return bool(_PARAGRAPH.match(line.key) or _POINT.match(line.key) or _chapter(line))


def _chapter(line: _Line) -> tuple[str, str] | None:
    m = _KK_CHAPTER.match(line.key) or _RU_CHAPTER.match(line.key)
    if not m:
        return None
    return m[1], line.text[m.start(2) :].strip()


def _is_signature(line: _Line) -> bool:
    if line.italic:
        return True
    text = line.text
    if len(text) > _SIGNATURE_MAX_CHARS or text.endswith((".", ";", ":", ",")):
        return False
    return _has_position_word(line) or bool(_NAME.search(line.key))


def _has_position_word(line: _Line) -> bool:
    return any(word in _POSITION_WORDS for word in re.findall(r"[\w-]+", line.folded))


def _ends_with_colon(text: str | None) -> bool:
    return text is not None and text.rstrip().endswith(":")


def _lower_key(text: str) -> str:
    """Lower-cased lookalike-folded copy of the same length, so its spans slice ``text``."""
    return "".join(low if len(low := c.lower()) == 1 else c for c in fold_lookalikes(text))


def _quote_balance(text: str) -> tuple[int, int]:
    nested = text.count("«") - text.count("»") + text.count("“") - text.count("”")
    return text.count('"') % 2, nested


# --- approval stamps ------------------------------------------------------------------------------


def _stamp_start(line: _Line) -> bool:
    return _stamp_like(line, backward=False) and (
        not line.text.endswith((".", ";", ":")) or bool(_STAMP_NUMBER.search(line.key))
    )


def _stamp_like(line: _Line, *, backward: bool) -> bool:
    if len(line.text) > _STAMP_MAX_CHARS or _is_numbered(line) or _is_note(line):
        return False
    if not backward:
        return True
    return not (
        line.marked
        or line.text.endswith((".", ";", ":"))
        or _has_position_word(line)
        or _NAME.search(line.key)
    )


def _find_stamps(lines: Sequence[_Line], start: int) -> dict[int, int]:
    """Map the index of each approval stamp's first line to the index of its last line.

    Kazakh stamps end with "бекітілген"/"қосымша" and are found backwards from that line;
    Russian ones start with "Утвержден"/"Приложение" and run forwards to the line with "№".
    """
    stamps: dict[int, int] = {}
    floor = start
    i = start
    while i < len(lines):
        line = lines[i]
        end: int | None = None
        first = i
        ru_start = _RU_STAMP_START.match(line.key)
        if ru_start and _stamp_start(line):
            end = _stamp_forward(lines, i, ru_start.end())
        elif _KK_STAMP_END.search(line.key) and _stamp_start(line):
            first = _stamp_backward(lines, i, floor)
            if first < i:
                end = i
            else:
                forward = _stamp_forward(lines, i, 0)
                if forward > i or _STAMP_NUMBER.search(line.key):
                    end = forward
        if end is None:
            i += 1
            continue
        stamps[first] = end
        floor = i = end + 1
    return stamps


def _stamp_forward(lines: Sequence[_Line], start: int, skip: int) -> int:
    """The last line of a stamp opened by ``lines[start]``; ``skip`` leaves out "Приложение № 2"."""
    if _STAMP_NUMBER.search(lines[start].key, skip):
        return start
    run_end = start
    contiguous = True
    for j in range(start + 1, min(len(lines), start + _STAMP_MAX_LINES)):
        line = lines[j]
        if not _stamp_like(line, backward=False):
            break
        if _STAMP_NUMBER.search(line.key):
            return j
        contiguous = contiguous and not line.gap_before
        if contiguous:
            run_end = j
    return run_end


def _stamp_backward(lines: Sequence[_Line], end: int, floor: int) -> int:
    first = end
    while first - 1 >= floor and end - first < _STAMP_MAX_LINES:
        if not _stamp_like(lines[first - 1], backward=True):
            break
        first -= 1
    return first


# --- citation, acts referred to, places -----------------------------------------------------------

_KK_TYPES = (
    ("қаулы", "resolution"),
    ("шешім", "decision"),
    ("бұйры", "order"),
    ("заң", "law"),
    ("жарлы", "decree"),
    ("өкім", "disposition"),
)
_RU_TYPES = (
    ("постановлени", "resolution"),
    ("решени", "decision"),
    ("приказ", "order"),
    ("закон", "law"),
    ("указ", "decree"),
    ("распоряжени", "disposition"),
)
_KK_CITATION = re.compile(
    rf"^(?P<issuer>.+?)\s+(?P<date>{_KK_DATE})\s+{_SIGN}(?P<number>{_NUMBER})\s+"
    rf"(?P<type>(?:бірлескен\s+|нормативтік\s+)?[^\W\d_]+)\b\.?(?P<rest>.*)$",
    re.I,
)
_KK_REGISTRATION = re.compile(
    rf"\s*(?P<body>.+?)\s+(?P<date>{_KK_DATE})\s+{_SIGN}(?P<number>{_NUMBER})\s+болып\s+"
    r"тіркелді\.?\s*$",
    re.I,
)
_RU_CITATION = re.compile(
    r"^(?P<type>(?:совместн\w+\s+|нормативн\w+\s+)?[^\W\d_]+)\s+(?P<issuer>.+?)\s+от\s+"
    rf"(?P<date>{_RU_DATE})\s+{_SIGN}(?P<number>{_NUMBER})\.?(?P<rest>.*)$",
    re.I,
)
_RU_REGISTRATION = re.compile(
    rf"\s*(?P<body>зарегистрирован\w*\s+.+?)\s+(?P<date>{_RU_DATE})\s+{_SIGN}"
    rf"(?P<number>{_NUMBER})\.?\s*$",
    re.I,
)
_REGIONS = (
    (r"алматы\s+облыс|алматинск", "kz-alm"),
    (r"абай\s+облыс|област\w*\s+абай", "kz-10"),
    (r"жетісу|жетысу", "kz-33"),
    (r"ұлытау|улытау", "kz-62"),
    (r"ақмола|акмолин", "kz-akm"),
    (r"ақтөбе|актюбин|актобе", "kz-akt"),
    (r"атырау", "kz-aty"),
    (r"батыс\s+қазақстан|западно-казахстан", "kz-zap"),
    (r"жамбыл", "kz-zha"),
    (r"қарағанды|караганд", "kz-kar"),
    (r"қостанай|костанай|кустанай", "kz-kus"),
    (r"қызылорда|кызылорд", "kz-kzy"),
    (r"маңғыстау|мангистау|мангыстау", "kz-man"),
    (r"павлодар", "kz-pav"),
    (r"солтүстік\s+қазақстан|северо-казахстан", "kz-sev"),
    (r"шығыс\s+қазақстан|восточно-казахстан", "kz-vos"),
    (r"түркістан|туркестан|оңтүстік\s+қазақстан|южно-казахстан", "kz-yuz"),
    (r"семей|семипалатинск", "kz-10"),
    (r"өскемен|усть-каменогорск", "kz-vos"),
    (r"орал\b|уральск", "kz-zap"),
    (r"тараз", "kz-zha"),
    (r"ақтау|актау", "kz-man"),
    (r"петропавл", "kz-sev"),
    (r"көкшетау|кокшетау", "kz-akm"),
    (r"талдықорған|талдыкорган", "kz-33"),
    (r"жезқазған|жезказган", "kz-62"),
    (r"рудн|лисаков|арқалық|аркалык", "kz-kus"),
    (r"екібастұз|экибастуз", "kz-pav"),
    (r"теміртау|темиртау|балқаш|балхаш", "kz-kar"),
    (r"қонаев|конаев", "kz-alm"),
    (r"алматы", "kz-ala"),
    (r"астана|нұр-сұлтан|нур-султан", "kz-ast"),
    (r"шымкент", "kz-shy"),
    (r"байқоңыр|байконыр|байконур", "kz-bay"),
)
_REPUBLIC = re.compile(
    r"республик|министр|үкімет|правительств|парламент|президент|мәжіліс|мажилис|сенат"
    r"|агентств|комитет"
)


@dataclass(frozen=True)
class _Citation:
    act: ActRef
    place: str | None
    registration_number: str | None = None
    registration_date: date | None = None


def _act_type(word: str, table: Sequence[tuple[str, str]]) -> str | None:
    last = word.split()[-1].casefold()
    return next((kind for stem, kind in table if last.startswith(stem)), None)


def _date_at(line: _Line, value: str) -> date:
    try:
        return parse_date(value)
    except ValueError as exc:
        raise ParseError(line.no, f"{exc}; correct the date in the citation line") from exc


def _parse_citation(line: _Line) -> _Citation | None:
    kk = _KK_CITATION.match(line.key)
    if kk and (kind := _act_type(kk["type"], _KK_TYPES)):
        issuer = kk_nominative(line.text[kk.start("issuer") : kk.end("issuer")])
        registration = _KK_REGISTRATION.match(line.key, kk.start("rest"))
        return _make_citation(line, kk, kind, issuer, registration)
    ru = _RU_CITATION.match(line.key)
    if ru and (kind := _act_type(ru["type"], _RU_TYPES)):
        issuer = ru_nominative(line.text[ru.start("issuer") : ru.end("issuer")])
        registration = _RU_REGISTRATION.match(line.key, ru.start("rest"))
        return _make_citation(line, ru, kind, issuer, registration)
    return None


def _make_citation(
    line: _Line,
    m: re.Match[str],
    kind: str,
    issuer: str,
    registration: re.Match[str] | None,
) -> _Citation:
    number = line.text[m.start("number") : m.end("number")]
    act = ActRef(kind, number, _date_at(line, m["date"]), issuer)
    citation = _Citation(act, place_of(issuer))
    if registration:
        return _with_registration(citation, line, registration)
    return citation


def _with_registration(citation: _Citation, line: _Line, m: re.Match[str]) -> _Citation:
    number = line.text[m.start("number") : m.end("number")]
    return _Citation(citation.act, citation.place, number, _date_at(line, m["date"]))


def _parse_registration(line: _Line, citation: _Citation) -> _Citation | None:
    m = _KK_REGISTRATION.match(line.key) or _RU_REGISTRATION.match(line.key)
    if not m or citation.registration_number:
        return None
    return _with_registration(citation, line, m)


def place_of(issuer: str) -> str | None:
    """ISO 3166-2 code of the region named by an issuer; "kz" for republican bodies."""
    key = fold_lookalikes(issuer).casefold()
    for pattern, code in _REGIONS:
        if re.search(pattern, key):
            return code
    return "kz" if _REPUBLIC.search(key) else None


_KK_GENITIVE = re.compile(r"(?<=\w\w)(?:ның|нің|дың|дің|тың|тің)$")


def kk_nominative(genitive: str) -> str:
    """'Қостанай облысы әкімдігінің' → 'Қостанай облысы әкімдігі' (best effort)."""
    words = genitive.split()
    if words:
        words[-1] = _KK_GENITIVE.sub("", words[-1])
    return " ".join(words)


_RU_NOUNS = {
    "акимата": "акимат",
    "акима": "аким",
    "маслихата": "маслихат",
    "министра": "Министр",
    "министерства": "Министерство",
    "правительства": "Правительство",
    "председателя": "Председатель",
    "президента": "Президент",
    "агентства": "Агентство",
    "комитета": "Комитет",
    "республики": "Республика",
    "руководителя": "Руководитель",
    "департамента": "Департамент",
    "управления": "Управление",
}
_RU_ADJECTIVES = {
    "городского": "городской",
    "областного": "областной",
    "районного": "районный",
    "сельского": "сельский",
    "поселкового": "поселковый",
}


def ru_nominative(genitive: str) -> str:
    """'акимата Костанайской области' → 'акимат Костанайской области' (best effort).

    Only the head noun and the adjectives before it are in the case of the citation; the words
    after it are in the genitive anyway.
    """
    words = genitive.split()
    for index, word in enumerate(words):
        lower = word.casefold()
        if lower.endswith(("ого", "его")):
            words[index] = _keep_case(word, _RU_ADJECTIVES.get(lower) or _adjective(lower))
            continue
        words[index] = _keep_case(word, _RU_NOUNS.get(lower) or _noun(lower))
        break
    return " ".join(words)


def _adjective(lower: str) -> str:
    stem = lower[:-3]
    return stem + ("ий" if stem.endswith(("к", "г", "х", "ж", "ш", "ч", "щ")) else "ый")


def _noun(lower: str) -> str:
    if lower.endswith("ства"):
        return lower[:-1] + "о"
    if lower.endswith("теля"):
        return lower[:-1] + "ь"
    if lower.endswith("ии"):
        return lower[:-1] + "я"
    if lower.endswith("а") and len(lower) > 3 and lower[-2] not in "аеёиоуыэюя":
        return lower[:-1]
    return lower


def _keep_case(original: str, lower: str) -> str:
    return lower[:1].upper() + lower[1:] if original[:1].isupper() else lower


# --- notes: what they point at, and the history they record ---------------------------------------

_TARGETS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("point", re.compile(rf"({_NUM})\)\s*тармақша|({_NUM})-тармақша|подпункт\w*\s+({_NUM})")),
    ("paragraph", re.compile(rf"({_NUM})-тармақ(?!ша)|(?<!под)пункт\w*\s+({_NUM})")),
    ("chapter", re.compile(rf"({_NUM})-тарау|глав\w*\s+({_NUM})")),
    ("attachment", re.compile(r"қосымша|приложени")),
    ("preamble", re.compile(r"кіріспе|преамбул")),
    ("act", re.compile(r"тақырып|заголов")),
)
_KINDS = re.compile(
    r"(?P<substitute>жаңа\s+редакцияда|в\s+(?:новой\s+)?редакции)"
    r"|(?P<changed>(?:өзгерістер|өзгертулер)(?:\s+мен\s+толықтырулар)?\s+енгізілді"
    r"|(?:өзгеріс|өзгерту)\s+енгізілді|ауыстырылды"
    r"|внесен[ыо]\s+изменени\w*|с\s+изменени\w*|заменен[аоы]?\b)"
    r"|(?P<inserted>толықтырылды|толықтыру\w*\s+енгізілді|дополнен[аоы]?\b)"
    r"|(?P<repeal>алып\s+тасталды|исключен[аоы]?\b|күші\s+жойылды|утратил\w*\s+силу)"
)
_KIND_NAMES: dict[str, OpKind] = {
    "substitute": "substitute",
    "changed": "changed",
    "inserted": "inserted",
    "repeal": "repeal",
}
_KK_AMENDING = re.compile(
    rf"(?P<date>{_DOT_DATE}|{_KK_DATE})\s*{_SIGN}(?P<number>{_NUMBER})\s+(?P<type>[^\W\d_]+)"
)
_RU_AMENDING = re.compile(
    r"(?P<type>постановлени\w*|решени\w*|приказ\w*|закон\w*|указ\w*|распоряжени\w*)\s+"
    rf"(?P<issuer>[^()]*?)\s*от\s+(?P<date>{_DOT_DATE}|{_RU_DATE})\s*{_SIGN}(?P<number>{_NUMBER})"
)
_DASH = re.compile(r"\s[-–—]\s")
_PARENTHESIS = re.compile(r"\s*\(([^)]*)\)")
_REPEALED_TEXT = re.compile(r"^(?:алып\s+тасталды|исключен[аоы]?\b)", re.I)

_IN_FORCE_VERB = re.compile(
    r"қолданысқа\s+енгізіл|күшіне\s+ен|вводится\s+в\s+действие|вступает\s+в\s+силу"
    r"|введен\w*\s+в\s+действие"
)
_THIS_ACT = re.compile(r"\bосы\b|\bнастоящ")
_DAYS_AFTER = re.compile(
    r"күнтізбелік\s+(?P<a>[\w]+(?:\s+[\w]+)?)\s+күн\s+өткен"
    r"|(?P<b>[\w]+(?:\s+[\w]+)?)\s+күнтізбелік\s+күн\s+өткен"
    r"|истечении\s+(?P<c>[\w]+(?:\s+[\w]+)?)\s+календарн\w+\s+дн"
)
_FROM_PUBLICATION = re.compile(
    r"алғашқы\s+ресми\s+жариялан\w*\s+күнінен\s+бастап"
    r"|со\s+дня\s+(?:его\s+|их\s+)?первого\s+официального\s+опубликования"
)
_FROM_DATE = re.compile(
    rf"(?P<kk>{_DOT_DATE}|{_KK_DATE})\s+бастап|\bс\s+(?P<ru>{_DOT_DATE}|{_RU_DATE})"
)
_FROM_SIGNING = re.compile(r"қол\s+қойылған\s+күнінен|со\s+дня\s+(?:его\s+)?подписания")


@dataclass(frozen=True)
class Effect:
    """When an act or amendment enters into force: N days after first publication, or a date."""

    days_after_publication: int | None
    on: date | None = None


def entry_into_force(text: str) -> Effect | None:
    """Read an entry-into-force phrase; None when the text states none."""
    key = " ".join(fold_lookalikes(text).casefold().split())
    days = _DAYS_AFTER.search(key)
    if days:
        words = days["a"] or days["b"] or days["c"]
        return Effect(_number_ending(words))
    if _FROM_PUBLICATION.search(key):
        return Effect(0)
    fixed = _FROM_DATE.search(key)
    if fixed:
        try:
            return Effect(None, parse_date(fixed["kk"] or fixed["ru"]))
        except ValueError:
            return None
    if _FROM_SIGNING.search(key):
        return Effect(None)
    return None


def _number_ending(words: str) -> int:
    """The number named by the last one or two words ("кейін он" → 10)."""
    parts = words.split()
    for count in (2, 1):
        try:
            return parse_number_words(" ".join(parts[-count:]))
        except ValueError:
            continue
    return STATUTORY_DAYS


@dataclass
class _PendingNote:
    node: Node
    text: str
    placement: NotePlacement
    chain: list[Node]
    line: int


def _named_target(text: str, chain: Sequence[Node]) -> Node | None:
    """The provision a note names ("15-тармақ", "пункт 15", "Қосымша"), among ``chain``."""
    subject = _note_subject(text)
    for kind, pattern in _TARGETS:
        for m in pattern.finditer(subject):
            num = next((g for g in m.groups() if g), None)
            for node in reversed(chain):
                if node.type == kind and (num is None or node.num == num):
                    return node
    return None


def _note_subject(text: str) -> str:
    key = _lower_key(text)
    ends = [m.start() for m in (_DASH.search(key), _KK_AMENDING.search(key)) if m]
    ends += [m.start() for m in (_RU_AMENDING.search(key),) if m]
    return key[: min(ends)] if ends else key


def _history(note: _PendingNote, lang: Lang) -> list[NotedAmendment]:
    key = _lower_key(note.text)
    patterns = (_RU_AMENDING, _KK_AMENDING) if lang == "ru" else (_KK_AMENDING, _RU_AMENDING)
    pattern = next((p for p in patterns if p.search(key)), patterns[0])
    entries: list[NotedAmendment] = []
    clause_start = 0
    for m in pattern.finditer(key):
        amendment = _amendment(note, key, clause_start, m)
        clause_start = m.end()
        if amendment:
            entries.append(amendment)
    return entries


def _amendment(
    note: _PendingNote, key: str, clause_start: int, m: re.Match[str]
) -> NotedAmendment | None:
    kinds = list(_KINDS.finditer(key, clause_start, m.start()))
    is_ru = "issuer" in m.re.groupindex
    type_table = _RU_TYPES if is_ru else _KK_TYPES
    act_type = _act_type(m["type"], type_table)
    if not kinds or act_type is None:
        return None
    kind = _KIND_NAMES[kinds[-1].lastgroup or ""]
    try:
        day = parse_date(m["date"])
    except ValueError as exc:
        raise ParseError(note.line, f"{exc}; correct the date of the amending act") from exc
    number = note.text[m.start("number") : m.end("number")]
    issuer = _note_issuer(note.text, key, kinds[-1].end(), m, is_ru=is_ru)
    effect = _parenthesis_effect(note.text, m.end())
    target = _named_target(note.text[clause_start : m.start()], note.chain) or note.node
    return NotedAmendment(
        eid=target.eid,
        kind=kind,
        act=ActRef(act_type, number, day, issuer),
        note_text=note.text,
        days_after_publication=effect.days_after_publication,
        in_force_on=effect.on,
    )


def _note_issuer(
    text: str, key: str, kind_end: int, m: re.Match[str], *, is_ru: bool
) -> str | None:
    if is_ru:
        issuer = text[m.start("issuer") : m.end("issuer")].strip()
        return ru_nominative(issuer) or None
    start = kind_end
    for dash in _DASH.finditer(key, kind_end, m.start()):
        start = dash.end()
    issuer = text[start : m.start()].strip(" -–—,")
    return kk_nominative(issuer) or None


def _parenthesis_effect(text: str, end: int) -> Effect:
    m = _PARENTHESIS.match(text, end)
    effect = entry_into_force(m[1]) if m else None
    return effect or Effect(STATUTORY_DAYS)


# --- the tree builder -----------------------------------------------------------------------------

_Phase = Literal["head", "preamble", "body", "conclusions", "attachments"]


@dataclass
class _Builder:
    lines: Sequence[_Line]
    root: Node
    stamps: dict[int, int]
    line_of: dict[int, int] = field(default_factory=dict)
    phase: _Phase = "head"
    formula_seen: bool = False
    attachment: Node | None = None
    chapter: Node | None = None
    paragraph: Node | None = None
    point: Node | None = None
    preamble: Node | None = None
    conclusions: Node | None = None
    expect_heading: Node | None = None
    pending: list[_Line] = field(default_factory=list)
    quoted_until: int = -1
    notes: list[_PendingNote] = field(default_factory=list)
    seen: dict[tuple[int, str, str], int] = field(default_factory=dict)

    def run(self, start: int) -> None:
        i = start
        while i < len(self.lines):
            i = self._step(i)
        self._flush_pending()

    def _step(self, i: int) -> int:
        line = self.lines[i]
        if i <= self.quoted_until:
            self._text(line)
            return i + 1
        if i in self.stamps:
            self._attachment(self.lines[i : self.stamps[i] + 1])
            return self.stamps[i] + 1
        if _is_note(line):
            return self._note(i)
        if chapter := _chapter(line):
            self._chapter(line, *chapter)
        elif m := _PARAGRAPH.match(line.key):
            self._paragraph(line, m[1], line.text[m.start(2) :] if m[2] else None)
        elif m := _POINT.match(line.key):
            self._point(line, m[1], line.text[m.start(2) :] if m[2] else None)
        else:
            self._reject_unsupported(line)
            self._unnumbered(i, line)
        return i + 1

    def _reject_unsupported(self, line: _Line) -> None:
        if _CHAPTER_WITHOUT_NUMBER.match(line.key):
            raise ParseError(
                line.no,
                f"chapter line {line.text!r} has no number; write it as '2-тарау. Heading' (kk) "
                "or 'Глава 2. Heading' (ru) with an Arabic number",
            )
        if _UNSUPPORTED.match(line.key):
            raise ParseError(
                line.no,
                f"{line.text[:40]!r} is a section or article heading, which the registry's tree "
                "(chapters, paragraphs, subparagraphs) cannot hold; import acts structured in "
                "chapters and numbered paragraphs",
            )

    # -- structure --

    def _register(self, container: Node, node: Node, line: _Line) -> None:
        key = (id(container), node.type, node.num or "")
        if key in self.seen:
            raise ParseError(
                line.no,
                f"{_describe(node)} appears twice in {_describe(container)} (first on line "
                f"{self.seen[key]}); numbers must be unique in their container because they "
                "become eIds — renumber one (e.g. '9-1') or remove the duplicate",
            )
        self.seen[key] = line.no
        self._add(container, node, line)

    def _add(self, parent: Node, node: Node, line: _Line) -> Node:
        parent.children.append(node)
        self.line_of[id(node)] = line.no
        return node

    def _enter_body(self, line: _Line, what: str) -> None:
        if self.phase == "conclusions":
            raise ParseError(
                line.no,
                f"{what} after the signature block; an attachment must begin with its approval "
                "stamp ('… қаулысымен / бекітілген', '… қосымша', 'Утвержден …', 'Приложение к …')",
            )
        if self.phase in ("head", "preamble"):
            self.phase = "body"

    def _chapter(self, line: _Line, num: str, heading: str) -> None:
        self._flush_pending()
        self._enter_body(line, f"chapter {num}")
        node = Node("chapter", "", num=num, heading=heading or None)
        self._register(self.attachment or self.root, node, line)
        self.chapter, self.paragraph, self.point = node, None, None
        self.expect_heading = None if heading else node

    def _paragraph(self, line: _Line, num: str, text: str | None) -> None:
        self._flush_pending()
        self._enter_body(line, f"paragraph {num}.")
        node = Node("paragraph", "", num=num, text=text)
        _mark_repealed(node)
        self._register(self.chapter or self.attachment or self.root, node, line)
        self.paragraph, self.point, self.expect_heading = node, None, None

    def _point(self, line: _Line, num: str, text: str | None) -> None:
        if self.paragraph is None or self.phase == "conclusions":
            raise ParseError(
                line.no,
                f"numbered subparagraph '{num})' comes before any numbered paragraph ('1. …') "
                "of its part; subparagraphs belong to a paragraph — add the missing paragraph "
                "number or join the line to the text above",
            )
        self._flush_pending(into_point=True)
        node = Node("point", "", num=num, text=text)
        _mark_repealed(node)
        self._register(self.paragraph, node, line)
        self.point = node

    def _attachment(self, stamp: Sequence[_Line]) -> None:
        self._flush_pending()
        node = Node("attachment", "", text="\n".join(line.text for line in stamp))
        self._add(self.root, node, stamp[0])
        self.attachment, self.chapter, self.paragraph, self.point = node, None, None, None
        self.phase, self.expect_heading = "attachments", node

    # -- unnumbered lines --

    def _unnumbered(self, i: int, line: _Line) -> None:
        if self.expect_heading is not None:
            self.expect_heading.heading = line.text
            self.expect_heading = None
        elif self.phase in ("head", "preamble"):
            self._preamble(line)
        elif self.phase == "conclusions" or (
            self.phase == "body" and self.paragraph is not None and _is_signature(line)
        ):
            self._conclusion(line)
        else:
            self._open_quote(i, line)
            self._text(line)

    def _preamble(self, line: _Line) -> None:
        if self.formula_seen:
            raise ParseError(
                line.no,
                "expected a numbered paragraph ('1. …') or a chapter after the enacting formula "
                "(ҚАУЛЫ ЕТЕДІ / ПОСТАНОВЛЯЕТ / …); number the provisions of the act",
            )
        if self.preamble is None:
            self.preamble = self._add(self.root, Node("preamble", "preamble"), line)
        self.preamble.text = _join(self.preamble.text, line.text)
        self.phase = "preamble"
        self.formula_seen = bool(_FORMULA.search(line.key))

    def _conclusion(self, line: _Line) -> None:
        self._flush_pending()
        if self.conclusions is None:
            self.conclusions = self._add(self.root, Node("conclusions", "conclusions"), line)
            self.phase = "conclusions"
        self.conclusions.text = _join(self.conclusions.text, line.text)

    def _text(self, line: _Line) -> None:
        if self.point is not None:
            if self.point.children or _ends_with_colon(self.point.text):
                self._add(self.point, Node("indent", "", text=line.text), line)
            else:
                self.pending.append(line)
        elif self.paragraph is not None:
            if self.paragraph.children or _ends_with_colon(self.paragraph.text):
                self._add(self.paragraph, Node("indent", "", text=line.text), line)
            else:
                self.paragraph.text = _join(self.paragraph.text, line.text)
        elif (container := self.chapter or self.attachment) is not None:
            self._add(container, Node("indent", "", text=line.text), line)
        else:
            raise ParseError(
                line.no,
                "expected a numbered paragraph ('1. …') before this text; the body of an act "
                "consists of numbered paragraphs",
            )

    def _open_quote(self, i: int, line: _Line) -> None:
        """Lines inside a quotation (new wording in an amending act) are text, not structure."""
        if not line.text.startswith(_QUOTE_OPENERS):
            return
        parity, nested = _quote_balance(line.text)
        if not parity and nested <= 0:
            return
        for j in range(i + 1, len(self.lines)):
            more_parity, more_nested = _quote_balance(self.lines[j].text)
            parity, nested = (parity + more_parity) % 2, nested + more_nested
            if not parity and nested <= 0:
                self.quoted_until = j
                return
        if any(self._is_structure(j) for j in range(i + 1, len(self.lines))):
            raise ParseError(
                line.no,
                "the quotation opened on this line is never closed; add the closing quotation "
                "mark where the quoted wording ends",
            )
        self.quoted_until = len(self.lines)

    def _is_structure(self, j: int) -> bool:
        return j in self.stamps or _is_structure_line(self.lines[j])

    def _flush_pending(self, *, into_point: bool = False) -> None:
        if not self.pending:
            return
        text = "\n".join(line.text for line in self.pending)
        if into_point and self.point is not None:
            self.point.text = _join(self.point.text, text)
        elif self.paragraph is not None:
            wrap = next((c for c in self.paragraph.children if c.type == "wrapUp"), None)
            if wrap is None:
                self._add(self.paragraph, Node("wrapUp", "", text=text), self.pending[0])
            else:
                wrap.text = _join(wrap.text, text)
        self.pending = []

    # -- notes --

    def _note(self, i: int) -> int:
        line = self.lines[i]
        text, used = line.text, 1
        following = self.lines[i + 1] if i + 1 < len(self.lines) else None
        if _note_body_follows(line) and following and not _is_structure_line(following):
            text, used = f"{line.text}\n{following.text}", 2
        self._flush_pending()
        chain = self._chain()
        node = _named_target(text, chain) or self._default_target(chain)
        placement: NotePlacement = "after_heading" if _without_content(node) else "after"
        self.notes.append(_PendingNote(node, text, placement, chain, line.no))
        return i + used

    def _chain(self) -> list[Node]:
        if self.phase == "head":
            return [self.root]
        if self.phase == "preamble" and self.preamble is not None:
            return [self.root, self.preamble]
        if self.phase == "conclusions" and self.conclusions is not None:
            return [self.root, self.conclusions]
        levels = (self.attachment, self.chapter, self.paragraph, self.point)
        return [self.root, *(node for node in levels if node is not None)]

    def _default_target(self, chain: Sequence[Node]) -> Node:
        return next((n for n in reversed(chain) if n.type == "paragraph"), chain[-1])


def _without_content(node: Node) -> bool:
    if node.type == "act":
        return all(child.type == "preface" for child in node.children)
    return node.type in ("attachment", "chapter") and not node.children


def _mark_repealed(node: Node) -> None:
    if node.text and _REPEALED_TEXT.match(fold_lookalikes(node.text)):
        node.state = "repealed"


def _join(text: str | None, more: str) -> str:
    return more if not text else f"{text}\n{more}"


def _describe(node: Node) -> str:
    if node.type == "act":
        return "the body of the act"
    names = {
        "paragraph": "paragraph {}.",
        "point": "subparagraph {})",
        "chapter": "chapter {}",
        "attachment": "this attachment",
    }
    return names.get(node.type, node.type).format(node.num)


# --- eIds -----------------------------------------------------------------------------------------


def _assign_eids(root: Node) -> None:
    chapters_seen: set[str] = set()
    attachments = 0
    for child in root.children:
        if child.type == "attachment":
            attachments += 1
            child.eid = f"att_{attachments}"
            numbers = {c.num or "" for c in child.children if c.type == "chapter"}
            prefix = f"{child.eid}__" if numbers & chapters_seen else ""
            chapters_seen |= numbers
            _assign_children(child, prefix)
        elif child.type == "chapter":
            chapters_seen.add(child.num or "")
            child.eid = f"chp_{child.num}"
            _assign_children(child, "")
        elif child.type == "paragraph":
            child.eid = f"para_{child.num}"
            _assign_children(child, "")
        else:
            child.eid = child.type


def _assign_children(parent: Node, chapter_prefix: str) -> None:
    indents = 0
    for child in parent.children:
        if child.type == "chapter":
            child.eid = f"{chapter_prefix}chp_{child.num}"
        elif child.type == "paragraph":
            child.eid = f"{parent.eid}__para_{child.num}"
        elif child.type == "point":
            child.eid = f"{parent.eid}__point_{child.num}"
        elif child.type == "indent":
            indents += 1
            child.eid = f"{parent.eid}__indent_{indents}"
        else:
            child.eid = f"{parent.eid}__wrapup"
        _assign_children(child, chapter_prefix)


def _check_unique(root: Node, line_of: dict[int, int]) -> None:
    seen: dict[str, Node] = {}
    for node in root.walk():
        if node.eid in seen:
            raise ParseError(
                line_of.get(id(node), 1),
                f"this provision would get the eId {node.eid!r}, which the provision on line "
                f"{line_of.get(id(seen[node.eid]), 1)} already has; renumber one of them",
            )
        seen[node.eid] = node


# --- the act as a whole ---------------------------------------------------------------------------


def parse_official_text(text: str, lang: Lang) -> ParsedAct:
    """Parse one language expression of an act; raises ParseError(line, reason) if it cannot."""
    lines = _split_lines(text)
    if not lines:
        raise ParseError(
            1,
            "the text is empty; expected the act's title on the first line, then the citation "
            "line ('… 2021 жылғы 12 қарашадағы № 514 қаулысы.' / 'Постановление … от … № …')",
        )
    title = lines[0]
    i = 1
    status_words: list[str] = []
    while i < len(lines) and lines[i].folded in _STATUS_WORDS:
        status_words.append(lines[i].text)
        i += 1
    citation, preface_lines = _read_citation(lines, i)
    i += len(preface_lines)

    root = Node("act", "act", heading=title.text)
    preface = Node("preface", "preface", text="\n".join(line.text for line in preface_lines))
    root.children.append(preface)
    builder = _Builder(lines, root, _find_stamps(lines, i))
    builder.line_of[id(preface)] = preface_lines[0].no
    builder.run(i)

    _assign_eids(root)
    _check_unique(root, builder.line_of)
    notes = [Note(n.node.eid, n.text, n.placement) for n in builder.notes]
    history = [entry for note in builder.notes for entry in _history(note, lang)]
    history += _repeals_in_text(root, lang, builder.line_of)
    effect = _own_entry_into_force(root)
    return ParsedAct(
        lang=lang,
        act=citation.act,
        title=title.text,
        root=root,
        notes=notes,
        history=history,
        status_words=status_words,
        days_after_publication=effect.days_after_publication,
        in_force_on=effect.on,
        place=citation.place,
        registration_number=citation.registration_number,
        registration_date=citation.registration_date,
    )


def _read_citation(lines: Sequence[_Line], i: int) -> tuple[_Citation, list[_Line]]:
    after = lines[i - 1].no + 1
    if i >= len(lines) or (citation := _parse_citation(lines[i])) is None:
        raise ParseError(
            lines[i].no if i < len(lines) else after,
            "expected the citation line under the title (and its status words), e.g. "
            "'Қостанай облысы әкімдігінің 2021 жылғы 12 қарашадағы № 514 қаулысы.' or "
            "'Постановление акимата … от 18 августа 2015 года № 1007/15.'; the registry needs "
            "the act's type, date and number from it",
        )
    used = [lines[i]]
    if i + 1 < len(lines) and (registered := _parse_registration(lines[i + 1], citation)):
        citation = registered
        used.append(lines[i + 1])
    return citation, used


def _repeals_in_text(root: Node, lang: Lang, line_of: dict[int, int]) -> list[NotedAmendment]:
    """Provisions printed as "N. Алып тасталды - … қаулысымен" record their repeal inline."""
    entries: list[NotedAmendment] = []
    for node in root.walk():
        if node.state == "repealed" and node.text:
            note = _PendingNote(node, node.text, "after", [node], line_of.get(id(node), 1))
            entries += _history(note, lang)
    return entries


def _own_entry_into_force(root: Node) -> Effect:
    body = [n for c in root.children if c.type != "attachment" for n in c.walk()]
    for node in reversed(body):
        if node.type != "paragraph" or not node.text:
            continue
        key = fold_lookalikes(node.text).casefold()
        if _IN_FORCE_VERB.search(key) and _THIS_ACT.search(key):
            effect = entry_into_force(node.text)
            if effect:
                return effect
    return Effect(STATUTORY_DAYS)
