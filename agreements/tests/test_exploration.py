"""The exploration list: private answers, only mutual yes/maybe ever shared."""

import re
from http import HTTPStatus

import pytest
from django.http import Http404
from django.urls import reverse

from agreements import queries, services
from agreements.models import ExplorationAnswer, ExplorationItem, Limit
from dynamics.access import membership_or_404
from dynamics.models import AuditEntry
from instep.errors import Refused

YES, MAYBE = "yes", "maybe"
NO, HARD = "not_for_me", "hard_limit"


@pytest.fixture
def answer(dynamic, now):
    def give(person, item, now=now, **answers):
        return services.answer_idea(
            person, dynamic.pk, item_id=item.pk, answers=answers, now=now
        )

    return give


def _matches(person, dynamic):
    return queries.exploration_matches(membership_or_404(person, dynamic.pk))


def test_instep_ships_about_eighty_neutral_ideas_in_groups(catalogue):
    assert len(catalogue) >= 80
    groups = {item.group for item in catalogue.values()}
    assert len(groups) >= 6
    assert any(item.directional for item in catalogue.values())


def test_both_yes_together_is_shared_and_comes_first(
    catalogue, dynamic, leader, follower, answer
):
    walks, massage = catalogue["walks"], catalogue["massage"]
    answer(leader, massage, i_do=YES)
    answer(follower, massage, done_to_me=MAYBE)
    answer(leader, walks, together=YES)
    answer(follower, walks, together=YES)
    matches = _matches(follower, dynamic)
    assert [(m.item.key, m.both_yes) for m in matches] == [
        ("walks", True),
        ("massage", False),
    ]
    massage_match = matches[1]
    assert (massage_match.my_direction, massage_match.partner_direction) == (
        "done_to_me",
        "i_do",
    )


def test_directions_must_complement_each_other(
    catalogue, dynamic, leader, follower, answer
):
    massage = catalogue["massage"]
    answer(leader, massage, i_do=YES)
    answer(follower, massage, i_do=YES)  # both want to give: no match
    assert _matches(leader, dynamic) == []
    answer(follower, massage, i_do=YES, done_to_me=YES)
    assert [m.my_direction for m in _matches(leader, dynamic)] == ["i_do"]


@pytest.mark.parametrize("theirs", [NO, HARD, None])
def test_a_no_a_hard_limit_or_a_blank_is_never_shared(
    catalogue, dynamic, leader, follower, answer, theirs
):
    walks = catalogue["walks"]
    answer(leader, walks, together=YES)
    if theirs:
        answer(follower, walks, together=theirs)
    assert _matches(leader, dynamic) == []
    assert _matches(follower, dynamic) == []


def test_a_blank_is_not_a_no_and_answers_change_any_time(
    catalogue, dynamic, leader, follower, answer
):
    walks = catalogue["walks"]
    answer(leader, walks, together=YES)
    answer(follower, walks, together=NO)
    answer(follower, walks, together="")  # unanswered again
    assert not ExplorationAnswer.objects.filter(user=follower).exists()
    answer(follower, walks, together=MAYBE)
    assert len(_matches(leader, dynamic)) == 1


def test_an_idea_is_answered_only_in_its_directions(
    catalogue, dynamic, follower, answer
):
    with pytest.raises(Refused, match="direction"):
        answer(follower, catalogue["walks"], i_do=YES)
    with pytest.raises(Refused, match="yes, maybe"):
        answer(follower, catalogue["walks"], together="perhaps")
    assert not ExplorationAnswer.objects.exists()


def test_answers_leave_no_trace_in_the_audit_trail(
    catalogue, dynamic, follower, answer
):
    before = AuditEntry.objects.count()
    answer(follower, catalogue["walks"], together=HARD)
    assert AuditEntry.objects.count() == before


