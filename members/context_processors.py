def display(request):
    """大字模式 for base.html's <html> class. `user.member` is the same (cached) lookup the
    navigation's `is_member` makes, so this costs no query of its own."""
    user = getattr(request, "user", None)
    member = getattr(user, "member", None) if user is not None and user.is_authenticated \
        else None
    return {"large_text": bool(member and member.large_text)}
