"""大屏: kiosk links (create, list, revoke; street officials of the street only), the screen
and its figures (a valid token, nothing personal, the dashboard's own figures, GET only)."""
import json
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from members.factories import MemberFactory
from members.models import Member
from organizations.factories import BranchFactory, CommunityFactory
from organizations.streetsettings.models import Audience, Key, StreetSetting
from portal import dashboards
from portal.kiosk import figures as kiosk_figures
from portal.kiosk import services
from portal.kiosk.models import KioskLink, token_hash
from tests.kiosk import links

pytestmark = pytest.mark.django_db


def _create(world, label="一楼大屏", expires_on=None):
    return links.create(world.street, world.users["official"], label, expires_on)


def test_an_official_creates_a_link_shown_once_that_opens_the_screen(world, client_as, client):
    client = client_as(world.users["official"])
    links_url = reverse("kiosk:link_list", args=[world.street.pk])
    response = client.post(links_url, {"label": "党群服务中心一楼", "expires_on": ""})
    assert response.status_code == 302
    link = KioskLink.objects.get()
    assert (link.node, link.created_by, link.label) == (world.street, world.users["official"],
                                                        "党群服务中心一楼")
    page = client.get(links_url).content.decode()
    assert 'id="new-link"' in page
    token = page.split("/kiosk/screen/")[1].split("/")[0]
    # Only the keyed hash is stored: the table cannot give the token back.
    assert link.token_hash == token_hash(token) and token not in link.token_hash
    assert 'id="new-link"' not in client.get(links_url).content.decode()  # shown once
    # The audit trail records who created it, not the hash.
    entry = LogEntry.objects.get_for_object(link).get(action=LogEntry.Action.CREATE)
    assert entry.actor == world.users["official"] and "token_hash" not in entry.changes_dict

    client.logout()
    response = client.get(links.screen(token))
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies, "the screen needs no session and sets no cookie"
    # The label is the officials' note, not the screen's.
    assert "党群服务中心一楼" not in response.content.decode()
    data = client.get(links.figures(token))
    assert data.status_code == 200 and data["Content-Type"] == "application/json"
    assert data["X-Robots-Tag"] == "noindex, nofollow" and "no-store" in data["Cache-Control"]
    assert data.json()["street"] == world.street.name
    link.refresh_from_db()
    assert link.last_seen_at is not None


def test_revoked_unknown_and_expired_tokens_answer_404(world, client):
    link, token = _create(world)
    _expired, expired_token = _create(world, expires_on=timezone.localdate())
    KioskLink.objects.filter(pk=_expired.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1))
    assert client.get(links.screen(token)).status_code == 200
    services.link_revoke(link=link, user=world.users["official"])
    for bad in [token, expired_token, "x" * 43, token[:-1], "①②", "a" * 200]:
        for url in (links.screen(bad), links.figures(bad)):
            response = client.get(url)
            assert response.status_code == 404, url
            assert response["X-Robots-Tag"] == "noindex, nofollow", url
            assert response["Referrer-Policy"] == "no-referrer", url


def test_a_link_lasts_through_its_last_day(world, client):
    _link, token = _create(world, expires_on=timezone.localdate())
    assert client.get(links.figures(token)).status_code == 200


def test_the_screen_answers_get_only(world, client):
    _link, token = _create(world)
    assert client.post(links.screen(token)).status_code == 405
    assert client.post(links.figures(token)).status_code == 405


def test_the_official_revokes_a_link_and_another_streets_official_cannot(world, client_as):
    link, token = _create(world, label="光明路东门大屏")
    revoke = reverse("kiosk:link_revoke", args=[link.pk])
    other = client_as(world.users["official_other"])
    assert other.post(revoke).status_code == 404
    assert other.get(reverse("kiosk:link_list", args=[world.street.pk])).status_code == 404
    own = other.get(reverse("kiosk:link_list", args=[world.other_street.pk]))
    assert own.status_code == 200 and link.label not in own.content.decode()
    for role in ("staff", "secretary", "member"):
        assert client_as(world.users[role]).post(revoke).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None

    official = client_as(world.users["official"])
    assert official.get(revoke).status_code == 405
    assert official.post(revoke).status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == world.users["official"]
    page = official.get(reverse("kiosk:link_list", args=[world.street.pk])).content.decode()
    assert "已撤销" in page
    assert official.get(links.figures(token)).status_code == 404


def test_an_expiry_in_the_past_is_refused_next_to_the_field(world, client_as):
    client = client_as(world.users["official"])
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(reverse("kiosk:link_list", args=[world.street.pk]),
                           {"label": "大屏", "expires_on": yesterday.isoformat()})
    assert response.status_code == 200
    assert "有效期不能早于今天" in response.content.decode()
    response = client.post(reverse("kiosk:link_list", args=[world.street.pk]),
                           {"label": "", "expires_on": "9999-99-99"})
    assert response.status_code == 200 and not KioskLink.objects.exists()


