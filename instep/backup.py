"""Backups: the database and the uploaded files in one archive, and back.

An archive is a gzipped tar with three parts:

- ``instep-backup.json``: what it holds (format, database engine, when);
- ``database.sqlite3`` (SQLite's online backup API: safe while Instep runs)
  or ``database.pgdump`` (``pg_dump --format=custom``);
- ``media/``: the proof photos and any other uploads.

``restore`` refuses a database that already holds people unless told to
replace it (``force``), and refuses an archive made from the other engine.
``manage.py backup`` and ``manage.py restore`` are thin shells around these.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from instep.errors import Refused

FORMAT = 1
MANIFEST = "instep-backup.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
MEDIA_MEMBER = "media"


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise Refused(f"Backups know SQLite and PostgreSQL, not {vendor}.")
    return vendor


def default_path(now: datetime) -> Path:
    return Path(settings.DATA_DIR) / "backups" / f"instep-{now:%Y%m%d-%H%M%S}.tar.gz"


def backup(output: Path | None = None, *, now: datetime | None = None) -> Path:
    """Writes an archive of the database and the uploads; returns its path."""
    now = now or timezone.now()
    output = Path(output) if output else default_path(now)
    output.parent.mkdir(parents=True, exist_ok=True)
    engine = _engine()
    with tempfile.TemporaryDirectory(prefix="instep-backup-") as work:
        work_dir = Path(work)
        member = SQLITE_MEMBER if engine == "sqlite" else PG_MEMBER
        dump = work_dir / member
        if engine == "sqlite":
            _sqlite_backup(dump)
        else:
            _pg_dump(dump)
        manifest = work_dir / MANIFEST
        manifest.write_text(
            json.dumps(
                {"format": FORMAT, "engine": engine, "created_at": now.isoformat()},
                indent=2,
            )
        )
        # Written next to the target and renamed: a broken run leaves no
        # half archive under the name a restore would pick.
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(manifest, MANIFEST)
            archive.add(dump, member)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                archive.add(media, MEDIA_MEMBER)
        partial.chmod(0o600)  # it holds everything private in the instance
        partial.replace(output)
    return output


def restore(archive_path: Path, *, force: bool = False) -> dict:
    """Puts the archive's database and uploads in place of the current ones.

    Returns the manifest. Refuses (changing nothing) when the archive is not
    an Instep backup, comes from the other database engine, or when the
    database already holds people and ``force`` is not given.
    """
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise Refused(f"There is no backup at {archive_path}.")
    engine = _engine()
    with tempfile.TemporaryDirectory(prefix="instep-restore-") as work:
        work_dir = Path(work)
        try:
            with tarfile.open(archive_path, "r:*") as archive:
                # The "data" filter refuses absolute paths, links out of the
                # folder and device files: an archive cannot write elsewhere.
                archive.extractall(work_dir, filter="data")
            manifest = json.loads((work_dir / MANIFEST).read_text())
        except (tarfile.TarError, OSError, ValueError) as e:
            raise Refused(f"{archive_path} is not an Instep backup ({e}).") from e
        if manifest.get("format") != FORMAT or manifest.get("engine") not in (
            "sqlite",
            "postgresql",
        ):
            raise Refused(f"{archive_path} is not an Instep backup this version reads.")
        if manifest["engine"] != engine:
            raise Refused(
                f"This backup is of a {manifest['engine']} database, and Instep "
                f"now runs on {engine}. Restore it on {manifest['engine']}, or "
                "move with the export and import (see docs/api.md)."
            )
        if not force and (people := _people()):
            raise Refused(
                f"The database already holds {people} "
                f"{'person' if people == 1 else 'people'}: restoring would replace "
                "everything in it with the backup. Run again with --force to do "
                "that."
            )
        if engine == "sqlite":
            _sqlite_restore(work_dir / SQLITE_MEMBER)
        else:
            _pg_restore(work_dir / PG_MEMBER)
        _replace_media(work_dir / MEDIA_MEMBER)
    return manifest


def _people() -> int:
    from accounts.models import User

    if User._meta.db_table not in connection.introspection.table_names():
        return 0
    return User.objects.count()


# SQLite ---------------------------------------------------------------------


def _raw_sqlite() -> sqlite3.Connection:
    connection.ensure_connection()
    return connection.connection


def _sqlite_backup(target: Path) -> None:
    # The online backup API copies a consistent state of the database while
    # the web server and the worker go on writing.
    destination = sqlite3.connect(target)
    try:
        _raw_sqlite().backup(destination)
    finally:
        destination.close()


def _sqlite_restore(source_path: Path) -> None:
    source = sqlite3.connect(source_path)
    try:
        source.execute("PRAGMA integrity_check").fetchone()
        # Page by page into the live database: every open connection sees
        # the restored state, with no file swapped under them.
        source.backup(_raw_sqlite())
    except sqlite3.DatabaseError as e:
        raise Refused(f"The backup's database is damaged ({e}).") from e
    finally:
        source.close()


# PostgreSQL -----------------------------------------------------------------


def pg_tool(name: str) -> str:
    """Returns the path of ``pg_dump``/``pg_restore``: INSTEP_PG_BIN, then the
    PATH, then Debian's /usr/lib/postgresql/<version>/bin (newest first)."""
    if folder := os.environ.get("INSTEP_PG_BIN"):
        return str(Path(folder) / name)
    if found := shutil.which(name):
        return found
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
        reverse=True,
    )
    if versions:
        return str(versions[0])
    raise Refused(
        f"{name} was not found. Install PostgreSQL's client programs "
        "(Debian: apt-get install postgresql-client) or set INSTEP_PG_BIN."
    )


def _pg_args() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        # Never on the command line, where other users could read it.
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise Refused(f"{what} failed: {done.stderr.strip() or done.returncode}")


def _pg_dump(target: Path) -> None:
    args, env = _pg_args()
    _run(
        [pg_tool("pg_dump"), "--format=custom", "--file", str(target), *args],
        env,
        "pg_dump",
    )


def _pg_restore(source: Path) -> None:
    args, env = _pg_args()
    # Our own connection holds no locks while pg_restore drops the tables.
    connection.close()
    _run(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(source),
        ],
        env,
        "pg_restore",
    )


# Uploads --------------------------------------------------------------------


def _replace_media(restored: Path) -> None:
    """Puts the backup's uploads in place of the current ones (none if the
    backup had none), swapping folders so no mix of both is ever left."""
    media = Path(settings.MEDIA_ROOT)
    media.parent.mkdir(parents=True, exist_ok=True)
    incoming = media.with_name(media.name + ".restoring")
    old = media.with_name(media.name + ".replaced")
    for leftover in (incoming, old):
        shutil.rmtree(leftover, ignore_errors=True)
    if restored.is_dir():
        shutil.copytree(restored, incoming)
    else:
        incoming.mkdir()
    if media.exists():
        media.rename(old)
    incoming.rename(media)
    shutil.rmtree(old, ignore_errors=True)
