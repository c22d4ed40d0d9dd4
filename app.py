"""Composition root: ``create_app()`` wires configuration, each package and the error mapping;
``main()`` is the ``kense`` console script."""

from __future__ import annotations

import functools
import getpass
import json
import logging
import os
import re
import secrets
import signal
import sys
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import click
from flask import Flask, Response, current_app, g, redirect, request, url_for
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers.response import Response as BaseResponse

from registry import cli as registry_cli
from registry import policy
from registry import routes as registry_routes
from registry.audit import acting_as, set_actor
from registry.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    RegistryError,
    Unauthenticated,
)
from registry.openapi import accounts_paths, openapi_document
from registry.service import database_problem
from search import cli as search_cli
from search import routes as search_routes
from search.documents import mask_personal_data
from search.errors import InvalidQuery, SearchError, SearchUnavailable
from search.openapi import openapi_paths as search_openapi_paths
from signing import cli as signing_cli
from signing import routes as signing_routes
from signing.errors import SigningError
from signing.openapi import openapi_paths as signing_openapi_paths
from templates import cli as templates_cli
from templates import routes as templates_routes
from templates.errors import (
    ConversionError,
    ConverterUnavailable,
    InvalidData,
    RejectedTemplate,
    TemplateChanged,
    TemplateError,
    TemplateNotFound,
    UnsupportedLanguage,
)
from templates.openapi import openapi_paths as templates_openapi_paths

#: Embedded defaults; each can be overridden by an environment variable KENSE_<NAME>.
DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": "sqlite:///var/kense.db",
    "DATA_DIR": "var",
    "DEFAULT_PLACE": "kz-kus",
    "LOG_LEVEL": "INFO",
    "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
    #: When the search outbox is drained: "sync" after each write, in the writing thread (the
    #: default: CLI, tests), or "background" in a thread of its own (`kense serve`; set it for a
    #: WSGI server too).
    "SEARCH_DRAIN": "sync",
    #: Reverse proxies in front of the service whose X-Forwarded-For/-Proto are trusted: the
    #: client's address is what sign-in lock-outs are counted by.
    "PROXY_HOPS": 0,
    #: Session cookies are sent over HTTPS only; `make run` (plain HTTP on 127.0.0.1) sets false.
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
}
#: The settings each package takes, as (config key, the package's own field name).
REGISTRY_KEYS = {
    "DATABASE_URL": "database_url",
    "DATA_DIR": "data_dir",
    "DEFAULT_PLACE": "default_place",
}
OWN_KEYS = {"LOG_LEVEL", "MAX_CONTENT_LENGTH", "TESTING", "SECRET_KEY", "PROXY_HOPS"}
SEARCH_KEYS = {
    "SEARCH_URL": "url",
    "SEARCH_API_KEY": "api_key",
    "SEARCH_USERNAME": "username",
    "SEARCH_PASSWORD": "password",
    "SEARCH_CA_CERTS": "ca_certs",
    "SEARCH_INDEX_PREFIX": "index_prefix",
    "SEARCH_REPLICAS": "replicas",
    "SEARCH_TIMEOUT": "timeout",
}
DOCUMENTS_KEYS = {
    "CONVERTER_POOL": "converter_pool",
    "CONVERTER_TIMEOUT": "converter_timeout",
    "UNO_PYTHON": "uno_python",
    "SOFFICE": "soffice",
    "TIMEZONE": "timezone",
}
SIGNING_KEYS = {
    "TRUST_ANCHORS": "trust_anchors",
    "CRLS": "crls",
    "REVOCATION": "revocation",
    "PUBLIC_URL": "public_url",
}
#: Variables read by the Makefile and the tests, not by the service.
TOOLING_KEYS = {
    "TEST_DATABASE_URL",
    "TEST_SEARCH_URL",
    "REQUIRE_SERVICES",
    "CHROMIUM",
    "PG_PORT",
    "PG_TIMEOUT",
    "ES_PORT",
    "ES_VERSION",
    "ES_TIMEOUT",
    "CACHE",
    "UNO_VENV",
    "VERAPDF_VERSION",
}


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, static_folder=None, template_folder=None)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("KENSE")
    if overrides:
        app.config.update(overrides)
    _reject_unknown_settings(app)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    configure_logging(str(app.config["LOG_LEVEL"]))
    registry_routes.init_app(app, {REGISTRY_KEYS[k]: app.config[k] for k in REGISTRY_KEYS})
    search_settings = {v: app.config.get(k) for k, v in SEARCH_KEYS.items()}
    search_routes.init_app(
        app,
        search_settings | {"data_dir": app.config["DATA_DIR"]},
        registry_routes.registry_of(app),
        sync=app.config["SEARCH_DRAIN"] == "sync",
    )
    documents_settings = {v: app.config.get(k) for k, v in DOCUMENTS_KEYS.items()}
    templates_routes.init_app(
        app,
        documents_settings | {"data_dir": app.config["DATA_DIR"]},
        registry_routes.registry_of(app),
    )
    signing_routes.init_app(app, {v: app.config.get(k) for k, v in SIGNING_KEYS.items()})
    _register_errors(app)
    hops = int(app.config["PROXY_HOPS"])
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _stored_secret(Path(app.config["DATA_DIR"]))
    app.before_request(_refuse_control_characters)
    app.before_request(_authorize_request)
    app.after_request(_security_headers)
    app.add_url_rule("/healthz", "healthz", healthz)
    app.add_url_rule("/readyz", "readyz", readyz)
    app.add_url_rule("/api/v1/openapi.json", "openapi", openapi)
    _require_policy_for_every_route(app)
    return app


