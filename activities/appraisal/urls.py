from django.urls import path

from activities.appraisal import views

app_name = "appraisal"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("new/", views.round_create, name="round_create"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("<int:pk>/public/", views.round_public_counts, name="round_public_counts"),
    path("<int:pk>/decide/", views.round_decide, name="round_decide"),
    path("me/", views.my_appraisals, name="my_appraisals"),
    path("me/<int:pk>/", views.vote, name="vote"),
    path("me/commitment/", views.my_commitment, name="my_commitment"),
    path("evidence/<int:pk>/", views.record_evidence, name="record_evidence"),
    path("community/<int:pk>/commitments/", views.public_commitments,
         name="public_commitments"),
]
