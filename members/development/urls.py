from django.urls import path

from members.development import views

app_name = "development"

urlpatterns = [
    path("", views.index, name="index"),
    path("board/<int:pk>/", views.board, name="board"),
    path("board/<int:pk>/ledger.xlsx", views.export, name="export"),
    path("new/", views.candidate_create, name="candidate_create"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/preview/", views.import_preview, name="import_preview"),
    path("<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("<int:pk>/<slug:action>/", views.step, name="step"),
    path("records/<int:pk>/document/", views.record_document, name="record_document"),
]
