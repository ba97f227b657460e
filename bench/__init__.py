"""The benchmarks, outside the production packages: `manage.py bench` (key pages against a
trivial view and the admin), `bench_dashboards`, `bench_reminders`, `bench_import` and
`loadtest` (the Locust journeys of `locustfile.py`), `multihost` (two servers and two workers
on this machine, docs/DEPLOY.md). See README.md here."""