def _stored_secret(data_dir: Path) -> str:
    """The key that signs session cookies: KENSE_SECRET_KEY, or one made once and kept in the
    data directory (mode 600). Several machines must share KENSE_SECRET_KEY."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        temp = data_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
        try:
            os.link(temp, path)  # complete before it is visible; the first worker's wins
        except FileExistsError:
            pass
        finally:
            temp.unlink()
    key = path.read_text("ascii").strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds a key shorter than 32 characters: delete it")
    return key


#: Where a route's view arguments or a command's parameters name the scoped record.
_SCOPE_KEYS = {"document": ("document_id",), "template": ("template_id", "template")}


def _body_of(app: Flask, scope: str, names: Mapping[str, Any]) -> str:
    """The issuing body of the document or template a request or command names."""
    if scope == "department":
        return policy.DEFAULT_BODY
    value = next(str(names[k]) for k in _SCOPE_KEYS[scope] if k in names)
    if scope == "document":
        issuer: str = registry_routes.registry_of(app).document(value)["issuer"]
        return issuer
    body: str = templates_routes.documents_of(app).issuer(value)
    return body


def _require_policy_for_every_route(app: Flask) -> None:
    """A route the policy does not list would be refused to everyone: fail at start-up instead."""
    missing = [
        f"{rule.endpoint} {method}"
        for rule in app.url_map.iter_rules()
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        if (rule.endpoint, method) not in policy.ROUTES
    ]
    if missing:
        raise RuntimeError(f"routes without an authorization rule: {', '.join(missing)}")


def _authorize_request() -> BaseResponse | None:
    """The one gate of every web request: who asks (bearer token or session), CSRF for forms
    and session-authenticated writes, then the policy's rule for the route (401 → 403)."""
    if request.endpoint is None:  # no such route: let routing answer 404/405
        return None
    principal = registry_routes.resolve_principal()
    g.kense_principal = principal
    set_actor(principal.actor if principal.authenticated else "web:anonymous")
    registry_routes.check_csrf(principal)
    view_args = request.view_args or {}
    rule = policy.route_rule(request.endpoint, request.method, view_args)
    if rule is None:
        raise Forbidden(f"{request.method} {request.path} is not open to anyone")
    policy.authorize(principal, rule.action)
    if rule.scope is not None:
        policy.authorize(principal, rule.action, _body_of(current_app, rule.scope, view_args))
    return None


def openapi() -> BaseResponse:
    """The OpenAPI document: the paths of the registry, search and documents."""
    document = openapi_document()
    document["paths"].update(accounts_paths())
    document["paths"].update(search_openapi_paths())
    document["paths"].update(templates_openapi_paths())
    document["paths"].update(signing_openapi_paths())
    return Response(json.dumps(document, ensure_ascii=False), mimetype="application/json")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _refuse_control_characters() -> BaseResponse | None:
    """No query parameter or path of any request may carry NUL or other control characters."""
    for name, value in [("path", request.path), *request.args.items(multi=True)]:
        if _CONTROL.search(value):
            body = error_body(
                "invalid", f"{name} contains a control character", {name: "control character"}
            )
            return Response(json.dumps(body, ensure_ascii=False), 422, mimetype="application/json")
    return None


#: Pages load scripts and styles from the service only; the issuing page previews a PDF from a
#: blob: URL in a frame; nothing may frame the service.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "frame-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _security_headers(response: BaseResponse) -> BaseResponse:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def healthz() -> BaseResponse:
    """Liveness: the process answers."""
    return Response('{"status": "ok"}', mimetype="application/json")


