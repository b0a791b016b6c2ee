"""A person's export (ZIP of JSON files plus a readable HTML copy) and its import.

Each app that owns data registers its section in its own ``portability.py``
with ``instep.archive.register`` (found by ApiConfig.ready); this module writes
every registered section to the archive and imports archives back.
"""

import io
import json
import zipfile
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from instep.archive import ArchivePart, ImportContext, registered_sections
from instep.errors import Refused

FORMAT = "instep-export"
FILES = "files"  # the archive's files/<section>/… by section, after reading
VERSION = 1


def export_data(user: User, *, now: datetime) -> dict[str, Any]:
    """Returns the manifest and every section's data for ``user``."""
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now,
        "source": settings.BASE_URL,
        "sections": [s.name for s in registered_sections()],
    }
    return {
        "manifest": manifest,
        **{s.name: s.export(user) for s in registered_sections()},
    }


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        # Full precision: DjangoJSONEncoder cuts microseconds, which would make
        # an imported copy differ from the original.
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


def _json(value: Any) -> str:
    return json.dumps(value, cls=_Encoder, indent=2, ensure_ascii=False)


def export_zip(user: User, *, now: datetime) -> bytes:
    """Returns the ZIP: manifest.json, one JSON file per section, index.html."""
    data = export_data(user, now=now)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, value in data.items():
            archive.writestr(f"{name}.json", _json(value))
        for section in registered_sections():
            if section.files:
                for path, content in section.files(user).items():
                    archive.writestr(f"files/{section.name}/{path}", content)
        archive.writestr("index.html", render_html(data))
    return buffer.getvalue()


def _html(value: Any) -> SafeString:
    """Renders any exported value readably: dicts as lists of terms, lists of
    records as tables."""
    if isinstance(value, dict):
        return format_html(
            "<dl>{}</dl>",
            format_html_join(
                "",
                "<dt>{}</dt><dd>{}</dd>",
                ((k.replace("_", " "), _html(v)) for k, v in value.items()),
            ),
        )
    if isinstance(value, list):
        if not value:
            return mark_safe('<p class="none">none</p>')
        if all(isinstance(v, dict) for v in value):
            flat = all(
                not isinstance(x, dict | list) for v in value for x in v.values()
            )
            if flat:
                keys = list(dict.fromkeys(k for v in value for k in v))
                head = format_html_join(
                    "", "<th>{}</th>", ((k.replace("_", " "),) for k in keys)
                )
                rows = format_html_join(
                    "",
                    "<tr>{}</tr>",
                    (
                        (
                            format_html_join(
                                "", "<td>{}</td>", ((_html(v.get(k)),) for k in keys)
                            ),
                        )
                        for v in value
                    ),
                )
                return format_html("<table><tr>{}</tr>{}</table>", head, rows)
            return format_html_join(
                "", '<div class="record">{}</div>', ((_html(v),) for v in value)
            )
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}</li>", ((_html(v),) for v in value)),
        )
    if value is None:
        return mark_safe("—")
    if isinstance(value, bool):
        return mark_safe("yes" if value else "no")
    if isinstance(value, datetime):
        return format_html("{}", value.strftime("%Y-%m-%d %H:%M %Z"))
    return format_html("{}", value)


def render_html(data: dict[str, Any]) -> str:
    sections = [
        {"title": s.title, "body": _html(data[s.name])} for s in registered_sections()
    ]
    return render_to_string(
        "api/export_copy.html", {"manifest": data["manifest"], "sections": sections}
    )


def read_archive(content: bytes) -> dict[str, Any]:
    """Returns the archive's JSON files by section name, or refuses."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
                raise Refused("This is not an Instep export this version can read.")
            data = {"manifest": manifest, FILES: {}}
            for name in manifest.get("sections", []):
                data[name] = json.loads(archive.read(f"{name}.json"))
            for entry in archive.namelist():
                parts = entry.split("/", 2)
                if len(parts) == 3 and parts[0] == "files" and parts[2]:
                    data[FILES].setdefault(parts[1], {})[parts[2]] = archive.read(entry)
            return data
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as e:
        raise Refused(f"This file is not a readable Instep export ({e}).") from e


@transaction.atomic
def import_archives(contents: list[bytes], *, now: datetime) -> ImportContext:
    """Recreates the people and data of the given exports in this instance.

    Import both partners' archives together to restore their shared
    dynamics whole. Runs in one transaction: a refusal imports nothing.
    """
    archives = [read_archive(content) for content in contents]
    context = ImportContext(now=now)
    parts_of: dict[int, ArchivePart] = {}
    for section in registered_sections():
        if section.import_ is None:
            continue
        parts = []
        for i, archive in enumerate(archives):
            if section.name not in archive:
                continue
            part = parts_of.setdefault(
                i, ArchivePart(data={}, manifest=archive["manifest"])
            )
            parts.append(
                ArchivePart(
                    data=archive[section.name],
                    manifest=archive["manifest"],
                    person=part.person,
                    files=archive[FILES].get(section.name, {}),
                )
            )
        section.import_(context, parts)
        # The accounts section sets the person; carry it to later sections.
        for i, part in zip(
            [i for i, a in enumerate(archives) if section.name in a], parts, strict=True
        ):
            if part.person is not None:
                parts_of[i].person = part.person
    return context
