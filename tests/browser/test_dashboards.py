"""The 督查整改 loop as a street official and community staff live it, with screenshots:
dashboard → inspection failure with a photo → fix with an after-photo → acceptance → the
weekly ranking moves."""
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from portal.demo_inspections import seed_inspections
from portal.models import Rectification
from tests.portal.images import png_bytes

COMMUNITY = "兰新社区党委"


def _png(tmp_path, name, colour):
    path = tmp_path / name
    path.write_bytes(png_bytes((64, 48), colour))
    return str(path)


def _score(page, live_server, street):
    page.goto(f"{live_server.url}/dashboard/street/{street.pk}/ranking/")
    row = page.locator(f"#ranking-table tr[data-community='{COMMUNITY}']")
    return Decimal(row.locator("td.score").inner_text())


def _sign_in_as(page, login, username):
    page.context.clear_cookies()
    login(page, username)


def test_inspection_fix_acceptance_moves_the_ranking(page, live_server, login, demo,
                                                     screenshot, tmp_path):
    seed_inspections(demo)
    today = timezone.localdate().isoformat()

    login(page, "jiedao")
    expect(page.locator("h1")).to_contain_text("街道工作台")
    expect(page.locator("[data-chart='pass-fail'][data-ready='1']")).to_have_count(1)
    expect(page.locator("#panel-inspections")).to_contain_text(COMMUNITY)
    screenshot(page, "dashboards-street")

    page.get_by_role("link", name="记录督查").first.click()
    page.select_option("select[name=point]", label=f"{COMMUNITY} · 小区出入口·东门出入口")
    page.check("input[name=result][value=fail]")
    page.fill("textarea[name=problem]", "出入口堆放建筑垃圾")
    page.set_input_files("input[name=photo]", _png(tmp_path, "before.png", (120, 80, 40)))
    page.fill("input[name=deadline]", today)
    screenshot(page, "dashboards-inspection-form")
    page.click("main button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("下发整改")
    rectification = Rectification.objects.get(inspection__problem="出入口堆放建筑垃圾")
    before = _score(page, live_server, demo.street)
    screenshot(page, "dashboards-ranking-before")

    _sign_in_as(page, login, "shequ")
    expect(page.locator("h1")).to_contain_text("社区工作台")
    screenshot(page, "dashboards-community")
    page.locator("#tasks-to-fix").get_by_role("link", name="出入口堆放建筑垃圾").click()
    page.get_by_role("link", name="报告整改完成").click()
    page.fill("textarea[name=note]", "已清运，设置围挡")
    page.set_input_files("input[name=photo]", _png(tmp_path, "after.png", (40, 160, 60)))
    page.click("main button[type=submit]")
    expect(page.locator("#rectification-status")).to_have_text("待验收")
    screenshot(page, "dashboards-rectification-fixed")

    _sign_in_as(page, login, "jiedao")
    page.goto(f"{live_server.url}/dashboard/rectifications/{rectification.pk}/")
    page.get_by_role("button", name="验收通过").click()
    expect(page.locator("#rectification-status")).to_have_text("已验收")
    expect(page.locator("#rectification-history tbody tr")).to_have_count(3)
    screenshot(page, "dashboards-rectification-accepted")

    after = _score(page, live_server, demo.street)
    assert after > before
    expect(page.locator("#ranking-formula")).to_contain_text("按期整改率")
    screenshot(page, "dashboards-ranking-after")

    page.goto(f"{live_server.url}/dashboard/street/{demo.street.pk}/bulletin/")
    expect(page.locator("main")).to_contain_text("出入口堆放建筑垃圾")
    screenshot(page, "dashboards-bulletin")
    page.goto(f"{live_server.url}/dashboard/report/{demo.street.pk}/")
    expect(page.locator("h1")).to_contain_text("月报")
    screenshot(page, "dashboards-monthly-report")


def test_the_street_official_sees_red_communities_and_opens_the_branch(page, live_server, login,
                                                                       demo, screenshot):
    from organizations.factories import BranchFactory
    from organizations.models import Node

    community = Node.objects.get(name=COMMUNITY)
    branch = BranchFactory(parent=community, name="新成立第九党支部")   # held nothing yet
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "jiedao")
    expect(page.locator("[data-chart='heatmap'][data-ready='1']")).to_have_count(1)
    expect(page.locator("#red-communities")).to_contain_text(COMMUNITY)
    expect(page.locator("#panel-activities [data-chart='activities'][data-ready='1']")
           ).to_have_count(1)
    expect(page.locator("#panel-service")).to_contain_text("岗位认领率")
    expect(page.locator("#panel-contributions")).to_contain_text("捐款")
    screenshot(page, "dashboards-street-compliance")
    row = page.locator("#red-branches tr", has_text="新成立第九党支部")
    expect(row.locator("td").nth(1)).to_have_text("未达标")
    row.get_by_role("link", name="新成立第九党支部").click()
    expect(page).to_have_url(f"{live_server.url}/activities/branches/{branch.pk}/compliance/")
    expect(page.locator("main")).to_contain_text("新成立第九党支部")
    screenshot(page, "dashboards-branch-compliance")
