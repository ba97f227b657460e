"""A subscribed phone calendar follows a meeting's changes: SEQUENCE grows, LAST-MODIFIED moves."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from activities import services
from activities.factories import MeetingFactory
from activities.models import MeetingKind

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _feed_calendar():
    """The feed's window is read between the steps too: this module builds its own calendar."""
    with time_machine.travel(NOW, tick=False):
        yield


def event_of(client, feed):
    body = client.get(reverse("activities:calendar_feed", args=[feed.token])).content
    [event] = Calendar.from_ical(body).walk("VEVENT")
    return event


def test_each_edit_raises_sequence_and_last_modified(world, client):
    feed = services.calendar_feed_for(world.member)
    with time_machine.travel(NOW, tick=False):
        meeting = MeetingFactory(branch=world.branch, attendees=[world.member],
                                 starts_at=NOW + timedelta(days=2))
    first = event_of(client, feed)
    assert first["SEQUENCE"] == 0
    assert first["LAST-MODIFIED"].dt == NOW
    later = NOW + timedelta(hours=3)
    with time_machine.travel(later, tick=False):
        services.meeting_update(
            meeting=meeting, kinds=MeetingKind.objects.filter(code="theme_day"),
            attendees=[world.member], group=None, topic=meeting.topic,
            starts_at=NOW + timedelta(days=3), ends_at=NOW + timedelta(days=3, hours=2),
            place="新会议室", host=meeting.host, recorder=meeting.recorder)
    second = event_of(client, feed)
    assert second["SEQUENCE"] == 1
    assert second["LAST-MODIFIED"].dt == later
    assert second["DTSTART"].dt == NOW + timedelta(days=3)
    with time_machine.travel(later + timedelta(hours=1), tick=False):
        services.meeting_cancel(meeting=meeting, reason="改期")
    meeting.refresh_from_db()
    assert meeting.sequence == 2  # the event leaves the feed; its calendar copy goes with it


def test_the_feed_address_has_a_copy_button(world, client_as):
    page = client_as(world.users["member"]).get(reverse("activities:my_meetings"))
    html = page.content.decode()
    assert 'data-copy-target="#feed-url"' in html and "js/copy-field.js" in html
