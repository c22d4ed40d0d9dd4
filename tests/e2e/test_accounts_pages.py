"""Signing in and out in a real Chromium; the audit page for administrators."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e


def test_a_wrong_password_is_refused_and_the_right_one_signs_in(
    page: Page, expected_errors: list[str]
) -> None:
    from playwright.sync_api import expect

    expected_errors.append("status of 401")  # the form comes back with 401 Unauthorized
    page.goto("/login?ui=ru")
    page.fill("#username", "drafter")
    page.fill("#password", "not the password at all")
    page.click(".login-form button[type=submit]")
    expect(page.locator("#login-error")).to_contain_text("wrong")
    expect(page.locator("header .account")).not_to_contain_text("drafter")
    page.fill("#username", "drafter")
    page.fill("#password", "correct horse battery staple")
    page.click(".login-form button[type=submit]")
    expect(page.locator("header .account .user")).to_have_text("Вы вошли как: drafter")
    expect(page.locator("nav.site-nav")).to_contain_text("Выпуск документа")
    page.click("header form.logout button")
    expect(page.locator("header .account")).to_contain_text("Войти")
    expect(page.locator("nav.site-nav")).not_to_contain_text("Выпуск документа")


def test_the_administrator_reads_the_audit_trail_with_filters(page: Page) -> None:
    from playwright.sync_api import expect

    sign_in(page, "admin", "/audit?ui=kk")
    expect(page.locator("#audit-verdict")).to_have_class("audit-verdict ok")
    page.fill('input[name="action"]', "login")
    page.click(".audit-filters button[type=submit]")
    rows = page.locator("table.audit tbody tr")
    expect(rows.first).to_contain_text("admin")
    for text in rows.all_inner_texts():
        assert "\tlogin" in text, text  # only the login family is listed


def test_a_page_for_staff_sends_a_visitor_to_sign_in_first(page: Page) -> None:
    response = page.goto("/audit")
    assert response is not None and response.status == 200
    assert "/login?next=" in page.url
    page.fill("#username", "admin")
    page.fill("#password", "correct horse battery staple")
    with page.expect_navigation():
        page.click(".login-form button[type=submit]")
    assert page.url.endswith("/audit")


def test_a_reader_may_not_open_the_audit_page(page: Page, expected_errors: list[str]) -> None:
    expected_errors.append("status of 403")
    sign_in(page, "reader", "/acts")
    response = page.goto("/audit")
    assert response is not None and response.status == 403
