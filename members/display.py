"""大字模式 for everyone signed in: a member's choice is on their record (`Member.large_text`),
anyone else's on a `DisplayChoice` row, copied into the session at login so that
`members.context_processors.display` reads it on every page without a query."""
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from members.models import DisplayChoice

SESSION_KEY = "large_text"


@receiver(user_logged_in, dispatch_uid="members.display.remember_large_text")
def remember_large_text(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = DisplayChoice.objects.filter(
            user=user, large_text=True).exists()


def large_text_of(request):
    """Whether the signed-in user reads in 大字模式. `user.member` is the same (cached) lookup
    the navigation's `is_member` makes, so a member costs no query of their own."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    member = getattr(user, "member", None)
    if member is not None:
        return member.large_text
    return bool(getattr(request, "session", {}).get(SESSION_KEY))
