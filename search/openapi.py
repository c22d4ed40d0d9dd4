"""The search part of the OpenAPI document."""

from __future__ import annotations

from typing import Any


def _param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "description": description, "schema": schema}


def openapi_paths() -> dict[str, Any]:
    text = {"type": "string"}
    return {
        "/api/v1/search": {
            "get": {
                "summary": "Full-text search of provisions, notes, acts and decisions",
                "parameters": [
                    {**_param("q", "the words to look for", text), "required": True},
                    _param("lang", "kk (default) or ru", {"type": "string", "enum": ["kk", "ru"]}),
                    _param(
                        "at",
                        "as at this date (default: in force now)",
                        {"type": "string", "format": "date"},
                    ),
                    _param(
                        "type", "provision, note, act, decision, document (comma-separated)", text
                    ),
                    _param("status", "in_force, repealed, draft, pending", text),
                    _param("issuer", "exact issuer", text),
                    _param("from", "from this year", {"type": "integer"}),
                    _param("to", "to this year", {"type": "integer"}),
                    _param("page", "page number from 1", {"type": "integer", "minimum": 1}),
                    _param("size", "hits per page (1-100)", {"type": "integer", "maximum": 100}),
                ],
                "responses": {
                    "200": {
                        "description": "Hits, total and facets",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["hits", "total", "facets"],
                                }
                            }
                        },
                    },
                    "422": {"$ref": "#/components/responses/Error"},
                    "503": {"$ref": "#/components/responses/Error"},
                },
            }
        }
    }
