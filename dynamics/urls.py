from django.urls import path

from dynamics import views

app_name = "dynamics"
urlpatterns = [
    path("dynamics/", views.dynamic_list, name="list"),
    path("dynamics/new/", views.create, name="create"),
    path("d/<int:dynamic_id>/", views.home, name="home"),
    path("d/<int:dynamic_id>/now/", views.now_blocks, name="now_blocks"),
    path("d/<int:dynamic_id>/invite/", views.invite, name="invite"),
    path("d/<int:dynamic_id>/signal/<str:kind>/", views.signal, name="signal"),
    path(
        "d/<int:dynamic_id>/signals/<int:signal_id>/seen/",
        views.acknowledge,
        name="acknowledge",
    ),
    path("d/<int:dynamic_id>/pause/", views.pause, name="pause"),
    path("d/<int:dynamic_id>/resume/", views.resume, name="resume"),
    path("d/<int:dynamic_id>/aftercare/", views.aftercare, name="aftercare"),
    path("d/<int:dynamic_id>/end/", views.end, name="end"),
    path("d/<int:dynamic_id>/audit/", views.audit, name="audit"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("red/", views.red_everywhere, name="red_everywhere"),
    path("alerts/", views.alerts, name="alerts"),
]
