"""Values cached community by community under versions, so that a write computes again only
what it could change (activities/compliance_cache.py: the 三会一课 figures; members/
contact_cache.py: the 失联 lists).

A family of cached values (its `name`) keeps two kinds of *version*: one per community, which a
write touching that community replaces, and a global one, which a write that may touch every
community replaces. An entry is stored under both versions of the moment, so once either is
replaced nobody asks for it again and it expires. A version is replaced at once (the writing
request sees its own change) and again right after the commit: a value another request computed
from before the commit was stored under the version of that moment, which nobody asks for once
the commit's replacement is made.

Every key also holds a digest of the code that computes the values (the family's modules and the
module of each `compute`): a deploy with changed code never reads pickles the old code stored.
The digest is of the source a process loaded, read once it has loaded the app
(`digest_loaded_modules`), not when it first asks the cache: two instances on one host share
Redis, and one still running the old code after the files changed would otherwise store its
values under the new code's digest, in a shape the new code cannot read.
"""
import hashlib
import logging
import os
import sys
import uuid
from functools import cache as memoize
from pathlib import Path

from django.core.cache import cache
from django.db import DatabaseError, transaction

logger = logging.getLogger(__name__)
TIMEOUT = 24 * 3600
EVERYWHERE = "all"


@memoize
def _source_digest(module_name):
    module = sys.modules.get(module_name)
    path = getattr(module, "__file__", None)
    return hashlib.sha1(Path(path).read_bytes()).hexdigest()[:12] if path else module_name


def digest_loaded_modules(root):
    """Digest now the source of every module of the project (under `root`, not in a virtualenv
    there) loaded by now: what this process runs. Called once a process has loaded the app
    (portal/wsgi.py, a Celery worker before it forks its pool); a module imported later is
    digested when first asked, about when it is imported."""
    root = os.path.realpath(root)
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        # Real paths: a release is often run through a symlink ("current" → releases/N).
        if path and "site-packages" not in path and os.path.realpath(path).startswith(root):
            _source_digest(name)


class CommunityCache:
    def __init__(self, name, modules):
        """`modules`: the names of the modules the values are computed by, or a function
        returning them (for modules registered later)."""
        self.name = name
        self.modules = modules

    def _version_key(self, scope):
        return f"{self.name}:version:{scope}"

    def versions(self, scopes):
        keys = [self._version_key(scope) for scope in scopes]
        found = cache.get_many(keys)
        for key in keys:
            if key not in found:
                cache.add(key, uuid.uuid4().hex, timeout=None)
                found[key] = cache.get(key)
        return [found[key] for key in keys]

    def code_version(self, compute=None):
        """A digest of the code the cached values come from."""
        modules = self.modules() if callable(self.modules) else self.modules
        modules = [__name__, *modules, getattr(compute, "__module__", None)]
        return hashlib.sha1(repr([_source_digest(name) for name in modules if name])
                            .encode()).hexdigest()[:12]

    def get(self, kind, parts, community_ids, compute):
        """{community id: value} for these communities. A community's value is what `compute`
        returned for it under the same kind and parts at the same versions; the communities
        without one are passed to a single call of `compute(ids)`, which returns {id: value} (an
        id it leaves out has the value None). `parts` must name everything else the values
        depend on."""
        return self.get_each(kind, {parts: community_ids},
                             lambda missing: {parts: compute(missing[parts])},
                             code_of=compute)[parts]

    def get_each(self, kind, requests, compute, code_of=None):
        """`get` for several parts at once ({parts: community ids}: a district's streets), in one
        read of the versions and one of the values; whatever the cache misses, under any of the
        parts, goes to a single `compute({parts: missing ids})`, which returns {parts: {id:
        value}}. The code digest is that of `code_of` (by default `compute`)."""
        requests = {parts: list(ids) for parts, ids in requests.items()}
        keys = self._keys(kind, requests, code_of or compute)
        if keys is None:  # the cache is down (kernel/cache.py)
            computed = compute(requests)
            return {parts: {pk: computed.get(parts, {}).get(pk) for pk in ids}
                    for parts, ids in requests.items()}
        values = self._found(keys)
        missing = {}
        for parts, pk in keys:
            if (parts, pk) not in values:
                missing.setdefault(parts, []).append(pk)
        if missing:
            computed = compute(missing)
            fresh = {(parts, pk): computed.get(parts, {}).get(pk)
                     for parts, ids in missing.items() for pk in ids}
            # Wrapped, so that a None value is cached too.
            cache.set_many({keys[key]: (value,) for key, value in fresh.items()}, TIMEOUT)
            values.update(fresh)
        return {parts: {pk: values[parts, pk] for pk in ids} for parts, ids in requests.items()}

    def peek_each(self, kind, requests, code_of):
        """What `get_each` would read from the cache, without computing or storing a value for
        what it misses (a community's version is created if it has none, as a read does):
        {parts: {id: value}} of the values found (none while the cache is down)."""
        keys = self._keys(kind, {parts: list(ids) for parts, ids in requests.items()}, code_of)
        found = self._found(keys) if keys is not None else {}
        result = {parts: {} for parts in requests}
        for (parts, pk), value in found.items():
            result[parts][pk] = value
        return result

    def _keys(self, kind, requests, code_of):
        """{(parts, id): cache key} under the versions of the moment, or None if the cache is
        down."""
        every_id = list(dict.fromkeys(pk for ids in requests.values() for pk in ids))
        global_version, *versions = self.versions([EVERYWHERE, *every_id])
        if global_version is None or None in versions:
            return None
        version_of = dict(zip(every_id, versions))
        code = self.code_version(code_of)
        digests = {parts: hashlib.sha1(repr(parts).encode()).hexdigest() for parts in requests}
        return {(parts, pk): f"{self.name}:{kind}:{code}:{pk}:{global_version}:"
                             f"{version_of[pk]}:{digests[parts]}"
                for parts, ids in requests.items() for pk in ids}

    @staticmethod
    def _found(keys):
        found = cache.get_many(list(keys.values()))
        return {request: found[key][0] for request, key in keys.items() if key in found}

    def renew(self, scopes):
        """New versions for these scopes (community ids, or EVERYWHERE)."""
        cache.set_many({self._version_key(scope): uuid.uuid4().hex for scope in scopes},
                       timeout=None)

    def replace(self, reach):
        """Renew the versions of the scopes `reach()` returns now and again after the commit.
        `reach` is asked again after the commit: a member moved into a community by a
        transaction that committed in between is reached too."""
        def committed():
            try:
                self.renew(reach())
            except DatabaseError:  # the write committed: not a reason to fail its request
                logger.exception("Asked again after the commit: every %s value renewed",
                                 self.name)
                self.renew([EVERYWHERE])

        self.renew(reach())
        transaction.on_commit(committed)
