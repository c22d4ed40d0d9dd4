"""XML signatures: round trips with the test PKI, and the attacks a verifier has to refuse, each
with the indication and sub-indication it must report. Real cryptography, no mocks."""

from __future__ import annotations

import hashlib
import hmac
from base64 import b64decode, b64encode
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from signing import report
from signing.errors import CertificateNotUsable, UnreadableFile
from signing.keys import SigningKey, load_pkcs12
from signing.report import Indication, Report
from signing.trust import Trust
from signing.xml import _sign_detached, _sign_enveloped, sign_detached, sign_enveloped, verify_xml
from tests.signing import pki as test_pki

DS = "{http://www.w3.org/2000/09/xmldsig#}"
XADES = "{http://uri.etsi.org/01903/v1.3.2#}"
DOC = """<?xml version="1.0" encoding="UTF-8"?>
<document xmlns="urn:kense:document:1" xml:lang="kk" Id="doc-1">
  <title>Жұмыспен қамтуды үйлестіру басқармасының бұйрығы</title>
  <number>КЕ-2025/17</number>
  <part Id="extra">приложение</part>
</document>
""".encode()
PDF = b"%PDF-1.7\n% a document signed detached\n%%EOF\n"
WHEN = datetime(2025, 11, 20, 9, 30, tzinfo=UTC)

SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"
RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
HMAC_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"


def _key(pki_files: dict[str, Path], name: str) -> SigningKey:
    return load_pkcs12(pki_files[name].read_bytes(), test_pki.PASSWORD)


@pytest.fixture(scope="module")
def director(pki_files: dict[str, Path]) -> SigningKey:
    return _key(pki_files, "director")


@pytest.fixture(scope="module")
def director_ec(pki_files: dict[str, Path]) -> SigningKey:
    return _key(pki_files, "director_ec")


@pytest.fixture(scope="module")
def signed(director: SigningKey) -> bytes:
    return sign_enveloped(DOC, director, signing_time=WHEN)


def _expect(result: Report, indication: Indication, sub: str | None) -> None:
    assert (result.indication, result.sub_indication) == (indication, sub), result.messages


def _c14n(node: etree._Element) -> bytes:
    return bytes(etree.tostring(node, method="c14n", exclusive=True, with_comments=False))


def _resign(signed: bytes, key: SigningKey, edit: Callable[[etree._Element], None]) -> bytes:
    """``edit`` the signed document (its SignedInfo included), then compute a SignatureValue
    that is cryptographically right for the edited SignedInfo and its SignatureMethod: what an
    attacker holding a key, or a careless signer, would produce."""
    root = etree.fromstring(signed)
    edit(root)
    signature = next(root.iter(DS + "Signature"))
    signed_info = signature.find(DS + "SignedInfo")
    assert signed_info is not None
    method = signed_info.find(DS + "SignatureMethod")
    assert method is not None
    data = _c14n(signed_info)
    algorithm = method.get("Algorithm", "")
    if algorithm.endswith("hmac-sha256"):
        value = hmac.new(b"shared secret", data, hashlib.sha256).digest()
    elif isinstance(key.private_key, rsa.RSAPrivateKey):
        hash_ = hashes.SHA1() if algorithm.endswith("rsa-sha1") else hashes.SHA256()
        value = key.private_key.sign(data, padding.PKCS1v15(), hash_)
    else:
        r, s = decode_dss_signature(key.private_key.sign(data, ec.ECDSA(hashes.SHA256())))
        value = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    value_node = signature.find(DS + "SignatureValue")
    assert value_node is not None
    value_node.text = b64encode(value).decode()
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _data_reference(root: etree._Element) -> etree._Element:
    node = root.find(f"{DS}Signature/{DS}SignedInfo/{DS}Reference[@URI='']")
    assert node is not None
    return node


def _document_c14n(root: etree._Element) -> bytes:
    copy = etree.fromstring(etree.tostring(root))
    signature = copy.find(DS + "Signature")
    assert signature is not None
    copy.remove(signature)
    return _c14n(copy)


# --- round trips ---


