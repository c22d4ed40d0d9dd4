"""The act as HTML: escaping, anchors, numbering by the act's language, notes, gaps, labels."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from registry.acts import ActView, Gap
from registry.html import act_document, act_fragment, decorated_num, error_page, labels
from registry.model import Lang, Node, Note
from registry.uri import FrbrUri

URI = FrbrUri.parse("/akn/kz-kus/act/resolution/2021-11-12/514")
GAP_MESSAGE = (
    "the registry does not hold the wording of paragraph 15 (chp_2__para_15) in force on "
    "2022-06-01; the wording it holds is in force from 2023-10-17"
)


def _tree(lang: Lang) -> Node:
    kk = lang == "kk"
    chapter = Node(
        "chapter",
        "chp_2",
        "2",
        "Мемлекеттік органның міндеттері" if kk else "Задачи государственного органа",
    )
    chapter.children = [
        Node(
            "paragraph",
            "chp_2__para_14",
            "14",
            text="Өкілеттігі:" if kk else "Полномочия:",
            children=[
                Node("point", "chp_2__para_14__point_1", "1", text="<script>alert(1)</script>"),
                Node(
                    "point",
                    "chp_2__para_14__point_2",
                    "2",
                    text="міндеттері:" if kk else "обязанности:",
                    children=[
                        Node("indent", "chp_2__para_14__point_2__indent_1", text='A & B "C"')
                    ],
                ),
            ],
        ),
        Node("paragraph", "chp_2__para_15", "15", state="not_held"),
        Node("paragraph", "chp_2__para_16", "16", state="repealed"),
    ]
    attachment = Node(
        "attachment",
        "att_1",
        heading="Ереже" if kk else "Положение",
        text="Қостанай облысы әкімдігінің\n№ 514 қаулысымен\nбекітілген",
        children=[chapter],
    )
    return Node(
        "act",
        "act",
        heading="Ережені бекіту туралы",
        children=[
            Node("preface", "preface", text="Қостанай облысы әкімдігінің № 514 қаулысы."),
            Node("preamble", "preamble", text="... ҚАУЛЫ ЕТЕДІ:"),
            Node("paragraph", "para_1", "1", text="Ереже бекітілсін."),
            Node("conclusions", "conclusions", text="Облыс әкімі\nА. Мұхамбетов"),
            attachment,
        ],
    )


def _view(lang: Lang = "kk") -> ActView:
    return ActView(
        uri=URI,
        lang=lang,
        at=date(2022, 6, 1),
        title="Ережені <b>бекіту</b> туралы",
        root=_tree(lang),
        notes=[
            Note("chp_2__para_14", "Ескерту. 14-тармақ <i>өзгертілді</i>.", "after"),
            Note("att_1", "Ескерту. Қосымша жаңа редакцияда.", "after_heading"),
        ],
        valid_from=date(2021, 11, 30),
        valid_to=date(2023, 10, 16),
        date_assumed=True,
        gaps=[Gap("chp_2__para_15", "15", GAP_MESSAGE, date(2023, 10, 17))],
    )


class _Elements(HTMLParser):
    """Collects each element's id and the text inside it, and checks the nesting is well formed."""

    VOID = frozenset({"br", "meta", "link", "input", "img", "hr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.text: dict[str, list[str]] = {}
        self.ids: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        if tag in self.VOID:
            return
        eid = dict(attrs).get("id")
        if eid:
            self.ids.append(eid)
            self.text[eid] = []
        self.stack.append((tag, eid))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        open_tag, _ = self.stack.pop()
        assert open_tag == tag, f"</{tag}> closes <{open_tag}>"

    def handle_data(self, data: str) -> None:
        for _, eid in self.stack:
            if eid:
                self.text[eid].append(data)

    def of(self, eid: str) -> str:
        return re.sub(r"\s+", " ", "".join(self.text[eid])).strip()


def _parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    assert parser.stack == [], "every element is closed"
    return parser


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_act_text_is_escaped(lang: Lang) -> None:
    html = str(act_fragment(_view(lang)))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>" not in html and "&lt;b&gt;бекіту&lt;/b&gt;" in html
    assert "<i>" not in html
    assert "A &amp; B &#34;C&#34;" in html
    parsed = _parse(html)
    assert parsed.scripts == 0
    assert parsed.of("chp_2__para_14__point_1") == "1) <script>alert(1)</script> ⟲"


def test_every_provision_is_an_anchor_with_a_history_link() -> None:
    view = _view("kk")
    html = str(act_fragment(view))
    parsed = _parse(html)
    eids = [n.eid for n in view.root.walk()]
    assert parsed.ids == eids, "one element per node, id = eId, in document order"
    for eid in eids[1:]:
        link = f'href="/acts{URI.work}/provisions/{eid}/history?lang=kk"'
        assert link in html, eid
    assert '<a class="num" href="#chp_2__para_14"' in html


def test_links_can_be_left_out_but_anchors_stay() -> None:
    html = str(act_fragment(_view("kk"), links=False))
    assert "/history" not in html
    assert 'id="chp_2__para_15"' in html


@pytest.mark.parametrize(
    ("lang", "chapter"), [("kk", "2-тарау."), ("ru", "Глава 2.")], ids=["kk", "ru"]
)
def test_numbering_follows_the_language_of_the_act_not_the_ui(lang: Lang, chapter: str) -> None:
    for ui in ("kk", "ru"):
        parsed = _parse(str(act_fragment(_view(lang), ui=ui)))
        assert parsed.of("chp_2").startswith(chapter)
        assert parsed.of("chp_2__para_14").startswith("14. ")
        assert parsed.of("chp_2__para_14__point_2").startswith("2) ")
        assert parsed.of("para_1").startswith("1. Ереже бекітілсін.")


def test_decorated_numbers() -> None:
    assert decorated_num("chapter", "9-1", "kk") == "9-1-тарау."
    assert decorated_num("chapter", "3", "ru") == "Глава 3."
    assert decorated_num("point", "137-1", "ru") == "137-1)"
    assert decorated_num("paragraph", "9-1", "kk") == "9-1."
    assert decorated_num("indent", None, "kk") == ""


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_not_held_provision_shows_its_number_and_the_gap_message(lang: Lang) -> None:
    html = str(act_fragment(_view(lang)))
    parsed = _parse(html)
    text = parsed.of("chp_2__para_15")
    assert text.startswith("15.")
    sentence = {
        "kk": "Тізілімде осы элементтің 17.10.2023 бастап қолданылатын редакциясы бар.",
        "ru": "В реестре есть редакция этого элемента, действующая с 17.10.2023.",
    }[lang]
    assert sentence in text
    box = re.search(r'<div class="not-held" role="note">(.*?)</div>', html)
    assert box is not None and sentence in box.group(1)
    assert f'?lang={lang}&amp;at=2023-10-17#chp_2__para_15"' in html
    assert "state-not-held" in html


def test_not_held_without_a_gap_record_says_so_without_inventing_text() -> None:
    view = _view("ru")
    view.gaps = []
    parsed = _parse(str(act_fragment(view, ui="ru")))
    assert (
        parsed.of("chp_2__para_15")
        == "15. ⟲Текста на эту дату в реестре нет. текст в реестре отсутствует"
    )


@pytest.mark.parametrize(("lang", "word"), [("kk", "алып тасталды"), ("ru", "исключен")])
def test_repealed_provision_shows_its_number_and_the_word(lang: Lang, word: str) -> None:
    parsed = _parse(str(act_fragment(_view(lang))))
    assert parsed.of("chp_2__para_16") == f"16. {word} ⟲"


def test_notes_are_placed_after_the_provision_or_after_the_heading() -> None:
    html = str(act_fragment(_view("kk")))
    assert "Ескерту. 14-тармақ &lt;i&gt;өзгертілді&lt;/i&gt;." in html
    para_14 = html.index('id="chp_2__para_14"')
    last_point = html.index("A &amp; B")
    note_14 = html.index("14-тармақ")
    para_15 = html.index('id="chp_2__para_15"')
    assert para_14 < last_point < note_14 < para_15, "after: after the whole provision"
    heading = html.index('<h3 class="heading">')
    note_att = html.index("Қосымша жаңа редакцияда")
    chapter = html.index('id="chp_2"')
    assert heading < note_att < chapter, "after_heading: right after the heading"
    assert html.count('class="note" role="note"') == 2


def test_attachment_stamp_and_heading_levels() -> None:
    html = str(act_fragment(_view("kk")))
    assert (
        '<p class="stamp">Қостанай облысы әкімдігінің<br>№ 514 қаулысымен<br>бекітілген</p>' in html
    )
    assert '<h2 class="act-title">' in html
    assert html.index('class="stamp"') < html.index('<h3 class="heading">Ереже')
    assert '<h4 class="heading"><a class="num" href="#chp_2"' in html
    doc_level = str(act_fragment(_view("kk"), level=1))
    assert '<h1 class="act-title">' in doc_level and '<h2 class="heading">Ереже' in doc_level


def test_not_held_section_gets_a_heading_in_the_language_of_the_act() -> None:
    view = _view("ru")
    attachment = view.root.find("att_1")
    assert attachment is not None
    attachment.heading, attachment.text, attachment.children = None, None, []
    attachment.state = "not_held"
    view.gaps = [Gap("att_1", None, "not held: att_1", None)]
    parsed = _parse(str(act_fragment(view, ui="kk")))
    text = parsed.of("att_1")
    assert text.startswith("Приложение ⟲")
    assert text.endswith("Бұл күнгі мәтін тізілімде жоқ. мәтіні тізілімде жоқ")


def test_act_document_is_standalone() -> None:
    doc = act_document(_view("ru"))
    assert doc.startswith("<!DOCTYPE html>")
    assert '<html lang="ru">' in doc
    assert "<style>" in doc and ".act .not-held" in doc
    assert "<title>Ережені &lt;b&gt;бекіту&lt;/b&gt; туралы</title>" in doc
    assert "/history" not in doc
    assert '<link rel="stylesheet"' not in doc
    assert "дата предполагаемая" in doc
    assert "30.11.2021 – 16.10.2023" in doc
    _parse(doc.split("<main>", 1)[1].split("</main>", 1)[0])


def test_labels_have_the_same_keys_in_both_languages() -> None:
    kk, ru = labels("kk"), labels("ru")
    assert kk.keys() == ru.keys()
    assert all(kk[k].strip() and ru[k].strip() for k in kk)
    assert kk["acts"] == "Құқықтық актілер" and ru["acts"] == "Правовые акты"
    assert kk["versions"] == "Редакциялар" and kk["date"] == "Күні"
    assert kk["compare"] == "Салыстыру" and kk["history"] == "Тарих"
    assert labels("en") == kk, "an unknown UI language falls back to Kazakh"
    kk["acts"] = "changed"
    assert labels("kk")["acts"] == "Құқықтық актілер", "callers get a copy"


def test_error_page_escapes_the_message() -> None:
    page = error_page("ru", 404, "no act <x>")
    assert '<html lang="ru">' in page
    assert "404" in page and "Не найдено" in page
    assert "no act &lt;x&gt;" in page
    assert page.startswith("<!DOCTYPE html>")


# --- the pages, rendered by Flask (no browser) --------------------------------------------------

ACT = "/acts/akn/kz-kus/act/resolution/2021-11-12/514"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    import app as kense_app
    from registry.routes import registry_of

    tmp = tmp_path_factory.mktemp("pages")
    flask_app = kense_app.create_app(
        {"DATABASE_URL": f"sqlite:///{tmp}/kense.db", "DATA_DIR": str(tmp), "TESTING": True}
    )
    registry = registry_of(flask_app)
    registry.migrate()
    registry.load_seed()
    yield flask_app.test_client()
    registry.close()


@pytest.mark.parametrize(
    "url",
    [
        "/acts",
        "/acts?q=жұмыспен",
        ACT,
        f"{ACT}?at=2022-06-01&ui=ru",
        f"{ACT}/diff?from=2022-06-01&to=2024-01-01",
        f"{ACT}/provisions/chp_2__para_15/history?ui=ru",
    ],
)
def test_pages_are_well_formed_and_csp_friendly(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert html.startswith("<!DOCTYPE html>")
    body = html.split("<body", 1)[1].split(">", 1)[1].rsplit("</body>", 1)[0]
    parsed = _parse(body)
    assert len(parsed.ids) == len(set(parsed.ids)), "ids are unique"
    assert parsed.scripts == 0
    assert html.count("<h1") == 1
    assert not re.search(r"\son[a-z]+=", html), "no inline event handlers"
    assert " style=" not in html, "no inline style attributes"
    assert "http://" not in html and "https://" not in html, "nothing fetched from elsewhere"


def test_the_ui_language_comes_from_the_query_then_the_cookie(client: FlaskClient) -> None:
    html = client.get("/acts?ui=ru").get_data(as_text=True)
    assert '<html lang="ru">' in html and "Правовые акты" in html
    html = client.get("/acts").get_data(as_text=True)
    assert '<html lang="ru">' in html, "the cookie keeps the choice"
    html = client.get("/acts?ui=kk").get_data(as_text=True)
    assert '<html lang="kk">' in html and "Құқықтық актілер" in html


def test_the_search_query_is_escaped(client: FlaskClient) -> None:
    html = client.get("/acts", query_string={"q": '"><script>alert(1)</script>'}).get_data(
        as_text=True
    )
    assert "<script>" not in html
    assert "&#34;&gt;&lt;script&gt;" in html


def test_act_page_on_a_date_before_the_amendment(client: FlaskClient) -> None:
    html = client.get(f"{ACT}?at=2022-06-01").get_data(as_text=True)
    assert html.count('class="marker') == 2
    assert html.count('class="marker current') == 1
    current = html.index('class="marker current')
    assert html.index('data-date="2021-11-12"', current) < html.index("</a>", current)
    assert '<div class="not-held" role="note">' in html
    assert 'id="chp_2__para_15__point_41"' not in html
    assert 'value="2022-06-01"' in html


def test_page_errors_are_html_for_browsers_and_json_for_the_api(client: FlaskClient) -> None:
    page = "/acts/akn/kz-kus/act/resolution/2021-11-12/514?lang=ru&ui=ru"
    response = client.get(page, headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "it holds: kk" in response.get_data(as_text=True)
    api = client.get(
        "/api/v1/acts/akn/kz-kus/act/resolution/2021-11-12/514?lang=ru",
        headers={"Accept": "text/html"},
    )
    assert api.status_code == 404
    assert api.get_json()["error"]["code"] == "not_held"
