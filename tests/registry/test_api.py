"""The HTTP API under /api/v1 and the HTML pages, through Flask's test client on the real app.

Every test runs against SQLite and, with the real service, PostgreSQL (the ``db_url`` fixture);
the app is built by ``create_app`` exactly as in production, with the bundled act loaded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree
from werkzeug.test import TestResponse

from app import create_app
from registry.akn import AKN_NS, validate_akn
from registry.routes import registry_of
from tests.factories import staff_client

SEED = "/akn/kz-kus/act/resolution/2021-11-12/514"
API = "/api/v1/acts"
ACT = API + SEED
PARA_15 = "chp_2__para_15"
POINT_41 = "chp_2__para_15__point_41"
POINT_1 = "chp_2__para_15__point_1"
KANDAS = "қандас куәлігін береді"
NODE_KEYS = {"type", "eid", "num", "heading", "text", "children"}

#: A small act in the official text format (Kazakh), and the same act in Russian.
NEW = "/akn/kz-kus/act/resolution/2022-03-05/77"
KK_TEXT = (
    "Тест туралы\n\n"
    "Қостанай облысы әкімдігінің 2022 жылғы 5 наурыздағы № 77 қаулысы.\n\n"
    "Қостанай облысының әкімдігі ҚАУЛЫ ЕТЕДІ:\n\n"
    "1. Бекітілсін:\n\n1) ереже;\n\n2) тізбе.\n\n"
    "2. Осы қаулы қол қойылған күнінен бастап қолданысқа енгізіледі.\n"
)
RU_TEXT = (
    "О тесте\n\n"
    "Постановление акимата Костанайской области от 5 марта 2022 года № 77.\n\n"
    "Акимат Костанайской области ПОСТАНОВЛЯЕТ:\n\n"
    "1. Утвердить:\n\n1) положение;\n\n2) перечень.\n\n"
    "2. Настоящее постановление вводится в действие со дня подписания.\n"
)
#: No citation line under the title: the parser refuses it, naming line 5.
NO_CITATION = "Ереже туралы\n\nЖаңа\n\nБұл жолда дәйексөз жоқ.\n"


# --- fixtures and helpers ------------------------------------------------------------------------


def make_app(db_url: str, data_dir: Path, **settings: Any) -> Flask:
    """The app as production builds it, on a migrated database, its files under data_dir."""
    flask_app = create_app(
        {"DATABASE_URL": db_url, "DATA_DIR": str(data_dir), "TESTING": True, **settings}
    )
    registry_of(flask_app).migrate()
    return flask_app


def close(flask_app: Flask) -> None:
    """Release what each package opened (database engines, search index)."""
    for name, extension in flask_app.extensions.items():
        if name.startswith("kense."):
            extension.close()


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on an empty, migrated database."""
    flask_app = make_app(db_url, tmp_path)
    yield flask_app
    close(flask_app)


