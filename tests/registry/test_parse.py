"""Tests of registry.parse: the seed act, the published samples, rejections, generated acts."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.errors import ParseError
from registry.model import ActRef, Lang, Node, ParsedAct
from registry.parse import entry_into_force, kk_nominative, parse_official_text, place_of
from registry.render import to_text

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "registry" / "seed" / "kostanay-514-2021-ereje.kk.md"
FIXTURES = sorted((ROOT / "tests" / "registry" / "fixtures").glob("*.txt"))


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def load_sample(path: Path) -> tuple[Lang, str]:
    header, body = path.read_text(encoding="utf-8").split("\n---\n", 1)
    lang = re.search(r"^lang: (\w+)$", header, re.M)
    assert lang and lang[1] in ("kk", "ru")
    return lang[1], body.replace("[...]", "")  # type: ignore[return-value]


def source_words(text: str, parsed: ParsedAct) -> list[str]:
    """Words of the source without the status words, which are not part of the act."""
    result = words(text)
    for status in parsed.status_words:
        for word in words(status):
            result.remove(word)
    return result


def eids(root: Node) -> list[str]:
    return [node.eid for node in root.walk()]


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed(seed_text: str) -> ParsedAct:
    return parse_official_text(seed_text, "kk")


def node(parsed: ParsedAct, eid: str) -> Node:
    found = parsed.root.find(eid)
    assert found is not None, eid
    return found


# --- the seed ---------------------------------------------------------------------------------


def test_seed_resolution_points(seed: ParsedAct) -> None:
    body = [c for c in seed.root.children if c.type == "paragraph"]
    assert [p.num for p in body] == ["1", "2", "3", "4"]
    assert [p.eid for p in body] == ["para_1", "para_2", "para_3", "para_4"]
    point_2 = node(seed, "para_2")
    assert [c.eid for c in point_2.children] == [f"para_2__point_{n}" for n in (1, 2, 3)]


def test_seed_head_and_signature(seed: ParsedAct) -> None:
    types = [c.type for c in seed.root.children]
    assert types[:3] == ["preface", "preamble", "paragraph"]
    assert types[-3:] == ["conclusions", "attachment", "attachment"]
    assert seed.title == seed.root.heading
    assert seed.title.startswith('"Қостанай облысы әкімдігінің') and "**" not in seed.title
    assert node(seed, "preface").text == (
        "Қостанай облысы әкімдігінің 2021 жылғы 12 қарашадағы № 514 қаулысы."
    )
    preamble = node(seed, "preamble").text or ""
    assert preamble.endswith("ҚАУЛЫ ЕТЕДІ:")
    assert node(seed, "conclusions").text == "Қостанай облысының әкімі\nА. Мұхамбетов"
    assert seed.status_words == []


def test_seed_citation(seed: ParsedAct) -> None:
    assert seed.act == ActRef("resolution", "514", date(2021, 11, 12), "Қостанай облысы әкімдігі")
    assert seed.place == "kz-kus"
    assert seed.registration_number is None
    assert seed.days_after_publication == 0


def test_seed_regulation_chapters_and_paragraphs(seed: ParsedAct) -> None:
    regulation = node(seed, "att_1")
    assert regulation.text == (
        "Қостанай облысы әкімдігінің\n2021 жылғы 12 қарашадағы\n№ 514 қаулысымен\nбекітілген"
    )
    assert (regulation.heading or "").endswith("мемлекеттік мекемесі туралы ереже")
    chapters = regulation.children
    assert [c.eid for c in chapters] == [f"chp_{n}" for n in range(1, 6)]
    assert chapters[0].heading == "Жалпы ережелер"
    assert chapters[1].heading == "Мемлекеттік органның міндеттері мен өкілеттігі"
    paragraphs = [p for c in chapters for p in c.children]
    assert [p.num for p in paragraphs] == [str(n) for n in range(1, 25)]
    assert all(p.type == "paragraph" for p in paragraphs)


def test_seed_paragraph_15(seed: ParsedAct) -> None:
    para = node(seed, "chp_2__para_15")
    assert para.text == "Функциялары:"
    assert [c.num for c in para.children] == [str(n) for n in range(1, 52)]
    assert all(c.type == "point" for c in para.children)
    listed = node(seed, "chp_2__para_15__point_5")
    assert (listed.text or "").startswith("кәсіпкерлік бастаманы")
    point_31 = node(seed, "chp_2__para_15__point_31")
    assert point_31.text == "мыналарды:"
    assert [c.eid for c in point_31.children] == [
        "chp_2__para_15__point_31__indent_1",
        "chp_2__para_15__point_31__indent_2",
    ]


def test_seed_paragraph_19_wrap_up(seed: ParsedAct) -> None:
    para = node(seed, "chp_3__para_19")
    assert [c.type for c in para.children] == ["point"] * 9 + ["wrapUp"]
    wrap = para.children[-1]
    assert wrap.eid == "chp_3__para_19__wrapup"
    assert (wrap.text or "").startswith("Басқарманың бірінші басшысы болмаған кезеңде")


def test_seed_paragraph_14_indents(seed: ParsedAct) -> None:
    para = node(seed, "chp_2__para_14")
    rights, duties = para.children
    assert (rights.text, duties.text) == ("құқықтары:", "міндеттері:")
    assert [c.type for c in rights.children] == ["indent"] * 4
    assert [c.type for c in duties.children] == ["indent"] * 5
    assert duties.children[-1].eid == "chp_2__para_14__point_2__indent_5"
    assert (duties.children[-1].text or "").endswith("өзге де міндеттері.")


def test_seed_extra_printed_paragraph_joins_text(seed: ParsedAct) -> None:
    para = node(seed, "chp_1__para_12")
    assert para.children == []
    _, second = (para.text or "").split("\n")
    assert second.startswith("Егер Басқармаға заңнамалық актілермен")


def test_seed_appendix(seed: ParsedAct) -> None:
    appendix = node(seed, "att_2")
    assert (appendix.text or "").split("\n")[-1] == "қосымша"
    assert appendix.text.startswith('"Қостанай облысы әкімдігінің\nжұмыспен')  # type: ignore[union-attr]
    assert [c.eid for c in appendix.children] == [f"att_2__para_{n}" for n in range(1, 14)]


def test_seed_notes_and_history(seed: ParsedAct) -> None:
    assert [(n.eid, n.placement) for n in seed.notes] == [
        ("chp_2__para_15", "after"),
        ("att_2", "after_heading"),
    ]
    assert all("17.10.2023 № 445" in n.text and "**" not in n.text for n in seed.notes)
    assert all(n.text.startswith("Ескерту.") for n in seed.notes)
    for eid in ("chp_2__para_15", "att_2"):
        assert "Ескерту" not in (node(seed, eid).text or "")
    amending = ActRef("resolution", "445", date(2023, 10, 17), "Қостанай облысы әкімдігі")
    assert [(h.eid, h.kind, h.act, h.days_after_publication) for h in seed.history] == [
        ("chp_2__para_15", "substitute", amending, 0),
        ("att_2", "changed", amending, 0),
    ]


def test_notes_never_leak_into_text(seed: ParsedAct) -> None:
    for provision in seed.root.walk():
        for field in (provision.text, provision.heading):
            assert "Ескерту" not in (field or "")


def test_seed_eids_unique(seed: ParsedAct) -> None:
    ids = eids(seed.root)
    assert len(ids) == len(set(ids))


def test_seed_round_trip_words(seed_text: str, seed: ParsedAct) -> None:
    assert words(to_text(seed.root, seed.notes, "kk")) == words(seed_text)


def test_seed_parses_fast(seed_text: str) -> None:
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        parse_official_text(seed_text, "kk")
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.05


# --- published samples ------------------------------------------------------------------------

SAMPLE_EXPECTATIONS = {
    "11": (["Жаңа"], ActRef("resolution", "297/1", date(2023, 3, 15)), "kz-pav", "7315"),
    "12": (["Обновленный"], ActRef("resolution", "1007/15", date(2015, 8, 18)), "kz-pav", "4689"),
    "13": (["Новый"], ActRef("order", "157", date(2024, 5, 22)), "kz", "34405"),
    "14": ([], ActRef("order", "157", date(2024, 5, 22)), "kz", "34405"),
}


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_sample_round_trip_and_citation(path: Path) -> None:
    lang, text = load_sample(path)
    parsed = parse_official_text(text, lang)
    status, act, place, registration = SAMPLE_EXPECTATIONS[path.name[:2]]
    assert parsed.status_words == status
    assert (parsed.act.type, parsed.act.number, parsed.act.date) == (act.type, act.number, act.date)
    assert (parsed.place, parsed.registration_number) == (place, registration)
    preface = node(parsed, "preface").text or ""
    assert preface in text and preface.startswith(("Павлодар", "Постановление", "Приказ", "Қаз"))
    assert words(to_text(parsed.root, parsed.notes, lang)) == source_words(text, parsed)
    ids = eids(parsed.root)
    assert len(ids) == len(set(ids))


def test_sample_issuers_in_the_nominative() -> None:
    issuers = {}
    for path in FIXTURES:
        lang, text = load_sample(path)
        issuers[path.name[:2]] = parse_official_text(text, lang).act.issuer
    assert issuers == {
        "11": "Павлодар облысы Павлодар қалалық әкімдігі",
        "12": "акимат города Павлодара Павлодарской области",
        "13": "Министр труда и социальной защиты населения Республики Казахстан",
        "14": "Қазақстан Республикасы Еңбек және халықты әлеуметтік қорғау министрі",
    }


def test_sample_footnote_on_the_title() -> None:
    lang, text = load_sample(FIXTURES[1])
    parsed = parse_official_text(text, lang)
    assert [(n.eid, n.placement) for n in parsed.notes] == [("act", "after_heading")]
    assert parsed.notes[0].text.startswith("Сноска. Заголовок - в редакции")
    (entry,) = parsed.history
    assert (entry.eid, entry.kind, entry.days_after_publication) == ("act", "substitute", 10)
    assert entry.act == ActRef(
        "resolution", "297/1", date(2023, 3, 15), "акимат города Павлодара Павлодарской области"
    )
    assert "Сноска" not in (node(parsed, "preamble").text or "")


def test_sample_amendment_keeps_quoted_wording_as_indents() -> None:
    lang, text = load_sample(FIXTURES[0])
    parsed = parse_official_text(text, lang)
    para = node(parsed, "para_1")
    assert [c.eid for c in para.children] == ["para_1__indent_1", "para_1__indent_2"]
    assert (para.children[1].text or "").startswith('"Павлодар қаласында')
    assert parsed.registration_date == date(2023, 3, 16)


def test_latin_letters_in_kazakh_text_are_kept() -> None:
    lang, text = load_sample(FIXTURES[3])
    parsed = parse_official_text(text, lang)
    assert "әлеуметтiк қорғау министрлігi" in (node(parsed, "preamble").text or "")
    assert "үлгiсі" in (node(parsed, "para_1").text or "")
    assert (node(parsed, "para_2__point_3").text or "").endswith("Әділет")


# --- smaller behaviours ---------------------------------------------------------------------------

KK_HEAD = "Ереже туралы\n\nҚостанай облысы әкімдігінің 2021 жылғы 12 қарашадағы № 514 қаулысы.\n\n"
RU_HEAD = (
    "О положении\n\nПостановление акимата Костанайской области от 12 ноября 2021 года № 514.\n\n"
)


def test_russian_chapters_stamp_and_repealed_paragraph() -> None:
    text = RU_HEAD + (
        "Акимат Костанайской области ПОСТАНОВЛЯЕТ:\n\n"
        "1. Утвердить прилагаемое Положение.\n\n"
        "2. Настоящее постановление вводится в действие по истечении десяти календарных дней "
        "после дня его первого официального опубликования.\n\n"
        "*Аким Костанайской области*\n\n*А. Мухамбетов*\n\n"
        "Утверждено  \nпостановлением акимата  \nКостанайской области  \n"
        "от 12 ноября 2021 года № 514\n\n"
        "**Положение о государственном учреждении**\n\n"
        "### Глава 1. Общие положения\n\n"
        "1. Учреждение является государственным органом.\n\n"
        "2. Исключен постановлением акимата Костанайской области от 17.10.2023 № 445 "
        "(вводится в действие со дня его первого официального опубликования).\n\n"
        "## Глава 2. Задачи\n\n"
        "3. Задачи:\n\n- 1) первая;\n\n- 2) вторая.\n\n"
        "Сноска. Пункт 3 с изменениями, внесенными постановлением акимата Костанайской области "
        "от 17.10.2023 № 445 (вводится в действие с 01.01.2024).\n"
    )
    parsed = parse_official_text(text, "ru")
    assert parsed.days_after_publication == 10
    assert node(parsed, "att_1").text == (
        "Утверждено\nпостановлением акимата\nКостанайской области\nот 12 ноября 2021 года № 514"
    )
    assert node(parsed, "chp_2").heading == "Задачи"
    assert node(parsed, "chp_1__para_2").state == "repealed"
    assert [c.eid for c in node(parsed, "chp_2__para_3").children] == [
        "chp_2__para_3__point_1",
        "chp_2__para_3__point_2",
    ]
    assert [(n.eid, n.placement) for n in parsed.notes] == [("chp_2__para_3", "after")]
    repeal, changed = sorted(parsed.history, key=lambda h: h.kind, reverse=True)
    assert (repeal.eid, repeal.kind, repeal.days_after_publication) == (
        "chp_1__para_2",
        "repeal",
        0,
    )
    assert repeal.act.issuer == "акимат Костанайской области"
    assert (changed.eid, changed.kind, changed.days_after_publication) == (
        "chp_2__para_3",
        "changed",
        None,
    )
    assert words(to_text(parsed.root, parsed.notes, "ru")) == words(text)


def test_hyphenated_numbers_and_second_attachment_with_same_chapters() -> None:
    text = KK_HEAD + (
        "Қостанай облысының әкімдігі ҚАУЛЫ ЕТЕДІ:\n\n"
        "1. Бекітілсін:\n\n1) ереже;\n\n137-1) тізбе.\n\n"
        "9-1. Осы қаулы алғашқы ресми жарияланған күнінен кейін күнтізбелік он күн өткен соң "
        "қолданысқа енгізіледі.\n\n"
        "Қостанай облысының әкімі\n\nА. Мұхамбетов\n\n"
        "Қостанай облысы әкімдігінің\n2021 жылғы 12 қарашадағы\n№ 514 қаулысымен\nбекітілген\n\n"
        "Ереже\n\n1-тарау. Жалпы ережелер\n\n1. Бірінші.\n\n"
        "Қостанай облысы әкімдігінің\n2021 жылғы 12 қарашадағы\n№ 514 қаулысына\n2-қосымша\n\n"
        "Тізбе\n\n1-тарау. Тізбе\n\n1. Екінші.\n"
    )
    parsed = parse_official_text(text, "kk")
    assert eids(parsed.root) == [
        "act",
        "preface",
        "preamble",
        "para_1",
        "para_1__point_1",
        "para_1__point_137-1",
        "para_9-1",
        "conclusions",
        "att_1",
        "chp_1",
        "chp_1__para_1",
        "att_2",
        "att_2__chp_1",
        "att_2__chp_1__para_1",
    ]
    assert node(parsed, "para_1__point_137-1").num == "137-1"
    assert node(parsed, "para_9-1").num == "9-1"
    assert node(parsed, "chp_1__para_1").text == "Бірінші."
    assert node(parsed, "att_2__chp_1__para_1").text == "Екінші."
    assert parsed.days_after_publication == 10
    assert node(parsed, "att_2").text.endswith("2-қосымша")  # type: ignore[union-attr]


def test_publisher_note_and_note_after_preamble() -> None:
    text = KK_HEAD + (
        "Облыс әкімдігі ҚАУЛЫ ЕТЕДІ:\n\n"
        "Ескерту. Кіріспе жаңа редакцияда - Қостанай облысы әкімдігінің 17.10.2023 № 445 "
        "қаулысымен.\n\n"
        "1. Бірінші тармақ.\n\n"
        "РҚАО-ның ескертпесі!\n\nҚұжаттың мәтінінде түпнұсқаның пунктуациясы сақталған.\n\n"
        "2. Осы қаулы алғашқы ресми жарияланған күнінен бастап қолданысқа енгізіледі.\n"
    )
    parsed = parse_official_text(text, "kk")
    assert [(n.eid, n.placement) for n in parsed.notes] == [
        ("preamble", "after"),
        ("para_1", "after"),
    ]
    assert parsed.notes[1].text.startswith("РҚАО-ның ескертпесі!\nҚұжаттың")
    (entry,) = parsed.history
    assert (entry.eid, entry.kind, entry.days_after_publication) == ("preamble", "substitute", 10)
    assert node(parsed, "para_1").text == "Бірінші тармақ."
    assert words(to_text(parsed.root, parsed.notes, "kk")) == words(text)


def test_note_names_a_subparagraph_it_follows() -> None:
    text = KK_HEAD + (
        "ҚАУЛЫ ЕТЕДІ:\n\n1. Тізбе:\n\n1) бір;\n\n2) екі.\n\n"
        "Ескерту. 1-тармақтың 2) тармақшасы жаңа редакцияда - Қостанай облысы әкімдігінің "
        "17.10.2023 № 445 қаулысымен (алғашқы ресми жарияланған күнінен бастап қолданысқа "
        "енгізіледі).\n"
    )
    parsed = parse_official_text(text, "kk")
    assert [n.eid for n in parsed.notes] == ["para_1__point_2"]


def test_quoted_new_wording_is_not_structure() -> None:
    text = KK_HEAD + (
        "ҚАУЛЫ ЕТЕДІ:\n\n1. Қаулыға мынадай өзгеріс енгізілсін:\n\n"
        "2-тармақ жаңа редакцияда жазылсын:\n\n"
        '"2. Бекітілсін:\n\n1) ереже;\n\n1) тізбе.";\n\n'
        "2. Осы қаулы алғашқы ресми жарияланған күнінен бастап қолданысқа енгізіледі.\n"
    )
    parsed = parse_official_text(text, "kk")
    para = node(parsed, "para_1")
    assert [c.text for c in para.children] == [
        "2-тармақ жаңа редакцияда жазылсын:",
        '"2. Бекітілсін:',
        "1) ереже;",
        '1) тізбе.";',
    ]
    assert node(parsed, "para_2").text.startswith("Осы қаулы")  # type: ignore[union-attr]
    assert parsed.days_after_publication == 0


def test_russian_numbered_appendix_stamp_and_bare_note_title() -> None:
    text = RU_HEAD + (
        "ПОСТАНОВЛЯЕТ:\n\n1. Утвердить перечень.\n\n"
        "Приложение № 2  \nк постановлению акимата  \nот 12 ноября 2021 года № 514\n\n"
        "Перечень\n\nСноска.\n\nПриложение дополнено постановлением акимата Костанайской "
        "области от 17.10.2023 № 445.\n\n1. Первый.\n"
    )
    parsed = parse_official_text(text, "ru")
    appendix = node(parsed, "att_1")
    assert appendix.text == "Приложение № 2\nк постановлению акимата\nот 12 ноября 2021 года № 514"
    assert appendix.heading == "Перечень"
    (note,) = parsed.notes
    assert (note.eid, note.placement) == ("att_1", "after_heading")
    assert note.text.startswith("Сноска.\nПриложение дополнено")
    (entry,) = parsed.history
    assert (entry.kind, entry.days_after_publication) == ("inserted", 10)
    assert words(to_text(parsed.root, parsed.notes, "ru")) == words(text)


def test_impossible_date_in_a_note_is_rejected() -> None:
    text = KK_HEAD + (
        "ҚАУЛЫ ЕТЕДІ:\n\n1. Бір.\n\n"
        "Ескерту. 1-тармақ жаңа редакцияда - Қостанай облысы әкімдігінің 31.02.2023 № 445 "
        "қаулысымен.\n"
    )
    with pytest.raises(ParseError) as caught:
        parse_official_text(text, "kk")
    assert caught.value.line == 9 and "amending act" in caught.value.reason


def test_entry_into_force_phrases() -> None:
    assert entry_into_force("алғашқы ресми жарияланған күнінен бастап қолданысқа енгізіледі")
    cases = {
        "(алғашқы ресми жарияланған күнінен бастап қолданысқа енгізіледі)": (0, None),
        "(вводится в действие по истечении десяти календарных дней после дня его первого "
        "официального опубликования)": (10, None),
        "алғашқы ресми жарияланған күнінен кейін он күнтізбелік күн өткен соң": (10, None),
        "по истечении двадцати одного календарного дня": (21, None),
        "вводится в действие с 1 января 2024 года": (None, date(2024, 1, 1)),
        "2024 жылғы 1 қаңтардан бастап қолданысқа енгізіледі": (None, date(2024, 1, 1)),
        "со дня подписания": (None, None),
    }
    for phrase, (days, on) in cases.items():
        effect = entry_into_force(phrase)
        assert effect is not None, phrase
        assert (effect.days_after_publication, effect.on) == (days, on), phrase
    assert entry_into_force("без срока") is None


def test_places_and_nominatives() -> None:
    assert place_of("Қостанай облысы әкімдігі") == "kz-kus"
    assert place_of("акимат Костанайской области") == "kz-kus"
    assert place_of("акимат города Алматы") == "kz-ala"
    assert place_of("Алматы облысы әкімдігі") == "kz-alm"
    assert place_of("Северо-Казахстанский областной маслихат") == "kz-sev"
    assert place_of("Қазақстан Республикасының Үкіметі") == "kz"
    assert place_of("ТОО Ромашка") is None
    assert kk_nominative("Қазақстан Республикасы Үкіметінің") == "Қазақстан Республикасы Үкіметі"


# --- rejections -----------------------------------------------------------------------------------

REJECTIONS = {
    "empty": ("", 1, "empty"),
    "whitespace only": ("  \n\n\t \n", 1, "empty"),
    "NUL": (KK_HEAD + "ҚАУЛЫ ЕТЕДІ:\n\n1. Мәтін\x00.\n", 7, "U+0000"),
    "escape": (KK_HEAD + "ҚАУЛЫ ЕТЕДІ:\x1b\n", 5, "U+001B"),
    "no citation": ("Ереже туралы\n\nЖаңа\n\nБұл жолда дәйексөз жоқ.\n", 5, "citation"),
    "bad citation date": (
        "Ереже\n\nҚостанай облысы әкімдігінің 2021 жылғы 31 ақпандағы № 5 қаулысы.\n",
        3,
        "not a valid date",
    ),
    "point before paragraph": (KK_HEAD + "ҚАУЛЫ ЕТЕДІ:\n\n1) бір;\n", 7, "before any"),
    "point after chapter heading": (
        KK_HEAD + "ҚАУЛЫ ЕТЕДІ:\n\n1. Бір.\n\n2-тарау. Екі\n\n1) бір;\n",
        11,
        "before any",
    ),
    "duplicate paragraph": (
        KK_HEAD + "ҚАУЛЫ ЕТЕДІ:\n\n1. Бір.\n\n2. Екі.\n\n2. Тағы.\n",
        11,
        "appears twice",
    ),
    "duplicate point": (
        KK_HEAD + "ҚАУЛЫ ЕТЕДІ:\n\n1. Тізбе:\n\n1) бір;\n\n1) екі.\n",
        11,
        "appears twice",
    ),
    "chapter without number kk": (KK_HEAD + "тарау. Жалпы ережелер\n", 5, "no number"),
    "chapter without number ru": (RU_HEAD + "Глава. Общие положения\n", 5, "no number"),
    "text after formula": (KK_HEAD + "ҚАУЛЫ ЕТЕДІ:\n\nНөмірсіз мәтін.\n", 7, "numbered"),
    "paragraph after signature": (
        KK_HEAD + "ҚАУЛЫ ЕТЕДІ:\n\n1. Бір.\n\n*Облыс әкімі*\n\n2. Екі.\n",
        11,
        "signature",
    ),
    "unclosed quotation": (
        KK_HEAD + 'ҚАУЛЫ ЕТЕДІ:\n\n1. Өзгеріс:\n\n"жаңа мәтін\n\n2. Екі.\n',
        9,
        "never closed",
    ),
    "articles": (KK_HEAD + "1-бап. Негізгі ұғымдар\n", 5, "article"),
}


@pytest.mark.parametrize("case", list(REJECTIONS), ids=list(REJECTIONS))
def test_rejections_name_the_line(case: str) -> None:
    text, line, reason = REJECTIONS[case]
    with pytest.raises(ParseError) as caught:
        parse_official_text(text, "kk")
    assert caught.value.line == line
    assert reason in caught.value.reason
    assert caught.value.fields == {"line": str(line)}


def test_crlf_and_bom_are_accepted() -> None:
    text = "\ufeff" + (KK_HEAD + "ҚАУЛЫ ЕТЕДІ:\n\n1. Бір.\n").replace("\n", "\r\n")
    parsed = parse_official_text(text, "kk")
    assert node(parsed, "para_1").text == "Бір."
    assert parsed.title == "Ереже туралы"


# --- generated acts -------------------------------------------------------------------------------

KK_WORDS = ["мемлекеттік", "басқарма", "жұмыс", "ұйым", "тәртіп", "құжат", "әлеуметтiк", "сала"]
RU_WORDS = ["государственный", "орган", "порядок", "услуга", "работа", "документ", "социальный"]


@dataclass
class Point:
    num: str
    text: str
    indents: list[str]


@dataclass
class Para:
    num: str
    text: str
    extra: list[str]
    points: list[Point]
    wrap: list[str]
    note: bool


@dataclass
class Chapter:
    num: str
    heading: str
    paras: list[Para]


@dataclass
class Act:
    lang: Lang
    title: str
    status: list[str]
    preamble: str
    paras: list[Para]
    italic_signature: bool
    attachment: tuple[str, list[Chapter], list[Para]] | None


@st.composite
def sentences(draw: st.DrawFn, lang: Lang, end: str) -> str:
    vocabulary = KK_WORDS if lang == "kk" else RU_WORDS
    chosen = draw(st.lists(st.sampled_from(vocabulary), min_size=2, max_size=6))
    text = " ".join(chosen)
    return text[0].upper() + text[1:] + end


@st.composite
def numbers(draw: st.DrawFn, min_size: int, max_size: int) -> list[str]:
    count = draw(st.integers(min_size, max_size))
    result: list[str] = []
    for n in range(1, count + 1):
        result.append(str(n))
        if draw(st.integers(0, 5)) == 0:
            result.append(f"{n}-1")
    return result


@st.composite
def paras(draw: st.DrawFn, lang: Lang, start: int = 1) -> list[Para]:
    result = []
    for num in draw(numbers(1, 4)):
        num = str(int(num.split("-")[0]) + start - 1) + num[len(num.split("-")[0]) :]
        point_nums = draw(st.one_of(st.just([]), numbers(1, 4)))
        points = []
        for index, point_num in enumerate(point_nums):
            indents = draw(st.lists(sentences(lang, ";"), max_size=3))
            last = index == len(point_nums) - 1
            end = ":" if indents else ("." if last else ";")
            points.append(Point(point_num, draw(sentences(lang, end)), indents))
        wrap: list[str] = []
        if points and not points[-1].indents:
            wrap = draw(st.lists(sentences(lang, "."), max_size=2))
        extra = [] if points else draw(st.lists(sentences(lang, "."), max_size=2))
        text = draw(sentences(lang, ":" if points else "."))
        result.append(Para(num, text, extra, points, wrap, draw(st.booleans())))
    return result


@st.composite
def acts(draw: st.DrawFn) -> Act:
    lang: Lang = draw(st.sampled_from(["kk", "ru"]))
    status = draw(st.sampled_from([[], ["Жаңа"] if lang == "kk" else ["Действующий"]]))
    attachment = None
    if draw(st.booleans()):
        chapters: list[Chapter] = []
        direct: list[Para] = []
        if draw(st.booleans()):
            start = 1
            for number in range(1, draw(st.integers(1, 3)) + 1):
                chapter_paras = draw(paras(lang, start))
                start = int(chapter_paras[-1].num.split("-")[0]) + 1
                chapters.append(Chapter(str(number), draw(sentences(lang, "")), chapter_paras))
        else:
            direct = draw(paras(lang))
        attachment = (draw(sentences(lang, "")), chapters, direct)
    return Act(
        lang=lang,
        title=draw(sentences(lang, "")),
        status=status,
        preamble=draw(sentences(lang, "")),
        paras=draw(paras(lang)),
        italic_signature=draw(st.booleans()),
        attachment=attachment,
    )


CITATION = {
    "kk": "Қостанай облысы әкімдігінің 2021 жылғы 12 қарашадағы № 514 қаулысы.",
    "ru": "Постановление акимата Костанайской области от 12 ноября 2021 года № 514.",
}
FORMULA = {"kk": "Қостанай облысының әкімдігі ҚАУЛЫ ЕТЕДІ:", "ru": "акимат ПОСТАНОВЛЯЕТ:"}
SIGNATURE = {"kk": ["Қостанай облысының әкімі", "А. Мұхамбетов"], "ru": ["Аким", "А. Мухамбетов"]}
STAMP = {
    "kk": [
        "Қостанай облысы әкімдігінің",
        "2021 жылғы 12 қарашадағы",
        "№ 514 қаулысымен",
        "бекітілген",
    ],
    "ru": ["Утверждено", "постановлением акимата", "от 12 ноября 2021 года № 514"],
}


def note_text(lang: Lang, num: str) -> str:
    if lang == "kk":
        return (
            f"Ескерту. {num}-тармақ жаңа редакцияда - Қостанай облысы әкімдігінің 17.10.2023 "
            "№ 445 қаулысымен (алғашқы ресми жарияланған күнінен бастап қолданысқа енгізіледі)."
        )
    return (
        f"Сноска. Пункт {num} - в редакции постановления акимата Костанайской области от "
        "17.10.2023 № 445 (вводится в действие со дня его первого официального опубликования)."
    )


class Printer:
    """Writes an act in the official format with random decorations."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.parts: list[str] = []

    def line(self, text: str, *, kind: str = "text") -> None:
        draw = self.draw
        if kind in ("heading", "note") and draw(st.booleans()):
            text = f"**{text}**"
        if kind == "heading" and draw(st.booleans()):
            text = draw(st.sampled_from(["## ", "### "])) + text
        if kind == "point" and draw(st.booleans()):
            text = "- " + text
        if kind == "italic":
            text = f"*{text}*"
        if kind != "heading" and draw(st.booleans()):
            text = "      " + text
        if draw(st.booleans()):
            text += "  "
        self.parts.append(text + draw(st.sampled_from(["\n", "\n\n", "\n\n\n"])))

    def paras(
        self, lang: Lang, items: list[Para], prefix: str, notes: list[tuple[str, str]]
    ) -> list[Node]:
        nodes = []
        for para in items:
            eid = f"{prefix}para_{para.num}"
            self.line(f"{para.num}. {para.text}")
            for extra in para.extra:
                self.line(extra)
            children = []
            for point in para.points:
                self.line(f"{point.num}) {point.text}", kind="point")
                point_eid = f"{eid}__point_{point.num}"
                indents = []
                for k, indent in enumerate(point.indents, start=1):
                    self.line(indent)
                    indents.append(Node("indent", f"{point_eid}__indent_{k}", text=indent))
                children.append(
                    Node("point", point_eid, num=point.num, text=point.text, children=indents)
                )
            if para.wrap:
                for wrap in para.wrap:
                    self.line(wrap)
                children.append(Node("wrapUp", f"{eid}__wrapup", text="\n".join(para.wrap)))
            if para.note:
                self.line(note_text(lang, para.num), kind="note")
                notes.append((eid, "after"))
            text = "\n".join([para.text, *para.extra])
            nodes.append(Node("paragraph", eid, num=para.num, text=text, children=children))
        return nodes


