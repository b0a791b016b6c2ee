"""Hooks: how a lower app calls up without importing the apps above it.

The apps are layered (docs/architecture.md, enforced by the import contracts
in pyproject.toml): an app imports only the apps below it. When a lower app
must tell or ask an upper one (duties hands a missed occurrence to conduct,
dynamics tells notify about a signal), it declares a ``Hook`` in its own
``hooks.py`` and calls it; the upper app registers its function on it in its
``AppConfig.ready()``, the way Django's admin is filled::

    # duties/hooks.py (the lower app)
    slipped = Hook("duties.slipped")
    # conduct/apps.py (the upper app), in ready()
    duty_hooks.slipped.register(services.record_slip_from_occurrence)
    # duties/services.py
    duty_hooks.slipped(dynamic_id=..., ...)

Calling a hook calls every registered function in the order they were
registered, with the same arguments, and returns their results as a list.
"""

from collections.abc import Callable
from typing import Any


class Hook:
    """A named list of functions an upper app fills in ``ready()``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[Callable[..., Any]] = []

    def register(self, receiver: Callable[..., Any]) -> Callable[..., Any]:
        """Adds ``receiver`` once (``ready()`` may run twice in tests)."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    @property
    def receivers(self) -> tuple[Callable[..., Any], ...]:
        return tuple(self._receivers)

    def __call__(self, *args: Any, **kwargs: Any) -> list[Any]:
        return [receiver(*args, **kwargs) for receiver in self._receivers]

    def __repr__(self) -> str:
        names = ", ".join(f"{r.__module__}.{r.__qualname__}" for r in self._receivers)
        return f"<Hook {self.name}: {names or 'nobody'}>"
