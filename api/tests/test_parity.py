"""What the pages let a partner do beyond the clock, the API lets a script do
too: safewords, the private exploration list, contexts, the weekly review's
proposed changes, the ledger and the charts. Same services, same rules."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import Comment, SafewordSettings
from api.tests.world import everything

API = "/api/v1"
JSON = "application/json"


@pytest.fixture
def ids(dynamic, leader, follower):
    return everything(dynamic.pk, leader, follower, at=timezone.now())


def _send(client, method: str, path: str, body: dict | None = None):
    return getattr(client, method)(f"{API}{path}", body or {}, content_type=JSON)


def test_the_follower_sets_the_safewords_and_the_leader_only_their_aftercare(
    api_client, dynamic, leader, follower, ids
):
    d = f"/dynamics/{dynamic.pk}/agreement/safewords"
    follower_api, leader_api = api_client(follower), api_client(leader)
    changed = _send(follower_api, "patch", d, {"red_word": "Pineapple"})
    assert changed.status_code == HTTPStatus.OK
    assert changed.json()["red_word"] == "Pineapple"
    assert changed.json()["yellow_word"] == "yellow"  # what was not sent stays
    assert "red_word" in changed.json()["may_change"]
    refused = _send(leader_api, "patch", d, {"red_word": "Banana"})
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert refused.json()["code"] == "safewords_follower_only"
    assert SafewordSettings.objects.get(dynamic=dynamic).red_word == "Pineapple"
    mine = _send(leader_api, "patch", d, {"leader_aftercare": "Tea and quiet"})
    assert mine.json()["leader_aftercare"] == "Tea and quiet"
    assert mine.json()["may_change"] == ["leader_aftercare"]
    same = _send(follower_api, "patch", d, {"yellow_word": "pineapple"})
    assert same.status_code == HTTPStatus.BAD_REQUEST
    assert same.json()["detail"] == "Red and yellow need different words."
    assert leader_api.get(f"{API}{d}").json()["red_word"] == "Pineapple"


def test_exploration_answers_stay_private_and_only_mutual_ones_are_shared(
    api_client, dynamic, leader, follower, ids
):
    d = f"/dynamics/{dynamic.pk}/exploration"
    follower_api, leader_api = api_client(follower), api_client(leader)
    idea = ids["idea_id"]
    answered = _send(
        follower_api, "put", f"{d}/{idea}/answers", {"answers": {"together": "yes"}}
    )
    assert answered.json()["my_answers"] == {"together": "yes"}
    # The leader sees the idea, not the follower's answer, nor any match yet.
    theirs = next(
        i for i in leader_api.get(f"{API}{d}").json()["ideas"] if i["id"] == idea
    )
    assert theirs["my_answers"] == {}
    assert leader_api.get(f"{API}{d}/matches").json() == []
    _send(leader_api, "put", f"{d}/{idea}/answers", {"answers": {"together": "maybe"}})
    [match] = leader_api.get(f"{API}{d}/matches").json()
    assert match["idea_id"] == idea and match["partner_answer"] == "yes"
    assert not match["both_yes"]
    # "" clears an answer: unanswered again, and the match is gone.
    cleared = _send(
        follower_api, "put", f"{d}/{idea}/answers", {"answers": {"together": ""}}
    )
    assert cleared.json()["my_answers"] == {}
    assert leader_api.get(f"{API}{d}/matches").json() == []
    wrong = _send(
        follower_api, "put", f"{d}/{idea}/answers", {"answers": {"i_do": "yes"}}
    )
    assert wrong.status_code == HTTPStatus.BAD_REQUEST


def test_a_hard_limit_answer_goes_into_the_draft_once(
    api_client, dynamic, follower, ids
):
    path = f"/dynamics/{dynamic.pk}/exploration/{ids['limit_idea_id']}/to-draft"
    first = _send(api_client(follower), "post", path)
    assert first.status_code == HTTPStatus.CREATED
    assert first.json()["version"] == ids["number"]
    assert first.json()["text"] == "Anything in public"
    again = _send(api_client(follower), "post", path)
    assert again.status_code == HTTPStatus.BAD_REQUEST
    assert again.json()["detail"] == "This limit is already in the draft."


def test_adding_an_idea_that_is_already_listed_is_refused(
    api_client, dynamic, leader, ids
):
    path = f"/dynamics/{dynamic.pk}/exploration"
    made = _send(api_client(leader), "post", path, {"text": "  A picnic   at dawn "})
    assert made.status_code == HTTPStatus.CREATED
    assert made.json()["text"] == "A picnic at dawn"
    assert made.json()["directions"] == ["together"]
    again = _send(api_client(leader), "post", path, {"text": "a picnic at dawn"})
    assert again.status_code == HTTPStatus.BAD_REQUEST
    assert again.json()["field"] == "text"


def test_either_partner_switches_a_context_of_the_agreement(
    api_client, dynamic, leader, follower, ids
):
    path = f"/dynamics/{dynamic.pk}/contexts"
    [context] = api_client(leader).get(f"{API}{path}").json()
    assert context == {
        "text": "the children are home",
        "areas": ["Household"],
        "on": False,
    }
    on = _send(
        api_client(follower), "post", path, {"context": context["text"], "on": True}
    )
    assert on.json()[0]["on"] is True
    assert api_client(leader).get(f"{API}{path}").json()[0]["on"] is True
    twice = _send(
        api_client(leader), "post", path, {"context": context["text"], "on": True}
    )
    assert twice.status_code == HTTPStatus.BAD_REQUEST
    assert twice.json()["detail"] == "This context is already in effect."
    off = _send(
        api_client(leader), "post", path, {"context": context["text"], "on": False}
    )
    assert off.json()[0]["on"] is False
    unknown = _send(
        api_client(leader), "post", path, {"context": "at the office", "on": True}
    )
    assert unknown.status_code == HTTPStatus.BAD_REQUEST


def test_a_review_note_becomes_a_proposed_change_of_the_draft_once(
    api_client, dynamic, follower, ids
):
    path = f"/dynamics/{dynamic.pk}/review-notes/{ids['note_id']}/agreement"
    made = _send(api_client(follower), "post", path)
    assert made.status_code == HTTPStatus.CREATED
    assert made.json()["version"] == ids["number"]
    assert made.json()["comment"].endswith(": Earlier")
    assert Comment.objects.filter(version__number=ids["number"]).count() == 1
    again = _send(api_client(follower), "post", path)
    assert again.status_code == HTTPStatus.BAD_REQUEST


def test_the_ledger_counts_what_is_open_for_each_partner(
    api_client, dynamic, leader, follower, ids
):
    ledger = api_client(follower).get(f"{API}/dynamics/{dynamic.pk}/ledger").json()
    assert [i["id"] for i in ledger["open"]] == [ids["incident_id"]]
    assert ledger["open"][0]["about_me"] is True
    me = next(p for p in ledger["people"] if p["me"])
    assert me["role"] == "follower" and me["open"] == 1
    assert next(p for p in ledger["people"] if not p["me"])["open"] == 0


def test_insights_give_each_chart_as_its_table(api_client, dynamic, follower, ids):
    path = f"{API}/dynamics/{dynamic.pk}/insights"
    weeks = api_client(follower).get(path, {"range": "4w"}).json()
    assert weeks["range"] == "4w" and weeks["grain"] == "week"
    titles = [c["title"] for c in weeks["charts"]]
    assert titles[:2] == ["On time", "Streaks"] and "Mood" in titles
    charts = {c["title"]: c for c in weeks["charts"]}
    # A column a week for the clock, a day for the check-ins; a row a person.
    assert len(charts["On time"]["columns"]) == 4
    assert len(charts["Mood"]["columns"]) == 28
    assert [r["label"] for r in charts["On time"]["rows"]][0] == "You"
    assert api_client(follower).get(path).json()["range"] == "3m"
    wrong = api_client(follower).get(path, {"range": "5y"})
    assert wrong.status_code == HTTPStatus.BAD_REQUEST
    typo = api_client(follower).get(path, {"rnage": "4w"})
    assert typo.status_code == HTTPStatus.BAD_REQUEST


def test_now_lists_for_each_partner_what_the_page_lists(
    api_client, client_for, dynamic, leader, follower, ids
):
    """The world of everything: Now on the API and on the page read the same
    ``dynamics.now``; every waiting item's link is on the page too."""
    for person in (leader, follower):
        body = api_client(person).get(f"{API}/dynamics/{dynamic.pk}/now").json()
        html = client_for(person).get(reverse("dynamics:home", args=[dynamic.pk]))
        page = html.content.decode()
        assert body["waiting"], "the world leaves something for each partner"
        for item in body["waiting"]:
            assert f'<a href="{item["url"]}">' in page
        for due in body["due"]:
            assert f"/occurrences/{due['occurrence_id']}/done/" in page
