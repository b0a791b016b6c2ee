import pytest

from duties.tests.factories import sign_agreement


@pytest.fixture
def agreement(dynamic, leader, follower, now):
    """A signed agreement: household and schedule delegated, wardrobe advisory,
    and a hard limit of the follower on "public"."""
    return sign_agreement(
        dynamic,
        leader,
        follower,
        depths={"household": "delegated", "schedule": "full"},
        limits=[("follower", "hard", "Nothing in public", "public")],
        now=now,
    )
