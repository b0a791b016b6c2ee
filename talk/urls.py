from django.urls import path

from talk import views

app_name = "talk"
D = "d/<int:dynamic_id>"
urlpatterns = [
    path(f"{D}/check-in/", views.checkin, name="checkin"),
    path(f"{D}/check-in/prompt/", views.checkin_prompt, name="checkin_prompt"),
    path(f"{D}/matters/", views.matter_list, name="matter_list"),
    path(f"{D}/matters/new/", views.matter_new, name="matter_new"),
    path(f"{D}/matters/ask/", views.request_new, name="request_new"),
    path(f"{D}/matters/<int:matter_id>/", views.matter_detail, name="matter_detail"),
    path(
        f"{D}/matters/<int:matter_id>/reply/",
        views.matter_comment,
        name="matter_comment",
    ),
    path(
        f"{D}/matters/<int:matter_id>/decide/",
        views.matter_decide,
        name="matter_decide",
    ),
    path(
        f"{D}/matters/<int:matter_id>/answer/",
        views.matter_answer,
        name="matter_answer",
    ),
    path(
        f"{D}/matters/<int:matter_id>/withdraw/",
        views.matter_withdraw,
        name="matter_withdraw",
    ),
    path(f"{D}/decisions/", views.decision_log, name="decision_log"),
    path(f"{D}/journal/", views.journal, name="journal"),
    path(f"{D}/journal/new/", views.journal_new, name="journal_new"),
    path(f"{D}/journal/<int:entry_id>/", views.journal_entry, name="journal_entry"),
    path(f"{D}/journal/<int:entry_id>/edit/", views.journal_edit, name="journal_edit"),
    path(
        f"{D}/journal/<int:entry_id>/delete/",
        views.journal_delete,
        name="journal_delete",
    ),
    path(
        f"{D}/journal/<int:entry_id>/comment/",
        views.journal_comment,
        name="journal_comment",
    ),
    path(f"{D}/reviews/", views.review_list, name="review_list"),
    path(f"{D}/reviews/start/", views.review_start, name="review_start"),
    path(f"{D}/reviews/<int:review_id>/", views.review_detail, name="review_detail"),
    path(f"{D}/reviews/<int:review_id>/notes/", views.review_note, name="review_note"),
    path(f"{D}/reviews/<int:review_id>/held/", views.review_held, name="review_held"),
    path(
        f"{D}/reviews/notes/<int:note_id>/to-matter/",
        views.review_note_matter,
        name="review_note_matter",
    ),
    path(
        f"{D}/reviews/notes/<int:note_id>/to-agreement/",
        views.review_note_agreement,
        name="review_note_agreement",
    ),
    path(f"{D}/search/", views.search, name="search"),
]
