from django.urls import path

from pairing.wishes import member_views, public_views, views

app_name = "wishes"

urlpatterns = [
    path("", views.wish_list, name="list"),
    path("new/", views.wish_create, name="create"),
    path("figures/", views.wish_figures, name="figures"),
    path("<int:pk>/", views.wish_detail, name="detail"),
    path("<int:pk>/accept/", views.wish_accept, name="accept"),
    path("<int:pk>/merge/", views.wish_merge, name="merge"),
    path("<int:pk>/decline/", views.wish_decline, name="decline"),
    path("<int:pk>/dispatch/", views.wish_dispatch, name="dispatch"),
    path("<int:pk>/done/", views.wish_done, name="done"),
    path("<int:pk>/confirm/", views.wish_confirm, name="confirm"),
    path("<int:pk>/reopen/", views.wish_reopen, name="reopen"),
    path("<int:pk>/to-need/", views.wish_to_need, name="to_need"),
    path("qr/<int:community_pk>/", views.wish_qr, name="qr"),
    # Residents: no login.
    path("c/<int:community_pk>/", public_views.public_new, name="public_new"),
    path("c/<int:community_pk>/wall/", public_views.public_wall, name="public_wall"),
    path("r/<str:token>/", public_views.resident, name="resident"),
    # Members, on a phone.
    path("me/", member_views.my_wishes, name="my_wishes"),
    path("me/<int:pk>/", member_views.my_wish, name="my_wish"),
    path("me/<int:pk>/claim/", member_views.my_claim, name="my_claim"),
]
