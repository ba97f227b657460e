"""A reminder reads in its reader's language, with dates in that language's format."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from activities.factories import MeetingFactory
from activities.models import Notification
from activities.reminders import reminder_text, scan, pending_ids, send_delivery

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_meeting_reminder_reads_in_english_in_an_english_inbox(world, client_as):
    with time_machine.travel(NOW, tick=False):
        MeetingFactory(branch=world.branch, attendees=[world.member], topic="学习党章",
                       starts_at=NOW + timedelta(hours=1), place="党群服务中心")
        scan(sources=["meeting_upcoming"])
        for pk in pending_ids():
            send_delivery(pk)
    stored = Notification.objects.get()
    assert stored.title == "会议提醒：学习党章"            # mail and SMS: the default language
    assert "2026年11月20日 10:00" in stored.body
    client = client_as(world.users["member"])
    assert "会议提醒：学习党章" in client.get(reverse("activities:inbox")).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(reverse("activities:inbox")).content.decode()
    assert "会议提醒" not in english
    assert "学习党章" in english and "2026-11-20 10:00" in english


def test_reminder_text_keeps_msgids_and_values():
    from datetime import date

    text = reminder_text("%(name)s的预备期将于 %(day)s 届满", "请提前准备转正申请，并及时召开支部党员大会讨论。",
                         name="余桂荣", day=date(2026, 12, 30))
    assert text["title"] == "余桂荣的预备期将于 2026年12月30日 届满"
    with translation.override("en"):
        from activities.reminders import render_message

        english = render_message(text["message"], "title")
    assert "余桂荣" in english and "2026-12-30" in english and "预备期" not in english
