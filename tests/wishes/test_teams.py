"""A wish dispatched to a volunteer team of its community: the dispatch form, the refusals,
the team's leader finishing it on the phone page, scope and the figures."""
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities.models import Notification
from activities.reminders import scan
from activities.volunteers.factories import TeamFactory, VolunteerFactory
from members.factories import MemberFactory
from pairing.wishes import selectors, services
from pairing.wishes.factories import WishFactory
from pairing.wishes.models import Wish

pytestmark = pytest.mark.django_db


def _team(community, member=None, **kwargs):
    leader = VolunteerFactory(community=community, member=member,
                              name=member.name if member else "居民队长")
    return TeamFactory(community=community, leader=leader, **kwargs)


def _accepted(community):
    return services.wish_accept(wish=WishFactory(community=community))


def test_staff_dispatch_to_a_team_shown_on_the_detail_and_the_list(world, client_as):
    team = _team(world.community, world.member, name="环境整治志愿服务队")
    wish = _accepted(world.community)
    client = client_as(world.users["staff"])
    form = client.get(reverse("wishes:dispatch", args=[wish.pk])).context["form"]
    assert list(form.fields["team"].queryset) == [team]
    response = client.post(reverse("wishes:dispatch", args=[wish.pk]), {"target": "team"})
    assert "team" in response.context["form"].errors
    assert client.post(reverse("wishes:dispatch", args=[wish.pk]),
                       {"target": "team", "team": team.pk}).status_code == 302
    wish.refresh_from_db()
    assert (wish.status, wish.target, wish.team, wish.member) == ("dispatched", "team", team,
                                                                  None)
    assert team.name in client.get(wish.get_absolute_url()).content.decode()
    assert team.name in client.get(reverse("wishes:list")).content.decode()


@pytest.mark.parametrize("which", ["other_community", "disbanded"])
def test_another_communitys_or_a_disbanded_team_is_refused_next_to_the_field(
        world, client_as, which):
    if which == "disbanded":
        team = _team(world.community, disbanded_on=date(2026, 1, 31))
    else:
        team = _team(world.other_community)
    wish = _accepted(world.community)
    response = client_as(world.users["staff"]).post(
        reverse("wishes:dispatch", args=[wish.pk]), {"target": "team", "team": team.pk})
    assert response.status_code == 200 and "team" in response.context["form"].errors
    wish.refresh_from_db()
    assert (wish.status, wish.team) == ("accepted", None)
    # The service refuses it too, on the field.
    with pytest.raises(ValidationError) as error:
        services.wish_dispatch(wish=wish, target=Wish.Target.TEAM, team=team)
    assert "team" in error.value.error_dict
    assert Wish.objects.get(pk=wish.pk).status == "accepted"


def test_the_leader_finishes_it_on_the_phone_page_and_the_figures_count_it(world, client_as):
    team = _team(world.community, world.member)
    wish = services.wish_dispatch(wish=_accepted(world.community), target=Wish.Target.TEAM,
                                  team=team)
    figures = selectors.totals(Wish.objects.filter(pk=wish.pk))
    assert (figures["received"], figures["open"], figures["done"]) == (1, 1, 0)
    client = client_as(world.users["member"])
    page = client.get(reverse("wishes:my_wishes")).content.decode()
    assert reverse("wishes:my_wish", args=[wish.pk]) in page
    # Not offered for claiming: the team has it.
    assert client.post(reverse("wishes:my_claim", args=[wish.pk])).status_code == 404
    page = client.get(reverse("wishes:my_wish", args=[wish.pk])).content.decode()
    assert wish.contact_phone in page
    response = client.post(reverse("wishes:my_wish", args=[wish.pk]), {"outcome": ""})
    assert "outcome" in response.context["form"].errors
    assert Wish.objects.get(pk=wish.pk).status == "dispatched"
    client.post(reverse("wishes:my_wish", args=[wish.pk]), {"outcome": "队员三人上门清理"})
    wish.refresh_from_db()
    assert (wish.status, wish.outcome, wish.team) == ("done", "队员三人上门清理", team)
    assert selectors.totals(Wish.objects.filter(pk=wish.pk))["done"] == 1


def test_only_the_leader_sees_or_finishes_the_teams_wish(world, client_as):
    team = _team(world.community, MemberFactory(branch=world.branch))
    wish = services.wish_dispatch(wish=_accepted(world.community), target=Wish.Target.TEAM,
                                  team=team)
    client = client_as(world.users["member"])
    assert wish.title not in client.get(reverse("wishes:my_wishes")).content.decode()
    assert client.get(reverse("wishes:my_wish", args=[wish.pk])).status_code == 404
    with pytest.raises(ValidationError):
        services.wish_done(wish=wish, outcome="办好了", member=world.member)
    with pytest.raises(ValidationError):
        services.wish_claim(wish=wish, member=world.member)
    assert Wish.objects.get(pk=wish.pk).status == "dispatched"
    # Staff may record the outcome for the team.
    services.wish_done(wish=wish, outcome="服务队已办结")
    assert Wish.objects.get(pk=wish.pk).status == "done"


def test_another_communitys_team_wish_by_id_is_404_for_staff(world, client_as):
    team = _team(world.other_community)
    wish = services.wish_dispatch(wish=_accepted(world.other_community),
                                  target=Wish.Target.TEAM, team=team)
    client = client_as(world.users["staff"])
    assert client.get(wish.get_absolute_url()).status_code == 404
    assert client.get(reverse("wishes:done", args=[wish.pk])).status_code == 404


def test_reopen_and_redispatch_clear_the_team(world):
    team = _team(world.community)
    wish = services.wish_dispatch(wish=_accepted(world.community), target=Wish.Target.TEAM,
                                  team=team)
    services.wish_dispatch(wish=wish, target=Wish.Target.OPEN)
    assert Wish.objects.get(pk=wish.pk).team is None
    services.wish_dispatch(wish=wish, target=Wish.Target.TEAM, team=team)
    services.wish_done(wish=wish, outcome="办好了")
    services.wish_reopen(wish=wish, reason="没有清理干净")
    wish.refresh_from_db()
    assert (wish.status, wish.target, wish.team) == ("accepted", "", None)


def test_an_overdue_team_wish_reminds_staff_and_the_leader(world):
    with time_machine.travel("2026-11-18 10:00:00+08:00", tick=False):
        wish = services.wish_dispatch(wish=_accepted(world.community), target=Wish.Target.TEAM,
                                      team=_team(world.community, world.member))
    with time_machine.travel("2026-11-26 09:00:00+08:00", tick=False):
        scan(sources=["wish_overdue"])
    assert sorted(Notification.objects.filter(category="wish_overdue", object_id=wish.pk)
                  .values_list("recipient__username", flat=True)) == ["dangyuan", "staff"]
