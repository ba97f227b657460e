from django.urls import path

from portal import rulebook_views

app_name = "rulebook"

urlpatterns = [
    path("nodes/<int:pk>/", rulebook_views.rulebook, name="rules"),
    path("nodes/<int:pk>/<slug:key>/", rulebook_views.section_edit, name="edit"),
    path("nodes/<int:pk>/<slug:key>/clear/", rulebook_views.section_clear, name="clear"),
]
