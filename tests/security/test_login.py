"""Login protection: lockout, no user enumeration, password rules, forced change, idle timeout,
cookie flags and HSTS."""
from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organizations import services
from organizations.login_protection import SESSION_KEY, password_chosen, password_chosen_record
from organizations.models import AccountState
from organizations.scope import Role
from portal import demo
from tests.security.production import production_settings

PRODUCTION_NAMES = [
    "AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", "AXES_LOCKOUT_PARAMETERS", "DEBUG",
    "FORCE_PASSWORD_CHANGE", "MIDDLEWARE", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_AGE",
]


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    return production_settings(tmp_path_factory.mktemp("var"), PRODUCTION_NAMES)

LOGIN = reverse("login")
HOME = reverse("home")
PASSWORD_CHANGE = reverse("password_change")
GOOD_PASSWORD = "Hong#Qi2026x"
FORCED = "organizations.login_protection.ForcePasswordChangeMiddleware"


@pytest.fixture
def person(django_user_model):
    return django_user_model.objects.create_user(username="laozhang", password=GOOD_PASSWORD)


def login(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password},
                       REMOTE_ADDR=address)


def test_five_failures_lock_the_username_from_that_address_with_a_chinese_message(person,
                                                                                   client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "laozhang", "wrong").status_code == 200
    locked = login(client, "laozhang", "wrong")
    assert locked.status_code == 429
    assert "registration/locked.html" in [template.name for template in locked.templates]
    assert "账号已暂时锁定" in locked.content.decode()
    # Locked even with the right password, from that address.
    assert login(client, "laozhang", GOOD_PASSWORD).status_code == 429
    # The lock is on username and address together: the same person elsewhere may log in.
    assert login(client, "laozhang", GOOD_PASSWORD, address="10.0.0.2").status_code == 302


def proxied_login(client, password, client_address, forwarded_by_client=""):
    """A login through one TLS proxy (10.0.0.254) that appends the client's address."""
    forwarded = ", ".join(filter(None, [forwarded_by_client, client_address]))
    return client.post(LOGIN, {"username": "laozhang", "password": password},
                       REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR=forwarded)


