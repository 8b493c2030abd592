"""Backups: one .tar.gz with the database (SQLite online backup or pg_dump) and the media
files (uploads and export files). Restore puts both back."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

from annotator.exceptions import AnnotatorError

SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"


def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def _pg_env() -> tuple[list[str], dict[str, str]]:
    cfg = connection.settings_dict
    env = dict(os.environ)
    if cfg.get("PASSWORD"):
        env["PGPASSWORD"] = str(cfg["PASSWORD"])
    args = ["-h", str(cfg.get("HOST") or "localhost"), "-p", str(cfg.get("PORT") or 5432)]
    if cfg.get("USER"):
        args += ["-U", str(cfg["USER"])]
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise AnnotatorError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client-15)") from None
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise AnnotatorError(f"{command[0]} failed: {last}")


def backup(*, target: Path) -> Path:
    """Write the backup archive to `target` (atomically: a partial file is never left)."""
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        if _is_sqlite():
            database = work_dir / SQLITE_MEMBER
            source = sqlite3.connect(str(connection.settings_dict["NAME"]))
            copy = sqlite3.connect(str(database))
            with copy:
                source.backup(copy)  # an online, consistent copy even while others write
            copy.close()
            source.close()
        else:
            database = work_dir / PG_MEMBER
            args, env = _pg_env()
            _run(["pg_dump", "-Fc", "--no-owner", *args, "-f", str(database), connection.settings_dict["NAME"]], env)
        partial = target.with_name(f".{target.name}.partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(database, arcname=database.name)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                archive.add(media, arcname="media")
        os.replace(partial, target)
    return target


def restore(*, source: Path) -> None:
    """Replace the database's contents and the media files with those of a backup."""
    if not source.is_file():
        raise AnnotatorError(f"{source}: no such backup file")
    with tempfile.TemporaryDirectory() as work, tarfile.open(source, "r:gz") as archive:
        names = set(archive.getnames())
        member = SQLITE_MEMBER if _is_sqlite() else PG_MEMBER
        if member not in names:
            other = "PostgreSQL" if _is_sqlite() else "SQLite"
            raise AnnotatorError(f"{source} holds a {other} backup; restore it into a {other} database")
        archive.extractall(work, filter="data")
        work_dir = Path(work)
        connections.close_all()
        if _is_sqlite():
            backup_db = sqlite3.connect(str(work_dir / SQLITE_MEMBER))
            live = sqlite3.connect(str(connection.settings_dict["NAME"]))
            with live:
                backup_db.backup(live)
            live.close()
            backup_db.close()
        else:
            args, env = _pg_env()
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    *args,
                    "-d",
                    connection.settings_dict["NAME"],
                    str(work_dir / PG_MEMBER),
                ],
                env,
            )
        media = Path(settings.MEDIA_ROOT)
        if (work_dir / "media").is_dir():
            if media.exists():
                shutil.rmtree(media)
            shutil.copytree(work_dir / "media", media)
