"""HTTP edge of signing: sign a document (signers), verify any signed file (anyone)."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Flask, Response, current_app, redirect, request
from werkzeug.wrappers.response import Response as BaseResponse

from registry.audit import current_actor
from registry.routes import page, registry_of
from signing.config import SigningConfig
from signing.errors import BadKey, SigningError, UnreadableFile
from signing.keys import MAX_KEY_FILE
from signing.workflows import MAX_VERIFY_BYTES, Signatures

EXTENSION = "kense.signing"
api = Blueprint("signing_api", __name__, url_prefix="/api/v1")
pages = Blueprint("signing_pages", __name__, template_folder="pages")
MAX_POSITION = 200


def init_app(app: Flask, settings: dict[str, Any]) -> None:
    app.extensions[EXTENSION] = Signatures(registry_of(app), SigningConfig.from_mapping(settings))
    app.register_blueprint(api)
    app.register_blueprint(pages)


def signatures_of(app: Flask) -> Signatures:
    signatures: Signatures = app.extensions[EXTENSION]
    return signatures


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status, mimetype="application/json")


def _upload(name: str, limit: int) -> bytes:
    """A file field of a multipart form, or the raw body for other media types."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get(name)
        if upload is None:
            raise UnreadableFile(f"the field {name!r} is required", fields={name: "required"})
        data: bytes = upload.read(limit + 1)
    else:
        data = request.get_data()
    if not data:
        raise UnreadableFile(f"{name} is empty", fields={name: "empty"})
    if len(data) > limit:
        raise UnreadableFile(f"{name} is too large", fields={name: f"at most {limit} bytes"})
    return data


def _sign_form() -> tuple[bytes, str, str]:
    if request.mimetype != "multipart/form-data":
        raise BadKey(
            "send multipart/form-data: the key file in 'key', its 'password' and your 'position'",
            fields={"Content-Type": "multipart/form-data"},
        )
    key = _upload("key", MAX_KEY_FILE)
    password = request.form.get("password")
    position = (request.form.get("position") or "").strip()
    problems = {}
    if password is None or password == "":
        problems["password"] = "required"
    if not position:
        problems["position"] = "required"
    elif len(position) > MAX_POSITION:
        problems["position"] = f"at most {MAX_POSITION} characters"
    if problems:
        raise SigningError(f"{' and '.join(problems)}: {problems}", fields=problems)
    assert password is not None
    return key, password, position


@api.post("/documents/<document_id>/sign")
def sign_api(document_id: str) -> Response:
    """Sign a finalised document with a PKCS#12 key (multipart: key, password, position)."""
    key, password, position = _sign_form()
    signed = signatures_of(current_app).sign(
        document_id, key, password, position=position, actor=current_actor()
    )
    return _json(signed, 201)


@api.post("/verify")
def verify_api() -> Response:
    """The verification report of a signed XML or PDF (raw body or multipart field 'file')."""
    report = signatures_of(current_app).verify(_upload("file", MAX_VERIFY_BYTES))
    return _json(report.to_dict())


# --- pages ---------------------------------------------------------------------------------------


@pages.get("/verify")
def verify_page() -> Response:
    return page("verify.html", record=None, report=None, error=None)


@pages.get("/verify/<document_id>")
def document_verify_page(document_id: str) -> Response:
    record = signatures_of(current_app).record(document_id)
    return page("verify.html", record=record, report=None, error=None)


@pages.post("/verify")
def verify_upload_page() -> Response:
    try:
        report = signatures_of(current_app).verify(_upload("file", MAX_VERIFY_BYTES))
    except SigningError as exc:
        return page("verify.html", 422, record=None, report=None, error=exc.message)
    return page("verify.html", record=None, report=report.to_dict(), error=None)


@pages.get("/documents/<document_id>/sign")
def sign_page(document_id: str) -> Response:
    document = signatures_of(current_app).registry.document(document_id)
    return page("sign.html", document=document, error=None)


@pages.post("/documents/<document_id>/sign")
def sign_form(document_id: str) -> BaseResponse:
    signatures = signatures_of(current_app)
    try:
        key, password, position = _sign_form()
        signatures.sign(document_id, key, password, position=position, actor=current_actor())
    except SigningError as exc:
        document = signatures.registry.document(document_id)
        return page("sign.html", 422, document=document, error=exc.message)
    return redirect(f"/verify/{document_id}")
