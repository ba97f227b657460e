from members.display import large_text_of


def display(request):
    """大字模式 for base.html's <html> class and the account menu's switch."""
    return {"large_text": large_text_of(request)}
