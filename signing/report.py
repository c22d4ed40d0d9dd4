"""The verification report: an indication and sub-indication in the vocabulary of ETSI EN 319
102-1, who signed, when (as claimed), and what exactly the signature covers."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Indication(StrEnum):
    TOTAL_PASSED = "TOTAL-PASSED"
    TOTAL_FAILED = "TOTAL-FAILED"
    INDETERMINATE = "INDETERMINATE"


#: The sub-indications Kense reports (ETSI EN 319 102-1, 5.1.3).
FORMAT_FAILURE = "FORMAT_FAILURE"
HASH_FAILURE = "HASH_FAILURE"
SIG_CRYPTO_FAILURE = "SIG_CRYPTO_FAILURE"
REVOKED = "REVOKED"
SIG_CONSTRAINTS_FAILURE = "SIG_CONSTRAINTS_FAILURE"
CRYPTO_CONSTRAINTS_FAILURE_NO_POE = "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"
NOT_YET_VALID = "NOT_YET_VALID"
OUT_OF_BOUNDS_NO_POE = "OUT_OF_BOUNDS_NO_POE"
NO_CERTIFICATE_CHAIN_FOUND = "NO_CERTIFICATE_CHAIN_FOUND"
NO_SIGNING_CERTIFICATE_FOUND = "NO_SIGNING_CERTIFICATE_FOUND"
CERTIFICATE_CHAIN_GENERAL_FAILURE = "CERTIFICATE_CHAIN_GENERAL_FAILURE"
SIGNED_DATA_NOT_FOUND = "SIGNED_DATA_NOT_FOUND"
TRY_LATER = "TRY_LATER"


@dataclass
class Report:
    indication: Indication
    sub_indication: str | None
    #: XAdES-BES, XMLDSig or PAdES-B.
    format: str
    #: The signer's certificate as ``signing.keys.describe`` gives it, if one was found.
    signer: dict[str, str] | None = None
    #: The signing time the signature claims (not proven: there is no time-stamp at level B).
    signing_time: str | None = None
    #: What the signature covers, e.g. {"kind": "document", "id": …, "sha256": …}.
    covered: dict[str, Any] = field(default_factory=dict)
    #: "checked", "not checked: …" or "unavailable: …".
    revocation: str = "not checked"
    messages: list[str] = field(default_factory=list)
    #: For documents issued here: whether the signed record matches the registry's.
    registry: dict[str, Any] | None = None

    @property
    def passed(self) -> bool:
        return self.indication == Indication.TOTAL_PASSED

    def to_dict(self) -> dict[str, Any]:
        return {
            "indication": self.indication.value,
            "sub_indication": self.sub_indication,
            "format": self.format,
            "signer": self.signer,
            "signing_time": self.signing_time,
            "covered": self.covered,
            "revocation": self.revocation,
            "messages": list(self.messages),
            "registry": self.registry,
        }


def failed(fmt: str, sub: str, message: str, **more: Any) -> Report:
    return Report(Indication.TOTAL_FAILED, sub, fmt, messages=[message], **more)


def indeterminate(fmt: str, sub: str, message: str, **more: Any) -> Report:
    return Report(Indication.INDETERMINATE, sub, fmt, messages=[message], **more)