def test_a_stranger_cannot_answer_or_read(catalogue, dynamic, stranger, now):
    with pytest.raises(Http404):
        services.answer_idea(
            stranger,
            dynamic.pk,
            item_id=catalogue["walks"].pk,
            answers={"together": YES},
            now=now,
        )


def test_a_couples_own_idea_stays_in_their_dynamic(
    catalogue, dynamic, dynamic_factory, leader, follower, stranger, now
):
    idea = services.add_idea(
        follower, dynamic.pk, text="Learning a dance", directional=False, now=now
    )
    assert idea.dynamic == dynamic
    other = dynamic_factory(stranger)
    with pytest.raises(Refused, match="no such idea"):
        services.answer_idea(
            stranger,
            other.pk,
            item_id=idea.pk,
            answers={"together": YES},
            now=now,
        )
    with pytest.raises(Refused, match="already on your list"):
        services.add_idea(
            leader, dynamic.pk, text="learning a  DANCE", directional=False, now=now
        )
    with pytest.raises(Refused, match="already on your list"):
        services.add_idea(
            leader, dynamic.pk, text="Daily walks", directional=False, now=now
        )


# Nothing leaks: pages, counts, exports -------------------------------------


def _pages(dynamic, draft) -> list[str]:
    d = dynamic.pk
    # Now first: it keeps the header bell's count in the session, which every
    # page after it shows.
    return [
        reverse("dynamics:home", args=[d]),
        reverse("agreements:show_exploration", args=[d]),
        reverse("agreements:show_matches", args=[d]),
        reverse("agreements:show_agreement", args=[d]),
        reverse("agreements:show_version", args=[d, draft.number]),
        reverse("dynamics:audit", args=[d]),
    ]


# Tokens made anew for each render: the CSRF token and the signal forms' key.
_TOKEN = re.compile(
    rb'(csrfmiddlewaretoken" value="|X-CSRFToken": "|idempotency_key" value=")[^"]+'
)


def _seen(client, urls) -> list[bytes]:
    return [_TOKEN.sub(b"", client.get(url).content) for url in urls]


def test_the_partner_sees_nothing_of_non_mutual_answers_on_any_page_or_export(
    catalogue, dynamic, leader, follower, client_for, answer, draft
):
    """Every page and the export read the same for the leader, whatever the
    follower answered, as long as nothing became mutual."""
    answer(leader, catalogue["walks"], together=YES)
    answer(leader, catalogue["massage"], i_do=YES)
    urls = _pages(dynamic, draft)
    client = client_for(leader)
    me = membership_or_404(leader, dynamic.pk)
    before, export_before = _seen(client, urls), queries.exploration_export(me)
    answer(follower, catalogue["walks"], together=NO)
    answer(follower, catalogue["massage"], done_to_me=HARD, i_do=YES)
    answer(follower, catalogue["cuddling"], together=HARD)
    for item in list(catalogue.values())[:30]:
        answer(follower, item, together=NO)
    after, export_after = _seen(client, urls), queries.exploration_export(me)
    assert after == before
    assert export_after == export_before
    assert export_after["together"] == []


def test_the_partner_sees_a_match_once_it_is_mutual(
    catalogue, dynamic, leader, follower, client_for, answer
):
    answer(follower, catalogue["walks"], together=MAYBE)
    page = client_for(leader).get(reverse("agreements:show_matches", args=[dynamic.pk]))
    assert b"Daily walks" not in page.content
    answer(leader, catalogue["walks"], together=YES)
    page = client_for(leader).get(reverse("agreements:show_matches", args=[dynamic.pk]))
    assert b"Daily walks" in page.content
    assert b"Yes and maybe" in page.content


def test_the_export_holds_my_answers_and_the_matches_only(
    catalogue, dynamic, leader, follower, answer
):
    answer(leader, catalogue["walks"], together=YES)
    answer(follower, catalogue["walks"], together=YES)
    answer(follower, catalogue["cuddling"], together=HARD)
    export = queries.exploration_export(membership_or_404(follower, dynamic.pk))
    assert {(a["idea"], a["answer"]) for a in export["my_answers"]} == {
        ("Daily walks", "yes"),
        ("Cuddling on the sofa", "hard_limit"),
    }
    assert [t["idea"] for t in export["together"]] == ["Daily walks"]
    leader_export = queries.exploration_export(membership_or_404(leader, dynamic.pk))
    assert "Cuddling" not in str(leader_export)


