"""The composition root: configuration, JSON logs on stderr, and the error mapping of app.py."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app import DEFAULTS, JsonLogFormatter, configure_logging, create_app
from registry import policy
from registry.routes import registry_of
from tests.factories import staff_client

ROOT = Path(__file__).resolve().parents[1]


def settings(tmp_path: Path, name: str = "k.db") -> dict[str, Any]:
    return {"DATABASE_URL": f"sqlite:///{tmp_path}/{name}", "DATA_DIR": str(tmp_path)}


def close(flask_app: Flask) -> None:
    """Release what each package opened (database engines, search index)."""
    for name, extension in flask_app.extensions.items():
        if name.startswith("kense."):
            extension.close()


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    flask_app = create_app(settings(tmp_path) | {"TESTING": True})
    registry_of(flask_app).migrate()
    yield flask_app
    close(flask_app)


def error_of(body: Any) -> dict[str, Any]:
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert isinstance(error["fields"], dict)
    return dict(error)


# --- configuration --------------------------------------------------------------------------------


def test_unknown_kense_variable_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KENSE_DATABSE_URL", f"sqlite:///{tmp_path}/typo.db")
    with pytest.raises(RuntimeError, match="KENSE_DATABSE_URL") as caught:
        create_app(settings(tmp_path))
    assert "KENSE_DATABASE_URL" in str(caught.value)  # says what is known, to fix the typo
    assert not (tmp_path / "typo.db").exists()


def test_unknown_override_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="KENSE_SEARCH_URLL"):
        create_app(settings(tmp_path) | {"SEARCH_URLL": "x"})


def test_settings_come_from_kense_variables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/from-env.db"
    monkeypatch.setenv("KENSE_DATABASE_URL", url)
    monkeypatch.setenv("KENSE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KENSE_MAX_CONTENT_LENGTH", "2000")
    monkeypatch.setenv("KENSE_REQUIRE_SERVICES", "0")  # tooling variables are accepted
    flask_app = create_app({"TESTING": True})
    registry = registry_of(flask_app)
    try:
        assert registry.config.database_url == url
        assert flask_app.config["MAX_CONTENT_LENGTH"] == 2000
        registry.migrate()
        resp = staff_client(flask_app).post(
            "/api/v1/acts?lang=kk", data=b"x" * 3000, content_type="text/plain"
        )
        assert resp.status_code == 413
        assert error_of(resp.get_json())["code"] == "request_entity_too_large"
    finally:
        close(flask_app)
    assert (tmp_path / "from-env.db").exists()


def test_overrides_win_over_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KENSE_DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    flask_app = create_app(settings(tmp_path, "override.db"))
    try:
        assert registry_of(flask_app).config.database_url.endswith("override.db")
    finally:
        close(flask_app)


def test_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("KENSE_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    flask_app = create_app()
    try:
        assert flask_app.config["DATABASE_URL"] == "sqlite:///var/kense.db"
        assert registry_of(flask_app).config.default_place == "kz-kus"
        assert flask_app.config["MAX_CONTENT_LENGTH"] == DEFAULTS["MAX_CONTENT_LENGTH"]
    finally:
        close(flask_app)


# --- logging --------------------------------------------------------------------------------------


def test_log_formatter_writes_one_json_object_a_line() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLogFormatter())
    logger = logging.getLogger("kense.test.formatter")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("imported %s", "№ 514", extra={"uri": "/akn/kz-kus", "who": "Қостанай"})
        try:
            raise ValueError("boom\nsecond line")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["level"] == "warning" and first["logger"] == "kense.test.formatter"
    assert first["message"] == "imported № 514"
    assert first["uri"] == "/akn/kz-kus" and first["who"] == "Қостанай"
    assert first["time"]
    assert "Қостанай" in lines[0]  # UTF-8, unescaped
    assert second["level"] == "error" and "ValueError: boom" in second["exception"]


def test_logs_mask_an_iin_wherever_it_appears() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLogFormatter())
    logger = logging.getLogger("kense.test.masking")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("holder 900315400017", extra={"field": "ИИН 900315 400017"})
        try:
            raise KeyError("900315400017")
        except KeyError:
            logger.exception("lookup failed")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    text = stream.getvalue()
    assert "900315400017" not in text and "900315 400017" not in text
    assert "ИИН ************" in text and "KeyError: '************'" in text
    assert "holder ************" in json.loads(text.splitlines()[0])["message"]


def test_configure_logging_is_idempotent() -> None:
    configure_logging("INFO")
    root = logging.getLogger()
    ours = [h for h in root.handlers if isinstance(h.formatter, JsonLogFormatter)]
    configure_logging("DEBUG")
    assert [h for h in root.handlers if isinstance(h.formatter, JsonLogFormatter)] == ours
    assert len(ours) == 1


SCRIPT = textwrap.dedent(
    """
    import logging, sys
    from app import create_app
    from registry import policy
    from registry.routes import registry_of

    app = create_app({"DATABASE_URL": sys.argv[1], "DATA_DIR": sys.argv[2]})
    registry_of(app).migrate()
    policy.ROUTES[("boom", "GET")] = policy.Rule(policy.Action.READ)

    @app.get("/boom")
    def boom():
        raise ValueError("the secret detail")

    client = app.test_client()
    assert client.get("/boom").status_code == 500
    assert client.get("/api/v1/acts/akn/kz-kus/act/resolution/2021-11-12/1").status_code == 404
    logging.getLogger("kense.check").info("hello", extra={"who": "Қостанай"})
    for name, extension in app.extensions.items():
        if name.startswith("kense."):
            extension.close()
    """
)


def test_logs_are_json_lines_on_stderr(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENSE_")}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, f"sqlite:///{tmp_path}/k.db", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 0, stderr
    assert done.stdout == b""  # logs never go to stdout
    entries = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    assert entries
    for entry in entries:
        assert {"time", "level", "logger", "message"} <= set(entry)
    hello = next(e for e in entries if e["logger"] == "kense.check")
    assert (hello["message"], hello["level"], hello["who"]) == ("hello", "info", "Қостанай")
    assert "Қостанай" in stderr
    crash = next(e for e in entries if e["level"] == "error")
    assert "/boom" in crash["message"]
    assert "the secret detail" in crash["exception"] and "Traceback" in crash["exception"]
    assert any(e["logger"].startswith("alembic") for e in entries)


# --- error mapping --------------------------------------------------------------------------------


def public_test_route(monkeypatch: pytest.MonkeyPatch, endpoint: str) -> None:
    """A route a test adds is given a rule, as every route of the app has one."""
    monkeypatch.setitem(policy.ROUTES, (endpoint, "GET"), policy.Rule(policy.Action.READ))  # type: ignore[arg-type]


def test_unexpected_exception_is_500_json_without_a_traceback(
    sqlite_app: Flask, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    public_test_route(monkeypatch, "boom")

    @sqlite_app.get("/api/v1/boom")
    def boom() -> str:
        raise ZeroDivisionError("the secret detail at /srv/kense/app.py")

    with caplog.at_level(logging.ERROR, logger="kense"):
        resp = sqlite_app.test_client().get("/api/v1/boom")
    assert resp.status_code == 500
    assert resp.mimetype == "application/json"
    error = error_of(resp.get_json())
    assert error["code"] == "internal_error"
    body = resp.get_data(as_text=True)
    for leak in ("Traceback", "ZeroDivisionError", "secret detail", "/srv/kense", ".py"):
        assert leak not in body, leak
    logged = [r for r in caplog.records if r.name == "kense" and r.exc_info]
    assert logged and "/api/v1/boom" in logged[0].getMessage()


def test_unexpected_exception_in_a_page_is_500_json_too(
    sqlite_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    public_test_route(monkeypatch, "page_boom")

    @sqlite_app.get("/page-boom")
    def page_boom() -> str:
        raise KeyError("secret")

    resp = sqlite_app.test_client().get("/page-boom")
    assert resp.status_code == 500 and "secret" not in resp.get_data(as_text=True)
    assert error_of(resp.get_json())["code"] == "internal_error"


def test_database_not_initialised_is_503_saying_what_to_do(tmp_path: Path) -> None:
    flask_app = create_app(settings(tmp_path, "empty.db") | {"TESTING": True})
    try:
        resp = flask_app.test_client().get("/api/v1/acts")
        assert resp.status_code == 503
        error = error_of(resp.get_json())
        assert error["code"] == "database_unavailable" and "kense init" in error["message"]
    finally:
        close(flask_app)


def test_http_errors_keep_the_error_shape(sqlite_app: Flask) -> None:
    client = sqlite_app.test_client()
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and missing.mimetype == "application/json"
    assert error_of(missing.get_json())["code"] == "not_found"
    wrong = client.delete("/api/v1/acts")
    assert wrong.status_code == 405
    assert error_of(wrong.get_json())["code"] == "method_not_allowed"
    assert "Allow" in wrong.headers


def test_registry_errors_map_to_statuses(sqlite_app: Flask) -> None:
    """Invalid → 422, NotFound → 404 (Conflict → 409 is covered by the API tests)."""
    client = sqlite_app.test_client()
    assert client.get("/api/v1/acts?date=nope").status_code == 422
    assert client.get("/api/v1/acts/akn/kz-kus/act/resolution/2021-11-12/1").status_code == 404


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_a_browser_gets_html_error_pages_on_page_routes(
    sqlite_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    public_test_route(monkeypatch, "page_crash")

    @sqlite_app.get("/page-crash")
    def page_crash() -> str:
        raise RuntimeError("the secret detail")

    client = sqlite_app.test_client()
    for path, status in [
        ("/acts/<script>alert(1)</script>", 404),
        ("/no/such/page", 404),
        ("/page-crash", 500),
    ]:
        resp = client.get(path, headers=BROWSER)
        assert resp.status_code == status, path
        assert resp.mimetype == "text/html", path
        page = resp.get_data(as_text=True)
        assert "<script>alert(1)" not in page  # the message is escaped
        assert "secret detail" not in page and "Traceback" not in page


def test_the_api_answers_json_even_to_a_browser(sqlite_app: Flask) -> None:
    client = sqlite_app.test_client()
    for path, status in [("/api/v1/acts/foo", 404), ("/api/v1/acts?date=x", 422)]:
        resp = client.get(path, headers=BROWSER)
        assert resp.status_code == status and resp.mimetype == "application/json"
        error_of(resp.get_json())
    # and a script that does not ask for HTML gets JSON from a page route
    resp = client.get("/acts/foo", headers={"Accept": "application/json"})
    assert resp.status_code == 404 and resp.mimetype == "application/json"


def test_health_and_readiness(sqlite_app: Flask, tmp_path: Path) -> None:
    client = sqlite_app.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.get_data(as_text=True)
    body = ready.get_json()
    assert body["status"] == "ready"
    assert body["checks"]["database"]["ok"] and body["checks"]["search"]["ok"]
    assert body["checks"]["database"]["revision"] == body["checks"]["database"]["expected"]
    assert "status" in body["checks"]["converter"]
    fresh = create_app(settings(tmp_path, "empty.db"))
    try:
        unready = fresh.test_client().get("/readyz")
        assert unready.status_code == 503
        assert unready.get_json()["checks"]["database"]["ok"] is False
    finally:
        close(fresh)


def test_security_headers_on_pages_and_api(sqlite_app: Flask) -> None:
    client = sqlite_app.test_client()
    for path in ("/acts", "/api/v1/acts", "/no-such-page"):
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
