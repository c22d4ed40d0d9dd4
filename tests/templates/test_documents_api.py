"""Issuing documents through the HTTP API and the CLI, with real LibreOffice and the registry.

The app is built by ``create_app`` as in production (SQLite here; numbering on PostgreSQL is
tested in tests/registry/test_documents.py), the bundled act loaded.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

import app as kense_app
from registry.routes import registry_of
from templates import pdf
from templates.catalog import Catalog
from tests.factories import amendment, repeal, staff_client, substitute
from tests.registry.test_api import close, error_of, make_app
from tests.templates.conftest import pdftotext, require_libreoffice
from tests.templates.test_catalog import SHIPPED

SEED = "/akn/kz-kus/act/resolution/2021-11-12/514"
CATALOG = Catalog()


def example(template: str, lang: str = "kk") -> dict[str, Any]:
    return CATALOG.get(template).example(lang)


@pytest.fixture
def flask_app(sqlite_url: str, tmp_path: Path) -> Iterator[Flask]:
    require_libreoffice()
    flask_app = make_app(sqlite_url, tmp_path)
    registry_of(flask_app).load_seed()
    yield flask_app
    close(flask_app)


@pytest.fixture
def client(flask_app: Flask) -> FlaskClient:
    return staff_client(flask_app)


def issue(client: FlaskClient, template: str, data: Any, **more: Any) -> dict[str, Any]:
    resp = client.post("/api/v1/documents", json={"template": template, "data": data, **more})
    assert resp.status_code == 201, resp.get_data(as_text=True)[:800]
    body: dict[str, Any] = resp.get_json()
    return body


@contextmanager
def converter_missing(flask_app: Flask) -> Iterator[None]:
    """The app's converter swapped for one that cannot start (a LibreOffice that is not there)."""
    from templates.convert import ColdConverter
    from templates.routes import documents_of

    documents = documents_of(flask_app)
    working = documents.converter
    documents.converter = ColdConverter(soffice="/nonexistent/soffice")
    try:
        yield
    finally:
        documents.converter = working


def file_of(client: FlaskClient, doc: dict[str, Any], stage: str, lang: str, fmt: str) -> bytes:
    resp = client.get(f"/api/v1/documents/{doc['id']}/files/{stage}/{lang}.{fmt}")
    assert resp.status_code == 200
    return resp.data


def test_the_catalogue_lists_every_template(client: FlaskClient) -> None:
    templates = client.get("/api/v1/templates").get_json()["templates"]
    assert {t["id"] for t in templates} >= SHIPPED
    assert all(set(t) == {"id", "kind", "title", "languages", "schema"} for t in templates)
    one = client.get("/api/v1/templates/kandas-certificate").get_json()
    assert one["examples"]["kk"] and one["labels"]
    error_of(client.get("/api/v1/templates/nope"), 404, "not_found")


def test_a_draft_has_no_number_and_its_pdf_carries_the_record(client: FlaskClient) -> None:
    doc = issue(client, "kandas-certificate", {"kk": example("kandas-certificate")})
    assert (doc["status"], doc["number"], doc["date"]) == ("draft", None, None)
    assert {(f["stage"], f["lang"], f["format"]) for f in doc["files"]} == {
        ("draft", "kk", "docx"),
        ("draft", "kk", "pdf"),
    }
    docx = file_of(client, doc, "draft", "kk", "docx")
    body = file_of(client, doc, "draft", "kk", "pdf")
    meta = pdf.read_metadata(body)
    assert meta["identifier"] == doc["id"] and meta["kind"] == "certificate"
    assert meta["docx_sha256"] == hashlib.sha256(docx).hexdigest()
    assert pdf.pdfa_part(body) == ("2", "B")
    sizes = {f["format"]: f["sha256"] for f in doc["files"]}
    assert sizes["pdf"] == hashlib.sha256(body).hexdigest()
    assert "№ ____" in pdftotext(body)


