"""backup: the database and the uploaded files in one timestamped .tar.gz.

The archive holds `db.json` (every app's rows in loaddata's JSON, content types referred to by
natural key, so it loads into a database whose content-type ids differ) and `media/`
(MEDIA_ROOT). Content types, permissions and sessions are left out: flush and migrate rebuild
the first two, and old sessions are worth nothing after a restore.
`restore` reads it back.
"""
import datetime
import json
import os
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

# Rebuilt by migrate / flush (content types, permissions) or worthless after a restore (sessions).
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]
DATABASE_MEMBER = "db.json"
MEDIA_MEMBER = "media"


def default_folder():
    return Path(settings.VAR_DIR) / "backups"


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts times to milliseconds; a backup keeps every microsecond."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


def backed_up_models():
    excluded = {label for label in EXCLUDED if "." in label}
    excluded_apps = {label for label in EXCLUDED if "." not in label}
    app_list = {config: None for config in apps.get_app_configs()
                if config.label not in excluded_apps and config.models_module is not None}
    return [model for model in serializers.sort_dependencies(app_list.items(), allow_cycles=True)
            if model._meta.label_lower not in excluded
            and not model._meta.proxy and model._meta.managed]


def owner_only(path, flags):
    """An `opener` for open(): the file is created 0600 (umask cannot widen it), never reused."""
    return os.open(path, flags | os.O_EXCL, 0o600)


def dump_database(path):
    """What `dumpdata --natural-foreign --all` writes, with exact times, one model at a time."""
    with open(path, "w", encoding="utf-8", opener=owner_only) as out:
        out.write("[")
        first = True
        for model in backed_up_models():
            rows = model._base_manager.order_by(model._meta.pk.name).iterator(chunk_size=2000)
            for row in serializers.serialize("python", rows, use_natural_foreign_keys=True):
                out.write("\n" if first else ",\n")
                json.dump(row, out, cls=ExactJSONEncoder, ensure_ascii=False)
                first = False
        out.write("\n]\n")


def write_archive(target):
    """Write the archive to `target` (a .tar.gz path) and return it.

    The archive holds full ID numbers and needy households: it, the half-written archive and
    the database dump are readable by the owner only (0600), a folder it creates is 0700.
    """
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # A half-written archive never carries the final name.
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)  # left by an interrupted run: never write through it
    with open(partial, "wb", opener=owner_only) as out, \
            tempfile.TemporaryDirectory() as scratch:  # mkdtemp: 0700
        dump = Path(scratch) / DATABASE_MEMBER
        dump_database(dump)
        with tarfile.open(fileobj=out, mode="w:gz") as archive:
            archive.add(dump, arcname=DATABASE_MEMBER)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                archive.add(media, arcname=MEDIA_MEMBER)
    partial.replace(target)
    return target


class Command(BaseCommand):
    help = "备份数据库和上传的文件到一个带时间戳的 .tar.gz 文件（默认在 var/backups/）。"

    def add_arguments(self, parser):
        parser.add_argument("destination", nargs="?",
                            help="备份文件路径，或存放备份的文件夹（默认 var/backups/）")

    def handle(self, *args, destination=None, **options):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        name = f"portal-{stamp}.tar.gz"
        if destination is None:
            target = default_folder() / name
        else:
            target = Path(destination)
            if target.is_dir() or not target.name.endswith((".tar.gz", ".tgz")):
                target = target / name
        if target.exists():
            raise CommandError(f"{target} 已存在，不会覆盖。")
        write_archive(target)
        self.stdout.write(self.style.SUCCESS(f"备份已写入 {target}"))
