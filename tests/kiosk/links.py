"""What the street and district screen tests share: a link made as its official, its URLs."""
from django.urls import reverse

from portal.kiosk import services


def create(node, user, label="大屏", expires_on=None):
    return services.link_create(node=node, label=label, expires_on=expires_on, user=user)


def screen(token):
    return reverse("kiosk:screen", args=[token])


def figures(token):
    return reverse("kiosk:figures", args=[token])
