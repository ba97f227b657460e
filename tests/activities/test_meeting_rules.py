"""The 三会一课 frequency pages: a street's or a district's officials ask more of the branches
below them, never less; the compliance status follows at once; nobody reaches another level's
rules by id."""
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities import compliance_cache, meeting_rules
from activities.compliance import GREEN, RED, Span, branches_compliance
from activities.factories import HeldMeetingFactory
from activities.models import MeetingKind, MeetingRule, ReminderRule
from activities.reminder_sources import LeadTimes
from organizations.factories import CommunityFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)


def _rule(period, minimum):
    return MeetingRule(period=period, minimum=minimum)


@pytest.mark.parametrize("period, minimum, above, less", [
    ("quarter", 1, _rule("quarter", 1), False),
    ("month", 1, _rule("quarter", 1), False),      # more often
    ("quarter", 2, _rule("quarter", 1), False),
    ("year", 4, _rule("quarter", 1), True),        # as many, but all may fall in December
    ("quarter", 2, _rule("month", 1), True),       # 8 a year against 12
    ("month", 0, _rule("month", 1), True),
    ("year", 1, _rule("year", 0), False),          # the level above asks nothing
    ("year", 1, None, False),
    ("month", 3, _rule("quarter", 9), False),      # 36 a year against 36, monthly
    ("month", 2, _rule("quarter", 9), True),
])
def test_asks_less(period, minimum, above, less):
    assert meeting_rules.asks_less(period, minimum, above) is less


def _url(name, node, code=None):
    return reverse(f"activities:{name}", args=[node.pk] + ([code] if code else []))


def _theme_day(node):
    return next(requirement for requirement in meeting_rules.requirements(node)
                if requirement.kind.code == MeetingKind.THEME_DAY)


def _theme_status(branch):
    _kinds, table = branches_compliance([branch], Span.month(2026, 10), TODAY)
    return table[0][1][MeetingKind.THEME_DAY]


def test_a_street_asks_more_and_its_branches_are_judged_by_it(world, client_as):
    HeldMeetingFactory(branch=world.branch, kinds=[MeetingKind.THEME_DAY],
                       starts_at=timezone.make_aware(datetime(2026, 10, 8, 9)))
    assert _theme_status(world.branch).status == GREEN
    client = client_as(world.users["official"])
    response = client.post(_url("meeting_rule_edit", world.street, "theme_day"),
                           {"period": "month", "minimum": "2"})
    assert response.status_code == 302
    status = _theme_status(world.branch)
    assert (status.status, status.required) == (RED, 2)
    # The page names the street as the source for a community below it; another street
    # keeps the default.
    page = client.get(_url("meeting_rules", world.street)).content.decode()
    assert "每月至少 2 次" in page and "本级设置" in page
    assert _theme_day(world.community).rule.node == world.street
    assert _theme_day(world.other_street_community).rule.node is None
    # Back to the default: the branch is green again.
    client.post(_url("meeting_rule_clear", world.street, "theme_day"))
    assert not MeetingRule.objects.filter(node=world.street).exists()
    assert _theme_status(world.branch).status == GREEN


def test_the_street_compliance_figures_are_recomputed_after_a_change(world, client_as):
    # October's monthly meetings held; the quarter's and the year's still under way (amber).
    HeldMeetingFactory(branch=world.branch, group=world.group,
                       kinds=[MeetingKind.THEME_DAY, MeetingKind.GROUP_MEETING],
                       starts_at=timezone.make_aware(datetime(2026, 10, 8, 9)))
    for branch in (world.sibling_branch, world.other_branch):
        HeldMeetingFactory(branch=branch, kinds=[MeetingKind.THEME_DAY],
                           starts_at=timezone.make_aware(datetime(2026, 10, 8, 9)))

    def october():
        rows = compliance_cache.street_months(world.street, 2026, TODAY)
        return {community.pk: cells[9] for community, cells in rows}[world.community.pk]

    before = october()
    assert before != RED
    client_as(world.users["official"]).post(_url("meeting_rule_edit", world.street, "theme_day"),
                                            {"period": "month", "minimum": "3"})
    assert october() == RED


