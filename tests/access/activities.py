from tests.access import BRANCH_WRITE, COMMUNITY_READ, COMMUNITY_WRITE, MEMBER_OWN, Entry, expect

# Every logged-in user has an inbox.
ANY_USER = expect(member=200, staff_other=200, official_other=200)
ANY_GRANT = expect(staff_other=200, official_other=200)
# Planning meetings: anyone who keeps branch records (the form limits them to their branches).
WRITERS = expect(staff_other=200, official=404)
# A member's meeting: the invited member reads it too.
INVITED = expect(member=200)
MEMBER_ONLY = expect(member=200, secretary=404, staff=404, official=404)


def _png():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def _meeting(world):
    from datetime import timedelta

    from django.utils import timezone

    from activities.factories import MeetingFactory

    if "meeting" not in world.extra:
        # Starts in ten minutes: its check-in window is open.
        world.extra["meeting"] = MeetingFactory(
            branch=world.branch, attendees=[world.member],
            starts_at=timezone.now() + timedelta(minutes=10))


def _photo(world):
    from activities.models import MeetingPhoto

    _meeting(world)
    if "photo" not in world.extra:
        world.extra["photo"] = MeetingPhoto.objects.create(meeting=world.extra["meeting"],
                                                           image=_png())


def _activity(world):
    from activities.factories import ActivityFactory
    from activities.models import ActivityPhoto

    if "activity" not in world.extra:
        world.extra["activity"] = ActivityFactory(community=world.community)
        world.extra["activity_photo"] = ActivityPhoto.objects.create(
            activity=world.extra["activity"], image=_png())


def _token(world):
    from activities.checkin import make_token

    _meeting(world)
    world.extra["token"] = make_token(world.extra["meeting"])


def _feed(world):
    from activities.services import calendar_feed_for

    world.extra["feed"] = calendar_feed_for(world.member)


def _notification(world):
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from activities.models import Notification

    _meeting(world)
    meeting = world.extra["meeting"]
    world.extra["notification"], _created = Notification.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(meeting), object_id=meeting.pk,
        recipient=world.users["member"], kind="meeting_upcoming:120:test",
        defaults={"category": "meeting_upcoming", "title": "会议提醒",
                  "url": meeting.get_absolute_url(), "delivered_at": timezone.now()})


meeting = lambda world: {"pk": world.extra["meeting"].pk}  # noqa: E731
branch = lambda world: {"pk": world.branch.pk}  # noqa: E731
community = lambda world: {"pk": world.community.pk}  # noqa: E731
activity = lambda world: {"pk": world.extra["activity"].pk}  # noqa: E731

ENTRIES = [
    Entry("activities:meeting_list", expect=ANY_GRANT),
    Entry("activities:meeting_create", expect=WRITERS),
    Entry("activities:meeting_detail", meeting, setup=_meeting, expect=INVITED),
    Entry("activities:meeting_edit", meeting, setup=_meeting, expect=BRANCH_WRITE),
    Entry("activities:meeting_cancel", meeting, setup=_meeting, expect=BRANCH_WRITE),
    Entry("activities:meeting_record", meeting, setup=_meeting, expect=BRANCH_WRITE),
    Entry("activities:meeting_print", meeting, setup=_meeting, expect=INVITED),
    Entry("activities:meeting_qr", meeting, setup=_meeting, expect=BRANCH_WRITE),
    Entry("activities:meeting_qr_image", meeting, setup=_meeting, expect=BRANCH_WRITE),
    Entry("activities:meeting_checkin_for", meeting, setup=_meeting, expect=BRANCH_WRITE),
    Entry("activities:meeting_photo", lambda w: {"pk": w.extra["photo"].pk}, setup=_photo,
          expect=INVITED),
    Entry("activities:checkin", lambda w: {"token": w.extra["token"]}, setup=_token,
          expect=MEMBER_ONLY),
    Entry("activities:compliance_branch", branch),
    Entry("activities:compliance_community", community, expect=COMMUNITY_READ),
    Entry("activities:compliance_street", lambda w: {"pk": w.street.pk},
          expect=expect(secretary=404, staff=404)),
    # Meeting rules: read by the officials over the level (a street's, its district's), set by
    # the level's own (a district's officials set the district's, not a street's).
    Entry("activities:meeting_rules", community, expect=expect(secretary=404, staff=404)),
    Entry("activities:meeting_rules", lambda w: {"pk": w.district.pk},
          expect=expect(secretary=404, staff=404, official=404, district_official=200)),
    Entry("activities:meeting_rule_edit", lambda w: {"pk": w.street.pk, "code": "theme_day"},
          expect=expect(secretary=404, staff=404, district_official=404)),
    Entry("activities:meeting_rule_clear", lambda w: {"pk": w.street.pk, "code": "theme_day"},
          method="post", expect=expect(secretary=404, staff=404, official=302,
                                       district_official=404)),
    Entry("activities:meeting_reminders", community,
          expect=expect(secretary=404, staff=404, district_official=404)),
    Entry("activities:meeting_reminders_clear", lambda w: {"pk": w.district.pk}, method="post",
          expect=expect(secretary=404, staff=404, official=404, district_official=302)),
    Entry("activities:calendar", branch),
    Entry("activities:calendar", community, expect=COMMUNITY_READ),
    Entry("activities:record_book", lambda w: {"pk": w.branch.pk, "year": 2026, "quarter": 4}),
    Entry("activities:record_book_xlsx",
          lambda w: {"pk": w.branch.pk, "year": 2026, "quarter": 4}),
    Entry("activities:activity_list", expect=expect(secretary=404, staff_other=200,
                                                    official_other=200)),
    Entry("activities:activity_create", expect=expect(secretary=404, staff_other=200,
                                                      official=404)),
    Entry("activities:activity_detail", activity, setup=_activity, expect=COMMUNITY_READ),
    Entry("activities:activity_edit", activity, setup=_activity, expect=COMMUNITY_WRITE),
    Entry("activities:activity_photo", lambda w: {"pk": w.extra["activity_photo"].pk},
          setup=_activity, expect=COMMUNITY_READ),
    Entry("activities:my_meetings", expect=MEMBER_OWN),
    Entry("activities:calendar_feed_reset", method="post",
          expect=expect(member=302, secretary=404, staff=404, official=404)),
    Entry("activities:calendar_feed", lambda w: {"token": w.extra["feed"].token}, setup=_feed,
          expect={role: 200 for role in ANY_USER}),
    Entry("activities:inbox", expect=ANY_USER),
    Entry("activities:notification_open", lambda w: {"pk": w.extra["notification"].pk},
          setup=_notification, expect=expect(member=302, secretary=404, staff=404,
                                             official=404)),
    Entry("activities:inbox_read_all", method="post",
          expect={**{role: 302 for role in ANY_USER}}),
    Entry("activities:unread_count", expect=ANY_USER),
    Entry("activities:my_channels", expect=MEMBER_ONLY),
    Entry("activities:my_channels", method="post", data=lambda w: {"action": "choose"},
          expect=expect(member=302, secretary=404, staff=404, official=404)),
    # The staff of the member's community only (B1's member, in C1).
    Entry("activities:member_channels", lambda w: {"pk": w.member.pk}, expect=COMMUNITY_WRITE),
    Entry("activities:member_channels", lambda w: {"pk": w.member.pk}, method="post",
          data=lambda w: {"action": "unlink"},
          expect=expect(staff=302, secretary=404, official=404)),
]
