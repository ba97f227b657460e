"""Text messages, one function for every app: `send_sms(phone, text)`, raising on failure.

The shipped backend logs the text (logger `activities.sms`, the name operators already filter
on); a gateway replaces `send_sms` in production. The reminders' SMS channel and the activation
codes of the roster both send through it.
"""
import logging

logger = logging.getLogger("activities.sms")


def send_sms(phone, text):
    logger.info("SMS to %s: %s", phone, text)
