"""Errors of the registry. The HTTP and CLI edges map each class once (app.py)."""

from __future__ import annotations


class RegistryError(Exception):
    """Base class. ``code`` is the stable machine-readable name used in API errors."""

    code = "registry_error"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFound(RegistryError):
    code = "not_found"


class NotHeld(NotFound):
    """The registry does not hold the wording asked for (a language, or a text before a date)."""

    code = "not_held"


class NotInForce(NotFound):
    """The act did not exist yet (or no longer exists) on the date asked for."""

    code = "not_in_force"


class Invalid(RegistryError):
    code = "invalid"


class InvalidUri(Invalid):
    code = "invalid_uri"


class ParseError(Invalid):
    """The official text could not be parsed; ``line`` is 1-based."""

    code = "parse_error"

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}", fields={"line": str(line)})
        self.line = line
        self.reason = reason


class Conflict(RegistryError):
    code = "conflict"


class Unauthenticated(RegistryError):
    """Nobody is signed in (HTTP 401; the API never redirects to a login page)."""

    code = "unauthenticated"


class Forbidden(RegistryError):
    """The signed-in user's roles do not allow the action (HTTP 403)."""

    code = "forbidden"
