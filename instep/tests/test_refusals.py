"""A refusal no view caught becomes a page with its message, not a server error."""

from http import HTTPStatus

from django.test import RequestFactory

from instep.errors import NotAllowed, Refused
from instep.middleware import RefusalMiddleware


def _page_for(exception: Exception, user):
    request = RequestFactory().get("/anywhere/")
    request.user = user
    middleware = RefusalMiddleware(lambda r: None)
    return middleware.process_exception(request, exception)


def test_a_role_refusal_is_a_403_page_with_its_message(follower):
    response = _page_for(NotAllowed("Only the leader reviews duties."), follower)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert b"Only the leader reviews duties." in response.content


def test_a_rule_refusal_is_a_400_page(follower):
    response = _page_for(Refused("The dynamic is paused."), follower)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b"The dynamic is paused." in response.content


def test_other_errors_are_left_to_django(follower):
    assert _page_for(ValueError("boom"), follower) is None
