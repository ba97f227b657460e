"""What the street and district screen tests share: a link made as its official, its URLs."""
from django.urls import reverse

from portal.kiosk import services


def create(node, user, label="大屏", expires_on=None):
    return services.link_create(node=node, label=label, expires_on=expires_on, user=user)


def screen(token):
    return reverse("kiosk:screen", args=[token])


def figures(token):
    return reverse("kiosk:figures", args=[token])


def assert_no_personal_data(page, data):
    """No name, phone or ID number the demo stores appears in the screen's HTML or its JSON."""
    from activities.volunteers.models import Volunteer
    from members.development.models import Candidate
    from members.models import Member
    from pairing.models import JointCommitteeSeat, NeedyHousehold
    from pairing.wishes.models import Wish

    personal = set()
    for model, fields in [(Member, ["name", "phone", "id_number"]),
                          (Candidate, ["name", "phone", "id_number"]),
                          (Volunteer, ["name", "phone"]),
                          (Wish, ["contact_name", "contact_phone"]),
                          (NeedyHousehold, ["head_name", "phone"]),
                          (JointCommitteeSeat, ["person_name"])]:
        for row in model.objects.values_list(*fields):
            personal.update(value for value in row if value)
    assert len(personal) > 50
    for text, where in [(page, "page"), (data, "figures")]:
        leaked = sorted(value for value in personal if value in text)
        assert not leaked, f"{where} shows {leaked[:5]}"
