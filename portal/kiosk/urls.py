from django.urls import path

from portal.kiosk import views

app_name = "kiosk"

urlpatterns = [
    path("street/<int:pk>/links/", views.link_list, name="link_list"),
    path("district/<int:pk>/links/", views.district_link_list, name="district_link_list"),
    path("links/<int:pk>/revoke/", views.link_revoke, name="link_revoke"),
    path("screen/<str:token>/", views.screen, name="screen"),
    path("screen/<str:token>/figures/", views.screen_figures, name="figures"),
]
