"""Settings are read from the environment and strictly parsed."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.settings import env_bool, env_database, env_int

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("raw, expected", [("true", True), ("0", False), ("Yes", True), ("", None)])
def test_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", None) is expected


@pytest.mark.parametrize("name, raw, parse", [
    ("FLAG", "ture", lambda: env_bool("FLAG", False)),
    ("COUNT", "ten", lambda: env_int("COUNT", 1)),
    ("COUNT", "-3", lambda: env_int("COUNT", 1)),
    ("DB", "mysql://x@y/z", lambda: env_database("DB", "sqlite:///x")),
    ("DB", "not a url", lambda: env_database("DB", "sqlite:///x")),
])
@pytest.mark.filterwarnings("ignore:Engine not recognized")
def test_malformed_values_stop_with_the_variable_named(monkeypatch, name, raw, parse):
    monkeypatch.setenv(name, raw)
    with pytest.raises(ImproperlyConfigured, match=name):
        parse()


def test_database_url_for_postgres(monkeypatch):
    monkeypatch.setenv("DB", "postgres://u:p@db.example:5433/dangjian")
    config = env_database("DB", "sqlite:///x")
    assert (config["ENGINE"], config["NAME"], config["PORT"]) == (
        "django.db.backends.postgresql", "dangjian", 5433)
    assert config["OPTIONS"]["options"] == "-c jit=off -c random_page_cost=1.1"


@pytest.mark.parametrize("value, options", [("", "-c jit=off"),
                                            ("4", "-c jit=off -c random_page_cost=4.0")])
def test_the_random_page_cost_is_the_servers_or_set(monkeypatch, value, options):
    monkeypatch.setenv("DB", "postgres://u:p@db.example/dangjian")
    monkeypatch.setenv("DATABASE_RANDOM_PAGE_COST", value)
    assert env_database("DB", "sqlite:///x")["OPTIONS"]["options"] == options


def test_a_setting_the_urls_options_name_is_the_urls(monkeypatch):
    monkeypatch.setenv("DB", "postgres://u:p@db.example/dangjian?options=-c%20random_page_cost%3D2")
    assert env_database("DB", "sqlite:///x")["OPTIONS"]["options"] == \
        "-c random_page_cost=2 -c jit=off"


@pytest.mark.parametrize("value", ["fast", "0", "-1", "1e-320", "5000", "nan", "inf",
                                   "1.1 -c jit=on"])
def test_a_bad_random_page_cost_is_refused(monkeypatch, value):
    monkeypatch.setenv("DB", "postgres://u:p@db.example/dangjian")
    monkeypatch.setenv("DATABASE_RANDOM_PAGE_COST", value)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_RANDOM_PAGE_COST"):
        env_database("DB", "sqlite:///x")


def test_postgres_options_in_the_url_are_kept(monkeypatch):
    monkeypatch.setenv("DB", "postgres://u:p@db.example/dangjian?sslmode=require")
    assert env_database("DB", "sqlite:///x")["OPTIONS"] == {"sslmode": "require",
                                                             "options": "-c jit=off -c "
                                                                        "random_page_cost=1.1",
                                                             "connect_timeout": 5}


def test_a_connect_timeout_in_the_url_wins(monkeypatch):
    monkeypatch.setenv("DB", "postgres://u:p@db.example/dangjian?connect_timeout=2")
    assert env_database("DB", "sqlite:///x")["OPTIONS"]["connect_timeout"] == 2


def _start(env):
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings",
                                          **env})


def test_production_without_a_secret_key_refuses_to_start():
    result = _start({"DEBUG": "false", "SECRET_KEY": ""})
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_a_typo_in_the_broker_url_refuses_to_start():
    result = _start({"CELERY_BROKER_URL": "redsi://localhost"})
    assert result.returncode != 0 and "CELERY_BROKER_URL" in result.stderr


def test_a_typo_in_the_cache_url_refuses_to_start():
    result = _start({"CACHE_URL": "redis:/localhost"})
    assert result.returncode != 0 and "CACHE_URL" in result.stderr


def test_cache_is_shared_between_processes_unless_told_otherwise():
    """Compliance figures are cached under versions that writes bump: a per-process cache would
    let another gunicorn worker or the Celery worker serve figures from before the write."""
    script = ("from django.conf import settings; "
              "print(settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1])")
    backends = {}
    for url in ("", "redis://127.0.0.1:6379/1"):
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, capture_output=True,
            text=True, env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings",
                            "CACHE_URL": url})
        backends[url] = result.stdout.strip().splitlines()[-1]
    assert backends == {"": "FileBasedCache", "redis://127.0.0.1:6379/1": "ForgivingRedisCache"}


@pytest.mark.parametrize("env, named", [
    ({"SMS_PROVIDER": "tencnet"}, "SMS_PROVIDER"),
    ({"SMS_PROVIDER": "tencent", "SMS_SECRET_ID": "AKID"}, "SMS_SECRET_KEY"),
    ({"SMS_DAILY_CAP": "0"}, "SMS_DAILY_CAP"),
    ({"WECOM_CORP_ID": "ww1", "WECOM_SECRET": "s"}, "WECOM_AGENT_ID"),
    ({"WECOM_API_BASE_URL": "qyapi.weixin.qq.com/cgi-bin/"}, "WECOM_API_BASE_URL"),
    ({"WECOM_MESSAGE_TYPE": "card"}, "WECOM_MESSAGE_TYPE"),
    ({"WECOM_MESSAGE_TYPE": "textcard"}, "SITE_URL"),
    ({"SITE_URL": "dangjian.example.cn"}, "SITE_URL"),
])
def test_a_half_configured_reminder_channel_refuses_to_start(env, named):
    result = _start(env)
    assert result.returncode != 0 and named in result.stderr


def test_each_xdist_worker_has_its_own_folder_and_redis_databases_and_keeps_them_in_children():
    """portal/settings_test.py: worker gw1 moves database 3 to 7 and var/ to var/xdist/gw1; a
    process that worker starts (a Celery worker of tests/activities/test_services.py) inherits
    the moved values and must not move them again."""
    script = ("import os; from django.conf import settings; "
              "print(settings.CACHE_URL, settings.CELERY_BROKER_URL, settings.VAR_DIR, "
              "os.environ['CACHE_URL'])")
    env = {key: value for key, value in os.environ.items()
           if key not in ("PORTAL_VAR_DIR", "PORTAL_XDIST_WORKER")}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings_test", "PYTEST_XDIST_WORKER": "gw1",
                "CACHE_URL": "redis://127.0.0.1:6379/3",
                "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"})

    def settings_seen(environment):
        result = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT,
                                capture_output=True, text=True, env=environment)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1].split()

    cache, broker, var, inherited = settings_seen(env)
    assert (cache, broker) == ("redis://127.0.0.1:6379/7", "redis://127.0.0.1:6379/4")
    assert Path(var) == ROOT / "var" / "xdist" / "gw1"
    # What the worker's children inherit: the moved values, with the marker that they moved.
    child = {**env, "CACHE_URL": inherited, "CELERY_BROKER_URL": broker, "PORTAL_VAR_DIR": var,
             "PORTAL_XDIST_WORKER": "gw1"}
    assert settings_seen(child)[:3] == [cache, broker, var]
