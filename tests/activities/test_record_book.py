"""The quarterly record book as an xlsx workbook, built directly and through its view."""
import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from activities import compliance, record_book
from activities.factories import HeldMeetingFactory, MeetingFactory
from activities.models import Attendance, Meeting, MeetingPhoto
from members.factories import MemberFactory
from tests.portal.images import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _photo(meeting, size=(1200, 800)):
    photo = MeetingPhoto(meeting=meeting)
    photo.image.save("photo.png", ContentFile(png_bytes(size)))
    return photo


def _quarter(moment):
    local = timezone.localtime(moment)
    return local.year, (local.month + 2) // 3


def _book(branch, moment):
    span = compliance.Span.quarter(*_quarter(moment))
    meetings = record_book.quarter_meetings(Meeting.objects.all(), branch, span)
    return load_workbook(io.BytesIO(record_book.record_book_workbook(branch, span, meetings)))


def _values(sheet):
    return {row[0]: row[1] for row in sheet.iter_rows(min_row=2, max_col=2, values_only=True)
            if row[0]}


def test_workbook_has_a_sheet_per_held_meeting_with_attendance_and_photos(world):
    present = MemberFactory(branch=world.branch, name="张出席")
    excused = MemberFactory(branch=world.branch, name="李请假")
    absent = MemberFactory(branch=world.branch, name="王缺席")
    meeting = HeldMeetingFactory(branch=world.branch, topic="季度党课", place="党员活动室",
                                 host="赵书记", recorder="钱委员",
                                 attendees=[present, excused, absent])
    Attendance.objects.filter(meeting=meeting, member=present).update(status="present")
    Attendance.objects.filter(meeting=meeting, member=excused).update(status="excused",
                                                                      reason="出差")
    Attendance.objects.filter(meeting=meeting, member=absent).update(status="absent")
    _photo(meeting)
    # Neither a planned meeting nor another branch's meeting belongs in the book.
    MeetingFactory(branch=world.branch, topic="未召开", starts_at=meeting.starts_at)
    HeldMeetingFactory(branch=world.other_branch, topic="别的支部", starts_at=meeting.starts_at)

    workbook = _book(world.branch, meeting.starts_at)
    assert len(workbook.sheetnames) == 2
    contents, sheet = workbook.worksheets
    assert [row[3] for row in contents.iter_rows(min_row=3, values_only=True)] == ["季度党课"]
    values = _values(sheet)
    assert sheet["A1"].value == "会议记录"
    assert values["地点"] == "党员活动室" and values["主持人"] == "赵书记"
    assert values["记录人"] == "钱委员" and values["议题"] == "季度党课"
    assert values["会议内容"] == meeting.minutes
    assert "主题党日" in values["会议名称"]
    assert values["应到人数"] == 3 and values["实到人数"] == 1
    assert values["出席人员"] == "张出席"
    assert "李请假（请假：出差）" in values["缺席人员及原因"]
    assert "王缺席（缺席）" in values["缺席人员及原因"]
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M") in values["时间"]
    assert len(sheet._images) == 1
    assert sheet._images[0].width == record_book.PHOTO_MAX_WIDTH


def test_an_empty_quarter_says_so_and_a_missing_photo_file_is_noted(world):
    workbook = _book(world.branch, timezone.now() + timedelta(days=400))
    assert workbook.sheetnames == ["目录"]
    assert "本季度没有已召开的会议。" in [row[0] for row in workbook.active.values]

    meeting = HeldMeetingFactory(branch=world.branch)
    photo = _photo(meeting, size=(40, 30))
    photo.image.storage.delete(photo.image.name)
    sheet = _book(world.branch, meeting.starts_at).worksheets[1]
    assert not sheet._images
    assert any(str(value).startswith("照片文件无法读取") for row in sheet.values
               for value in row if value)


def _download(client, branch, moment):
    year, quarter = _quarter(moment)
    return client.get(reverse("activities:record_book_xlsx", args=[branch.pk, year, quarter]))


def test_view_downloads_the_book_and_the_page_links_it(world, client_as):
    meeting = HeldMeetingFactory(branch=world.branch, topic="季度党课", attendees=[world.member])
    _photo(meeting, size=(60, 40))
    client = client_as(world.users["secretary"])
    response = _download(client, world.branch, meeting.starts_at)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert _values(workbook.worksheets[1])["议题"] == "季度党课"
    year, quarter = _quarter(meeting.starts_at)
    page = client.get(reverse("activities:record_book", args=[world.branch.pk, year, quarter]))
    assert reverse("activities:record_book_xlsx",
                   args=[world.branch.pk, year, quarter]) in page.content.decode()
    assert client.get(reverse("activities:record_book_xlsx",
                              args=[world.branch.pk, year, 5])).status_code == 404
    other = client_as(world.users["staff_other"])
    assert _download(other, world.branch, meeting.starts_at).status_code == 404


def test_view_query_count_does_not_grow_with_meetings(world, client_as):
    client = client_as(world.users["staff"])
    counts = []
    start = timezone.now() - timedelta(hours=3)
    for size in (1, 4):
        Meeting.objects.all().delete()
        for index in range(size):
            meeting = HeldMeetingFactory(branch=world.branch, starts_at=start,
                                         attendees=[MemberFactory(branch=world.branch)])
            _photo(meeting, size=(20, 20))
        with CaptureQueriesContext(connection) as queries:
            assert _download(client, world.branch, start).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
