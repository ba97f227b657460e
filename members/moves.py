"""Moving members: 转出 out of the street, 转入 into it, 流动党员 away for long, and the 失联
list (docs/RULES.md, "Moving members"). Writes are functions named <entity>_<action>, each one
transaction; the roster's own leave, restore and transfer do the moving.
"""
import operator
from dataclasses import dataclass
from datetime import timedelta
from functools import reduce

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.normalize import normalize_id_number, normalize_name
from kernel.paths import community_id_of, street_path_of
from members import contact, contact_cache, duplicates, services
from members.models import (ContactRecord, Member, MobileStay, MoveRule, TransferIn,
                            TransferOut)
from organizations.models import Node
from organizations.rules import PathChains, nearest
from organizations.scope import grants_of


# --- The rules -------------------------------------------------------------------------------

class MoveRules:
    """The move rules of many nodes from one query (a second for the streets' districts when a
    row sits on a node): `for_path(path)` is the nearest row, a district's between the
    default and the street's, or the shipped values when no row exists (a flushed test
    database)."""

    def __init__(self):
        self.rows = None
        self.cache = {}

    def for_path(self, path):
        if path not in self.cache:
            self._read()
            self.cache[path] = self.for_ancestors(self.chains(path))
        return self.cache[path]

    def for_ancestors(self, ancestor_ids):
        self._read()
        return nearest(self.rows, ancestor_ids, key=lambda row: None).get(None) or MoveRule()

    def _read(self):
        if self.rows is None:  # read when first asked: an empty list asks nothing
            self.rows = list(MoveRule.objects.all())
            self.chains = PathChains(row.node_id for row in self.rows)


def rule_for(node):
    # The node at hand knows its district: no street → district map to read.
    return MoveRules().for_ancestors(node.ancestor_ids())


def history(member):
    """The member's letters out and in, their stays away and the last contacts, for their page;
    `mobile` is the current stay, if any."""
    stays = list(member.mobile_stays.all())
    return {
        "out": annotate_receipts(list(member.transfers_out.select_related("from_branch")),
                                 timezone.localdate()),
        "in": list(member.transfers_in.select_related("to_branch")),
        "stays": stays,
        "mobile": next((stay for stay in stays if stay.ended_on is None), None),
        "contacts": list(member.contacts.all()[:10]),
    }


# --- 转出 ------------------------------------------------------------------------------------

class ReceiptState:
    AWAITING = "awaiting"
    OVERDUE = "overdue"
    RECEIVED = "received"


STATE_LABELS = {ReceiptState.AWAITING: gettext_lazy("待回执"),
                ReceiptState.OVERDUE: gettext_lazy("回执逾期"),
                ReceiptState.RECEIVED: gettext_lazy("已回执")}


def receipt_due_on(transfer, rule):
    return transfer.sent_on + timedelta(days=rule.receipt_due_days)


def receipt_state(transfer, rule, today):
    """已回执; 回执逾期 once the rule's days after sending have passed (the last day itself is
    still on time); else 待回执."""
    if transfer.receipt_on:
        return ReceiptState.RECEIVED
    return (ReceiptState.OVERDUE if today > receipt_due_on(transfer, rule)
            else ReceiptState.AWAITING)


def annotate_receipts(transfers, today):
    """Each transfer of the list with .due_on and .state, the rules read once."""
    rules = MoveRules()
    for transfer in transfers:
        rule = rules.for_path(transfer.from_branch.path)
        transfer.due_on = receipt_due_on(transfer, rule)
        transfer.state = receipt_state(transfer, rule, today)
        transfer.state_label = STATE_LABELS[transfer.state]
    return transfers


def _check_letter(letter_number, field="letter_number"):
    if not normalize_name(letter_number or ""):
        raise ValidationError({field: _("请填写介绍信编号。")})