def readyz() -> BaseResponse:
    """Readiness: the database and the search index answer (503 if either does not); the
    document converter's state is reported (it starts on first use)."""
    app = current_app
    checks: dict[str, Any] = {}
    try:
        checks["database"] = registry_routes.registry_of(app).health()
    except DBAPIError as exc:
        checks["database"] = {"ok": False, "error": database_problem(exc)}
    checks["search"] = search_routes.search_of(app).backend.health()
    checks["converter"] = templates_routes.documents_of(app).converter.health()
    ready = bool(checks["database"].get("ok")) and bool(checks["search"].get("ok"))
    body = {"status": "ready" if ready else "unavailable", "checks": checks}
    return Response(
        json.dumps(body, ensure_ascii=False, default=str),
        200 if ready else 503,
        mimetype="application/json",
    )


def _reject_unknown_settings(app: Flask) -> None:
    """A mistyped KENSE_ variable fails at start-up instead of being silently ignored."""
    known = (
        set(DEFAULTS)
        | set(REGISTRY_KEYS)
        | set(SEARCH_KEYS)
        | set(DOCUMENTS_KEYS)
        | set(SIGNING_KEYS)
        | OWN_KEYS
        | TOOLING_KEYS
    )
    unknown = sorted(k for k in app.config if k not in known and not _is_flask_key(k))
    if unknown:
        raise RuntimeError(
            f"unknown setting(s) KENSE_{', KENSE_'.join(unknown)}; known: "
            + ", ".join(f"KENSE_{k}" for k in sorted(known - TOOLING_KEYS))
        )


def _is_flask_key(key: str) -> bool:
    return key in Flask.default_config


class JsonLogFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message and any ``extra`` fields. An ИИН or
    БИН anywhere in it (a message, an exception's text) is masked: logs leave the office."""

    _PLAIN = frozenset(vars(logging.makeLogRecord({})))

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in self._PLAIN})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return mask_personal_data(json.dumps(entry, ensure_ascii=False, default=str))


def configure_logging(level: str) -> None:
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonLogFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter())
    root.addHandler(handler)
    root.setLevel(level.upper())


STATUS: dict[type[Exception], int] = {
    Invalid: 422,
    NotFound: 404,
    Conflict: 409,
    InvalidQuery: 422,
    SearchUnavailable: 503,
    InvalidData: 422,
    UnsupportedLanguage: 422,
    RejectedTemplate: 422,
    TemplateNotFound: 404,
    TemplateChanged: 409,
    ConverterUnavailable: 503,
    ConversionError: 502,
    Unauthenticated: 401,
    Forbidden: 403,
}


def error_body(code: str, message: str, fields: Mapping[str, str] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": dict(fields or {})}}


def _register_errors(app: Flask) -> None:
    """Every error leaves as JSON of one shape; no stack trace reaches a client."""

    @app.errorhandler(RegistryError)
    def _registry_error(exc: RegistryError) -> BaseResponse:
        status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)
        if status == 401 and registry_routes.html_error(401, exc.message) is not None:
            return redirect(
                url_for("registry_pages.login_page", next=request.full_path.rstrip("?"))
            )
        page = registry_routes.html_error(status, exc.message)
        response = page or Response(
            json.dumps(error_body(exc.code, exc.message, exc.fields), ensure_ascii=False),
            status,
            mimetype="application/json",
        )
        if isinstance(exc, Unauthenticated):
            response.headers["WWW-Authenticate"] = 'Bearer realm="kense"'
        return response

    @app.errorhandler(SearchError)
    def _search_error(exc: SearchError) -> BaseResponse | tuple[dict[str, Any], int]:
        status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)
        page = registry_routes.html_error(status, exc.message)
        return page or (error_body(exc.code, exc.message, exc.fields), status)

    @app.errorhandler(TemplateError)
    def _template_error(exc: TemplateError) -> BaseResponse | tuple[dict[str, Any], int]:
        status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)
        if status >= 500:
            logging.getLogger("kense").error("document conversion failed: %s", exc.message)
        page = registry_routes.html_error(status, exc.message)
        return page or (error_body(exc.code, exc.message, exc.fields), status)

    @app.errorhandler(SigningError)
    def _signing_error(exc: SigningError) -> BaseResponse | tuple[dict[str, Any], int]:
        page = registry_routes.html_error(422, exc.message)
        return page or (error_body(exc.code, exc.message, exc.fields), 422)

    @app.errorhandler(DBAPIError)
    def _database_error(exc: DBAPIError) -> BaseResponse | tuple[dict[str, Any], int]:
        logging.getLogger("kense").error("database error", extra={"detail": str(exc.orig)})
        message = database_problem(exc)
        page = registry_routes.html_error(503, message)
        return page or (error_body("database_unavailable", message), 503)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> BaseResponse:
        code = (exc.name or "error").lower().replace(" ", "_")
        page = registry_routes.html_error(exc.code or 500, exc.description or exc.name or "error")
        if page is not None:
            return page
        body = error_body(code, exc.description or exc.name or "error")
        response = exc.get_response()
        response.data = json.dumps(body, ensure_ascii=False).encode()
        response.content_type = "application/json"
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> BaseResponse | tuple[dict[str, Any], int]:
        logging.getLogger("kense").exception(
            "unhandled error on %s %s", request.method, request.path
        )
        message = "an unexpected error occurred; it has been logged"
        page = registry_routes.html_error(500, message)
        return page or (error_body("internal_error", message), 500)


