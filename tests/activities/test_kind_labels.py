"""Meeting kinds read in the reader's language; what is stored never changes."""
from django.urls import reverse
from django.utils import translation

from activities.factories import HeldMeetingFactory
from activities.models import MeetingKind


def test_a_shipped_kind_reads_in_english_and_a_custom_one_keeps_its_name(db):
    theme_day = MeetingKind.objects.get(code=MeetingKind.THEME_DAY)
    custom = MeetingKind.objects.create(code="study_session", name="读书班", sort_order=20)
    with translation.override("en"):
        assert theme_day.label == "Theme day" and str(theme_day) == "Theme day"
        assert custom.label == "读书班"
    with translation.override("zh-hans"):
        assert theme_day.label == "主题党日"
    assert MeetingKind.objects.get(code=MeetingKind.THEME_DAY).name == "主题党日"


def test_a_shipped_kind_renamed_by_staff_keeps_the_new_name(db):
    lecture = MeetingKind.objects.get(code=MeetingKind.PARTY_LECTURE)
    lecture.name = "微党课"
    lecture.save()
    with translation.override("en"):
        assert lecture.label == "微党课"


def test_branch_compliance_and_meeting_list_in_english_show_english_kind_names(world,
                                                                               client_as):
    HeldMeetingFactory(branch=world.branch, kinds=[MeetingKind.COMMITTEE_MEETING,
                                                   MeetingKind.THEME_DAY])
    client = client_as(world.users["secretary"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    compliance = client.get(reverse("activities:compliance_branch", args=[world.branch.pk]))
    page = compliance.content.decode()
    assert "Theme day" in page and "General meeting" in page
    assert "主题党日" not in page and "支部党员大会" not in page
    meetings = client.get(reverse("activities:meeting_list")).content.decode()
    assert "Committee meeting" in meetings and "支委会" not in meetings