@transaction.atomic
def transfer_out_create(*, member, letter_number, destination, sent_on, user=None):
    """The letter is sent: the member leaves the roster (转出) with it, never deleted."""
    _check_letter(letter_number)
    if not member.is_active:
        raise ValidationError(_("该党员已不在名册中，不能再开转出介绍信。"))
    if sent_on > timezone.localdate():
        raise ValidationError({"sent_on": _("开出日期不能晚于今天。")})
    if sent_on < member.joined_on:
        raise ValidationError({"sent_on": _("开出日期不能早于入党时间。")})
    transfer = TransferOut.objects.create(
        member=member, from_branch=member.branch, letter_number=normalize_name(letter_number),
        destination=destination, sent_on=sent_on, recorded_by=user)
    # Whoever was away as a 流动党员 leaves that stay with the roster.
    for stay in member.mobile_stays.current():
        stay.ended_on = max(sent_on, stay.started_on)
        stay.save(update_fields=["ended_on"])
    services.member_leave(member=member, left_on=sent_on,
                          reason=Member.LeaveReason.TRANSFERRED_OUT,
                          note=_("介绍信%(number)s，转往%(to)s") % {
                              "number": transfer.letter_number, "to": destination})
    return transfer


@transaction.atomic
def transfer_out_receipt(*, transfer, receipt_on, note=""):
    if transfer.receipt_on:
        raise ValidationError(_("该介绍信的回执已登记。"))
    if receipt_on < transfer.sent_on:
        raise ValidationError({"receipt_on": _("回执日期不能早于介绍信开出日期（%(day)s）。") % {
            "day": transfer.sent_on}})
    if receipt_on > timezone.localdate():
        raise ValidationError({"receipt_on": _("回执日期不能晚于今天。")})
    transfer.receipt_on, transfer.receipt_note = receipt_on, note
    transfer.save(update_fields=["receipt_on", "receipt_note"])
    return transfer


# --- 转入 ------------------------------------------------------------------------------------

def existing_record(id_number, to_branch):
    """The roster's record of this ID number that a transfer in must take up, or None to
    create one. A record still on another street's roster is refused: that street sends its
    转出 letter first, and the portal never holds one person twice."""
    records = duplicates.holders_of(id_number)
    if not records:
        return None
    on_roll = [member for member in records if member.is_active]
    record = on_roll[0] if on_roll else records[0]
    if record.is_active and not record.branch.path.startswith(street_path_of(to_branch.path)):
        raise ValidationError({"id_number": _(
            "该身份证号的党员仍在其他街道的名册中，请先由对方办理转出。")})
    if record.is_active and record.branch_id == to_branch.pk:
        raise ValidationError({"id_number": _("该党员已在%(branch)s名册中，无需转入。") % {
            "branch": to_branch.name}})
    return record


@transaction.atomic
def transfer_in_create(*, to_branch, letter_number, origin, received_on, person, user=None):
    """The letter arrives: the person joins `to_branch`. `person` holds the roster fields of
    a new record (name, gender, id_number, birth_date, joined_on, status, category, phone).
    Whoever is already on the roster (in the normal or an old form of the ID number) is moved
    there, or restored and moved if they had left: never entered a second time."""
    _check_letter(letter_number)
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("收到日期不能晚于今天。")})
    record = existing_record(person["id_number"], to_branch)
    if record is not None and normalize_name(person.get("name", "")) not in ("", record.name):
        raise ValidationError({"name": _(
            "该身份证号在名册中登记的姓名是“%(name)s”，请核对介绍信。") % {"name": record.name}})
    if record is None:
        if not person.get("joined_on"):
            raise ValidationError({"joined_on": _("名册中没有此人，请填写入党时间。")})
        member = Member(branch=to_branch, **person)
        member.id_number = normalize_id_number(member.id_number)
        member.full_clean()
        if member.joined_on > received_on:
            raise ValidationError({"received_on": _("收到日期不能早于入党时间。")})
        member.save()
        outcome = TransferIn.Outcome.CREATED
    else:
        member, outcome = record, (TransferIn.Outcome.MOVED if record.is_active
                                   else TransferIn.Outcome.RETURNED)
        if record.branch_id != to_branch.pk:
            services.member_transfer(member=record, to_branch=to_branch,
                                     transferred_on=received_on, user=user,
                                     note=_("转入介绍信%(number)s") % {"number": letter_number})
        if not record.is_active:
            services.member_restore(member=record, user=user)
    return TransferIn.objects.create(
        member=member, to_branch=to_branch, letter_number=normalize_name(letter_number),
        origin=origin, received_on=received_on, outcome=outcome, recorded_by=user)


