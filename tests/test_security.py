"""Regressions of the accounts review: open redirects, escalation across issuing bodies,
sessions that outlive a logout, hostile parameters, the session key file."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import _stored_secret
from registry.routes import registry_of
from tests.factories import PASSWORD, staff_client
from tests.registry.test_api import close, error_of, make_app


@pytest.fixture
def flask_app(sqlite_url: str, tmp_path: Path) -> Iterator[Flask]:
    flask_app = make_app(sqlite_url, tmp_path, SESSION_COOKIE_SECURE=False)
    yield flask_app
    close(flask_app)


def form_login(client: FlaskClient, username: str, next_path: str) -> str:
    client.get("/login")
    with client.session_transaction() as session:
        token = session["csrf"]
    resp = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "next": next_path, "csrf_token": token},
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    return str(resp.headers["Location"])


@pytest.mark.parametrize(
    "target",
    ["/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/", "/\n/x"],
)
def test_sign_in_never_sends_anyone_to_another_site(flask_app: Flask, target: str) -> None:
    registry_of(flask_app).add_user("alice", PASSWORD, [("department", "reader")])
    assert form_login(flask_app.test_client(), "alice", target) == "/acts"


def test_sign_in_returns_to_a_page_of_the_site(flask_app: Flask) -> None:
    registry_of(flask_app).add_user("alice", PASSWORD, [("department", "reader")])
    assert form_login(flask_app.test_client(), "alice", "/search?q=x") == "/search?q=x"


def test_an_administrator_of_one_body_manages_only_its_roles(flask_app: Flask) -> None:
    registry = registry_of(flask_app)
    registry.add_user("clerk", PASSWORD, [("department", "reader")])
    akimat_admin = staff_client(flask_app, [("akimat", "administrator")], username="a-admin")
    to_department = {"roles": [{"body": "department", "role": "administrator"}]}
    error_of(akimat_admin.put("/api/v1/users/a-admin/roles", json=to_department), 403)
    error_of(akimat_admin.post("/api/v1/users/clerk/tokens", json={}), 403)
    new_user = {"username": "bob", "password": PASSWORD, "roles": to_department["roles"]}
    error_of(akimat_admin.post("/api/v1/users", json=new_user), 403)
    to_akimat = {"roles": [{"body": "akimat", "role": "reader"}]}
    resp = akimat_admin.put(
        "/api/v1/users/clerk/roles",
        json=to_akimat | {"roles": [{"body": "department", "role": "reader"}, *to_akimat["roles"]]},
    )
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert registry.user("a-admin")["roles"] == [{"body": "akimat", "role": "administrator"}]


def test_a_token_cannot_mint_a_wider_one(flask_app: Flask) -> None:
    registry = registry_of(flask_app)
    grants = [("department", "administrator"), ("akimat", "administrator")]
    registry.add_user("root", PASSWORD, grants)
    narrow = registry.create_token("root", [("akimat", "administrator")])
    client = flask_app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {narrow.secret}"
    error_of(client.post("/api/v1/users/root/tokens", json={}), 403)
    resp = client.post(
        "/api/v1/users/root/tokens", json={"roles": [{"body": "akimat", "role": "administrator"}]}
    )
    assert resp.status_code == 201


def test_signing_out_ends_every_copy_of_the_session(flask_app: Flask) -> None:
    registry_of(flask_app).add_user("alice", PASSWORD, [("department", "administrator")])
    browser = flask_app.test_client()
    resp = browser.post("/api/v1/session", json={"username": "alice", "password": PASSWORD})
    csrf = resp.get_json()["csrf_token"]
    stolen = flask_app.test_client()
    cookie = browser.get_cookie("session")
    assert cookie is not None
    stolen.set_cookie("session", cookie.value)
    assert stolen.get("/api/v1/users").status_code == 200
    assert browser.delete("/api/v1/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert stolen.get("/api/v1/users").status_code == 401
    assert registry_of(flask_app).audit_entries(action="logout")[0]["subject"] == "alice"


def test_a_session_ends_after_its_lifetime_however_active(sqlite_url: str, tmp_path: Path) -> None:
    flask_app = make_app(
        sqlite_url,
        tmp_path,
        SESSION_COOKIE_SECURE=False,
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=2),
    )
    try:
        registry_of(flask_app).add_user("alice", PASSWORD, [("department", "reader")])
        client = flask_app.test_client()
        client.post("/api/v1/session", json={"username": "alice", "password": PASSWORD})
        assert client.get("/api/v1/session").get_json()["authenticated"]
        time.sleep(2.2)
        assert not client.get("/api/v1/session").get_json()["authenticated"]
    finally:
        close(flask_app)


@pytest.mark.parametrize(
    "query", ["limit=²", "before=²", "before=99999999999999999999999", "limit=0", "since=x"]
)
def test_hostile_audit_parameters_are_422(flask_app: Flask, query: str) -> None:
    admin = staff_client(flask_app, [("department", "administrator")], username="adm")
    error_of(admin.get(f"/api/v1/audit?{query}"), 422)


def test_a_huge_token_id_is_not_found(flask_app: Flask) -> None:
    admin = staff_client(flask_app, [("department", "administrator")], username="adm")
    assert admin.delete("/api/v1/tokens/99999999999999999999999").status_code == 404


@pytest.mark.parametrize("username", ["al\x00ice", "a" * 100, "alice\n"])
def test_impossible_usernames_are_refused_like_wrong_passwords(
    flask_app: Flask, username: str
) -> None:
    registry_of(flask_app).add_user("alice", PASSWORD, [("department", "reader")])
    resp = flask_app.test_client().post(
        "/api/v1/session", json={"username": username, "password": PASSWORD}
    )
    error_of(resp, 401, "unauthenticated")


def test_a_too_long_new_username_is_invalid_not_unauthenticated(flask_app: Flask) -> None:
    admin = staff_client(flask_app, [("department", "administrator")], username="adm")
    body = {"username": "a" * 100, "password": PASSWORD, "roles": []}
    assert "username" in error_of(admin.post("/api/v1/users", json=body), 422)["fields"]


def test_an_akimat_drafter_may_not_change_the_departments_acts(flask_app: Flask) -> None:
    drafter = staff_client(flask_app, [("akimat", "drafter")], username="a-drafter")
    resp = drafter.post("/api/v1/acts?lang=kk", data="x", content_type="text/plain")
    error_of(resp, 403, "forbidden")


def test_the_session_key_is_made_once_private_and_refused_when_short(tmp_path: Path) -> None:
    first = _stored_secret(tmp_path)
    assert _stored_secret(tmp_path) == first and len(first) >= 32
    assert oct(os.stat(tmp_path / "secret_key").st_mode & 0o777) == "0o600"
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary left
    (tmp_path / "secret_key").write_text("short")
    with pytest.raises(RuntimeError, match="shorter than 32"):
        _stored_secret(tmp_path)
