"""Co-building tried as a new user would: staff of 兰新社区 run a unit from registration to a
finished project; the street sees the totals; staff of another community get 404."""
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from organizations.factories import GrantFactory, UserFactory
from organizations.models import Node
from organizations.scope import Role
from pairing.models import Contribution, Pairing, Project, Unit


def _save(page):
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_staff_run_a_unit_from_registration_to_a_finished_project(
        page, live_server, login, demo, screenshot):
    today = timezone.localdate()
    login(page, "shequ")
    page.goto(f"{live_server.url}/pairing/units/new/")
    page.get_by_label("单位名称").fill("兰新路派出所")
    page.get_by_label("单位类型").select_option(label="行政单位")
    page.get_by_label("党员人数").fill("25")
    _save(page)
    expect(page.locator("h1")).to_contain_text("兰新路派出所")
    unit = Unit.objects.get(name="兰新路派出所")

    page.goto(f"{live_server.url}/pairing/units/new/")  # a second time: refused
    page.get_by_label("单位名称").fill("兰新路派出所")
    page.get_by_label("单位类型").select_option(label="行政单位")
    _save(page)
    expect(page.locator("main")).to_contain_text("本街道已登记名为“兰新路派出所”的共建单位")

    page.goto(f"{live_server.url}/pairing/agreements/new/")
    page.get_by_label("共建单位").select_option(label="兰新路派出所")
    page.get_by_label("签订日期").fill(f"{today - timedelta(days=10):%Y-%m-%d}")
    page.get_by_label("生效日期").fill(f"{today - timedelta(days=10):%Y-%m-%d}")
    page.get_by_label("到期日期").fill(f"{today + timedelta(days=1000):%Y-%m-%d}")
    page.get_by_label("社会治安联防").check()
    _save(page)
    expect(page.locator("#agreement-status")).to_have_text("履行中")

    page.goto(f"{live_server.url}/pairing/households/new/")
    page.get_by_label("困难类型").select_option(label="孤寡老人")
    page.get_by_label("户主姓名").fill("孙大娘")
    page.get_by_label("住址").fill("兰新小区3栋")
    page.get_by_label("困难情况").fill("独居，行动不便")
    _save(page)
    expect(page.locator("h1")).to_contain_text("孙大娘")

    page.goto(f"{live_server.url}/pairing/pairings/new/")
    page.get_by_label("结对类型").select_option(label="单位结对困难家庭")
    page.get_by_label("帮扶单位").select_option(label="兰新路派出所")
    page.get_by_label("困难家庭").select_option(label="孙大娘（孤寡老人）")
    _save(page)
    pairing = Pairing.objects.get(unit=unit)
    page.get_by_role("link", name="记录走访慰问").click()
    page.get_by_label("走访人").fill("派出所党支部")
    page.get_by_label("送去的物品或办的事").fill("米面油，检查燃气安全")
    _save(page)
    expect(page.locator("#visits")).to_contain_text("检查燃气安全")
    page.get_by_role("link", name="记录捐助").click()
    page.get_by_label("类别").select_option(label="捐款")
    page.get_by_label("数额").fill("-50")
    page.get_by_label("说明").fill("慰问金")
    _save(page)
    expect(page.locator("main")).to_contain_text("数额必须大于 0")
    page.get_by_label("数额").fill("800")
    _save(page)
    expect(page.locator("#pairing-contributions")).to_contain_text("800")
    assert Contribution.objects.get(pairing=pairing).amount == 800

    page.goto(f"{live_server.url}{unit.get_absolute_url()}")
    page.get_by_role("link", name="登记资源").click()
    page.get_by_label("类别").select_option(label="治安消防")
    page.get_by_label("资源").fill("消防安全讲座")
    _save(page)
    page.goto(f"{live_server.url}/pairing/needs/new/")
    page.get_by_label("类别").select_option(label="治安消防")
    page.locator("#id_title").fill("老旧小区消防隐患排查")
    _save(page)
    page.locator("#needs tr", has_text="老旧小区消防隐患排查").get_by_role(
        "link", name="匹配立项").click()
    page.get_by_label("资源").select_option(label="兰新路派出所：消防安全讲座")
    page.get_by_label("负责人").fill("李社区")
    page.get_by_label("完成期限").fill(f"{today + timedelta(days=30):%Y-%m-%d}")
    _save(page)
    page.get_by_role("link", name="更新进展").click()
    page.get_by_label("状态").select_option(label="已完成")
    _save(page)
    expect(page.locator("main")).to_contain_text("标记为已完成前请填写项目成效")
    page.get_by_label("成效").fill("排查隐患12处，已全部整改")
    page.get_by_label("居民评价").fill("5")
    _save(page)
    expect(page.locator("#project-status")).to_have_text("已完成")
    assert Project.objects.get(unit=unit).status == Project.Status.DONE
    screenshot(page, "pairing-project-done")

    page.context.clear_cookies()
    login(page, "jiedao")
    page.goto(f"{live_server.url}/pairing/")
    expect(page.locator("#year-totals")).to_contain_text("5800")  # demo ¥5,000 + this ¥800
    expect(page.locator("#household-counts")).to_contain_text("兰新社区")
    expect(page.locator("main")).not_to_contain_text("孙大娘")
    screenshot(page, "pairing-street-overview")
    response = page.goto(f"{live_server.url}/pairing/pairings/{pairing.pk}/")
    assert response.status == 200
    expect(page.locator("main")).not_to_contain_text("孙大娘")

    other = Node.objects.get(name="袁庄社区党委")
    GrantFactory(user=UserFactory(username="yuanzhuang"), node=other, role=Role.COMMUNITY_STAFF)
    page.context.clear_cookies()
    login(page, "yuanzhuang")
    for path in [unit.get_absolute_url(), f"/pairing/pairings/{pairing.pk}/",
                 f"/pairing/households/{pairing.household_id}/",
                 Project.objects.get(unit=unit).get_absolute_url()]:
        assert page.goto(f"{live_server.url}{path}").status == 404, path
