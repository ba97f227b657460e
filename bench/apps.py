from django.apps import AppConfig


class BenchConfig(AppConfig):
    """No models: listed in INSTALLED_APPS only so that Django finds its commands."""

    name = "bench"
    verbose_name = "Benchmarks"
