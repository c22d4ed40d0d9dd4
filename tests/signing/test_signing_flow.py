"""The director signs a finalised document; anyone verifies what they received.

Real LibreOffice makes the documents, the test PKI (tests/signing/pki.py) the keys; the app is
configured with the PKI's root and CRLs as production is with the national CA's.
"""

from __future__ import annotations

import io
import json
import re
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
from tests.factories import staff_client
from tests.registry.test_api import close, error_of, make_app
from tests.signing.pki import PASSWORD, Pki, build
from tests.templates.conftest import require_libreoffice
from tests.templates.test_documents_api import issue

PUBLIC_URL = "https://kense.example.kz"
ORDER = Catalog().get("order").example("kk")
CERTIFICATE = Catalog().get("kandas-certificate").example("kk")


@pytest.fixture(scope="module")
def pki_paths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    pki: Pki = build()
    return pki.write(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def flask_app(sqlite_url: str, tmp_path: Path, pki_paths: dict[str, Path]) -> Iterator[Flask]:
    require_libreoffice()
    flask_app = make_app(
        sqlite_url,
        tmp_path,
        TRUST_ANCHORS=str(pki_paths["root"]),
        CRLS=f"{pki_paths['crl']},{pki_paths['root_crl']}",
        REVOCATION="require",
        PUBLIC_URL=PUBLIC_URL,
    )
    registry_of(flask_app).load_seed()
    yield flask_app
    close(flask_app)


@pytest.fixture
def drafter(flask_app: Flask) -> FlaskClient:
    return staff_client(flask_app, [("department", "drafter")], username="drafter")


@pytest.fixture
def director(flask_app: Flask) -> FlaskClient:
    return staff_client(flask_app, [("department", "signer")], username="director")


def sign(client: FlaskClient, document_id: str, key: Path, password: str = PASSWORD) -> Any:
    return client.post(
        f"/api/v1/documents/{document_id}/sign",
        data={
            "key": (io.BytesIO(key.read_bytes()), key.name),
            "password": password,
            "position": "Басқарма басшысы",
        },
        content_type="multipart/form-data",
    )


def verify(client: FlaskClient, data: bytes) -> dict[str, Any]:
    resp = client.post("/api/v1/verify", data=data, content_type="application/octet-stream")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    body: dict[str, Any] = resp.get_json()
    return body


def signed_file(client: FlaskClient, document: dict[str, Any], fmt: str) -> bytes:
    item = next(f for f in document["files"] if f["stage"] == "signed" and f["format"] == fmt)
    url = f"/api/v1/documents/{document['id']}/files/signed/{item['lang']}.{fmt}"
    resp = client.get(url)
    assert resp.status_code == 200
    return resp.get_data()


def test_the_director_signs_and_anyone_verifies(
    flask_app: Flask,
    drafter: FlaskClient,
    director: FlaskClient,
    pki_paths: dict[str, Path],
) -> None:
    order = issue(drafter, "order", {"kk": ORDER}, final=True)
    resp = sign(director, order["id"], pki_paths["director"])
    assert resp.status_code == 201, resp.get_data(as_text=True)[:800]
    signed = resp.get_json()
    assert signed["status"] == "signed"
    assert {(f["format"]) for f in signed["files"] if f["stage"] == "signed"} == {"xml", "pdf"}
    event = signed["history"][-1]
    assert (event["kind"], event["actor"]) == ("signed", "user:director")
    assert event["detail"]["signer"]["name"] == "Серіков Ерлан Болатұлы"
    registry = registry_of(flask_app)
    entry = registry.audit_entries(action="document.sign")[0]
    assert (entry["subject"], entry["actor"]) == (order["id"], "user:director")

    anyone = flask_app.test_client()
    for fmt, expected_format in (("pdf", "PAdES-B"), ("xml", "XAdES-BES")):
        report = verify(anyone, signed_file(director, signed, fmt))
        assert report["indication"] == "TOTAL-PASSED", report
        assert report["format"] == expected_format
        assert report["signer"]["name"] == "Серіков Ерлан Болатұлы"
        assert report["registry"]["known"] and report["registry"]["matches"], report
        assert report["registry"]["document"]["number"] == order["number"]
    # Nothing may happen to a signed document any more.
    assert sign(director, order["id"], pki_paths["director"]).status_code == 409
    voided = director.post(f"/api/v1/documents/{order['id']}/void", json={"reason": "x"})
    error_of(voided, 409)


def test_a_changed_file_is_not_passed(
    drafter: FlaskClient, director: FlaskClient, pki_paths: dict[str, Path], flask_app: Flask
) -> None:
    order = issue(drafter, "order", {"kk": ORDER}, final=True)
    signed = sign(director, order["id"], pki_paths["director"]).get_json()
    pdf = signed_file(director, signed, "pdf")
    anyone = flask_app.test_client()
    appended = verify(anyone, pdf + b"\n% appended\n")
    assert appended["indication"] != "TOTAL-PASSED"
    assert appended["registry"]["known"] is False
    xml = signed_file(director, signed, "xml").decode()
    number = f">{order['number']}<"
    assert number in xml
    tampered = verify(anyone, xml.replace(number, ">999<", 1).encode())
    assert (tampered["indication"], tampered["sub_indication"]) == ("TOTAL-FAILED", "HASH_FAILURE")
    unsigned = anyone.get(f"/api/v1/documents/{order['id']}/files/final/kk.pdf")
    assert unsigned.status_code == 401  # the final files are staff's; the signed ones too
    error_of(anyone.post("/api/v1/verify", data=b"hello", content_type="text/plain"), 422)


def test_only_the_signer_of_the_documents_body_signs(
    flask_app: Flask, drafter: FlaskClient, pki_paths: dict[str, Path]
) -> None:
    order = issue(drafter, "order", {"kk": ORDER}, final=True)
    error_of(sign(drafter, order["id"], pki_paths["director"]), 403)
    akimat = staff_client(flask_app, [("akimat", "signer")], username="akimat-signer")
    error_of(sign(akimat, order["id"], pki_paths["director"]), 403)
    error_of(sign(flask_app.test_client(), order["id"], pki_paths["director"]), 401)
    assert registry_of(flask_app).document(order["id"])["status"] == "final"


@pytest.mark.parametrize(
    ("key", "password", "code", "field"),
    [
        ("director", "wrong password", "bad_key", "password"),
        ("expired", PASSWORD, "certificate_not_usable", "key"),
        ("wrong_usage", PASSWORD, "certificate_not_usable", "key"),
    ],
)
def test_a_key_that_cannot_sign_signs_nothing(
    flask_app: Flask,
    drafter: FlaskClient,
    director: FlaskClient,
    pki_paths: dict[str, Path],
    key: str,
    password: str,
    code: str,
    field: str,
) -> None:
    order = issue(drafter, "order", {"kk": ORDER}, final=True)
    error = error_of(sign(director, order["id"], pki_paths[key], password), 422, code)
    assert field in error["fields"]
    document = registry_of(flask_app).document(order["id"])
    assert document["status"] == "final"
    assert not [f for f in document["files"] if f["stage"] == "signed"]


def test_a_draft_is_not_signed(
    drafter: FlaskClient, director: FlaskClient, pki_paths: dict[str, Path]
) -> None:
    draft = issue(drafter, "order", {"kk": ORDER})
    error_of(sign(director, draft["id"], pki_paths["director"]), 409)


def test_the_public_verify_page_shows_no_personal_data(
    flask_app: Flask, drafter: FlaskClient, director: FlaskClient, pki_paths: dict[str, Path]
) -> None:
    certificate = issue(drafter, "kandas-certificate", {"kk": CERTIFICATE}, final=True)
    assert sign(director, certificate["id"], pki_paths["director"]).status_code == 201
    page = flask_app.test_client().get(f"/verify/{certificate['id']}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Серіков Ерлан Болатұлы" in text
    assert not re.search(r"(?<!\d)\d{12}(?!\d)", text)  # no ИИН
    iin = next(v for v in CERTIFICATE.values() if isinstance(v, str) and re.fullmatch(r"\d{12}", v))
    assert iin not in text


def test_the_qr_code_links_to_the_public_url(
    flask_app: Flask, drafter: FlaskClient, director: FlaskClient, pki_paths: dict[str, Path]
) -> None:
    order = issue(drafter, "order", {"kk": ORDER}, final=True)
    signed = sign(director, order["id"], pki_paths["director"]).get_json()
    pdf = signed_file(director, signed, "pdf")
    assert f"{PUBLIC_URL}/verify/{order['id']}".encode() in pdf


def test_the_cli_signs_and_verifies(
    flask_app: Flask,
    drafter: FlaskClient,
    pki_paths: dict[str, Path],
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    order = issue(drafter, "order", {"kk": ORDER}, final=True)
    for name, value in {
        "KENSE_DATABASE_URL": sqlite_url,
        "KENSE_DATA_DIR": str(tmp_path),
        "KENSE_TRUST_ANCHORS": str(pki_paths["root"]),
        "KENSE_CRLS": f"{pki_paths['crl']},{pki_paths['root_crl']}",
        "KENSE_REVOCATION": "require",
    }.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "signed"
    runner = CliRunner()
    key = f"--key={pki_paths['director']}"
    argv = ["sign", order["id"], key, "--password-stdin", f"--out={out}", "--json"]
    result = runner.invoke(kense_app.cli, argv, input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    paths = json.loads(result.stdout)
    assert Path(paths["xml"]).is_file() and Path(paths["pdf"]).is_file()
    for path in (paths["xml"], paths["pdf"]):
        checked = runner.invoke(kense_app.cli, ["verify", path, "--json"])
        assert checked.exit_code == 0, checked.output
        assert json.loads(checked.stdout)["indication"] == "TOTAL-PASSED"
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(Path(paths["pdf"]).read_bytes() + b"%extra")
    refused = runner.invoke(kense_app.cli, ["verify", str(broken)])
    assert refused.exit_code == 1
    assert refused.stdout.startswith("TOTAL-FAILED") or refused.stdout.startswith("INDETERMINATE")


def test_an_act_version_is_signed_as_akoma_ntoso_and_xmlsec1_agrees(
    flask_app: Flask,
    pki_paths: dict[str, Path],
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import shutil
    import subprocess

    from tests.conftest import service_missing

    for name, value in {
        "KENSE_DATABASE_URL": sqlite_url,
        "KENSE_DATA_DIR": str(tmp_path),
        "KENSE_TRUST_ANCHORS": str(pki_paths["root"]),
        "KENSE_CRLS": f"{pki_paths['crl']},{pki_paths['root_crl']}",
    }.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "514.signed.xml"
    seed = "/akn/kz-kus/act/resolution/2021-11-12/514"
    argv = ["sign-act", seed, "--at", "2024-01-01", f"--key={pki_paths['director']}"]
    runner = CliRunner()
    result = runner.invoke(
        kense_app.cli, [*argv, "--password-stdin", f"--out={out}"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    checked = runner.invoke(kense_app.cli, ["verify", str(out), "--json"])
    report = json.loads(checked.stdout)
    assert report["indication"] == "TOTAL-PASSED", report
    assert report["covered"]["root"].endswith("}akomaNtoso")
    assert report["registry"]["known"] is False  # an act, not an issued document
    entry = registry_of(flask_app).audit_entries(action="act.sign")[0]
    assert entry["subject"] == seed and entry["detail"]["at"] == "2024-01-01"
    if shutil.which("xmlsec1") is None:
        service_missing("xmlsec1 is not installed (make system-deps)")
    done = subprocess.run(
        ["xmlsec1", "--verify", "--trusted-pem", str(pki_paths["root"]), str(out)],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()


def test_a_copy_of_a_record_signed_by_someone_else_is_not_the_registrys(
    flask_app: Flask, drafter: FlaskClient, director: FlaskClient, pki_paths: dict[str, Path]
) -> None:
    """Any holder of a trusted certificate can sign a document's manifest: the signature is
    valid, but the registry recognises only the very files it recorded when its signer signed."""
    from signing.keys import load_pkcs12
    from signing.manifest import document_manifest
    from signing.xml import sign_enveloped

    order = issue(drafter, "order", {"kk": ORDER}, final=True)
    other_key = load_pkcs12(pki_paths["director_ec"].read_bytes(), PASSWORD)
    unsigned = registry_of(flask_app).document(order["id"])
    forged = sign_enveloped(document_manifest(unsigned), other_key)
    anyone = flask_app.test_client()
    report = verify(anyone, forged)
    assert report["indication"] == "TOTAL-PASSED"  # a genuine signature, of someone
    assert report["registry"]["known"] is False
    signed = sign(director, order["id"], pki_paths["director"]).get_json()
    resigned = sign_enveloped(document_manifest(signed), other_key)
    assert verify(anyone, resigned)["registry"]["known"] is False
    assert verify(anyone, signed_file(director, signed, "xml"))["registry"]["known"] is True