@st.composite
def printed_acts(draw: st.DrawFn) -> tuple[Lang, str, Node, list[tuple[str, str]]]:
    act = draw(acts())
    lang = act.lang
    printer = Printer(draw)
    notes: list[tuple[str, str]] = []
    printer.line(act.title, kind="heading")
    for status in act.status:
        printer.line(status)
    printer.line(CITATION[lang])
    preamble = f"{act.preamble} {FORMULA[lang]}"
    printer.line(preamble)
    root = Node("act", "act", heading=act.title)
    root.children = [
        Node("preface", "preface", text=CITATION[lang]),
        Node("preamble", "preamble", text=preamble),
        *printer.paras(lang, act.paras, "", notes),
    ]
    for line in SIGNATURE[lang]:
        printer.line(line, kind="italic" if act.italic_signature else "text")
    root.children.append(Node("conclusions", "conclusions", text="\n".join(SIGNATURE[lang])))
    if act.attachment:
        heading, chapters, direct = act.attachment
        for line in STAMP[lang]:
            printer.parts.append(line + "  \n")
        printer.parts.append("\n")
        printer.line(heading, kind="heading")
        attachment = Node("attachment", "att_1", heading=heading, text="\n".join(STAMP[lang]))
        for chapter in chapters:
            label = f"{chapter.num}-тарау." if lang == "kk" else f"Глава {chapter.num}."
            printer.line(f"{label} {chapter.heading}", kind="heading")
            eid = f"chp_{chapter.num}"
            paragraphs = printer.paras(lang, chapter.paras, f"{eid}__", notes)
            attachment.children.append(
                Node("chapter", eid, num=chapter.num, heading=chapter.heading, children=paragraphs)
            )
        attachment.children += printer.paras(lang, direct, "att_1__", notes)
        root.children.append(attachment)
    return lang, "".join(printer.parts), root, notes


def tree_and_notes(parsed: ParsedAct) -> tuple[dict[str, object], list[tuple[str, str, str]]]:
    return parsed.root.to_dict(), [(n.eid, n.placement, n.text) for n in parsed.notes]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(printed_acts())
def test_generated_acts_parse_to_their_tree(
    case: tuple[Lang, str, Node, list[tuple[str, str]]],
) -> None:
    lang, text, expected, notes = case
    parsed = parse_official_text(text, lang)
    assert parsed.root.to_dict() == expected.to_dict()
    assert [(n.eid, n.placement) for n in parsed.notes] == notes
    assert [h.eid for h in parsed.history] == [eid for eid, _ in notes]
    assert parsed.act.number == "514" and parsed.place == "kz-kus"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(printed_acts())
def test_generated_acts_survive_render_and_reparse(
    case: tuple[Lang, str, Node, list[tuple[str, str]]],
) -> None:
    lang, text, _, _ = case
    parsed = parse_official_text(text, lang)
    rendered = to_text(parsed.root, parsed.notes, lang)
    again = parse_official_text(rendered, lang)
    assert tree_and_notes(again) == tree_and_notes(parsed)
    assert again.history == parsed.history
    assert words(rendered) == source_words(text, parsed)