def test_finalising_numbers_per_template_and_prints_the_number(client: FlaskClient) -> None:
    first = issue(client, "kandas-certificate", {"kk": example("kandas-certificate")}, final=True)
    draft = issue(client, "kandas-certificate", {"kk": example("kandas-certificate")})
    second = client.post(f"/api/v1/documents/{draft['id']}/finalise").get_json()
    order = issue(client, "order", {"ru": example("order", "ru")}, final=True)
    assert [first["number"], second["number"], order["number"]] == ["1", "2", "1"]
    printed = pdftotext(file_of(client, second, "final", "kk", "pdf"))
    assert re.search(r"№\s*2\b", printed)
    assert pdf.read_metadata(file_of(client, second, "final", "kk", "pdf"))["number"] == "2"
    again = client.post(f"/api/v1/documents/{draft['id']}/finalise")
    error_of(again, 409, "conflict", "status")


def test_bad_data_names_every_field_and_stores_nothing(client: FlaskClient) -> None:
    data = copy.deepcopy(example("kandas-certificate"))
    iin_field = next(
        k for k, v in data.items() if isinstance(v, str) and v.isdigit() and len(v) == 12
    )
    data[iin_field] = "900315400018"
    required = CATALOG.get("kandas-certificate").schema["required"]
    missing = next(k for k in required if k != iin_field)
    del data[missing]
    data["unexpected"] = "x"
    resp = client.post(
        "/api/v1/documents", json={"template": "kandas-certificate", "data": {"kk": data}}
    )
    err = error_of(resp, 422, "invalid")
    assert {iin_field, missing, "unexpected"} <= set(err["fields"])
    assert client.get("/api/v1/documents").get_json()["items"] == []
    for body in (None, [], {"template": "order"}, {"template": "order", "data": {"en": {}}}):
        resp = client.post("/api/v1/documents", json=body)
        assert resp.status_code == 422, body
    assert client.get("/api/v1/documents").get_json()["items"] == []


def test_template_syntax_in_data_is_printed_as_text(client: FlaskClient) -> None:
    data = copy.deepcopy(example("order"))
    payload = "{{ 7*7 }} {% for x in range(3) %}x{% endfor %} <w:p/> & ]]>"
    data["points"][0]["text"] = payload
    doc = issue(client, "order", {"kk": data})
    printed = " ".join(pdftotext(file_of(client, doc, "draft", "kk", "pdf")).split())
    assert "{{ 7*7 }}" in printed and "{% for x in range(3) %}" in printed
    assert "<w:p/> & ]]>" in printed and "49" not in printed


def test_registry_templates_take_the_act_from_the_registry(client: FlaskClient) -> None:
    doc = issue(client, "resolution-approval", {"kk": example("resolution-approval")})
    printed = " ".join(pdftotext(file_of(client, doc, "draft", "kk", "pdf")).split())
    assert "қандас куәлігін береді" in printed
    assert doc["cites"] == [SEED] and doc["number"] is None
    ru = example("resolution-approval", "ru")
    refused = client.post(
        "/api/v1/documents", json={"template": "resolution-approval", "data": {"ru": ru}}
    )
    err = error_of(refused, 422, "unsupported_language")
    assert "Russian" in err["message"]
    before = dict(example("consolidated"), as_at="2022-06-01")
    not_held = client.post(
        "/api/v1/documents", json={"template": "consolidated", "data": {"kk": before}}
    )
    assert "does not hold" in error_of(not_held, 422, "unsupported_language")["message"]


def test_an_amending_resolution_states_the_amendment_in_the_official_formulas(
    flask_app: Flask, client: FlaskClient
) -> None:
    registry = registry_of(flask_app)
    registry.amend(
        SEED,
        amendment(
            substitute("chp_2__para_14", "Басқарма жаңа міндеттерді орындайды."),
            repeal("chp_2__para_15__point_41"),
            number="61",
            day="2025-02-20",
            effective="2025-03-01",
        ),
    )
    data = dict(
        example("resolution-amending"), amendment_uri="/akn/kz-kus/act/resolution/2025-02-20/61"
    )
    doc = issue(client, "resolution-amending", {"kk": data})
    printed = " ".join(pdftotext(file_of(client, doc, "draft", "kk", "pdf")).split())
    assert (
        "14-тармақ мынадай редакцияда жазылсын: «14. Басқарма жаңа міндеттерді орындайды.»;"
        in printed
    )
    assert "15-тармақтың 41) тармақшасы алып тасталсын." in printed