@pytest.mark.parametrize("data, field", [
    ({"period": "year", "minimum": "4"}, "period"),
    ({"period": "month", "minimum": "0"}, "minimum"),
    ({"period": "month", "minimum": "-1"}, "minimum"),
    ({"period": "week", "minimum": "1"}, "period"),
    ({"period": "month", "minimum": "十"}, "minimum"),
    ({"period": "month", "minimum": "100000"}, "minimum"),
])
def test_a_laxer_or_bad_rule_is_refused_next_to_its_field(world, client_as, data, field):
    MeetingRule.objects.create(node=world.street, kind_id="theme_day", period="month", minimum=2)
    response = client_as(world.users["official"]).post(
        _url("meeting_rule_edit", world.street, "theme_day"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    # What the street had stays.
    assert MeetingRule.objects.get(node=world.street, kind_id="theme_day").minimum == 2


def test_the_refusal_names_what_the_level_above_asks(world, client_as):
    response = client_as(world.users["official"]).post(
        _url("meeting_rule_edit", world.community, "general_meeting"),
        {"period": "year", "minimum": "1"})
    assert response.context["form"].errors["period"] == [
        "不能低于上级的要求（每季度至少 1 次）：本级只能提高频次，不能降低。"]


def test_a_kind_without_a_default_can_be_required(world):
    MeetingRule.objects.filter(node=None, kind_id="talk").delete()
    talk = MeetingKind.objects.get(pk="talk")
    meeting_rules.rule_set(node=world.street, kind=talk, period="quarter", minimum=1)
    assert next(r for r in meeting_rules.requirements(world.other_street) if r.kind == talk).rule is None
    requirement = next(r for r in meeting_rules.requirements(world.community) if r.kind == talk)
    assert (requirement.rule.period, requirement.above.period) == ("quarter", "quarter")
    assert not requirement.own


def test_a_district_sits_between_the_default_and_its_streets(district_world, client_as):
    world = district_world
    client = client_as(world.users["district_official"])
    client.post(_url("meeting_rule_edit", world.district, "theme_day"),
                {"period": "month", "minimum": "2"})
    assert _theme_day(world.street).rule.node == world.district
    assert _theme_day(world.other_street).rule.node is None
    # The street may not go below its district, and may go above it.
    official = client_as(world.users["official"])
    refused = official.post(_url("meeting_rule_edit", world.street, "theme_day"),
                            {"period": "month", "minimum": "1"})
    assert "minimum" in refused.context["form"].errors
    official.post(_url("meeting_rule_edit", world.street, "theme_day"),
                  {"period": "month", "minimum": "3"})
    assert _theme_day(world.branch).rule.minimum == 3
    # A district that tightens later: the street's own row now asks less, and the street's
    # page says so.
    client_as(world.users["district_official"]).post(
        _url("meeting_rule_edit", world.district, "theme_day"), {"period": "month", "minimum": "4"})
    assert _theme_day(world.street).below_above
    page = client_as(world.users["official"]).get(_url("meeting_rules", world.street))
    assert "低于上级要求" in page.content.decode()


@pytest.mark.parametrize("role, node, reached", [
    ("official", "street", True),
    ("official", "community", True),
    ("official", "other_community", True),
    ("official", "branch", False),            # branches are judged, not set, here
    ("official", "other_street", False),
    ("official", "other_street_community", False),
    ("official_other", "street", False),
    ("staff", "community", False),
    ("secretary", "branch", False),
    ("member", "community", False),
])
def test_scope_by_id(world, client_as, role, node, reached):
    node = getattr(world, node)
    client = client_as(world.users[role])
    for url in (_url("meeting_rules", node), _url("meeting_rule_edit", node, "theme_day"),
                _url("meeting_reminders", node)):
        assert client.get(url).status_code == (200 if reached else 404), url
    for url, data in [(_url("meeting_rule_edit", node, "theme_day"),
                       {"period": "month", "minimum": "5"}),
                      (_url("meeting_rule_clear", node, "theme_day"), {}),
                      (_url("meeting_reminders", node), {"leads": ["60"]}),
                      (_url("meeting_reminders_clear", node), {})]:
        assert client.post(url, data).status_code == (302 if reached else 404), url
    assert not MeetingRule.objects.filter(node=node).exists()
    assert not ReminderRule.objects.filter(node=node).exists()


def test_district_scope_by_id(district_world, client_as):
    world = district_world
    for user, node in [("official", world.district), ("district_official", world.other_district),
                       ("district_official", world.other_street)]:
        client = client_as(world.users[user])
        assert client.get(_url("meeting_rules", node)).status_code == 404
        assert client.post(_url("meeting_rule_edit", node, "theme_day"),
                           {"period": "month", "minimum": "5"}).status_code == 404
    assert client_as(world.users["district_official"]).get(
        _url("meeting_rules", world.community)).status_code == 200
    assert not MeetingRule.objects.exclude(node=None).exists()


def test_an_unknown_kind_is_404_and_clearing_needs_a_post(world, client_as):
    client = client_as(world.users["official"])
    assert client.get(_url("meeting_rule_edit", world.street, "picnic")).status_code == 404
    assert client.get(_url("meeting_rule_clear", world.street, "theme_day")).status_code == 405


def test_the_page_reads_the_same_queries_for_more_communities(world, client_as):
    client = client_as(world.users["official"])
    url = _url("meeting_rules", world.street)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for _ in range(5):
        CommunityFactory(parent=world.street)
    MeetingRule.objects.create(node=world.community, kind_id="talk", period="quarter", minimum=1)
    assert count() == few


def test_the_dashboards_link_to_the_page(district_world, client_as):
    world = district_world
    street = client_as(world.users["official"]).get(
        reverse("dashboards:street", args=[world.street.pk])).content.decode()
    assert _url("meeting_rules", world.street) in street
    district = client_as(world.users["district_official"]).get(
        reverse("dashboards:district", args=[world.district.pk])).content.decode()
    assert _url("meeting_rules", world.district) in district
    compliance = reverse("activities:compliance_street", args=[world.street.pk])
    assert _url("meeting_rules", world.street) in client_as(
        world.users["official"]).get(compliance).content.decode()



def _leads(node):
    return meeting_rules.leads_of(node).minutes


def test_a_street_chooses_when_attendees_are_reminded(world, client_as):
    assert _leads(world.community) == (4320, 120)  # the default: 3 days and 2 hours
    client = client_as(world.users["official"])
    response = client.post(_url("meeting_reminders", world.street), {"leads": ["1440", "60"]})
    assert response.status_code == 302
    # The reminder scan reads the same rows: the branch's meetings, not another street's.
    lead_times = LeadTimes()
    assert lead_times.for_path(world.branch.path) == {1440, 60}
    assert lead_times.for_path(world.other_street_community.path) == {4320, 120}
    page = client.get(_url("meeting_rules", world.community)).content.decode()
    assert "1 天前、1 小时前" in page and world.street.name in page
    # Saving again replaces the set, it does not add to it.
    client.post(_url("meeting_reminders", world.street), {"leads": ["30"]})
    assert _leads(world.branch) == (30,)
    client.post(_url("meeting_reminders_clear", world.street))
    assert _leads(world.branch) == (4320, 120)
    assert not ReminderRule.objects.filter(node=world.street).exists()


@pytest.mark.parametrize("leads", [[], ["10080", "4320", "1440", "60"], ["abc"], ["45"]])
def test_too_many_none_or_unknown_lead_times_are_refused(world, client_as, leads):
    meeting_rules.leads_set(node=world.street, minutes=[60])
    response = client_as(world.users["official"]).post(_url("meeting_reminders", world.street),
                                                        {"leads": leads})
    assert response.status_code == 200
    assert "leads" in response.context["form"].errors
    assert _leads(world.branch) == (60,)


def test_a_lead_time_set_in_the_admin_is_offered_and_kept(world, client_as):
    ReminderRule.objects.create(node=world.street, lead_minutes=90)
    client = client_as(world.users["official"])
    page = client.get(_url("meeting_reminders", world.street)).content.decode()
    assert "90 分钟前" in page
    client.post(_url("meeting_reminders", world.street), {"leads": ["90", "1440"]})
    assert _leads(world.branch) == (1440, 90)


def test_a_district_sets_lead_times_for_its_streets(district_world, client_as):
    world = district_world
    client_as(world.users["district_official"]).post(_url("meeting_reminders", world.district),
                                                     {"leads": ["10080"]})
    assert _leads(world.community) == (10080,)
    assert LeadTimes().for_path(world.branch.path) == {10080}
    assert _leads(world.other_street) == (4320, 120)
    # A street official cannot change the district's, only their own.
    official = client_as(world.users["official"])
    assert official.post(_url("meeting_reminders", world.district),
                         {"leads": ["30"]}).status_code == 404
    assert official.post(_url("meeting_reminders_clear", world.district)).status_code == 404
    assert _leads(world.branch) == (10080,)



def test_a_district_official_reads_a_streets_rules_but_leaves_them_to_its_officials(
        district_world, client_as):
    """A row the district set on a street would be the street's own, which the street's
    officials could then clear or lower: the district asks more on its own page instead."""
    world = district_world
    client = client_as(world.users["district_official"])
    page = client.get(_url("meeting_rules", world.street)).content.decode()
    assert 'id="read-only"' in page
    assert _url("meeting_rule_edit", world.street, "theme_day") not in page
    assert _url("meeting_reminders", world.street) not in page
    for url in (_url("meeting_rule_edit", world.street, "theme_day"),
                _url("meeting_reminders", world.community)):
        assert client.get(url).status_code == 404
        assert client.post(url, {"period": "month", "minimum": "5",
                                 "leads": ["60"]}).status_code == 404
    assert client.post(_url("meeting_rule_clear", world.street, "theme_day")).status_code == 404
    assert not MeetingRule.objects.filter(node__in=[world.street, world.community]).exists()
    own = client.get(_url("meeting_rules", world.district)).content.decode()
    assert 'id="read-only"' not in own
    assert _url("meeting_rule_edit", world.district, "theme_day") in own


def test_every_level_above_counts_not_only_the_nearest(district_world, client_as):
    world = district_world
    kind = MeetingKind.objects.get(pk=MeetingKind.THEME_DAY)
    meeting_rules.rule_set(node=world.street, kind=kind, period="month", minimum=1)
    meeting_rules.rule_set(node=world.district, kind=kind, period="month", minimum=4)
    # The street's row, kept from before the district tightened, is flagged…
    assert _theme_day(world.street).below_above
    # …and does not let a community below it fall short of the district.
    response = client_as(world.users["official"]).post(
        _url("meeting_rule_edit", world.community, "theme_day"),
        {"period": "month", "minimum": "2"})
    assert response.context["form"].errors["minimum"] == [
        "不能低于上级的要求（每月至少 4 次）：本级只能提高频次，不能降低。"]
    meeting_rules.rule_set(node=world.community, kind=kind, period="month", minimum=4)
    assert not _theme_day(world.community).below_above


def test_an_archived_community_has_no_rules_page(world, client_as):
    world.other_community.archived_at = timezone.now()
    world.other_community.save()
    client = client_as(world.users["official"])
    assert client.get(_url("meeting_rules", world.other_community)).status_code == 404
    assert client.post(_url("meeting_rule_edit", world.other_community, "theme_day"),
                       {"period": "month", "minimum": "2"}).status_code == 404


def test_clearing_a_rule_the_level_never_set_says_so(world, client_as):
    response = client_as(world.users["official"]).post(
        _url("meeting_rule_clear", world.street, "theme_day"), follow=True)
    assert "本级没有单独设置主题党日的要求。" in response.content.decode()
    assert MeetingRule.objects.filter(node=None, kind_id="theme_day").exists()
