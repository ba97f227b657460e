"""The steps of the pipeline. Each checks everything before writing: a refused step saves
nothing. Every step done leaves a StepRecord (date, responsible person, document)."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from members.development import rules
from members.development.models import Candidate, StepRecord, limits_for
from members.development.steps import PLAIN_STEPS, REPORT, REVIEW
from members.models import Member

Stage = Candidate.Stage


def _day(day):
    return date_format(day)


def _require_stage(candidate, *stages):
    if candidate.stage not in stages:
        raise ValidationError(_("%(name)s目前是“%(stage)s”，不能办理这一步。") % {
            "name": candidate.name, "stage": candidate.get_stage_display()})


def _check_day(field, day, *, after=None, after_label="", today=None):
    today = today or timezone.localdate()
    if day > today:
        raise ValidationError({field: _("日期不能晚于今天。")})
    if after is not None and day < after:
        raise ValidationError({field: _("日期不能早于%(what)s（%(day)s）。") % {
            "what": after_label, "day": _day(after)}})


def _check_full_members(field, members, count_range):
    low, high = count_range
    if not low <= len(members) <= high:
        raise ValidationError({field: _("应为 %(low)d 至 %(high)d 名正式党员。") % {
            "low": low, "high": high} if low != high else _("应为 %(n)d 名正式党员。") % {"n": low}})
    for member in members:
        if member.status != Member.Status.FULL or not member.is_active:
            raise ValidationError({field: _("%(name)s不是在册的正式党员，不能担任。") % {
                "name": member.name}})


def _record(candidate, code, day, record):
    return StepRecord.objects.create(
        candidate=candidate, code=code, done_on=day,
        responsible=record.get("responsible", ""), note=record.get("note", ""),
        document=record.get("document") or "", recorded_by=record.get("user"))


@transaction.atomic
def candidate_register(*, candidate, record=None):
    """Step 1: the written application received."""
    _check_day("applied_on", candidate.applied_on)
    if candidate.birth_date >= candidate.applied_on:
        raise ValidationError({"birth_date": _("出生日期应早于申请日期。")})
    if Member.objects.filter(id_number=candidate.id_number).exists():
        raise ValidationError({"id_number": _("该身份证号已在党员名册中。")})
    if Candidate.objects.filter(id_number=candidate.id_number).exists():
        raise ValidationError({"id_number": _("该身份证号已在发展党员台账中。")})
    candidate.full_clean()
    candidate.save()
    _record(candidate, "application", candidate.applied_on, record or {})
    return candidate


@transaction.atomic
def candidate_talk(*, candidate, talked_on, record=None):
    """Step 2; a talk later than a month is recorded, and the file says it was late."""
    _require_stage(candidate, Stage.APPLICANT)
    _check_day("talked_on", talked_on, after=candidate.applied_on, after_label=_("申请日期"))
    candidate.talked_on = talked_on
    candidate.save(update_fields=["talked_on"])
    _record(candidate, "talk", talked_on, record or {})
    return candidate


@transaction.atomic
def candidate_make_activist(*, candidate, activist_on, contacts, record=None):
    """Steps 3 and 5: after the talk, with one or two full members as 培养联系人."""
    _require_stage(candidate, Stage.APPLICANT)
    if candidate.talked_on is None:
        raise ValidationError({"activist_on": _("尚未登记党组织派人谈话。")})
    _check_day("activist_on", activist_on, after=candidate.talked_on, after_label=_("谈话日期"))
    limits = limits_for(candidate.branch)
    _check_full_members("contacts", list(contacts), (1, limits["contacts_max"]))
    candidate.activist_on, candidate.stage = activist_on, Stage.ACTIVIST
    candidate.save(update_fields=["activist_on", "stage"])
    candidate.contacts.set(contacts)
    _record(candidate, "activist", activist_on, record or {})
    _record(candidate, "contacts", activist_on,
            {**(record or {}), "document": None,
             "note": "、".join(member.name for member in contacts)})
    return candidate


def _check_cultivation_record(candidate, day, field):
    _require_stage(candidate, Stage.ACTIVIST, Stage.OBJECT)
    _check_day(field, day, after=candidate.activist_on, after_label=_("确定为积极分子的日期"))


@transaction.atomic
def candidate_review(*, candidate, done_on, record=None):
    """Step 6: the half-yearly review of an activist."""
    _check_cultivation_record(candidate, done_on, "done_on")
    return _record(candidate, REVIEW, done_on, record or {})


@transaction.atomic
def candidate_report(*, candidate, done_on, record=None):
    """Step 6: a quarterly 思想汇报 received."""
    _check_cultivation_record(candidate, done_on, "done_on")
    return _record(candidate, REPORT, done_on, record or {})


@transaction.atomic
def candidate_make_object(*, candidate, object_on, record=None):
    """Step 7: after at least a year of 培养考察."""
    _require_stage(candidate, Stage.ACTIVIST)
    _check_day("object_on", object_on, after=candidate.activist_on,
               after_label=_("确定为积极分子的日期"))
    earliest = rules.earliest_object_day(candidate.activist_on, limits_for(candidate.branch))
    if object_on < earliest:
        raise ValidationError({"object_on": _(
            "培养考察不满一年：%(since)s确定为入党积极分子，%(day)s起才能确定为发展对象。") % {
            "since": _day(candidate.activist_on), "day": _day(earliest)}})
    candidate.object_on, candidate.stage = object_on, Stage.OBJECT
    candidate.save(update_fields=["object_on", "stage"])
    _record(candidate, "object", object_on, record or {})
    return candidate


def _object_step(candidate, field, day):
    _require_stage(candidate, Stage.OBJECT)
    _check_day(field, day, after=candidate.object_on, after_label=_("确定为发展对象的日期"))


@transaction.atomic
def candidate_introducers(*, candidate, introducers, done_on, record=None):
    """Step 9: two full members."""
    _object_step(candidate, "done_on", done_on)
    count = limits_for(candidate.branch)["introducers"]
    _check_full_members("introducers", list(introducers), (count, count))
    candidate.introducers.set(introducers)
    _record(candidate, "introducers", done_on,
            {**(record or {}), "note": "、".join(member.name for member in introducers)})
    return candidate


@transaction.atomic
def candidate_political_review(*, candidate, done_on, record=None):
    """Step 10: valid for a year (checked at the 支部大会)."""
    _object_step(candidate, "done_on", done_on)
    candidate.political_review_on = done_on
    candidate.save(update_fields=["political_review_on"])
    return _record(candidate, "political_review", done_on, record or {})


@transaction.atomic
def candidate_training(*, candidate, training_start, training_end, training_hours, record=None):
    """Step 11: at least 3 days or 24 学时."""
    _object_step(candidate, "training_start", training_start)
    _check_day("training_end", training_end, after=training_start,
               after_label=_("培训开始日期"))
    limits = limits_for(candidate.branch)
    if not rules.training_is_enough(training_start, training_end, training_hours, limits):
        raise ValidationError({"training_hours": _(
            "集中培训应不少于 %(days)d 天或 %(hours)d 学时。") % {
            "days": limits["training_days"], "hours": limits["training_hours"]}})
    candidate.training_start, candidate.training_end = training_start, training_end
    candidate.training_hours = training_hours
    candidate.save(update_fields=["training_start", "training_end", "training_hours"])
    return _record(candidate, "training", training_end, record or {})


@transaction.atomic
def candidate_publicity(*, candidate, publicity_start, publicity_end, record=None):
    """Step 12: the 支委会 reviews and publishes; the 公示 precedes the 入党志愿书."""
    _object_step(candidate, "publicity_start", publicity_start)
    _check_day("publicity_end", publicity_end, after=publicity_start,
               after_label=_("公示开始日期"))
    candidate.publicity_start, candidate.publicity_end = publicity_start, publicity_end
    candidate.save(update_fields=["publicity_start", "publicity_end"])
    return _record(candidate, "committee_review", publicity_start, record or {})


@transaction.atomic
def candidate_volunteer_form(*, candidate, done_on, record=None):
    """Step 14: only once the 政审, the training, the introducers and the 公示 are done."""
    _object_step(candidate, "done_on", done_on)
    missing = [label for label, done in [
        (_("政治审查"), candidate.political_review_on),
        (_("集中培训"), candidate.training_end),
        (_("入党介绍人"), candidate.introducers.exists()),
        (_("公示"), candidate.publicity_end)] if not done]
    if missing:
        raise ValidationError({"done_on": _("尚未完成：%(steps)s。") % {
            "steps": "、".join(missing)}})
    if done_on <= candidate.publicity_end:
        raise ValidationError({"done_on": _("公示到%(day)s结束，入党志愿书应在公示结束后填写。") % {
            "day": _day(candidate.publicity_end)}})
    candidate.volunteer_form_on = done_on
    candidate.save(update_fields=["volunteer_form_on"])
    return _record(candidate, "volunteer_form", done_on, record or {})


@transaction.atomic
def candidate_admit(*, candidate, meeting_on, vote, record=None):
    """Step 15: the 支部大会's vote, with its quorum and majority (rules.Vote)."""
    _require_stage(candidate, Stage.OBJECT)
    if candidate.volunteer_form_on is None:
        raise ValidationError({"meeting_on": _("尚未填写入党志愿书。")})
    _check_day("meeting_on", meeting_on, after=candidate.volunteer_form_on,
               after_label=_("填写入党志愿书的日期"))
    valid_until = rules.political_review_valid_until(candidate.political_review_on,
                                                     limits_for(candidate.branch))
    if meeting_on > valid_until:
        raise ValidationError({"meeting_on": _(
            "政治审查于%(day)s到期（一年内有效），请重新进行政治审查。") % {"day": _day(valid_until)}})
    errors = vote.errors()
    if errors:
        raise ValidationError(errors)
    candidate.meeting_on, candidate.stage = meeting_on, Stage.VOTED
    candidate.voters_with_right, candidate.voters_present = vote.with_right, vote.present
    candidate.votes_for, candidate.votes_against = vote.votes_for, vote.votes_against
    candidate.save(update_fields=["meeting_on", "stage", "voters_with_right", "voters_present",
                                  "votes_for", "votes_against"])
    _record(candidate, "admission_meeting", meeting_on,
            {**(record or {}), "note": (record or {}).get("note") or vote.summary})
    return candidate


