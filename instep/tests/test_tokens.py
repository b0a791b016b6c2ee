"""Secret tokens: fresh each time, stored and found only by their hash."""

import hashlib

from instep import tokens


def test_new_token_is_fresh_each_time_and_keeps_its_prefix():
    first, second = tokens.new_token("instep_"), tokens.new_token("instep_")
    assert first != second
    assert first.startswith("instep_") and len(first) > len("instep_") + 40


def test_stored_hash_is_the_sha256_of_the_token_not_the_token():
    token = tokens.new_token()
    stored = tokens.hash_token(token)
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored


def test_dead_token_hash_matches_no_token_anyone_was_given():
    given = tokens.new_token()
    assert tokens.dead_token_hash() != tokens.hash_token(given)
    assert tokens.dead_token_hash() != tokens.dead_token_hash()
