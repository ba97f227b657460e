"""No page wider than the screen: the main pages of every role at 1366×900 in English (and
Chinese), and on a 390 px phone; screenshots under var/screenshots/ to look at."""
import pytest

ROLES = ["jiedao", "shequ", "shuji", "dangyuan"]
WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def nav_paths(page):
    """The home page plus every page the navigation bar links to (the role's main pages)."""
    hrefs = page.eval_on_selector_all(
        "#mainnav a.nav-link[href^='/'], #mainnav a.dropdown-item[href^='/']",
        "links => links.map(link => link.getAttribute('href'))")
    return ["/"] + sorted({href for href in hrefs if href != "/"})


def overflow(page):
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def switch_language(page, live_server, code):
    page.goto(f"{live_server.url}/")
    button = page.locator(f".language-switch button[value='{code}']")
    if button.count():
        with page.expect_navigation():
            button.click()
        page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_main_pages_of_every_role_fit_a_1366_screen(browser, live_server, login, demo,
                                                   screenshot, language):
    too_wide = []
    for username in ROLES:
        context = browser.new_context(viewport=WIDE, locale="zh-CN")
        page = context.new_page()
        login(page, username)
        switch_language(page, live_server, language)
        for path in nav_paths(page):
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            extra = overflow(page)
            if extra > 0:
                too_wide.append((username, path, extra))
            name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "home"
            screenshot(page, f"layout-{language}-{username}-{name}")
        context.close()
    assert too_wide == [], too_wide


def test_the_navigation_wraps_in_english_and_every_section_stays_on_screen(browser,
                                                                          live_server, login,
                                                                          demo):
    context = browser.new_context(viewport=WIDE, locale="zh-CN")
    page = context.new_page()
    login(page, "jiedao")
    switch_language(page, live_server, "en")
    assert overflow(page) <= 0
    right_edges = page.eval_on_selector_all(
        "#mainnav a.nav-link", "links => links.map(link => link.getBoundingClientRect().right)")
    assert right_edges and max(right_edges) <= WIDE["width"]
    context.close()


def test_compliance_and_service_tables_fit_a_phone(browser, live_server, login, demo,
                                                   screenshot):
    from organizations.models import Node

    street = Node.objects.get(grants__user__username="jiedao")
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    login(page, "jiedao")
    for path in [f"/activities/streets/{street.pk}/compliance/", f"/dashboard/street/{street.pk}/"]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        screenshot(page, "phone" + path.replace("/", "-"))
        assert overflow(page) <= 0, path
    context.close()


def test_participant_rows_are_added_in_the_browser(page, live_server, login, demo):
    from activities.models import CommunityActivity

    login(page, "shequ")
    page.goto(f"{live_server.url}/activities/activities/new/")
    rows = page.locator("#participants-rows tr")
    before = rows.count()
    add = page.get_by_role("button", name="添加一行")
    for _ in range(3):
        add.click()
    assert rows.count() == before + 3
    assert page.locator("#id_participants-TOTAL_FORMS").input_value() == str(before + 3)
    options = page.locator(f"select[name='participants-{before + 2}-member'] option")
    assert options.count() > 1
    page.fill("input[name=title]", "楼道清理")
    page.fill("input[name=held_on]", "2026-11-20")
    page.fill("input[name=place]", "小区")
    page.fill("input[name=organizer]", "社区党委")
    page.fill("input[name=residents_count]", "10")
    page.select_option("select[name=kind]", index=1)
    for index in range(before + 3):
        page.select_option(f"select[name='participants-{index}-member']", index=index + 1)
        page.fill(f"input[name='participants-{index}-hours']", "2")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    activity = CommunityActivity.objects.get(title="楼道清理")
    assert activity.participations.count() == before + 3
