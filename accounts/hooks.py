"""What accounts tells the apps above it; they register in their ``ready()``.

accounts is the lowest app (docs/architecture.md): it imports no other app and
calls up only through these hooks (instep/hooks.py).
"""

from instep.hooks import Hook

# A person's account is about to be deleted: ``(person, *, now)``, inside the
# deleting transaction. dynamics ends each of their dynamics for the partner.
account_erasing = Hook("accounts.account_erasing")

# A person's password changed or they signed out everywhere: ``(*, person)``.
# Whatever else lets someone in as them must stop: api revokes their tokens.
credentials_revoked = Hook("accounts.credentials_revoked")
