"""The audit trail reads in words: labels, names, local times, never codes or internal names."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from members.factories import MemberFactory
from members.models import Member
from portal.audit import change_rows
from portal.factories import RectificationFactory
from portal.models import Rectification, RectificationEvent

pytestmark = pytest.mark.django_db

# 01:30 in Shanghai is 17:30 UTC of the day before: a UTC time would show the wrong day.
NOW = datetime(2026, 11, 21, 1, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def rows_of(instance, action=LogEntry.Action.CREATE):
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(instance),
                                 object_pk=str(instance.pk), action=action)
    return {field: (old, new) for field, old, new in change_rows([entry])[0]}


def test_a_rectification_shows_labels_names_and_local_times():
    with time_machine.travel(NOW, tick=False):
        rectification = RectificationFactory()
    rows = rows_of(rectification)
    community = rectification.community
    assert rows["状态"] == ("", "待整改")               # not "open"
    assert rows["社区"] == ("", str(community))          # not "None → 12"
    assert rows["下发时间"] == ("", "2026-11-21 01:30:00")  # local, not 2026-11-20 17:30
    assert not any("None" in old + new for old, new in rows.values())
    assert "整改记录" not in rows and "events" not in rows and "id" not in rows
    event = rectification.events.get()
    event_rows = rows_of(event)
    assert event_rows["操作"] == ("", str(RectificationEvent.Action.OPENED.label))
    assert event_rows["操作人"] == ("", event.actor.username)


def test_a_member_change_shows_choice_labels_and_masks_the_id_number(world):
    member = MemberFactory(branch=world.branch, category=Member.Category.RETIRED)
    member.category = Member.Category.EMPLOYED
    member.save()
    created, updated = rows_of(member), rows_of(member, LogEntry.Action.UPDATE)
    assert updated["党员类别"] == ("离退休党员", "在职党员")
    assert created["身份证号"][1] == member.masked_id_number
    assert created["所在支部"][1] == world.branch.name


def test_a_deleted_related_object_reads_as_deleted(world):
    entry = LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Rectification), object_pk="1",
        object_repr="x", action=LogEntry.Action.UPDATE,
        changes={"community": ["999999", "None"]})
    assert change_rows([entry])[0] == [("社区", "编号 999999（已删除）", "")]


def test_the_search_page_shows_words_in_one_query_per_related_model(world, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(world.users["superuser"])

    def queries_with(count):
        with time_machine.travel(NOW, tick=False):
            for _ in range(count):
                RectificationFactory(inspection__point__community=world.community)
        with CaptureQueriesContext(connection) as context:
            page = client.get(reverse("audit:search")).content.decode()
        assert "RectificationEvent.None" not in page and "待整改" in page
        assert "社区: None" not in page and "→ open" not in page
        return len(context)

    assert queries_with(1) == queries_with(4)
