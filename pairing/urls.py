from django.urls import path

from pairing import household_views, project_views, views

app_name = "pairing"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/archive/", views.unit_archive, name="unit_archive"),
    path("units/<int:pk>/restore/", views.unit_restore, name="unit_restore"),
    path("units/<int:pk>/resources/new/", views.resource_create, name="resource_create"),
    path("resources/<int:pk>/withdraw/", views.resource_withdraw, name="resource_withdraw"),
    path("units/<int:pk>/report/", views.unit_report, name="unit_report"),
    path("units/<int:pk>/report.xlsx", views.unit_report_xlsx, name="unit_report_xlsx"),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/end/", views.agreement_end, name="agreement_end"),
    path("agreements/<int:pk>/document/", views.agreement_document, name="agreement_document"),
    path("joint-committee/new/", views.joint_seat_create, name="joint_seat_create"),
    path("joint-committee/<int:pk>/edit/", views.joint_seat_edit, name="joint_seat_edit"),
    path("households/", household_views.household_list, name="household_list"),
    path("households/new/", household_views.household_create, name="household_create"),
    path("households/<int:pk>/", household_views.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", household_views.household_edit, name="household_edit"),
    path("pairings/", household_views.pairing_list, name="pairing_list"),
    path("pairings/new/", household_views.pairing_create, name="pairing_create"),
    path("pairings/<int:pk>/", household_views.pairing_detail, name="pairing_detail"),
    path("pairings/<int:pk>/end/", household_views.pairing_end, name="pairing_end"),
    path("pairings/<int:pk>/visits/new/", household_views.visit_create, name="visit_create"),
    path("contributions/", household_views.contribution_list, name="contribution_list"),
    path("contributions/new/", household_views.contribution_create, name="contribution_create"),
    path("needs/", project_views.need_list, name="need_list"),
    path("needs/new/", project_views.need_create, name="need_create"),
    path("needs/<int:pk>/project/", project_views.project_create, name="project_create"),
    path("projects/<int:pk>/", project_views.project_detail, name="project_detail"),
    path("projects/<int:pk>/update/", project_views.project_update, name="project_update"),
    path("projects/<int:pk>/photos/new/", project_views.photo_create, name="photo_create"),
    path("photos/<int:pk>/", project_views.photo_file, name="photo_file"),
]
