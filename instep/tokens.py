"""Secret tokens in links and headers: made here, stored only as a hash.

Invitation links, calendar feed URLs and API tokens all work the same way: the
person gets the token once, the database keeps its SHA-256, and a request is
recognised by hashing what it brings. A stolen database opens nothing.
"""

import hashlib
import secrets

TOKEN_BYTES = 32


def new_token(prefix: str = "") -> str:
    """Returns a fresh URL-safe token (256 random bits) after ``prefix``."""
    return prefix + secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """Returns the hex SHA-256 of ``token``: what is stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


def dead_token_hash() -> str:
    """Returns the hash of a token nobody holds (an imported link stays dead)."""
    return hash_token(new_token())
