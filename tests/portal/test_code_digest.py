"""The cached values' keys hold a digest of the code this process loaded: files changed under a
running process (a deploy beside an instance still serving) do not make it store its values
under the new code's digest."""
import sys

from kernel import community_cache
from kernel.community_cache import CommunityCache


def _load(tmp_path, monkeypatch, source):
    path = tmp_path / "digested_figures.py"
    path.write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "digested_figures", raising=False)
    __import__("digested_figures")
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
