"""大屏 in Chromium at 1920×1080: the figures are drawn, refreshed in place without growing the
page, a failed refresh keeps them with the marker, and the console stays clean."""
from playwright.sync_api import expect

from members.models import Member

ELEMENTS = "document.getElementsByTagName('*').length"


def test_the_big_screen_refreshes_in_place(page, live_server, login, demo, settings,
                                           screenshot):
    settings.KIOSK_REFRESH_SECONDS = 1
    login(page, "jiedao")
    page.get_by_role("link", name="大屏", exact=True).click()
    page.fill("input[name=label]", "党群服务中心一楼")
    page.click("main form:not([action]) button[type=submit]")
    expect(page.locator("#kiosk-links")).to_contain_text("党群服务中心一楼")
    screen_url = page.locator("#new-link-url").input_value()
    screenshot(page, "kiosk-links")
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
    on_roll = Member.objects.active().filter(branch__path__startswith=demo.street.path).count()
    expect(page.locator("#tile-members .tile-figure")).to_have_text(f"{on_roll:,}")
    for tile in ("members", "branches", "inspections", "volunteers", "wishes"):
        figure = page.locator(f"#tile-{tile} .tile-figure").inner_text()
        assert figure.replace(",", "").replace(".", "").isdigit(), (tile, figure)
    expect(page.locator("[data-kiosk-chart][data-ready='1']")).to_have_count(5)
    expect(page.locator("#kiosk-contributions li")).to_have_count(4)
    expect(page.locator("#kiosk-stale")).to_be_hidden()
    # The page fits the screen: nothing to scroll on a wall.
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    screenshot(page, "kiosk-1920")
    assert not errors, errors

    elements = page.evaluate(ELEMENTS)
    expect(kiosk).to_have_attribute("data-refreshes", "4", timeout=15000)
    assert page.evaluate(ELEMENTS) == elements, "each refresh must replace, not add"

    members = page.locator("#tile-members .tile-figure").inner_text()
    page.route("**/figures/", lambda route: route.fulfill(status=503, body="down"))
    expect(page.locator("#kiosk-stale")).to_be_visible(timeout=15000)
    expect(page.locator("#kiosk-stale")).to_have_text("数据更新失败，稍后重试")
    assert page.locator("#tile-members .tile-figure").inner_text() == members
    screenshot(page, "kiosk-1920-stale")
    page.unroute("**/figures/")
    expect(page.locator("#kiosk-stale")).to_be_hidden(timeout=15000)
