from django.urls import path

from organizations import views

app_name = "organizations"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.node_detail, name="node_detail"),
    path("terms/", views.terms, name="terms"),
    path("<int:pk>/new/", views.node_create, name="node_create"),
    path("<int:pk>/edit/", views.node_edit, name="node_edit"),
    path("<int:pk>/move/", views.node_move, name="node_move"),
    path("<int:pk>/archive/", views.node_archive, name="node_archive"),
    path("<int:pk>/restore/", views.node_restore, name="node_restore"),
    path("<int:pk>/seats/new/", views.seat_create, name="seat_create"),
    path("seats/<int:pk>/edit/", views.seat_edit, name="seat_edit"),
    path("<int:pk>/grids/new/", views.grid_create, name="grid_create"),
    path("grids/<int:pk>/edit/", views.grid_edit, name="grid_edit"),
    path("<int:pk>/accounts/", views.account_list, name="account_list"),
    path("<int:pk>/accounts/new/", views.account_create, name="account_create"),
    path("grants/<int:pk>/revoke/", views.grant_revoke, name="grant_revoke"),
]
