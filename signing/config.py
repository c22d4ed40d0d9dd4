"""The signing slice of the configuration (KENSE_TRUST_ANCHORS, KENSE_CRLS, KENSE_REVOCATION,
KENSE_PUBLIC_URL), frozen."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from signing.errors import SigningError

REVOCATION_MODES = ("require", "if-available")


def _list(value: object) -> tuple[str, ...]:
    """A comma-separated list (file paths and URLs hold no commas)."""
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    return tuple(part.strip() for part in str(value).split(",") if part.strip())


@dataclass(frozen=True)
class SigningConfig:
    #: PEM files of the certificates verification trusts (the national CA's roots).
    trust_anchors: tuple[str, ...] = ()
    #: CRL files (PEM or DER) or http(s) URLs.
    crls: tuple[str, ...] = ()
    #: require: a certificate whose revocation cannot be checked is INDETERMINATE;
    #: if-available: CRLs are used when configured or named in the certificate.
    revocation: str = "if-available"
    #: The address the public reaches the service at: QR codes on signed PDFs link here.
    public_url: str = "http://127.0.0.1:5000"

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> SigningConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise SigningError(f"unknown signing setting(s): {', '.join(unknown)}")
        kwargs: dict[str, object] = {k: v for k, v in values.items() if v not in (None, "")}
        for key in ("trust_anchors", "crls"):
            if key in kwargs:
                kwargs[key] = _list(kwargs[key])
        if kwargs.get("revocation", "if-available") not in REVOCATION_MODES:
            raise SigningError(
                f"KENSE_REVOCATION={kwargs['revocation']!r}: use require or if-available"
            )
        if "public_url" in kwargs:
            kwargs["public_url"] = str(kwargs["public_url"]).rstrip("/")
        return cls(**kwargs)  # type: ignore[arg-type]
