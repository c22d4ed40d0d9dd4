"""Is a signer's certificate trusted? Path to a configured anchor, validity, key usage and
revocation from CRLs, with pyhanko-certvalidator; the same for XML and PDF signatures.

Revocation (``KENSE_REVOCATION``): ``require`` — a certificate without a CRL that covers it
gives INDETERMINATE/TRY_LATER; ``if-available`` — CRLs are used when configured or named in the
certificate, and the report says so when there were none. A CRL source that cannot be read
(an unreachable URL) never lets a signature pass: INDETERMINATE/TRY_LATER.
"""

from __future__ import annotations

import logging
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    DisallowedAlgorithmError,
    ExpiredError,
    InsufficientRevinfoError,
    InvalidCertificateError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
    ValidationError,
)

from signing import aio, report
from signing.keys import may_sign
from signing.report import Indication

log = logging.getLogger("kense.signing")
Revocation = Literal["require", "if-available"]
FETCH_TIMEOUT = 5.0
VERDICT_TTL = 60.0
#: CRL URLs tried per certificate (a certificate may name several distribution points).
MAX_NAMED_URLS = 3
MAX_VERDICTS = 256
MAX_CRL_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Trust:
    anchors: tuple[x509.Certificate, ...] = ()
    #: CRLs, DER-encoded, from files and URLs read when the settings were loaded.
    crls: tuple[bytes, ...] = ()
    revocation: Revocation = "if-available"
    #: Sources that could not be read, with the reason: signatures cannot pass while any is.
    unavailable: tuple[str, ...] = ()
    #: Read the CRLs a certificate names (its CRL distribution points, http only).
    fetch_named: bool = True
    #: Verdicts of recent checks: (signer, chain) → (when, verdict). They hold for
    #: ``VERDICT_TTL`` seconds and never outlive these settings (and so their CRLs).
    verdicts: dict[tuple[bytes, ...], tuple[float, ChainVerdict]] = field(
        default_factory=dict, compare=False, repr=False
    )


@dataclass
class ChainVerdict:
    indication: Indication
    sub_indication: str | None
    revocation: str
    messages: list[str] = field(default_factory=list)


def load_trust(
    anchor_files: Sequence[str],
    crl_sources: Sequence[str],
    revocation: Revocation = "if-available",
    *,
    fetch_named: bool = True,
) -> Trust:
    """Trust settings from PEM anchor files and CRL files or URLs. A missing anchor file is a
    configuration error (raised); an unreadable CRL is recorded, so verification says so."""
    anchors: list[x509.Certificate] = []
    for name in anchor_files:
        anchors.extend(x509.load_pem_x509_certificates(Path(name).read_bytes()))
    crls: list[bytes] = []
    unavailable: list[str] = []
    for source in crl_sources:
        try:
            crls.append(_crl_der(_read_source(source)))
        except (OSError, ValueError) as exc:
            unavailable.append(f"{source}: {exc}")
    return Trust(tuple(anchors), tuple(crls), revocation, tuple(unavailable), fetch_named)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a CRL is read where it is named, nowhere else


_OPENER = urllib.request.build_opener(_NoRedirect)


def _read_source(source: str) -> bytes:
    """A CRL from a file or an http(s) URL: no redirects, at most ``MAX_CRL_BYTES``, and the
    whole download within ``FETCH_TIMEOUT`` seconds (not per read: a slow server cannot hold
    a verification)."""
    if source.startswith(("http://", "https://")):
        deadline = time.monotonic() + FETCH_TIMEOUT
        chunks: list[bytes] = []
        size = 0
        with _OPENER.open(source, timeout=FETCH_TIMEOUT) as response:
            while size <= MAX_CRL_BYTES:
                if time.monotonic() > deadline:
                    raise OSError(f"not read within {FETCH_TIMEOUT:g} s")
                chunk: bytes = response.read1(64 * 1024)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        data = b"".join(chunks)
    else:
        data = Path(source).read_bytes()
    if len(data) > MAX_CRL_BYTES:
        raise ValueError("the CRL is larger than 20 MB")
    return data


