"""The pure parts of `manage.py multihost`: the exactly-once check, reading what the workers
really sent, and how the load test deals users to servers. The command itself starts gunicorn
and Celery, so it is run by hand (docs/DEPLOY.md), never here."""
from collections import Counter
from email.mime.text import MIMEText

import pytest
from django.core.management import CommandError, call_command

from bench.multihost import (exactly_once, hosts_for_user, landed_on_login, mails_sent,
                             sms_sent, tasks_succeeded)

EXPECTED = {7: {"in_app", "sms"}, 8: {"in_app"}}
ROWS = [(7, "in_app", "sent", 1), (7, "sms", "sent", 1), (8, "in_app", "sent", 1)]
SENT = Counter({(7, "in_app"): 1, (7, "sms"): 1, (8, "in_app"): 1})


def test_every_recipient_and_channel_once_passes():
    assert exactly_once(EXPECTED, ROWS, SENT) == []


def test_a_text_sent_twice_fails():
    problems = exactly_once(EXPECTED, ROWS, SENT + Counter({(7, "sms"): 1}))
    assert problems == ["用户 7 sms：实际发出 2 次（应为 1 次）"]


def test_a_delivery_claimed_twice_fails_even_if_sent_once():
    rows = [*ROWS[:1], (7, "sms", "sent", 2), ROWS[2]]
    assert exactly_once(EXPECTED, rows, SENT) == ["用户 7 sms：状态 sent，认领 2 次（应为 sent、1 次）"]


def test_a_missing_or_unsent_delivery_fails():
    problems = exactly_once(EXPECTED, ROWS[:2] + [(8, "in_app", "pending", 0)],
                            SENT - Counter({(8, "in_app"): 1}))
    assert problems == ["用户 8 in_app：状态 pending，认领 0 次（应为 sent、1 次）",
                        "用户 8 in_app：实际发出 0 次（应为 1 次）"]
    assert exactly_once(EXPECTED, ROWS[1:], SENT)[0] == "用户 7 in_app：应有 1 条发送记录，实有 0 条"


def test_a_delivery_or_send_on_a_channel_not_expected_fails():
    problems = exactly_once(EXPECTED, [*ROWS, (8, "sms", "sent", 1)],
                            SENT + Counter({(8, "sms"): 1}))
    assert problems == ["用户 8 sms：不应有发送记录，实有 1 条", "用户 8 sms：不应发出，实际发出 1 次"]


def test_texts_are_counted_per_user_from_a_worker_log_of_this_run_only():
    log = "\n".join([
        '{"logger": "activities.sms", "message": "SMS to 138****0001: \\u4f1a MHab12cd-u7"}',
        '{"logger": "activities.sms", "message": "SMS to 138****0001: \\u4f1a MHab12cd-u7"}',
        '{"logger": "activities.sms", "message": "SMS to 138****0002: MHffffff-u8"}',  # another run
        '{"logger": "celery", "message": "received MHab12cd-u9"}',  # not a text
    ])
    assert sms_sent(log, "ab12cd") == Counter({7: 2})


def test_mails_are_counted_per_user_from_the_file_backend():
    def message(subject):
        mail = MIMEText("正文", "plain", "utf-8")
        mail["Subject"] = subject
        return mail.as_string()

    separator = "\n" + "-" * 79 + "\n"
    files = [message("【社区党建】会议提醒：多机演练 MHab12cd-u7") + separator
             + message("【社区党建】会议提醒：多机演练 MHab12cd-u8") + separator,
             message("【社区党建】会议提醒：多机演练 MHab12cd-u7") + separator,
             message("【社区党建】其他")]
    assert mails_sent(files, "ab12cd") == Counter({7: 2, 8: 1})


def test_task_successes_are_read_from_the_worker_log():
    log = ('{"message": "Task activities.tasks.scan_reminders[1f2e] succeeded in 0.2s: 5"}\n'
           '{"message": "Task activities.tasks.send_deliveries[aa] succeeded in 0.1s: None"}\n'
           '{"message": "Task activities.tasks.scan_reminders[2b] received"}\n')
    assert tasks_succeeded(log, "activities.tasks.scan_reminders") == 1


def test_users_are_dealt_round_robin_and_open_pages_on_the_next_server():
    hosts = ["http://127.0.0.1:8771", "http://127.0.0.1:8772"]
    dealt = [hosts_for_user(hosts, number) for number in range(4)]
    assert dealt == [(hosts[0], hosts[1]), (hosts[1], hosts[0])] * 2
    assert hosts_for_user(hosts[:1], 3) == (hosts[0], hosts[0])


def test_a_page_that_ends_on_the_login_form_lost_its_session():
    assert landed_on_login("http://127.0.0.1:8772/accounts/login/?next=/members/me/")
    assert not landed_on_login("http://127.0.0.1:8772/members/me/")
    assert not landed_on_login(None)


def test_the_command_refuses_a_machine_local_database_cache_or_broker(settings):
    # The test settings are SQLite (or PostgreSQL), a local-memory cache and no Redis broker:
    # two hosts could not share them, so nothing is started.
    settings.CACHE_URL = "locmem://"
    with pytest.raises(CommandError, match="CACHE_URL=redis://"):
        call_command("multihost")
