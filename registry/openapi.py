"""The OpenAPI 3.1 document of the registry's HTTP API (served at /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

_ACT = "/api/v1/acts/{frbr_uri}"
_URI = {
    "name": "frbr_uri",
    "in": "path",
    "required": True,
    "description": "Work URI without its leading slash: akn/kz-kus/act/resolution/2021-11-12/514",
    "schema": {"type": "string"},
}
_LANG = {
    "name": "lang",
    "in": "query",
    "schema": {"type": "string", "enum": ["kk", "ru"], "default": "kk"},
}
_AT = {
    "name": "at",
    "in": "query",
    "description": "Date YYYY-MM-DD (default: today)",
    "schema": {"type": "string", "format": "date"},
}


def _date_param(name: str, required: bool) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": {"type": "string", "format": "date"},
    }


def _ok(
    description: str, schema: dict[str, Any] | None = None, media: str = "application/json"
) -> dict[str, Any]:
    content = {media: {"schema": schema or {"type": "object"}}}
    return {"description": description, "content": content}


_ERRORS = {
    "404": {"$ref": "#/components/responses/Error"},
    "409": {"$ref": "#/components/responses/Error"},
    "422": {"$ref": "#/components/responses/Error"},
}


_REFUSED = {
    "401": {"$ref": "#/components/responses/Error"},
    "403": {"$ref": "#/components/responses/Error"},
}
_GRANTS = {
    "type": "array",
    "maxItems": 50,
    "items": {
        "type": "object",
        "required": ["role"],
        "properties": {
            "body": {"type": "string", "enum": ["department", "akimat"]},
            "role": {
                "type": "string",
                "enum": ["reader", "drafter", "signer", "registrar", "administrator"],
            },
        },
    },
}


def _json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def accounts_paths() -> dict[str, Any]:
    """Sign-in, users, tokens and the audit trail."""
    username = {"name": "username", "in": "path", "required": True, "schema": {"type": "string"}}
    credentials: dict[str, Any] = {
        "type": "object",
        "required": ["username", "password"],
        "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
    }
    text = {"type": "string"}
    return {
        "/api/v1/session": {
            "get": {
                "summary": "Who is signed in (and the CSRF token of a browser session)",
                "responses": {"200": _ok("The principal")},
            },
            "post": {
                "summary": "Sign in with a username and password (sets the session cookie)",
                "requestBody": _json_body(credentials),
                "responses": {
                    "200": _ok("Signed in"),
                    "401": {"$ref": "#/components/responses/Error"},
                    "422": {"$ref": "#/components/responses/Error"},
                },
            },
            "delete": {
                "summary": "Sign out",
                "responses": {"204": {"description": "Signed out"}, **_REFUSED},
            },
        },
        "/api/v1/audit": {
            "get": {
                "summary": "Audit entries, newest first (administrators)",
                "parameters": [
                    {"name": "action", "in": "query", "schema": text},
                    {"name": "actor", "in": "query", "schema": text},
                    {"name": "subject", "in": "query", "schema": text},
                    _date_param("since", False),
                    _date_param("until", False),
                    {"name": "before", "in": "query", "schema": {"type": "integer"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": {"200": _ok("Entries"), "422": _ERRORS["422"], **_REFUSED},
            }
        },
        "/api/v1/users": {
            "get": {
                "summary": "Users and their roles (administrators)",
                "responses": {"200": _ok("Users"), **_REFUSED},
            },
            "post": {
                "summary": "Add a user (administrators)",
                "requestBody": _json_body(
                    credentials | {"properties": credentials["properties"] | {"roles": _GRANTS}}
                ),
                "responses": {"201": _ok("The user"), **_ERRORS, **_REFUSED},
            },
        },
        "/api/v1/users/{username}/roles": {
            "put": {
                "summary": "Set a user's roles (administrators; the user's sessions end)",
                "parameters": [username],
                "requestBody": _json_body(
                    {"type": "object", "required": ["roles"], "properties": {"roles": _GRANTS}}
                ),
                "responses": {"200": _ok("The user"), **_ERRORS, **_REFUSED},
            }
        },
        "/api/v1/users/{username}/tokens": {
            "post": {
                "summary": "Create an API token for a user; the token is shown once",
                "parameters": [username],
                "requestBody": _json_body(
                    {
                        "type": "object",
                        "properties": {
                            "label": text,
                            "roles": _GRANTS,
                            "expires_days": {"type": "integer", "minimum": 1, "maximum": 3650},
                        },
                    }
                ),
                "responses": {"201": _ok("The token"), **_ERRORS, **_REFUSED},
            }
        },
        "/api/v1/tokens/{token_id}": {
            "delete": {
                "summary": "Revoke a token",
                "parameters": [
                    {
                        "name": "token_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    }
                ],
                "responses": {"200": _ok("Revoked"), **_ERRORS, **_REFUSED},
            }
        },
    }


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Kense registry of legal acts",
            "version": "1",
            "description": "Acts of the Kostanay region Department of Employment Coordination and "
            "Social Programs, as they stood on any date, in Kazakh and Russian.",
        },
        "paths": {
            "/api/v1/acts": {
                "get": {
                    "summary": "List works",
                    "parameters": [
                        {"name": "number", "in": "query", "schema": {"type": "string"}},
                        _date_param("date", False),
                        {"name": "type", "in": "query", "schema": {"type": "string"}},
                        {"name": "q", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": _ok("Works", {"$ref": "#/components/schemas/WorkList"}),
                        "422": {"$ref": "#/components/responses/Error"},
                    },
                },
                "post": {
                    "summary": "Import an act (official text or Akoma Ntoso)",
                    "parameters": [
                        _LANG,
                        {"name": "work", "in": "query", "schema": {"type": "string"}},
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "text/plain": {"schema": {"type": "string"}},
                            "application/xml": {"schema": {"type": "string"}},
                        },
                    },
                    "responses": {"201": _ok("Imported"), **_ERRORS},
                },
            },
            _ACT: {
                "get": {
                    "summary": "The act as it stood on a date",
                    "parameters": [_URI, _AT, _LANG],
                    "responses": {
                        "200": _ok("Act tree", {"$ref": "#/components/schemas/Node"}),
                        **_ERRORS,
                    },
                }
            },
            f"{_ACT}/versions": {
                "get": {
                    "summary": "Versions timeline",
                    "parameters": [_URI],
                    "responses": {"200": _ok("Versions"), **_ERRORS},
                }
            },
            f"{_ACT}/diff": {
                "get": {
                    "summary": "Differences between two dates",
                    "parameters": [_URI, _date_param("from", True), _date_param("to", True), _LANG],
                    "responses": {"200": _ok("Diff"), **_ERRORS},
                }
            },
            f"{_ACT}/akn": {
                "get": {
                    "summary": "Akoma Ntoso 3.0 XML as at a date",
                    "parameters": [_URI, _AT, _LANG],
                    "responses": {
                        "200": _ok("AKN", {"type": "string"}, "application/akn+xml"),
                        **_ERRORS,
                    },
                }
            },
            f"{_ACT}/provisions/{{eid}}": {
                "get": {
                    "summary": "One provision as at a date",
                    "parameters": [
                        _URI,
                        {
                            "name": "eid",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        _AT,
                        _LANG,
                    ],
                    "responses": {
                        "200": _ok("Provision", {"$ref": "#/components/schemas/Node"}),
                        **_ERRORS,
                    },
                }
            },
            f"{_ACT}/provisions/{{eid}}/history": {
                "get": {
                    "summary": "Every version of one provision",
                    "parameters": [
                        _URI,
                        {
                            "name": "eid",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        _LANG,
                    ],
                    "responses": {"200": _ok("History"), **_ERRORS},
                }
            },
            f"{_ACT}/amendments": {
                "post": {
                    "summary": "Enter an amendment",
                    "parameters": [_URI],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Amendment"}
                            }
                        },
                    },
                    "responses": {"201": _ok("Entered"), **_ERRORS},
                }
            },
            f"{_ACT}/events": {
                "post": {
                    "summary": "Record a lifecycle event (adopted, submitted, registered, …)",
                    "parameters": [_URI],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["event", "date"],
                                    "properties": {
                                        "event": {
                                            "type": "string",
                                            "enum": [
                                                "adopted",
                                                "submitted",
                                                "registered",
                                                "in_force",
                                                "repealed",
                                            ],
                                        },
                                        "date": {"type": "string", "format": "date"},
                                        "detail": {"type": "object"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {"201": _ok("Recorded"), **_ERRORS},
                }
            },
            "/api/v1/decisions": {
                "post": {
                    "summary": "Upload a decision (PDF or DOCX) with its citation and title",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {"$ref": "#/components/schemas/DecisionUpload"}
                            }
                        },
                    },
                    "responses": {
                        "201": _ok("Uploaded", {"$ref": "#/components/schemas/DecisionFile"}),
                        **_ERRORS,
                    },
                }
            },
            f"{_ACT}/files": {
                "get": {
                    "summary": "Files attached to an act (uploaded decisions)",
                    "parameters": [_URI],
                    "responses": {"200": _ok("Files"), **_ERRORS},
                }
            },
            f"{_ACT}/files/{{sha256}}": {
                "get": {
                    "summary": "One attached file, byte for byte",
                    "parameters": [
                        _URI,
                        {
                            "name": "sha256",
                            "in": "path",
                            "required": True,
                            "description": "SHA-256 of the file, 64 lowercase hex digits",
                            "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "The file, with a Content-Disposition file name",
                            "content": {
                                media: {"schema": {"type": "string", "format": "binary"}}
                                for media in (
                                    "application/pdf",
                                    "application/vnd.openxmlformats-officedocument."
                                    "wordprocessingml.document",
                                )
                            },
                        },
                        **_ERRORS,
                    },
                }
            },
            f"{_ACT}/publication": {
                "post": {
                    "summary": "Record the first official publication",
                    "parameters": [_URI],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["date"],
                                    "properties": {"date": {"type": "string", "format": "date"}},
                                }
                            }
                        },
                    },
                    "responses": {"201": _ok("Recorded"), **_ERRORS},
                }
            },
        },
        "security": [{}, {"bearer": []}, {"session": []}],
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token from `kense tokens create USERNAME`",
                },
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "session",
                    "description": "The cookie POST /api/v1/session sets; writes also send "
                    "the X-CSRF-Token header it returns",
                },
            },
            "responses": {
                "Error": _ok("Error", {"$ref": "#/components/schemas/Error"}),
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message", "fields"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                                "fields": {
                                    "type": "object",
                                    "additionalProperties": {"type": "string"},
                                },
                            },
                        }
                    },
                },
                "WorkList": {
                    "type": "object",
                    "properties": {
                        "items": {"type": "array", "items": {"type": "object"}},
                        "total": {"type": "integer"},
                    },
                },
                "Node": {
                    "type": "object",
                    "required": ["type", "eid", "num", "heading", "text", "children"],
                    "properties": {
                        "type": {"type": "string"},
                        "eid": {"type": "string"},
                        "num": {"type": ["string", "null"]},
                        "heading": {"type": ["string", "null"]},
                        "text": {"type": ["string", "null"]},
                        "state": {"type": "string", "enum": ["in_force", "repealed", "not_held"]},
                        "children": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Node"},
                        },
                    },
                },
                "DecisionUpload": {
                    "type": "object",
                    "required": ["file", "issuer", "number", "date", "title"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "PDF with a text layer, or DOCX; at most 10 MB",
                        },
                        "issuer": {"type": "string", "maxLength": 500},
                        "number": {"type": "string", "maxLength": 60},
                        "date": {"type": "string", "format": "date"},
                        "title": {"type": "string", "maxLength": 2000},
                        "type": {
                            "type": "string",
                            "default": "decision",
                            "enum": ["resolution", "decision", "order", "law", "decree"],
                        },
                        "lang": {"type": "string", "enum": ["kk", "ru"], "default": "kk"},
                    },
                },
                "DecisionFile": {
                    "type": "object",
                    "required": ["frbr_uri", "sha256", "media_type", "size"],
                    "properties": {
                        "frbr_uri": {"type": "string"},
                        "sha256": {"type": "string"},
                        "media_type": {"type": "string"},
                        "size": {"type": "integer"},
                        "filename": {"type": "string"},
                        "lang": {"type": "string", "enum": ["kk", "ru"]},
                    },
                },
                "Amendment": {
                    "type": "object",
                    "required": ["amending_act", "effective", "operations"],
                    "properties": {
                        "amending_act": {
                            "type": "object",
                            "required": ["type", "issuer", "number", "date", "title"],
                        },
                        "effective": {"type": "object", "required": ["rule"]},
                        "operations": {"type": "array", "minItems": 1, "items": {"type": "object"}},
                    },
                },
            },
        },
    }
