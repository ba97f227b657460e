"""The district's 大屏 in Chromium at 1920×1080: created from the district dashboard, its
streets drawn side by side and refreshed in place, the page fitting the screen, the console
clean; a district of 25 streets still fits, its table of streets a page at a time."""
import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from members.factories import MemberFactory
from members.models import Member
from organizations.factories import (BranchFactory, CommunityFactory, DistrictFactory,
                                     StreetFactory, UserFactory)
from portal.kiosk import services

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


# 兰州市城关区's streets and one more: a district as large as they come, with long names.
STREETS = ["酒泉路", "张掖路", "雁南", "临夏路", "雁北", "五泉", "白银路", "皋兰路", "广武门",
           "伏龙坪", "靖远路", "草场街", "火车站", "拱星墩", "东岗", "团结新村", "东岗西路",
           "铁路东村", "铁路西村", "渭源路", "盐场路", "嘉峪关路", "焦家湾", "青白石", "光明路"]

# In one go, so that a page turn cannot fall between the reads: the table rows shown, whether
# any of them is cut off by its card, the page marker, and whether the page would scroll.
SCREEN_STATE = """() => {
  const table = document.getElementById("kiosk-streets");
  const card = table.closest(".kiosk-card").getBoundingClientRect();
  const shown = [...table.tBodies[0].rows].filter(row => !row.hidden);
  return {
    names: shown.map(row => row.cells[0].textContent),
    cut: shown.filter(row => row.getBoundingClientRect().bottom > card.bottom).length,
    marker: document.getElementById("kiosk-streets-page").textContent,
    scrolls: document.documentElement.scrollHeight > window.innerHeight,
    refreshes: Number(document.getElementById("kiosk").dataset.refreshes),
  };
}"""

# The texts of a chart that overlap one another (by more than a pixel or two of line spacing),
# and its smallest text.
CHART_TEXTS = """(chart) => {
  const boxes = [...chart.querySelectorAll("text")].map(text => text.getBoundingClientRect())
    .filter(box => box.width > 0);
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 2
    && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 2;
  return {
    overlapping: boxes.filter((a, i) => boxes.some((b, j) => i !== j && overlap(a, b))).length,
    smallest: Math.min(...[...chart.querySelectorAll("text")]
      .map(text => parseFloat(getComputedStyle(text).fontSize))),
  };
}"""


@pytest.fixture
def large_district(transactional_db):
    """城关区 with 25 streets of one community each, and a link to its screen."""
    district = DistrictFactory(name="城关区")
    for name in STREETS:
        street = StreetFactory(parent=district, name=f"{name}街道党工委")
        community = CommunityFactory(parent=street, name=f"{name}社区党委")
        MemberFactory(branch=BranchFactory(parent=community))
    _link, token = services.link_create(node=district, label="区委一楼大屏", expires_on=None,
                                        user=UserFactory())
    return token


def test_twenty_five_streets_fit_the_screen_a_page_at_a_time(page, live_server, large_district,
                                                            settings, screenshot):
    # A refresh comes more often than a page turn: a refresh that went back to the first page
    # would never let the last streets show.
    settings.KIOSK_REFRESH_SECONDS = 1
    settings.KIOSK_PAGE_SECONDS = 3
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{live_server.url}{reverse('kiosk:screen', args=[large_district])}")
    expect(page.locator("[data-kiosk-chart][data-ready='1']")).to_have_count(4)
    screenshot(page, "kiosk-district-25-streets")

    # Every street's name on each chart's axis, none left out for want of room, none written
    # over another, none too small to read across the room.
    for chart in page.locator("[data-kiosk-chart]").all():
        drawn = "".join(chart.inner_text().split())
        assert all(name in drawn for name in STREETS), drawn
        texts = chart.evaluate(CHART_TEXTS)
        assert texts["overlapping"] == 0 and texts["smallest"] >= 12, texts

    first = page.evaluate(SCREEN_STATE)
    pages = int(first["marker"].split("/")[1].split()[0])
    assert first["marker"] == f"第 1/{pages} 页" and pages >= 2, first
    seen, markers, elements = set(), set(), page.evaluate(ELEMENTS)
    deadline = time.monotonic() + 3 * pages + 10
    while len(seen) < len(STREETS) and time.monotonic() < deadline:
        state = page.evaluate(SCREEN_STATE)
        assert not state["scrolls"] and not state["cut"], state
        assert 0 < len(state["names"]) <= len(first["names"]), state
        seen.update(state["names"])
        markers.add(state["marker"])
        page.wait_for_timeout(250)
    assert seen == {f"{name}街道党工委" for name in STREETS}
    assert markers == {f"第 {n}/{pages} 页" for n in range(1, pages + 1)}
    assert state["refreshes"] >= 3, "the figures kept coming while the pages turned"
    assert page.evaluate(ELEMENTS) == elements, "a page turn or a refresh adds nothing"
    expect(page.locator("#kiosk-stale")).to_be_hidden()
    assert not errors, errors
