"""XML signatures: enveloped (the whole document, ``Reference URI=""``) and detached (external
bytes named by a URI), both XAdES-BES, made and checked with signxml.

Choices, so that Debian's ``xmlsec1`` and other XMLDSig tools agree with us:

- Canonicalization: exclusive XML c14n 1.0 without comments, for SignedInfo and declared as a
  ``ds:Transform`` on every same-document reference (the XAdES ones included: without a
  transform XMLDSig prescribes inclusive c14n 1.0, which signxml does not use, and inclusive
  c14n would drag the document's namespaces into the XAdES digests).
- KeyInfo/X509Data: the signer's certificate first, then the intermediates of the key file;
  self-signed roots are left out, a verifier has to hold them as trust anchors anyway. When
  verifying, the order is not trusted (``xmlsec1`` lists CA certificates first): the signer is
  the certificate whose key verifies SignatureValue.
- Algorithms (the validation policy, ETSI EN 319 102-1 5.2.8): signatures RSA-SHA256 and
  ECDSA-SHA256, digests SHA-256/384/512. Any other public-key algorithm that signxml knows (SHA-1,
  SHA-224, SHA-3, PSS, DSA…) fails the cryptographic constraints and, at level B, there is no
  proof of existence from before the algorithm was deemed unreliable, so INDETERMINATE /
  CRYPTO_CONSTRAINTS_FAILURE_NO_POE. An HMAC identifies no signer: TOTAL-FAILED /
  SIG_CRYPTO_FAILURE. An algorithm URI nobody knows: TOTAL-FAILED / FORMAT_FAILURE.
- References are pinned: one data reference (``URI=""`` with the enveloped-signature transform,
  or the detached URI without transforms), plus at most the XAdES SignedProperties and KeyInfo
  references of this very signature (signxml's XAdES signs KeyInfo too). Anything else is a
  FORMAT_FAILURE: what a report says is covered is exactly what was signed.
"""

from __future__ import annotations

import binascii
import hashlib
from base64 import b64decode, b64encode
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from lxml import etree
from signxml.algorithms import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConstructionMethod,
    SignatureMethod,
)
from signxml.exceptions import InvalidDigest, InvalidSignature, SignXMLException
from signxml.util import SigningSettings
from signxml.verifier import SignatureConfiguration, VerifyResult, XMLVerifier
from signxml.xades.xades import (
    XAdESDataObjectFormat,
    XAdESSignatureConfiguration,
    XAdESSigner,
    XAdESVerifier,
    XAdESVerifyResult,
)

from signing import report
from signing.errors import UnreadableFile
from signing.keys import SigningKey, check_usable, describe
from signing.report import Report
from signing.trust import Trust, check_chain

MAX_XML_BYTES = 20 * 1024 * 1024
MAX_CERTIFICATES = 10

DS = "{http://www.w3.org/2000/09/xmldsig#}"
XADES = "{http://uri.etsi.org/01903/v1.3.2#}"
SIGNED_PROPERTIES_TYPE = "http://uri.etsi.org/01903#SignedProperties"
C14N = CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0
ENVELOPED = SignatureConstructionMethod.enveloped.value
#: Same-document references may declare one of these (comments are never signed).
C14N_TRANSFORMS = frozenset(
    {
        C14N.value,
        CanonicalizationMethod.CANONICAL_XML_1_0.value,
        CanonicalizationMethod.CANONICAL_XML_1_1.value,
    }
)
SIGNATURE_METHODS = {
    "rsa-sha256": SignatureMethod.RSA_SHA256,
    "ecdsa-sha256": SignatureMethod.ECDSA_SHA256,
}
KEY_TYPES: dict[SignatureMethod, type[Any]] = {
    SignatureMethod.RSA_SHA256: rsa.RSAPublicKey,
    SignatureMethod.ECDSA_SHA256: ec.EllipticCurvePublicKey,
}
DIGESTS = {
    DigestAlgorithm.SHA256: hashlib.sha256,
    DigestAlgorithm.SHA384: hashlib.sha384,
    DigestAlgorithm.SHA512: hashlib.sha512,
}
XADES_BES = "XAdES-BES"
XMLDSIG = "XMLDSig"


