"""Signals other apps listen to, so that accounts needs to know none of them."""

from django.dispatch import Signal

# Sent with ``person`` when their password changes or they sign out
# everywhere: whatever else lets someone in as them (API tokens) must stop.
credentials_revoked = Signal()
