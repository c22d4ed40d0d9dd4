"""The pages in a real Chromium: list, act on a date, timeline, UI language, history, diff."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

URI = "/akn/kz-kus/act/resolution/2021-11-12/514"
ACT = f"/acts{URI}"
TITLE = "мемлекеттік мекемесі туралы ережені бекіту туралы"


def _expect() -> type:
    from playwright.sync_api import expect

    return expect  # type: ignore[return-value]


def show_on(page: Page, day: str) -> None:
    """Pick a date in the date picker and submit the form."""
    page.fill("input#at", day)
    with page.expect_navigation():
        page.click("form.date-form button[type=submit]")
    assert f"at={day}" in page.url


def current_marker(page: Page) -> str | None:
    return page.locator("svg.timeline a.marker.current").get_attribute("data-date")


def test_list_then_open_the_seed_act(page: Page) -> None:
    expect = _expect()
    page.goto("/acts")
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.locator("h1")).to_have_text("Құқықтық актілер")
    assert page.locator("script").count() == 0, "no scripts at all (CSP-friendly)"
    link = page.locator(f'a[href^="{ACT}"]').first
    expect(link).to_contain_text(TITLE)
    link.click()
    page.wait_for_url(re.compile(re.escape(ACT)))
    expect(page.locator("h1")).to_contain_text(TITLE)
    assert page.locator("h1").count() == 1
    expect(page.locator("#chp_2__para_15__point_41")).to_contain_text("қандас куәлігін береді")


def test_search_box_filters_the_list(page: Page) -> None:
    expect = _expect()
    page.goto("/acts")
    page.fill("input#q", "жұмыспен қамтуды")
    with page.expect_navigation():
        page.press("input#q", "Enter")
    expect(page.locator(".act-item")).to_have_count(1)
    page.fill("input#q", "жоқ-мұндай-акт")
    with page.expect_navigation():
        page.press("input#q", "Enter")
    expect(page.locator(".act-item")).to_have_count(0)
    expect(page.locator(".empty")).to_have_text("Ештеңе табылмады")


def test_date_picker_and_timeline(page: Page) -> None:
    expect = _expect()
    page.goto(ACT)
    markers = page.locator("svg.timeline a.marker")
    expect(markers).to_have_count(2)
    assert [markers.nth(i).get_attribute("data-date") for i in range(2)] == [
        "2021-11-12",
        "2023-10-17",
    ]
    expect(page.locator("svg.timeline a.marker.current")).to_have_count(1)
    assert current_marker(page) == "2023-10-17"

    show_on(page, "2022-06-01")
    para_15 = page.locator("#chp_2__para_15")
    expect(para_15.locator(".not-held")).to_be_visible()
    expect(para_15.locator(".not-held")).to_contain_text(
        "17.10.2023 бастап қолданылатын редакциясы бар"
    )
    expect(para_15.locator(".not-held")).to_contain_text("№ 445")
    expect(para_15).to_contain_text("15.")
    expect(page.locator("#chp_2__para_15__point_41")).to_have_count(0)
    para_14 = page.locator("#chp_2__para_14")
    expect(para_14).to_contain_text("Өкілеттігі:")
    expect(para_14.locator(".not-held")).to_have_count(0)
    expect(page.locator("svg.timeline a.marker.current")).to_have_count(1)
    assert current_marker(page) == "2021-11-12"
    expect(page.locator(".interval")).to_contain_text("12.11.2021 – 16.10.2023")

    show_on(page, "2024-01-01")
    expect(page.locator("#chp_2__para_15__point_41")).to_contain_text("қандас куәлігін береді")
    expect(page.locator("#chp_2__para_15 .not-held")).to_have_count(0)
    assert current_marker(page) == "2023-10-17"
    expect(page.locator(".interval")).to_contain_text("17.10.2023 – қазіргі уақытқа дейін")

    # each marker is a link to the act on its date
    with page.expect_navigation():
        page.locator('svg.timeline a.marker[data-date="2021-11-12"]').click()
    assert "at=2021-11-12" in page.url
    assert current_marker(page) == "2021-11-12"


def test_assumed_dates_are_marked_with_a_legend(page: Page) -> None:
    expect = _expect()
    page.goto(ACT)
    expect(page.locator("svg.timeline a.marker.assumed")).to_have_count(2)
    expect(page.locator(".legend")).to_contain_text(
        "күні болжамды: алғашқы ресми жариялану күні дереккөзде жоқ"
    )


def test_interface_language_switches_to_russian_and_sticks(page: Page) -> None:
    expect = _expect()
    page.goto(f"{ACT}?at=2024-01-01")
    expect(page.locator("#versions-heading")).to_have_text("Редакциялар")
    with page.expect_navigation():
        page.locator('.ui-switch a[lang="ru"]').click()
    assert "at=2024-01-01" in page.url, "the UI switch keeps the query"
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("#versions-heading")).to_have_text("Редакции")
    expect(page.locator("form.compare-form button")).to_have_text("Сравнить")
    expect(page.locator("label[for=at]")).to_have_text("Редакция на дату")
    expect(page.locator(".lang-switch .unavailable")).to_contain_text("на русском")
    expect(page.locator(".lang-switch .unavailable")).to_contain_text("нет в реестре")
    # the act keeps its Kazakh numbering whatever the interface language
    expect(page.locator("#chp_2 > .heading")).to_contain_text("2-тарау.")
    page.goto("/acts")  # the cookie carries the choice
    expect(page.locator("h1")).to_have_text("Правовые акты")
    expect(page.locator("html")).to_have_attribute("lang", "ru")


def test_provision_history_lists_both_versions(page: Page) -> None:
    expect = _expect()
    page.goto(f"{ACT}?at=2024-01-01")
    link = page.locator("#chp_2__para_15 > .lead a.hist")
    with page.expect_navigation():
        link.click()
    assert "/provisions/chp_2__para_15/history" in page.url
    versions = page.locator("ol.history-list > li")
    expect(versions).to_have_count(2)
    expect(versions.nth(0)).to_contain_text("12.11.2021 – 16.10.2023")
    expect(versions.nth(0)).to_contain_text("мәтіні тізілімде жоқ")
    expect(versions.nth(1)).to_contain_text("17.10.2023 – қазіргі уақытқа дейін")
    expect(versions.nth(1)).to_contain_text("Функциялары")
    expect(versions.nth(1)).to_contain_text("№ 445")


def test_diff_between_two_dates_shows_paragraph_15_changed(page: Page) -> None:
    expect = _expect()
    page.goto(f"{ACT}/diff?from=2022-06-01&to=2024-01-01&lang=kk")
    change = page.locator('article.change[data-eid="chp_2__para_15"]')
    expect(change).to_have_attribute("data-kind", "changed")
    expect(change.locator(".badge.kind")).to_have_text("өзгертілді")
    expect(change.locator("ins")).to_contain_text("Функциялары")
    point = page.locator('article.change[data-eid="chp_2__para_15__point_41"]')
    expect(point).to_have_attribute("data-kind", "added")
    expect(point.locator("ins")).to_contain_text("қандас куәлігін береді")
    expect(page.locator('article.change[data-eid="chp_2__para_14"]')).to_have_count(0)


def test_compare_form_on_the_act_page_opens_the_diff(page: Page) -> None:
    expect = _expect()
    page.goto(ACT)
    page.select_option("select#cmp-from", "2021-11-12")
    page.select_option("select#cmp-to", "2023-10-17")
    with page.expect_navigation():
        page.click("form.compare-form button")
    assert "/diff?" in page.url and "from=2021-11-12" in page.url and "to=2023-10-17" in page.url
    expect(page.locator('article.change[data-eid="chp_2__para_15"]')).to_have_attribute(
        "data-kind", "changed"
    )


def test_screenshot_of_the_act_page(page: Page) -> None:
    page.goto(f"{ACT}?at=2022-06-01")
    page.screenshot(path="/tmp/kense-act.png")
    page.locator("#chp_2__para_14").scroll_into_view_if_needed()
    page.locator("#chp_2__para_15").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/kense-act-para15.png")
    assert page.locator("#chp_2__para_15 .not-held").is_visible()
