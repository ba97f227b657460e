"""The audit trail: writes and accesses are recorded; officials search their street's part."""
from datetime import timedelta

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from members.factories import MemberFactory
from organizations.factories import UserFactory
from organizations.models import Node
from portal.audit import entries_visible_to, record_access

SEARCH = reverse("audit:search")
# Session, user, grants, the user's member link, the count and one page of entries with actors
# and content types joined, the session save: the same for 3 entries or 30.
QUERIES = 9


def node_entries(node):
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Node),
                                   object_pk=str(node.pk)).order_by("timestamp", "pk")


def test_creating_and_updating_a_node_records_who_when_where_and_what(world, client_as):
    client = client_as(world.users["staff"])
    before = timezone.now()
    response = client.post(reverse("organizations:node_create", args=[world.community.pk]),
                           {"name": "兰新社区第二党支部", "sort_order": 2},
                           REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    node = Node.objects.get(name="兰新社区第二党支部")
    created = node_entries(node).get(action=LogEntry.Action.CREATE)
    assert created.actor == world.users["staff"]
    assert created.remote_addr == "10.1.2.3"
    assert created.timestamp >= before
    assert created.changes_dict["name"][1] == "兰新社区第二党支部"

    # Without a trusted proxy the client's own X-Forwarded-For is not believed.
    client.post(reverse("organizations:node_edit", args=[node.pk]),
                {"name": "兰新社区第二党支部（新）", "sort_order": 2, "phone": "0561-1"},
                HTTP_X_FORWARDED_FOR="192.0.2.7", REMOTE_ADDR="10.0.0.1")
    updated = node_entries(node).get(action=LogEntry.Action.UPDATE)
    assert updated.actor == world.users["staff"]
    assert updated.remote_addr == "10.0.0.1"
    assert updated.changes_dict["name"] == ["兰新社区第二党支部", "兰新社区第二党支部（新）"]
    assert updated.changes_dict["phone"] == ["", "0561-1"]


def test_behind_a_trusted_proxy_the_trail_records_the_client_not_what_it_forged(
        world, client_as, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = client_as(world.users["staff"])
    client.post(reverse("organizations:node_create", args=[world.community.pk]),
                {"name": "兰新社区第三党支部", "sort_order": 3},
                HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.9", REMOTE_ADDR="10.0.0.1")
    node = Node.objects.get(name="兰新社区第三党支部")
    assert node_entries(node).get(action=LogEntry.Action.CREATE).remote_addr == "192.0.2.9"
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1",
                                   HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.9")
    request.user = world.users["staff"]
    assert record_access(request, world.member, "reveal_id_number").remote_addr == "192.0.2.9"


def _access(user, instance, event, address="10.9.9.9"):
    request = RequestFactory().get("/", REMOTE_ADDR=address)
    request.user = user
    return record_access(request, instance, event)


def test_record_access_stores_an_access_event(world):
    entry = _access(world.users["staff"], world.member, "reveal_id_number")
    assert entry.action == LogEntry.Action.ACCESS
    assert entry.additional_data == {"event": "reveal_id_number"}
    assert entry.actor == world.users["staff"] and entry.remote_addr == "10.9.9.9"


def test_writes_after_an_access_in_the_same_request_keep_their_actor(world):
    staff = world.users["staff"]
    with set_actor(staff, remote_addr="10.7.7.7"):  # what auditlog's middleware does
        _access(staff, world.member, "reveal_id_number", address="10.7.7.7")
        world.branch.phone = "0561-2"
        world.branch.save()
    updated = node_entries(world.branch).get(action=LogEntry.Action.UPDATE)
    assert updated.actor == staff and updated.remote_addr == "10.7.7.7"


def test_street_official_sees_only_actors_of_the_street(world):
    own = _access(world.users["staff"], world.member, "reveal_id_number")
    by_member = _access(world.users["member"], world.member, "view_household")
    by_secretary = _access(world.users["secretary"], world.branch, "view_household")
    by_other_street = _access(world.users["official_other"], world.other_street, "view_household")
    outsider = UserFactory(username="nobody")
    by_outsider = _access(outsider, world.member, "view_household")

    visible = set(entries_visible_to(world.users["official"]).values_list("pk", flat=True))
    assert {own.pk, by_member.pk, by_secretary.pk} <= visible
    assert by_other_street.pk not in visible and by_outsider.pk not in visible

    other = set(entries_visible_to(world.users["official_other"]).values_list("pk", flat=True))
    assert by_other_street.pk in other and own.pk not in other
    everything = set(entries_visible_to(world.users["superuser"]).values_list("pk", flat=True))
    assert by_outsider.pk in everything
    assert not entries_visible_to(world.users["staff"]).exists()


def test_a_member_of_another_street_is_not_an_actor_of_this_street(world):
    member_user = UserFactory(username="east_member")
    branch = Node.objects.create(kind=Node.Kind.BRANCH, name="东湖第一支部",
                                 parent=world.other_street_community)
    MemberFactory(branch=branch, user=member_user)
    entry = _access(member_user, world.member, "view_household")
    assert not entries_visible_to(world.users["official"]).filter(pk=entry.pk).exists()
    assert entries_visible_to(world.users["official_other"]).filter(pk=entry.pk).exists()


def test_search_page_filters_by_user_object_action_and_date(world, client_as):
    staff_entry = _access(world.users["staff"], world.member, "reveal_id_number")
    secretary_entry = _access(world.users["secretary"], world.branch, "view_household")
    old = _access(world.users["staff"], world.branch, "view_household")
    LogEntry.objects.filter(pk=old.pk).update(timestamp=timezone.now() - timedelta(days=40))
    client = client_as(world.users["official"])

    def shown(**query):
        response = client.get(SEARCH, query)
        assert response.status_code == 200
        return {entry.pk for entry in response.context["page"].object_list}

    assert {staff_entry.pk, secretary_entry.pk, old.pk} <= shown()
    by_user = shown(actor="staff")
    assert staff_entry.pk in by_user and secretary_entry.pk not in by_user
    member_type = f"members.{world.member._meta.model_name}"
    assert shown(object_type=member_type, object_id=str(world.member.pk)) == {staff_entry.pk}
    assert shown(action="event:reveal_id_number") == {staff_entry.pk}
    recent = shown(date_from=(timezone.localdate() - timedelta(days=7)).isoformat(),
                   date_to=timezone.localdate().isoformat())
    assert old.pk not in recent and staff_entry.pk in recent
    assert shown(date_from="2026-12-31", date_to="2026-01-01") == set()


def test_search_page_shows_nothing_of_another_street(world, client_as):
    entry = _access(world.users["staff"], world.member, "reveal_id_number")
    response = client_as(world.users["official_other"]).get(SEARCH)
    assert entry.pk not in {row.pk for row in response.context["page"].object_list}


@pytest.mark.parametrize("rows", [3, 30])
def test_search_page_query_count_does_not_grow(world, client_as, django_assert_num_queries,
                                               rows):
    for _ in range(rows):
        _access(world.users["staff"], world.member, "reveal_id_number")
    client = client_as(world.users["official"])
    client.get(SEARCH)
    with django_assert_num_queries(QUERIES):
        client.get(SEARCH, {"actor": "staff"})


def test_nobody_can_change_or_delete_entries_in_the_admin(world, client_as):
    entry = _access(world.users["staff"], world.member, "reveal_id_number")
    client = client_as(world.users["superuser"])
    change = reverse("admin:auditlog_logentry_change", args=[entry.pk])
    delete = reverse("admin:auditlog_logentry_delete", args=[entry.pk])
    assert client.get(change).status_code == 200  # readable
    client.post(change, {"action": 0})
    client.post(delete, {"post": "yes"})
    client.post(reverse("admin:auditlog_logentry_changelist"),
                {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    entry.refresh_from_db()
    assert entry.action == LogEntry.Action.ACCESS
    assert client.get(reverse("admin:auditlog_logentry_add")).status_code == 403


def test_the_audit_urls_offer_no_write(world, client_as):
    response = client_as(world.users["official"]).post(SEARCH, {"actor": "x"})
    assert response.status_code == 405


def test_password_changes_are_listed_without_the_hash(world, client_as):
    staff = world.users["staff"]
    staff.set_password("Xin#Mima2026")
    staff.save()
    response = client_as(world.users["superuser"]).get(SEARCH, {"object_type": "auth.user"})
    content = response.content.decode()
    assert "（已隐藏）" in content
    assert staff.password not in content and "md5$" not in content
