"""HTML of the registry: interface labels (kk, ru), an act as semantic HTML, standalone documents.

Pure: no web framework. Every piece of act text goes through :func:`markupsafe.escape`; the
functions return :class:`markupsafe.Markup` (fragments) or ``str`` (whole documents).

An act renders as an ``<article>`` whose provisions carry their eId as ``id`` (an anchor that does
not change when the wording does) and a small link to their history page. Numbers are decorated
in the language of the act, not of the interface: "2-тарау." / "Глава 2.", "15.", "41)".
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from registry.acts import ActView, Gap
    from registry.model import Node, Note

UI_LANGS = ("kk", "ru")
STATIC = Path(__file__).parent / "static"

# --- interface labels ------------------------------------------------------------------------

_LABELS: dict[str, dict[str, str]] = {
    "kk": {
        "app_name": "Кеңсе",
        "app_tagline": "Құқықтық актілердің тізілімі",
        "login": "Кіру",
        "verify": "Қолтаңбаны тексеру",
        "verify_intro": "Алған қол қойылған PDF немесе XML файлды жүктеп, "
        "оның жарамдылығын тексеріңіз.",
        "verify_file": "Қол қойылған файл",
        "verify_button": "Тексеру",
        "sign": "Қол қою",
        "sign_intro": "Құжатты қарап шығып, кілт файлын (PKCS#12) және оның құпиясөзін беріңіз.",
        "key_file": "Кілт файлы (.p12)",
        "position": "Лауазымы",
        "signer": "Қол қойған",
        "signed_at": "Қол қойылған уақыты",
        "indication": "Нәтиже",
        "covered": "Қолтаңба қамтитыны",
        "revocation": "Кері қайтарып алуды тексеру",
        "registry_record": "Тізілімдегі жазба",
        "matches": "Тізілімдегі жазбаға сәйкес",
        "no_match": "Тізілімдегі жазбаға сәйкес емес",
        "not_ours": "Бұл файлды тізілім шығармаған",
        "status": "Мәртебесі",
        "not_signed_yet": "Құжатқа әлі қол қойылмаған",
        "PASSED": "Қолтаңба жарамды",
        "FAILED": "Қолтаңба жарамсыз",
        "INDETERMINATE": "Әзірге анықтау мүмкін емес",
        "logout": "Шығу",
        "username": "Пайдаланушы аты",
        "password": "Құпиясөз",
        "signed_in_as": "Кірген пайдаланушы",
        "audit": "Аудит журналы",
        "audit_ok": "Тізбек бүтін",
        "audit_broken": "Тізбек бұзылған",
        "entries": "жазба",
        "action": "Әрекет",
        "actor": "Орындаушы",
        "subject": "Нысан",
        "since": "Басы",
        "until": "Соңы",
        "when": "Уақыты",
        "detail": "Толығырақ",
        "filter": "Сүзу",
        "older": "Ертеректегілер",
        "no_entries": "Жазба жоқ",
        "skip_to_content": "Негізгі мазмұнға өту",
        "nav": "Негізгі мәзір",
        "acts": "Құқықтық актілер",
        "documents": "Құжат шығару",
        "new_document": "Құжат шығару",
        "template": "Үлгі",
        "preview": "Алдын ала қарау",
        "finalise": "Нөмір беріп рәсімдеу",
        "issue": "Шығару",
        "issued": "Құжат шығарылды",
        "ui_language": "Интерфейс тілі",
        "ui_kk": "Қазақша",
        "ui_ru": "Русский",
        "search": "Іздеу",
        "search_label": "Атауы немесе қабылдаған орган бойынша іздеу",
        "search_placeholder": "Мысалы: жұмыспен қамту",
        "results": "Табылған актілер",
        "no_results": "Ештеңе табылмады",
        "title": "Атауы",
        "type": "Түрі",
        "number": "Нөмірі",
        "date": "Күні",
        "issuer": "Қабылдаған орган",
        "languages": "Тілдері",
        "text_not_held": "Мәтіні тізілімде жоқ",
        "no_title": "Атауы тізілімде жоқ",
        "not_held": "тізілімде жоқ",
        "text_language": "Мәтін тілі",
        "lang_kk": "қазақ тілінде",
        "lang_ru": "орыс тілінде",
        "versions": "Редакциялар",
        "timeline": "Редакциялардың уақыт шкаласы",
        "version_of": "Редакция",
        "shown_version": "көрсетіліп тұрған редакция",
        "original_version": "бастапқы мәтін",
        "date_assumed": "күні болжамды: алғашқы ресми жариялану күні дереккөзде жоқ",
        "date_assumed_short": "күні болжамды",
        "other_language_only": "тек басқа тілде",
        "show_on_date": "Қай күнгі редакция",
        "show": "Көрсету",
        "today": "Бүгін",
        "in_force_interval": "Осы редакцияның қолданылу мерзімі",
        "to_date": "қазіргі уақытқа дейін",
        "amended_by": "Өзгерткен акт",
        "pending": "Күшіне ену күні әлі белгісіз өзгерістер",
        "lifecycle": "Актінің өмірлік циклі",
        "compare": "Салыстыру",
        "compare_versions": "Редакцияларды салыстыру",
        "old_version": "Ескі редакция",
        "new_version": "Жаңа редакция",
        "diff_title": "Редакциялардың айырмашылығы",
        "summary": "Қорытынды",
        "kind_added": "қосылды",
        "kind_removed": "алып тасталды",
        "kind_changed": "өзгертілді",
        "inserted_words": "қосылған сөздер",
        "deleted_words": "алып тасталған сөздер",
        "no_changes": "Бұл екі редакцияның арасында айырмашылық жоқ",
        "state_changed": "Күйі",
        "history": "Тарих",
        "history_title": "Құрылымдық элементтің редакциялары",
        "history_link": "осы элементтің редакциялар тарихы",
        "anchor_link": "осы элементке сілтеме",
        "state": "Күйі",
        "state_in_force": "қолданыста",
        "state_repealed": "алып тасталды",
        "state_not_held": "мәтіні тізілімде жоқ",
        "text": "Мәтіні",
        "open_at": "Осы күнгі актіні ашу",
        "held_from": "Тізілімдегі редакцияны ашу",
        "not_held_heading": "Бұл күнгі мәтін тізілімде жоқ",
        "gap_sentence": "Тізілімде осы элементтің {date} бастап қолданылатын редакциясы бар",
        "gap_by": "№ {number}, {date}",
        "error": "Қате",
        "error_400": "Сұрау дұрыс емес",
        "error_403": "Рұқсат жоқ",
        "error_404": "Табылмады",
        "error_409": "Қайшылық",
        "error_422": "Сұрау дұрыс емес",
        "error_429": "Әрекет тым көп",
        "error_500": "Ішкі қате",
        "error_back": "Актілер тізіміне оралу",
        "type_act": "акт",
        "type_resolution": "қаулы",
        "type_decision": "шешім",
        "type_order": "бұйрық",
        "type_law": "заң",
        "type_decree": "жарлық",
        "type_code": "кодекс",
        "node_act": "акт",
        "node_preface": "деректемелер",
        "node_preamble": "кіріспе",
        "node_chapter": "тарау",
        "node_paragraph": "тармақ",
        "node_point": "тармақша",
        "node_indent": "абзац",
        "node_wrapUp": "қорытынды абзац",
        "node_conclusions": "қолтаңба",
        "node_attachment": "қосымша",
        "legend": "Шартты белгілер",
        "version": "редакция",
        "version_list": "Редакциялар тізімі",
        "event_draft": "жоба",
        "event_adopted": "қабылданды",
        "event_submitted": "тіркеуге жіберілді",
        "event_registered": "мемлекеттік тіркелді",
        "event_published": "алғашқы ресми жарияланды",
        "event_in_force": "қолданысқа енгізілді",
        "event_repealed": "күші жойылды",
        "rule_fixed": "белгіленген күннен бастап",
        "rule_publication": "алғашқы ресми жарияланған күнінен бастап",
        "rule_days": "алғашқы ресми жарияланғаннан кейін күнтізбелік {n} күн өткен соң",
        "act_text": "Актінің мәтіні",
        "changes": "Өзгерістер",
    },
    "ru": {
        "app_name": "Кеңсе",
        "app_tagline": "Реестр правовых актов",
        "login": "Войти",
        "verify": "Проверка подписи",
        "verify_intro": "Загрузите полученный подписанный PDF или XML, "
        "чтобы проверить его подлинность.",
        "verify_file": "Подписанный файл",
        "verify_button": "Проверить",
        "sign": "Подписать",
        "sign_intro": "Просмотрите документ и укажите файл ключа (PKCS#12) и его пароль.",
        "key_file": "Файл ключа (.p12)",
        "position": "Должность",
        "signer": "Подписал",
        "signed_at": "Время подписания",
        "indication": "Результат",
        "covered": "Что охватывает подпись",
        "revocation": "Проверка отзыва",
        "registry_record": "Запись в реестре",
        "matches": "Совпадает с записью реестра",
        "no_match": "Не совпадает с записью реестра",
        "not_ours": "Этот файл выпущен не реестром",
        "status": "Статус",
        "not_signed_yet": "Документ ещё не подписан",
        "PASSED": "Подпись действительна",
        "FAILED": "Подпись недействительна",
        "INDETERMINATE": "Пока определить невозможно",
        "logout": "Выйти",
        "username": "Имя пользователя",
        "password": "Пароль",
        "signed_in_as": "Вы вошли как",
        "audit": "Журнал аудита",
        "audit_ok": "Цепочка цела",
        "audit_broken": "Цепочка нарушена",
        "entries": "записей",
        "action": "Действие",
        "actor": "Исполнитель",
        "subject": "Объект",
        "since": "С",
        "until": "По",
        "when": "Время",
        "detail": "Подробности",
        "filter": "Отобрать",
        "older": "Более ранние",
        "no_entries": "Записей нет",
        "skip_to_content": "Перейти к основному содержанию",
        "nav": "Основное меню",
        "acts": "Правовые акты",
        "documents": "Выпуск документа",
        "new_document": "Выпуск документа",
        "template": "Шаблон",
        "preview": "Предпросмотр",
        "finalise": "Оформить с номером",
        "issue": "Выпустить",
        "issued": "Документ выпущен",
        "ui_language": "Язык интерфейса",
        "ui_kk": "Қазақша",
        "ui_ru": "Русский",
        "search": "Найти",
        "search_label": "Поиск по названию или принявшему органу",
        "search_placeholder": "Например: занятость",
        "results": "Найденные акты",
        "no_results": "Ничего не найдено",
        "title": "Наименование",
        "type": "Вид",
        "number": "Номер",
        "date": "Дата",
        "issuer": "Принявший орган",
        "languages": "Языки",
        "text_not_held": "Текст в реестре отсутствует",
        "no_title": "Наименование в реестре отсутствует",
        "not_held": "нет в реестре",
        "text_language": "Язык текста",
        "lang_kk": "на казахском",
        "lang_ru": "на русском",
        "versions": "Редакции",
        "timeline": "Шкала редакций",
        "version_of": "Редакция",
        "shown_version": "показанная редакция",
        "original_version": "первоначальный текст",
        "date_assumed": (
            "дата предполагаемая: дата первого официального опубликования в источнике не указана"
        ),
        "date_assumed_short": "дата предполагаемая",
        "other_language_only": "только на другом языке",
        "show_on_date": "Редакция на дату",
        "show": "Показать",
        "today": "Сегодня",
        "in_force_interval": "Период действия этой редакции",
        "to_date": "по настоящее время",
        "amended_by": "Изменяющий акт",
        "pending": "Изменения, дата вступления в силу которых ещё не известна",
        "lifecycle": "Жизненный цикл акта",
        "compare": "Сравнить",
        "compare_versions": "Сравнение редакций",
        "old_version": "Прежняя редакция",
        "new_version": "Новая редакция",
        "diff_title": "Различия между редакциями",
        "summary": "Итого",
        "kind_added": "добавлено",
        "kind_removed": "исключено",
        "kind_changed": "изменено",
        "inserted_words": "добавленные слова",
        "deleted_words": "исключённые слова",
        "no_changes": "Между этими редакциями различий нет",
        "state_changed": "Состояние",
        "history": "История",
        "history_title": "Редакции структурного элемента",
        "history_link": "история редакций этого элемента",
        "anchor_link": "ссылка на этот элемент",
        "state": "Состояние",
        "state_in_force": "действует",
        "state_repealed": "исключён",
        "state_not_held": "текст в реестре отсутствует",
        "text": "Текст",
        "open_at": "Открыть акт на эту дату",
        "held_from": "Открыть редакцию, имеющуюся в реестре",
        "not_held_heading": "Текста на эту дату в реестре нет",
        "gap_sentence": "В реестре есть редакция этого элемента, действующая с {date}",
        "gap_by": "№ {number} от {date}",
        "error": "Ошибка",
        "error_400": "Некорректный запрос",
        "error_403": "Доступ запрещён",
        "error_404": "Не найдено",
        "error_409": "Конфликт",
        "error_422": "Некорректный запрос",
        "error_429": "Слишком много попыток",
        "error_500": "Внутренняя ошибка",
        "error_back": "Вернуться к списку актов",
        "type_act": "акт",
        "type_resolution": "постановление",
        "type_decision": "решение",
        "type_order": "приказ",
        "type_law": "закон",
        "type_decree": "указ",
        "type_code": "кодекс",
        "node_act": "акт",
        "node_preface": "реквизиты",
        "node_preamble": "преамбула",
        "node_chapter": "глава",
        "node_paragraph": "пункт",
        "node_point": "подпункт",
        "node_indent": "абзац",
        "node_wrapUp": "заключительный абзац",
        "node_conclusions": "подпись",
        "node_attachment": "приложение",
        "legend": "Условные обозначения",
        "version": "редакция",
        "version_list": "Список редакций",
        "event_draft": "проект",
        "event_adopted": "принят",
        "event_submitted": "направлен на государственную регистрацию",
        "event_registered": "прошёл государственную регистрацию",
        "event_published": "впервые официально опубликован",
        "event_in_force": "введён в действие",
        "event_repealed": "утратил силу",
        "rule_fixed": "с установленной даты",
        "rule_publication": "со дня первого официального опубликования",
        "rule_days": "по истечении {n} календарных дней после первого официального опубликования",
        "act_text": "Текст акта",
        "changes": "Изменения",
    },
}

#: What the official text prints in place of a repealed provision, in the act's language.
REPEALED = {"kk": "алып тасталды", "ru": "исключен"}
#: A heading for an unnumbered section whose own heading is not held, in the act's language.
SECTION_WORD = {
    "attachment": {"kk": "Қосымша", "ru": "Приложение"},
    "chapter": {"kk": "Тарау", "ru": "Глава"},
}


def labels(ui: str) -> dict[str, str]:
    """All interface strings in ``ui`` (kk or ru; anything else falls back to kk)."""
    return dict(_LABELS.get(ui, _LABELS["kk"]))


# --- the act as HTML -------------------------------------------------------------------------


def decorated_num(node_type: str, num: str | None, lang: str) -> str:
    """The number as the official text prints it: "2-тарау." / "Глава 2.", "15.", "41)"."""
    if not num:
        return ""
    if node_type == "chapter":
        return f"Глава {num}." if lang == "ru" else f"{num}-тарау."
    if node_type == "point":
        return f"{num})"
    return f"{num}."


def history_url(view: ActView, eid: str, base: str = "/acts") -> str:
    return f"{base}{view.uri.work}/provisions/{quote(eid, safe='')}/history?lang={view.lang}"


class _Renderer:
    def __init__(self, view: ActView, ui: str, links: bool, base: str) -> None:
        self.view = view
        self.lang = view.lang
        self.t = labels(ui)
        self.links = links
        self.base = base
        self.notes: dict[tuple[str, str], list[Note]] = defaultdict(list)
        for note in view.notes:
            self.notes[(note.eid, note.placement)].append(note)
        self.gaps: dict[str, Gap] = {gap.eid: gap for gap in view.gaps}

    # pieces

    def notes_of(self, eid: str, placement: str) -> Markup:
        return Markup("").join(
            Markup('<p class="note" role="note">{}</p>').format(self.text_lines(note.text))
            for note in self.notes.get((eid, placement), [])
        )

    @staticmethod
    def text_lines(text: str) -> Markup:
        """Lines of one printed paragraph joined by <br> (used inside notes and stamps)."""
        return Markup("<br>").join(escape(line) for line in text.split("\n"))

    def num(self, node: Node) -> Markup:
        label = decorated_num(node.type, node.num, self.lang)
        if not label:
            return Markup("")
        return Markup('<a class="num" href="#{}" title="{}">{}</a> ').format(
            node.eid, self.t["anchor_link"], label
        )

    def hist(self, node: Node) -> Markup:
        if not self.links:
            return Markup("")
        return Markup(
            ' <a class="hist" href="{}" title="{}" aria-label="{}: {}">'
            '<span aria-hidden="true">⟲</span></a>'
        ).format(
            history_url(self.view, node.eid, self.base),
            self.t["history_link"],
            self.t["history_link"],
            decorated_num(node.type, node.num, self.lang) or node.eid,
        )

    def heading(self, node: Node, level: int, extra: Markup | None = None) -> Markup:
        tag = f"h{min(level, 6)}"
        words = escape(node.heading) if node.heading else Markup("")
        if not node.heading and not node.num and node.state != "in_force":
            words = escape(SECTION_WORD.get(node.type, {}).get(self.lang, ""))
        return Markup('<{} class="heading">{}{}{}{}</{}>').format(
            Markup(tag), self.num(node), words, extra or "", self.hist(node), Markup(tag)
        )

    def lead(self, node: Node) -> Markup:
        """The numbered first line and any further printed paragraphs of a node's own text."""
        lines = (node.text or "").split("\n") if node.text else []
        head = Markup("")
        if node.heading and node.type not in ("chapter", "attachment", "act"):
            head = Markup('<strong class="heading">{}</strong> ').format(node.heading)
        first = escape(lines[0]) if lines else Markup("")
        out = Markup('<p class="lead">{}{}{}{}</p>').format(
            self.num(node), head, first, self.hist(node)
        )
        rest = Markup("").join(Markup("<p>{}</p>").format(line) for line in lines[1:])
        return out + rest

    def gap_box(self, node: Node) -> Markup:
        gap = self.gaps.get(node.eid)
        message = self.t["state_not_held"]
        if gap and gap.held_from:
            message = self.t["gap_sentence"].format(date=gap.held_from.strftime("%d.%m.%Y"))
            if gap.held_by:
                by_date = date.fromisoformat(gap.held_by["date"]).strftime("%d.%m.%Y")
                by = self.t["gap_by"].format(number=gap.held_by["number"], date=by_date)
                message += f" ({by})"
            message += "."
        link = Markup("")
        if self.links and gap and gap.held_from:
            link = Markup(' <a href="?lang={}&amp;at={}#{}">{} ({})</a>').format(
                self.lang,
                gap.held_from.isoformat(),
                node.eid,
                self.t["held_from"],
                gap.held_from.strftime("%d.%m.%Y"),
            )
        return Markup(
            '<div class="not-held" role="note"><strong>{}.</strong> <span>{}</span>{}</div>'
        ).format(self.t["not_held_heading"], message, link)

    # nodes

    def node(self, node: Node, level: int) -> Markup:
        classes = f"provision {node.type}"
        if node.state != "in_force":
            classes += f" state-{node.state.replace('_', '-')}"
        if node.type in ("chapter", "attachment"):
            return self.section(node, level, classes)
        if node.type in ("preface", "preamble", "conclusions"):
            lines = [line for line in (node.text or "").split("\n") if line] or [""]
            inner = Markup("<p>{}{}</p>").format(lines[0], self.hist(node))
            inner += Markup("").join(Markup("<p>{}</p>").format(line) for line in lines[1:])
            inner += self.state_part(node)
        elif node.state == "repealed":
            inner = Markup('<p class="lead">{}<span class="repealed">{}</span>{}</p>').format(
                self.num(node), REPEALED.get(self.lang, REPEALED["kk"]), self.hist(node)
            )
        elif node.state == "not_held":
            inner = Markup('<p class="lead">{}{}</p>').format(self.num(node), self.hist(node))
            inner += self.gap_box(node)
        else:
            inner = self.lead(node)
        inner += self.notes_of(node.eid, "after_heading")
        inner += self.children(node, level)
        inner += self.notes_of(node.eid, "after")
        return Markup('<div class="{}" id="{}">{}</div>').format(classes, node.eid, inner)

    def state_part(self, node: Node) -> Markup:
        if node.state == "not_held":
            return self.gap_box(node)
        if node.state == "repealed":
            return Markup('<p class="repealed">{}</p>').format(
                REPEALED.get(self.lang, REPEALED["kk"])
            )
        return Markup("")

    def section(self, node: Node, level: int, classes: str) -> Markup:
        parts: list[Markup] = []
        if node.type == "attachment" and node.text and node.state == "in_force":
            parts.append(Markup('<p class="stamp">{}</p>').format(self.text_lines(node.text)))
        extra = Markup("")
        if node.state == "repealed":
            extra = Markup(' <span class="repealed">{}</span>').format(
                REPEALED.get(self.lang, REPEALED["kk"])
            )
        if node.heading or node.num or node.state != "in_force":
            parts.append(self.heading(node, level, extra))
        elif self.links:
            parts.append(Markup('<p class="lead">{}</p>').format(self.hist(node)))
        parts.append(self.notes_of(node.eid, "after_heading"))
        if node.state == "not_held":
            parts.append(self.gap_box(node))
        elif node.type == "chapter" and node.text and node.state == "in_force":
            parts.extend(Markup("<p>{}</p>").format(line) for line in node.text.split("\n"))
        parts.append(self.children(node, level + 1))
        parts.append(self.notes_of(node.eid, "after"))
        return Markup('<section class="{}" id="{}">{}</section>').format(
            classes, node.eid, Markup("").join(parts)
        )

    def children(self, node: Node, level: int) -> Markup:
        return Markup("").join(self.node(child, level) for child in node.children)

    def act(self, level: int) -> Markup:
        root = self.view.root
        title = self.view.title or root.heading or ""
        inner = Markup('<h{} class="act-title">{}</h{}>').format(level, title, level)
        inner += self.notes_of(root.eid, "after_heading")
        if root.text:
            inner += Markup("").join(Markup("<p>{}</p>").format(x) for x in root.text.split("\n"))
        inner += self.children(root, level + 1)
        inner += self.notes_of(root.eid, "after")
        return Markup('<article class="act" id="{}" lang="{}">{}</article>').format(
            root.eid, self.lang, inner
        )


