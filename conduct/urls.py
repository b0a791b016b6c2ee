from django.urls import path

from conduct import views

app_name = "conduct"
incident = "d/<int:dynamic_id>/incidents/<int:incident_id>"
urlpatterns = [
    path("d/<int:dynamic_id>/incidents/", views.incident_list, name="list_incidents"),
    path(
        "d/<int:dynamic_id>/incidents/new/",
        views.report_incident,
        name="report_incident",
    ),
    path(f"{incident}/", views.incident, name="incident"),
    path(f"{incident}/reflect/", views.reflect, name="reflect"),
    path(f"{incident}/apologise/", views.apologise, name="apologise"),
    path(f"{incident}/correction/", views.give_consequence, name="give_consequence"),
    path(f"{incident}/reward/", views.give_reward, name="give_reward"),
    path(f"{incident}/make-it-right/", views.make_it_right, name="make_it_right"),
    path(f"{incident}/forgive/", views.forgive, name="forgive"),
    path(f"{incident}/excuse/", views.excuse, name="excuse"),
    path(f"{incident}/celebrate/", views.celebrate, name="celebrate"),
    path(f"{incident}/schedule/", views.schedule, name="schedule_correction"),
    path(f"{incident}/done/", views.complete_repair, name="complete_repair"),
    path("d/<int:dynamic_id>/ledger/", views.ledger, name="ledger"),
    path(
        "d/<int:dynamic_id>/make-it-right/",
        views.make_it_right_items,
        name="make_it_right_items",
    ),
    path(
        "d/<int:dynamic_id>/make-it-right/<int:item_id>/agree/",
        views.agree_item,
        name="agree_item",
    ),
    path(
        "d/<int:dynamic_id>/make-it-right/<int:item_id>/withdraw/",
        views.withdraw_item,
        name="withdraw_item",
    ),
]
