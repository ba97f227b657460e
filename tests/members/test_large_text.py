"""大字模式 (适老化): a member switches it on their own page; it is kept on their record, so it
follows them to every device and past logging out, and base.html puts a class on <html>."""
import re

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from members import services
from members.factories import MemberFactory
from members.models import DisplayChoice, Member
from organizations.factories import UserFactory

pytestmark = pytest.mark.django_db

TOGGLE = "/members/me/large-text/"
HTML_TAG = re.compile(r"<html\b[^>]*>")


def _html_tag(response):
    return HTML_TAG.search(response.content.decode()).group(0)


def _large(response):
    return 'class="large-text"' in _html_tag(response)


def test_the_member_switches_it_on_and_every_page_is_in_large_text(world, client_as):
    client = client_as(world.users["member"])
    assert not _large(client.get("/members/me/"))

    response = client.post(TOGGLE, {"large_text": "on"})

    assert response.status_code == 302 and response["Location"] == "/members/me/"
    world.member.refresh_from_db()
    assert world.member.large_text is True
    for url in ("/members/me/", "/members/me/points/", "/dues/mine/", "/activities/me/"):
        assert _large(client.get(url)), url


def test_it_is_remembered_after_logging_out_and_on_another_device(world, client_as):
    client_as(world.users["member"]).post(TOGGLE, {"large_text": "on"})
    client = client_as(None)
    assert not _large(client.get("/accounts/login/"))  # nobody signed in: nobody's choice

    phone = Client()
    phone.force_login(world.users["member"])
    assert _large(phone.get("/members/me/"))


def test_switching_it_off(world, client_as):
    client = client_as(world.users["member"])
    client.post(TOGGLE, {"large_text": "on"})
    page = client.get("/members/me/")
    assert "关闭大字模式" in page.content.decode()

    client.post(TOGGLE, {"large_text": "off"})

    world.member.refresh_from_db()
    assert world.member.large_text is False
    page = client.get("/members/me/")
    assert not _large(page) and "开启大字模式" in page.content.decode()


def test_only_the_signed_in_members_own_record_changes(world, client_as):
    neighbour = MemberFactory(branch=world.branch, user=UserFactory(username="13900000001"))
    client_as(world.users["member"]).post(TOGGLE, {"large_text": "on"})

    neighbour.refresh_from_db()
    assert neighbour.large_text is False
    assert not _large(client_as(neighbour.user).get("/members/me/"))
    # Staff keep theirs apart (see below); the signed-out are sent to log in.
    assert client_as(world.users["staff"]).post(TOGGLE, {"large_text": "on"}).status_code == 302
    response = client_as(None).post(TOGGLE, {"large_text": "on"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Member.objects.filter(large_text=True).exclude(pk=world.member.pk).exists()


def test_a_member_who_left_cannot_switch_it(world, client_as):
    Member.objects.filter(pk=world.member.pk).update(left_on=world.member.joined_on)
    assert client_as(world.users["member"]).post(TOGGLE, {"large_text": "on"}).status_code == 404


def test_it_is_switched_only_by_a_post_with_the_csrf_token(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users["member"])
    assert browser.get(TOGGLE).status_code == 405
    assert browser.post(TOGGLE, {"large_text": "on"}).status_code == 403
    world.member.refresh_from_db()
    assert world.member.large_text is False

    page = browser.get("/members/me/").content.decode()
    token = re.search(r'id="large-text-form".*?name="csrfmiddlewaretoken" value="([^"]+)"',
                      page, re.S).group(1)
    response = browser.post(TOGGLE, {"large_text": "on", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    world.member.refresh_from_db()
    assert world.member.large_text is True


def test_a_display_choice_is_not_roster_data(world):
    """No 更新时间 moved, no audit entry: staff see the record as they left it."""
    updated_at = world.member.updated_at
    entries = LogEntry.objects.count()

    services.member_large_text_set(member=world.member, on=True)

    world.member.refresh_from_db()
    assert world.member.large_text is True and world.member.updated_at == updated_at
    assert LogEntry.objects.count() == entries


@pytest.mark.parametrize("url", ["/members/me/", "/members/me/points/", "/members/?q=x"])
def test_applying_it_costs_no_query(world, client_as, url):
    """The class is read from `user.member`, which the navigation loads on every page anyway."""
    user = world.users["member"] if url.startswith("/members/me") else world.users["staff"]
    client = client_as(user)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    Member.objects.filter(user=world.users["member"]).update(large_text=True)
    assert count() == before


# Staff: no member record, the choice kept on their user --------------------------------------

def test_staff_switch_it_from_the_account_menu_and_come_back_to_the_page(world, client_as):
    client = client_as(world.users["staff"])
    page = client.get("/members/")
    assert not _large(page)
    assert 'id="menu-large-text"' in page.content.decode() and "开启大字模式" in \
        page.content.decode()

    response = client.post(TOGGLE, {"large_text": "on", "next": "/members/?q=zs"})

    assert response.status_code == 302 and response["Location"] == "/members/?q=zs"
    page = client.get("/members/")
    assert _large(page) and "关闭大字模式" in page.content.decode()
    assert DisplayChoice.objects.get(user=world.users["staff"]).large_text is True
    assert not Member.objects.filter(large_text=True).exists()  # nobody's record changed
    # Another site, or something that is no path, is not a place to go back to.
    for back in ("https://evil.example/", "//evil.example/", "home", "/a\x00b\u202e"):
        response = client.post(TOGGLE, {"large_text": "off", "next": back})
        assert response["Location"] == "/", back
    assert not _large(client.get("/members/"))


def test_staff_choice_is_remembered_after_logging_out_and_on_another_device(world, client_as):
    client_as(world.users["staff"]).post(TOGGLE, {"large_text": "on"})
    phone = Client()
    phone.force_login(world.users["staff"])
    assert _large(phone.get("/members/"))
    # One user's choice is theirs only.
    assert not _large(client_as(world.users["official"]).get("/members/"))


def test_staff_large_text_costs_no_query_per_page(world, client_as):
    client = client_as(world.users["staff"])
    with CaptureQueriesContext(connection) as before:
        client.get("/members/")
    client.post(TOGGLE, {"large_text": "on"})
    with CaptureQueriesContext(connection) as after:
        assert _large(client.get("/members/"))
    assert len(after) == len(before)