# --- signing ---


def sign_enveloped(xml: bytes, key: SigningKey, *, signing_time: datetime | None = None) -> bytes:
    """Sign the whole document; the signature becomes the last child of the document element.
    Top-level comments and processing instructions are dropped (they would be signed by
    ``xmlsec1`` but not by signxml)."""
    check_usable(key)
    return _sign_enveloped(xml, key, signing_time)


def sign_detached(
    data: bytes, key: SigningKey, *, uri: str, signing_time: datetime | None = None
) -> bytes:
    """A standalone ``ds:Signature`` over ``data`` as it is, byte for byte, named ``uri``."""
    check_usable(key)
    return _sign_detached(data, key, uri, signing_time)


def _sign_enveloped(xml: bytes, key: SigningKey, signing_time: datetime | None) -> bytes:
    try:
        root = _parse(xml)
    except _Hostile as exc:
        raise UnreadableFile(f"the XML cannot be signed: {exc}", fields={"xml": str(exc)}) from exc
    if root.tag == DS + "Signature" or next(root.iter(DS + "Signature"), None) is not None:
        raise UnreadableFile(
            "the XML already holds a signature; Kense signs unsigned documents only",
            fields={"xml": "already signed"},
        )
    digest = hashlib.sha256(_c14n(root)).digest()
    reference = _Reference("", (ENVELOPED, C14N.value), digest)
    signed = _sign(SignatureConstructionMethod.enveloped, root, key, reference, signing_time)
    return bytes(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))


def _sign_detached(data: bytes, key: SigningKey, uri: str, signing_time: datetime | None) -> bytes:
    if not uri or uri.startswith("#"):
        raise ValueError("a detached signature needs the URI of an external file")
    reference = _Reference(uri, (), hashlib.sha256(data).digest())
    # signxml's detached mode wants an XML element to sign; with no references it signs
    # nothing of it, and _Signer adds the reference to the external data.
    placeholder = etree.Element("detached")
    signed = _sign(SignatureConstructionMethod.detached, placeholder, key, reference, signing_time)
    return bytes(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))


@dataclass(frozen=True)
class _Reference:
    uri: str
    transforms: tuple[str, ...]
    digest: bytes


def _sign(
    method: SignatureConstructionMethod,
    data: etree._Element,
    key: SigningKey,
    reference: _Reference,
    signing_time: datetime | None,
) -> etree._Element:
    when = signing_time or datetime.now(UTC)
    if when.tzinfo is None:
        raise ValueError("signing_time must be timezone-aware")
    signer = _Signer(method, key, reference, when.astimezone(UTC))
    certs = [key.certificate, *(c for c in key.chain if c.subject != c.issuer)]
    return signer.sign(
        data, key=key.private_key, cert=certs, reference_uri=[], always_add_key_value=False
    )


