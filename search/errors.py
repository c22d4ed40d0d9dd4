"""Errors of search. The HTTP and CLI edges map each class once."""

from __future__ import annotations


class SearchError(Exception):
    code = "search_error"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidQuery(SearchError):
    code = "invalid"


class SearchUnavailable(SearchError):
    """The backend cannot be reached; registry writes still succeed (the outbox keeps them)."""

    code = "search_unavailable"