# --- 流动党员 --------------------------------------------------------------------------------

@transaction.atomic
def mobile_stay_start(*, member, destination, contact, certificate_number, host_organization,
                      started_on, user=None):
    """The member stays on the roster, in the category 流动党员, counted apart."""
    if not member.is_active:
        raise ValidationError(_("该党员已不在名册中。"))
    if member.mobile_stays.current().exists():
        raise ValidationError(_("该党员已登记为流动党员，请先登记返回。"))
    if not normalize_name(certificate_number or ""):
        raise ValidationError({"certificate_number": _("请填写流动党员活动证编号。")})
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": _("外出日期不能晚于今天。")})
    stay = MobileStay.objects.create(
        member=member, destination=destination, contact=contact,
        certificate_number=normalize_name(certificate_number),
        host_organization=host_organization, started_on=started_on,
        previous_category=member.category, recorded_by=user)
    member.category = Member.Category.MOBILE
    member.save(update_fields=["category", "updated_at"])
    return stay


@transaction.atomic
def mobile_stay_end(*, stay, ended_on):
    """Back home: the member returns to the category they had before leaving."""
    if stay.ended_on:
        raise ValidationError(_("已登记返回。"))
    if ended_on < stay.started_on:
        raise ValidationError({"ended_on": _("返回日期不能早于外出日期（%(day)s）。") % {
            "day": stay.started_on}})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("返回日期不能晚于今天。")})
    stay.ended_on = ended_on
    stay.save(update_fields=["ended_on"])
    member = stay.member
    if member.category == Member.Category.MOBILE:
        member.category = stay.previous_category
        member.save(update_fields=["category", "updated_at"])
    return stay


# --- 失联 ------------------------------------------------------------------------------------

@transaction.atomic
def contact_record(*, member, contacted_on, way, note="", user=None):
    if contacted_on > timezone.localdate():
        raise ValidationError({"contacted_on": _("联系日期不能晚于今天。")})
    return ContactRecord.objects.create(member=member, contacted_on=contacted_on, way=way,
                                        note=note, recorded_by=user)


@dataclass
class SilenceLists:
    lost: list          # 失联: no contact of any kind for the rule's months
    article_nine: list  # 党章 art. 9: no organizational life for six months, for the branch
                        # to decide; six months without dues is the dues arrears page's list


# 党章 art. 9 names six months; the lost-contact months are a rule, this one is the text.
ARTICLE_NINE_MONTHS = 6


def silence_lists(members, today):
    """The on-roll `members` (a queryset) silent long enough for each list."""
    members = members.active()
    return _shown(members, *_silent(members, today))


def silence_lists_of(user, today):
    """What `silence_lists` answers for the members `user` may read, the members of the whole
    communities in their scope from the cache (members/contact_cache.py): a street official's
    lists judge again only the communities written to since they were computed."""
    members = Member.objects.visible_to(user).active()
    communities, whole, rest = whole_communities(user)
    if not communities:
        return _shown(members, *_silent(members, today))
    cached = silent_by_community(communities, today, whole)
    lost, article_nine = _silent(rest.active(), today) if rest is not None else ({}, {})
    for community_lost, community_article_nine in cached.values():
        lost.update(community_lost)
        article_nine.update(community_article_nine)
    return _shown(members, lost, article_nine)