def act_fragment(
    view: ActView,
    *,
    ui: str | None = None,
    level: int = 2,
    links: bool = True,
    base: str = "/acts",
) -> Markup:
    """The act body as semantic HTML.

    ``ui`` is the language of the few interface words inside (link titles, the not-held notice;
    default: the act's language). ``level`` is the heading level of the title (2 inside a page
    whose <h1> is the title, 1 in a standalone document). ``links=False`` leaves out the links
    to other pages (history, the held wording), keeping the in-document anchors.
    """
    renderer = _Renderer(view, ui if ui in UI_LANGS else view.lang, links, base)
    return renderer.act(max(1, min(level, 6)))


@cache
def act_css() -> str:
    """The stylesheet of an act body (shared by the pages and standalone documents)."""
    return (STATIC / "act.css").read_text(encoding="utf-8")


def act_document(view: ActView) -> str:
    """A complete standalone HTML5 document of the act, with its CSS inline."""
    t = labels(view.lang)
    until = view.valid_to.strftime("%d.%m.%Y") if view.valid_to else t["to_date"]
    assumed = Markup(" <em>({})</em>").format(t["date_assumed"]) if view.date_assumed else ""
    meta = Markup('<p class="act-meta">{}: {} – {}{}</p>').format(
        t["in_force_interval"], view.valid_from.strftime("%d.%m.%Y"), until, assumed
    )
    body = act_fragment(view, level=1, links=False)
    doc = Markup(
        "<!DOCTYPE html>\n"
        '<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="Kense">\n'
        '<meta name="dcterms.identifier" content="{expression}">\n'
        "<title>{title}</title>\n<style>\n{css}\n</style>\n</head>\n"
        '<body class="document">\n<main>\n{meta}\n{body}\n</main>\n</body>\n</html>\n'
    ).format(
        lang=view.lang,
        expression=view.uri.expression(view.lang, view.valid_from),
        title=view.title,
        css=Markup(act_css().replace("</", "<\\/")),
        meta=meta,
        body=body,
    )
    return str(doc)


