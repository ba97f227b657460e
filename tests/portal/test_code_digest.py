"""The cached values' keys hold a digest of the code this process loaded: files changed under a
running process (a deploy beside an instance still serving) do not make it store its values
under the new code's digest."""
import importlib.util
import subprocess
import sys

import pytest

from kernel import community_cache
from kernel.community_cache import CommunityCache
from tests.security.production import ROOT, production_env


def _load(tmp_path, monkeypatch, source):
    """A module `digested_figures` loaded afresh from this source, as a new process loads it."""
    path = tmp_path / "digested_figures.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("digested_figures", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setitem(sys.modules, "digested_figures", module)
    monkeypatch.setattr(community_cache, "_source_digest",
                        community_cache.memoize(community_cache._source_digest.__wrapped__))
    return path


def test_the_digest_is_of_the_code_the_process_loaded_not_of_the_files_now(tmp_path,
                                                                           monkeypatch):
    path = _load(tmp_path, monkeypatch, "SHAPE = 'by status'\n")
    family = CommunityCache("digested", ["digested_figures"])
    community_cache.digest_loaded_modules(tmp_path)
    path.write_text("SHAPE = 'a number'\n")   # the deploy replaces the file
    running = family.code_version()           # first asked after that
    _load(tmp_path, monkeypatch, path.read_text())   # a process started after the deploy
    community_cache.digest_loaded_modules(tmp_path)
    assert family.code_version() != running


# Once a web or Celery worker has loaded the app, asking for any family's digest reads no file:
# every module the cached values come from was digested as loaded.
LOADED = """
import pathlib, sys
sys.path.insert(0, {release!r})
{load}
from activities import compliance_cache
from members import contact_cache, moves
from portal import compliance_panels, work_panels

def refuse(self):
    raise AssertionError(f"read after the app was loaded: {{self}}")

pathlib.Path.read_bytes = refuse
for family, compute in ((compliance_cache.CACHE, compliance_panels._judged),
                        (compliance_cache.HELD, None),
                        (contact_cache.CACHE, work_panels.members_by_status_by_community),
                        (contact_cache.CACHE, moves.silence_lists)):
    family.code_version(compute)
print("digested")
"""
WORKERS = {
    "web": "import portal.wsgi",
    # What a worker has loaded when it sends worker_init, before its pool forks.
    "celery": "import django; django.setup(); from portal import celery; "
              "celery.app.loader.import_default_modules(); celery._digest_loaded_code()",
}


@pytest.mark.parametrize("worker", WORKERS)
def test_a_worker_digests_every_module_of_the_cached_values_once_loaded(worker, tmp_path):
    # Run through a symlink, as a release directory often is ("current" → releases/N), first on
    # the path as gunicorn's --chdir puts it.
    release = tmp_path / "current"
    release.symlink_to(ROOT, target_is_directory=True)
    result = subprocess.run([sys.executable, "-c", LOADED.format(load=WORKERS[worker],
                                                                 release=str(release))],
                            cwd=release, env=production_env(tmp_path), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "digested"
