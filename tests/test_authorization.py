"""The authorization matrix: every route and every CLI command × every role, in one table.

The tables below are written by hand from what each role is for (issue 5), independently of
registry/policy.py; the tests check that they list exactly the app's routes and commands, and
then make each request as each role and see it allowed or refused (401 anonymous, 403 signed in).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

import app as kense_app
from registry.routes import registry_of
from tests.factories import PASSWORD, new_document, staff_client
from tests.registry.test_api import SEED, amendment, close, make_app

ANON, READER, DRAFTER, SIGNER, REGISTRAR, ADMIN = (
    "anonymous",
    "reader",
    "drafter",
    "signer",
    "registrar",
    "administrator",
)
ROLES = (ANON, READER, DRAFTER, SIGNER, REGISTRAR, ADMIN)
EVERYONE = frozenset(ROLES)
STAFF = frozenset({DRAFTER, SIGNER, REGISTRAR, ADMIN})
ACT = SEED.lstrip("/")
DOC = "{document}"  # replaced by a real document id of the department

#: (endpoint, method, example path, roles allowed). A route may appear with several paths.
ROUTES: list[tuple[str, str, str, frozenset[str]]] = [
    ("healthz", "GET", "/healthz", EVERYONE),
    ("readyz", "GET", "/readyz", EVERYONE),
    ("openapi", "GET", "/api/v1/openapi.json", EVERYONE),
    ("registry_pages.static", "GET", "/static/registry/kense.css", EVERYONE),
    ("documents_pages.static", "GET", "/static/documents/documents.js", EVERYONE),
    ("registry_pages.home", "GET", "/", EVERYONE),
    ("registry_pages.act_list", "GET", "/acts", EVERYONE),
    ("registry_pages.act_page", "GET", f"/acts/{ACT}", EVERYONE),
    ("registry_pages.login_page", "GET", "/login", EVERYONE),
    ("registry_pages.login", "POST", "/login", EVERYONE),
    ("registry_pages.logout", "POST", "/logout", EVERYONE),
    ("registry_pages.audit_page", "GET", "/audit", frozenset({ADMIN})),
    ("registry_api.list_acts", "GET", "/api/v1/acts", EVERYONE),
    ("registry_api.create_act", "POST", "/api/v1/acts", frozenset({DRAFTER})),
    ("registry_api.act", "GET", f"/api/v1/acts/{ACT}", EVERYONE),
    ("registry_api.act", "GET", f"/api/v1/acts/{ACT}/versions", EVERYONE),
    ("registry_api.act", "POST", f"/api/v1/acts/{ACT}/amendments", frozenset({DRAFTER})),
    ("registry_api.act", "POST", f"/api/v1/acts/{ACT}/publication", frozenset({REGISTRAR})),
    ("registry_api.act", "POST", f"/api/v1/acts/{ACT}/events", frozenset({REGISTRAR})),
    ("registry_api.upload_decision", "POST", "/api/v1/decisions", frozenset({DRAFTER, REGISTRAR})),
    ("registry_api.act_files", "GET", f"/api/v1/acts/{ACT}/files", EVERYONE),
    ("registry_api.act_file", "GET", f"/api/v1/acts/{ACT}/files/{'0' * 64}", EVERYONE),
    ("registry_api.session_info", "GET", "/api/v1/session", EVERYONE),
    ("registry_api.session_login", "POST", "/api/v1/session", EVERYONE),
    ("registry_api.session_logout", "DELETE", "/api/v1/session", EVERYONE),
    ("registry_api.audit_api", "GET", "/api/v1/audit", frozenset({ADMIN})),
    ("registry_api.users_api", "GET", "/api/v1/users", frozenset({ADMIN})),
    ("registry_api.add_user", "POST", "/api/v1/users", frozenset({ADMIN})),
    ("registry_api.user_roles", "PUT", "/api/v1/users/nobody/roles", frozenset({ADMIN})),
    ("registry_api.create_token", "POST", "/api/v1/users/nobody/tokens", frozenset({ADMIN})),
    ("registry_api.revoke_token", "DELETE", "/api/v1/tokens/999999", frozenset({ADMIN})),
    ("search_api.search_api", "GET", "/api/v1/search?q=ереже", EVERYONE),
    ("search_pages.search_page", "GET", "/search?q=ереже", EVERYONE),
    ("documents_api.templates_api", "GET", "/api/v1/templates", STAFF),
    ("documents_api.template_api", "GET", "/api/v1/templates/order", STAFF),
    (
        "documents_api.validate_api",
        "POST",
        "/api/v1/templates/order/validate",
        STAFF,
    ),
    (
        "documents_api.upload_template_api",
        "PUT",
        "/api/v1/templates/order/files/kk.docx",
        frozenset({ADMIN}),
    ),
    (
        "documents_api.preview_api",
        "POST",
        "/api/v1/templates/order/preview",
        frozenset({DRAFTER}),
    ),
    ("documents_api.documents_api", "GET", "/api/v1/documents", STAFF),
    ("documents_api.create_document_api", "POST", "/api/v1/documents", frozenset({DRAFTER})),
    ("documents_api.document_api", "GET", f"/api/v1/documents/{DOC}", STAFF),
    (
        "documents_api.document_file_api",
        "GET",
        f"/api/v1/documents/{DOC}/files/draft/kk.pdf",
        STAFF,
    ),
    (
        "documents_api.finalise_api",
        "POST",
        f"/api/v1/documents/{DOC}/finalise",
        frozenset({DRAFTER, SIGNER}),
    ),
    (
        "documents_api.void_api",
        "POST",
        f"/api/v1/documents/{DOC}/void",
        frozenset({SIGNER, REGISTRAR}),
    ),
    (
        "documents_api.adopt_api",
        "POST",
        f"/api/v1/documents/{DOC}/adopt",
        frozenset({REGISTRAR}),
    ),
    ("documents_pages.new_document_page", "GET", "/documents/new", frozenset({DRAFTER})),
    ("signing_api.sign_api", "POST", f"/api/v1/documents/{DOC}/sign", frozenset({SIGNER})),
    ("signing_api.verify_api", "POST", "/api/v1/verify", EVERYONE),
    ("signing_pages.verify_page", "GET", "/verify", EVERYONE),
    ("signing_pages.document_verify_page", "GET", f"/verify/{DOC}", EVERYONE),
    ("signing_pages.verify_upload_page", "POST", "/verify", EVERYONE),
    ("signing_pages.sign_page", "GET", f"/documents/{DOC}/sign", frozenset({SIGNER})),
    ("signing_pages.sign_form", "POST", f"/documents/{DOC}/sign", frozenset({SIGNER})),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One app holding the seed and a department draft document, and a client per role."""
    tmp = tmp_path_factory.mktemp("authz")
    flask_app = make_app(f"sqlite:///{tmp}/kense.db", tmp)
    registry = registry_of(flask_app)
    registry.load_seed()
    document = registry.create_document(new_document(), "test")
    for name in ("junk.md", "junk.json", "junk.pdf"):  # files the CLI table's commands refuse
        (tmp / name).write_bytes(b"not what it claims to be")
    clients: dict[str, FlaskClient] = {ANON: flask_app.test_client()}
    for role in ROLES[1:]:
        clients[role] = staff_client(flask_app, [("department", role)], username=role)
    yield {"app": flask_app, "clients": clients, "document": document["id"], "dir": tmp}
    close(flask_app)


