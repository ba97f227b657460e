from django.urls import path

from organizations.streetsettings import views

app_name = "streetsettings"

urlpatterns = [
    path("street/<int:pk>/", views.edit, name="edit"),
]
