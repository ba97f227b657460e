import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()
# What loading the app created (modules, models, settings: some 300,000 objects) lives as long as
# the worker. Frozen, it is left out of the garbage collector's full collections, which otherwise
# walk it again every few heavy requests: about 100 ms each on the district dashboard judging
# 5,000 branches (bench/README.md, "Fewer judgements, fewer renewals, and the collector").
gc.freeze()
