"""The checks of `manage.py multihost` and the host dealing of the locustfile, apart from the
processes they run in (tests call them; the standard library only, Locust imports this too).

Reminders are counted twice: by their `Delivery` rows (one per recipient and channel, claimed
once: `attempts` stays 1 when no second worker won a claim) and by what the channels really did,
read from outside the database: the SMS lines each worker logged, the mail files each worker
wrote, the inbox's delivered notifications.
"""
import re
from collections import Counter
from email import message_from_string
from email.header import decode_header, make_header
from urllib.parse import urlsplit

# The login form's CSRF token, as a browser would submit it.
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def hosts_for_user(hosts, number):
    """(login server, pages server) of the number-th Locust user: round robin, and the pages on
    the server after the one that created the session (the same one when there is only one)."""
    return hosts[number % len(hosts)], hosts[(number + 1) % len(hosts)]


def landed_on_login(final_url):
    """A page whose redirects ended on the login form: the session was not valid there."""
    return bool(final_url) and urlsplit(final_url).path.startswith("/accounts/login/")


def marker_pattern(token):
    """The ASCII mark a run puts in each meeting's topic: `MH<token>-u<user id>`. ASCII, because
    the JSON log lines escape Chinese."""
    return re.compile(rf"MH{re.escape(token)}-u(\d+)")


def sms_sent(log_text, token):
    """{user id: SMS sent} from one worker's log (`SMS_PROVIDER=log` writes one line a text)."""
    pattern = marker_pattern(token)
    found = Counter()
    for line in log_text.splitlines():
        if "SMS to" in line:
            match = pattern.search(line)
            if match:
                found[int(match.group(1))] += 1
    return found


def mails_sent(mail_texts, token):
    """{user id: mails} from the files Django's file email backend wrote (several a file)."""
    pattern = marker_pattern(token)
    found = Counter()
    for text in mail_texts:
        for chunk in text.split("-" * 79):
            if not chunk.strip():
                continue
            subject = str(make_header(decode_header(
                message_from_string(chunk.strip()).get("Subject", ""))))
            match = pattern.search(subject)
            if match:
                found[int(match.group(1))] += 1
    return found


def exactly_once(expected, deliveries, sent):
    """What went wrong, in Chinese, or [] when every recipient got every channel once.

    expected: {user id: set of channels} the portal says each recipient is reached on;
    deliveries: (user id, channel, status, attempts) rows of this run's reminders;
    sent: Counter {(user id, channel): times the channel really sent}.
    """
    problems = []
    rows = {}
    for user_id, channel, status, attempts in deliveries:
        rows.setdefault((user_id, channel), []).append((status, attempts))
    wanted = {(user_id, channel) for user_id, channels in expected.items() for channel in channels}
    for key in sorted(wanted):
        user_id, channel = key
        found = rows.get(key, [])
        if len(found) != 1:
            problems.append(f"用户 {user_id} {channel}：应有 1 条发送记录，实有 {len(found)} 条")
        elif found[0] != ("sent", 1):
            status, attempts = found[0]
            problems.append(f"用户 {user_id} {channel}：状态 {status}，认领 {attempts} 次（应为 sent、1 次）")
        if sent.get(key, 0) != 1:
            problems.append(f"用户 {user_id} {channel}：实际发出 {sent.get(key, 0)} 次（应为 1 次）")
    for key in sorted(set(rows) - wanted):
        problems.append(f"用户 {key[0]} {key[1]}：不应有发送记录，实有 {len(rows[key])} 条")
    for key in sorted(k for k, times in sent.items() if times and k not in wanted):
        problems.append(f"用户 {key[0]} {key[1]}：不应发出，实际发出 {sent[key]} 次")
    return problems


def tasks_succeeded(log_text, task_name):
    """How many times a worker's log says the task succeeded."""
    return len(re.findall(rf"{re.escape(task_name)}\[[^\]]+\] succeeded", log_text))
