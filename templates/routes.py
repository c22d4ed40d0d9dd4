"""HTTP edge of documents: the template catalogue, issuing, files, and the issuing page."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template, request

from registry.audit import current_actor
from registry.policy import Action, authorize
from registry.routes import current_principal
from registry.service import Registry
from templates.catalog import Catalog
from templates.config import DocumentsConfig
from templates.convert import ColdConverter, Converter, FallbackConverter, UnoPool
from templates.errors import InvalidData
from templates.workflows import DOCX, Documents

EXTENSION = "kense.documents"
api = Blueprint("documents_api", __name__, url_prefix="/api/v1")
pages = Blueprint(
    "documents_pages",
    __name__,
    template_folder="pages",
    static_folder="static",
    static_url_path="/static/documents",
)
_SURROGATE = re.compile("[\ud800-\udfff]")


def init_app(app: Flask, settings: dict[str, Any], registry: Registry) -> None:
    config = DocumentsConfig.from_mapping(settings)
    converter = shared_converter(
        config.converter_pool, config.uno_python, config.soffice, config.converter_timeout
    )
    app.extensions[EXTENSION] = Documents(registry, bundled_catalog(), converter, config)
    app.register_blueprint(api)
    app.register_blueprint(pages)


@cache
def bundled_catalog() -> Catalog:
    """The shipped templates, read and checked once per process (~35 ms), not per app."""
    return Catalog()


@cache
def shared_converter(pool: int, uno_python: str, soffice: str, timeout: float) -> Converter:
    """One converter per process and setting: its LibreOffice workers start on first use and
    serve every app instance of the process (they are stopped at exit)."""
    cold = ColdConverter(soffice=soffice, timeout=timeout)
    if pool < 1:
        return cold
    return FallbackConverter(UnoPool(pool, python=uno_python, timeout=timeout), cold)


def documents_of(app: Flask) -> Documents:
    documents: Documents = app.extensions[EXTENSION]
    return documents


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status, mimetype="application/json")


#: Deeper than any template's data; refused before anything walks it.
MAX_DEPTH = 32


def _body() -> dict[str, Any]:
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        body = None
    if not isinstance(body, dict):
        raise InvalidData(
            "the request body must be a JSON object", fields={"body": "a JSON object"}
        )
    _check_strings(body, "body", 0)
    return body


def _check_strings(value: Any, path: str, depth: int) -> None:
    """No unpaired surrogate (it cannot be stored or sent back as UTF-8), no excessive nesting."""
    if depth > MAX_DEPTH:
        raise InvalidData(
            f"{path}: nested deeper than {MAX_DEPTH} levels", fields={path: "nested too deeply"}
        )
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise InvalidData(
                f"{path}: contains an unpaired surrogate", fields={path: "not valid Unicode"}
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key, path, depth + 1)
            _check_strings(item, f"{path}.{key}", depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_strings(item, f"{path}.{index}", depth + 1)


def _list_of_strings(body: dict[str, Any], name: str) -> list[str]:
    value = body.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidData(f"{name} must be a list of strings", fields={name: "a list of strings"})
    return value


@api.get("/templates")
def templates_api() -> Response:
    return _json({"templates": documents_of(current_app).templates()})


@api.get("/templates/<template_id>")
def template_api(template_id: str) -> Response:
    documents = documents_of(current_app)
    template = documents.template(template_id)
    return _json(
        template.to_summary()
        | {
            "version": template.version,
            "uploads": documents.registry.template_uploads(template_id),
            "labels": template.labels,
            "source": template.source,
            "numbered": template.numbered,
            "layout_checked": template.layout_checked,
            "layout_note": template.layout_note,
            "examples": {lang: template.example(lang) for lang in template.languages},
        }
    )


@api.put("/templates/<template_id>/files/<lang>.docx")
def upload_template_api(template_id: str, lang: str) -> Response:
    """Replace the template's DOCX in ``lang`` (the request body, as the DOCX media type)."""
    if request.mimetype not in (DOCX, "application/octet-stream"):
        raise InvalidData(f"send the file as {DOCX}", fields={"Content-Type": DOCX})
    data = request.get_data()
    if not data:
        raise InvalidData("the request body is empty: send the DOCX file", fields={"file": "empty"})
    stored = documents_of(current_app).upload(template_id, lang, data, actor=current_actor())
    return _json(stored, 201)


