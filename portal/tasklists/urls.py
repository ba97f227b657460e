from django.urls import path

from portal.tasklists import views

app_name = "tasklists"

urlpatterns = [
    path("", views.item_list, name="item_list"),
    path("street/<int:pk>/", views.task_list, name="task_list"),
    path("street/<int:pk>/new/", views.task_create, name="task_create"),
    path("<int:pk>/", views.task_detail, name="task_detail"),
    path("<int:pk>/attachment/", views.task_attachment, name="task_attachment"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/assign/", views.item_assign, name="item_assign"),
    path("items/<int:pk>/report/", views.item_report, name="item_report"),
    path("items/<int:pk>/accept/", views.item_accept, name="item_accept"),
    path("items/<int:pk>/return/", views.item_return, name="item_return"),
    path("events/<int:pk>/attachment/", views.event_attachment, name="event_attachment"),
]