def _silent(members, today, rows=None):
    """({member id: (last day, recorded)} of the lost, the same of art. 9's) of the on-roll
    `members`: both lists from one reading of the sources."""
    rules = MoveRules()
    return contact.silent_lists(members, today, [
        (lambda row: rules.for_path(row.branch_path).lost_contact_months, None),
        (lambda row: ARTICLE_NINE_MONTHS, {contact.ORGANIZATIONAL_LIFE}),
    ], rows)


def silent_by_community(community_ids, today, paths=None):
    """{community id: what `_silent` answers for its on-roll members}, from the cache where it
    holds them (the worker computes every street's at midnight: portal/dashboards.py).
    `paths`: of nodes holding exactly these communities (a street's), if at hand."""
    community_ids = list(community_ids)
    return contact_cache.CACHE.get("silence", (today,), community_ids, lambda missing: (
        _silent_by_community(missing, today,
                             paths if len(missing) == len(community_ids) else None)))


def _silent_by_community(community_ids, today, paths=None):
    """{community id: what `_silent` answers for its on-roll members}, in one reading; `paths`
    of nodes holding exactly these communities, if at hand: a street's one path is read faster
    than its fifty communities' (an OR PostgreSQL reads every branch for)."""
    if paths is None:
        paths = Node.objects.filter(pk__in=community_ids).values_list("path", flat=True)
    members = Member.objects.active().filter(_under(paths, "branch__path"))
    rows = contact.entered(members)
    lost, article_nine = _silent(members, today, rows)
    found = {pk: ({}, {}) for pk in community_ids}
    community_of = {}  # by branch path: 5,000 paths to parse, not 50,000
    for row in rows:
        if row.branch_path not in community_of:
            community_of[row.branch_path] = community_id_of(row.branch_path)
        community = found[community_of[row.branch_path]]
        for silent, kept in zip((lost, article_nine), community):
            if row.pk in silent:
                kept[row.pk] = silent[row.pk]
    return found


def whole_communities(user):
    """([ids of the communities wholly in the user's scope], [the paths of the grants holding
    them], a queryset of the other members they may read, None if there are none). Officials
    read whole streets, community staff a whole community; a secretary's branch, and a member
    record of one's own outside the grants, are the rest."""
    if user.is_superuser or not user.is_authenticated:
        return [], [], None
    grants = grants_of(user)
    whole = [path for path, _role, node in grants
             if node.kind in (Node.Kind.STREET, Node.Kind.COMMUNITY)]
    if not whole:
        return [], [], None
    communities = list(Node.objects.filter(_under(whole, "path"), kind=Node.Kind.COMMUNITY)
                       .values_list("pk", flat=True))
    outside = [path for path, _role, node in grants
               if node.kind in (Node.Kind.BRANCH, Node.Kind.GROUP)] + [user._own_member_path]
    outside = [path for path in outside
               if path is not None and not any(path.startswith(done) for done in whole)]
    rest = Member.objects.visible_to(user).filter(_under(outside, "branch__path"))
    return communities, whole, rest if outside else None


def _under(paths, lookup):
    return reduce(operator.or_, (Q(**{f"{lookup}__startswith": path}) for path in paths),
                  Q(pk__in=[]))


def _shown(members, lost, article_nine):
    shown = lost.keys() | article_nine.keys()
    # Model instances only for the members the lists show, in one query.
    instances = members.filter(pk__in=shown).select_related("branch").only(
        "name", "name_pinyin", "phone", "category", "created_at", "branch__name",
    ).in_bulk() if shown else {}
    return SilenceLists(lost=contact.silences(lost, instances),
                        article_nine=contact.silences(article_nine, instances))


def quorum_exclusions(voters, branch, on):
    """The ids among `voters` (a member queryset) a general meeting of `branch` held `on` does
    not count as expected to come: the lost ones, where the rule says so."""
    rule = rule_for(branch)
    if not rule.lost_excluded_from_quorum:
        return set()
    return set(contact.silent(voters, on, lambda row: rule.lost_contact_months))
