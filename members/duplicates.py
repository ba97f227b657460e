"""Members entered twice before ID numbers were normalized (full-width digits, a lower-case x,
a space pasted along): found and listed for staff, never merged by the portal.

Every entry point stores ID numbers in one form (kernel.normalize); the data migration
brought stored ones to it where no other member already held that form. What is left in
another form is the second record of someone already on the roster: staff compare the two
records and keep one (the other leaves the roster as 重复录入), or correct the number when
they are two people.
"""
from collections import defaultdict
from dataclasses import dataclass, field

from kernel.normalize import normalize_id_number, normalize_name
from members.validators import mask_id_number

# A stored ID number holding anything but ASCII digits and X is not in the normal form.
NOT_NORMALIZED = r"[^0-9X]"


def normalize_stored_members(member_model):
    """Bring every stored name, and every stored ID number whose normal form no other member
    holds, to the normal form. Returns {normal form: [pk, …]} of the ID numbers that collide,
    which are left exactly as they are. Takes the model so a migration can pass its own."""
    # By key: the roster's order would join the branches and leave twins in either order.
    rows = list(member_model.objects.order_by("pk").values_list("pk", "id_number", "name"))
    holders = defaultdict(list)
    for pk, id_number, _name in rows:
        holders[normalize_id_number(id_number)].append(pk)
    for pk, id_number, name in rows:
        changes = {}
        if normalize_name(name) != name:
            changes["name"] = normalize_name(name)
        normal = normalize_id_number(id_number)
        if normal != id_number and len(holders[normal]) == 1:
            changes["id_number"] = normal
        if changes:
            member_model.objects.filter(pk=pk).update(**changes)
    return {normal: pks for normal, pks in holders.items() if len(pks) > 1}


@dataclass
class DuplicateGroup:
    id_number: str                          # the normal form, shown masked
    members: list                           # the records the user may change
    elsewhere: int = 0                      # records of the same person outside the user's scope
    on_roll: int = field(default=0)

    @property
    def masked_id_number(self):
        return mask_id_number(self.id_number)


def suspected_duplicates(members):
    """[DuplicateGroup] among `members` (a user's editable members): records whose ID numbers
    are equal once normalized, while at least two of them are on the roll. Three queries."""
    from members.models import Member

    odd = list(members.filter(id_number__regex=NOT_NORMALIZED).values_list("id_number",
                                                                           flat=True))
    if not odd:
        return []
    forms = {normalize_id_number(value) for value in odd}
    stored_forms = set(odd) | forms
    everyone = list(Member.objects.filter(id_number__in=stored_forms).values_list(
        "pk", "id_number", "left_on"))
    own = {member.pk: member for member in members.filter(
        pk__in=[pk for pk, _id, _left in everyone]).select_related("branch", "group")}
    groups = {}
    for pk, id_number, left_on in everyone:
        group = groups.setdefault(normalize_id_number(id_number), DuplicateGroup(
            id_number=normalize_id_number(id_number), members=[]))
        if pk in own:
            group.members.append(own[pk])
        else:
            group.elsewhere += 1
        group.on_roll += left_on is None
    return sorted((group for group in groups.values()
                   if group.on_roll > 1 and group.members),
                  key=lambda group: (group.members[0].name_pinyin, group.members[0].name))


def holders_of(id_number):
    """The members whose stored ID number is `id_number` once normalized, the normal form
    first: the record a transfer in must move or restore instead of entering a second one.
    Two queries at most (the odd forms are few)."""
    from members.models import Member

    normal = normalize_id_number(id_number)
    found = list(Member.objects.filter(id_number=normal).select_related("branch"))
    found += [member for member in Member.objects.filter(id_number__regex=NOT_NORMALIZED)
              .select_related("branch") if normalize_id_number(member.id_number) == normal]
    return found
