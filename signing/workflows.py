"""Signing issued documents and verifying signed files: the workflow the CLI and the HTTP API
both call.

Signing: the document must be finalised (or adopted); the key is opened with its password
(neither is kept) and must be usable; its manifest (metadata and the SHA-256 of the final DOCX and
PDF files) gets an enveloped XAdES-BES signature and each final PDF a PAdES signature with a
visible stamp; the registry records the signed files and the document becomes "signed", in one
transaction. Verifying: any signed XML or PDF gives a report; for a file issued here the report
also says whether it matches the registry's record.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from registry import documents as records
from registry.formats import act_akn
from registry.service import Registry
from signing.config import SigningConfig
from signing.errors import UnreadableFile
from signing.keys import check_usable, common_name, describe, load_pkcs12
from signing.manifest import document_manifest
from signing.pdf import Stamp, sign_pdf, verify_pdf
from signing.report import Report
from signing.trust import Trust, load_trust
from signing.xml import sign_enveloped, verify_xml

log = logging.getLogger("kense.signing")

XML = "application/xml"
PDF = "application/pdf"
#: Trust settings (with CRLs read from URLs) are read again after this many seconds.
TRUST_TTL = 600.0
MAX_VERIFY_BYTES = 20 * 1024 * 1024


@dataclass
class Signatures:
    registry: Registry
    config: SigningConfig
    _trust: tuple[float, Trust] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def trust(self) -> Trust:
        """The configured anchors and CRLs, re-read every ``TRUST_TTL`` seconds."""
        with self._lock:
            if self._trust is None or time.monotonic() - self._trust[0] > TRUST_TTL:
                loaded = load_trust(
                    self.config.trust_anchors,
                    self.config.crls,
                    "require" if self.config.revocation == "require" else "if-available",
                )
                self._trust = (time.monotonic(), loaded)
            return self._trust[1]

    def close(self) -> None:
        """Nothing to release (the app closes every extension it made)."""

    def verify_url(self, public_id: str) -> str:
        return f"{self.config.public_url}/verify/{public_id}"

    # --- signing ---

    def sign(
        self, public_id: str, key_file: bytes, password: str, *, position: str, actor: str
    ) -> dict[str, Any]:
        """Sign a finalised document; returns the registry's record of it, now "signed"."""
        document = self.registry.document(public_id)
        self.registry.require_document_event(public_id, "signed")
        key = load_pkcs12(key_file, password)
        check_usable(key)
        manifest = document_manifest(document)
        signed_xml = sign_enveloped(manifest, key)
        languages = document["languages"]
        files = [records.GeneratedFile(languages[0], "xml", XML, signed_xml)]
        stamp = Stamp(common_name(key.certificate), position, self.verify_url(public_id))
        for lang in languages:
            pdf, _ = self.registry.document_file(public_id, "final", lang, "pdf")
            files.append(records.GeneratedFile(lang, "pdf", PDF, sign_pdf(pdf, key, stamp)))
        signed = self.registry.sign_document(public_id, files, describe(key.certificate), actor)
        log.info("document signed", extra={"document": public_id})
        return signed

    def sign_act(
        self, uri: str, lang: str, at: date, key_file: bytes, password: str, *, actor: str
    ) -> bytes:
        """The act as it stood on ``at``, as Akoma Ntoso (its canonical XML record), with an
        enveloped XAdES-BES signature. Nothing is recorded but the audit entry."""
        view = self.registry.act_at(uri, lang, at)
        akn = act_akn(view, self.registry.work_info(uri))
        key = load_pkcs12(key_file, password)
        check_usable(key)
        signed = sign_enveloped(akn, key)
        self.registry.record_act_signature(
            uri, {"lang": lang, "at": at.isoformat(), **describe(key.certificate)}, actor
        )
        return signed

    # --- verification ---

    def verify(self, data: bytes) -> Report:
        """The report on a signed XML or PDF, with the registry's view of it when it is ours."""

        if len(data) > MAX_VERIFY_BYTES:
            raise UnreadableFile("the file is larger than 20 MB", fields={"file": "at most 20 MB"})
        head = data.lstrip()[:5]
        if head.startswith(b"%PDF"):
            report = verify_pdf(data, self.trust())
            report.registry = self._file_record(data, "pdf")
        elif head.startswith(b"<"):
            report = verify_xml(data, self.trust())
            report.registry = self._file_record(data, "xml")
        else:
            raise UnreadableFile(
                "send a signed PDF or a signed XML file", fields={"file": "not PDF or XML"}
            )
        return report

    def record(self, public_id: str) -> dict[str, Any]:
        """What the public verify page shows of a document: no personal data."""
        document = self.registry.document(public_id)
        signed = [e for e in document["history"] if e["kind"] == "signed"]
        return {
            "id": document["id"],
            "title": document["title"],
            "kind": document["kind"],
            "issuer": document["issuer"],
            "number": document["number"],
            "date": document["date"],
            "status": document["status"],
            "signer": signed[-1]["detail"].get("signer", {}).get("name") if signed else None,
            "signed_at": signed[-1]["at"] if signed else None,
            "files": [
                {k: f[k] for k in ("lang", "format", "sha256", "size")}
                for f in document["files"]
                if f["stage"] == "signed"
            ],
        }

    def _file_record(self, data: bytes, fmt: str) -> dict[str, Any]:
        """The registry's view of a received file: known only when these very bytes are a
        signed file it issued (a valid signature by someone else over a copy of a record is
        not the registry's document)."""
        found = self.registry.document_with_file(hashlib.sha256(data).hexdigest())
        if found is None or found["stage"] != "signed" or found["format"] != fmt:
            return {"known": False, "message": "this file is not one the registry issued"}
        return {"known": True, "matches": True, "document": self.record(found["id"])}
