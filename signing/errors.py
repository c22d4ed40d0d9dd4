"""Errors of signing. The HTTP and CLI edges map each class once (app.py)."""

from __future__ import annotations


class SigningError(Exception):
    """Base class. ``code`` is the stable machine-readable name used in API errors."""

    code = "signing_error"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class BadKey(SigningError):
    """The key file is not PKCS#12, or its password is wrong (HTTP 422)."""

    code = "bad_key"


class CertificateNotUsable(SigningError):
    """The signer's certificate may not sign now: expired, not yet valid, wrong key usage,
    weak key (HTTP 422)."""

    code = "certificate_not_usable"


class UnreadableFile(SigningError):
    """What was sent for verification is neither a signed XML nor a signed PDF (HTTP 422)."""

    code = "unreadable_file"
