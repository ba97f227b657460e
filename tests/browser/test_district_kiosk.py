"""The district's 大屏 in Chromium at 1920×1080: created from the district dashboard, its
streets drawn side by side and refreshed in place, the page fitting the screen, the console
clean."""
import pytest
from playwright.sync_api import expect

from members.models import Member

ELEMENTS = "document.getElementsByTagName('*').length"


@pytest.fixture
def district_demo(transactional_db):
    from portal import demo as portal_demo

    return portal_demo.seed(portal_demo.DemoContext(communities=2, members_per_community=8,
                                                    streets=2, log=lambda text: None))


def test_the_district_screen_puts_its_streets_side_by_side(page, live_server, login,
                                                          district_demo, settings, screenshot):
    settings.KIOSK_REFRESH_SECONDS = 1
    login(page, "quwei")  # lands on the district dashboard
    page.get_by_role("link", name="大屏", exact=True).click()
    page.fill("input[name=label]", "区委一楼大屏")
    page.click("main form:not([action]) button[type=submit]")
    expect(page.locator("#kiosk-links")).to_contain_text("区委一楼大屏")
    screen_url = page.locator("#new-link-url").input_value()
    page.goto("about:blank")
    page.context.clear_cookies()  # the screen needs no login

    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(screen_url)

    kiosk = page.locator("#kiosk")
    expect(kiosk).to_have_attribute("data-refreshes", "2", timeout=15000)
    streets = district_demo.street_nodes
    on_roll = Member.objects.active().filter(
        branch__district=streets[0].district_id).count()
    expect(page.locator("#tile-members .tile-figure")).to_have_text(f"{on_roll:,}")
    expect(page.locator("#kiosk-streets tbody tr")).to_have_count(len(streets))
    expect(page.locator("#kiosk-streets tbody")).to_contain_text(streets[1].name)
    expect(page.locator("[data-kiosk-chart][data-ready='1']")).to_have_count(4)
    expect(page.locator("#kiosk-contributions li")).to_have_count(4)
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    screenshot(page, "kiosk-district-1920")
    assert not errors, errors

    elements = page.evaluate(ELEMENTS)
    expect(kiosk).to_have_attribute("data-refreshes", "4", timeout=15000)
    assert page.evaluate(ELEMENTS) == elements, "each refresh must replace, not add"