@pytest.mark.parametrize("name", ["director", "director_ec"])
def test_enveloped_round_trip(pki_files: dict[str, Path], trust: Trust, name: str) -> None:
    key = _key(pki_files, name)
    result = verify_xml(sign_enveloped(DOC, key, signing_time=WHEN), trust)
    _expect(result, Indication.TOTAL_PASSED, None)
    assert result.format == "XAdES-BES"
    assert result.signer is not None
    assert result.signer["name"].startswith("Серіков Ерлан Болатұлы")
    assert result.signing_time == "2025-11-20T09:30:00+00:00"
    assert result.revocation == "checked against CRLs"
    covered = result.covered
    assert covered["kind"] == "enveloped"
    assert covered["root"] == "{urn:kense:document:1}document"
    original = etree.fromstring(DOC)
    assert covered["xml"].encode() == _c14n(original)
    assert covered["sha256"] == hashlib.sha256(_c14n(original)).hexdigest()
    assert "Signature" not in covered["xml"]
    assert "бұйрығы" in covered["xml"]


@pytest.mark.parametrize("name", ["director", "director_ec"])
def test_detached_round_trip(pki_files: dict[str, Path], trust: Trust, name: str) -> None:
    key = _key(pki_files, name)
    signature = sign_detached(PDF, key, uri="decision.pdf", signing_time=WHEN)
    result = verify_xml(signature, trust, detached=PDF, expected_uri="decision.pdf")
    _expect(result, Indication.TOTAL_PASSED, None)
    assert result.format == "XAdES-BES"
    assert result.signer is not None and "Серіков" in result.signer["name"]
    assert result.signing_time == "2025-11-20T09:30:00+00:00"
    assert result.covered == {
        "kind": "detached",
        "uri": "decision.pdf",
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "size": len(PDF),
    }
    # Without expected_uri the one external reference the signature names is taken.
    _expect(verify_xml(signature, trust, detached=PDF), Indication.TOTAL_PASSED, None)


def test_detached_over_xml_with_a_doctype_is_compared_not_parsed(
    director: SigningKey, trust: Trust
) -> None:
    data = b'<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>'
    signature = sign_detached(data, director, uri="x.xml")
    _expect(verify_xml(signature, trust, detached=data), Indication.TOTAL_PASSED, None)


def test_signed_shape(signed: bytes, director: SigningKey) -> None:
    root = etree.fromstring(signed)
    signature = root[-1]
    assert signature.tag == DS + "Signature"
    refs = signature.findall(f"{DS}SignedInfo/{DS}Reference")
    assert refs[0].get("URI") == ""
    assert [t.get("Algorithm") for t in refs[0].iterfind(f"{DS}Transforms/{DS}Transform")] == [
        "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
        "http://www.w3.org/2001/10/xml-exc-c14n#",
    ]
    assert refs[1].get("Type") == "http://uri.etsi.org/01903#SignedProperties"
    # KeyInfo: the signer first, then the intermediate; the root is left out.
    certs = [
        x509.load_der_x509_certificate(b64decode(c.text or ""))
        for c in signature.iterfind(f"{DS}KeyInfo/{DS}X509Data/{DS}X509Certificate")
    ]
    assert certs == [director.certificate, director.chain[0]]
    assert signature.find(f"{DS}KeyInfo/{DS}KeyValue") is None
    cert_digest = signature.findtext(
        f".//{XADES}SigningCertificateV2/{XADES}Cert/{XADES}CertDigest/{DS}DigestValue"
    )
    expected = hashlib.sha256(director.certificate.public_bytes(Encoding.DER)).digest()
    assert b64decode(cert_digest or "") == expected


def test_top_level_comments_and_instructions_are_dropped(
    director: SigningKey, trust: Trust
) -> None:
    doc = b'<?xml version="1.0"?>\n<?xml-stylesheet href="a.xsl"?><!-- c --><a>x</a><!-- d -->'
    signed = sign_enveloped(doc, director)
    assert b"xml-stylesheet" not in signed and b"<!--" not in signed
    _expect(verify_xml(signed, trust), Indication.TOTAL_PASSED, None)


