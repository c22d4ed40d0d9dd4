"""HTTP edge of the registry: the JSON API under /api/v1 and the HTML pages."""

from __future__ import annotations

import hmac
import json
import re
import secrets
import time
from datetime import date, timedelta
from io import BytesIO
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from werkzeug.wrappers.response import Response as BaseResponse

from registry.accounts import REFUSED
from registry.config import RegistryConfig
from registry.errors import Forbidden, Invalid, NotFound, Unauthenticated
from registry.formats import act_akn, act_json
from registry.policy import ANONYMOUS, DEFAULT_BODY, Action, Principal, authorize_bodies
from registry.service import Registry

EXTENSION = "kense.registry"
api = Blueprint("registry_api", __name__, url_prefix="/api/v1")
pages = Blueprint(
    "registry_pages",
    __name__,
    template_folder="pages",
    static_folder="static",
    static_url_path="/static/registry",
)


def init_app(app: Flask, settings: dict[str, Any]) -> None:
    app.extensions[EXTENSION] = Registry.open(RegistryConfig.from_mapping(settings))
    app.register_blueprint(api)
    app.register_blueprint(pages)
    app.context_processor(lambda: {"principal": current_principal(), "csrf_token": csrf_token})


def registry_of(app: Flask) -> Registry:
    registry: Registry = app.extensions[EXTENSION]
    return registry


def _registry() -> Registry:
    return registry_of(current_app)


def _json(data: Any, status: int = 200) -> Response:
    return Response(
        json.dumps(data, ensure_ascii=False), status=status, mimetype="application/json"
    )


def _date_arg(name: str, default: date | None = None) -> date:
    value = request.args.get(name)
    if value is None or value == "":
        if default is None:
            raise Invalid(f"the query parameter {name} is required", fields={name: "required"})
        return default
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise Invalid(
            f"{name}={value!r} is not a date YYYY-MM-DD", fields={name: "YYYY-MM-DD"}
        ) from exc


def _lang_arg() -> str:
    lang = request.args.get("lang", "kk")
    if lang not in ("kk", "ru"):
        raise Invalid(f"lang={lang!r}: use kk or ru", fields={"lang": "kk or ru"})
    return lang


# --- API ---------------------------------------------------------------------------------------


@api.get("/acts")
def list_acts() -> Response:
    day = _date_arg("date", date.min) if request.args.get("date") else None
    q = request.args.get("q") or None
    if q is not None and len(q) > 500:
        raise Invalid("q is longer than 500 characters", fields={"q": "at most 500 characters"})
    items = _registry().list_works(
        number=request.args.get("number") or None,
        day=day,
        subtype=request.args.get("type") or None,
        q=q,
        drafts=sees_drafts(),
    )
    return _json({"items": items, "total": len(items)})


@api.post("/acts")
def create_act() -> Response:
    """An act as official text (text/plain; ?lang=kk) or Akoma Ntoso (application/xml)."""
    work = request.args.get("work") or None
    mimetype = request.mimetype
    data = request.get_data()
    if not data:
        raise Invalid("the request body is empty: send the act's text", fields={"body": "empty"})
    if mimetype in ("application/xml", "text/xml", "application/akn+xml"):
        result = _registry().import_akn(data, work)
    elif mimetype == "text/plain":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise Invalid("the body is not UTF-8 text", fields={"body": "not UTF-8"}) from exc
        result = _registry().import_text(text, _lang_arg_required(), work)
    else:
        raise Invalid(
            f"unsupported Content-Type {mimetype or '(none)'}: send text/plain (official text, "
            "with ?lang=kk|ru) or application/xml (Akoma Ntoso)",
            fields={"Content-Type": "text/plain or application/xml"},
        )
    body = {
        "frbr_uri": result.uri.work,
        "lang": result.lang,
        "attached": result.attached,
        "valid_from": result.valid_from.isoformat(),
        "date_assumed": result.date_assumed,
    }
    response = _json(body, 201)
    response.headers["Location"] = url_for("registry_api.act", tail=result.uri.work.lstrip("/"))
    return response


