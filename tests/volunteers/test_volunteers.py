"""Volunteer teams and service records: 谁组织谁记录, 谁记录谁证明, corrections with a reason,
the public check of a certificate number, and scope."""
from datetime import date, datetime
from zoneinfo import ZoneInfo
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities.factories import ActivityFactory, ParticipationFactory
from activities.models import Participation
from activities.volunteers import services
from activities.volunteers.factories import (ServiceRecordFactory, TeamFactory,
                                             TeamMembershipFactory, VolunteerFactory)
from activities.volunteers.models import (Certificate, ServiceCorrection, ServiceRecord, Team,
                                          TeamMembership, Volunteer)
from members.factories import MemberFactory
from members.models import PointsEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pinned_clock():
    """The service dates below are written against 18 November 2026 (services of 2026 already
    held), whatever moment the suite runs at."""
    with time_machine.travel(datetime(2026, 11, 18, 10, tzinfo=ZoneInfo("Asia/Shanghai")),
                             tick=True):
        yield
HELD_ON = date(2026, 11, 8)


@pytest.fixture
def team(world):
    team = TeamFactory(community=world.community, name="红袖标义务巡逻队")
    member_volunteer = services.volunteer_register_member(
        community=world.community, member=world.member, consent_on=date(2026, 1, 5))
    TeamMembershipFactory(team=team, volunteer=member_volunteer)
    TeamMembershipFactory(team=team, volunteer=VolunteerFactory(community=world.community,
                                                                name="王秀英"))
    return team


def test_one_step_recording_from_an_activity_records_each_member_once(world, team):
    activity = ActivityFactory(community=world.community, held_on=HELD_ON, place="幸福小区")
    created, skipped = services.service_record_from_activity(
        activity=activity, team=team, hours=Decimal("2.5"), content="夜间巡逻", user=None)
    assert len(created) == 2 and skipped == []
    records = ServiceRecord.objects.filter(activity=activity)
    assert {(r.volunteer.name, r.hours, r.place, r.served_on, r.community_id) for r in records} \
        == {("赵党员", Decimal("2.5"), "幸福小区", HELD_ON, world.community.pk),
            ("王秀英", Decimal("2.5"), "幸福小区", HELD_ON, world.community.pk)}
    # The Party member joined the participant list, so the hours feed points as every
    # participation does.
    participation = Participation.objects.get(activity=activity, member=world.member)
    assert participation.hours == Decimal("2.5")
    entry = PointsEntry.objects.get(member=world.member, item="volunteer_hour")
    assert entry.quantity == Decimal("2.5")

    again_created, again_skipped = services.service_record_from_activity(
        activity=activity, team=team, hours=Decimal("4"), content="夜间巡逻", user=None)
    assert again_created == [] and len(again_skipped) == 2
    assert ServiceRecord.objects.filter(activity=activity).count() == 2
    assert PointsEntry.objects.filter(member=world.member, item="volunteer_hour").count() == 1


def test_a_member_already_on_the_participant_list_keeps_those_hours(world, team):
    activity = ActivityFactory(community=world.community, held_on=HELD_ON)
    ParticipationFactory(activity=activity, member=world.member, hours=Decimal("3.0"))
    services.service_record_from_activity(activity=activity, team=team, hours=Decimal("1"),
                                          content="巡逻", user=None)
    assert ServiceRecord.objects.get(volunteer__member=world.member).hours == Decimal("3.0")
    assert Participation.objects.filter(activity=activity).count() == 1


def test_a_team_records_only_the_activities_its_community_organized(world, team):
    elsewhere = ActivityFactory(community=world.other_community, held_on=HELD_ON)
    with pytest.raises(ValidationError):
        services.service_record_from_activity(activity=elsewhere, team=team, hours=Decimal("2"),
                                              content="巡逻", user=None)
    assert not ServiceRecord.objects.exists()


def test_who_left_before_the_activity_is_not_recorded(world, team):
    resident = TeamMembership.objects.get(team=team, volunteer__name="王秀英")
    services.team_member_leave(membership=resident, left_on=date(2026, 11, 1), reason="搬家")
    activity = ActivityFactory(community=world.community, held_on=HELD_ON)
    created, _skipped = services.service_record_from_activity(
        activity=activity, team=team, hours=Decimal("2"), content="巡逻", user=None)
    assert [record.volunteer.name for record in created] == ["赵党员"]
    assert TeamMembership.objects.filter(pk=resident.pk).exists()  # a state, not a deletion


def test_correction_needs_a_reason_and_keeps_history(world):
    record = ServiceRecordFactory(volunteer=VolunteerFactory(community=world.community),
                                  hours=Decimal("2.0"))
    with pytest.raises(ValidationError):
        services.service_record_correct(record=record, hours=Decimal("3"), reason="  ", user=None)
    record.refresh_from_db()
    assert record.hours == Decimal("2.0") and not ServiceCorrection.objects.exists()
    services.service_record_correct(record=record, hours=Decimal("3"), reason="漏记半程",
                                    user=world.users["staff"])
    record.refresh_from_db()
    correction = record.corrections.get()
    assert (record.hours, correction.previous_hours, correction.hours, correction.reason) == (
        Decimal("3"), Decimal("2.0"), Decimal("3"), "漏记半程")


