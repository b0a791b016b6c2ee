"""What dynamics tells the apps above it; they register in their ``ready()``.

dynamics imports no app but accounts (docs/architecture.md), so it calls up
only through these hooks (instep/hooks.py).
"""

from instep.hooks import Hook

# A signal was sent: ``(signal, *, now)``. notify tells the partner (red at once).
signal_sent = Hook("dynamics.signal_sent")

# A partner acted and the other should hear of it (a pause started or ended):
# ``(dynamic_id, actor, kind, context, *, dedupe_key, now)``. notify tells the
# partner, never the actor (notify.events.tell_partner).
tell_partner = Hook("dynamics.tell_partner")
