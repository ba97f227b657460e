"""restore: replace the database and the uploaded files with those of a `backup` archive.

The database part runs in one transaction: if the archive does not load, nothing changes.
"""
import shutil
import tarfile
import tempfile
from pathlib import Path

from auditlog.context import disable_auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connection, transaction

from activities import compliance_cache
from members import contact_cache
from portal.management.commands.backup import DATABASE_MEMBER, MEDIA_MEMBER


def unpack(archive_path, folder):
    """Extract the archive into `folder`, refusing links and paths that leave it."""
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            names = archive.getnames()
            if DATABASE_MEMBER not in names:
                raise CommandError(f"{archive_path} 不是本系统的备份文件（缺少 {DATABASE_MEMBER}）。")
            archive.extractall(folder, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise CommandError(f"无法读取备份文件 {archive_path}：{error}") from None


def load_database(dump):
    # Loading must not log every restored row as a new change: the trail comes back as it was.
    with disable_auditlog(), transaction.atomic():
        postgres = connection.vendor == "postgresql"
        if postgres:
            # PostgreSQL refuses to truncate a table with deferred foreign-key checks pending,
            # as when the caller's transaction deleted rows just before (tests do).
            _set_constraints("IMMEDIATE")
        call_command("flush", interactive=False, verbosity=0)
        if postgres:
            # Back to Django's default, so rows may load before the rows they point to.
            _set_constraints("DEFERRED")
        # flush recreated the content types under new ids: forget the cached old ones.
        ContentType.objects.clear_cache()
        call_command("loaddata", str(dump), verbosity=0)
    # loaddata saves raw rows, past the signals that keep cached figures fresh.
    compliance_cache.changed()
    contact_cache.changed()


def _set_constraints(mode):
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS ALL {mode}")


def replace_media(extracted):
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    for child in media.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    if extracted.is_dir():
        shutil.copytree(extracted, media, dirs_exist_ok=True)


class Command(BaseCommand):
    help = "从 backup 生成的备份文件恢复数据库和上传的文件（会清空现有数据）。"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="backup 生成的 .tar.gz 文件")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help="不询问确认")

    def handle(self, *args, archive, interactive, **options):
        archive_path = Path(archive)
        if not archive_path.is_file():
            raise CommandError(f"找不到备份文件 {archive_path}。")
        if interactive:
            database = settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"]
            answer = input(f"将用 {archive_path.name} 覆盖数据库 {database} 和上传文件，"
                           f"现有数据会全部丢失。输入 yes 继续：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消，未做任何修改。")
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            unpack(archive_path, folder)
            load_database(folder / DATABASE_MEMBER)
            replace_media(folder / MEDIA_MEMBER)
        self.stdout.write(self.style.SUCCESS(f"已从 {archive_path} 恢复数据库和上传文件。"))