# Hard limits go to the next draft, by the answerer's choice -----------------------


def test_a_hard_limit_answer_is_offered_for_the_draft_to_its_author_only(
    catalogue, dynamic, leader, follower, client_for, answer, draft, now
):
    answer(follower, catalogue["cuddling"], together=HARD)
    url = reverse("agreements:show_version", args=[dynamic.pk, draft.number])
    assert b"Cuddling on the sofa" in client_for(follower).get(url).content
    assert b"Cuddling on the sofa" not in client_for(leader).get(url).content
    services.sign(leader, dynamic.pk, number=draft.number, now=now)
    response = client_for(follower).post(
        reverse("agreements:propose_limit", args=[dynamic.pk, catalogue["cuddling"].pk])
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    limit = Limit.objects.get(version=draft)
    assert (limit.owner_role, limit.kind, limit.text) == (
        "follower",
        "hard",
        "Cuddling on the sofa",
    )
    draft.refresh_from_db()
    assert draft.leader_signed_at is None  # an edit like any other
    assert b"From your exploration list" not in client_for(follower).get(url).content


def test_only_a_hard_limit_answer_can_be_proposed(
    catalogue, dynamic, follower, answer, draft, now
):
    answer(follower, catalogue["walks"], together=NO)
    with pytest.raises(Refused, match="not answered this idea with a hard limit"):
        services.propose_hard_limit(
            follower, dynamic.pk, item_id=catalogue["walks"].pk, now=now
        )


def test_proposing_needs_an_open_draft(catalogue, dynamic, follower, answer, now):
    answer(follower, catalogue["walks"], together=HARD)
    with pytest.raises(Refused, match="Start a draft"):
        services.propose_hard_limit(
            follower, dynamic.pk, item_id=catalogue["walks"].pk, now=now
        )


# Pages -------------------------------------------------------------------------


def test_partner_answers_through_the_page(catalogue, dynamic, follower, client_for):
    massage = catalogue["massage"]
    client = client_for(follower)
    url = reverse("agreements:answer_idea", args=[dynamic.pk, massage.pk])
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert b"I do it" in page.content and b"It is done to me" in page.content
    response = client.post(url, {"i_do": "maybe", "done_to_me": "", "together": "yes"})
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert dict(
        ExplorationAnswer.objects.filter(user=follower).values_list(
            "direction", "answer"
        )
    ) == {"i_do": "maybe", "together": "yes"}
    listing = client.get(reverse("agreements:show_exploration", args=[dynamic.pk]))
    assert b"You answered 1 of" in listing.content


def test_partner_adds_an_idea_through_the_page(dynamic, follower, client_for):
    response = client_for(follower).post(
        reverse("agreements:add_idea", args=[dynamic.pk]),
        {"text": "Learning a dance", "directional": ""},
    )
    idea = ExplorationItem.objects.get(text="Learning a dance")
    assert response["Location"] == reverse(
        "agreements:answer_idea", args=[dynamic.pk, idea.pk]
    )


@pytest.mark.parametrize("name", ["show_exploration", "show_matches"])
def test_exploration_pages_use_a_fixed_number_of_queries(
    catalogue,
    dynamic,
    leader,
    follower,
    client_for,
    answer,
    django_assert_max_num_queries,
    name,
):
    for item in list(catalogue.values())[:40]:
        for person in (leader, follower):
            answer(person, item, together=YES)
    client = client_for(leader)
    url = reverse(f"agreements:{name}", args=[dynamic.pk])
    client.get(url)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == HTTPStatus.OK
