"""Issuing a certificate from the form in a real Chromium: validation as you type, PDF download."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from templates.catalog import Catalog
from tests.e2e.conftest import sign_in
from tests.templates.conftest import require_libreoffice

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e
TEMPLATE = "kandas-certificate"


def flatten(value: Any, path: str = "") -> dict[str, str]:
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for key, item in value.items():
            out |= flatten(item, f"{path}.{key}" if path else key)
        return out
    if isinstance(value, list):
        out = {}
        for i, item in enumerate(value):
            out |= flatten(item, f"{path}.{i}")
        return out
    return {path: str(value)}


def fill(page: Page, data: dict[str, Any]) -> None:
    """Fill the generated form with ``data``, adding array items with their "+" buttons."""
    for key, value in data.items():
        if isinstance(value, list):
            for _ in range(len(value) - 1):
                page.click(f'fieldset.array[data-path="{key}"] > button')
    for name, value in flatten(data).items():
        field = page.locator(f'[name="{name}"]')
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def test_fill_a_certificate_see_errors_then_download_its_pdf(page: Page) -> None:
    from playwright.sync_api import expect

    require_libreoffice()
    example = Catalog().get(TEMPLATE).example("kk")
    iin_field = next(
        k for k, v in example.items() if isinstance(v, str) and len(v) == 12 and v.isdigit()
    )
    sign_in(page, "drafter", "/documents/new?ui=kk")
    page.select_option("#template", TEMPLATE)
    expect(page.locator(f'[name="{iin_field}"]')).to_be_visible()
    fill(page, example)
    page.fill(f'[name="{iin_field}"]', "123456789012")
    invalid = page.locator(f'[name="{iin_field}"][aria-invalid="true"]')
    expect(invalid).to_have_count(1, timeout=10_000)
    expect(page.locator(f"#f-{iin_field}-error")).not_to_be_empty()
    page.fill(f'[name="{iin_field}"]', example[iin_field])
    expect(invalid).to_have_count(0, timeout=10_000)
    page.click("#preview")
    expect(page.locator("#pdf-preview")).to_be_visible(timeout=60_000)
    page.check("#final")
    page.click("#issue")
    expect(page.locator("#result")).to_be_visible(timeout=60_000)
    expect(page.locator("#result-text")).to_contain_text("№ 1")
    link = page.locator("#result-files a", has_text="kk.pdf")
    with page.expect_download() as download:
        link.click()
    path = download.value.path()
    assert path is not None
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