class _Signer(XAdESSigner):
    """signxml's XAdES signer with our data reference, a given signing time and the c14n
    transform declared on the XAdES references."""

    def __init__(
        self,
        method: SignatureConstructionMethod,
        key: SigningKey,
        reference: _Reference,
        when: datetime,
    ) -> None:
        mime = (
            "text/xml"
            if method == SignatureConstructionMethod.enveloped
            else "application/octet-stream"
        )
        super().__init__(
            data_object_format=XAdESDataObjectFormat(Description="signed data", MimeType=mime),
            method=method,
            signature_algorithm=SIGNATURE_METHODS[key.algorithm],
            digest_algorithm=DigestAlgorithm.SHA256,
            c14n_algorithm=C14N,
        )
        self._reference = reference
        self._when = when
        # After KeyInfo and before the XAdES object, whose DataObjectFormat points at the first
        # reference; the transforms last, once XAdES has added its references.
        self.signature_annotators.insert(1, self._add_data_reference)
        self.signature_annotators.append(self._declare_c14n)

    def _add_data_reference(
        self, sig_root: etree._Element, signing_settings: SigningSettings
    ) -> None:
        signed_info = sig_root.find(DS + "SignedInfo")
        assert signed_info is not None
        node = etree.SubElement(signed_info, DS + "Reference", URI=self._reference.uri)
        if self._reference.transforms:
            transforms = etree.SubElement(node, DS + "Transforms")
            for algorithm in self._reference.transforms:
                etree.SubElement(transforms, DS + "Transform", Algorithm=algorithm)
        etree.SubElement(node, DS + "DigestMethod", Algorithm=DigestAlgorithm.SHA256.value)
        etree.SubElement(node, DS + "DigestValue").text = b64encode(self._reference.digest).decode()

    def _declare_c14n(self, sig_root: etree._Element, signing_settings: SigningSettings) -> None:
        for node in sig_root.iterfind(f"{DS}SignedInfo/{DS}Reference"):
            if node.get("URI", "").startswith("#") and node.find(DS + "Transforms") is None:
                transforms = etree.SubElement(node, DS + "Transforms")
                etree.SubElement(transforms, DS + "Transform", Algorithm=C14N.value)
                node.insert(0, transforms)

    def add_signing_time(
        self,
        signed_signature_properties: etree._Element,
        sig_root: etree._Element,
        signing_settings: SigningSettings,
    ) -> None:
        node = etree.SubElement(signed_signature_properties, XADES + "SigningTime")
        node.text = self._when.isoformat(timespec="seconds")


# --- verification ---


class _Hostile(Exception):
    """Input that is refused before any signature processing."""


class _Stop(Exception):
    """Verification ends with this report."""

    def __init__(self, result: Report) -> None:
        super().__init__(result.messages)
        self.report = result


def _failed(sub: str, message: str, **more: Any) -> _Stop:
    return _Stop(report.failed(XMLDSIG, sub, message, **more))


def _indeterminate(sub: str, message: str, **more: Any) -> _Stop:
    return _Stop(report.indeterminate(XMLDSIG, sub, message, **more))


def verify_xml(
    signed: bytes,
    trust: Trust,
    *,
    detached: bytes | None = None,
    expected_uri: str | None = None,
) -> Report:
    """Verify the one ``ds:Signature`` of ``signed``: enveloped when ``detached`` is None, else
    a detached signature over ``detached`` (named ``expected_uri``, or whatever single external
    URI the signature names when that is None). Never raises on hostile input."""
    try:
        return _verify(signed, trust, detached, expected_uri)
    except _Stop as stop:
        return stop.report


@dataclass
class _Structure:
    signature: etree._Element
    method: SignatureMethod
    data_index: int
    data_uri: str
    signed_properties: bool
    certificates: list[x509.Certificate]


def _verify(
    signed: bytes, trust: Trust, detached: bytes | None, expected_uri: str | None
) -> Report:
    try:
        root = _parse(signed)
    except _Hostile as exc:
        raise _failed(report.FORMAT_FAILURE, str(exc)) from exc
    found = _structure(root, detached is not None, expected_uri)
    external = None if detached is None else (found.data_uri, detached)
    signer, results = _core(signed, found, external)
    notes: list[str] = []
    fmt, signing_time = XMLDSIG, None
    if found.signed_properties:
        signing_time, notes = _xades(signed, found, external, signer)
        fmt = XADES_BES
    data = results[found.data_index]
    if detached is None:
        covered: dict[str, Any] = {
            "kind": "enveloped",
            "root": root.tag,
            "sha256": hashlib.sha256(data.signed_data).hexdigest(),
            "xml": data.signed_data.decode("utf-8"),
        }
    else:
        covered = {
            "kind": "detached",
            "uri": found.data_uri,
            "sha256": hashlib.sha256(detached).hexdigest(),
            "size": len(detached),
        }
    others = [c for c in found.certificates if c != signer]
    verdict = check_chain(signer, others, trust)
    return Report(
        verdict.indication,
        verdict.sub_indication,
        fmt,
        signer=describe(signer),
        signing_time=signing_time,
        covered=covered,
        revocation=verdict.revocation,
        messages=[*notes, *verdict.messages],
    )