def test_void_adopt_and_correct(client: FlaskClient) -> None:
    order = issue(client, "order", {"kk": example("order")}, final=True)
    voided = client.post(f"/api/v1/documents/{order['id']}/void", json={"reason": "қате"})
    assert voided.get_json()["status"] == "void"
    error_of(
        client.post(f"/api/v1/documents/{order['id']}/void", json={}), 422, "invalid", "reason"
    )
    fixed = issue(client, "order", {"kk": example("order")}, corrects=order["id"], final=True)
    assert fixed["number"] == "2" and fixed["corrects"] == order["id"]
    resolution = issue(
        client, "resolution-approval", {"kk": example("resolution-approval")}, final=True
    )
    assert resolution["number"] is None
    adopted = client.post(
        f"/api/v1/documents/{resolution['id']}/adopt", json={"number": "600", "date": "2026-12-01"}
    ).get_json()
    assert (adopted["status"], adopted["number"], adopted["date"]) == (
        "adopted",
        "600",
        "2026-12-01",
    )


def test_preview_and_live_validation_record_nothing(client: FlaskClient) -> None:
    ok = client.post("/api/v1/templates/order/validate", json={"data": {"kk": example("order")}})
    assert ok.status_code == 200 and ok.get_json()["ok"] is True
    bad = client.post("/api/v1/templates/order/validate", json={"data": {"kk": {}}})
    assert bad.status_code == 200
    report = bad.get_json()
    assert report["ok"] is False and report["fields"] and report["message"]
    error_of(client.post("/api/v1/templates/order/validate", data="x"), 422, "invalid", "body")
    preview = client.post(
        "/api/v1/templates/order/preview", json={"lang": "kk", "data": example("order")}
    )
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    assert client.get("/api/v1/documents").get_json()["items"] == []


