"""HTTP edge of the registry: the JSON API under /api/v1 and the HTML pages."""

from __future__ import annotations

import json
from datetime import date
from io import BytesIO
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.wrappers.response import Response as BaseResponse

from registry.config import RegistryConfig
from registry.errors import Invalid, NotFound
from registry.formats import act_akn, act_json
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
    if rest == "":
        return _json(act_json(registry.act_at(uri, _lang_arg(), _date_arg("at", date.today()))))
    if rest == "versions":
        return _json(registry.versions(uri) | {"work": registry.work_info(uri)})
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


def _page(template: str, **context: Any) -> Response:
    from registry.html import labels

    ui = _ui()
    response = Response(render_template(template, ui=ui, t=labels(ui), **context))
    if request.args.get("ui") in UI_LANGS:
        response.set_cookie("ui", ui, samesite="Lax", max_age=365 * 86400)
    return response


@pages.get("/")
def home() -> BaseResponse:
    return redirect(url_for("registry_pages.act_list"))


@pages.get("/acts")
def act_list() -> Response:
    return _page(
        "acts.html",
        items=_registry().list_works(q=request.args.get("q") or None),
        q=request.args.get("q", ""),
    )


@pages.get("/acts/<path:tail>")
def act_page(tail: str) -> Response:
    from registry.html import act_fragment

    uri, rest = _split(tail)
    registry = _registry()
    lang = _lang_arg()
    work = registry.work_info(uri)
    versions = registry.versions(uri)
    if rest == "":
        at = _date_arg("at", date.today())
        view = registry.act_at(uri, lang, at)
        return _page(
            "act.html",
            work=work,
            versions=versions,
            view=view,
            lang=lang,
            body=act_fragment(view, ui=_ui()),
        )
    if rest == "diff":
        old, new = _date_arg("from"), _date_arg("to")
        return _page(
            "diff.html",
            work=work,
            versions=versions,
            lang=lang,
            diff=registry.diff(uri, lang, old, new),
        )
    if rest.startswith("provisions/") and rest.endswith("/history"):
        eid = rest.removeprefix("provisions/").removesuffix("/history")
        return _page(
            "history.html",
            work=work,
            versions=versions,
            lang=lang,
            eid=eid,
            history=registry.provision_history(uri, lang, eid),
        )
    raise NotFound(f"no such page: {rest}")