def test_certificate_holds_only_what_this_community_recorded(world):
    """谁记录谁证明: a Party member serving in two communities gets from each community a
    certificate of its own records only."""
    here = services.volunteer_register_member(community=world.community, member=world.member,
                                              consent_on=date(2026, 1, 5))
    there = Volunteer.objects.create(community=world.other_community, member=world.member,
                                     name=world.member.name, consent_on=date(2026, 1, 5),
                                     registered_on=date(2026, 1, 5))
    ServiceRecordFactory(volunteer=here, hours=Decimal("2.0"), content="本社区巡逻")
    ServiceRecordFactory(volunteer=there, hours=Decimal("5.0"), content="外社区服务")
    # Even a record of another community on this volunteer row stays off this certificate.
    ServiceRecordFactory(volunteer=here, community=world.other_community, hours=Decimal("7.0"),
                         content="外社区记录")
    certificate = services.certificate_issue(volunteer=here, community=world.community,
                                             user=None, today=date(2026, 11, 18))
    assert certificate.total_hours == Decimal("2.0") and certificate.services == 1
    assert [r.content for r in certificate.records.all()] == ["本社区巡逻"]
    response = _client(world, "staff").get(reverse("volunteers:certificate_print",
                                                   args=[certificate.pk]))
    assert "本社区巡逻" in response.content.decode()
    assert "外社区" not in response.content.decode()


def test_no_certificate_without_records(world):
    volunteer = VolunteerFactory(community=world.community)
    with pytest.raises(ValidationError):
        services.certificate_issue(volunteer=volunteer, community=world.community, user=None)
    assert not Certificate.objects.exists()


def test_printed_certificate_keeps_the_hours_it_was_issued_with(world):
    volunteer = VolunteerFactory(community=world.community)
    record = ServiceRecordFactory(volunteer=volunteer, hours=Decimal("2.0"))
    certificate = services.certificate_issue(volunteer=volunteer, community=world.community,
                                             user=None)
    services.service_record_correct(record=record, hours=Decimal("6"), reason="补录", user=None)
    from activities.volunteers.selectors import certificate_rows

    assert certificate_rows(certificate) == [(record, Decimal("2.0"))]


def _client(world, role):
    from django.test import Client

    client = Client()
    if world.users.get(role):
        client.force_login(world.users[role])
    return client


def test_public_verification_shows_only_masked_name_issuer_hours_and_date(world, client):
    volunteer = VolunteerFactory(community=world.community, name="王秀英", phone="13905310021",
                                 id_number_masked="370102********2344")
    ServiceRecordFactory(volunteer=volunteer, hours=Decimal("4.5"), content="助老服务")
    certificate = services.certificate_issue(volunteer=volunteer, community=world.community,
                                             user=None)
    page = client.get(reverse("volunteers:verify"), {"number": certificate.number.lower()})
    text = page.content.decode()
    assert page.status_code == 200 and "证明有效" in text
    assert "王**" in text and world.community.name in text and "4.5" in text
    for secret in ["王秀英", "13905310021", "370102", "助老服务"]:
        assert secret not in text

    unknown = client.get(reverse("volunteers:verify"), {"number": "ZYFW-" + "0" * 20})
    assert unknown.status_code == 200 and "查无此证明编号" in unknown.content.decode()
    malformed = client.get(reverse("volunteers:verify"), {"number": "<script>1"})
    assert malformed.status_code == 200 and "编号格式不正确" in malformed.content.decode()


def test_verification_is_rate_limited(world, client):
    from activities.volunteers.views import VERIFY_LIMIT

    for _attempt in range(VERIFY_LIMIT):
        assert client.get(reverse("volunteers:verify"),
                          {"number": "ZYFW-" + "1" * 20}).status_code == 200
    assert client.get(reverse("volunteers:verify"),
                      {"number": "ZYFW-" + "1" * 20}).status_code == 429


def test_certificate_numbers_are_not_sequential(world):
    volunteer = VolunteerFactory(community=world.community)
    ServiceRecordFactory(volunteer=volunteer)
    numbers = {services.certificate_issue(volunteer=volunteer, community=world.community,
                                          user=None).number for _ in range(3)}
    assert len(numbers) == 3 and all(len(n) == 25 for n in numbers)


@pytest.mark.parametrize("name", ["volunteers:team_detail", "volunteers:team_edit",
                                  "volunteers:team_member_add"])
def test_other_communitys_team_by_id_is_404(world, client_as, name):
    team = TeamFactory(community=world.other_community)
    assert client_as(world.users["staff"]).get(reverse(name, args=[team.pk])).status_code == 404


