"""The benchmarks, outside the production packages: `manage.py bench` (key pages against a
trivial view and the admin), `bench_dashboards`, `bench_reminders`, `bench_import` and
`loadtest` (the Locust journeys of `locustfile.py`). See README.md here."""
