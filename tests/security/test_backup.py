"""backup → restore brings back every table's rows and the uploaded files."""
import tarfile

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError

from members.models import Member
from organizations.models import Node
from portal import demo

NOT_BACKED_UP = {"contenttypes.contenttype", "auth.permission", "sessions.session"}


def snapshot():
    """Every row of every table (m2m tables included), foreign keys to content types and
    permissions by natural key, so ids that flush renumbers compare equal."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in NOT_BACKED_UP:
            continue
        rows = serializers.serialize("python", model._base_manager.order_by("pk"),
                                     use_natural_foreign_keys=True)
        if model._meta.auto_created:
            # Many-to-many rows are dumped with their parent and get new ids on load: what
            # must survive is the pairs, not the ids.
            rows = sorted((sorted(row["fields"].items()) for row in rows), key=repr)
        tables[label] = rows
    return tables


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "photos" / "2026").mkdir(parents=True)
    (settings.MEDIA_ROOT / "photos" / "2026" / "meeting.jpg").write_bytes(b"\xff\xd8photo")
    return settings.MEDIA_ROOT


@pytest.fixture
def fresh_content_types():
    yield
    # The test's transaction is rolled back: the ids cached during restore no longer exist.
    ContentType.objects.clear_cache()


def test_backup_and_restore_round_trip_every_table(db, media, tmp_path, fresh_content_types):
    demo.seed(demo.DemoContext(communities=2, members_per_community=6, log=lambda text: None))
    before = snapshot()
    assert before["organizations.node"] and before["members.member"]
    assert before["auditlog.logentry"]

    call_command("backup", str(tmp_path / "backups"), stdout=open("/dev/null", "w"))
    archive, = (tmp_path / "backups").glob("portal-*.tar.gz")
    with tarfile.open(archive) as opened:
        assert {"db.json", "media/photos/2026/meeting.jpg"} <= set(opened.getnames())

    # Change things after the backup: the restore must undo all of it.
    street = Node.objects.filter(kind=Node.Kind.STREET).first()
    Node.objects.create(kind=Node.Kind.STREET, name="后来新建的街道")
    Member.objects.update(name="改过的名字")
    street.grants.all().delete()
    (media / "photos" / "2026" / "meeting.jpg").write_bytes(b"overwritten")
    (media / "stray.txt").write_text("not in the backup")
    assert snapshot() != before

    call_command("restore", str(archive), "--noinput", stdout=open("/dev/null", "w"))

    after = snapshot()
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], f"{table} differs after restore"
    assert (media / "photos" / "2026" / "meeting.jpg").read_bytes() == b"\xff\xd8photo"
    assert not (media / "stray.txt").exists()
    # Sequences follow the restored ids (PostgreSQL): new rows get fresh primary keys.
    node = Node.objects.create(kind=Node.Kind.STREET, name="恢复后新建的街道")
    assert node.pk > max(row["pk"] for row in before["organizations.node"])


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as archive:
        note = tmp_path / "note.txt"
        note.write_text("hello")
        archive.add(note, arcname="note.txt")
    street = Node.objects.create(kind=Node.Kind.STREET, name="不应被清空")
    with pytest.raises(CommandError):
        call_command("restore", str(bogus), "--noinput")
    (tmp_path / "garbage.tar.gz").write_bytes(b"not a tar file")
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "garbage.tar.gz"), "--noinput")
    assert Node.objects.filter(pk=street.pk).exists()


def test_backup_defaults_to_var_backups(db, settings, tmp_path, media):
    settings.VAR_DIR = tmp_path / "var"
    call_command("backup", stdout=open("/dev/null", "w"))
    assert len(list((tmp_path / "var" / "backups").glob("portal-*.tar.gz"))) == 1


def test_the_archive_and_its_temporary_files_are_readable_by_the_owner_only(
        db, media, tmp_path, monkeypatch):
    """The archive holds full ID numbers and needy households: 0600, whatever the umask, and
    so is the database dump and the half-written archive on the way."""
    import os
    import stat

    from portal.management.commands import backup

    seen = {}
    dump_database = backup.dump_database

    def watched_dump(path):
        dump_database(path)
        seen["dump"] = stat.S_IMODE(os.stat(path).st_mode)
        seen["folder"] = stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode)
        partial = list((tmp_path / "backups").glob("*.partial"))
        seen["partial"] = [stat.S_IMODE(os.stat(item).st_mode) for item in partial]

    monkeypatch.setattr(backup, "dump_database", watched_dump)
    old_umask = os.umask(0o022)
    try:
        call_command("backup", str(tmp_path / "backups"), stdout=open("/dev/null", "w"))
    finally:
        os.umask(old_umask)
    archive, = (tmp_path / "backups").glob("portal-*.tar.gz")
    assert stat.S_IMODE(os.stat(archive).st_mode) == 0o600
    assert seen["dump"] == 0o600 and seen["folder"] == 0o700
    assert all(mode == 0o600 for mode in seen["partial"])
    assert stat.S_IMODE(os.stat(tmp_path / "backups").st_mode) == 0o700
