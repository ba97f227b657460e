from django.urls import path

from portal import burden, dashboard_views, inspection_views

app_name = "dashboards"

urlpatterns = [
    path("district/<int:pk>/", dashboard_views.district_dashboard, name="district"),
    path("district/<int:pk>/report/", dashboard_views.district_report, name="district_report"),
    path("district/<int:pk>/report/xlsx/", dashboard_views.district_report_xlsx,
         name="district_report_xlsx"),
    path("street/<int:pk>/", dashboard_views.street_dashboard, name="street"),
    path("community/<int:pk>/", dashboard_views.community_dashboard, name="community"),
    path("branch/<int:pk>/", dashboard_views.branch_dashboard, name="branch"),
    path("report/<int:pk>/", dashboard_views.monthly_report, name="monthly_report"),
    path("report/<int:pk>/xlsx/", dashboard_views.monthly_report_xlsx,
         name="monthly_report_xlsx"),
    path("points/", inspection_views.point_list, name="point_list"),
    path("points/new/", inspection_views.point_create, name="point_create"),
    path("points/<int:pk>/edit/", inspection_views.point_edit, name="point_edit"),
    path("inspections/", inspection_views.inspection_list, name="inspection_list"),
    path("inspections/new/", inspection_views.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", inspection_views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/photo/", inspection_views.inspection_photo,
         name="inspection_photo"),
    path("rectifications/", inspection_views.rectification_list, name="rectification_list"),
    path("rectifications/<int:pk>/", inspection_views.rectification_detail,
         name="rectification_detail"),
    path("rectifications/<int:pk>/fix/", inspection_views.rectification_fix,
         name="rectification_fix"),
    path("rectifications/<int:pk>/accept/", inspection_views.rectification_accept,
         name="rectification_accept"),
    path("rectifications/<int:pk>/return/", inspection_views.rectification_return,
         name="rectification_return"),
    path("rectifications/photos/<int:pk>/", inspection_views.rectification_event_photo,
         name="rectification_event_photo"),
    path("street/<int:pk>/bulletin/", inspection_views.bulletin, name="bulletin"),
    path("street/<int:pk>/ranking/", inspection_views.ranking, name="ranking"),
    path("street/<int:pk>/load/", burden.street_load, name="street_load"),
    path("street/<int:pk>/ranking/weights/", inspection_views.ranking_weights,
         name="ranking_weights"),
]