def _lang_arg_required() -> str:
    if "lang" not in request.args:
        raise Invalid("official text needs ?lang=kk or ?lang=ru", fields={"lang": "required"})
    return _lang_arg()


SUFFIXES = ("versions", "diff", "akn", "amendments", "publication", "history")


@api.route("/acts/<path:tail>", methods=["GET", "POST"])
def act(tail: str) -> Response:
    """/acts/<frbr_uri>[/versions|/diff|/akn|/amendments|/publication|/provisions/<eid>[/history]]."""
    uri, rest = _split(tail)
    registry = _registry()
    if request.method == "POST":
        return _post_to_act(registry, uri, rest)
    registry.require_visible(uri, drafts=sees_drafts())
    if rest == "":
        return _json(act_json(registry.act_at(uri, _lang_arg(), _date_arg("at", date.today()))))
    if rest == "versions":
        timeline = registry.versions(uri, drafts=sees_drafts())
        return _json(timeline | {"work": registry.work_info(uri)})
    if rest == "diff":
        return _json(registry.diff(uri, _lang_arg(), _date_arg("from"), _date_arg("to")))
    if rest == "akn":
        view = registry.act_at(uri, _lang_arg(), _date_arg("at", date.today()))
        body = act_akn(view, registry.work_info(uri))
        return Response(body, mimetype="application/akn+xml")
    if rest.startswith("provisions/"):
        eid, _, sub = rest.removeprefix("provisions/").partition("/")
        if sub == "history":
            versions = registry.provision_history(uri, _lang_arg(), eid)
            return _json({"frbr_uri": uri, "eid": eid, "versions": versions})
        if sub == "":
            node = registry.provision_at(uri, _lang_arg(), eid, _date_arg("at", date.today()))
            return _json(node.to_dict())
    raise NotFound(f"no such resource: {rest}", fields={"path": "unknown"})


def _post_to_act(registry: Registry, uri: str, rest: str) -> Response:
    if rest == "amendments":
        return _json(registry.amend(uri, _json_body()), 201)
    if rest == "publication":
        body = _json_body()
        if not isinstance(body, dict):
            raise Invalid('send {"date": "YYYY-MM-DD"}', fields={"date": "required"})
        return _json(registry.publish(uri, _body_date(body)), 201)
    if rest == "events":
        body = _json_body()
        if not isinstance(body, dict):
            raise Invalid('send {"event": "…", "date": "YYYY-MM-DD"}', fields={"body": "object"})
        day = _body_date(body)
        kind = body.get("event")
        if not isinstance(kind, str):
            raise Invalid("event is required", fields={"event": "required"})
        detail = body.get("detail")
        if detail is not None and not isinstance(detail, dict):
            raise Invalid("detail must be an object", fields={"detail": "object"})
        return _json(registry.record_event(uri, kind, day, detail), 201)
    raise NotFound(f"cannot POST to {rest or 'an act'}", fields={"path": "unknown"})


def _body_date(body: dict[str, Any]) -> date:
    value = body.get("date")
    if not isinstance(value, str):
        raise Invalid('date is required: "YYYY-MM-DD"', fields={"date": "required"})
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise Invalid("date must be YYYY-MM-DD", fields={"date": "YYYY-MM-DD"}) from exc


