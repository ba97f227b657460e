from django.urls import path

from portal import rulebook_views

app_name = "rulebook"

urlpatterns = [
    path("nodes/<int:pk>/", rulebook_views.rulebook, name="rules"),
    path("nodes/<int:pk>/dues/<slug:rule>/", rulebook_views.dues_edit, name="dues_edit"),
    path("nodes/<int:pk>/dues/<slug:rule>/<str:month>/cancel/", rulebook_views.dues_cancel,
         name="dues_cancel"),
    path("nodes/<int:pk>/<slug:key>/", rulebook_views.section_edit, name="edit"),
    path("nodes/<int:pk>/<slug:key>/clear/", rulebook_views.section_clear, name="clear"),
]
