from django.urls import path

from agreements import views

app_name = "agreements"
V = "d/<int:dynamic_id>/agreement/v/<int:number>"
ITEM = f"{V}/<slug:section>/<int:item_id>"
urlpatterns = [
    path(
        "d/<int:dynamic_id>/agreement/",
        views.show_agreement,
        name="show_agreement",
    ),
    path(
        "d/<int:dynamic_id>/agreement/propose/",
        views.propose_draft,
        name="propose_draft",
    ),
    path(
        "d/<int:dynamic_id>/agreement/history/",
        views.show_history,
        name="show_history",
    ),
    path(
        "d/<int:dynamic_id>/agreement/compare/",
        views.compare_versions,
        name="compare_versions",
    ),
    path(
        "d/<int:dynamic_id>/agreement/safewords/",
        views.edit_safewords,
        name="edit_safewords",
    ),
    path(
        "d/<int:dynamic_id>/agreement/explore/",
        views.show_exploration,
        name="show_exploration",
    ),
    path(
        "d/<int:dynamic_id>/agreement/explore/together/",
        views.show_matches,
        name="show_matches",
    ),
    path(
        "d/<int:dynamic_id>/agreement/explore/new/",
        views.add_idea,
        name="add_idea",
    ),
    path(
        "d/<int:dynamic_id>/agreement/explore/<int:item_id>/",
        views.answer_idea,
        name="answer_idea",
    ),
    path(
        "d/<int:dynamic_id>/agreement/explore/<int:item_id>/to-draft/",
        views.propose_limit,
        name="propose_limit",
    ),
    path(f"{V}/", views.show_version, name="show_version"),
    path(f"{V}/edit/", views.edit_version, name="edit_version"),
    path(f"{V}/sign/", views.sign_version, name="sign_version"),
    path(f"{V}/discard/", views.discard_draft, name="discard_draft"),
    path(f"{V}/print/", views.print_version, name="print_version"),
    path(f"{V}/comments/", views.add_comment, name="add_comment"),
    path(f"{V}/<slug:section>/add/", views.add_item, name="add_item"),
    path(f"{ITEM}/", views.change_item, name="change_item"),
    path(f"{ITEM}/remove/", views.remove_item, name="remove_item"),
]