def _parser() -> etree.XMLParser:
    # A fresh parser per document: lxml parsers are not to be shared between threads.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _parse(data: bytes) -> etree._Element:
    """Parse with no DTD, entity or network, within the size limit; raise _Hostile."""
    if len(data) > MAX_XML_BYTES:
        raise _Hostile("the XML is larger than 20 MB")
    try:
        root = etree.fromstring(data, _parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise _Hostile(f"the file is not well-formed XML ({exc})") from exc
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.externalDTD is not None or info.system_url:
        raise _Hostile("the XML has a DOCTYPE; DTDs and entities are not accepted")
    if next(root.iter(etree.Entity), None) is not None:
        raise _Hostile("the XML uses entities; they are not accepted")
    return root


def _c14n(node: etree._Element) -> bytes:
    return bytes(etree.tostring(node, method="c14n", exclusive=True, with_comments=False))


def _structure(root: etree._Element, detached: bool, expected_uri: str | None) -> _Structure:
    """Check the shape of the signature before any cryptography (see the module's docstring)."""
    signatures = list(root.iter(DS + "Signature"))
    if len(signatures) != 1:
        raise _failed(
            report.FORMAT_FAILURE,
            f"expected exactly one ds:Signature, found {len(signatures)}",
        )
    signature = signatures[0]
    external_refs = [
        r
        for r in signature.iterfind(f"{DS}SignedInfo/{DS}Reference")
        if r.get("URI") and not r.get("URI", "").startswith("#")
    ]
    if detached and signature is not root:
        raise _failed(report.FORMAT_FAILURE, "a detached signature must be a ds:Signature document")
    if not detached and signature.getparent() is not root:
        if signature is root and external_refs:
            raise _indeterminate(
                report.SIGNED_DATA_NOT_FOUND,
                "this is a detached signature: the signed file has to be sent with it",
            )
        raise _failed(
            report.FORMAT_FAILURE,
            "the signature must be a child of the document element (enveloped)",
        )
    signed_info = _only(signature, "SignedInfo")
    _canonicalization(_only(signed_info, "CanonicalizationMethod").get("Algorithm"))
    method = _signature_method(_only(signed_info, "SignatureMethod").get("Algorithm"))
    _base64(_only(signature, "SignatureValue").text, "SignatureValue")
    data: list[tuple[int, str]] = []
    pinned: dict[str, int] = {"SignedProperties": 0, "KeyInfo": 0}
    references = list(signed_info.iterfind(DS + "Reference"))
    for index, node in enumerate(references):
        _digest_method(_only(node, "DigestMethod").get("Algorithm"))
        _base64(_only(node, "DigestValue").text, "DigestValue")
        uri = node.get("URI")
        transforms = [t.get("Algorithm") for t in node.iterfind(f"{DS}Transforms/{DS}Transform")]
        if uri is not None and uri.startswith("#"):
            target = _same_document(root, signature, uri[1:])
            pinned[target] += 1
            if len(transforms) > 1 or not set(transforms) <= C14N_TRANSFORMS:
                raise _failed(report.FORMAT_FAILURE, f"unexpected transforms on reference {uri}")
        elif detached:
            if not uri or (expected_uri is not None and uri != expected_uri):
                raise _failed(
                    report.FORMAT_FAILURE,
                    f"the signature references {uri!r}, not the file {expected_uri!r}",
                )
            if node.find(DS + "Transforms") is not None:
                raise _failed(report.FORMAT_FAILURE, "the detached reference has transforms")
            data.append((index, uri))
        else:
            if uri != "":
                raise _failed(
                    report.FORMAT_FAILURE,
                    f'an enveloped signature must reference the whole document (URI=""), '
                    f"not {uri!r}",
                )
            others = [t for t in transforms if t != ENVELOPED]
            if (
                transforms.count(ENVELOPED) != 1
                or len(others) > 1
                or not set(others) <= C14N_TRANSFORMS
            ):
                raise _failed(
                    report.FORMAT_FAILURE,
                    "the document reference needs the enveloped-signature transform and at most "
                    "a canonicalization",
                )
            data.append((index, uri))
    if len(data) != 1 or pinned["SignedProperties"] > 1 or pinned["KeyInfo"] > 1:
        raise _failed(
            report.FORMAT_FAILURE,
            f"expected one reference to the signed data (and at most one to each XAdES part), "
            f"found {len(references)} references",
        )
    return _Structure(
        signature,
        method,
        data[0][0],
        data[0][1],
        pinned["SignedProperties"] == 1,
        _certificates(signature),
    )


def _only(parent: etree._Element, name: str) -> etree._Element:
    nodes = parent.findall(DS + name)
    if len(nodes) != 1:
        raise _failed(report.FORMAT_FAILURE, f"expected one ds:{name}, found {len(nodes)}")
    return nodes[0]


def _base64(text: str | None, what: str) -> bytes:
    try:
        value = b64decode("".join((text or "").split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _failed(report.FORMAT_FAILURE, f"{what} is not base64") from exc
    if not value:
        raise _failed(report.FORMAT_FAILURE, f"{what} is empty")
    return value


def _canonicalization(uri: str | None) -> None:
    try:
        CanonicalizationMethod(uri)
    except ValueError as exc:
        raise _failed(report.FORMAT_FAILURE, f"unknown canonicalization {uri!r}") from exc


def _signature_method(uri: str | None) -> SignatureMethod:
    try:
        method = SignatureMethod(uri)
    except ValueError as exc:
        raise _failed(report.FORMAT_FAILURE, f"unknown signature method {uri!r}") from exc
    if method in KEY_TYPES:
        return method
    if method.name.startswith("HMAC"):
        raise _failed(
            report.SIG_CRYPTO_FAILURE,
            "an HMAC is not a signature: it shows nobody's key (only RSA-SHA256 and "
            "ECDSA-SHA256 are accepted)",
        )
    raise _indeterminate(
        report.CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
        f"the signature algorithm {method.name} is not accepted (only RSA-SHA256 and ECDSA-SHA256)",
    )


def _digest_method(uri: str | None) -> None:
    try:
        algorithm = DigestAlgorithm(uri)
    except ValueError as exc:
        raise _failed(report.FORMAT_FAILURE, f"unknown digest method {uri!r}") from exc
    if algorithm not in DIGESTS:
        raise _indeterminate(
            report.CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
            f"the digest algorithm {algorithm.name} is not accepted (only SHA-256/384/512)",
        )


def _same_document(root: etree._Element, signature: etree._Element, ident: str) -> str:
    """Which XAdES part of ``signature`` the ``#ident`` reference is; the Id must be unique
    in the document (a duplicate is how signature wrapping starts)."""
    holders = [
        node
        for node in root.iter()
        if isinstance(node.tag, str)
        and any(
            etree.QName(name).localname in ("Id", "ID", "id") and value == ident
            for name, value in node.attrib.items()
        )
    ]
    if len(holders) != 1:
        raise _failed(
            report.FORMAT_FAILURE,
            f"the reference #{ident} names {len(holders)} elements, not one",
        )
    target = holders[0]
    qualifying = target.getparent()
    obj = qualifying.getparent() if qualifying is not None else None
    if (
        target.tag == XADES + "SignedProperties"
        and qualifying is not None
        and qualifying.tag == XADES + "QualifyingProperties"
        and obj is not None
        and obj.tag == DS + "Object"
        and obj.getparent() is signature
    ):
        return "SignedProperties"
    if target.tag == DS + "KeyInfo" and target.getparent() is signature:
        return "KeyInfo"
    raise _failed(
        report.FORMAT_FAILURE,
        f"the reference #{ident} is neither the signed data nor a XAdES part of the signature",
    )


def _certificates(signature: etree._Element) -> list[x509.Certificate]:
    nodes = signature.findall(f"{DS}KeyInfo/{DS}X509Data/{DS}X509Certificate")
    if not nodes:
        raise _indeterminate(
            report.NO_SIGNING_CERTIFICATE_FOUND,
            "the signature carries no X.509 certificate (KeyInfo/X509Data)",
        )
    if len(nodes) > MAX_CERTIFICATES:
        raise _failed(report.FORMAT_FAILURE, f"more than {MAX_CERTIFICATES} certificates")
    certs: list[x509.Certificate] = []
    for node in nodes:
        der = _base64(node.text, "X509Certificate")
        try:
            cert = x509.load_der_x509_certificate(der)
        except ValueError as exc:
            raise _failed(report.FORMAT_FAILURE, "an X509Certificate cannot be read") from exc
        if cert not in certs:
            certs.append(cert)
    return certs


def _candidates(found: _Structure) -> list[x509.Certificate]:
    """The certificates that may have signed: those that issued no other listed certificate
    first, then the rest; only keys of the signature's type."""
    certs = found.certificates
    leaves = [c for c in certs if not any(o.issuer == c.subject for o in certs if o != c)]
    ordered = leaves + [c for c in certs if c not in leaves]
    kind = KEY_TYPES[found.method]
    result = []
    for cert in ordered:
        try:
            if isinstance(cert.public_key(), kind):
                result.append(cert)
        except (ValueError, UnsupportedAlgorithm):
            continue
    return result


class _Fixes:
    """What our verifiers change in signxml's: the detached reference is compared with the
    external bytes themselves (signxml would also parse them as XML, which is neither needed
    nor safe), and subtrees are canonicalized as standalone copies."""

    external: tuple[str, bytes] | None = None

    def _c14n(
        self,
        nodes: Any,
        algorithm: CanonicalizationMethod,
        inclusive_ns_prefixes: Any = None,
    ) -> bytes:
        # The libxml2 in lxml 6.1 writes a spurious xmlns="" on the grandchildren of a subtree
        # under a default namespace in inclusive c14n (e.g. the SignedInfo of xmlsec1's
        # templates, <Signature xmlns="…xmldsig#">; cf. signxml issue #275). A copy of the
        # subtree as a document carries every in-scope namespace and canonicalizes right.
        if isinstance(nodes, etree._Element) and nodes.getparent() is not None:
            nodes = etree.fromstring(etree.tostring(nodes, with_tail=False), _parser())
        result: bytes = super()._c14n(  # type: ignore[misc]
            nodes, algorithm=algorithm, inclusive_ns_prefixes=inclusive_ns_prefixes
        )
        return result

    def _verify_reference(
        self,
        reference: etree._Element,
        index: int,
        root: etree._Element,
        uri_resolver: Any,
        c14n_algorithm: Any,
        signature: etree._Element,
        signature_key_used: Any,
    ) -> VerifyResult:
        if self.external is None or reference.get("URI") != self.external[0]:
            result: VerifyResult = super()._verify_reference(  # type: ignore[misc]
                reference, index, root, uri_resolver, c14n_algorithm, signature, signature_key_used
            )
            return result
        data = self.external[1]
        method = reference.find(DS + "DigestMethod")
        algorithm = DigestAlgorithm(method.get("Algorithm") if method is not None else None)
        expected = b64decode("".join((reference.findtext(DS + "DigestValue") or "").split()))
        if DIGESTS[algorithm](data).digest() != expected:
            raise InvalidDigest(f"Digest mismatch for reference {index} ({self.external[0]})")
        key = signature_key_used.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        return VerifyResult(data, None, signature, signature_key=key)


class _CoreVerifier(_Fixes, XMLVerifier):
    pass


class _XAdESVerifier(_Fixes, XAdESVerifier):
    pass


def _config(found: _Structure, signer: x509.Certificate, xades: bool) -> SignatureConfiguration:
    settings: dict[str, Any] = {
        "location": "./",
        "expect_references": True,
        "signature_methods": frozenset({found.method}),
        "digest_algorithms": frozenset(DIGESTS),
        # Validity is for check_chain to judge (expired → OUT_OF_BOUNDS_NO_POE), not signxml.
        "verification_time": signer.not_valid_before_utc,
        # What XMLDSig prescribes for a same-document reference without a c14n transform.
        "default_reference_c14n_method": CanonicalizationMethod.CANONICAL_XML_1_0,
    }
    if xades:
        return XAdESSignatureConfiguration(**settings)
    return SignatureConfiguration(**settings)


#: What signxml raises on malformed parts our own checks let through: reported, never raised.
_MALFORMED = (SignXMLException, ValueError, TypeError, KeyError, AttributeError, etree.LxmlError)


def _core(
    signed: bytes, found: _Structure, external: tuple[str, bytes] | None
) -> tuple[x509.Certificate, list[VerifyResult]]:
    """The cryptographic check (SignatureValue, then every reference's digest), trying each
    candidate certificate in turn as the signer."""
    candidates = _candidates(found)
    if not candidates:
        raise _indeterminate(
            report.NO_SIGNING_CERTIFICATE_FOUND,
            "no certificate in KeyInfo has a key of the signature's algorithm",
        )
    last = "no certificate"
    for cert in candidates:
        verifier = _CoreVerifier()
        verifier.external = external
        try:
            results = verifier.verify(
                signed,
                x509_cert=cert,
                parser=_parser(),
                expect_config=_config(found, cert, xades=False),
            )
        except InvalidDigest as exc:
            raise _failed(
                report.HASH_FAILURE,
                f"the signed data has been changed ({exc})",
                signer=describe(cert),
            ) from exc
        except InvalidSignature as exc:
            last = str(exc)
            continue
        except _MALFORMED as exc:
            raise _failed(
                report.FORMAT_FAILURE, f"the signature cannot be processed: {exc}"
            ) from exc
        assert isinstance(results, list)
        return cert, results
    raise _failed(
        report.SIG_CRYPTO_FAILURE,
        f"the signature value does not verify with any certificate it carries ({last})",
    )


def _xades(
    signed: bytes,
    found: _Structure,
    external: tuple[str, bytes] | None,
    signer: x509.Certificate,
) -> tuple[str | None, list[str]]:
    """Check the signed XAdES properties; return the claimed signing time and notes."""
    verifier = _XAdESVerifier()
    verifier.external = external
    try:
        results = verifier.verify(
            signed, x509_cert=signer, parser=_parser(), expect_config=_config(found, signer, True)
        )
    except InvalidDigest as exc:
        # ETSI EN 319 102-1 5.2.3: the signing-certificate attribute names another certificate.
        raise _indeterminate(
            report.NO_SIGNING_CERTIFICATE_FOUND,
            f"the XAdES signing certificate is not the signer's ({exc})",
            signer=describe(signer),
        ) from exc
    except _MALFORMED as exc:
        raise _failed(report.FORMAT_FAILURE, f"the XAdES properties are not valid: {exc}") from exc
    properties = next(r for r in results if isinstance(r, XAdESVerifyResult)).signed_properties
    claimed = properties.findtext(XADES + "SigningTime")
    if claimed is None:
        return None, ["the XAdES properties claim no signing time"]
    try:
        moment = datetime.fromisoformat(claimed.strip())
    except ValueError:
        return None, [f"the claimed signing time {claimed!r} is not a date and time"]
    if moment.tzinfo is None:
        return None, [f"the claimed signing time {claimed!r} has no time zone"]
    return moment.astimezone(UTC).isoformat(), []
