"""Logs: one JSON line a record with the request's id, and never an ID or phone number.

The output is read from the handler settings.LOGGING configures (its formatter and filters),
pointed at a buffer: what an operator would read on stdout or in LOG_FILE.
"""
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kernel.logs import scrub, scrub_event

ROOT = Path(__file__).resolve().parents[2]
ID_NUMBER = "110101199003071234"
ID_NUMBER_X = "11010119900307123X"
MOBILE = "13812345678"


@pytest.fixture
def log_lines():
    """The JSON objects the console handler writes during the test."""
    handler = next(handler for handler in logging.getLogger().handlers
                   if handler.name == "console")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    finally:
        handler.setStream(previous)


def request_lines(lines):
    return [line for line in lines if line["logger"] == "portal.requests"]


def test_a_request_is_one_json_line_with_its_fields(world, client_as, log_lines):
    user = world.users["staff"]
    response = client_as(user).get("/", HTTP_X_REQUEST_ID="lb-7f3a.42")
    assert response["X-Request-ID"] == "lb-7f3a.42"
    [line] = request_lines(log_lines())
    assert line["level"] == "INFO" and line["message"] == "GET / 200"
    assert {key: line[key] for key in ("request_id", "user_id", "method", "path", "status")} == {
        "request_id": "lb-7f3a.42", "user_id": user.pk, "method": "GET", "path": "/",
        "status": 200}
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["time"] and line["ip"] == "127.0.0.1"


def test_a_request_without_a_usable_id_gets_a_new_one(db, client, log_lines):
    first = client.get("/accounts/login/")["X-Request-ID"]
    forged = client.get("/accounts/login/", HTTP_X_REQUEST_ID="x" * 65 + "\n{}")["X-Request-ID"]
    assert len(first) == 32 and len(forged) == 32 and first != forged
    lines = request_lines(log_lines())
    assert [line["request_id"] for line in lines] == [first, forged]
    assert [line["user_id"] for line in lines] == [None, None]


def test_every_line_written_during_a_request_names_it(world, client, settings, log_lines):
    from tests.portal.test_health import unsent_delivery

    unsent_delivery(world, settings.HEALTHZ_DELIVERY_MAX_MINUTES + 5)
    response = client.get("/healthz", HTTP_X_REQUEST_ID="probe-1")
    assert response.status_code == 503
    lines = [line for line in log_lines() if line.get("request_id") == "probe-1"]
    # django.request logs a 5xx after the middleware returned, before the response is closed.
    assert {line["logger"] for line in lines} == {"portal.views", "portal.requests",
                                                  "django.request"}
    logging.getLogger("portal").warning("after the request")
    assert "request_id" not in log_lines()[-1]


def test_a_passing_health_probe_is_not_logged_at_info(db, client, log_lines):
    assert client.get("/healthz").status_code == 200
    assert request_lines(log_lines()) == []


def test_the_query_string_is_never_logged(world, client_as, log_lines):
    client = client_as(world.users["staff"])
    client.get(f"/members/?q={ID_NUMBER}&phone={MOBILE}&name=张三")
    text = json.dumps(log_lines(), ensure_ascii=False)
    assert '"path": "/members/"' in text
    for secret in (ID_NUMBER, MOBILE, "张三", "q="):
        assert secret not in text


def test_id_and_phone_numbers_are_masked_in_messages_args_extras_and_tracebacks(log_lines):
    logger = logging.getLogger("activities.sms")
    logger.warning(f"导入失败：身份证号 {ID_NUMBER} 重复")
    logger.warning("SMS to %s: %s", MOBILE, f"您的身份证号 {ID_NUMBER_X}")
    logger.warning("number as an int: %d", int(MOBILE))
    logger.warning("extra", extra={"phone": "+86 138-1234-5678", "id_number": ID_NUMBER,
                                   "data": {"args": f"('{MOBILE}',)", "runtime": 0.5}})
    try:
        raise ValueError(f"Key (id_number)=({ID_NUMBER}) already exists")
    except ValueError:
        logger.exception("insert failed for %s", MOBILE)
    lines = log_lines()
    output = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    for secret in (ID_NUMBER, ID_NUMBER_X, MOBILE, "1234-5678", "13812345678"):
        assert secret not in output
    assert [line["message"] for line in lines[:3]] == [
        "导入失败：身份证号 110101********1234 重复",
        "SMS to 138****5678: 您的身份证号 110101********123X",
        "number as an int: 138****5678"]
    assert lines[3]["phone"] == "138****5678" and lines[3]["id_number"] == "110101********1234"
    assert lines[3]["data"] == {"args": "('138****5678',)", "runtime": 0.5}
    assert "ValueError: Key (id_number)=(110101********1234) already exists" in lines[4][
        "exc_info"]


@pytest.mark.parametrize("text, masked", [
    ("１１０１０１１９９００３０７１２３Ｘ", "１１０１０１********１２３Ｘ"),  # full-width, as typed
    ("tel:8613812345678;", "tel:138****5678;"),
    ("0086 138 1234 5678", "138****5678"),
    ("座机 0551-63456789", "座机 0551-****6789"),
    # Not personal numbers: dates, times, ids and longer digit runs stay as they are.
    ("2026-11-18 10:00:00 delivery 4213 of 12345678901234567890", None),
    ("/members/42/edit/ 200 12.5 ms", None),
])
def test_scrub(text, masked):
    assert scrub(text) == (masked or text)


def test_a_sentry_event_is_scrubbed_everywhere(monkeypatch):
    from kernel.logs import request_id_var

    request_id_var.set("req-9")
    event = {
        "message": f"SMS to {MOBILE}",
        "exception": {"values": [{"type": "IntegrityError",
                                  "value": f"Key (id_number)=({ID_NUMBER}) already exists"}]},
        "request": {"url": "http://portal/members/", "query_string": f"q={ID_NUMBER}"},
        "breadcrumbs": {"values": [{"message": f"call {MOBILE}", "data": {"n": int(MOBILE)}}]},
        "extra": {"count": 3, "flag": True},
    }
    scrubbed = json.dumps(scrub_event(event, {}), ensure_ascii=False)
    assert ID_NUMBER not in scrubbed and MOBILE not in scrubbed
    assert "110101********1234" in scrubbed and "138****5678" in scrubbed
    assert '"count": 3' in scrubbed and '"flag": true' in scrubbed
    assert scrub_event(event, {})["tags"] == {"request_id": "req-9"}
    request_id_var.set(None)


def _settings_in_a_new_process(code, **environment):
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code], cwd=ROOT,
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **environment})


def test_without_sentry_dsn_sentry_is_not_even_imported():
    result = _settings_in_a_new_process("import sys; print('sentry_sdk' in sys.modules)",
                                        SENTRY_DSN="")
    assert result.stdout.strip() == "False", result.stderr


def test_with_sentry_dsn_reports_carry_no_personal_data():
    result = _settings_in_a_new_process(
        "import sentry_sdk; options = sentry_sdk.get_client().options; "
        "print(options['send_default_pii'], options['include_local_variables'], "
        "options['max_request_body_size'], options['before_send'].__qualname__)",
        SENTRY_DSN="https://public@127.0.0.1:9/1")
    assert result.stdout.split() == ["False", "False", "never", "scrub_event"], result.stderr


def test_a_malformed_sentry_dsn_stops_start_up():
    result = _settings_in_a_new_process("", SENTRY_DSN="not a dsn")
    assert result.returncode != 0 and "SENTRY_DSN" in result.stderr
