from django.urls import path

from portal import audit_views

app_name = "audit"

urlpatterns = [
    path("", audit_views.search, name="search"),
]