def test_cli_templates_generate_and_finalise(
    flask_app: Flask, sqlite_url: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    env = {"KENSE_DATABASE_URL": sqlite_url, "KENSE_DATA_DIR": str(tmp_path)}
    listed = runner.invoke(kense_app.cli, ["templates", "--json"], env=env)
    assert listed.exit_code == 0, listed.output
    assert {"id", "kind", "title", "languages", "schema"} == set(
        json.loads(listed.stdout)["templates"][0]
    )
    out = tmp_path / "out"
    made = runner.invoke(
        kense_app.cli,
        [
            "generate",
            "refugee-certificate",
            "--lang",
            "ru",
            "--example",
            "--out",
            str(out),
            "--final",
            "--json",
        ],
        env=env,
    )
    assert made.exit_code == 0, made.output
    result = json.loads(made.stdout)
    assert result["number"] == "1" and set(result["files"]) == {"docx", "pdf"}
    assert Path(result["files"]["pdf"]).read_bytes().startswith(b"%PDF")
    bad_file = tmp_path / "bad.json"
    bad_file.write_text(json.dumps({"last_name": 5}), encoding="utf-8")
    refused = runner.invoke(
        kense_app.cli,
        [
            "generate",
            "refugee-certificate",
            "--lang",
            "ru",
            "--data",
            str(bad_file),
            "--out",
            str(out),
        ],
        env=env,
    )
    assert refused.exit_code == 2 and "error:" in refused.stderr and "last_name" in refused.stderr
    shown = runner.invoke(kense_app.cli, ["documents", "show", result["id"], "--json"], env=env)
    assert json.loads(shown.stdout)["number"] == "1"


def test_when_no_converter_can_run_nothing_is_recorded_or_numbered(
    flask_app: Flask, client: FlaskClient
) -> None:
    with converter_missing(flask_app):
        draft_refused = client.post(
            "/api/v1/documents", json={"template": "order", "data": {"kk": example("order")}}
        )
        error_of(draft_refused, 503, "converter_unavailable")
        assert client.get("/api/v1/documents").get_json()["items"] == []
    draft = issue(client, "order", {"kk": example("order")})
    with converter_missing(flask_app):
        refused = client.post(f"/api/v1/documents/{draft['id']}/finalise")
        error_of(refused, 503, "converter_unavailable")
    assert client.get(f"/api/v1/documents/{draft['id']}").get_json()["status"] == "draft"
    done = client.post(f"/api/v1/documents/{draft['id']}/finalise").get_json()
    assert done["number"] == "1"


def test_an_issued_order_is_searchable_and_links_to_its_pdf(client: FlaskClient) -> None:
    data = example("order")
    order = issue(client, "order", {"kk": data}, final=True)
    words = " ".join(data["points"][0]["text"].split()[:3])
    found = client.get("/api/v1/search", query_string={"q": words, "type": "document"})
    hit_ids = [h["frbr_uri"].rsplit("/", 1)[-1] for h in found.get_json()["hits"]]
    assert order["id"] in hit_ids
    page = client.get("/search", query_string={"q": words, "type": "document"}).get_data(
        as_text=True
    )
    assert f"/api/v1/documents/{order['id']}/files/final/kk.pdf" in page
    certificate = issue(
        client, "kandas-certificate", {"kk": example("kandas-certificate")}, final=True
    )
    surname = example("kandas-certificate")["last_name"]
    found = client.get("/api/v1/search", query_string={"q": surname, "type": "document"})
    assert not any(h["frbr_uri"].endswith(certificate["id"]) for h in found.get_json()["hits"])


def test_issuing_is_in_the_audit_trail(flask_app: Flask, client: FlaskClient) -> None:
    order = issue(client, "order", {"kk": example("order")}, final=True)
    registry = registry_of(flask_app)
    mine = [e for e in registry.audit_entries() if e["subject"] == order["id"]]
    assert [e["action"] for e in reversed(mine)] == ["document.draft", "document.finalise"]
    assert {e["actor"] for e in mine} == {"user:staff"}  # the user whose token was sent
    assert mine[0]["detail"]["number"] == "1"
    assert registry.audit_verify().ok


def test_a_final_issue_that_cannot_be_converted_records_nothing(
    flask_app: Flask, client: FlaskClient
) -> None:
    with converter_missing(flask_app):
        body = {"template": "order", "data": {"kk": example("order")}, "final": True}
        error_of(client.post("/api/v1/documents", json=body), 503, "converter_unavailable")
    assert client.get("/api/v1/documents").get_json()["items"] == []
    assert issue(client, "order", {"kk": example("order")}, final=True)["number"] == "1"


def test_a_finalised_resolution_waits_for_the_akimats_number_and_date(client: FlaskClient) -> None:
    resolution = issue(
        client, "resolution-approval", {"kk": example("resolution-approval")}, final=True
    )
    assert (resolution["number"], resolution["date"]) == (None, None)
    printed = pdftotext(file_of(client, resolution, "final", "kk", "pdf"))
    assert "№ ____" in printed or "№____" in printed


@pytest.mark.parametrize(
    "body",
    [
        '{"template": "order", "data": {"kk": {"title": "\\ud800"}}}',
        "[" * 100_000 + "]" * 100_000,
        '{"template": "order", "data": ' + '{"a": ' * 200 + "1" + "}" * 200 + "}",
    ],
)
def test_unstorable_or_absurd_bodies_are_422(client: FlaskClient, body: str) -> None:
    resp = client.post("/api/v1/documents", data=body, content_type="application/json")
    assert resp.status_code == 422, resp.get_data(as_text=True)[:300]
    assert client.get("/api/v1/documents").get_json()["items"] == []


def test_a_draft_of_a_changed_template_is_not_finalised(
    flask_app: Flask, client: FlaskClient
) -> None:
    from dataclasses import replace

    from templates.routes import documents_of

    draft = issue(client, "order", {"kk": example("order")})
    documents = documents_of(flask_app)
    catalog = documents.catalog
    changed = replace(catalog.get("order"), version="0" * 64)
    documents.catalog = type("Changed", (), {"get": staticmethod(lambda _id: changed)})()  # type: ignore[assignment]
    try:
        error_of(client.post(f"/api/v1/documents/{draft['id']}/finalise"), 409, "conflict")
    finally:
        documents.catalog = catalog
    assert client.get(f"/api/v1/documents/{draft['id']}").get_json()["status"] == "draft"


def test_cli_refuses_an_unwritable_out_before_numbering(
    flask_app: Flask, sqlite_url: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    env = {"KENSE_DATABASE_URL": sqlite_url, "KENSE_DATA_DIR": str(tmp_path)}
    blocker = tmp_path / "file"
    blocker.write_text("x")
    refused = runner.invoke(
        kense_app.cli,
        [
            "generate",
            "order",
            "--lang",
            "kk",
            "--example",
            "--out",
            str(blocker / "sub"),
            "--final",
        ],
        env=env,
    )
    assert refused.exit_code == 2 and "--out" in refused.stderr
    assert registry_of(flask_app).list_documents() == []