class _AppState:
    """Creates the app once, on first use, so `kense --help` needs no database."""

    def __init__(self, as_user: str | None = None) -> None:
        self._app: Flask | None = None
        self.as_user = as_user

    @property
    def app(self) -> Flask:
        """The app for one CLI command: it drains the search outbox before it exits."""
        if self._app is None:
            self._app = create_app()
        return self._app

    def registry(self) -> Any:
        return registry_routes.registry_of(self.app)

    def principal(self) -> policy.Principal:
        """The local operator, or the user named by ``--as``."""
        if self.as_user is None:
            return policy.operator(f"local:{getpass.getuser()}")
        principal: policy.Principal = self.registry().user_principal(self.as_user)
        return principal

    def search(self) -> Any:
        return search_routes.search_of(self.app)

    def documents(self) -> Any:
        return templates_routes.documents_of(self.app)

    def signatures(self) -> Any:
        return signing_routes.signatures_of(self.app)


@click.group(help="Kense: the registry of legal acts of the department, its documents and search.")
@click.option(
    "--as",
    "as_user",
    metavar="USER",
    help="Act as this user (their roles apply; the audit trail names them) instead of as the "
    "local operator.",
)
@click.pass_context
def cli(ctx: click.Context, as_user: str | None) -> None:
    ctx.obj = _AppState(as_user)


@cli.command(help="Serve the web application and the HTTP API.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.pass_obj
def serve(state: _AppState, host: str, port: int) -> None:
    from werkzeug.serving import run_simple

    app = create_app({"SEARCH_DRAIN": "background"})
    search_routes.catch_up(app)
    # SIGTERM (systemd, `kill`) exits through SystemExit, so the exit handlers stop the
    # LibreOffice workers instead of leaving them orphaned.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    logging.getLogger("kense").info("serving", extra={"host": host, "port": port})
    run_simple(host, port, app, threaded=True, use_reloader=False)


def _exit_on_signal(signum: int, _frame: object) -> None:
    logging.getLogger("kense").info("stopping", extra={"signal": signum})
    sys.exit(0)


registry_cli.register(cli)
search_cli.register(cli)
templates_cli.register(cli)
signing_cli.register(cli)


def command_paths(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    """Every command that runs something, by its path ("users add")."""
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        if isinstance(command, click.Group):
            found |= command_paths(command, path + " ")
        else:
            found[path] = command
    return found


def _guarded(rule: policy.Rule, callback: Callable[..., Any]) -> Callable[..., Any]:
    """Authorize before the command runs; the command acts under the principal's name."""

    @templates_cli.handles_template_errors  # a refusal is reported like the command's errors
    def authorized(state: _AppState, params: Mapping[str, Any]) -> policy.Principal:
        principal = state.principal()
        policy.authorize(principal, rule.action)
        if rule.scope is not None and principal.kind != "operator":
            policy.authorize(principal, rule.action, _body_of(state.app, rule.scope, params))
        return principal

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        state = click.get_current_context().find_object(_AppState)
        assert state is not None
        principal = authorized(state, kwargs)
        with acting_as(principal.actor):
            return callback(*args, **kwargs)

    return run


def _guard_commands(group: click.Group) -> None:
    """The CLI goes through the same policy as the web: every command has its action."""
    commands = command_paths(group)
    missing = sorted(set(commands) - set(policy.COMMANDS))
    if missing:
        raise RuntimeError(f"commands without an authorization rule: {', '.join(missing)}")
    for path, command in commands.items():
        assert command.callback is not None
        command.callback = _guarded(policy.COMMANDS[path], command.callback)


_guard_commands(cli)


def main() -> None:
    cli(prog_name="kense")
