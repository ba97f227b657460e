import gc
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from kernel import community_cache

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()
# The code this worker runs, as loaded: what its cached values are stored under, even if a deploy
# replaces the files while it still serves (kernel/community_cache.py).
community_cache.digest_loaded_modules(settings.BASE_DIR)
# What loading the app created (modules, models, settings: some 300,000 objects) lives as long as
# the worker. Frozen, it is left out of the garbage collector's full collections, which otherwise
# walk it again every few heavy requests: about 100 ms each on the district dashboard judging
# 5,000 branches (bench/README.md, "Fewer judgements, fewer renewals, and the collector").
gc.freeze()
