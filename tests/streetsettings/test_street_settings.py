"""减负 settings: every page that shows a ranking obeys the street's setting (the weekly ranking
page, the dashboards' panel and buttons, the points ranking and the pages linking to it), QR
check-in is one option the street may withdraw, and photos are optional unless required."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activities.factories import MeetingFactory
from organizations.streetsettings import services
from organizations.streetsettings.models import StreetSetting
from organizations.streetsettings.rules import settings_for, shown_to
from portal import services as portal_services
from portal.factories import RectificationFactory
from portal.models import Rectification

pytestmark = pytest.mark.django_db
ROLES = ["official", "staff", "secretary", "member", "staff_other", "official_other"]


def _set(world, **values):
    services.settings_set(street=world.street, values=values)


def test_defaults_follow_the_rules():
    assert dict(StreetSetting.objects.filter(node=None).values_list("key", "value")) == {
        "weekly_ranking": "officials", "points_ranking": "officials",
        "qr_checkin": "option", "rectification_photo": "optional"}


@pytest.mark.parametrize("audience, shown", [
    ("off", set()),
    ("officials", {"official"}),
    ("communities", {"official", "staff", "secretary", "staff_other"}),
    ("everyone", {"official", "staff", "secretary", "staff_other", "member"}),
])
def test_audience(world, audience, shown):
    _set(world, weekly_ranking=audience)
    assert {role for role in ROLES
            if shown_to(world.users[role], world.community, "weekly_ranking")} == shown
    # Another street keeps the defaults.
    assert settings_for(world.other_street)["weekly_ranking"] == "officials"


def _weekly_ranking_pages(world):
    """(role, URL, marker of the ranking on that page) of every page that shows or links to the
    weekly ranking. (The officials' menu keeps its link: the page then says the ranking is off.)"""
    ranking = reverse("dashboards:ranking", args=[world.street.pk])
    button = f'class="btn btn-outline-secondary" href="{ranking}"'

    return [
        ("official", reverse("dashboards:street", args=[world.street.pk]), 'id="panel-ranking"'),
        ("official", reverse("dashboards:street", args=[world.street.pk]), button),
        ("staff", reverse("dashboards:community", args=[world.community.pk]), button),
        ("secretary", reverse("dashboards:branch", args=[world.branch.pk]), button),
    ]


def _points_ranking_pages(world):
    return [
        ("staff", reverse("members:post_board", args=[world.community.pk]),
         reverse("members:points_ranking", args=[world.community.pk])),
        ("staff", reverse("members:member_detail", args=[world.member.pk]),
         reverse("members:points_ranking", args=[world.branch.pk])),
        ("official", reverse("members:points_rules", args=[world.street.pk]),
         reverse("members:points_ranking", args=[world.street.pk])),
    ]


@pytest.mark.parametrize("audience", ["off", "officials", "communities"])
def test_every_page_showing_the_weekly_ranking_obeys_the_setting(world, client_as, audience):
    _set(world, weekly_ranking=audience)
    for role, url, marker in _weekly_ranking_pages(world):
        page = client_as(world.users[role]).get(url).content.decode()
        expected = audience != "off" and (role == "official" or audience == "communities")
        assert (marker in page) is expected, (audience, role, url)
    ranking = reverse("dashboards:ranking", args=[world.street.pk])
    staff = client_as(world.users["staff"]).get(ranking)
    assert staff.status_code == (200 if audience == "communities" else 404)
    official = client_as(world.users["official"]).get(ranking)
    assert official.status_code == 200
    assert ('id="ranking-off"' in official.content.decode()) is (audience == "off")


@pytest.mark.parametrize("audience", ["off", "officials", "communities"])
def test_every_page_linking_the_points_ranking_obeys_the_setting(world, client_as, audience):
    _set(world, points_ranking=audience)
    for role, url, link in _points_ranking_pages(world):
        page = client_as(world.users[role]).get(url).content.decode()
        expected = audience != "off" and (role == "official" or audience == "communities")
        assert (f'href="{link}"' in page) is expected, (audience, role, url)
        status = client_as(world.users[role]).get(link).status_code
        assert status == (200 if expected else 404), (audience, role, link)


def test_the_settings_page_saves_the_streets_choice(world, client_as):
    client = client_as(world.users["official"])
    url = reverse("streetsettings:edit", args=[world.street.pk])
    bad = client.post(url, {"weekly_ranking": "nonsense"})
    assert bad.status_code == 200 and bad.context["form"].errors["weekly_ranking"]
    assert not StreetSetting.objects.filter(node=world.street).exists()
    client.post(url, {"weekly_ranking": "off", "points_ranking": "officials",
                      "qr_checkin": "off", "rectification_photo": "required"})
    assert settings_for(world.community)["weekly_ranking"] == "off"
    assert client_as(world.users["official_other"]).get(url).status_code == 404


def test_qr_checkin_is_one_option_the_street_may_withdraw(world, client_as):
    meeting = MeetingFactory(branch=world.branch, starts_at=timezone.now() - timedelta(minutes=10))
    client = client_as(world.users["secretary"])
    qr = reverse("activities:meeting_qr", args=[meeting.pk])
    assert client.get(qr).status_code == 200
    assert qr in client.get(meeting.get_absolute_url()).content.decode()
    _set(world, qr_checkin="off")
    assert client.get(qr).status_code == 404
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert qr not in page
    assert reverse("activities:meeting_checkin_for", args=[meeting.pk]) in page


def test_rectification_photo_is_optional_unless_the_street_requires_it(world):
    rectification = RectificationFactory(inspection__point__community=world.community)
    portal_services.rectification_fix(rectification=rectification, actor=world.users["staff"],
                                      note="已清运", photo=None)
    assert rectification.status == Rectification.Status.FIXED
    _set(world, rectification_photo="required")
    second = RectificationFactory(inspection__point__community=world.community)
    with pytest.raises(ValidationError) as error:
        portal_services.rectification_fix(rectification=second, actor=world.users["staff"],
                                          note="已清运", photo=None)
    assert "photo" in error.value.error_dict


def test_the_load_page_counts_what_is_due_this_month(world, client_as):
    RectificationFactory(inspection__point__community=world.community,
                         deadline=timezone.localdate())
    page = client_as(world.users["official"]).get(
        reverse("dashboards:street_load", args=[world.street.pk]))
    rows = {community.pk: (items, rectifications)
            for community, items, rectifications in page.context["rows"]}
    assert rows[world.community.pk] == (0, 1)
    assert "需社区另行填报" in page.content.decode()