# --- signing refuses ---


@pytest.mark.parametrize(
    "doc",
    [
        b"",
        b"not xml",
        b"<a><b></a>",
        b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
        b"<!DOCTYPE a><a/>",
    ],
)
def test_sign_refuses_unreadable_xml(director: SigningKey, doc: bytes) -> None:
    with pytest.raises(UnreadableFile):
        sign_enveloped(doc, director)


def test_sign_refuses_a_signed_document(director: SigningKey, signed: bytes) -> None:
    with pytest.raises(UnreadableFile, match="already holds a signature"):
        sign_enveloped(signed, director)


@pytest.mark.parametrize("name", ["expired", "wrong_usage"])
def test_sign_refuses_unusable_certificates(pki_files: dict[str, Path], name: str) -> None:
    key = _key(pki_files, name)
    with pytest.raises(CertificateNotUsable):
        sign_enveloped(DOC, key)
    with pytest.raises(CertificateNotUsable):
        sign_detached(PDF, key, uri="a.pdf")


# --- certificates ---


@pytest.mark.parametrize(
    ("name", "indication", "sub"),
    [
        ("revoked", Indication.TOTAL_FAILED, report.REVOKED),
        ("expired", Indication.INDETERMINATE, report.OUT_OF_BOUNDS_NO_POE),
        ("untrusted", Indication.INDETERMINATE, report.NO_CERTIFICATE_CHAIN_FOUND),
        ("wrong_usage", Indication.TOTAL_FAILED, report.SIG_CONSTRAINTS_FAILURE),
    ],
)
def test_certificate_verdicts(
    pki_files: dict[str, Path], trust: Trust, name: str, indication: Indication, sub: str
) -> None:
    key = _key(pki_files, name)
    enveloped = verify_xml(_sign_enveloped(DOC, key, None), trust)
    _expect(enveloped, indication, sub)
    assert enveloped.signer is not None and enveloped.format == "XAdES-BES"
    detached = verify_xml(_sign_detached(PDF, key, "a.pdf", None), trust, detached=PDF)
    _expect(detached, indication, sub)


# --- attacks ---


def test_tampered_text(signed: bytes, trust: Trust) -> None:
    attacked = signed.replace("КЕ-2025/17".encode(), "КЕ-2025/18".encode())
    assert attacked != signed
    result = verify_xml(attacked, trust)
    _expect(result, Indication.TOTAL_FAILED, report.HASH_FAILURE)
    assert result.covered == {}


def test_tampered_signature_value(signed: bytes, trust: Trust) -> None:
    root = etree.fromstring(signed)
    node = root.find(f"{DS}Signature/{DS}SignatureValue")
    assert node is not None
    value = bytearray(b64decode(node.text or ""))
    value[10] ^= 1
    node.text = b64encode(bytes(value)).decode()
    result = verify_xml(etree.tostring(root), trust)
    _expect(result, Indication.TOTAL_FAILED, report.SIG_CRYPTO_FAILURE)
    assert result.signer is None


def test_tampered_signing_time(signed: bytes, trust: Trust) -> None:
    attacked = signed.replace(b"2025-11-20T09:30:00", b"2024-01-01T00:00:00")
    _expect(verify_xml(attacked, trust), Indication.TOTAL_FAILED, report.HASH_FAILURE)


def test_wrapping_original_moved_into_an_object(signed: bytes, trust: Trust) -> None:
    """The signed content moved into a ds:Object, attacker content at the document root."""
    root = etree.fromstring(signed)
    signature = root[-1]
    wrapper = etree.SubElement(signature, DS + "Object")
    for child in list(root)[:-1]:
        wrapper.append(child)
    number = etree.SubElement(root, "{urn:kense:document:1}number")
    number.text = "FORGED"
    root.insert(0, number)
    _expect(verify_xml(etree.tostring(root), trust), Indication.TOTAL_FAILED, report.HASH_FAILURE)