def _request(client: FlaskClient, method: str, path: str) -> Any:
    """The request with an empty body; sign-in forms get their CSRF token first."""
    if path in ("/login", "/logout"):
        client.get("/login")
        with client.session_transaction() as session:
            token = session.get("csrf", "")
        return client.post(path, data={"csrf_token": token})  # type: ignore[no-any-return]
    if method in ("POST", "PUT"):
        resp = client.open(path, method=method, json={})
    else:
        resp = client.open(path, method=method)
    resp.get_data()
    resp.close()  # static files are streamed from an open file
    return resp


def test_the_table_lists_every_route_of_the_app(world: dict[str, Any]) -> None:
    flask_app: Flask = world["app"]
    served = {
        (rule.endpoint, method)
        for rule in flask_app.url_map.iter_rules()
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert {(endpoint, method) for endpoint, method, _, _ in ROUTES} == served


@pytest.mark.parametrize(("endpoint", "method", "path", "allowed"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_route_allows_exactly_its_roles(
    world: dict[str, Any],
    role: str,
    endpoint: str,
    method: str,
    path: str,
    allowed: frozenset[str],
) -> None:
    client: FlaskClient = world["clients"][role]
    resp = _request(client, method, path.replace(DOC, world["document"]))
    body = resp.get_data(as_text=True)[:300]
    if role in allowed:
        assert resp.status_code not in (401, 403), (role, endpoint, resp.status_code, body)
        assert resp.status_code < 500, body
    elif role == ANON:
        assert resp.status_code == 401 or (
            resp.status_code == 302 and "/login" in resp.headers["Location"]
        ), (endpoint, resp.status_code, body)
    else:
        assert resp.status_code == 403, (role, endpoint, resp.status_code, body)
        if path.startswith("/api/"):
            assert resp.get_json()["error"]["code"] == "forbidden"


def test_the_api_answers_401_as_json_and_never_redirects(world: dict[str, Any]) -> None:
    resp = world["clients"][ANON].post("/api/v1/acts", data=b"x", content_type="text/plain")
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "unauthenticated"
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_page_sends_a_browser_to_sign_in_and_back(world: dict[str, Any]) -> None:
    resp = world["clients"][ANON].get("/documents/new", headers={"Accept": "text/html"})
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/login?next=/documents/new")


def test_refusal_order_is_401_then_403_then_422(world: dict[str, Any]) -> None:
    """The same invalid body: nobody → 401, a reader → 403, a drafter → 422."""
    invalid = {"amending_act": "not an object"}
    statuses = [
        world["clients"][role].post(f"/api/v1/acts/{ACT}/amendments", json=invalid).status_code
        for role in (ANON, READER, DRAFTER)
    ]
    assert statuses == [401, 403, 422]


def test_a_wrong_bearer_token_is_refused_even_where_anyone_may_read(
    world: dict[str, Any],
) -> None:
    client = world["app"].test_client()
    for header in ("Bearer kense_not-a-token", "Basic YWRtaW46YWRtaW4=", "Bearer "):
        resp = client.get("/api/v1/acts", headers={"Authorization": header})
        assert resp.status_code == 401, header


def test_roles_hold_per_issuing_body(world: dict[str, Any]) -> None:
    """A drafter of the akimat may not read or finalise a document of the department."""
    flask_app: Flask = world["app"]
    akimat = staff_client(flask_app, [("akimat", DRAFTER)], username="akimat-drafter")
    document = world["document"]
    assert akimat.get(f"/api/v1/documents/{document}").status_code == 403
    assert akimat.post(f"/api/v1/documents/{document}/finalise", json={}).status_code == 403
    assert document not in {d["id"] for d in akimat.get("/api/v1/documents").get_json()["items"]}
    department = world["clients"][DRAFTER]
    assert department.get(f"/api/v1/documents/{document}").status_code == 200


# --- drafts are for staff only -------------------------------------------------------------------


@pytest.fixture(scope="module")
def draft_uri(world: dict[str, Any]) -> str:
    """A draft amending act entered by a drafter (not adopted, so not public)."""
    body = amendment(number="77", day="2024-05-02")
    body["amending_act"]["status"] = "draft"
    resp = world["clients"][DRAFTER].post(f"/api/v1/acts/{ACT}/amendments", json=body)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    return "/akn/kz-kus/act/resolution/2024-05-02/77"


@pytest.mark.parametrize("role", ROLES)
def test_drafts_are_never_shown_to_readers(
    world: dict[str, Any], draft_uri: str, role: str
) -> None:
    client: FlaskClient = world["clients"][role]
    listed = {i["frbr_uri"] for i in client.get("/api/v1/acts").get_json()["items"]}
    page = client.get("/acts").get_data(as_text=True)
    api = client.get(f"/api/v1/acts{draft_uri}/versions")
    pending = client.get(f"/api/v1/acts/{ACT}/versions").get_json()["pending"]
    if role in STAFF:
        assert draft_uri in listed and "№ 77" in page and api.status_code == 200
        assert any(p["status"] == "draft" for p in pending)
    else:
        assert draft_uri not in listed and "№ 77" not in page
        assert api.status_code == 404
        assert client.get(f"/acts{draft_uri}").status_code == 404
        assert not any(p["status"] == "draft" for p in pending)


# --- the CLI -------------------------------------------------------------------------------------

#: Command path → (arguments after the path, roles allowed). The local operator may do all.
COMMANDS: dict[str, tuple[list[str], frozenset[str]]] = {
    "serve": (["--port", "1"], frozenset()),
    "init": ([], frozenset()),
    "backup": (["{dir}/b.tar.gz"], frozenset()),
    "restore": (["{dir}/junk.json"], frozenset()),
    "search-drain": ([], frozenset()),
    "users first-admin": (["--password-file", "{dir}/pw"], frozenset()),
    "reindex": ([], frozenset({ADMIN})),
    "search-check": ([], frozenset({ADMIN})),
    "acts": ([], EVERYONE),
    "show": ([SEED], EVERYONE),
    "versions": ([SEED], EVERYONE),
    "diff": ([SEED, "--from", "2022-01-01", "--to", "2024-01-01"], EVERYONE),
    "history": ([SEED, "chp_1"], EVERYONE),
    "decisions list": ([], EVERYONE),
    "search": (["ереже"], EVERYONE),
    "import": (["{dir}/junk.md", "--lang", "kk"], frozenset({DRAFTER})),
    "amend": ([SEED, "--file", "{dir}/junk.json"], frozenset({DRAFTER})),
    "publish": ([SEED, "--date", "2099-01-01"], frozenset({REGISTRAR})),
    "event": ([SEED, "submitted", "--date", "2099-01-01"], frozenset({REGISTRAR})),
    "decisions add": (
        ["{dir}/junk.pdf", "--issuer=x", "--number=1", "--date=2020-01-01", "--title=x"],
        frozenset({DRAFTER, REGISTRAR}),
    ),
    "templates": ([], STAFF),
    "upload-template": (["order", "{dir}/junk.json", "--lang", "kk"], frozenset({ADMIN})),
    "generate": (["no-such-template", "--lang", "kk", "--out", "{dir}"], frozenset({DRAFTER})),
    "documents show": (["no-such-document"], STAFF),
    "documents list": ([], STAFF),
    "documents finalise": (["no-such-document"], frozenset({DRAFTER, SIGNER})),
    "documents void": (["no-such-document", "--reason", "x"], frozenset({SIGNER, REGISTRAR})),
    "documents adopt": (
        ["no-such-document", "--number", "1", "--date", "2020-01-01"],
        frozenset({REGISTRAR}),
    ),
    "sign": (
        ["no-such-document", "--key", "{dir}/junk.pdf", "--out", "{dir}/out"],
        frozenset({SIGNER}),
    ),
    "verify": (["{dir}/junk.pdf"], EVERYONE),
    "sign-act": ([SEED, "--key", "{dir}/junk.pdf", "--out", "{dir}/a.xml"], frozenset({SIGNER})),
    "audit verify": ([], frozenset({ADMIN})),
    "audit list": ([], frozenset({ADMIN})),
    "users add": (["newcomer", "--role", "reader", "--password-stdin"], frozenset({ADMIN})),
    "users passwd": (["nobody", "--password-stdin"], frozenset({ADMIN})),
    "users grant": (["nobody", "--role", "reader"], frozenset({ADMIN})),
    "users revoke": (["nobody", "--role", "reader"], frozenset({ADMIN})),
    "users disable": (["nobody"], frozenset({ADMIN})),
    "users enable": (["nobody"], frozenset({ADMIN})),
    "users list": ([], frozenset({ADMIN})),
    "tokens create": (["nobody"], frozenset({ADMIN})),
    "tokens list": ([], frozenset({ADMIN})),
    "tokens revoke": (["999999"], frozenset({ADMIN})),
}
CLI_ROLES = ROLES[1:]


def test_the_table_lists_every_command() -> None:
    assert set(COMMANDS) == set(kense_app.command_paths(kense_app.cli))


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_command_allows_exactly_its_roles(
    world: dict[str, Any], path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp: Path = world["dir"]
    monkeypatch.setenv("KENSE_DATABASE_URL", f"sqlite:///{tmp}/kense.db")
    monkeypatch.setenv("KENSE_DATA_DIR", str(tmp))
    args, allowed = COMMANDS[path]
    argv = [*path.split(), *(a.replace("{dir}", str(tmp)) for a in args)]
    runner = CliRunner()
    for role in CLI_ROLES:
        result = runner.invoke(kense_app.cli, ["--as", role, *argv], input=PASSWORD + "\n")
        refused = result.exit_code == 5 and "may not perform" in result.output
        if role in allowed:
            assert not refused, (role, path, result.output)
            assert result.exception is None or isinstance(result.exception, SystemExit), (
                role,
                path,
                result.output,
            )
        else:
            assert refused, (role, path, result.exit_code, result.output)
