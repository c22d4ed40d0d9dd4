"""Uploaded decisions are searchable (both backends), without the personal data they contain;
and the HTTP and CLI edges of the upload."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

import app as kense_app
from registry.extract import DOCX, PDF
from registry.routes import registry_of
from search.query import parse_query
from search.routes import search_of
from search.service import Search
from tests.factories import staff_client
from tests.registry.test_decisions import DECISION, KK_TITLE, make_docx, make_pdf

IIN = "880101300123"
TEXT = [
    "Қостанай облысы әкімдігінің шешімі",
    f"Азамат Серікұлы (ЖСН {IIN}) босқын мәртебесін беру туралы шешім қабылданды.",
]
URI = "/akn/kz-kus/act/decision/2024-03-15/12"
FORM = {
    "issuer": "Қостанай облысы әкімдігі",
    "number": "12",
    "date": "2024-03-15",
    "title": KK_TITLE,
}


@pytest.fixture
def with_decision(search: Search, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Search:
    """The seeded registry (files kept under tmp_path) with one Kazakh decision, indexed."""
    registry = search.registry
    monkeypatch.setattr(registry, "config", replace(registry.config, data_dir=tmp_path / "data"))
    registry.add_decision(make_docx(TEXT), "шешім.docx", lang="kk", act=DECISION, title=KK_TITLE)
    assert search.drain() >= 1
    return search


def test_a_decision_is_found_by_its_words_with_personal_data_masked(
    with_decision: Search,
) -> None:
    result = with_decision.search(parse_query({"q": "босқын мәртебесі"}))
    decisions = [h for h in result.hits if h.type == "decision"]
    assert decisions, [(h.type, h.text[:60]) for h in result.hits]
    hit = decisions[0]
    assert (hit.frbr_uri, hit.lang, hit.eid, hit.act_number) == (URI, "kk", None, "12")
    assert hit.valid_from == "2024-03-15" and hit.valid_to is None
    assert "босқын мәртебесін беру туралы шешім" in hit.text
    assert IIN not in hit.text and "************" in hit.text
    assert IIN not in hit.highlight and "<mark>" in hit.highlight
    only = with_decision.search(parse_query({"q": "босқын мәртебесі", "type": "decision"}))
    assert only.hits and {h.type for h in only.hits} == {"decision"}


def test_the_personal_number_finds_nothing(with_decision: Search) -> None:
    for types in ("provision,note,decision", "act", "decision"):
        result = with_decision.search(parse_query({"q": IIN, "type": types}))
        assert result.total == 0 and not result.hits
    assert with_decision.check()["ok"]


# --- HTTP ------------------------------------------------------------------------------------


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    flask_app = kense_app.create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path}/k.db", "DATA_DIR": str(tmp_path), "TESTING": True}
    )
    registry_of(flask_app).migrate()
    yield flask_app
    for name, extension in flask_app.extensions.items():
        if name.startswith("kense.") and hasattr(extension, "close"):
            extension.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return staff_client(app)


def post(client: FlaskClient, data: bytes, filename: str, **fields: str) -> dict[str, Any]:
    form: dict[str, object] = {**FORM, **fields, "file": (io.BytesIO(data), filename)}
    response = client.post("/api/v1/decisions", data=form, content_type="multipart/form-data")
    body: dict[str, Any] = json.loads(response.get_data(as_text=True))
    body["status"] = response.status_code
    return body


def test_upload_list_and_download_over_http(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    docx = make_docx(TEXT)
    sha = hashlib.sha256(docx).hexdigest()
    body = post(client, docx, "шешім.docx")
    assert body == {
        "frbr_uri": URI,
        "sha256": sha,
        "media_type": DOCX,
        "size": len(docx),
        "filename": "шешім.docx",
        "lang": "kk",
        "status": 201,
    }
    assert (tmp_path / "files" / sha[:2] / sha).read_bytes() == docx
    listing = client.get(f"/api/v1/acts{URI}/files")
    assert listing.status_code == 200
    (item,) = listing.get_json()["items"]
    assert item["sha256"] == sha and item["filename"] == "шешім.docx" and "text" not in item
    download = client.get(f"/api/v1/acts{URI}/files/{sha}")
    assert download.status_code == 200
    assert download.data == docx and download.mimetype == DOCX
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    act = client.get(f"/api/v1/acts{URI}/versions").get_json()
    assert [f["sha256"] for f in act["work"]["files"]] == [sha]
    search_of(app).drain()  # the server drains in the background; catch up before asking
    found = client.get("/api/v1/search", query_string={"q": "босқын мәртебесі"}).get_json()
    assert any(h["type"] == "decision" and h["frbr_uri"] == URI for h in found["hits"])
    assert IIN not in json.dumps(found, ensure_ascii=False)
    again = post(client, docx, "again.docx")
    assert again["status"] == 409 and again["error"]["fields"] == {"file": "already uploaded"}


def test_bad_uploads_are_refused_naming_the_field(client: FlaskClient) -> None:
    png = post(client, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "scan.pdf")
    assert png["status"] == 422
    assert png["error"]["fields"] == {"file": "not PDF or DOCX"}
    no_date = post(client, make_pdf(["text"]), "a.pdf", date="15/03/2024")
    assert no_date["status"] == 422 and set(no_date["error"]["fields"]) == {"date"}
    response = client.post("/api/v1/decisions", data=FORM, content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"file": "required"}
    response = client.post("/api/v1/decisions", json=FORM)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"Content-Type"}
    missing = client.get(f"/api/v1/acts{URI}/files/{'0' * 64}")
    assert missing.status_code == 404


# --- CLI -------------------------------------------------------------------------------------


def test_decisions_add_and_list_on_the_command_line(tmp_path: Path) -> None:
    env = {"KENSE_DATABASE_URL": f"sqlite:///{tmp_path}/k.db", "KENSE_DATA_DIR": str(tmp_path)}
    runner = CliRunner(env=env)

    def kense(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(kense_app.cli, list(args), prog_name="kense")
        assert "Traceback" not in result.stderr
        return result.exit_code, result.stdout, result.stderr

    assert kense("init")[0] == 0
    pdf = tmp_path / "decision.pdf"
    pdf.write_bytes(make_pdf(["On granting refugee status"]))
    meta = [f"--{k}={v}" for k, v in FORM.items()]
    code, out, err = kense("decisions", "add", str(pdf), *meta)
    assert code == 0, err
    assert out == f"{URI}\n"
    code, out, err = kense("decisions", "add", str(pdf), *meta)
    assert code == 4 and "already attached" in err and out == ""
    ru = tmp_path / "ru.docx"
    ru.write_bytes(make_docx(["О предоставлении статуса беженца"]))
    code, out, err = kense(
        "decisions", "add", str(ru), *meta[:3], "--title=О статусе", "--lang=ru", "--json"
    )
    assert code == 0, err
    added = json.loads(out)
    assert added["frbr_uri"] == URI and added["media_type"] == DOCX and added["created"] is False
    code, out, err = kense("decisions", "list", "--json")
    assert code == 0, err
    (item,) = json.loads(out)["items"]
    assert item["frbr_uri"] == URI
    assert [f["media_type"] for f in item["files"]] == [PDF, DOCX]
    code, out, _ = kense("decisions", "list")
    assert code == 0 and len(out.splitlines()) == 2
    png = tmp_path / "scan.pdf"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    code, out, err = kense("decisions", "add", str(png), *meta)
    assert code == 2 and "neither a PDF nor a DOCX" in err and out == ""
    code, out, err = kense("decisions", "add", str(pdf), *meta[:2], "--date=2024-13-01", meta[3])
    assert code == 2 and "date" in err