def test_wrapping_signed_document_inside_another(signed: bytes, trust: Trust) -> None:
    original = etree.fromstring(signed)
    evil = etree.Element("{urn:kense:document:1}document")
    etree.SubElement(evil, "{urn:kense:document:1}number").text = "FORGED"
    etree.SubElement(evil, "{urn:kense:document:1}original").append(original)
    result = verify_xml(etree.tostring(evil), trust)
    _expect(result, Indication.TOTAL_FAILED, report.FORMAT_FAILURE)


def test_wrapping_signature_moved_under_attacker_content(signed: bytes, trust: Trust) -> None:
    root = etree.fromstring(signed)
    signature = root[-1]
    root.remove(signature)
    evil = etree.Element("{urn:kense:document:1}document")
    etree.SubElement(evil, "{urn:kense:document:1}number").text = "FORGED"
    evil.append(signature)
    signature.append(etree.Element(DS + "Object"))
    signature[-1].append(root)
    result = verify_xml(etree.tostring(evil), trust)
    _expect(result, Indication.TOTAL_FAILED, report.HASH_FAILURE)


def test_duplicated_signed_properties(signed: bytes, trust: Trust) -> None:
    """A second element with the Id of the signed XAdES properties (claiming another time)."""
    root = etree.fromstring(signed)
    properties = root.find(f".//{XADES}SignedProperties")
    assert properties is not None
    forged = etree.fromstring(etree.tostring(properties))
    when = forged.find(f".//{XADES}SigningTime")
    assert when is not None
    when.text = "2020-01-01T00:00:00+00:00"
    root.insert(0, forged)
    result = verify_xml(etree.tostring(root), trust)
    _expect(result, Indication.TOTAL_FAILED, report.FORMAT_FAILURE)


def test_duplicated_signature(signed: bytes, trust: Trust) -> None:
    root = etree.fromstring(signed)
    root.append(etree.fromstring(etree.tostring(root[-1])))
    result = verify_xml(etree.tostring(root), trust)
    _expect(result, Indication.TOTAL_FAILED, report.FORMAT_FAILURE)


def test_extra_reference(signed: bytes, director: SigningKey, trust: Trust) -> None:
    def add_reference(root: etree._Element) -> None:
        part = root.find("{urn:kense:document:1}part")
        assert part is not None
        signed_info = root.find(f"{DS}Signature/{DS}SignedInfo")
        assert signed_info is not None
        ref = etree.SubElement(signed_info, DS + "Reference", URI="#extra")
        transforms = etree.SubElement(ref, DS + "Transforms")
        etree.SubElement(
            transforms, DS + "Transform", Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"
        )
        etree.SubElement(
            ref, DS + "DigestMethod", Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"
        )
        digest = hashlib.sha256(_c14n(part)).digest()
        etree.SubElement(ref, DS + "DigestValue").text = b64encode(digest).decode()

    result = verify_xml(_resign(signed, director, add_reference), trust)
    _expect(result, Indication.TOTAL_FAILED, report.FORMAT_FAILURE)


def test_reference_to_an_element_instead_of_the_document(
    signed: bytes, director: SigningKey, trust: Trust
) -> None:
    def point_at_part(root: etree._Element) -> None:
        _data_reference(root).set("URI", "#extra")

    result = verify_xml(_resign(signed, director, point_at_part), trust)
    _expect(result, Indication.TOTAL_FAILED, report.FORMAT_FAILURE)


def test_resign_helper_makes_valid_signatures(
    signed: bytes, director: SigningKey, trust: Trust
) -> None:
    """The attack files below fail for the reason tested, not because _resign is wrong."""
    _expect(
        verify_xml(_resign(signed, director, lambda root: None), trust),
        Indication.TOTAL_PASSED,
        None,
    )


def test_sha1_digest(signed: bytes, director: SigningKey, trust: Trust) -> None:
    def use_sha1(root: etree._Element) -> None:
        ref = _data_reference(root)
        method = ref.find(DS + "DigestMethod")
        value = ref.find(DS + "DigestValue")
        assert method is not None and value is not None
        method.set("Algorithm", SHA1)
        value.text = b64encode(hashlib.sha1(_document_c14n(root)).digest()).decode()

    result = verify_xml(_resign(signed, director, use_sha1), trust)
    _expect(result, Indication.INDETERMINATE, report.CRYPTO_CONSTRAINTS_FAILURE_NO_POE)