def test_other_communitys_volunteer_record_and_activity_are_404(world, client_as):
    volunteer = VolunteerFactory(community=world.other_community)
    record = ServiceRecordFactory(volunteer=volunteer)
    activity = ActivityFactory(community=world.other_community)
    client = client_as(world.users["staff"])
    for url in [reverse("volunteers:volunteer_detail", args=[volunteer.pk]),
                reverse("volunteers:record_correct", args=[record.pk]),
                reverse("volunteers:activity_record", args=[activity.pk])]:
        assert client.get(url).status_code == 404
    assert client.post(reverse("volunteers:certificate_issue", args=[volunteer.pk])) \
        .status_code == 404
    assert not Certificate.objects.exists()


def test_resident_volunteer_form_errors_next_to_the_field_and_nothing_saved(world, client_as):
    client = client_as(world.users["staff"])
    response = client.post(reverse("volunteers:volunteer_create"), {
        "community": world.community.pk, "name": "", "phone": "12345",
        "id_number": "370102195806122340", "consent_on": "2026-11-01"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "name" in errors and "phone" in errors and "id_number" in errors
    assert not Volunteer.objects.exists()


def test_resident_id_number_is_stored_masked_only(world, client_as):
    client = client_as(world.users["staff"])
    response = client.post(reverse("volunteers:volunteer_create"), {
        "community": world.community.pk, "name": "王秀英", "phone": "13905310021",
        "id_number": "370102195806122344", "consent_on": "2026-11-01"})
    assert response.status_code == 302
    volunteer = Volunteer.objects.get()
    assert volunteer.id_number_masked == "370102********2344"
    assert volunteer.consent_on == date(2026, 11, 1)


def test_a_member_of_another_community_cannot_be_registered(world, client_as):
    outsider = MemberFactory(branch=world.other_branch)
    response = client_as(world.users["staff"]).post(reverse("volunteers:volunteer_create"), {
        "community": world.community.pk, "member": outsider.pk, "consent_on": "2026-11-01"})
    assert response.status_code == 200 and "member" in response.context["form"].errors
    assert not Volunteer.objects.exists()


def test_a_person_may_be_in_several_teams_but_once_in_each(world, team):
    volunteer = Volunteer.objects.get(name="王秀英")
    second = TeamFactory(community=world.community)
    services.team_member_add(team=second, volunteer=volunteer, joined_on=date(2026, 5, 1))
    with pytest.raises(ValidationError):
        services.team_member_add(team=second, volunteer=volunteer, joined_on=date(2026, 5, 2))
    assert volunteer.memberships.filter(left_on__isnull=True).count() == 2


def test_record_view_in_one_step_then_second_run_records_nothing(world, team, client_as):
    activity = ActivityFactory(community=world.community, held_on=HELD_ON)
    client = client_as(world.users["staff"])
    url = reverse("volunteers:activity_record", args=[activity.pk])
    data = {"team": team.pk, "hours": "2", "content": "巡逻"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert ServiceRecord.objects.filter(activity=activity).count() == 2
    bad = client.post(url, {"team": team.pk, "hours": "30", "content": "巡逻"})
    assert bad.status_code == 200 and "hours" in bad.context["form"].errors


def test_correction_view_refuses_no_reason(world, client_as):
    record = ServiceRecordFactory(volunteer=VolunteerFactory(community=world.community))
    response = client_as(world.users["staff"]).post(
        reverse("volunteers:record_correct", args=[record.pk]), {"hours": "3", "reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert not ServiceCorrection.objects.exists()


TEAM_LIST_QUERIES = 9
VOLUNTEER_LIST_QUERIES = 10


def _fill(world, n):
    for _index in range(n):
        team = TeamFactory(community=world.community)
        TeamMembershipFactory(team=team)
        membership = TeamMembershipFactory(team=team)
        ServiceRecordFactory(volunteer=membership.volunteer, team=team)


@pytest.mark.parametrize("size", [1, 8])
def test_list_query_counts_do_not_grow(world, client_as, django_assert_num_queries, size):
    _fill(world, size)
    client = client_as(world.users["staff"])
    with django_assert_num_queries(TEAM_LIST_QUERIES):
        assert client.get(reverse("volunteers:team_list")).status_code == 200
    with django_assert_num_queries(VOLUNTEER_LIST_QUERIES):
        assert client.get(reverse("volunteers:volunteer_list")).status_code == 200


def test_dashboard_figures(world):
    from portal.dashboards import community_scope, street_scope
    from portal.volunteer_panels import volunteers_panel

    _fill(world, 2)
    TeamFactory(community=world.community, disbanded_on=date(2025, 12, 31))
    ServiceRecordFactory(volunteer=VolunteerFactory(community=world.community),
                         served_on=date(2025, 6, 1), hours=Decimal("9"))
    ServiceRecordFactory(volunteer=VolunteerFactory(community=world.other_community),
                         hours=Decimal("1.5"))
    panel = volunteers_panel(community_scope(world.community, date(2026, 11, 18)))
    assert panel.data["totals"] == {"teams": 2, "volunteers": 4, "hours": Decimal("4.0")}
    street = volunteers_panel(street_scope(world.street, date(2026, 11, 18)))
    assert street.data["totals"]["hours"] == Decimal("5.5")
    assert Team.objects.count() == 3
