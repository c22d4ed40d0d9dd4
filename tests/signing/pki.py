"""A small PKI for tests, built with ``cryptography``: root → intermediate → signers.

Signers: the director (RSA-2048 and ECDSA P-256), one revoked, one expired, one whose key usage
is only keyEncipherment, and one issued by an untrusted root. The intermediate publishes a CRL
that lists the revoked signer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSWORD = "Құпия-сөз №1"  # a Cyrillic (Kazakh) password
NOW = datetime.now(UTC)

Key = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def _name(cn: str, org: str = "Kense test PKI") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _rsa() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Issued:
    key: Key
    cert: x509.Certificate
    chain: list[x509.Certificate] = field(default_factory=list)

    def pkcs12(self, password: str = PASSWORD) -> bytes:
        return pkcs12.serialize_key_and_certificates(
            b"signer",
            self.key,  # type: ignore[arg-type]
            self.cert,
            self.chain or None,
            serialization.BestAvailableEncryption(password.encode("utf-8")),
        )

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def _cert(
    subject: x509.Name,
    key: Key,
    issuer: Issued | None,
    *,
    ca: bool,
    not_before: datetime,
    not_after: datetime,
    usage: str = "sign",
    crl_url: str | None = None,
) -> x509.Certificate:
    signer_key = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    if ca:
        usage_ext = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
    elif usage == "sign":
        usage_ext = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
    else:  # keyEncipherment only
        usage_ext = x509.KeyUsage(False, False, True, False, False, False, False, False, False)
    builder = builder.add_extension(usage_ext, critical=True)
    if crl_url:
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    return builder.sign(signer_key, hashes.SHA256())  # type: ignore[arg-type]


@dataclass
class Pki:
    root: Issued
    intermediate: Issued
    director: Issued
    director_ec: Issued
    revoked: Issued
    expired: Issued
    wrong_usage: Issued
    untrusted: Issued
    crl: x509.CertificateRevocationList
    root_crl: x509.CertificateRevocationList

    def write(self, folder: Path) -> dict[str, Path]:
        """Root PEM, the CRLs (the intermediate's PEM, the root's DER) and every signer's
        PKCS#12 under ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = {
            "root": folder / "root.pem",
            "crl": folder / "intermediate.crl",
            "root_crl": folder / "root.crl",
        }
        paths["root"].write_bytes(self.root.pem())
        paths["crl"].write_bytes(self.crl.public_bytes(serialization.Encoding.PEM))
        paths["root_crl"].write_bytes(self.root_crl.public_bytes(serialization.Encoding.DER))
        for name in ("director", "director_ec", "revoked", "expired", "wrong_usage", "untrusted"):
            issued: Issued = getattr(self, name)
            paths[name] = folder / f"{name}.p12"
            paths[name].write_bytes(issued.pkcs12())
        return paths


#: Where the test certificates say their CRLs are: nothing listens there, so a verifier that
#: relies on fetching them (instead of the configured CRL files) fails.
UNREACHABLE_CRL = "http://127.0.0.1:9/kense-test.crl"


def build(crl_url: str | None = UNREACHABLE_CRL, root_crl_url: str | None = None) -> Pki:
    """A fresh PKI; ``crl_url`` is written into the signers' CRL distribution point (the
    intermediate's CRL) and ``root_crl_url`` (default: ``crl_url``) into the intermediate's
    (the root's CRL)."""
    year = timedelta(days=365)
    root_key = _rsa()
    root = Issued(
        root_key,
        _cert(
            _name("Kense Test Root CA"),
            root_key,
            None,
            ca=True,
            not_before=NOW - year,
            not_after=NOW + 10 * year,
        ),
    )
    inter_key = _rsa()
    intermediate = Issued(
        inter_key,
        _cert(
            _name("Kense Test Intermediate CA"),
            inter_key,
            root,
            ca=True,
            not_before=NOW - year,
            not_after=NOW + 5 * year,
            crl_url=root_crl_url or crl_url,
        ),
        [root.cert],
    )

    def signer(cn: str, key: Key, **kwargs: object) -> Issued:
        span = {"not_before": NOW - year, "not_after": NOW + year} | kwargs
        cert = _cert(
            _name(cn, "Қостанай облысы әкімдігі"),
            key,
            intermediate,
            ca=False,
            crl_url=crl_url,
            **span,
        )  # type: ignore[arg-type]
        return Issued(key, cert, [intermediate.cert, root.cert])

    director = signer("Серіков Ерлан Болатұлы", _rsa())
    director_ec = signer("Серіков Ерлан Болатұлы (EC)", ec.generate_private_key(ec.SECP256R1()))
    revoked = signer("Revoked Signer", _rsa())
    expired = signer("Expired Signer", _rsa(), not_before=NOW - 3 * year, not_after=NOW - year)
    wrong_usage = signer("Encipherment Only", _rsa(), usage="encipher")
    other_key = _rsa()
    other_root = Issued(
        other_key,
        _cert(
            _name("Untrusted Root", "Elsewhere"),
            other_key,
            None,
            ca=True,
            not_before=NOW - year,
            not_after=NOW + year,
        ),
    )
    untrusted_key = _rsa()
    untrusted = Issued(
        untrusted_key,
        _cert(
            _name("Untrusted Signer", "Elsewhere"),
            untrusted_key,
            other_root,
            ca=False,
            not_before=NOW - year,
            not_after=NOW + year,
        ),
        [other_root.cert],
    )
    root_crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.cert.subject)
        .last_update(NOW - timedelta(days=1))
        .next_update(NOW + timedelta(days=30))
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .add_extension(x509.CRLNumber(1), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(intermediate.cert.subject)
        .last_update(NOW - timedelta(days=1))
        .next_update(NOW + timedelta(days=30))
        .add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(revoked.cert.serial_number)
            .revocation_date(NOW - timedelta(days=2))
            .build()
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(inter_key.public_key()),
            critical=False,
        )
        .add_extension(x509.CRLNumber(1), critical=False)
        .sign(inter_key, hashes.SHA256())
    )
    return Pki(
        root,
        intermediate,
        director,
        director_ec,
        revoked,
        expired,
        wrong_usage,
        untrusted,
        crl,
        root_crl,
    )
