"""Property-based and hostile requests against /api/v1/openapi.json: never a server error.

Every documented operation is called with a bounded number of generated requests (valid and
invalid bodies, parameters and paths) against the real app on SQLite with the bundled act,
signed in with every role (so requests get past authorization to validation) and anonymously
(so refusals are exercised too). Then every operation that takes a body gets hostile ones:
oversized, of the wrong JSON type, and XML with entity expansion or external entities.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from registry.routes import registry_of
from tests.factories import ALL_ROLES, PASSWORD
from tests.registry.test_api import LAUGHS, XXE, close, make_app

EXAMPLES = 12
#: Binary uploads (a template's DOCX) are generated as arbitrary bytes.
schemathesis.serializer.alias(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/octet-stream",
)
ANONYMOUS_EXAMPLES = 3


@pytest.fixture(scope="module")
def flask_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    tmp: Path = tmp_path_factory.mktemp("schemathesis")
    flask_app = make_app(f"sqlite:///{tmp}/kense.db", tmp)
    registry = registry_of(flask_app)
    registry.load_seed()
    registry.add_user("staff", PASSWORD, ALL_ROLES)
    yield flask_app
    close(flask_app)


def _operations(flask_app: Flask) -> list[Any]:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", flask_app)
    return [result.ok() for result in schema.get_all_operations()]


def _fresh_token(flask_app: Flask) -> dict[str, str]:
    """A new token per request: a generated DELETE /tokens/{id} may revoke an earlier one."""
    secret = registry_of(flask_app).create_token("staff").secret
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("signed_in", [True, False], ids=["every-role", "anonymous"])
def test_no_generated_request_is_a_server_error(flask_app: Flask, signed_in: bool) -> None:
    operations = _operations(flask_app)
    assert len(operations) >= 28
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES if signed_in else ANONYMOUS_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def no_server_error(case: schemathesis.Case) -> None:
            headers = _fresh_token(flask_app) if signed_in else {}
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error])

        no_server_error()


def _with_body(flask_app: Flask) -> list[tuple[str, str]]:
    """(method, concrete path) of every documented operation that takes a request body."""
    found = []
    for operation in _operations(flask_app):
        if operation.method.upper() not in ("POST", "PUT"):
            continue
        path = (
            operation.path.replace("{frbr_uri}", "akn/kz-kus/act/resolution/2021-11-12/514")
            .replace("{template_id}", "order")
            .replace("{document_id}", "no-such-document")
            .replace("{username}", "staff")
            .replace("{eid}", "chp_1")
            .replace("{lang}", "kk")
        )
        found.append((operation.method.upper(), path))
    return found


def test_every_body_taking_operation_refuses_hostile_bodies(flask_app: Flask) -> None:
    operations = _with_body(flask_app)
    assert len(operations) >= 12
    limit = flask_app.config["MAX_CONTENT_LENGTH"]
    client = flask_app.test_client()
    failures = []
    for method, path in operations:
        hostile: list[tuple[str, bytes, str]] = [
            ("oversized", b"{" + b" " * limit + b"}", "application/json"),
            ("a list", b"[1, 2, 3]", "application/json"),
            ("a string", b'"text"', "application/json"),
            ("a number", b"12", "application/json"),
            ("nested deep", b"[" * 5000 + b"]" * 5000, "application/json"),
            ("not UTF-8", b'{"a": "\xff\xfe"}', "application/json"),
            ("billion laughs", LAUGHS, "application/xml"),
            ("external entity", XXE, "application/xml"),
        ]
        for name, body, media in hostile:
            resp = client.open(
                path,
                method=method,
                data=body,
                content_type=media,
                headers=_fresh_token(flask_app),
            )
            if path == "/api/v1/verify" and resp.status_code == 200:
                # a verification answers with a report: the hostile file fails it
                report = resp.get_json()
                if (report["indication"], report["sub_indication"]) != (
                    "TOTAL-FAILED",
                    "FORMAT_FAILURE",
                ):
                    failures.append(f"{method} {path} {name}: {report['indication']}")
            elif not 400 <= resp.status_code < 500:
                failures.append(f"{method} {path} {name}: {resp.status_code}")
            elif name == "oversized" and resp.status_code not in (413, 404, 422):
                # 404/422: refused before the body is read (no such document, wrong type)
                failures.append(f"{method} {path} oversized: {resp.status_code}, not 413")
            elif resp.mimetype != "application/json":
                failures.append(f"{method} {path} {name}: answered {resp.mimetype}")
            body_text = resp.get_data(as_text=True)
            if "root:x:0:0" in body_text or "lollollol" in body_text:
                failures.append(f"{method} {path} {name}: an entity was expanded")
    assert failures == []


def test_xml_with_entities_is_refused_as_an_act(flask_app: Flask) -> None:
    client = flask_app.test_client()
    for body in (LAUGHS, XXE):
        resp = client.post(
            "/api/v1/acts",
            data=body,
            content_type="application/xml",
            headers=_fresh_token(flask_app),
        )
        assert resp.status_code == 422, resp.get_data(as_text=True)
