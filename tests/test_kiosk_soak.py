"""The verdict and the screen comparison of `manage.py kiosk_soak`, without a browser or gunicorn."""
from dataclasses import replace

import pytest

from bench import soak


def steady(minutes=60, **overrides):
    """A run whose figures stay flat: one sample a minute from minute 0."""
    base = soak.Sample(minute=0, heap_mb=7.5, dom_nodes=776, elements=527, listeners=108,
                       charts=5, timers=2, rss_mb=310.0, refreshes=0, changes=0)
    return [replace(base, minute=minute, refreshes=6 * minute, changes=2 * minute, **overrides)
            for minute in range(minutes + 1)]


def clean(samples):
    return soak.verdict(samples, reloaded=False, failed_refreshes=0, stale_checks=0)


def test_a_flat_hour_passes_with_ratios_of_one():
    result = clean(steady())
    assert result == {"ok": True, "problems": [],
                      "growth": {"heap_mb": 1.0, "dom_nodes": 1.0, "listeners": 1.0,
                                 "rss_mb": 1.0}}


def test_windows_are_ten_minutes_after_warm_up_or_half_a_short_run():
    first, last = soak.windows(steady())
    assert [s.minute for s in first] == list(range(2, 12))
    assert [s.minute for s in last] == list(range(51, 61))
    first, last = soak.windows(steady(minutes=3))
    assert [s.minute for s in first] == [2] and [s.minute for s in last] == [3]


def test_a_heap_growing_a_fifth_more_fails_and_a_little_less_passes():
    samples = steady()
    grown = [replace(s, heap_mb=7.5 * 1.25) if s.minute > 50 else s for s in samples]
    result = clean(grown)
    assert not result["ok"] and result["growth"]["heap_mb"] == 1.25
    assert result["problems"][0].startswith("JS 堆增长")
    within = [replace(s, heap_mb=7.5 * 1.15) if s.minute > 50 else s for s in samples]
    assert clean(within)["ok"]


def test_the_warm_up_minutes_do_not_count():
    samples = [replace(s, dom_nodes=300) if s.minute < 2 else s for s in steady()]
    assert clean(samples)["ok"]


def test_dom_nodes_listeners_and_gunicorn_memory_are_watched_too():
    late = lambda s: s.minute > 50  # noqa: E731
    assert not clean([replace(s, dom_nodes=1000) if late(s) else s for s in steady()])["ok"]
    assert not clean([replace(s, listeners=200) if late(s) else s for s in steady()])["ok"]
    # The workers' RSS gets more room (the allocator keeps pages): 1.4× passes, 1.6× fails.
    assert clean([replace(s, rss_mb=310 * 1.4) if late(s) else s for s in steady()])["ok"]
    assert not clean([replace(s, rss_mb=310 * 1.6) if late(s) else s for s in steady()])["ok"]


def test_a_chart_instance_more_or_a_stacked_timer_fails():
    assert not clean([replace(s, charts=6) if s.minute == 55 else s for s in steady()])["ok"]
    result = clean([replace(s, timers=3) if s.minute > 50 else s for s in steady()])
    assert result["problems"] == ["定时器数量增长"]


@pytest.mark.parametrize("kwargs, problem", [
    ({"reloaded": True}, "页面整页重新加载过（window 上的标记不见了）"),
    ({"failed_refreshes": 1}, "刷新失败 1 次（应为 0）"),
    ({"stale_checks": 2}, "2 次改动之后，屏幕在下一次刷新后仍未显示新数据"),
])
def test_a_reload_a_failed_refresh_or_a_stale_screen_fails(kwargs, problem):
    result = soak.verdict(steady(), **{"reloaded": False, "failed_refreshes": 0,
                                       "stale_checks": 0, **kwargs})
    assert not result["ok"] and result["problems"] == [problem]


def test_too_short_a_run_cannot_pass():
    result = clean(steady(minutes=2))
    assert not result["ok"] and "样本不足" in result["problems"][0]


FIGURES = {"street": "光明路街道", "updated_at": "10:00:00", "today": "2026-12-05",
           "communities": ["兰新社区", "幸福社区"],
           "members": {"total": 1234, "chart": {"series": [{"name": "正式", "data": [600, 634]}]}},
           "volunteers": {"totals": {"hours": "1502.5"}},
           "activities": {"chart": {"activities": [3, 4], "hours": ["6.0", "8.5"]}},
           "inspections": None}


def screen(**figures):
    shown = {"street": "光明路街道", "updated_at": "09:59:00", "communities.length": "2",
             "members.total": "1,234", "volunteers.totals.hours": "1,502.5",
             "inspections.totals.total": "—"}
    return {"figures": {**shown, **figures},
            "charts": {"members": [[600, 634]], "activities": [[3, 4], ["6.0", "8.5"]]}}


def test_the_screen_agrees_with_the_figures_as_kiosk_js_formats_them():
    assert soak.differences(screen(), FIGURES) == []


def test_a_figure_or_a_chart_the_screen_still_shows_from_before_is_reported():
    assert soak.differences(screen(**{"volunteers.totals.hours": "1,501"}), FIGURES) == [
        "volunteers.totals.hours：屏幕 1,501，应为 1502.5"]
    stale_chart = screen()
    stale_chart["charts"]["activities"] = [[3, 3], [6, 8.5]]
    assert soak.differences(stale_chart, FIGURES) == [
        "图表 activities：屏幕 [[3, 3], [6, 8.5]]，应为 [[3, 4], ['6.0', '8.5']]"]