def test_behind_a_trusted_proxy_a_lockout_is_per_client_not_for_everyone(person, client,
                                                                         settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        proxied_login(client, "wrong", "203.0.113.5")
    assert proxied_login(client, GOOD_PASSWORD, "203.0.113.5").status_code == 429
    # What the client wrote itself into the header is not believed: still locked.
    assert proxied_login(client, GOOD_PASSWORD, "203.0.113.5",
                         forwarded_by_client="198.51.100.1").status_code == 429
    # The same official at another desk, through the same proxy, may log in.
    assert proxied_login(client, GOOD_PASSWORD, "203.0.113.6").status_code == 302


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(person, client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for number in range(settings.AXES_FAILURE_LIMIT):
        proxied_login(client, "wrong", f"203.0.113.{number}")
    # A forged X-Forwarded-For per attempt does not escape the lock on the peer's address.
    assert proxied_login(client, GOOD_PASSWORD, "203.0.113.99").status_code == 429


def test_the_proxy_count_comes_from_the_environment_strictly_parsed(tmp_path):
    from tests.security.production import run

    assert production_settings(tmp_path, ["TRUSTED_PROXY_COUNT", "AXES_CLIENT_IP_CALLABLE"],
                               TRUSTED_PROXY_COUNT="2") == {
        "TRUSTED_PROXY_COUNT": 2, "AXES_CLIENT_IP_CALLABLE": "organizations.login_protection.client_ip"}
    refused = run(["manage.py", "check"], tmp_path, TRUSTED_PROXY_COUNT="one")
    assert refused.returncode != 0 and "TRUSTED_PROXY_COUNT" in refused.stderr


def test_the_lock_lifts_after_the_cool_off(person, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "laozhang", "wrong")
    assert login(client, "laozhang", GOOD_PASSWORD).status_code == 429
    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off - timedelta(minutes=1))
    assert login(client, "laozhang", GOOD_PASSWORD).status_code == 302


def test_production_lock_is_five_failures_for_fifteen_minutes(production):
    values = production
    assert values["AXES_FAILURE_LIMIT"] == 5
    assert values["AXES_COOLOFF_TIME"] == 0.25  # hours
    assert values["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]


def test_wrong_password_and_unknown_user_get_the_same_answer(person, client):
    wrong_password = login(client, "laozhang", "wrong")
    unknown_user = login(client, "nobody-here", "wrong")
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert wrong_password.context["form"].errors == unknown_user.context["form"].errors
    assert "laozhang" not in str(wrong_password.context["form"].errors)


@pytest.mark.parametrize("new_password, reason", [
    ("Ab1#xyz", "shorter than 8"),
    ("abcdefgh2026", "only two character classes"),
    ("Laozhang2026", "similar to the username"),
    ("P@ssw0rd", "a common password"),
    ("12345678901", "only digits"),
])
def test_password_change_enforces_the_rules(person, client, new_password, reason):
    client.force_login(person)
    response = client.post(PASSWORD_CHANGE, {"old_password": GOOD_PASSWORD,
                                             "new_password1": new_password,
                                             "new_password2": new_password})
    assert response.status_code == 200, reason
    assert response.context["form"].errors["new_password2"], reason
    person.refresh_from_db()
    assert person.check_password(GOOD_PASSWORD)


def test_password_change_accepts_a_strong_password(person, client):
    client.force_login(person)
    response = client.post(PASSWORD_CHANGE, {"old_password": GOOD_PASSWORD,
                                             "new_password1": "Zhi-Yuan_88",
                                             "new_password2": "Zhi-Yuan_88"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Zhi-Yuan_88")


def forced(force=True):
    middleware = list(settings.MIDDLEWARE)
    if FORCED not in middleware:
        middleware.insert(middleware.index(
            "django.contrib.messages.middleware.MessageMiddleware") + 1, FORCED)
    return override_settings(MIDDLEWARE=middleware, FORCE_PASSWORD_CHANGE=force)


def test_an_account_staff_created_must_change_its_password_first(world, client):
    user = services.account_create(username="xinshuji", full_name="新书记", password="Chu#Shi2026",
                                   node=world.branch, role=Role.BRANCH_SECRETARY)
    with forced():
        assert login(client, "xinshuji", "Chu#Shi2026").status_code == 302
        response = client.get(HOME)
        assert response.status_code == 302 and response.url == PASSWORD_CHANGE
        assert client.get(reverse("organizations:tree")).url == PASSWORD_CHANGE
        assert client.get(PASSWORD_CHANGE).status_code == 200
        # A rejected new password changes nothing.
        client.post(PASSWORD_CHANGE, {"old_password": "Chu#Shi2026", "new_password1": "short",
                                      "new_password2": "short"})
        assert client.get(HOME).status_code == 302
        assert not AccountState.objects.filter(user=user).exists()
        response = client.post(PASSWORD_CHANGE, {"old_password": "Chu#Shi2026",
                                                 "new_password1": GOOD_PASSWORD,
                                                 "new_password2": GOOD_PASSWORD})
        assert response.status_code == 302
        assert AccountState.objects.filter(user=user).exists()
        assert client.get(HOME).status_code == 200
        # A new login on another device: the database row counts, not the old session.
        client.logout()
        login(client, "xinshuji", GOOD_PASSWORD)
        assert client.get(HOME).status_code == 200


def test_demo_accounts_must_change_the_demo_password(db, client):
    demo.seed(demo.DemoContext(communities=2, members_per_community=0, log=lambda text: None))
    with forced():
        for username in ["jiedao", "shequ", "admin"]:
            client.logout()
            assert login(client, username, demo.DEMO_PASSWORD).status_code == 302
            assert client.get(HOME).url == PASSWORD_CHANGE, username
            assert client.post(reverse("logout")).status_code == 302


def admin_sets_password(admin_client, user, password):
    return admin_client.post(reverse("admin:auth_user_password_change", args=[user.pk]),
                             {"usable_password": "true", "password1": password,
                              "password2": password})


@pytest.fixture
def superuser(django_user_model):
    user = django_user_model.objects.create_superuser(username="guanliyuan",
                                                      password="Guan#Li2026")
    password_chosen_record(user=user)
    return user


def test_a_password_an_administrator_resets_must_be_changed_at_next_login(person, superuser,
                                                                          client):
    password_chosen_record(user=person)
    with forced():
        admin_client = Client()
        admin_client.force_login(superuser)
        # A rejected form (the two passwords differ) changes nothing.
        response = admin_client.post(
            reverse("admin:auth_user_password_change", args=[person.pk]),
            {"usable_password": "true", "password1": "Chong#Zhi2026", "password2": "other"})
        assert response.status_code == 200
        assert AccountState.objects.filter(user=person).exists()
        assert admin_sets_password(admin_client, person, "Chong#Zhi2026").status_code == 302
        assert not AccountState.objects.filter(user=person).exists()
        assert login(client, "laozhang", "Chong#Zhi2026").status_code == 302
        assert client.get(HOME).url == PASSWORD_CHANGE
        response = client.post(PASSWORD_CHANGE, {"old_password": "Chong#Zhi2026",
                                                 "new_password1": "Zi-Ji_Xuan88",
                                                 "new_password2": "Zi-Ji_Xuan88"})
        assert response.status_code == 302
        assert client.get(HOME).status_code == 200
        client.logout()
        login(client, "laozhang", "Zi-Ji_Xuan88")
        assert client.get(HOME).status_code == 200


def test_a_password_set_with_changepassword_must_be_changed_at_next_login(person, client,
                                                                         monkeypatch):
    password_chosen_record(user=person)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "Chong#Zhi2026")
    call_command("changepassword", "laozhang", stdout=StringIO())
    with forced():
        assert login(client, "laozhang", "Chong#Zhi2026").status_code == 302
        assert client.get(HOME).url == PASSWORD_CHANGE


def test_a_user_who_changes_a_chosen_password_is_not_asked_again(person, client):
    password_chosen_record(user=person)
    with forced():
        login(client, "laozhang", GOOD_PASSWORD)
        response = client.post(PASSWORD_CHANGE, {"old_password": GOOD_PASSWORD,
                                                 "new_password1": "Zi-Ji_Xuan88",
                                                 "new_password2": "Zi-Ji_Xuan88"})
        assert response.status_code == 302
        client.logout()
        login(client, "laozhang", "Zi-Ji_Xuan88")
        assert client.get(HOME).status_code == 200


class FewerIterations(PBKDF2PasswordHasher):
    """A hasher whose settings differ from the stored hash's, as after a Django upgrade."""
    iterations = 1000


def test_a_password_rehashed_at_login_stays_chosen(person, client):
    password_chosen_record(user=person)
    hash_before = person.password
    with override_settings(PASSWORD_HASHERS=[f"{__name__}.FewerIterations",
                                             "django.contrib.auth.hashers.MD5PasswordHasher"]), \
            forced():
        assert login(client, "laozhang", GOOD_PASSWORD).status_code == 302
        person.refresh_from_db()
        assert person.password != hash_before       # upgraded to the preferred hasher
        assert client.get(HOME).status_code == 200


def test_a_password_chosen_before_the_fingerprint_counts_as_chosen(person):
    """The migration fingerprints the rows it finds: nobody is forced to choose again."""
    from importlib import import_module

    from django.apps import apps

    AccountState.objects.create(user=person, password_chosen_at=timezone.now())
    assert not password_chosen(person)
    import_module("organizations.migrations.0004_account_state_fingerprint") \
        .fingerprint_chosen_passwords(apps, None)
    assert password_chosen(person)


def test_an_administrator_setting_their_own_password_has_chosen_it(superuser, client):
    AccountState.objects.filter(user=superuser).delete()
    client.force_login(superuser)
    assert admin_sets_password(client, superuser, "Xin#Mi2026ma").status_code == 302
    assert AccountState.objects.filter(user=superuser).exists()
    with forced():
        client.logout()
        login(client, "guanliyuan", "Xin#Mi2026ma")
        assert client.get(HOME).status_code == 200


def test_no_forced_change_in_development(world, client):
    services.account_create(username="xinshuji", full_name="新书记", password="Chu#Shi2026",
                            node=world.branch, role=Role.BRANCH_SECRETARY)
    with forced(force=False):
        login(client, "xinshuji", "Chu#Shi2026")
        assert client.get(HOME).status_code == 200


def test_a_known_chosen_password_costs_no_query_per_page(world, client,
                                                         django_assert_num_queries):
    user = world.users["staff"]
    password_chosen_record(user=user)
    client.force_login(user)
    client.get(HOME)
    with CaptureQueriesContext(connection) as plain:
        client.get(HOME)
    plain_count = len(plain)  # read now: the next request clears the query log
    assert plain_count > 0
    with forced():
        # A new client: the old one's handler keeps the middleware it started with.
        enforced = Client()
        enforced.force_login(user)
        enforced.get(HOME)
        assert enforced.session[SESSION_KEY] is True
        with django_assert_num_queries(plain_count):
            enforced.get(HOME)


def test_production_turns_the_forced_change_on(production):
    values = production
    assert values["FORCE_PASSWORD_CHANGE"] is True and values["DEBUG"] is False
    assert FORCED in values["MIDDLEWARE"]


def test_the_session_expires_after_the_idle_time(person, client):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(person)
    response = client.get(HOME)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60
    session = Session.objects.get(session_key=client.session.session_key)
    assert session.expire_date > timezone.now() + timedelta(minutes=29)
    # Every request pushes the expiry forward…
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=1))
    client.get(HOME)
    assert Session.objects.get(pk=session.pk).expire_date > timezone.now() + timedelta(minutes=29)
    # …and half an hour without one ends it.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_the_idle_time_is_configurable(tmp_path):
    assert production_settings(tmp_path, ["SESSION_COOKIE_AGE"],
                               SESSION_IDLE_MINUTES="10")["SESSION_COOKIE_AGE"] == 600


def test_production_settings_protect_cookies_and_ask_for_https(production):
    values = {name: production[name] for name in [
        "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE", "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_AGE"]}
    assert values == {
        "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True, "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SAMESITE": "Lax", "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_AGE": 1800,
    }


HTTPS_SETTINGS = {"SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
                  "SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31536000,
                  "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": True}


@override_settings(**HTTPS_SETTINGS)
def test_over_https_cookies_are_secure_httponly_samesite_and_hsts_is_sent(person, client):
    assert client.get(LOGIN).status_code == 301  # plain HTTP goes to HTTPS
    page = client.get(LOGIN, secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    response = client.post(LOGIN, {"username": "laozhang", "password": GOOD_PASSWORD},
                           secure=True)
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_a_very_long_username_is_a_failed_login_not_a_server_error(person, client):
    name = "党" * 10_000
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, name, "wrong").status_code == 200
    assert login(client, name, "wrong").status_code == 429
    assert AccessAttempt.objects.get().username == name[:150]
