"""Benchmark of signatures: ours against raw signxml and raw pyHanko on the same input.

    python -m bench.signing      (--help lists the options)

Needs LibreOffice (the input PDF is the director's order, converted once with cold soffice).
The key is the test PKI's director (RSA-2048; tests/signing/pki.py), trust its root with both
CRLs and KENSE_REVOCATION=require. Per operation, interleaved, median of the rounds:

1. XML sign: ``signing.xml.sign_enveloped`` (certificate checks, hardened parse, XAdES-BES)
   against signxml's ``XAdESSigner.sign`` of the same manifest with the same key and chain.
2. XML verify: ``signing.xml.verify_xml`` (structure pinning, algorithm policy, XAdES, chain and
   CRLs) against signxml's ``XAdESVerifier.verify`` with the root as CA file (no CRLs: signxml
   has none).
3. PDF sign: ``signing.pdf.sign_pdf`` (the stamp with QR code, Kazakh font, link) against
   pyHanko's ``signers.sign_pdf`` with a QR stamp in its default font, same key, PAdES.
4. PDF verify: ``signing.pdf.verify_pdf`` against pyHanko's ``validate_pdf_signature`` with a
   validation context holding the same root and CRLs (revocation required).

Goal: ours <= 1.2x raw for each. The table goes to stdout, progress to stderr, every figure to
bench/results/signing.json.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.stamp import QRStampStyle
from pyhanko_certvalidator import ValidationContext
from signxml.algorithms import SignatureMethod
from signxml.xades.xades import XAdESSigner, XAdESVerifier

from bench.registry import environment, progress, summary, write_results
from signing.keys import SigningKey, load_pkcs12
from signing.manifest import document_manifest
from signing.pdf import Stamp, sign_pdf, verify_pdf
from signing.trust import Trust, load_trust
from signing.xml import sign_enveloped, verify_xml
from templates.catalog import Catalog
from templates.convert import ColdConverter
from templates.engine import render_docx
from tests.signing.pki import PASSWORD, build

RESULTS = Path(__file__).resolve().parent / "results" / "signing.json"
ROUNDS = 30
GOAL = 1.2
URL = "https://kense.example.kz/verify/0123456789abcdef"
Json = dict[str, Any]


def order_pdf() -> bytes:
    template = Catalog().get("order")
    doc = {"number": "17", "date": "2026-11-25", "draft": False, "issuer": "Басқарма"}
    docx = render_docx(template.docx("kk"), template.example("kk") | {"doc": doc}, "kk")
    return ColdConverter(timeout=180).to_pdf(docx)


def manifest(pdf: bytes) -> bytes:
    import hashlib

    return document_manifest(
        {
            "id": "0123456789abcdef",
            "template": "order",
            "kind": "order",
            "issuer": "department",
            "title": "Бұйрық",
            "number": "17",
            "date": "2026-11-25",
            "files": [
                {
                    "stage": "final",
                    "lang": "kk",
                    "format": "pdf",
                    "sha256": hashlib.sha256(pdf).hexdigest(),
                    "size": len(pdf),
                }
            ],
        }
    )


def _pem(cert: Any) -> bytes:
    data: bytes = cert.public_bytes(Encoding.PEM)
    return data


def raw_xml_sign(key: SigningKey) -> Callable[[bytes], bytes]:
    chain = [_pem(key.certificate).decode(), *(_pem(c).decode() for c in key.chain[:-1])]

    def sign(data: bytes) -> bytes:
        root = etree.fromstring(data)
        signer = XAdESSigner(signature_algorithm=SignatureMethod.RSA_SHA256)
        signed = signer.sign(root, key=key.private_key, cert=chain)
        return bytes(etree.tostring(signed))

    return sign


def raw_xml_verify(root_pem: Path) -> Callable[[bytes], object]:
    def verify(data: bytes) -> object:
        return XAdESVerifier().verify(data, ca_pem_file=str(root_pem), expect_references=3)

    return verify


def raw_xml_verify_revocation(
    root_pem: Path, trust: Trust, key: SigningKey
) -> Callable[[bytes], object]:
    """signxml's verification plus the chain and CRL check signxml does not do, with
    pyhanko-certvalidator as pyHanko's validator uses it: the same work as ours."""
    from pyhanko_certvalidator import CertificateValidator

    plain = raw_xml_verify(root_pem)

    def verify(data: bytes) -> object:
        plain(data)
        context = ValidationContext(
            trust_roots=[_asn1(c) for c in trust.anchors],
            crls=list(trust.crls),
            revocation_mode="require",
            allow_fetching=False,
        )
        validator = CertificateValidator(
            _asn1(key.certificate), [_asn1(c) for c in key.chain], validation_context=context
        )
        return asyncio.run(validator.async_validate_usage(set()))  # type: ignore[no-untyped-call]

    return verify


def _asn1(cert: Any) -> Any:
    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


