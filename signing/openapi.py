"""The signatures part of the OpenAPI document."""

from __future__ import annotations

from typing import Any

ERROR = {"$ref": "#/components/responses/Error"}
JSON_OBJECT = {"application/json": {"schema": {"type": "object"}}}
BINARY = {"type": "string", "format": "binary"}


def openapi_paths() -> dict[str, Any]:
    document = {
        "name": "document_id",
        "in": "path",
        "required": True,
        "description": "document id",
        "schema": {"type": "string"},
    }
    return {
        "/api/v1/documents/{document_id}/sign": {
            "post": {
                "summary": "Sign a finalised document (signers of its issuing body): the "
                "manifest XML (XAdES-BES) and each final PDF (PAdES-B with a stamp)",
                "parameters": [document],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["key", "password", "position"],
                                "properties": {
                                    "key": BINARY,
                                    "password": {"type": "string"},
                                    "position": {"type": "string", "maxLength": 200},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": {"description": "the signed document", "content": JSON_OBJECT},
                    "401": ERROR,
                    "403": ERROR,
                    "404": ERROR,
                    "409": ERROR,
                    "422": ERROR,
                },
            }
        },
        "/api/v1/verify": {
            "post": {
                "summary": "The verification report of a signed PDF or XML: indication, "
                "sub-indication (ETSI EN 319 102-1), signer, time, what is covered, and the "
                "registry's record when the file was issued here",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/octet-stream": {"schema": BINARY},
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file"],
                                "properties": {"file": BINARY},
                            }
                        },
                    },
                },
                "responses": {
                    "200": {"description": "the report", "content": JSON_OBJECT},
                    "422": ERROR,
                },
            }
        },
    }
