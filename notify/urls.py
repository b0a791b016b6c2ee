from django.urls import path

from notify import views

app_name = "notify"
urlpatterns = [
    path("me/notifications/", views.settings_page, name="settings"),
    path("me/notifications/add/email/", views.add_email, name="add_email"),
    path("me/notifications/add/apprise/", views.add_apprise, name="add_apprise"),
    path("me/notifications/add/push/", views.add_push, name="add_push"),
    path(
        "me/notifications/push-offer/dismiss/",
        views.dismiss_push_offer,
        name="dismiss_push_offer",
    ),
    path(
        "me/notifications/<int:channel_id>/test/",
        views.test_channel,
        name="test_channel",
    ),
    path(
        "me/notifications/<int:channel_id>/switch/",
        views.switch_channel,
        name="switch_channel",
    ),
    path(
        "me/notifications/<int:channel_id>/remove/",
        views.remove_channel,
        name="remove_channel",
    ),
    path("me/inbox/", views.centre, name="centre"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
]
