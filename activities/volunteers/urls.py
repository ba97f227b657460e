from django.urls import path

from activities.volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("teams/", views.team_list, name="team_list"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("teams/<int:pk>/members/add/", views.team_member_add, name="team_member_add"),
    path("memberships/<int:pk>/leave/", views.team_member_leave, name="team_member_leave"),
    path("", views.volunteer_list, name="volunteer_list"),
    path("new/", views.volunteer_create, name="volunteer_create"),
    path("<int:pk>/", views.volunteer_detail, name="volunteer_detail"),
    path("<int:pk>/entries/add/", views.volunteer_entry_add, name="volunteer_entry_add"),
    path("<int:pk>/certificates/issue/", views.certificate_issue, name="certificate_issue"),
    path("activities/<int:pk>/record/", views.activity_record, name="activity_record"),
    path("records/<int:pk>/correct/", views.record_correct, name="record_correct"),
    path("certificates/<int:pk>/", views.certificate_print, name="certificate_print"),
    path("verify/", views.verify, name="verify"),
]
