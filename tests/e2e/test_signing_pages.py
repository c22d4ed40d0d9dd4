"""The director signs a finalised order on its page; a recipient verifies the PDF they got."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask

from registry.audit import acting_as
from templates.catalog import Catalog
from templates.routes import documents_of
from tests.e2e.conftest import sign_in
from tests.signing.pki import PASSWORD as KEY_PASSWORD
from tests.templates.conftest import require_libreoffice

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e


def test_the_director_signs_and_a_recipient_verifies(
    page: Page, live_app: Flask, pki_paths: dict[str, Path], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    require_libreoffice()
    documents = documents_of(live_app)
    with acting_as("user:drafter"):
        order = documents.generate(
            "order", {"kk": Catalog().get("order").example("kk")}, actor="user:drafter", final=True
        )
    sign_in(page, "director", f"/documents/{order['id']}/sign?ui=kk")
    expect(page.locator("#document-status")).to_have_text("final")
    page.set_input_files("#key", str(pki_paths["director"]))
    page.fill("#password", KEY_PASSWORD)
    with page.expect_navigation():
        page.click(".sign-form button[type=submit]")
    assert page.url.endswith(f"/verify/{order['id']}")
    expect(page.locator("#record-status")).to_have_text("signed")
    expect(page.locator("#record-signer")).to_have_text("Серіков Ерлан Болатұлы")
    signed = documents.registry.document(order["id"])
    pdf, _ = documents.registry.document_file(order["id"], "signed", "kk", "pdf")
    received = tmp_path / "received.pdf"
    received.write_bytes(pdf)
    page.set_input_files("#file", str(received))
    page.click(".verify-form button[type=submit]")
    expect(page.locator("#indication")).to_have_text("TOTAL-PASSED")
    expect(page.locator("#report-registry")).to_contain_text(signed["title"])
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(pdf + b"\n%% changed after signing\n")
    page.set_input_files("#file", str(tampered))
    page.click(".verify-form button[type=submit]")
    expect(page.locator("#indication")).to_contain_text("TOTAL-FAILED")