# --- error pages -----------------------------------------------------------------------------


def error_page(
    ui: str,
    status: int,
    message: str,
    *,
    home: str = "/acts",
    stylesheet: str = "/static/registry/kense.css",
) -> str:
    """A complete HTML page for an error on an HTML route (app.py's handlers call it)."""
    t = labels(ui)
    ui = ui if ui in UI_LANGS else "kk"
    heading = t.get(f"error_{status}", t["error"])
    switch = Markup("").join(
        Markup('<a href="?ui={}" lang="{}" hreflang="{}"{}>{}</a>').format(
            code,
            code,
            code,
            Markup(' aria-current="true"') if code == ui else Markup(""),
            t[f"ui_{code}"],
        )
        for code in UI_LANGS
    )
    doc = Markup(
        "<!DOCTYPE html>\n"
        '<html lang="{ui}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>{status} {heading} — {app}</title>\n"
        '<link rel="icon" type="image/svg+xml" href="/static/registry/favicon.svg">\n'
        '<link rel="stylesheet" href="{css}">\n</head>\n<body>\n'
        '<header class="site"><div class="wrap">'
        '<a class="brand" href="{home}">{app}</a>'
        '<nav class="ui-switch" aria-label="{ui_label}">{switch}</nav></div></header>\n'
        '<main id="main" class="wrap error-page">\n'
        '<h1><span class="status">{status}</span> {heading}</h1>\n'
        '<p class="error-message">{message}</p>\n'
        '<p><a href="{home}">{back}</a></p>\n</main>\n</body>\n</html>\n'
    ).format(
        ui=ui,
        status=status,
        heading=heading,
        app=t["app_name"],
        css=stylesheet,
        home=home,
        ui_label=t["ui_language"],
        switch=switch,
        message=message,
        back=t["error_back"],
    )
    return str(doc)