def _crl_der(data: bytes) -> bytes:
    crl = (
        x509.load_pem_x509_crl(data)
        if data.lstrip().startswith(b"-----")
        else x509.load_der_x509_crl(data)
    )
    return crl.public_bytes(Encoding.DER)


def named_crls(cert: x509.Certificate) -> list[str]:
    """The http(s) URLs of the CRLs a certificate names."""
    try:
        points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    except x509.ExtensionNotFound:
        return []
    urls = []
    for point in points:
        for name in point.full_name or []:
            if isinstance(name, x509.UniformResourceIdentifier) and name.value.startswith(
                ("http://", "https://")
            ):
                urls.append(name.value)
    return urls


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


def check_chain(
    signer: x509.Certificate,
    others: Sequence[x509.Certificate],
    trust: Trust,
    *,
    at: datetime | None = None,
) -> ChainVerdict:
    """Validate the signer's certificate at ``at`` (now: a signature at level B has no proof of
    its time, so a certificate expired since is INDETERMINATE/OUT_OF_BOUNDS_NO_POE).

    The same certificates checked again within ``VERDICT_TTL`` seconds get the same verdict
    without a new path validation (the director's certificate is checked over and over)."""
    try:
        for cert in (signer, *others):
            _ = cert.extensions  # parsed lazily: a malformed one raises here, not deep inside
    except (ValueError, x509.DuplicateExtension, x509.UnsupportedGeneralNameType) as exc:
        return ChainVerdict(
            Indication.TOTAL_FAILED,
            report.FORMAT_FAILURE,
            "not checked",
            [f"a certificate of the signature cannot be read: {exc}"],
        )
    if at is not None:
        return _check_chain(signer, others, trust, at)
    key = tuple(c.fingerprint(hashes.SHA256()) for c in (signer, *others))
    now = time.monotonic()
    cached = trust.verdicts.get(key)
    if cached is not None and now - cached[0] < VERDICT_TTL:
        return replace(cached[1], messages=list(cached[1].messages))
    verdict = _check_chain(signer, others, trust, datetime.now(UTC))
    if len(trust.verdicts) >= MAX_VERDICTS:
        trust.verdicts.clear()
    trust.verdicts[key] = (now, verdict)
    return replace(verdict, messages=list(verdict.messages))


def _check_chain(
    signer: x509.Certificate,
    others: Sequence[x509.Certificate],
    trust: Trust,
    moment: datetime,
) -> ChainVerdict:
    if not trust.anchors:
        return ChainVerdict(
            Indication.INDETERMINATE,
            report.NO_CERTIFICATE_CHAIN_FOUND,
            "not checked",
            ["no trust anchors are configured (KENSE_TRUST_ANCHORS)"],
        )
    if not may_sign(signer):
        return ChainVerdict(
            Indication.TOTAL_FAILED,
            report.SIG_CONSTRAINTS_FAILURE,
            "not checked",
            ["the signer's certificate is not for signatures (key usage)"],
        )
    crls = list(trust.crls)
    unavailable = list(trust.unavailable)
    covered = {x509.load_der_x509_crl(der).issuer for der in crls}
    path: Sequence[x509.Certificate] = (signer, *others)
    if trust.fetch_named and any(_uncovered(c, covered) and named_crls(c) for c in path):
        # The path first, without revocation: nothing is fetched for a certificate that does
        # not chain to an anchor, or is not on the path (a signature may carry any certificate,
        # naming any URL: no requests to internal hosts on behalf of an untrusted signature).
        found = _validate(signer, others, trust, moment, [], "soft-fail", "not checked")
        if isinstance(found, ChainVerdict):
            return found
        path = found
        for cert in path:
            if not _uncovered(cert, covered):
                continue
            for url in named_crls(cert)[:MAX_NAMED_URLS]:
                try:
                    der = _crl_der(_read_source(url))
                    crls.append(der)
                    covered.add(x509.load_der_x509_crl(der).issuer)
                    break
                except (OSError, ValueError) as exc:
                    log.info("a CRL could not be read", extra={"url": url, "error": str(exc)})
                    unavailable.append(f"{url} could not be read")
    if unavailable:
        return ChainVerdict(
            Indication.INDETERMINATE,
            report.TRY_LATER,
            "unavailable: " + "; ".join(unavailable),
            ["a revocation source could not be read; try again later"],
        )
    advertised = any(named_crls(c) for c in path)
    revocation = (
        "checked against CRLs"
        if crls or advertised
        else "not checked: no CRL is configured or named in the certificate"
    )
    # require: every certificate but the anchor needs a CRL; hard-fail: a certificate that
    # names a CRL needs it (we never fetch inside the validator: sources are read above).
    mode = "require" if trust.revocation == "require" else "hard-fail"
    failed = _validate(signer, others, trust, moment, crls, mode, revocation)
    if isinstance(failed, ChainVerdict):
        return failed
    return ChainVerdict(Indication.TOTAL_PASSED, None, revocation)


