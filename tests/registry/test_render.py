"""Tests of registry.render: the plain text of acts and provisions."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.model import Lang, Node, Note
from registry.parse import parse_official_text
from registry.render import PHRASES, provision_text, to_text

CITATION = {
    "kk": "Қостанай облысы әкімдігінің 2021 жылғы 12 қарашадағы № 514 қаулысы.",
    "ru": "Постановление акимата Костанайской области от 12 ноября 2021 года № 514.",
}


def act(lang: Lang, *children: Node) -> Node:
    return Node(
        "act",
        "act",
        heading="Ереже туралы" if lang == "kk" else "О положении",
        children=[Node("preface", "preface", text=CITATION[lang]), *children],
    )


def para(eid: str, num: str, text: str | None, *children: Node, **fields: object) -> Node:
    return Node("paragraph", eid, num=num, text=text, children=list(children), **fields)  # type: ignore[arg-type]


def test_layout_of_an_act_with_notes() -> None:
    root = act(
        "kk",
        Node("preamble", "preamble", text="Облыс әкімдігі ҚАУЛЫ ЕТЕДІ:"),
        para(
            "para_1",
            "1",
            "Міндеттері:",
            Node(
                "point",
                "para_1__point_1",
                num="1",
                text="құқықтары:",
                children=[Node("indent", "para_1__point_1__indent_1", text="сақтау;")],
            ),
            Node("point", "para_1__point_2", num="2", text="міндеттері."),
            Node("wrapUp", "para_1__wrapup", text="Қорытынды сөздер."),
        ),
        Node("conclusions", "conclusions", text="Облыс әкімі\nА. Мұхамбетов"),
        Node(
            "attachment",
            "att_1",
            heading="Тізбе",
            text="Ережеге\nқосымша",
            children=[
                Node(
                    "chapter",
                    "chp_1",
                    num="1",
                    heading="Жалпы ережелер",
                    children=[para("chp_1__para_1", "1", "Бірінші.\nЕкінші абзац.")],
                )
            ],
        ),
    )
    notes = [
        Note("att_1", "Ескерту. Қосымшаға өзгеріс енгізілді.", "after_heading"),
        Note("para_1", "Ескерту. 1-тармақ жаңа редакцияда.", "after"),
        Note("act", "Ескерту. Тақырып жаңа редакцияда.", "after_heading"),
        Note("gone", "Ескерту. Алынып тасталған ереже.", "after"),
    ]
    assert (
        to_text(root, notes, "kk")
        == "\n\n".join(
            [
                "Ереже туралы",
                CITATION["kk"],
                "Ескерту. Тақырып жаңа редакцияда.",
                "Облыс әкімдігі ҚАУЛЫ ЕТЕДІ:",
                "1. Міндеттері:",
                "1) құқықтары:",
                "сақтау;",
                "2) міндеттері.",
                "Қорытынды сөздер.",
                "Ескерту. 1-тармақ жаңа редакцияда.",
                "Облыс әкімі",
                "А. Мұхамбетов",
                "Ережеге\nқосымша",
                "Тізбе",
                "Ескерту. Қосымшаға өзгеріс енгізілді.",
                "1-тарау. Жалпы ережелер",
                "1. Бірінші.",
                "Екінші абзац.",
                "Ескерту. Алынып тасталған ереже.",
            ]
        )
        + "\n"
    )


def test_russian_chapter_line() -> None:
    chapter = Node(
        "chapter", "chp_2", num="2", heading="Задачи", children=[para("p", "3", "Текст.")]
    )
    assert provision_text(chapter, "ru") == "Глава 2. Задачи\n3. Текст."
    assert provision_text(chapter, "kk") == "2-тарау. Задачи\n3. Текст."


def test_repealed_and_not_held_provisions() -> None:
    repealed = para(
        "para_5", "5", "Old words.", Node("point", "p", num="1", text="x"), state="repealed"
    )
    assert provision_text(repealed, "kk") == "5. алып тасталды"
    assert provision_text(repealed, "ru") == "5. исключен"
    printed = "Алып тасталды - Қостанай облысы әкімдігінің 17.10.2023 № 445 қаулысымен."
    assert provision_text(para("para_6", "6", printed, state="repealed"), "kk") == f"6. {printed}"
    point = Node("point", "p", num="2", state="not_held")
    unheld = para("para_7", "7", None, point, state="not_held")
    assert provision_text(unheld, "kk") == "\n".join(
        [f"7. {PHRASES['not_held']['kk']}", f"2) {PHRASES['not_held']['kk']}"]
    )
    assert provision_text(unheld, "ru").startswith("7. [")
    chapter = Node("chapter", "chp_3", num="3", heading="Мүлік", state="repealed")
    assert provision_text(chapter, "kk") == "3-тарау. алып тасталды"


def test_phrases_exist_in_both_languages() -> None:
    for phrases in PHRASES.values():
        assert set(phrases) == {"kk", "ru"} and all(phrases.values())


def test_provision_text_leaves_notes_out() -> None:
    root = act("kk", para("para_1", "1", "Бір."))
    assert provision_text(root.children[1], "kk") == "1. Бір."
    assert provision_text(root, "kk") == f"Ереже туралы\n{CITATION['kk']}\n1. Бір."


# --- random trees print in a form the parser reads back -------------------------------------------

WORDS = {
    "kk": ["мемлекеттік", "басқарма", "жұмыс", "ұйым", "тәртіп", "құжат"],
    "ru": ["государственный", "орган", "порядок", "услуга", "работа", "документ"],
}


@st.composite
def sentence(draw: st.DrawFn, lang: Lang, end: str) -> str:
    chosen = draw(st.lists(st.sampled_from(WORDS[lang]), min_size=1, max_size=5))
    return " ".join(chosen).capitalize() + end


@st.composite
def paragraph(draw: st.DrawFn, lang: Lang, num: int) -> Node:
    eid = f"para_{num}"
    count = draw(st.integers(0, 3))
    points = []
    for n in range(1, count + 1):
        indents = [
            Node("indent", f"{eid}__point_{n}__indent_{k}", text=draw(sentence(lang, ";")))
            for k in range(1, draw(st.integers(0, 2)) + 1)
        ]
        end = ":" if indents else ("." if n == count else ";")
        text = draw(sentence(lang, end))
        points.append(Node("point", f"{eid}__point_{n}", num=str(n), text=text, children=indents))
    if not points:
        text = "\n".join(draw(st.lists(sentence(lang, "."), min_size=1, max_size=3)))
        return para(eid, str(num), text)
    if not points[-1].children and draw(st.booleans()):
        points.append(Node("wrapUp", f"{eid}__wrapup", text=draw(sentence(lang, "."))))
    return para(eid, str(num), draw(sentence(lang, ":")), *points)


@st.composite
def trees(draw: st.DrawFn) -> tuple[Lang, Node]:
    lang: Lang = draw(st.sampled_from(["kk", "ru"]))
    formula = "ҚАУЛЫ ЕТЕДІ:" if lang == "kk" else "ПОСТАНОВЛЯЕТ:"
    preamble = Node("preamble", "preamble", text=f"{draw(sentence(lang, ''))} {formula}")
    body = [draw(paragraph(lang, n)) for n in range(1, draw(st.integers(1, 4)) + 1)]
    return lang, act(lang, preamble, *body)


@settings(max_examples=100, deadline=None)
@given(trees())
def test_random_trees_read_back(case: tuple[Lang, Node]) -> None:
    lang, root = case
    parsed = parse_official_text(to_text(root, [], lang), lang)
    assert parsed.root.to_dict() == root.to_dict()
