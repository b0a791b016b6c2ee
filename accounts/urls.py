from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("pin/", views.pin, name="pin"),
    path("lock/", views.lock, name="lock"),
    path("lock/now/", views.lock_now, name="lock_now"),
    path(
        "sign-out-everywhere/",
        views.sign_out_everywhere,
        name="sign_out_everywhere",
    ),
    path("delete/", views.delete, name="delete"),
]
