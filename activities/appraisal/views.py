"""民主评议 pages: the secretary's round (turnout, tally, decision), the member's phone pages
(自评, 互评, commitment) and the community's public list of commitments."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.appraisal import services
from activities.appraisal.forms import (BallotForm, CommitmentForm, CommitmentRecordForm,
                                        DecisionForm, PublicCountsForm, RoundForm,
                                        SelfAppraisalForm)
from activities.appraisal.models import (Appraisee, Commitment, CommitmentRecord, Participation,
                                         Round)
from kernel.forms import add_service_errors
from kernel.uploads import serve_file
from organizations.models import Node
from organizations.scope import WRITE_ROLES, covers, has_role, require_grant


def _editable(request, pk):
    return get_object_or_404(Round.objects.editable_by(request.user).select_related("branch"),
                             pk=pk)


def _own_member(request):
    member = getattr(request.user, "member", None)
    if member is None or not member.is_active:
        raise Http404
    return member


@require_grant()
def round_list(request):
    rounds = Round.objects.visible_to(request.user).select_related("branch", "meeting")
    return render(request, "appraisal/round_list.html", {
        "rounds": rounds[:200],
        "can_create": request.user.is_superuser or has_role(request.user, *WRITE_ROLES)})


@require_grant(*WRITE_ROLES)
def round_create(request):
    form = RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_create(**form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已建立民主评议，参评党员按花名册确定。"))
            return redirect(round_)
    return render(request, "form_page.html", {
        "form": form, "title": _("建立民主评议"), "cancel_url": reverse("appraisal:round_list")})


@require_grant(*WRITE_ROLES)
def round_edit(request, pk):
    round_ = _editable(request, pk)
    if round_.decided_at:
        raise Http404
    form = RoundForm(request.POST or None, instance=round_, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存。"))
        return redirect(round_)
    return render(request, "form_page.html", {
        "form": form, "title": _("修改民主评议"), "cancel_url": round_.get_absolute_url()})


@require_grant()
def round_detail(request, pk):
    """The tally page: turnout while votes are open, the count per member once they closed,
    each member's 自评, commitment and volunteer hours beside, then the decided grades."""
    round_ = get_object_or_404(Round.objects.visible_to(request.user)
                               .select_related("branch", "meeting", "decided_by"), pk=pk)
    commitments = Commitment.objects.filter(year=round_.year).prefetch_related("records")
    appraisees = list(Appraisee.objects.counting().filter(round=round_)
                      .with_service_hours(round_.period_start, round_.period_end)
                      .select_related("member")
                      .prefetch_related(Prefetch("member__commitments", queryset=commitments,
                                                 to_attr="year_commitments")))
    tally = services.tally(round_, [a.pk for a in appraisees])
    for appraisee in appraisees:
        appraisee.votes = tally.get(appraisee.pk)
        appraisee.commitment = next(iter(appraisee.member.year_commitments), None)
    voted, voters = services.turnout(round_)
    left = (Appraisee.objects.filter(round=round_).exclude(pk__in=[a.pk for a in appraisees])
            .select_related("member"))
    percent = services.excellent_max_percent(round_.branch)
    return render(request, "appraisal/round_detail.html", {
        "round": round_, "state": round_.state(), "appraisees": appraisees, "left": left,
        "tallied": bool(tally), "tally_min_voters": services.TALLY_MIN_VOTERS,
        "voted": voted, "voters": voters, "grades": services.GRADES,
        "cap": services.excellent_cap(percent, len(appraisees)), "cap_percent": percent,
        "can_edit": covers(request.user, round_.branch.path, WRITE_ROLES)})


@require_grant(*WRITE_ROLES)
def round_public_counts(request, pk):
    round_ = _editable(request, pk)
    if round_.decided_at:
        raise Http404
    appraisees = list(Appraisee.objects.counting().filter(round=round_).select_related("member"))
    form = PublicCountsForm(request.POST or None, appraisees=appraisees)
    if request.method == "POST" and form.is_valid():
        services.public_counts_set(round_=round_, counts=form.counts())
        messages.success(request, _("已保存群众评议结果。"))
        return redirect(round_)
    return render(request, "appraisal/public_counts.html", {"round": round_, "form": form,
                                                            "grades": services.GRADES})


