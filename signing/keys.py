"""Signing keys from PKCS#12 files (the form the national certification authority issues).

The password is used to open the file and dropped; nothing here stores a key or a password.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from signing.errors import BadKey, CertificateNotUsable

MAX_KEY_FILE = 1024 * 1024
MIN_RSA_BITS = 2048
EC_CURVES = ("secp256r1", "secp384r1")

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class SigningKey:
    private_key: PrivateKey
    certificate: x509.Certificate
    #: The certificates the file carries besides the signer's (intermediates, maybe the root),
    #: ordered from the signer's issuer upwards.
    chain: tuple[x509.Certificate, ...]

    @property
    def algorithm(self) -> str:
        """``rsa-sha256`` or ``ecdsa-sha256``."""
        return "rsa-sha256" if isinstance(self.private_key, rsa.RSAPrivateKey) else "ecdsa-sha256"


def load_pkcs12(data: bytes, password: str) -> SigningKey:
    """Open a PKCS#12 file; the password is text (Cyrillic works: it is encoded as UTF-8)."""
    if len(data) > MAX_KEY_FILE:
        raise BadKey("the key file is larger than 1 MB", fields={"key": "too large"})
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode("utf-8"))
    except ValueError as exc:
        raise BadKey(
            "the key file could not be opened: it is not a PKCS#12 file or the password is wrong",
            fields={"password": "wrong password or not a PKCS#12 file"},
        ) from exc
    if key is None or cert is None:
        raise BadKey(
            "the key file holds no private key with its certificate", fields={"key": "no key"}
        )
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise BadKey("only RSA and ECDSA keys are supported", fields={"key": "algorithm"})
    return SigningKey(key, cert, tuple(order_chain(cert, extra)))


def order_chain(leaf: x509.Certificate, others: list[x509.Certificate]) -> list[x509.Certificate]:
    """``others`` from the leaf's issuer upwards (files list them in any order)."""
    pool = [c for c in others if c != leaf]
    ordered: list[x509.Certificate] = []
    current = leaf
    while True:
        parent = next((c for c in pool if c.subject == current.issuer and c not in ordered), None)
        if parent is None or parent == current:
            break
        ordered.append(parent)
        if parent.subject == parent.issuer:
            break
        current = parent
    return ordered + [c for c in pool if c not in ordered]


def check_usable(key: SigningKey, at: datetime | None = None) -> None:
    """Refuse to sign with a certificate that is not valid now, may not sign, or is weak."""
    cert = key.certificate
    now = at or datetime.now(UTC)
    if now < cert.not_valid_before_utc:
        raise CertificateNotUsable(
            f"the certificate is valid only from {cert.not_valid_before_utc:%Y-%m-%d}",
            fields={"key": "not yet valid"},
        )
    if now > cert.not_valid_after_utc:
        raise CertificateNotUsable(
            f"the certificate expired on {cert.not_valid_after_utc:%Y-%m-%d}",
            fields={"key": "expired"},
        )
    if not may_sign(cert):
        raise CertificateNotUsable(
            "the certificate is not for signatures (key usage has neither digitalSignature "
            "nor nonRepudiation)",
            fields={"key": "key usage"},
        )
    public = cert.public_key()
    if isinstance(public, rsa.RSAPublicKey) and public.key_size < MIN_RSA_BITS:
        raise CertificateNotUsable(
            f"an RSA key of {public.key_size} bits is too weak", fields={"key": "weak"}
        )
    if isinstance(public, ec.EllipticCurvePublicKey) and public.curve.name not in EC_CURVES:
        raise CertificateNotUsable(
            f"the curve {public.curve.name} is not accepted", fields={"key": "curve"}
        )


def may_sign(cert: x509.Certificate) -> bool:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return bool(usage.digital_signature or usage.content_commitment)


def common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def describe(cert: x509.Certificate) -> dict[str, str]:
    """What a verification report says of a certificate (no personal data beyond the name)."""
    return {
        "name": common_name(cert),
        "serial": format(cert.serial_number, "X"),
        "issuer": cert.issuer.rfc4514_string(),
        "valid_from": cert.not_valid_before_utc.isoformat(),
        "valid_to": cert.not_valid_after_utc.isoformat(),
    }
