"""The registry of a person's export: each app's section, found in ready().

Each app that owns data registers a section in its own ``portability.py``
(ApiConfig.ready imports them all)::

    from instep.archive import register
    register("duties", title="Duties", export=export_duties,
             import_=import_duties, order=40)

``export(user)`` returns JSON-able data: what is the person's own and what
they share in their dynamics, never the partner's private entries.
``import_(context, parts)`` recreates it in a fresh instance from every
imported archive at once (so both partners' archives can be joined up);
sections are imported in ``order``. ``files(user)`` may add binary files
(photos) under ``files/<section>/``. ``api.portability`` writes and reads the
archive; this module sits below every app so that each can register here
without importing the API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the person's type only; the import contracts skip it
    from accounts.models import User


@dataclass
class ArchivePart:
    """One person's archive, as an import section sees it."""

    data: dict[str, Any]  # the section's JSON
    manifest: dict[str, Any]
    person: User | None = None  # set once the accounts section has run
    files: dict[str, bytes] = field(default_factory=dict)  # files/<section>/…


@dataclass
class ImportContext:
    now: datetime
    # Anything sections need to share, e.g. dynamics by their export key.
    shared: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    export: Callable[[User], dict[str, Any]]
    import_: Callable[[ImportContext, list[ArchivePart]], None] | None = None
    order: int = 100
    files: Callable[[User], dict[str, bytes]] | None = None


_sections: dict[str, Section] = {}


def register(
    name: str,
    *,
    title: str,
    export: Callable[[User], dict[str, Any]],
    import_: Callable[[ImportContext, list[ArchivePart]], None] | None = None,
    order: int = 100,
    files: Callable[[User], dict[str, bytes]] | None = None,
) -> None:
    """Adds a section to every export (and import). Names are file names."""
    _sections[name] = Section(name, title, export, import_, order, files)


def registered_sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.name))


def parse_at(value: str | None) -> datetime | None:
    """Returns the exported timestamp as an aware datetime (None stays None)."""
    return datetime.fromisoformat(value) if value else None


def imported_dynamic(context: ImportContext, part: ArchivePart, key: int):
    """Returns the dynamic the dynamics section recreated for export id ``key``
    of this archive, and its members here by role ({} for a dynamic it did
    not recreate)."""
    return context.shared.get("dynamics", {}).get(
        (part.manifest["source"], key), (None, {})
    )


def shared_once(context: ImportContext, name: str, part: ArchivePart, key: int):
    """Returns True the first time a section asks for a dynamic's shared data:
    both partners' archives carry it, and it is imported once."""
    seen = context.shared.setdefault(f"{name}:seen", set())
    mark = (part.manifest["source"], key)
    if mark in seen:
        return False
    seen.add(mark)
    return True