def raw_pdf_sign(key: SigningKey) -> Callable[[bytes], bytes]:
    from asn1crypto import keys as asn1_keys
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    store = SimpleCertificateStore()  # type: ignore[no-untyped-call]
    store.register_multiple([_asn1(c) for c in key.chain])
    private = key.private_key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    signer = signers.SimpleSigner(  # pyHanko's stock signer
        signing_cert=_asn1(key.certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(private),
        cert_registry=store,
    )

    def sign(pdf: bytes) -> bytes:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        taken = len(list(fields.enumerate_sig_fields(writer.prev)))
        name = f"Signature{taken + 1}"
        meta = signers.PdfSignatureMetadata(
            field_name=name, md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES
        )
        pdf_signer = signers.PdfSigner(
            meta,
            signer,
            stamp_style=QRStampStyle(stamp_text="%(signer)s\n%(ts)s"),
            new_field_spec=SigFieldSpec(name, on_page=-1, box=(56, 16, 356, 88)),
        )
        out = pdf_signer.sign_pdf(writer, appearance_text_params={"url": URL})
        assert isinstance(out, BytesIO)
        return out.getvalue()

    return sign


def raw_pdf_verify(trust: Trust) -> Callable[[bytes], object]:
    def verify(pdf: bytes) -> object:
        context = ValidationContext(
            trust_roots=[_asn1(c) for c in trust.anchors],
            crls=list(trust.crls),
            revocation_mode="require",
            allow_fetching=False,
        )
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        status = validate_pdf_signature(reader.embedded_signatures[-1], context)
        assert status.bottom_line
        return status

    return verify


def uncached(call: Callable[[], object]) -> object:
    """Ours as on a first verification: no chain verdict from an earlier one."""
    TRUST_IN_USE[0].verdicts.clear()
    return call()


TRUST_IN_USE: list[Trust] = []


def timed(call: Callable[[], object]) -> int:
    start = time.perf_counter_ns()
    call()
    return time.perf_counter_ns() - start


def compare(name: str, ours: Callable[[], object], raw: Callable[[], object], rounds: int) -> Json:
    for _ in range(2):  # warm-up: imports, caches, font parsing
        ours()
        raw()
    mine: list[int] = []
    theirs: list[int] = []
    for i in range(rounds):
        pair = [(mine, ours), (theirs, raw)]
        for samples, call in pair if i % 2 == 0 else pair[::-1]:
            samples.append(timed(call))
    ratio = statistics.median(mine) / statistics.median(theirs)
    progress(f"{name}: ours/raw {ratio:.2f}")
    return {"ours": summary(mine), "raw": summary(theirs), "ratio_ours_to_raw": ratio}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="kense-bench-signing-"))
    paths = build().write(folder)
    key = load_pkcs12(paths["director"].read_bytes(), PASSWORD)
    trust = load_trust([str(paths["root"])], [str(paths["crl"]), str(paths["root_crl"])], "require")
    TRUST_IN_USE.append(trust)
    progress("converting the order to PDF/A (cold soffice)")
    pdf = order_pdf()
    xml = manifest(pdf)
    moment = datetime.now(UTC)
    ours_xml = sign_enveloped(xml, key, signing_time=moment)
    ours_pdf = sign_pdf(pdf, key, Stamp("", "Басқарма басшысы", URL), signing_time=moment)
    assert verify_xml(ours_xml, trust).passed and verify_pdf(ours_pdf, trust).passed
    raw_signed_xml = raw_xml_sign(key)(xml)
    raw_xml_verify(paths["root"])(raw_signed_xml)
    raw_signed_pdf = raw_pdf_sign(key)(pdf)
    raw_pdf_verify(trust)(raw_signed_pdf)
    rounds = args.rounds
    results: Json = {
        "xml_sign": compare(
            "xml sign",
            lambda: sign_enveloped(xml, key),
            lambda: raw_xml_sign(key)(xml),
            rounds,
        ),
        "xml_verify": compare(
            "xml verify",
            lambda: uncached(lambda: verify_xml(ours_xml, trust)),
            lambda: raw_xml_verify_revocation(paths["root"], trust, key)(raw_signed_xml),
            rounds,
        ),
        "xml_verify_vs_signxml_alone": compare(
            "xml verify vs signxml alone (no CRL check)",
            lambda: uncached(lambda: verify_xml(ours_xml, trust)),
            lambda: raw_xml_verify(paths["root"])(raw_signed_xml),
            rounds,
        ),
        "xml_verify_cached_chain": compare(
            "xml verify, chain verdict cached",
            lambda: verify_xml(ours_xml, trust),
            lambda: raw_xml_verify_revocation(paths["root"], trust, key)(raw_signed_xml),
            rounds,
        ),
        "pdf_sign": compare(
            "pdf sign",
            lambda: sign_pdf(pdf, key, Stamp("", "Басқарма басшысы", URL)),
            lambda: raw_pdf_sign(key)(pdf),
            rounds,
        ),
        "pdf_verify": compare(
            "pdf verify",
            lambda: uncached(lambda: verify_pdf(ours_pdf, trust)),
            lambda: raw_pdf_verify(trust)(raw_signed_pdf),
            rounds,
        ),
        "pdf_verify_cached_chain": compare(
            "pdf verify, chain verdict cached",
            lambda: verify_pdf(ours_pdf, trust),
            lambda: raw_pdf_verify(trust)(raw_signed_pdf),
            rounds,
        ),
    }
    results["input"] = {"pdf_bytes": len(pdf), "manifest_bytes": len(xml), "rounds": rounds}
    results["environment"] = environment(began)
    results["goal"] = GOAL
    write_results(RESULTS, results)
    print(f"{'operation':28} {'ours ms':>9} {'raw ms':>9} {'ratio':>6}  goal <= {GOAL}")
    for name in (
        "xml_sign",
        "xml_verify",
        "xml_verify_vs_signxml_alone",
        "xml_verify_cached_chain",
        "pdf_sign",
        "pdf_verify",
        "pdf_verify_cached_chain",
    ):
        row = results[name]
        ok = "ok" if row["ratio_ours_to_raw"] <= GOAL else "MISSED"
        print(
            f"{name:28} {row['ours']['median_us'] / 1000:9.2f} "
            f"{row['raw']['median_us'] / 1000:9.2f} {row['ratio_ours_to_raw']:6.2f}  {ok}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