@transaction.atomic
def candidate_approve(*, candidate, approved_on, special=False, category=None, record=None):
    """Step 17: within 3 months of the 支部大会 (6 in special cases). The person joins the
    roster as a probationary member admitted on the day of the 支部大会, so the roster's
    probation (one year from then) and conversion take over."""
    _require_stage(candidate, Stage.VOTED)
    _check_day("approved_on", approved_on, after=candidate.meeting_on,
               after_label=_("支部大会日期"))
    ordinary, latest = rules.approval_deadlines(candidate.meeting_on,
                                                limits_for(candidate.branch))
    if approved_on > latest:
        raise ValidationError({"approved_on": _(
            "支部大会于%(meeting)s通过，审批最迟应在%(day)s前完成，已超过期限。") % {
            "meeting": _day(candidate.meeting_on), "day": _day(latest)}})
    if approved_on > ordinary and not special:
        raise ValidationError({"approval_special": _(
            "审批晚于%(day)s（支部大会后三个月），须注明特殊情况。") % {"day": _day(ordinary)}})
    if Member.objects.filter(id_number=candidate.id_number).exists():
        raise ValidationError({"approved_on": _("身份证号%(id)s已在党员名册中。") % {
            "id": candidate.masked_id_number}})
    member = Member(
        name=candidate.name, gender=candidate.gender, birth_date=candidate.birth_date,
        id_number=candidate.id_number, phone=candidate.phone, education=candidate.education,
        address=candidate.address, employer_name=candidate.employer_name,
        branch=candidate.branch, joined_on=candidate.meeting_on,
        status=Member.Status.PROBATIONARY, category=category or Member.Category.OTHER)
    member.full_clean()
    member.save()
    candidate.approved_on, candidate.approval_special = approved_on, special
    candidate.stage, candidate.member = Stage.APPROVED, member
    candidate.save(update_fields=["approved_on", "approval_special", "stage", "member"])
    _record(candidate, "approval", approved_on, record or {})
    return member


@transaction.atomic
def candidate_record_step(*, candidate, code, done_on, record=None):
    """A step that records its date, responsible person and document only (PLAIN_STEPS)."""
    if code not in PLAIN_STEPS:
        raise ValidationError({"code": _("请选择步骤。")})
    _check_day("done_on", done_on, after=candidate.applied_on, after_label=_("申请日期"))
    return _record(candidate, code, done_on, record or {})