@pytest.fixture
def empty(app: Flask) -> FlaskClient:
    return staff_client(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A client of the app holding the bundled act (Kostanay akimat resolution № 514)."""
    registry_of(app).load_seed()
    return staff_client(app)


def error_of(
    resp: TestResponse, status: int, code: str | None = None, *fields: str
) -> dict[str, Any]:
    """Check the shape {"error": {"code", "message", "fields"}}; return the inner object."""
    assert resp.status_code == status, resp.get_data(as_text=True)[:500]
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}, error
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"].strip()
    assert isinstance(error["fields"], dict)
    assert all(isinstance(v, str) for v in error["fields"].values())
    if code is not None:
        assert error["code"] == code, error
    for field in fields:
        assert field in error["fields"], error
    return dict(error)


def walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node["children"]:
        yield from walk(child)


def find(root: dict[str, Any], eid: str) -> dict[str, Any]:
    found = [n for n in walk(root) if n["eid"] == eid]
    assert len(found) == 1, f"{eid}: {len(found)} nodes"
    return found[0]


def check_tree(root: dict[str, Any]) -> None:
    """The tree contract of design.md §2: every node has the same keys, eIds are unique."""
    eids = []
    for node in walk(root):
        assert set(node) >= NODE_KEYS, node.keys()
        assert isinstance(node["type"], str) and node["type"]
        assert isinstance(node["eid"], str) and node["eid"]
        for key in ("num", "heading", "text"):
            assert node[key] is None or isinstance(node[key], str), (node["eid"], key)
        assert isinstance(node["children"], list)
        eids.append(node["eid"])
    assert len(eids) == len(set(eids))


def uris(resp: TestResponse) -> list[str]:
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["total"] == len(body["items"])
    return [item["frbr_uri"] for item in body["items"]]


def post_text(
    c: FlaskClient, text: str | bytes, lang: str | None = "kk", **query: str
) -> TestResponse:
    args = ({"lang": lang} if lang is not None else {}) | query
    data = text.encode("utf-8") if isinstance(text, str) else text
    return c.post(API, query_string=args, data=data, content_type="text/plain; charset=utf-8")


def amendment(
    *ops: dict[str, Any],
    number: str = "9",
    day: str = "2024-02-01",
    effective: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "amending_act": {
            "type": "resolution",
            "issuer": "Қостанай облысы әкімдігі",
            "number": number,
            "date": day,
            "title": {"kk": f"№ {number} қаулыға өзгерістер енгізу туралы"},
        },
        "effective": effective or {"rule": "fixed", "date": "2024-03-01"},
        "operations": list(ops) or [substitute(POINT_1, "жаңа мәтін;")],
    }


def substitute(eid: str, kk: str) -> dict[str, Any]:
    return {"op": "substitute", "eid": eid, "text": {"kk": kk}}


def text_at(c: FlaskClient, eid: str, at: str) -> str | None:
    resp = c.get(f"{ACT}/provisions/{eid}", query_string={"at": at})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    text: str | None = resp.get_json()["text"]
    return text


def registry_seed_text() -> str:
    seed = resources.files("registry").joinpath("seed", "kostanay-514-2021-ereje.kk.md")
    return seed.read_text("utf-8")


# --- listing --------------------------------------------------------------------------------------


def test_list_acts_items_carry_uri_title_languages(client: FlaskClient) -> None:
    resp = client.get(API)
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    items = {i["frbr_uri"]: i for i in resp.get_json()["items"]}
    seed = items[SEED]
    assert "ережені бекіту туралы" in seed["title"]["kk"]
    assert seed["languages"] == ["kk"]
    assert (seed["number"], seed["date"], seed["type"]) == ("514", "2021-11-12", "resolution")
    # the amending act № 445 is known by its citation only
    cited = items["/akn/kz-kus/act/resolution/2023-10-17/445"]
    assert cited["languages"] == [] and cited["text_held"] is False
    # JSON is UTF-8 with the Kazakh letters unescaped
    raw = resp.get_data(as_text=True)
    assert "Қостанай облысы әкімдігі" in raw and "\\u" not in raw


def test_list_acts_on_an_empty_registry(empty: FlaskClient) -> None:
    assert empty.get(API).get_json() == {"items": [], "total": 0}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"number": "514"}, [SEED]),
        ({"number": "999"}, []),
        ({"date": "2021-11-12"}, [SEED]),
        ({"date": "2021-11-13"}, []),
        ({"type": "order"}, []),
        ({"q": "ережені"}, [SEED]),
        ({"q": "мемлекеттік мекемесі"}, [SEED]),
        ({"q": "жоқ сөз"}, []),
        ({"number": "514", "date": "2021-11-13"}, []),
        ({"number": "514", "type": "resolution", "date": "2021-11-12"}, [SEED]),
        ({"number": "", "date": "", "q": ""}, [SEED, "/akn/kz-kus/act/resolution/2023-10-17/445"]),
    ],
)
def test_list_acts_filters(client: FlaskClient, query: dict[str, str], expected: list[str]) -> None:
    assert uris(client.get(API, query_string=query)) == expected


def test_list_acts_type_filter_keeps_resolutions(client: FlaskClient) -> None:
    found = uris(client.get(API, query_string={"type": "resolution"}))
    assert SEED in found


@pytest.mark.parametrize("q", ["Қостанай", "қостанай", "ҚОСТАНАЙ", "Ережені"])
def test_list_acts_q_ignores_letter_case_in_kazakh(client: FlaskClient, q: str) -> None:
    """The issuer is "Қостанай облысы әкімдігі": a search must not depend on letter case."""
    assert SEED in uris(client.get(API, query_string={"q": q}))


@pytest.mark.parametrize("q", ["%", "_", "%%", "ереж_ні%бекіту"])
def test_list_acts_q_takes_like_wildcards_literally(client: FlaskClient, q: str) -> None:
    """No title or issuer contains % or _; they are characters to find, not patterns."""
    assert uris(client.get(API, query_string={"q": q})) == []


@pytest.mark.parametrize("bad", ["bad", "2021-02-30", "2021-13-01", "12.11.2021", " "])
def test_list_acts_bad_date_is_422_naming_date(client: FlaskClient, bad: str) -> None:
    error = error_of(client.get(API, query_string={"date": bad}), 422, "invalid", "date")
    assert "YYYY-MM-DD" in error["message"]


# --- one act --------------------------------------------------------------------------------------


def test_act_tree_contract_in_force_today_wording(client: FlaskClient) -> None:
    resp = client.get(ACT, query_string={"at": "2024-01-01"})
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    body = resp.get_json()
    check_tree(body)
    assert (body["type"], body["eid"]) == ("act", "act")
    assert body["frbr_uri"] == SEED and body["lang"] == "kk" and body["at"] == "2024-01-01"
    assert body["valid_from"] == "2023-10-17" and body["valid_to"] is None
    assert body["not_held"] == []
    para = find(body, PARA_15)
    assert (para["type"], para["num"], para["text"]) == ("paragraph", "15", "Функциялары:")
    assert [c["type"] for c in para["children"]] == ["point"] * len(para["children"])
    point = find(body, POINT_41)
    assert point["num"] == "41" and KANDAS in point["text"]
    assert point["children"] == []
    notes = body["notes"]
    assert notes and all(set(n) == {"eid", "placement", "text"} for n in notes)
    assert any(n["eid"] == PARA_15 and "445" in n["text"] for n in notes)
    assert KANDAS in resp.get_data(as_text=True)  # not \u-escaped


def test_act_before_the_restatement_does_not_hold_paragraph_15(client: FlaskClient) -> None:
    body = client.get(ACT, query_string={"at": "2022-01-01"}).get_json()
    check_tree(body)
    assert (body["valid_from"], body["valid_to"]) == ("2021-11-12", "2023-10-16")
    para = find(body, PARA_15)
    assert para["state"] == "not_held" and para["text"] is None and para["children"] == []
    gap = next(g for g in body["not_held"] if g["eid"] == PARA_15)
    assert gap["held_from"] == "2023-10-17" and gap["num"] == "15"
    assert "445" in gap["message"] and "2023-10-17" in gap["message"]
    assert not any(n["eid"] == PARA_15 for n in body["notes"])
    assert find(body, "chp_2__para_14")["text"]  # the rest of the Regulation is held


def test_act_without_at_is_as_of_today(client: FlaskClient) -> None:
    today = client.get(ACT, query_string={"at": date.today().isoformat()}).get_json()
    assert client.get(ACT).get_json() == today
    assert client.get(ACT, query_string={"at": ""}).get_json() == today


def test_act_before_entry_into_force_is_404_not_in_force(client: FlaskClient) -> None:
    error = error_of(client.get(ACT, query_string={"at": "2021-11-11"}), 404, "not_in_force", "at")
    assert "2021-11-12" in error["message"]


def test_act_in_an_unheld_language_is_404_naming_the_held_ones(client: FlaskClient) -> None:
    error = error_of(client.get(ACT, query_string={"lang": "ru"}), 404, "not_held", "lang")
    assert "kk" in error["message"] and "kk" in error["fields"]["lang"]


@pytest.mark.parametrize("lang", ["xx", "KK", "kaz", ""])
def test_act_unknown_language_is_422(client: FlaskClient, lang: str) -> None:
    error_of(client.get(ACT, query_string={"lang": lang}), 422, "invalid", "lang")


@pytest.mark.parametrize("at", ["garbage", "2024-02-30", "01.01.2024", "2024-1-1"])
def test_act_bad_at_is_422_naming_at(client: FlaskClient, at: str) -> None:
    error_of(client.get(ACT, query_string={"at": at}), 422, "invalid", "at")


def test_unknown_act_is_404(client: FlaskClient) -> None:
    uri = "/akn/kz-kus/act/resolution/2021-11-12/999"
    for suffix in ("", "/versions", "/akn", "/provisions/para_1", "/provisions/para_1/history"):
        error = error_of(client.get(API + uri + suffix), 404, "not_found", "frbr_uri")
        assert uri in error["message"]
    error_of(client.get(f"{API}{uri}/diff?from=2022-01-01&to=2024-01-01"), 404, "not_found")


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/foo", 404),
        ("/akn", 404),
        ("/akn/kz-kus/act/resolution/2021-11-12", 404),
        ("/eli/kz-kus/act/resolution/2021-11-12/514", 404),
        ("/akn/kz-kus/act/resolution/not-a-date/514", 422),
    ],
)
def test_malformed_act_uri_is_a_json_error(client: FlaskClient, path: str, status: int) -> None:
    error_of(client.get(API + path), status, None, "frbr_uri")


def test_unknown_sub_resource_is_404(client: FlaskClient) -> None:
    for suffix in ("/nonsense", "/provisions", f"/provisions/{PARA_15}/bogus", "/amendments"):
        error_of(client.get(ACT + suffix), 404, "not_found")


def test_versions(client: FlaskClient) -> None:
    body = client.get(ACT + "/versions").get_json()
    assert body["frbr_uri"] == SEED and body["pending"] == []
    first, second = body["versions"]
    assert (first["date"], first["valid_to"], first["original"]) == (
        "2021-11-12",
        "2023-10-16",
        True,
    )
    assert (second["date"], second["valid_to"], second["original"]) == ("2023-10-17", None, False)
    assert first["amended_by"] == []
    (by,) = second["amended_by"]
    assert (by["number"], by["date"], by["type"]) == ("445", "2023-10-17", "resolution")
    assert body["work"]["languages"] == ["kk"] and body["work"]["number"] == "514"


def test_diff_requires_from_and_to(client: FlaskClient) -> None:
    error_of(client.get(ACT + "/diff"), 422, "invalid", "from")
    error_of(client.get(ACT + "/diff?from=2022-01-01"), 422, "invalid", "to")
    error_of(client.get(ACT + "/diff?to=2024-01-01"), 422, "invalid", "from")
    error_of(client.get(ACT + "/diff?from=x&to=2024-01-01"), 422, "invalid", "from")
    error_of(client.get(ACT + "/diff?from=2022-01-01&to=2024-01-01&lang=xx"), 422, None, "lang")


def test_diff_lists_paragraph_15_as_changed(client: FlaskClient) -> None:
    body = client.get(ACT + "/diff?from=2022-01-01&to=2024-01-01").get_json()
    assert (body["from"], body["to"], body["frbr_uri"]) == ("2022-01-01", "2024-01-01", SEED)
    kinds = {c["eid"]: c["kind"] for c in body["changes"]}
    assert kinds[PARA_15] == "changed"
    assert kinds[POINT_41] == "added"
    change = next(c for c in body["changes"] if c["eid"] == PARA_15)
    assert change["old"]["state"] == "not_held" and change["new"]["text"] == "Функциялары:"
    assert body["summary"]["changed"] >= 1


def test_diff_of_a_date_with_itself_is_empty(client: FlaskClient) -> None:
    body = client.get(ACT + "/diff?from=2024-01-01&to=2024-01-01").get_json()
    assert body["changes"] == []


def test_diff_before_entry_into_force_and_in_unheld_language(client: FlaskClient) -> None:
    error_of(client.get(ACT + "/diff?from=2020-01-01&to=2024-01-01"), 404, "not_in_force")
    error_of(client.get(ACT + "/diff?from=2022-01-01&to=2024-01-01&lang=ru"), 404, "not_held")


@pytest.mark.parametrize("at", ["2024-01-01", "2022-01-01"])
def test_akn_is_valid_akoma_ntoso_3(client: FlaskClient, at: str) -> None:
    resp = client.get(ACT + "/akn", query_string={"at": at})
    assert resp.status_code == 200
    assert resp.mimetype == "application/akn+xml"
    root = etree.fromstring(resp.data, etree.XMLParser(resolve_entities=False, no_network=True))
    assert etree.QName(root).namespace == AKN_NS
    assert etree.QName(root).localname == "akomaNtoso"
    validate_akn(resp.data)
    this = root.find(f".//{{{AKN_NS}}}FRBRWork/{{{AKN_NS}}}FRBRthis")
    assert this is not None and this.get("value", "").startswith(SEED)
    assert (KANDAS in resp.data.decode("utf-8")) is (at == "2024-01-01")


def test_akn_errors(client: FlaskClient) -> None:
    error_of(client.get(ACT + "/akn?at=2020-01-01"), 404, "not_in_force")
    error_of(client.get(ACT + "/akn?lang=ru"), 404, "not_held")
    error_of(client.get(ACT + "/akn?at=nope"), 422, "invalid", "at")


def test_provision_as_at_a_date(client: FlaskClient) -> None:
    node = client.get(f"{ACT}/provisions/{PARA_15}?at=2024-01-01").get_json()
    check_tree(node)
    assert (node["eid"], node["type"], node["num"]) == (PARA_15, "paragraph", "15")
    assert KANDAS in find(node, POINT_41)["text"]
    before = client.get(f"{ACT}/provisions/{PARA_15}?at=2022-01-01").get_json()
    assert before["state"] == "not_held" and before["text"] is None and before["children"] == []
    point = client.get(f"{ACT}/provisions/{POINT_41}?at=2024-01-01").get_json()
    assert point["eid"] == POINT_41 and point["children"] == []


def test_provision_errors(client: FlaskClient) -> None:
    error_of(client.get(f"{ACT}/provisions/chp_9__para_99"), 404, "not_found", "eid")
    error_of(client.get(f"{ACT}/provisions/{POINT_41}?at=2022-01-01"), 404, "not_found", "eid")
    error_of(client.get(f"{ACT}/provisions/{PARA_15}?at=bad"), 422, "invalid", "at")
    error_of(client.get(f"{ACT}/provisions/{PARA_15}?lang=ru"), 404, "not_held", "lang")


def test_provision_history(client: FlaskClient) -> None:
    body = client.get(f"{ACT}/provisions/{PARA_15}/history").get_json()
    assert (body["frbr_uri"], body["eid"]) == (SEED, PARA_15)
    old, new = body["versions"]
    assert (old["valid_from"], old["valid_to"], old["state"]) == (
        "2021-11-12",
        "2023-10-16",
        "not_held",
    )
    assert old["text"] is None and old["amended_by"] is None
    assert (new["valid_from"], new["valid_to"], new["state"]) == ("2023-10-17", None, "in_force")
    assert new["amended_by"]["number"] == "445"
    error_of(client.get(f"{ACT}/provisions/chp_9__para_99/history"), 404, "not_found", "eid")


# --- importing ------------------------------------------------------------------------------------


def test_post_official_text_creates_the_act(client: FlaskClient) -> None:
    resp = post_text(client, KK_TEXT)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["frbr_uri"] == NEW and body["lang"] == "kk" and body["attached"] is False
    assert body["valid_from"] == "2022-03-05"
    location = resp.headers["Location"]
    assert location.endswith(API + NEW)
    got = client.get(location, query_string={"at": "2022-03-05"})
    assert got.status_code == 200
    tree = got.get_json()
    check_tree(tree)
    assert tree["title"] == "Тест туралы"
    assert find(tree, "para_1__point_2")["text"] == "тізбе."
    assert NEW in uris(client.get(API))


def test_post_the_same_text_twice_is_409_and_changes_nothing(client: FlaskClient) -> None:
    assert post_text(client, KK_TEXT).status_code == 201
    before = client.get(API + NEW).get_json()
    error = error_of(post_text(client, KK_TEXT), 409, "conflict", "lang")
    assert NEW in error["message"]
    assert client.get(API + NEW).get_json() == before
    error_of(post_text(client, registry_seed_text()), 409, "conflict")


def test_post_second_language_attaches_it(client: FlaskClient) -> None:
    assert post_text(client, KK_TEXT).status_code == 201
    resp = post_text(client, RU_TEXT, "ru")
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert resp.get_json()["attached"] is True and resp.get_json()["frbr_uri"] == NEW
    ru = client.get(API + NEW, query_string={"lang": "ru", "at": "2022-03-05"}).get_json()
    assert find(ru, "para_1__point_1")["text"] == "положение;"
    item = next(i for i in client.get(API).get_json()["items"] if i["frbr_uri"] == NEW)
    assert item["languages"] == ["kk", "ru"] and set(item["title"]) == {"kk", "ru"}


def test_post_with_a_work_that_does_not_match_the_citation_is_422(client: FlaskClient) -> None:
    resp = post_text(client, RU_TEXT, "ru", work=SEED)
    error_of(resp, 422, "invalid", "work")
    assert NEW not in uris(client.get(API))


def test_post_text_requires_lang(client: FlaskClient) -> None:
    error_of(post_text(client, KK_TEXT, None), 422, "invalid", "lang")
    error_of(post_text(client, KK_TEXT, "xx"), 422, "invalid", "lang")
    assert NEW not in uris(client.get(API))


@pytest.mark.parametrize(
    "content_type", ["application/json", "text/html", "multipart/form-data", None]
)
def test_post_act_with_a_wrong_content_type_is_422(
    client: FlaskClient, content_type: str | None
) -> None:
    resp = client.post(API + "?lang=kk", data=KK_TEXT.encode(), content_type=content_type)
    error_of(resp, 422, "invalid", "Content-Type")
    assert NEW not in uris(client.get(API))


def test_post_act_with_an_empty_body_is_422(client: FlaskClient) -> None:
    error_of(post_text(client, b""), 422, "invalid", "body")
    error_of(client.post(API, data=b"", content_type="application/xml"), 422, "invalid")


def test_post_text_that_is_not_utf8_is_422(client: FlaskClient) -> None:
    error_of(post_text(client, KK_TEXT.encode("utf-16")), 422, "invalid", "body")


def test_post_text_that_fails_to_parse_gives_the_parsers_line(client: FlaskClient) -> None:
    error = error_of(post_text(client, NO_CITATION), 422, "parse_error", "line")
    match = re.match(r"line (\d+): \S", error["message"])
    assert match, error["message"]
    assert match[1] == error["fields"]["line"] == "5"
    with_nul = KK_TEXT.replace("тізбе.", "тіз\x00бе.")
    error = error_of(post_text(client, with_nul), 422, "parse_error", "line")
    assert error["message"].startswith("line 11: ") and "U+0000" in error["message"]
    assert NEW not in uris(client.get(API))


def test_error_bodies_keep_non_ascii_unescaped(client: FlaskClient) -> None:
    """design.md §2: JSON is UTF-8 with non-ASCII characters unescaped — errors too."""
    resp = post_text(client, NO_CITATION)
    assert resp.status_code == 422
    raw = resp.get_data(as_text=True)
    assert "Қостанай" in raw, raw


XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE akomaNtoso [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><act>&xxe;</act>'
    b"</akomaNtoso>"
)
LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']>\n<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">'
    b"<act>&lol9;</act></akomaNtoso>"
)
EXTERNAL_DTD = (
    b'<?xml version="1.0"?>\n<!DOCTYPE akomaNtoso SYSTEM "http://127.0.0.1:9/akn.dtd">\n'
    b'<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"/>'
)
PI = b'<?xml-stylesheet href="http://127.0.0.1:9/x.xsl"?><akomaNtoso/>'


@pytest.mark.parametrize(
    "payload",
    [XXE, LAUGHS, EXTERNAL_DTD, PI, b"<akomaNtoso", b"<html><body/></html>", b"<a>\xff</a>"],
    ids=[
        "xxe",
        "billion-laughs",
        "external-dtd",
        "processing-instruction",
        "not-well-formed",
        "not-akn",
        "not-utf8",
    ],
)
@pytest.mark.parametrize("content_type", ["application/xml", "text/xml", "application/akn+xml"])
def test_post_hostile_xml_is_422_and_stores_nothing(
    client: FlaskClient, payload: bytes, content_type: str
) -> None:
    before = client.get(API).get_json()
    resp = client.post(API, data=payload, content_type=content_type)
    error = error_of(resp, 422, "invalid")
    assert "root:" not in error["message"]
    assert client.get(API).get_json() == before


def test_post_akn_exported_by_the_registry_creates_the_act(
    client: FlaskClient, tmp_path: Path
) -> None:
    """Akoma Ntoso round trip: export the act, import it into another registry, read it back."""
    exported = client.get(ACT + "/akn?at=2024-01-01").data
    error_of(client.post(API, data=exported, content_type="application/xml"), 409, "conflict")
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    other = make_app(f"sqlite:///{other_dir}/other.db", other_dir)
    try:
        c = staff_client(other)
        resp = c.post(API, data=exported, content_type="application/xml")
        assert resp.status_code == 201, resp.get_data(as_text=True)
        assert resp.get_json()["frbr_uri"] == SEED
        original = client.get(ACT + "?at=2024-01-01").get_json()
        copy = c.get(resp.headers["Location"] + "?at=2024-01-01").get_json()
        assert find(copy, POINT_41)["text"] == find(original, POINT_41)["text"]
        assert [n["eid"] for n in walk(copy)] == [n["eid"] for n in walk(original)]
    finally:
        close(other)


# --- amendments and publication ------------------------------------------------------------------


def test_amendment_changes_the_text_from_its_date(client: FlaskClient) -> None:
    old = text_at(client, POINT_1, "2024-02-29")
    resp = client.post(ACT + "/amendments", json=amendment())
    assert resp.status_code == 201, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["frbr_uri"] == SEED and body["status"] == "materialised"
    assert body["effective"] == "2024-03-01"
    assert body["amending_act"] == "/akn/kz-kus/act/resolution/2024-02-01/9"
    assert text_at(client, POINT_1, "2024-03-01") == "жаңа мәтін;"
    assert text_at(client, POINT_1, "2024-02-29") == old != "жаңа мәтін;"
    versions = client.get(ACT + "/versions").get_json()["versions"]
    assert [v["date"] for v in versions] == ["2021-11-12", "2023-10-17", "2024-03-01"]
    assert versions[-1]["amended_by"][0]["number"] == "9"
    history = client.get(f"{ACT}/provisions/{POINT_1}/history").get_json()["versions"]
    assert [v["valid_from"] for v in history][-1] == "2024-03-01"
    diff = client.get(ACT + "/diff?from=2024-02-29&to=2024-03-01").get_json()
    assert [(c["eid"], c["kind"]) for c in diff["changes"]] == [(POINT_1, "changed")]
    whole = client.get(ACT + "?at=2024-03-01").get_json()
    (note,) = [n for n in whole["notes"] if n["eid"] == POINT_1]
    assert note["text"].startswith("Ескерту.") and "01.02.2024 № 9" in note["text"]
    assert "01.03.2024" in note["text"]
    earlier = client.get(ACT + "?at=2024-02-29").get_json()
    assert not [n for n in earlier["notes"] if n["eid"] == POINT_1]


def test_amendment_insert_and_repeal(client: FlaskClient) -> None:
    ops = [
        {"op": "insert_after", "eid": POINT_41, "num": "41-1", "text": {"kk": "жаңа тармақша;"}},
        {"op": "repeal", "eid": "chp_2__para_15__point_2"},
    ]
    resp = client.post(ACT + "/amendments", json=amendment(*ops))
    assert resp.status_code == 201, resp.get_data(as_text=True)
    para = client.get(f"{ACT}/provisions/{PARA_15}?at=2024-03-01").get_json()
    inserted = find(para, "chp_2__para_15__point_41-1")
    assert (inserted["num"], inserted["text"]) == ("41-1", "жаңа тармақша;")
    eids = [c["eid"] for c in para["children"]]
    assert eids.index("chp_2__para_15__point_41-1") == eids.index(POINT_41) + 1
    assert find(para, "chp_2__para_15__point_2")["state"] == "repealed"


def test_amendment_with_invalid_json_is_422(client: FlaskClient) -> None:
    resp = client.post(ACT + "/amendments", data="{bad", content_type="application/json")
    error_of(resp, 422, "invalid", "body")
    resp = client.post(ACT + "/amendments", data=b"\xff\xfe", content_type="application/json")
    error_of(resp, 422, "invalid", "body")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_amendment_with_a_wrong_content_type_is_422(
    client: FlaskClient, content_type: str | None
) -> None:
    resp = client.post(ACT + "/amendments", data=json.dumps(amendment()), content_type=content_type)
    error_of(resp, 422, "invalid", "Content-Type")
    assert len(client.get(ACT + "/versions").get_json()["versions"]) == 2


def _with(path: str, value: Any) -> dict[str, Any]:
    """A valid amendment with one value replaced (or deleted when value is ...)."""
    body = amendment()
    *parents, last = path.split(".")
    target: Any = body
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is ...:
        del target[int(last) if last.isdigit() else last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return body


INVALID_AMENDMENTS = {
    "amending_act.date": _with("amending_act.date", "2024-13-01"),
    "amending_act.type": _with("amending_act.type", "memo"),
    "amending_act.number": _with("amending_act.number", "   "),
    "amending_act.issuer": _with("amending_act.issuer", ...),
    "amending_act.title.kk": _with("amending_act.title", {"ru": "о внесении изменений"}),
    "amending_act.extra": _with("amending_act.extra", 1),
    "effective.rule": _with("effective.rule", "sometimes"),
    "effective.date": _with("effective.date", ...),
    "effective.days": _with("effective", {"rule": "publication+N", "days": 0}),
    "operations": _with("operations", []),
    "operations[0].op": _with("operations.0.op", "delete"),
    "operations[0].eid": _with("operations.0.eid", "../../etc/passwd"),
    "operations[0].text": _with("operations.0.text", ...),
    "operations[0].text.xx": _with("operations.0.text", {"xx": "мәтін"}),
    "operations[0].num": _with("operations.0.num", "1"),
    "extra": _with("extra", True),
}


@pytest.mark.parametrize("field", list(INVALID_AMENDMENTS))
def test_amendment_names_the_invalid_field(client: FlaskClient, field: str) -> None:
    resp = client.post(ACT + "/amendments", json=INVALID_AMENDMENTS[field])
    error = error_of(resp, 422, "invalid", field)
    assert field in error["message"]
    assert len(client.get(ACT + "/versions").get_json()["versions"]) == 2


def test_amendment_names_every_invalid_field_at_once(client: FlaskClient) -> None:
    body = {
        "amending_act": {"type": "memo", "issuer": 5, "number": "", "date": "no", "title": []},
        "effective": {"rule": "fixed", "date": "2024-02-30"},
        "operations": [
            {"op": "delete", "eid": "Bad eid"},
            {"op": "substitute", "eid": POINT_1},
            "not an object",
        ],
        "comment": "?",
    }
    error = error_of(client.post(ACT + "/amendments", json=body), 422, "invalid")
    assert set(error["fields"]) >= {
        "amending_act.type",
        "amending_act.issuer",
        "amending_act.number",
        "amending_act.date",
        "amending_act.title",
        "effective.date",
        "operations[0].op",
        "operations[0].eid",
        "operations[1].text",
        "operations[2]",
        "comment",
    }


@pytest.mark.parametrize(
    "body", [[], "text", 5, None, {}], ids=["list", "string", "number", "null", "empty"]
)
def test_amendment_that_is_not_an_amendment_object_is_422(client: FlaskClient, body: Any) -> None:
    resp = client.post(ACT + "/amendments", data=json.dumps(body), content_type="application/json")
    error_of(resp, 422, "invalid")


def test_amendment_of_a_provision_not_in_force_or_in_an_unheld_language(
    client: FlaskClient,
) -> None:
    error_of(
        client.post(ACT + "/amendments", json=amendment(substitute("chp_9__para_99", "x"))),
        404,
        "not_found",
        "operations[0].eid",
    )
    ru = {"op": "substitute", "eid": POINT_1, "text": {"kk": "жаңа;", "ru": "новый;"}}
    error_of(
        client.post(ACT + "/amendments", json=amendment(ru)),
        422,
        "invalid",
        "operations[0].text.ru",
    )
    early = amendment(effective={"rule": "fixed", "date": "2021-01-01"})
    error_of(client.post(ACT + "/amendments", json=early), 422, "invalid", "effective")
    assert len(client.get(ACT + "/versions").get_json()["versions"]) == 2


@pytest.mark.parametrize(
    "bad", ["\x00", "\x1b", "\x08", "\ufffe"], ids=["nul", "esc", "bs", "fffe"]
)
def test_amendment_text_with_control_characters_is_refused(client: FlaskClient, bad: str) -> None:
    """Imports refuse such characters (parse_error); an amendment must not smuggle them in:
    the act could then no longer be exported as Akoma Ntoso (nor stored on PostgreSQL)."""
    resp = client.post(ACT + "/amendments", json=amendment(substitute(POINT_1, f"жаңа{bad}мәтін;")))
    error_of(resp, 422, "invalid", "operations[0].text.kk")
    assert client.get(ACT + "/akn?at=2024-03-01").status_code == 200


def test_amendment_of_an_unknown_act_is_404(client: FlaskClient) -> None:
    resp = client.post(
        API + "/akn/kz-kus/act/resolution/2021-11-12/999/amendments", json=amendment()
    )
    error_of(resp, 404, "not_found", "frbr_uri")


def test_conflicting_second_amendment_is_409(client: FlaskClient) -> None:
    assert client.post(ACT + "/amendments", json=amendment()).status_code == 201
    other = amendment(substitute(POINT_1, "басқа мәтін;"), number="10")
    error = error_of(client.post(ACT + "/amendments", json=other), 409, "conflict", "operations")
    assert POINT_1 in error["message"]
    assert text_at(client, POINT_1, "2024-03-01") == "жаңа мәтін;"
    earlier = amendment(
        substitute(POINT_1, "ертерек;"),
        number="8",
        day="2024-01-10",
        effective={"rule": "fixed", "date": "2024-02-01"},
    )
    # an earlier change of the same provision is fine: the later one still overrides it
    resp = client.post(ACT + "/amendments", json=earlier)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert text_at(client, POINT_1, "2024-02-15") == "ертерек;"
    assert text_at(client, POINT_1, "2024-03-01") == "жаңа мәтін;"


def test_publication_brings_a_pending_amendment_into_force(client: FlaskClient) -> None:
    pending = amendment(
        {"op": "repeal", "eid": "chp_2__para_15__point_2"},
        number="11",
        day="2024-04-01",
        effective={"rule": "publication+10"},
    )
    resp = client.post(ACT + "/amendments", json=pending)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert resp.get_json()["status"] == "pending" and resp.get_json()["effective"] is None
    amending = API + "/akn/kz-kus/act/resolution/2024-04-01/11"
    (waiting,) = client.get(ACT + "/versions").get_json()["pending"]
    assert waiting["amended_by"]["number"] == "11" and waiting["days"] == 10
    published = client.post(amending + "/publication", json={"date": "2024-04-05"})
    assert published.status_code == 201, published.get_data(as_text=True)
    body = published.get_json()
    assert body["published"] == "2024-04-05"
    assert body["effects"] == [{"frbr_uri": SEED, "effective": "2024-04-15"}]
    node = client.get(f"{ACT}/provisions/chp_2__para_15__point_2?at=2024-04-15").get_json()
    assert node["state"] == "repealed"
    assert text_at(client, "chp_2__para_15__point_2", "2024-04-14")
    assert client.get(ACT + "/versions").get_json()["pending"] == []
    again = client.post(amending + "/publication", json={"date": "2024-04-06"})
    error_of(again, 409, "conflict", "date")


def test_publication_whose_effect_date_overflows_is_422_and_records_nothing(
    client: FlaskClient,
) -> None:
    """publication+10 from 9999-12-30 lies past the last date there is: invalid, not a crash."""
    pending = amendment(number="11", day="2024-04-01", effective={"rule": "publication+10"})
    assert client.post(ACT + "/amendments", json=pending).status_code == 201
    amending = API + "/akn/kz-kus/act/resolution/2024-04-01/11"
    resp = client.post(amending + "/publication", json={"date": "9999-12-30"})
    error_of(resp, 422, "invalid", "date")
    # nothing was recorded: the real publication date is still accepted
    resp = client.post(amending + "/publication", json={"date": "2024-04-05"})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert resp.get_json()["effects"] == [{"frbr_uri": SEED, "effective": "2024-04-15"}]


@pytest.mark.parametrize(
    "body",
    [{}, {"date": "2024-13-01"}, {"date": 20240405}, {"date": "2024-04-05T00:00"}, [], None],
    ids=["no-date", "bad-date", "number", "datetime", "list", "null"],
)
def test_publication_with_an_invalid_date_is_422(client: FlaskClient, body: Any) -> None:
    resp = client.post(ACT + "/publication", data=json.dumps(body), content_type="application/json")
    error_of(resp, 422, "invalid", "date")


def test_publication_errors(client: FlaskClient) -> None:
    resp = client.post(
        ACT + "/publication", data='{"date": "2024-01-01"}', content_type="text/plain"
    )
    error_of(resp, 422, "invalid", "Content-Type")
    unknown = API + "/akn/kz-kus/act/resolution/2021-11-12/999/publication"
    error_of(client.post(unknown, json={"date": "2024-01-01"}), 404, "not_found")
    # the bundled act's publication is already (assumed) on record
    error_of(client.post(ACT + "/publication", json={"date": "2021-11-20"}), 409, "conflict")


def test_post_to_an_act_or_an_unknown_sub_resource_is_404(client: FlaskClient) -> None:
    for suffix in ("", "/versions", "/diff", "/akn", "/nonsense"):
        error_of(client.post(ACT + suffix, json={}), 404, "not_found", "path")


def test_unsupported_methods_are_405_json(client: FlaskClient) -> None:
    error_of(client.put(ACT), 405, "method_not_allowed")
    error_of(client.delete(API), 405, "method_not_allowed")
    error_of(client.patch(ACT + "/amendments", json={}), 405)


# --- OpenAPI --------------------------------------------------------------------------------------


def _openapi(client: FlaskClient) -> dict[str, Any]:
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    doc: dict[str, Any] = json.loads(resp.get_data(as_text=True))
    return doc


def test_openapi_document_is_valid_json(client: FlaskClient) -> None:
    doc = _openapi(client)
    assert str(doc["openapi"]).startswith("3.")
    assert doc["info"]["title"] and doc["info"]["version"]
    assert doc["paths"]


def test_openapi_documents_every_api_route(app: Flask, client: FlaskClient) -> None:
    paths = _openapi(client)["paths"]
    catch_all = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.rule == "/api/v1/openapi.json":
            continue
        if rule.endpoint == "registry_api.act":  # one route serves every act sub-resource
            catch_all.append(rule.rule)
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        assert path in paths, f"{rule.rule} is not documented"
        methods = {m.lower() for m in rule.methods or ()} - {"head", "options"}
        assert methods <= set(paths[path]), rule.rule
    assert catch_all == ["/api/v1/acts/<path:tail>"]
    act = "/api/v1/acts/{frbr_uri}"
    expected = {
        act: {"get"},
        f"{act}/versions": {"get"},
        f"{act}/diff": {"get"},
        f"{act}/akn": {"get"},
        f"{act}/amendments": {"post"},
        f"{act}/publication": {"post"},
        f"{act}/provisions/{{eid}}": {"get"},
        f"{act}/provisions/{{eid}}/history": {"get"},
    }
    for path, methods in expected.items():
        assert path in paths, f"{path} is not documented"
        assert methods <= set(paths[path]), path


def test_every_documented_operation_is_served(client: FlaskClient) -> None:
    """Substitute the bundled act into each documented path: none is an unknown resource."""
    paths = _openapi(client)["paths"]
    for template, operations in paths.items():
        path = (
            template.replace("{frbr_uri}", SEED.lstrip("/"))
            .replace("{eid}", PARA_15)
            .replace("{template_id}", "order")
            .replace("{username}", "staff")
            .replace("{lang}", "kk")
            .replace("{token_id}", "999999")
        )
        query = (
            {"q": "ереже", "from": "2021", "to": "2024"}
            if template.endswith("/search")
            else {"from": "2022-01-01", "to": "2024-01-01"}
        )
        for method in operations:
            if method == "get" and "{" in path:  # a parameter only a stored file can fill
                resp = client.get(path)
                assert resp.status_code in (404, 422), (template, resp.status_code)
            elif method == "get":
                resp = client.get(path, query_string=query)
                assert resp.status_code == 200, (template, resp.get_data(as_text=True)[:300])
            else:
                unknown = "0000000000000000"
                resp = client.open(
                    path.replace("{document_id}", unknown), method=method.upper(), json={}
                )
                assert resp.status_code != 405 and resp.status_code < 500, (template, method)
                if resp.status_code == 404:  # only the record may be unknown, not the route
                    message = resp.get_json()["error"]["message"]
                    assert f"no document '{unknown}'" in message or "no token 999999" in message


def test_openapi_references_resolve(client: FlaskClient) -> None:
    doc = _openapi(client)

    def refs(value: Any) -> Iterator[str]:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "$ref":
                    yield item
                else:
                    yield from refs(item)
        elif isinstance(value, list):
            for item in value:
                yield from refs(item)

    found = set(refs(doc))
    assert found
    for ref in found:
        assert ref.startswith("#/")
        target: Any = doc
        for part in ref[2:].split("/"):
            assert part in target, ref
            target = target[part]


# --- hostile input --------------------------------------------------------------------------------

HOSTILE = {
    "long": "x" * 100_000,
    "long-unicode": "қ" * 30_000,
    "nul": "a\x00b",
    "control": "\x1b[31m\x07\x08",
    "unicode": "Қ😀\u202e\ufeff\u200bә",
    "traversal": "../../../../etc/passwd",
    "encoded-traversal": "..%2F..%2Fetc%2Fpasswd",
    "sql": "'; DROP TABLE works; --",
    "like": "%_%",
    "html": "<script>alert(1)</script>",
}


def _hostile_requests(c: FlaskClient, value: str) -> Iterator[tuple[str, TestResponse]]:
    for key in ("q", "number", "type", "date"):
        yield f"list {key}", c.get(API, query_string={key: value})
    for key in ("at", "lang"):
        yield f"act {key}", c.get(ACT, query_string={key: value})
        yield f"akn {key}", c.get(ACT + "/akn", query_string={key: value})
    yield "diff", c.get(ACT + "/diff", query_string={"from": value, "to": value})
    yield "eid", c.get(f"{ACT}/provisions/{value}")
    yield "eid history", c.get(f"{ACT}/provisions/{value}/history")
    yield "uri tail", c.get(f"{API}/{value}")
    yield "uri place", c.get(f"{API}/akn/{value}/act/resolution/2021-11-12/514")
    yield "uri subtype", c.get(f"{API}/akn/kz-kus/act/{value}/2021-11-12/514")
    yield "uri number", c.get(f"{API}/akn/kz-kus/act/resolution/2021-11-12/{value}")
    yield "import work", post_text(c, KK_TEXT, "kk", work=value)
    yield "import lang", post_text(c, KK_TEXT, value)
    yield "import body", post_text(c, value)
    yield "import xml", c.post(API, data=value.encode(), content_type="application/xml")
    act = {"type": value, "issuer": value, "number": value, "date": value, "title": {"kk": value}}
    yield (
        "amend all",
        c.post(
            ACT + "/amendments",
            json={
                "amending_act": act,
                "effective": {"rule": value},
                "operations": [{"op": value, "eid": value}],
            },
        ),
    )
    valid = amendment(substitute(POINT_1, value))
    valid["amending_act"] |= {"issuer": value, "number": "1" + value[:50], "title": {"kk": value}}
    yield "amend values", c.post(ACT + "/amendments", json=valid)
    yield "publication", c.post(ACT + "/publication", json={"date": value})
    served = {rule.rule for rule in c.application.url_map.iter_rules()}
    for path in ("/api/v1/search", "/search"):  # the search package's endpoints, when present
        if path in served:
            for key in ("q", "lang", "at", "type", "page", "size"):
                yield f"{path} {key}", c.get(path, query_string={"q": "ереже", key: value})
    for who, headers in (("script", {}), ("browser", {"Accept": "text/html,*/*;q=0.8"})):
        yield f"page list ({who})", c.get("/acts", query_string={"q": value}, headers=headers)
        yield (
            f"page act ({who})",
            c.get("/acts" + SEED, query_string={"at": value, "lang": value}, headers=headers),
        )
        yield f"page eid ({who})", c.get(f"/acts{SEED}/provisions/{value}/history", headers=headers)
        yield f"page uri ({who})", c.get(f"/acts/{value}", headers=headers)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_no_endpoint_fails_on_hostile_input(client: FlaskClient, name: str) -> None:
    value = HOSTILE[name]
    failures = []
    for what, resp in _hostile_requests(client, value):
        if resp.status_code >= 500:
            failures.append(f"{what}: {resp.status_code} {resp.get_data(as_text=True)[:200]}")
        elif resp.status_code >= 400 and resp.mimetype == "application/json":
            error_of(resp, resp.status_code)
        elif resp.mimetype == "text/html":
            assert "<script>alert(1)" not in resp.get_data(as_text=True), what
        assert "root:x:0:0" not in resp.get_data(as_text=True), what
    assert not failures, "\n".join(failures)
    # nothing was damaged: the bundled act still reads the same
    assert KANDAS in find(client.get(ACT + "?at=2024-01-01").get_json(), POINT_41)["text"]


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        (API + "?lang=kk", "text/plain"),
        (API, "application/xml"),
        (ACT + "/amendments", "application/json"),
        (ACT + "/publication", "application/json"),
    ],
)
def test_body_over_max_content_length_is_413_json(
    client: FlaskClient, path: str, content_type: str
) -> None:
    limit = client.application.config["MAX_CONTENT_LENGTH"]
    assert limit == 10 * 1024 * 1024
    huge = b'{"amending_act": "' + b"x" * (limit + 1) + b'"}'
    error_of(client.post(path, data=huge, content_type=content_type), 413)
    assert len(client.get(ACT + "/versions").get_json()["versions"]) == 2


def test_configured_max_content_length_is_enforced(tmp_path: Path) -> None:
    small_dir = tmp_path / "small"
    small_dir.mkdir()
    small = make_app(f"sqlite:///{small_dir}/s.db", small_dir, MAX_CONTENT_LENGTH=1000)
    try:
        c = staff_client(small)
        error_of(post_text(c, KK_TEXT + "x" * 1000), 413, "request_entity_too_large")
        assert post_text(c, KK_TEXT).status_code == 201
    finally:
        close(small)


def test_unknown_urls_are_json_404(client: FlaskClient) -> None:
    error_of(client.get("/api/v1/nothing"), 404, "not_found")
    error_of(client.get("/api/v2/acts"), 404, "not_found")


# --- pages ----------------------------------------------------------------------------------------


def test_home_redirects_to_the_list(client: FlaskClient) -> None:
    resp = client.get("/")
    assert resp.status_code in (301, 302, 303, 307, 308)
    assert resp.headers["Location"].endswith("/acts")


def test_list_page(client: FlaskClient) -> None:
    resp = client.get("/acts")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    page = resp.get_data(as_text=True)
    assert page.lstrip().lower().startswith("<!doctype html")
    assert "ережені бекіту туралы" in page and SEED in page
    found = client.get("/acts", query_string={"q": "ережені"}).get_data(as_text=True)
    assert SEED in found
    assert SEED not in client.get("/acts", query_string={"q": "жоқ сөз"}).get_data(as_text=True)


def test_act_page(client: FlaskClient) -> None:
    resp = client.get("/acts" + SEED, query_string={"at": "2024-01-01"})
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert KANDAS in resp.get_data(as_text=True)
    earlier = client.get("/acts" + SEED, query_string={"at": "2022-01-01"})
    assert earlier.status_code == 200 and KANDAS not in earlier.get_data(as_text=True)


def test_diff_and_history_pages(client: FlaskClient) -> None:
    diff = client.get(f"/acts{SEED}/diff", query_string={"from": "2022-01-01", "to": "2024-01-01"})
    assert diff.status_code == 200 and diff.mimetype == "text/html"
    history = client.get(f"/acts{SEED}/provisions/{PARA_15}/history")
    assert history.status_code == 200 and "Функциялары:" in history.get_data(as_text=True)


def test_page_ui_language_is_remembered(client: FlaskClient) -> None:
    resp = client.get("/acts", query_string={"ui": "ru"})
    assert resp.status_code == 200
    assert "ui=ru" in resp.headers.get("Set-Cookie", "")
    assert client.get("/acts", query_string={"ui": "xx"}).status_code == 200


def test_page_errors_are_not_500(client: FlaskClient) -> None:
    assert client.get("/acts" + SEED, query_string={"at": "2020-01-01"}).status_code == 404
    assert client.get("/acts" + SEED, query_string={"lang": "ru"}).status_code == 404
    assert client.get("/acts/foo").status_code == 404
    assert client.get("/acts" + SEED, query_string={"at": "bad"}).status_code == 422
