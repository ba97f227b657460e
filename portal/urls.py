from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True),
         name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("org/", include("organizations.urls")),
    path("settings/", include("organizations.streetsettings.urls")),
    path("rules/", include("portal.rulebook_urls")),
    path("members/", include("members.urls")),
    path("dues/", include("members.dues.urls")),
    path("development/", include("members.development.urls")),
    path("activities/", include("activities.urls")),
    path("appraisal/", include("activities.appraisal.urls")),
    path("volunteers/", include("activities.volunteers.urls")),
    path("pairing/", include("pairing.urls")),
    path("zones/", include("pairing.zones.urls")),
    path("wishes/", include("pairing.wishes.urls")),
    path("dashboard/", include("portal.dashboard_urls")),
    path("tasks/", include("portal.tasklists.urls")),
    path("kiosk/", include("portal.kiosk.urls")),
    path("audit/", include("portal.audit_urls")),
    path("admin/", admin.site.urls),
]