def _json_body() -> Any:
    if request.mimetype != "application/json":
        raise Invalid(
            "send the body as application/json", fields={"Content-Type": "application/json"}
        )
    try:
        return json.loads(request.get_data() or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Invalid(
            f"the body is not valid JSON: {exc}", fields={"body": "invalid JSON"}
        ) from exc
    except RecursionError as exc:
        raise Invalid(
            "the body is nested too deeply", fields={"body": "nested too deeply"}
        ) from exc


@api.post("/decisions")
def upload_decision() -> Response:
    """A decision as a PDF or DOCX file (multipart/form-data) with its citation and title."""
    from registry.decisions import parse_metadata
    from registry.extract import MAX_FILE_BYTES

    if request.mimetype != "multipart/form-data":
        raise Invalid(
            "send the decision as multipart/form-data: the file in the field 'file', and "
            "issuer, number, date, title (type and lang optional)",
            fields={"Content-Type": "multipart/form-data"},
        )
    upload = request.files.get("file")
    if upload is None:
        raise Invalid(
            "the field 'file' is required: the decision as PDF or DOCX", fields={"file": "required"}
        )
    names = ("issuer", "number", "date", "title", "type", "lang")
    act, title, lang = parse_metadata({name: request.form.get(name) for name in names})
    data = upload.read(MAX_FILE_BYTES + 1)
    result = _registry().add_decision(data, upload.filename or "", lang=lang, act=act, title=title)
    body = {k: result[k] for k in ("frbr_uri", "sha256", "media_type", "size", "filename", "lang")}
    response = _json(body, 201)
    response.headers["Location"] = url_for(
        "registry_api.act_file", frbr_uri=result["frbr_uri"].lstrip("/"), sha256=result["sha256"]
    )
    return response


@api.get("/acts/<path:frbr_uri>/files")
def act_files(frbr_uri: str) -> Response:
    """The files attached to an act (metadata; the text stays in the registry and the index)."""
    uri = _work_only(frbr_uri)
    items = [{k: v for k, v in item.items() if k != "text"} for item in _registry().files_of(uri)]
    return _json({"frbr_uri": uri, "items": items, "total": len(items)})


@api.get("/acts/<path:frbr_uri>/files/<sha256>")
def act_file(frbr_uri: str, sha256: str) -> Response:
    """One attached file, byte for byte, as a download."""
    data, media_type, filename = _registry().file_content(_work_only(frbr_uri), sha256)
    response = send_file(
        BytesIO(data),
        mimetype=media_type,
        as_attachment=True,
        download_name=filename,
        etag=sha256,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _work_only(tail: str) -> str:
    uri, rest = _split(tail)
    if rest:
        raise NotFound(f"no such resource: {rest}", fields={"path": "unknown"})
    _registry().require_visible(uri, drafts=sees_drafts())
    return uri


def _split(tail: str) -> tuple[str, str]:
    """Split "akn/kz-kus/act/resolution/2021-11-12/514/versions" into the URI and the rest."""
    parts = tail.strip("/").split("/")
    if len(parts) < 6 or parts[0] != "akn":
        raise NotFound(
            f"/{tail} is not an act URI such as /akn/kz-kus/act/resolution/2021-11-12/514",
            fields={"frbr_uri": "not an AKN work URI"},
        )
    return "/" + "/".join(parts[:6]), "/".join(parts[6:])


# --- pages -------------------------------------------------------------------------------------

UI_LANGS = ("kk", "ru")


def html_error(status: int, message: str) -> Response | None:
    """An HTML error page for a browser on a page route; None for the API and for scripts."""
    from registry.html import error_page

    if request.path.startswith("/api/") or not request.accept_mimetypes.accept_html:
        return None
    return Response(error_page(_ui(), status, message), status, mimetype="text/html")


def _ui() -> str:
    ui = request.args.get("ui") or request.cookies.get("ui") or "kk"
    return ui if ui in UI_LANGS else "kk"


def page(template: str, status: int = 200, **context: Any) -> Response:
    """A page in the interface language (?ui= or the cookie it sets), with its labels."""
    from registry.html import labels

    ui = _ui()
    response = Response(render_template(template, ui=ui, t=labels(ui), **context), status)
    if request.args.get("ui") in UI_LANGS:
        response.set_cookie("ui", ui, samesite="Lax", max_age=365 * 86400)
    return response


@pages.get("/")
def home() -> BaseResponse:
    return redirect(url_for("registry_pages.act_list"))


@pages.get("/acts")
def act_list() -> Response:
    return page(
        "acts.html",
        items=_registry().list_works(q=request.args.get("q") or None, drafts=sees_drafts()),
        q=request.args.get("q", ""),
    )


@pages.get("/acts/<path:tail>")
def act_page(tail: str) -> Response:
    from registry.html import act_fragment

    uri, rest = _split(tail)
    registry = _registry()
    lang = _lang_arg()
    registry.require_visible(uri, drafts=sees_drafts())
    work = registry.work_info(uri)
    versions = registry.versions(uri, drafts=sees_drafts())
    if rest == "":
        at = _date_arg("at", date.today())
        view = registry.act_at(uri, lang, at)
        return page(
            "act.html",
            work=work,
            versions=versions,
            view=view,
            lang=lang,
            body=act_fragment(view, ui=_ui()),
        )
    if rest == "diff":
        old, new = _date_arg("from"), _date_arg("to")
        return page(
            "diff.html",
            work=work,
            versions=versions,
            lang=lang,
            diff=registry.diff(uri, lang, old, new),
        )
    if rest.startswith("provisions/") and rest.endswith("/history"):
        eid = rest.removeprefix("provisions/").removesuffix("/history")
        return page(
            "history.html",
            work=work,
            versions=versions,
            lang=lang,
            eid=eid,
            history=registry.provision_history(uri, lang, eid),
        )
    raise NotFound(f"no such page: {rest}")


# --- who is asking ---------------------------------------------------------------------------

BEARER = "Bearer "
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def current_principal() -> Principal:
    """The principal app.py's gate resolved for this request (anonymous outside requests)."""
    principal: Principal = g.get("kense_principal", ANONYMOUS)
    return principal


def sees_drafts() -> bool:
    """Draft acts are the department's (its legal staff draft them)."""
    return current_principal().can(Action.READ_DRAFTS, DEFAULT_BODY)


def resolve_principal() -> Principal:
    """A bearer token if one is sent (a wrong one is refused, never ignored), else the session's
    user if the session is still valid, else anonymous."""
    header = request.headers.get("Authorization")
    if header is not None:
        if not header.startswith(BEARER):
            raise Unauthenticated("use 'Authorization: Bearer <token>'")
        principal = _registry().token_principal(header[len(BEARER) :].strip())
        if principal is None:
            raise Unauthenticated("the token is unknown, revoked or expired")
        return principal
    user_id, epoch, since = session.get("uid"), session.get("epoch"), session.get("since")
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    fresh = isinstance(since, (int, float)) and time.time() - since < lifetime
    if isinstance(user_id, int) and isinstance(epoch, int) and fresh:
        principal = _registry().session_principal(user_id, epoch)
        if principal is not None:
            return principal
        session.pop("uid", None)  # password, roles or status changed since: signed out
        session.pop("epoch", None)
    return ANONYMOUS


def csrf_token() -> str:
    """The session's CSRF token, made on first use; forms and scripts send it back."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


#: Writes that carry no session (a JSON sign-in cannot be sent cross-site without CORS).
_CSRF_EXEMPT = {"registry_api.session_login"}


def check_csrf(principal: Principal) -> None:
    """A write by a signed-in browser session, and the sign-in form, must echo the CSRF token
    (form field ``csrf_token`` or header ``X-CSRF-Token``). Bearer-token requests carry no
    ambient credential and need none."""
    if request.method in ("GET", "HEAD", "OPTIONS") or principal.via == "token":
        return
    if request.endpoint in _CSRF_EXEMPT:
        return
    if principal.via != "session" and request.endpoint != "registry_pages.login":
        return
    expected = session.get("csrf")
    sent = request.headers.get("X-CSRF-Token")
    if sent is None and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        sent = request.form.get("csrf_token")
    if not (isinstance(expected, str) and sent and hmac.compare_digest(expected, sent)):
        raise Forbidden(
            "the form is stale or was sent from another site: reload the page and try again",
            fields={"csrf_token": "missing or wrong"},
        )


def _start_session(username: str, password: str) -> Principal:
    outcome = _registry().login(username, password, request.remote_addr or "unknown")
    session.clear()
    session.permanent = True
    session["uid"] = outcome.user_id
    session["epoch"] = outcome.epoch
    session["since"] = int(time.time())  # an absolute limit: activity does not extend it
    session["csrf"] = secrets.token_urlsafe(32)
    assert outcome.principal is not None
    return outcome.principal


def _credentials(data: Any) -> tuple[str, str]:
    if not isinstance(data, dict):
        raise Invalid("send the username and password", fields={"username": "required"})
    username, password = data.get("username"), data.get("password")
    errors = {}
    if not isinstance(username, str) or not username:
        errors["username"] = "required"
    if not isinstance(password, str) or not password:
        errors["password"] = "required"
    if errors:
        raise Invalid(f"{' and '.join(errors)} required", fields=errors)
    assert isinstance(username, str) and isinstance(password, str)
    return username, password


def _login_credentials(data: Any) -> tuple[str, str]:
    """Credentials to sign in with: what no account can have is refused like a wrong password,
    before it reaches the database (a NUL would be a driver error on PostgreSQL)."""
    username, password = _credentials(data)
    if len(username) > 64 or len(password) > 1024 or _UNPRINTABLE.search(username + password):
        raise Unauthenticated(REFUSED)
    return username, password


@api.get("/session")
def session_info() -> Response:
    principal = current_principal()
    body: dict[str, Any] = {"authenticated": principal.authenticated, "user": principal.to_dict()}
    if principal.via == "session":
        body["csrf_token"] = csrf_token()
    return _json(body)


@api.post("/session")
def session_login() -> Response:
    """Sign in with {"username", "password"}: sets the session cookie; returns the CSRF token."""
    principal = _start_session(*_login_credentials(_json_body()))
    return _json({"authenticated": True, "user": principal.to_dict(), "csrf_token": csrf_token()})


def _end_session() -> None:
    """Signed out everywhere: the user's sessions on every device and worker end (a signed
    cookie cannot be withdrawn alone, so a copy of it would otherwise stay valid)."""
    principal = current_principal()
    if principal.via == "session":
        _registry().logout(principal.name)
    session.clear()


@api.delete("/session")
def session_logout() -> Response:
    _end_session()
    return Response(status=204)


def _limit_arg(default: int = 100, maximum: int = 1000) -> int:
    value = request.args.get("limit")
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= maximum:
        raise Invalid(f"limit is a number 1–{maximum}", fields={"limit": f"1–{maximum}"})
    return int(value)


def _audit_filters() -> dict[str, Any]:
    filters: dict[str, Any] = {}
    for name in ("action", "actor", "subject"):
        value = request.args.get(name)
        if value:
            if len(value) > 300:
                raise Invalid(f"{name} is too long", fields={name: "at most 300 characters"})
            filters[name] = value
    for name in ("since", "until"):
        if request.args.get(name):
            filters[name] = _date_arg(name)
    before = request.args.get("before")
    if before:
        if not (before.isascii() and before.isdigit()) or len(before) > 12:
            raise Invalid("before is an entry number", fields={"before": "a number"})
        filters["before"] = int(before)
    filters["limit"] = _limit_arg()
    return filters


@api.get("/audit")
def audit_api() -> Response:
    """Audit entries, newest first, filtered by action (or family), actor, subject, days."""
    items = _registry().audit_entries(**_audit_filters())
    return _json({"items": items, "total": len(items)})


@api.get("/users")
def users_api() -> Response:
    items = _registry().users()
    return _json({"items": items, "total": len(items)})


def _grants_of(data: Any, name: str = "roles") -> list[tuple[str, str]]:
    from registry.policy import DEFAULT_BODY

    if not isinstance(data, list) or len(data) > 50:
        raise Invalid(f"{name} is a list of {{body, role}}", fields={name: "a list"})
    grants = []
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("role"), str):
            raise Invalid(f"each of {name} is {{body, role}}", fields={name: "{body, role}"})
        body = item.get("body", DEFAULT_BODY)
        if not isinstance(body, str):
            raise Invalid("body is a string", fields={"body": "a string"})
        grants.append((body, item["role"]))
    return grants


@api.post("/users")
def add_user() -> Response:
    """{"username", "password", "roles": [{"body", "role"}]} → the user (201)."""
    body = _json_body()
    username, password = _credentials(body)
    grants = _grants_of(body.get("roles", []))
    authorize_bodies(current_principal(), Action.USERS, {b for b, _ in grants} or {DEFAULT_BODY})
    user = _registry().add_user(username, password, grants)
    return _json(user, 201)


@api.put("/users/<username>/roles")
def user_roles(username: str) -> Response:
    """Set the user's roles to exactly {"roles": [...]} (their sessions end)."""
    body = _json_body()
    if not isinstance(body, dict):
        raise Invalid('send {"roles": [{"body", "role"}]}', fields={"roles": "required"})
    wanted = _grants_of(body.get("roles"))
    registry = _registry()
    held = registry.user(username)
    current = [(g["body"], g["role"]) for g in held["roles"]]
    revoke = [grant for grant in current if grant not in wanted]
    added = [grant for grant in wanted if grant not in current]
    authorize_bodies(current_principal(), Action.USERS, {b for b, _ in added + revoke})
    return _json(registry.change_roles(username, wanted, revoke))


@api.post("/users/<username>/tokens")
def create_token(username: str) -> Response:
    """{"label", "roles" (optional: a subset of the user's), "expires_days"} → the token, once."""
    body = _json_body()
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise Invalid("send an object", fields={"body": "object"})
    label = body.get("label", "")
    if not isinstance(label, str):
        raise Invalid("label is a string", fields={"label": "a string"})
    scopes = _grants_of(body["roles"]) if body.get("roles") is not None else None
    days = body.get("expires_days")
    if days is not None and (
        not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 3650
    ):
        raise Invalid("expires_days is 1–3650", fields={"expires_days": "1–3650"})
    registry = _registry()
    covers = (
        scopes
        if scopes is not None
        else [(g["body"], g["role"]) for g in registry.user(username)["roles"]]
    )
    authorize_bodies(current_principal(), Action.USERS, {b for b, _ in covers} or {DEFAULT_BODY})
    token = registry.create_token(username, scopes, label, timedelta(days=days) if days else None)
    return _json({"id": token.id, "username": username, "token": token.secret}, 201)


@api.delete("/tokens/<int(max=2147483647):token_id>")
def revoke_token(token_id: int) -> Response:
    registry = _registry()
    bodies = registry.token_bodies(token_id)
    if bodies is not None:
        authorize_bodies(current_principal(), Action.USERS, bodies or {DEFAULT_BODY})
    return _json(registry.revoke_token(token_id))


# --- sign-in and audit pages ---------------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    """Only a path on this site: no scheme, no host, no control character, no backslash (which
    browsers read as a slash), so sign-in never sends anyone elsewhere."""
    fallback = url_for("registry_pages.act_list")
    if not target or not target.startswith("/") or "\\" in target:
        return fallback
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return fallback
    return target


@pages.get("/login")
def login_page() -> Response:
    csrf_token()
    return page("login.html", next=_safe_next(request.args.get("next")), error=None)


@pages.post("/login")
def login() -> BaseResponse:
    target = _safe_next(request.form.get("next"))
    try:
        _start_session(*_login_credentials(request.form))
    except (Unauthenticated, Invalid) as exc:
        return _login_again(target, exc.message, 401 if isinstance(exc, Unauthenticated) else 422)
    return redirect(target)


def _login_again(target: str, message: str, status: int) -> Response:
    return page("login.html", status, next=target, error=message)


@pages.post("/logout")
def logout() -> BaseResponse:
    _end_session()
    return redirect(url_for("registry_pages.act_list"))


@pages.get("/audit")
def audit_page() -> Response:
    registry = _registry()
    filters = _audit_filters()
    return page(
        "audit.html",
        items=registry.audit_entries(**filters),
        verdict=registry.audit_verify(),
        args=request.args,
        limit=filters["limit"],
    )