@require_grant(*WRITE_ROLES)
def round_decide(request, pk):
    round_ = _editable(request, pk)
    if round_.state() != Round.State.CLOSED:
        raise Http404
    appraisees = list(Appraisee.objects.counting().filter(round=round_).select_related("member"))
    tally = services.tally(round_, [a.pk for a in appraisees])
    form = DecisionForm(request.POST or None, appraisees=appraisees, tally=tally)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide(round_=round_, decisions=form.decisions(), by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已记录支部决定的评议等次。"))
            return redirect(round_)
    for appraisee in appraisees:
        appraisee.votes = tally.get(appraisee.pk)
    percent = services.excellent_max_percent(round_.branch)
    return render(request, "appraisal/decide.html", {
        "round": round_, "form": form, "grades": services.GRADES, "cap_percent": percent,
        "cap": services.excellent_cap(percent, len(appraisees))})


@login_required
def my_appraisals(request):
    member = _own_member(request)
    rounds = list(Round.objects.of_member(member).select_related("branch"))
    voted = set(Participation.objects.filter(member=member, round__in=rounds)
                .values_list("round_id", flat=True))
    for round_ in rounds:
        round_.has_voted = round_.pk in voted
    commitment = Commitment.objects.filter(member=member,
                                           year=timezone.localdate().year).first()
    return render(request, "appraisal/my_appraisals.html", {
        "rounds": rounds, "member": member, "commitment": commitment})


@login_required
def vote(request, pk):
    """The member's phone page of a round: their 自评, and the 互评 ballot while voting is open."""
    member = _own_member(request)
    round_ = get_object_or_404(Round.objects.of_member(member).select_related("branch"), pk=pk)
    appraisee = services.appraisee_of(round_, member)
    has_voted = Participation.objects.filter(round=round_, member=member).exists()
    has_vote = Appraisee.objects.voters().filter(pk=appraisee.pk).exists()
    targets = services.ballot_targets(round_, member)
    self_form = SelfAppraisalForm(request.POST if "self" in request.POST else None,
                                  initial={"self_appraisal": appraisee.self_appraisal})
    ballot_form = BallotForm(request.POST if "ballot" in request.POST else None, targets=targets)
    if request.method == "POST" and "self" in request.POST and self_form.is_valid():
        try:
            services.self_appraise(round_=round_, member=member,
                                   text=self_form.cleaned_data["self_appraisal"])
        except ValidationError as error:
            add_service_errors(self_form, error)
        else:
            messages.success(request, _("自评已保存。"))
            return redirect("appraisal:vote", pk=pk)
    if request.method == "POST" and "ballot" in request.POST and ballot_form.is_valid():
        try:
            services.vote(round_=round_, voter=member, grades=ballot_form.grades())
        except ValidationError as error:
            add_service_errors(ballot_form, error)
        else:
            messages.success(request, _("投票成功。您的选择不与您的姓名一起保存。"))
            return redirect("appraisal:vote", pk=pk)
    return render(request, "appraisal/vote.html", {
        "round": round_, "state": round_.state(), "self_form": self_form,
        "ballot_form": ballot_form, "has_voted": has_voted, "has_vote": has_vote,
        "cap": services.excellent_cap(services.excellent_max_percent(round_.branch),
                                      len(targets) + 1)})


@login_required
def my_commitment(request):
    """The member's commitment of this year and its record (践诺), on the phone."""
    member = _own_member(request)
    year = timezone.localdate().year
    commitment = Commitment.objects.filter(member=member, year=year).first()
    form = CommitmentForm(request.POST if "commit" in request.POST else None,
                          instance=commitment)
    record_form = CommitmentRecordForm(request.POST if "record" in request.POST else None,
                                       request.FILES or None)
    if request.method == "POST" and "commit" in request.POST and form.is_valid():
        services.commitment_save(member=member, year=year, text=form.cleaned_data["text"])
        messages.success(request, _("承诺已保存。"))
        return redirect("appraisal:my_commitment")
    if request.method == "POST" and "record" in request.POST and commitment is None:
        record_form.add_error(None, _("请先填写本年度承诺。"))
    elif request.method == "POST" and "record" in request.POST and record_form.is_valid():
        try:
            services.commitment_record_add(commitment=commitment, **record_form.cleaned_data)
        except ValidationError as error:
            add_service_errors(record_form, error)
        else:
            messages.success(request, _("践诺记录已保存。"))
            return redirect("appraisal:my_commitment")
    records = commitment.records.all() if commitment else []
    return render(request, "appraisal/my_commitment.html", {
        "year": year, "commitment": commitment, "records": records, "form": form,
        "record_form": record_form})


@login_required
def record_evidence(request, pk):
    record = get_object_or_404(CommitmentRecord.objects.visible_to(request.user)
                               .exclude(evidence=""), pk=pk)
    return serve_file(record.evidence)


def public_commitments(request, pk):
    """A community's public list: names and commitments only, no ID numbers or phones; open
    without a login (shown on the community's notice board and its public account)."""
    community = get_object_or_404(Node.objects.active(), pk=pk, kind=Node.Kind.COMMUNITY)
    year = timezone.localdate().year
    commitments = (Commitment.objects.of_community(community, year).only("text", "member__name")
                   .select_related("member").order_by("member__name_pinyin", "member__name", "member_id"))
    return render(request, "appraisal/public_commitments.html", {
        "community": community, "year": year, "commitments": commitments})