def test_sha1_signature_method(signed: bytes, director: SigningKey, trust: Trust) -> None:
    def use_rsa_sha1(root: etree._Element) -> None:
        method = root.find(f"{DS}Signature/{DS}SignedInfo/{DS}SignatureMethod")
        assert method is not None
        method.set("Algorithm", RSA_SHA1)

    result = verify_xml(_resign(signed, director, use_rsa_sha1), trust)
    _expect(result, Indication.INDETERMINATE, report.CRYPTO_CONSTRAINTS_FAILURE_NO_POE)


def test_hmac(signed: bytes, director: SigningKey, trust: Trust) -> None:
    def use_hmac(root: etree._Element) -> None:
        method = root.find(f"{DS}Signature/{DS}SignedInfo/{DS}SignatureMethod")
        assert method is not None
        method.set("Algorithm", HMAC_SHA256)

    result = verify_xml(_resign(signed, director, use_hmac), trust)
    _expect(result, Indication.TOTAL_FAILED, report.SIG_CRYPTO_FAILURE)


def test_unknown_algorithm(signed: bytes, director: SigningKey, trust: Trust) -> None:
    def use_unknown(root: etree._Element) -> None:
        method = root.find(f"{DS}Signature/{DS}SignedInfo/{DS}SignatureMethod")
        assert method is not None
        method.set("Algorithm", "urn:example:rot13")

    result = verify_xml(_resign(signed, director, use_unknown), trust)
    _expect(result, Indication.TOTAL_FAILED, report.FORMAT_FAILURE)


def test_xpath_transform_is_refused(signed: bytes, director: SigningKey, trust: Trust) -> None:
    def add_xpath(root: etree._Element) -> None:
        transforms = _data_reference(root).find(DS + "Transforms")
        assert transforms is not None
        xpath = etree.SubElement(
            transforms, DS + "Transform", Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"
        )
        etree.SubElement(xpath, DS + "XPath").text = "not(ancestor-or-self::*)"

    result = verify_xml(_resign(signed, director, add_xpath), trust)
    _expect(result, Indication.TOTAL_FAILED, report.FORMAT_FAILURE)


XXE = b'<!DOCTYPE document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
LAUGHS = (
    b'<!DOCTYPE document [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>\n"
)


@pytest.mark.parametrize(
    ("doctype", "entity"),
    [(XXE, b"&xxe;"), (LAUGHS, b"&lol9;"), (b"<!DOCTYPE document>\n", b"")],
    ids=["xxe", "billion-laughs", "bare-doctype"],
)
def test_dtd_in_the_signed_file(signed: bytes, trust: Trust, doctype: bytes, entity: bytes) -> None:
    declaration, rest = signed.split(b"\n", 1)
    attacked = declaration + b"\n" + doctype + rest.replace(b"</title>", entity + b"</title>", 1)
    result = verify_xml(attacked, trust)
    _expect(result, Indication.TOTAL_FAILED, report.FORMAT_FAILURE)
    # libxml2 stops the laughs itself (amplification limit) before our DOCTYPE check.
    assert "DOCTYPE" in result.messages[0] or "entity" in result.messages[0]


def test_too_large(trust: Trust) -> None:
    huge = b"<a>" + b"x" * (20 * 1024 * 1024) + b"</a>"
    _expect(verify_xml(huge, trust), Indication.TOTAL_FAILED, report.FORMAT_FAILURE)


def test_no_certificate(signed: bytes, trust: Trust) -> None:
    root = etree.fromstring(signed)
    key_info = root.find(f"{DS}Signature/{DS}KeyInfo")
    assert key_info is not None
    for data in key_info.findall(DS + "X509Data"):
        key_info.remove(data)
    result = verify_xml(etree.tostring(root), trust)
    _expect(result, Indication.INDETERMINATE, report.NO_SIGNING_CERTIFICATE_FOUND)


