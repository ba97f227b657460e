from django.urls import path

from activities.views import channels, community, meetings, overview, personal

app_name = "activities"

urlpatterns = [
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/record/", meetings.meeting_record, name="meeting_record"),
    path("meetings/<int:pk>/print/", meetings.meeting_print, name="meeting_print"),
    path("meetings/<int:pk>/qr/", meetings.meeting_qr, name="meeting_qr"),
    path("meetings/<int:pk>/qr.svg", meetings.meeting_qr_image, name="meeting_qr_image"),
    path("meetings/<int:pk>/check-in-for/", meetings.meeting_checkin_for,
         name="meeting_checkin_for"),
    path("meeting-photos/<int:pk>/", meetings.meeting_photo, name="meeting_photo"),
    path("check-in/<str:token>/", meetings.checkin_page, name="checkin"),
    path("branches/<int:pk>/compliance/", overview.compliance_branch, name="compliance_branch"),
    path("communities/<int:pk>/compliance/", overview.compliance_community,
         name="compliance_community"),
    path("streets/<int:pk>/compliance/", overview.compliance_street, name="compliance_street"),
    path("nodes/<int:pk>/calendar/", overview.calendar_month, name="calendar"),
    path("branches/<int:pk>/record-book/<int:year>/<int:quarter>/", overview.record_book_page,
         name="record_book"),
    path("branches/<int:pk>/record-book/<int:year>/<int:quarter>/xlsx/",
         overview.record_book_xlsx, name="record_book_xlsx"),
    path("activities/", community.activity_list, name="activity_list"),
    path("activities/new/", community.activity_create, name="activity_create"),
    path("activities/<int:pk>/", community.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", community.activity_edit, name="activity_edit"),
    path("activity-photos/<int:pk>/", community.activity_photo, name="activity_photo"),
    path("me/", personal.my_meetings, name="my_meetings"),
    path("me/calendar/reset/", personal.calendar_feed_reset, name="calendar_feed_reset"),
    path("ical/<str:token>.ics", personal.calendar_feed, name="calendar_feed"),
    path("inbox/", personal.inbox, name="inbox"),
    path("inbox/<int:pk>/", personal.notification_open, name="notification_open"),
    path("inbox/read-all/", personal.inbox_read_all, name="inbox_read_all"),
    path("inbox/unread.json", personal.unread_count, name="unread_count"),
    path("inbox/channels/", channels.my_channels, name="my_channels"),
    path("members/<int:pk>/reminders/", channels.member_channels, name="member_channels"),
]
