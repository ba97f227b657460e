from django.urls import path

from pairing.zones import views

app_name = "zones"

urlpatterns = [
    path("community/<int:pk>/", views.community_zones, name="community"),
    path("community/<int:pk>/new/", views.zone_create, name="zone_create"),
    path("<int:pk>/claim/", views.claim_create, name="claim_create"),
]