def test_only_the_update_time_moving_is_no_change():
    assert not soak.changed(FIGURES, {**FIGURES, "updated_at": "10:00:10"})
    assert soak.changed(FIGURES, {**FIGURES, "volunteers": {"totals": {"hours": "1504.0"}}})


def test_the_changes_go_through_the_services_and_move_the_screens_figures(world):
    from activities.models import Meeting
    from portal.kiosk.figures import screen_figures
    from portal.models import Rectification

    changes = soak.Changes(world.street, world.users["official"])
    labels, moved = [], []
    for _ in range(4):
        before = soak.as_browser_sees(screen_figures(world.street))
        labels.append(changes.next())
        moved.append(soak.changed(before, soak.as_browser_sees(screen_figures(world.street))))
    # No volunteer team in this street: the third change records an activity's hours instead.
    assert labels == ["会议 兰新社区第一党支部", "活动 兰新社区党委", "活动 兰新社区党委",
                      "督查不合格、待整改 兰新社区党委"]
    assert Meeting.objects.filter(branch=world.branch, status=Meeting.Status.HELD).count() == 1
    assert Rectification.objects.filter(community=world.community).count() == 1
    assert moved[1:] == [True, True, True]
    # The next round moves on to the street's next community, whose branch has no members
    # to meet: an activity there instead.
    assert changes.next() == "活动 袁庄社区党委"


def test_lists_take_turns_and_a_shorter_one_drops_out():
    assert soak.in_turn([["a1", "a2", "a3"], ["b1"], ["c1", "c2"]]) == [
        "a1", "b1", "c1", "a2", "c2", "a3"]
    assert soak.in_turn([["a1", "a2"]]) == ["a1", "a2"]


def street_row(name, **figures):
    row = {"street": name, "communities": 2, "branches": 5, "members": 1234, "full": 1200,
           "probationary": 34, "green": 3, "amber": 1, "red": 1, "grey": 0, "red_branches": 1,
           "passed": 4, "failed": 1, "activities": 3, "hours": 6.5, "wishes_done": 2}
    return {**row, **figures}


DISTRICT = {"district": "城关区", "updated_at": "10:00:00", "today": "2026-12-05",
            "streets": [street_row("光明路街道党工委"), street_row("东湖街道党工委", members=80)],
            "totals": {"members": 1314, "volunteer_hours": 1502.5}}


def district_screen():
    """What the district's screen shows of DISTRICT; the second row is on the table's second
    page (hidden), and is read all the same."""
    return {"figures": {"district": "城关区", "updated_at": "09:59:50", "streets.length": "2",
                        "totals.members": "1,314", "totals.volunteer_hours": "1,502.5"},
            "charts": {"street_compliance": [[3, 3], [1, 1], [1, 1], [0, 0]],
                       "street_members": [[1200, 1200], [34, 34]],
                       "street_activities": [[3, 3], [6.5, 6.5]],
                       "street_inspections": [[4, 4], [1, 1]]},
            "table": [["光明路街道党工委", "2", "5", "1,234", "1", "2"],
                      ["东湖街道党工委", "2", "5", "80", "1", "2"]]}


def test_the_district_screen_agrees_tiles_charts_and_every_row_of_its_table():
    assert soak.differences(district_screen(), DISTRICT) == []


def test_a_stale_row_on_a_page_not_shown_a_missing_row_or_a_stale_street_chart_is_reported():
    shown = district_screen()
    shown["table"][1][3] = "79"
    shown["charts"]["street_activities"] = [[3, 2], [6.5, 4.5]]
    assert soak.differences(shown, DISTRICT) == [
        "图表 street_activities：屏幕 [[3, 2], [6.5, 4.5]]，应为 [[3, 3], [6.5, 6.5]]",
        "街道表格 东湖街道党工委：屏幕 ['东湖街道党工委', '2', '5', '79', '1', '2']，"
        "应为 ['东湖街道党工委', 2, 5, 80, 1, 2]"]
    shown = district_screen()
    shown["table"].pop()
    assert soak.differences(shown, DISTRICT) == ["街道表格：屏幕 1 行，应为 2 行"]


def test_a_districts_changes_take_turns_street_by_street_and_move_each_streets_row(
        district_world):
    from portal.kiosk.figures import district_figures

    world = district_world
    world.other_street.parent = world.district  # 东湖街道 joins 城关区: two streets
    world.other_street.save()
    district = world.district
    changes = soak.Changes(district, world.users["district_official"])

    def rows():
        figures = soak.as_browser_sees(district_figures(district))
        return {row["street"]: row for row in figures["streets"]}

    labels, moved = [], []
    for _ in range(8):
        before = rows()
        labels.append(changes.next())
        after = rows()
        moved.append({street for street in after if after[street] != before[street]})
    # The streets in the district's order (东湖 first); the district official records in each
    # (a failed inspection included); 东湖社区 has no branch with members and no volunteer team:
    # activities instead of the meeting and the team's service.
    assert labels == ["东湖街道党工委：活动 东湖社区党委", "东湖街道党工委：活动 东湖社区党委",
                      "东湖街道党工委：活动 东湖社区党委", "东湖街道党工委：督查不合格、待整改 东湖社区党委",
                      "光明路街道党工委：会议 兰新社区第一党支部", "光明路街道党工委：活动 兰新社区党委",
                      "光明路街道党工委：活动 兰新社区党委", "光明路街道党工委：督查不合格、待整改 兰新社区党委"]
    assert moved[:4] == [{"东湖街道党工委"}] * 4 and moved[5:] == [{"光明路街道党工委"}] * 3
    # 东湖 has no other community: 光明路's second one comes next (a meeting, but no members).
    assert changes.next() == "光明路街道党工委：活动 袁庄社区党委"