def test_the_street_dashboard_links_to_the_kiosk_page(world, client_as):
    page = client_as(world.users["official"]).get(
        reverse("dashboards:street", args=[world.street.pk])).content.decode()
    assert reverse("kiosk:link_list", args=[world.street.pk]) in page


def test_the_screen_shows_the_dashboards_own_figures(world, client):
    MemberFactory.create_batch(3, branch=world.other_branch)
    MemberFactory(branch=world.other_street_community.children.first()
                  or BranchFactory(parent=world.other_street_community))
    _link, token = _create(world)
    data = client.get(links.figures(token)).json()
    scope = dashboards.street_scope(world.street, timezone.localdate())
    members = dashboards.members_panel(scope).data
    assert data["members"]["total"] == members["totals"]["total"] == Member.objects.filter(
        branch__path__startswith=world.street.path).active().count() == 4
    assert data["communities"] == [community.name for community in scope.communities]
    assert data["branches"]["total"] == dashboards.branches_panel(scope).data["total"]
    assert data["compliance"]["heat_map"]["communities"] == data["communities"]
    assert data["inspections"]["totals"]["total"] == 0
    # Copied field by field: no link of the dashboard (nor an id) reaches the public screen.
    assert not [text for text in _strings(data) if text.startswith(("/", "http"))]
    assert not [key for key in _keys(data) if "url" in key or key.endswith("id")]


def _strings(value):
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return [value] if isinstance(value, str) else []


def _keys(value):
    if isinstance(value, dict):
        return [*value, *(key for item in value.values() for key in _keys(item))]
    if isinstance(value, list):
        return [key for item in value for key in _keys(item)]
    return []


def test_the_weekly_ranking_is_on_the_screen_only_when_the_street_shows_it_to_everyone(world,
                                                                                       client):
    _link, token = _create(world)
    assert client.get(links.figures(token)).json()["ranking"] is None  # default: officials only
    for audience, shown in [(Audience.COMMUNITIES, False), (Audience.EVERYONE, True),
                            (Audience.NOBODY, False)]:
        StreetSetting.objects.update_or_create(node=world.street, key=Key.WEEKLY_RANKING,
                                               defaults={"value": audience})
        ranking = client.get(links.figures(token)).json()["ranking"]
        assert (ranking is not None) == shown == kiosk_figures.ranking_on_screen(world.street)
        if shown:
            assert set(ranking["communities"]) == {"兰新社区党委", "袁庄社区党委"}


def _add_community(world, n):
    for index in range(n):
        community = CommunityFactory(parent=world.street, name=f"新增社区{index}")
        MemberFactory(branch=BranchFactory(parent=community))


def test_the_figures_cost_the_same_queries_for_two_or_five_communities(world, client,
                                                                       django_assert_num_queries):
    _link, token = _create(world)
    MemberFactory(branch=world.other_branch)
    client.get(links.figures(token))  # the 三会一课 statuses are cached from now on
    with django_assert_num_queries(QUERIES):
        assert client.get(links.figures(token)).status_code == 200
    _add_community(world, 3)
    client.get(links.figures(token))
    with django_assert_num_queries(QUERIES):
        assert len(client.get(links.figures(token)).json()["communities"]) == 5


# The link and its last visit (2); the communities, the 减负 setting, the branches and the
# meeting kinds (4); the panels' grouped queries (7; the members are read from the cache):
# however many communities the street has.
QUERIES = 13


def test_last_seen_is_written_at_most_every_five_minutes(world, client, _fixed_clock):
    link, token = _create(world)
    client.get(links.figures(token))
    link.refresh_from_db()
    first = link.last_seen_at
    client.get(links.figures(token))
    link.refresh_from_db()
    assert link.last_seen_at == first
    _fixed_clock.shift(timedelta(minutes=6))
    client.get(links.figures(token))
    link.refresh_from_db()
    assert link.last_seen_at > first


def test_the_screen_and_figures_hold_no_personal_data_of_the_demo_street(client):
    from portal import demo as portal_demo

    context = portal_demo.seed(portal_demo.DemoContext(communities=2, members_per_community=12,
                                                       log=lambda text: None))
    StreetSetting.objects.update_or_create(node=context.street, key=Key.WEEKLY_RANKING,
                                           defaults={"value": Audience.EVERYONE})
    link, token = services.link_create(node=context.street, label="大屏", expires_on=None,
                                       user=context.users["jiedao"])
    page = client.get(links.screen(token)).content.decode()
    data = client.get(links.figures(token)).content.decode()
    assert json.loads(data)["members"]["total"] > 0 and json.loads(data)["ranking"]
    links.assert_no_personal_data(page, data)
