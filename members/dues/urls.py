from django.urls import path

from members.dues import views

app_name = "dues"

urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("branch/<int:pk>/", views.ledger_page, name="ledger"),
    path("branch/<int:pk>/base/", views.base_new, name="base_new"),
    path("branch/<int:pk>/pay/", views.payment_new, name="payment_new"),
    path("branch/<int:pk>/close/", views.month_close, name="month_close"),
    path("branch/<int:pk>/arrears/", views.arrears, name="arrears"),
    path("branch/<int:pk>/export/", views.ledger_export, name="ledger_export"),
    path("branch/<int:pk>/import/", views.import_upload, name="import_upload"),
    path("branch/<int:pk>/import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/template/", views.import_template, name="import_template"),
    path("member/<int:pk>/", views.member_page, name="member"),
    path("member/<int:pk>/exception/", views.exception_new, name="exception_new"),
    path("payment/<int:pk>/correct/", views.correction_new, name="correction_new"),
    path("report/<int:pk>/", views.report, name="report"),
]