def test_another_certificate_in_key_info(signed: bytes, pki: test_pki.Pki, trust: Trust) -> None:
    root = etree.fromstring(signed)
    first = root.find(f"{DS}Signature/{DS}KeyInfo/{DS}X509Data/{DS}X509Certificate")
    assert first is not None
    first.text = b64encode(pki.revoked.cert.public_bytes(Encoding.DER)).decode()
    result = verify_xml(etree.tostring(root), trust)
    _expect(result, Indication.TOTAL_FAILED, report.SIG_CRYPTO_FAILURE)


def test_no_signature(trust: Trust) -> None:
    _expect(verify_xml(DOC, trust), Indication.TOTAL_FAILED, report.FORMAT_FAILURE)


def test_detached_attacks(director: SigningKey, trust: Trust) -> None:
    signature = sign_detached(PDF, director, uri="decision.pdf")
    _expect(
        verify_xml(signature, trust, detached=PDF + b" "),
        Indication.TOTAL_FAILED,
        report.HASH_FAILURE,
    )
    _expect(
        verify_xml(signature, trust, detached=PDF, expected_uri="other.pdf"),
        Indication.TOTAL_FAILED,
        report.FORMAT_FAILURE,
    )
    # Sent alone, a detached signature cannot be checked.
    _expect(verify_xml(signature, trust), Indication.INDETERMINATE, report.SIGNED_DATA_NOT_FOUND)
    # An enveloped signature is not a detached one.
    enveloped = sign_enveloped(DOC, director)
    _expect(
        verify_xml(enveloped, trust, detached=PDF),
        Indication.TOTAL_FAILED,
        report.FORMAT_FAILURE,
    )


@pytest.mark.parametrize("step", [97])
def test_truncated_and_mangled_files_give_reports(signed: bytes, trust: Trust, step: int) -> None:
    """Hostile bytes never raise: every prefix of a signed file, and a few mangled parts."""
    for end in range(0, len(signed), step):
        assert not verify_xml(signed[:end], trust).passed
    for old, new in [
        (b"<ds:DigestValue>", b"<ds:DigestValue>!!"),
        (b"<ds:SignatureValue>", b"<ds:SignatureValue>="),
        (b"<ds:X509Certificate>", b"<ds:X509Certificate>AAAA"),
        (b'Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"', b'Algorithm=""'),
        (b"<xades:SigningTime>", b"<xades:SigningTime>x"),
    ]:
        attacked = signed.replace(old, new, 1)
        assert attacked != signed
        assert not verify_xml(attacked, trust).passed


def test_a_certificate_with_a_duplicated_extension_is_a_format_failure(trust: Trust) -> None:
    """cryptography refuses to read such a certificate's extensions: a report, never a 500."""
    from datetime import timedelta

    from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.serialization import Encoding

    from signing.keys import SigningKey
    from tests.signing import pki as test_pki

    key = test_pki._rsa()
    good = test_pki._cert(
        test_pki._name("Duplicated"),
        key,
        None,
        ca=False,
        not_before=test_pki.NOW - timedelta(days=1),
        not_after=test_pki.NOW + timedelta(days=9),
    )
    cert = asn1_x509.Certificate.load(good.public_bytes(Encoding.DER))
    tbs = cert["tbs_certificate"]
    extensions = list(tbs["extensions"])
    tbs["extensions"] = asn1_x509.Extensions([*extensions, extensions[-1]])
    tbs_der = tbs.dump(force=True)
    value = key.sign(tbs_der, padding.PKCS1v15(), hashes.SHA256())
    bad = asn1_x509.Certificate(
        {
            "tbs_certificate": asn1_x509.TbsCertificate.load(tbs_der),
            "signature_algorithm": cert["signature_algorithm"],
            "signature_value": value,
        }
    ).dump()
    signer = SigningKey(key, x509.load_der_x509_certificate(bad), ())
    signed = _sign_enveloped(b"<doc>text</doc>", signer, None)
    found = verify_xml(signed, trust)
    assert (found.indication.value, found.sub_indication) == ("TOTAL-FAILED", "FORMAT_FAILURE")
