"""Sessions are read with one plain statement (instep/sessions.py), with
Django's own meaning: an unknown or expired session is empty and forgotten."""

from datetime import timedelta

import time_machine
from django.conf import settings
from django.utils import timezone

from instep.sessions import SessionStore


def test_settings_use_the_plain_statement_session_store():
    assert settings.SESSION_ENGINE == "instep.sessions"


def test_person_reads_back_their_session_in_one_query(db, django_assert_num_queries):
    stored = SessionStore()
    stored["mood"] = 4
    stored.create()
    with django_assert_num_queries(1):
        again = SessionStore(session_key=stored.session_key)
        assert again["mood"] == 4
    assert again.session_key == stored.session_key


def test_visitor_with_an_unknown_session_gets_an_empty_one(db):
    unknown = SessionStore(session_key="x" * 32)
    assert unknown.load() == {}
    assert unknown.session_key is None


def test_expired_session_is_not_read_and_its_key_is_forgotten(db):
    stored = SessionStore()
    stored["mood"] = 2
    stored.set_expiry(60)
    stored.create()
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        expired = SessionStore(session_key=stored.session_key)
        assert expired.load() == {}
        assert expired.session_key is None