@api.post("/templates/<template_id>/validate")
def validate_api(template_id: str) -> Response:
    """Live validation for the issuing form: a report (200) of whether the data fits, naming
    every failing field; the data is the subject here, not a malformed request."""
    documents = documents_of(current_app)
    template = documents.catalog.get(template_id)
    data = _body().get("data")
    try:
        documents.check(template, data)
    except InvalidData as exc:
        return _json({"ok": False, "message": exc.message, "fields": exc.fields})
    return _json({"ok": True, "message": "", "fields": {}})


@api.post("/templates/<template_id>/preview")
def preview_api(template_id: str) -> Response:
    """The PDF the data would give, as a draft; nothing is recorded."""
    body = _body()
    lang = body.get("lang")
    if lang not in ("kk", "ru"):
        raise InvalidData("lang must be kk or ru", fields={"lang": "kk or ru"})
    pdf = documents_of(current_app).preview(template_id, lang, body.get("data"))
    return Response(pdf, mimetype="application/pdf")


@api.get("/documents")
def documents_api() -> Response:
    items = documents_of(current_app).registry.list_documents(
        template=request.args.get("template"), status=request.args.get("status")
    )
    principal = current_principal()
    readable = [i for i in items if principal.can(Action.DOCUMENTS_READ, i["issuer"])]
    return _json({"items": readable})


@api.post("/documents")
def create_document_api() -> Response:
    body = _body()
    template = body.get("template")
    if not isinstance(template, str) or not template:
        raise InvalidData("template is required", fields={"template": "required"})
    final = body.get("final", False)
    if not isinstance(final, bool):
        raise InvalidData("final must be true or false", fields={"final": "a boolean"})
    corrects = body.get("corrects")
    if corrects is not None and not isinstance(corrects, str):
        raise InvalidData("corrects must be a document id", fields={"corrects": "a string"})
    issuer = documents_of(current_app).issuer(template)
    authorize(current_principal(), Action.DOCUMENTS_DRAFT, issuer)
    document = documents_of(current_app).generate(
        template,
        body.get("data"),
        actor=current_actor(),
        cites=_list_of_strings(body, "cites"),
        corrects=corrects,
        final=final,
    )
    return _json(document, 201)


@api.get("/documents/<document_id>")
def document_api(document_id: str) -> Response:
    return _json(documents_of(current_app).registry.document(document_id))


@api.get("/documents/<document_id>/files/<stage>/<lang>.<fmt>")
def document_file_api(document_id: str, stage: str, lang: str, fmt: str) -> Response:
    documents = documents_of(current_app)
    data, media_type = documents.registry.document_file(document_id, stage, lang, fmt)
    response = Response(data, mimetype=media_type)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{document_id}-{stage}.{lang}.{fmt}"'
    )
    return response


@api.post("/documents/<document_id>/finalise")
def finalise_api(document_id: str) -> Response:
    return _json(documents_of(current_app).finalise(document_id, actor=current_actor()))


@api.post("/documents/<document_id>/void")
def void_api(document_id: str) -> Response:
    reason = _body().get("reason")
    if not isinstance(reason, str):
        raise InvalidData("reason is required", fields={"reason": "required"})
    documents = documents_of(current_app)
    return _json(
        documents.registry.void_document(document_id, reason, current_actor(), documents.today())
    )


@api.post("/documents/<document_id>/adopt")
def adopt_api(document_id: str) -> Response:
    from templates.workflows import parse_iso

    body = _body()
    number, day = body.get("number"), body.get("date")
    if not isinstance(number, str) or not isinstance(day, str):
        raise InvalidData(
            "number and date are required",
            fields={k: "required" for k in ("number", "date") if not isinstance(body.get(k), str)},
        )
    document = documents_of(current_app).registry.adopt_document(
        document_id, number, parse_iso(day, "date"), current_actor()
    )
    return _json(document)


@pages.get("/documents/new")
def new_document_page() -> str:
    from registry.html import labels

    ui = request.args.get("ui") or request.cookies.get("ui") or "kk"
    ui = ui if ui in ("kk", "ru") else "kk"
    return render_template(
        "new_document.html",
        ui=ui,
        t=labels(ui),
        templates=documents_of(current_app).templates(),
    )
