"""The documents part of the OpenAPI document."""

from __future__ import annotations

from typing import Any

ERROR = {"$ref": "#/components/responses/Error"}
JSON_OBJECT = {"application/json": {"schema": {"type": "object"}}}


def _ok(description: str, content: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description, "content": content or JSON_OBJECT}


def _path_param(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string"},
    }


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


DATA = {
    "type": "object",
    "description": 'the template\'s fields per language, e.g. {"kk": {…}}',
    "additionalProperties": {"type": "object"},
}


def openapi_paths() -> dict[str, Any]:
    template = _path_param("template_id", "template id, e.g. kandas-certificate")
    document = _path_param("document_id", "document id")
    pdf = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
    return {
        "/api/v1/templates": {
            "get": {
                "summary": "The document templates: id, kind, title, languages, schema",
                "responses": {"200": _ok('{"templates": [...]}')},
            }
        },
        "/api/v1/templates/{template_id}": {
            "get": {
                "summary": "One template with its labels and example data",
                "parameters": [template],
                "responses": {"200": _ok("the template"), "404": ERROR},
            }
        },
        "/api/v1/templates/{template_id}/files/{lang}.docx": {
            "put": {
                "summary": "Replace the template's DOCX in one language (administrators); the "
                "file is checked (size, zip, macros, external links, tags, fields) first",
                "parameters": [
                    template,
                    {
                        "name": "lang",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": ["kk", "ru"]},
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
                            "schema": {"type": "string", "format": "binary"}
                        }
                    },
                },
                "responses": {
                    "201": _ok("{template, lang, sha256, size, version}"),
                    "401": ERROR,
                    "403": ERROR,
                    "404": ERROR,
                    "422": ERROR,
                },
            }
        },
        "/api/v1/templates/{template_id}/validate": {
            "post": {
                "summary": "Check data against the template's schema: {ok, message, fields}",
                "parameters": [template],
                "requestBody": _body({"type": "object", "properties": {"data": DATA}}),
                "responses": {"200": _ok("{ok, message, fields}"), "404": ERROR, "422": ERROR},
            }
        },
        "/api/v1/templates/{template_id}/preview": {
            "post": {
                "summary": "The draft PDF the data would give; nothing is recorded",
                "parameters": [template],
                "requestBody": _body(
                    {
                        "type": "object",
                        "required": ["lang", "data"],
                        "properties": {
                            "lang": {"type": "string", "enum": ["kk", "ru"]},
                            "data": {"type": "object"},
                        },
                    }
                ),
                "responses": {
                    "200": _ok("PDF/A", pdf),
                    "404": ERROR,
                    "422": ERROR,
                    "502": ERROR,
                    "503": ERROR,
                },
            }
        },
        "/api/v1/documents": {
            "get": {
                "summary": "Documents, newest first",
                "parameters": [
                    {"name": "template", "in": "query", "schema": {"type": "string"}},
                    {"name": "status", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {"200": _ok('{"items": [...]}')},
            },
            "post": {
                "summary": "Issue a document from a template (DOCX and PDF/A); final numbers it",
                "requestBody": _body(
                    {
                        "type": "object",
                        "required": ["template", "data"],
                        "properties": {
                            "template": {"type": "string"},
                            "data": DATA,
                            "final": {"type": "boolean"},
                            "cites": {"type": "array", "items": {"type": "string"}},
                            "corrects": {"type": "string"},
                        },
                    }
                ),
                "responses": {
                    "201": _ok("the document record"),
                    "404": ERROR,
                    "409": ERROR,
                    "422": ERROR,
                    "502": ERROR,
                    "503": ERROR,
                },
            },
        },
        "/api/v1/documents/{document_id}": {
            "get": {
                "summary": "A document: status, number, date, files, history",
                "parameters": [document],
                "responses": {"200": _ok("the document record"), "404": ERROR},
            }
        },
        "/api/v1/documents/{document_id}/files/{stage}/{lang}.{fmt}": {
            "get": {
                "summary": "One generated file (stage draft or final; fmt docx or pdf)",
                "parameters": [
                    document,
                    _path_param("stage", "draft or final"),
                    _path_param("lang", "kk or ru"),
                    _path_param("fmt", "docx or pdf"),
                ],
                "responses": {"200": _ok("the file", {"*/*": {}}), "404": ERROR},
            }
        },
        "/api/v1/documents/{document_id}/finalise": {
            "post": {
                "summary": "Give a draft the next registration number of its kind and year",
                "parameters": [document],
                "responses": {"200": _ok("the document"), "404": ERROR, "409": ERROR},
            }
        },
        "/api/v1/documents/{document_id}/void": {
            "post": {
                "summary": "Withdraw a document (its number is never reused)",
                "parameters": [document],
                "requestBody": _body(
                    {
                        "type": "object",
                        "required": ["reason"],
                        "properties": {"reason": {"type": "string"}},
                    }
                ),
                "responses": {"200": _ok("the document"), "404": ERROR, "409": ERROR, "422": ERROR},
            }
        },
        "/api/v1/documents/{document_id}/adopt": {
            "post": {
                "summary": "Record the number and date the akimat gave an unnumbered resolution",
                "parameters": [document],
                "requestBody": _body(
                    {
                        "type": "object",
                        "required": ["number", "date"],
                        "properties": {
                            "number": {"type": "string"},
                            "date": {"type": "string", "format": "date"},
                        },
                    }
                ),
                "responses": {"200": _ok("the document"), "404": ERROR, "409": ERROR, "422": ERROR},
            }
        },
    }