def _uncovered(cert: x509.Certificate, covered: set[x509.Name]) -> bool:
    """No CRL at hand from the certificate's issuer (a self-signed anchor needs none)."""
    return cert.issuer not in covered and cert.issuer != cert.subject


def _validate(
    signer: x509.Certificate,
    others: Sequence[x509.Certificate],
    trust: Trust,
    moment: datetime,
    crls: list[bytes],
    mode: str,
    revocation: str,
) -> ChainVerdict | list[x509.Certificate]:
    """One path validation with pyhanko-certvalidator: the path's certificates (signer first,
    the anchor left out) when it passes, else the verdict in the report's vocabulary."""
    context = ValidationContext(
        trust_roots=[_asn1(c) for c in trust.anchors],
        other_certs=[_asn1(c) for c in others],
        crls=crls,
        moment=moment,
        allow_fetching=False,
        revocation_mode=mode,
    )
    validator = CertificateValidator(
        _asn1(signer), [_asn1(c) for c in others], validation_context=context
    )
    try:
        path = aio.run(validator.async_validate_usage(set()))  # type: ignore[no-untyped-call]
    except RevokedError as exc:
        return ChainVerdict(Indication.TOTAL_FAILED, report.REVOKED, revocation, [str(exc)])
    except ExpiredError as exc:
        return ChainVerdict(
            Indication.INDETERMINATE, report.OUT_OF_BOUNDS_NO_POE, revocation, [str(exc)]
        )
    except NotYetValidError as exc:
        return ChainVerdict(Indication.TOTAL_FAILED, report.NOT_YET_VALID, revocation, [str(exc)])
    except PathBuildingError as exc:
        return ChainVerdict(
            Indication.INDETERMINATE, report.NO_CERTIFICATE_CHAIN_FOUND, revocation, [str(exc)]
        )
    except InsufficientRevinfoError as exc:
        return ChainVerdict(
            Indication.INDETERMINATE, report.TRY_LATER, "required but not available", [str(exc)]
        )
    except DisallowedAlgorithmError as exc:
        return ChainVerdict(
            Indication.INDETERMINATE,
            report.CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
            revocation,
            [str(exc)],
        )
    except InvalidCertificateError as exc:
        return ChainVerdict(
            Indication.TOTAL_FAILED, report.SIG_CONSTRAINTS_FAILURE, revocation, [str(exc)]
        )
    except (PathValidationError, ValidationError) as exc:
        return ChainVerdict(
            Indication.INDETERMINATE,
            report.CERTIFICATE_CHAIN_GENERAL_FAILURE,
            revocation,
            [str(exc)],
        )
    found = [x509.load_der_x509_certificate(c.dump()) for c in path.iter_certs(False)]
    return found[::-1]  # the signer first
