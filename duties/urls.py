from django.urls import path

from duties import views

app_name = "duties"
urlpatterns = [
    path("d/<int:dynamic_id>/today/", views.today, name="today"),
    path("d/<int:dynamic_id>/plan/", views.plan, name="plan"),
    path("d/<int:dynamic_id>/duties/", views.duties, name="duties"),
    path("d/<int:dynamic_id>/duties/new/", views.new_duty, name="new_duty"),
    path("d/<int:dynamic_id>/duties/<int:duty_id>/", views.history, name="history"),
    path(
        "d/<int:dynamic_id>/duties/<int:duty_id>/edit/",
        views.edit_duty,
        name="edit_duty",
    ),
    path(
        "d/<int:dynamic_id>/duties/<int:duty_id>/retire/", views.retire, name="retire"
    ),
    path("d/<int:dynamic_id>/review/", views.review_queue, name="review_queue"),
    path(
        "d/<int:dynamic_id>/occurrences/<int:occurrence_id>/done/",
        views.complete,
        name="complete",
    ),
    path(
        "d/<int:dynamic_id>/occurrences/<int:occurrence_id>/review/",
        views.review,
        name="review",
    ),
    path(
        "d/<int:dynamic_id>/occurrences/<int:occurrence_id>/photo/",
        views.proof_photo,
        name="proof_photo",
    ),
    path("d/<int:dynamic_id>/pauses/", views.pauses, name="pauses"),
    path(
        "d/<int:dynamic_id>/pauses/<int:plan_id>/cancel/",
        views.cancel_pause,
        name="cancel_pause",
    ),
    path(
        "d/<int:dynamic_id>/pauses/context/",
        views.switch_context,
        name="switch_context",
    ),
    path("d/<int:dynamic_id>/illness/", views.illness, name="illness"),
    path("d/<int:dynamic_id>/calendar/", views.calendar, name="calendar"),
    path("calendar/<str:token>.ics", views.feed_view, name="feed"),
]
