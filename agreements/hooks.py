"""What agreements tells the apps above it; they register in their ``ready()``.

agreements imports neither duties nor conduct (docs/architecture.md), so it
calls up only through these hooks (instep/hooks.py).
"""

from instep.hooks import Hook

# A hard limit was declared or its words changed: ``(record, *, actor, now)``,
# called inside the declaring transaction. duties takes the imposed duties that
# touch it off the clock; conduct excuses the open consequences that touch it.
hard_limit_declared = Hook("agreements.hard_limit_declared")
