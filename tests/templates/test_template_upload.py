"""Administrators replace a template's DOCX: checked, audited, used at once by every worker."""

from __future__ import annotations

import getpass
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

import app as kense_app
from registry.routes import registry_of
from templates.catalog import Catalog
from templates.engine import document_text
from tests.factories import staff_client
from tests.registry.test_api import close, error_of, make_app
from tests.templates.conftest import require_libreoffice
from tests.templates.test_documents_api import issue
from tests.templates.test_upload import MACRO_CT, MAIN_CT, edit, member, rezip

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ORDER = Catalog().get("order")
BUNDLED = ORDER.docx("kk")
#: The bundled order with its heading changed: a real, fitting template file.
RENAMED = edit("word/document.xml", "БҰЙРЫҚ", "БҰЙРЫҚ (ЖАҢА НЫСАН)", BUNDLED)
URL = "/api/v1/templates/order/files/kk.docx"


@pytest.fixture
def flask_app(sqlite_url: str, tmp_path: Path) -> Iterator[Flask]:
    flask_app = make_app(sqlite_url, tmp_path)
    registry_of(flask_app).load_seed()
    yield flask_app
    close(flask_app)


@pytest.fixture
def admin(flask_app: Flask) -> FlaskClient:
    return staff_client(flask_app, [("department", "administrator")], username="admin")


@pytest.fixture
def drafter(flask_app: Flask) -> FlaskClient:
    return staff_client(flask_app, [("department", "drafter")], username="drafter")


def upload(client: FlaskClient, data: bytes, url: str = URL) -> Any:
    return client.put(url, data=data, content_type=DOCX)


def test_an_administrator_replaces_a_file_and_documents_use_it(
    flask_app: Flask, admin: FlaskClient, drafter: FlaskClient
) -> None:
    require_libreoffice()
    before = drafter.get("/api/v1/templates/order").get_json()["version"]
    draft = issue(drafter, "order", {"kk": ORDER.example("kk")})
    resp = upload(admin, RENAMED)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    stored = resp.get_json()
    assert stored["sha256"] == hashlib.sha256(RENAMED).hexdigest()
    assert stored["version"] != before
    described = drafter.get("/api/v1/templates/order").get_json()
    assert described["version"] == stored["version"]
    assert [(u["lang"], u["actor"]) for u in described["uploads"]] == [("kk", "user:admin")]
    # A new document is made from the uploaded file.
    fresh = issue(drafter, "order", {"kk": ORDER.example("kk")})
    docx = drafter.get(f"/api/v1/documents/{fresh['id']}/files/draft/kk.docx").get_data()
    assert "ЖАҢА НЫСАН" in document_text(docx)
    # A draft made with the old file is not finalised with the new one.
    error_of(drafter.post(f"/api/v1/documents/{draft['id']}/finalise"), 409, "conflict")
    registry = registry_of(flask_app)
    entry = registry.audit_entries(action="template.upload")[0]
    assert (entry["actor"], entry["subject"], entry["detail"]["lang"]) == (
        "user:admin",
        "order",
        "kk",
    )
    assert registry.audit_verify().ok


def test_every_worker_uses_the_newest_upload(
    flask_app: Flask, admin: FlaskClient, sqlite_url: str, tmp_path: Path
) -> None:
    other = make_app(sqlite_url, tmp_path)  # a second worker on the same database and files
    try:
        reader = staff_client(other, [("department", "drafter")], username="other")
        before = reader.get("/api/v1/templates/order").get_json()["version"]
        assert upload(admin, RENAMED).status_code == 201
        after = reader.get("/api/v1/templates/order").get_json()["version"]
        assert after != before
    finally:
        close(other)


MACROS = rezip(
    BUNDLED,
    replace={
        "[Content_Types].xml": member("[Content_Types].xml", BUNDLED).replace(
            MAIN_CT.encode(), MACRO_CT.encode()
        )
    },
)


@pytest.mark.parametrize(
    ("name", "data", "field"),
    [
        ("not a zip", b"PK\x03\x04 not really", "file"),
        ("macros", MACROS, "file"),
        (
            "unknown field",
            edit("word/document.xml", "{{ title }}", "{{ salary }}", BUNDLED),
            "file",
        ),
        ("broken tag", edit("word/document.xml", "{{ title }}", "{{ title ", BUNDLED), "file"),
    ],
)
def test_an_unsafe_or_unfitting_file_is_refused_and_nothing_is_kept(
    flask_app: Flask, admin: FlaskClient, name: str, data: bytes, field: str
) -> None:
    resp = upload(admin, data)
    error = error_of(resp, 422)
    assert field in error["fields"], (name, error)
    assert registry_of(flask_app).template_uploads("order") == []
    assert registry_of(flask_app).audit_entries(action="template.upload") == []


def test_the_unknown_field_is_named(admin: FlaskClient) -> None:
    bad = edit("word/document.xml", "{{ title }}", "{{ salary }}", BUNDLED)
    assert "salary" in error_of(upload(admin, bad), 422)["message"]


def test_wrong_requests_are_refused_clearly(admin: FlaskClient) -> None:
    error_of(upload(admin, RENAMED, "/api/v1/templates/order/files/en.docx"), 422)
    error_of(upload(admin, RENAMED, "/api/v1/templates/no-such/files/kk.docx"), 404)
    resp = admin.put(URL, data=RENAMED, content_type="text/plain")
    assert "Content-Type" in error_of(resp, 422)["fields"]
    assert "file" in error_of(admin.put(URL, data=b"", content_type=DOCX), 422)["fields"]


def test_only_administrators_of_the_templates_body_upload(
    flask_app: Flask, drafter: FlaskClient
) -> None:
    assert upload(drafter, RENAMED).status_code == 403
    assert upload(flask_app.test_client(), RENAMED).status_code == 401
    akimat_admin = staff_client(flask_app, [("akimat", "administrator")], username="a-admin")
    assert upload(akimat_admin, RENAMED).status_code == 403  # the order is the department's
    assert registry_of(flask_app).template_uploads("order") == []


def test_the_cli_uploads_as_the_local_operator(
    flask_app: Flask, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KENSE_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("KENSE_DATA_DIR", str(tmp_path))
    path = tmp_path / "order.kk.docx"
    path.write_bytes(RENAMED)
    result = CliRunner().invoke(
        kense_app.cli, ["upload-template", "order", str(path), "--lang", "kk"]
    )
    assert result.exit_code == 0, result.output
    version = result.stdout.strip()
    assert len(version) == 64
    uploads = registry_of(flask_app).template_uploads("order")
    assert [u["actor"] for u in uploads] == [f"local:{getpass.getuser()}"]
    refused = CliRunner().invoke(
        kense_app.cli, ["upload-template", "order", str(tmp_path / "x.docx"), "--lang", "kk"]
    )
    assert refused.exit_code == 2  # no such file
