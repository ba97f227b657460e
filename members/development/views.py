"""Pages of 发展党员. Every read role reads the boards and files of its scope; community staff
and branch secretaries record the steps; members have none of these pages (404)."""
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel import xlsx
from kernel.dates import add_months
from kernel.forms import add_service_errors
from kernel.request_params import page_param, search_param
from kernel.uploads import serve_file
from members.development import forms, ledger, rules, selectors, services
from members.development.models import Candidate, StepRecord, limits_for
from members.development.steps import REPORT, REVIEW, STAGES, STEPS
from organizations.models import Node
from organizations.scope import READ_ROLES, WRITE_ROLES, covers, grants_of, require_grant

readers = require_grant(*READ_ROLES)
writers = require_grant(*WRITE_ROLES)


@readers
def index(request):
    """The board of the user's widest node."""
    if request.user.is_superuser:
        node = Node.objects.active().filter(kind=Node.Kind.STREET).order_by("path").first()
    else:
        # A district has no board of its own (its streets' paths are not under it): a district
        # official starts on the board of one of its streets, listed among the grants.
        nodes = [node for _path, _role, node in grants_of(request.user)
                 if node.kind != Node.Kind.DISTRICT]
        node = min(nodes, key=lambda node: node.depth) if nodes else None
    if node is None:
        raise Http404
    return redirect("development:board", node.pk)


# A street's board can hold hundreds of late items; its table shows them a page at a time.
OVERDUE_PAGE_SIZE = 50


@readers
def board(request, pk):
    node = get_object_or_404(Node.objects.visible_to(request.user), pk=pk)
    if node.kind == Node.Kind.GROUP:
        raise Http404
    data = selectors.board(request.user, node, timezone.localdate())
    query = search_param(request)
    overdue = Paginator(data.overdue, OVERDUE_PAGE_SIZE).get_page(page_param(request))
    return render(request, "development/board.html", {
        "query": query, "found": selectors.search(request.user, node, query) if query else None,
        "node": node, "columns": selectors.COLUMNS, "unit_rows": data.unit_rows,
        "totals": data.totals, "overdue_rows": overdue.object_list, "page": overdue,
        "candidates": data.candidates if node.kind == Node.Kind.BRANCH else [],
        "parent_visible": bool(node.parent_id) and covers(request.user, node.parent_path),
        "can_write": covers(request.user, node.path, WRITE_ROLES)
        and forms.writable_branches(request.user).exists(),
    })


@writers
def candidate_create(request):
    form = forms.CandidateForm(request.POST or None, request.FILES or None, user=request.user)
    if form.is_valid():
        try:
            candidate = services.candidate_register(candidate=form.instance, record={
                "responsible": form.cleaned_data["responsible"],
                "document": form.cleaned_data["document"], "user": request.user})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已登记入党申请人“%(name)s”。") % {"name": candidate.name})
            return redirect(candidate)
    return render(request, "form_page.html", {
        "form": form, "title": _("登记入党申请"), "cancel_url": reverse("development:index")})


@readers
def candidate_detail(request, pk):
    candidate = get_object_or_404(Candidate.objects.visible_to(request.user)
                                  .select_related("branch", "member").with_last_records(), pk=pk)
    limits = limits_for(candidate.branch)
    today = timezone.localdate()
    records = list(candidate.records.select_related("recorded_by"))
    done = {record.code for record in records}
    if done & {REVIEW, REPORT}:  # step 6 is its reviews and reports
        done.add("cultivation")
    reports = [record for record in records if record.code == REPORT]
    return render(request, "development/candidate_detail.html", {
        "candidate": candidate, "records": records, "reports": reports,
        "steps": [(step, step.code in done) for step in STEPS], "stages": STAGES,
        "dues": rules.dues(candidate, limits, today), "limits": limits,
        "contacts": list(candidate.contacts.all()),
        "introducers": list(candidate.introducers.all()),
        "talk_late": candidate.talked_on and candidate.talked_on > add_months(
            candidate.applied_on, limits["talk_months"]),
        "actions": ACTIONS_BY_STAGE.get(candidate.stage, []) + ["step"],
        "action_titles": {code: title for code, (_f, title, _s) in ACTIONS.items()},
        "can_write": covers(request.user, candidate.branch.path, WRITE_ROLES),
        "political_review_until": candidate.political_review_on and
        rules.political_review_valid_until(candidate.political_review_on, limits),
        "approval_deadlines": candidate.meeting_on and rules.approval_deadlines(
            candidate.meeting_on, limits),
    })


def _vote(data):
    return rules.Vote(data["voters_with_right"], data["voters_present"], data["votes_for"],
                      data["votes_against"])


# action → (form, title, service call with (candidate, cleaned data, record))
ACTIONS = {
    "talk": (forms.TalkForm, gettext_lazy("党组织派人谈话"), lambda c, d, r: services.candidate_talk(
        candidate=c, talked_on=d["talked_on"], record=r)),
    "activist": (forms.ActivistForm, gettext_lazy("确定为入党积极分子"),
                 lambda c, d, r: services.candidate_make_activist(
                     candidate=c, activist_on=d["activist_on"], contacts=d["contacts"],
                     record=r)),
    "review": (forms.DayForm, gettext_lazy("半年考察"), lambda c, d, r: services.candidate_review(
        candidate=c, done_on=d["done_on"], record=r)),
    "report": (forms.DayForm, gettext_lazy("收到思想汇报"), lambda c, d, r: services.candidate_report(
        candidate=c, done_on=d["done_on"], record=r)),
    "object": (forms.ObjectForm, gettext_lazy("确定为发展对象"),
               lambda c, d, r: services.candidate_make_object(
                   candidate=c, object_on=d["object_on"], record=r)),
    "introducers": (forms.IntroducersForm, gettext_lazy("确定入党介绍人"),
                    lambda c, d, r: services.candidate_introducers(
                        candidate=c, introducers=d["introducers"], done_on=d["done_on"],
                        record=r)),
    "political_review": (forms.DayForm, gettext_lazy("政治审查"),
                         lambda c, d, r: services.candidate_political_review(
                             candidate=c, done_on=d["done_on"], record=r)),
    "training": (forms.TrainingForm, gettext_lazy("集中培训"),
                 lambda c, d, r: services.candidate_training(
                     candidate=c, training_start=d["training_start"],
                     training_end=d["training_end"], training_hours=d["training_hours"],
                     record=r)),
    "publicity": (forms.PublicityForm, gettext_lazy("支部委员会审查并公示"),
                  lambda c, d, r: services.candidate_publicity(
                      candidate=c, publicity_start=d["publicity_start"],
                      publicity_end=d["publicity_end"], record=r)),
    "volunteer_form": (forms.DayForm, gettext_lazy("填写入党志愿书"),
                       lambda c, d, r: services.candidate_volunteer_form(
                           candidate=c, done_on=d["done_on"], record=r)),
    "admit": (forms.AdmissionForm, gettext_lazy("支部大会讨论接收预备党员"),
              lambda c, d, r: services.candidate_admit(
                  candidate=c, meeting_on=d["meeting_on"], vote=_vote(d), record=r)),
    "approve": (forms.ApprovalForm, gettext_lazy("上级党委审批"),
                lambda c, d, r: services.candidate_approve(
                    candidate=c, approved_on=d["approved_on"], special=d["approval_special"],
                    category=d["category"], record=r)),
    "step": (forms.PlainStepForm, gettext_lazy("登记其他步骤"),
             lambda c, d, r: services.candidate_record_step(
                 candidate=c, code=d["code"], done_on=d["done_on"], record=r)),
}
ACTIONS_BY_STAGE = {
    "applicant": ["talk", "activist"],
    "activist": ["review", "report", "object"],
    "object": ["review", "report", "introducers", "political_review", "training", "publicity",
               "volunteer_form", "admit"],
    "voted": ["approve"],
}


@writers
def step(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    candidate = get_object_or_404(Candidate.objects.editable_by(request.user)
                                  .select_related("branch"), pk=pk)
    form_class, title, call = ACTIONS[action]
    form = form_class(request.POST or None, request.FILES or None, candidate=candidate)
    if form.is_valid():
        try:
            call(candidate, form.cleaned_data, form.record(request.user))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已登记：%(step)s。") % {"step": title})
            return redirect(candidate)
    return render(request, "form_page.html", {
        "form": form, "title": f"{title} · {candidate.name}",
        "intro": _step_intro(candidate, action), "cancel_url": candidate.get_absolute_url()})


def _step_intro(candidate, action):
    """The rule the step is checked against, said before the form is filled in."""
    if action == "admit":
        return _("到会有表决权的党员超过有表决权党员的半数，会议方可表决；赞成票超过有表决权党员"
                 "（不是到会党员）的半数，方可接收为预备党员。")
    if action == "approve" and candidate.meeting_on:
        ordinary, latest = rules.approval_deadlines(candidate.meeting_on,
                                                    limits_for(candidate.branch))
        return _("支部大会于%(meeting)s通过，上级党委应于%(day)s前审批，特殊情况不超过%(latest)s。"
                 "批准后即列入党员名册，为预备党员，预备期自支部大会通过之日起计算。") % {
            "meeting": date_format(candidate.meeting_on), "day": date_format(ordinary),
            "latest": date_format(latest)}
    return ""


@readers
def record_document(request, pk):
    record = get_object_or_404(StepRecord.objects.visible_to(request.user), pk=pk)
    if not record.document:
        raise Http404
    return serve_file(record.document, download_name=f"development-{record.pk}")


@readers
def export(request, pk):
    node = get_object_or_404(Node.objects.visible_to(request.user), pk=pk)
    candidates = (Candidate.objects.visible_to(request.user).under(node)
                  .select_related("branch", "member").prefetch_related("contacts", "introducers")
                  .order_by("branch__path", "applied_on", "pk"))
    return xlsx.download(ledger.export_workbook(candidates), "development-ledger.xlsx")


IMPORT_SESSION_KEY = "development_import_file"


@writers
def import_upload(request):
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            ledger.preview(upload, forms.writable_branches(request.user))
        except ledger.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            upload.seek(0)
            _forget_import(request)
            request.session[IMPORT_SESSION_KEY] = default_storage.save(
                f"development-imports/{uuid.uuid4().hex}.xlsx", ContentFile(upload.read()))
            return redirect("development:import_preview")
    return render(request, "form_page.html", {
        "form": form, "title": _("导入发展党员台账"), "cancel_url": reverse("development:index"),
        "intro": _("表头应包含：%(cols)s。先预览，确认后才导入。") % {
            "cols": "、".join(header for header, _field in ledger.IMPORT_COLUMNS)},
        "submit_label": _("上传并预览")})


def _stored_preview(request):
    name = request.session.get(IMPORT_SESSION_KEY)
    if not name or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as stored:
        try:
            return ledger.preview(stored, forms.writable_branches(request.user))
        except ledger.ImportFileError:
            return None


def _forget_import(request):
    name = request.session.pop(IMPORT_SESSION_KEY, None)
    if name and default_storage.exists(name):
        default_storage.delete(name)


@writers
def import_preview(request):
    result = _stored_preview(request)
    if result is None:
        return redirect("development:import_upload")
    if request.method == "POST":
        created = ledger.import_rows(result, request.user)
        _forget_import(request)
        messages.success(request, _("已导入 %(count)d 人，%(failed)d 行有错误未导入。") % {
            "count": len(created), "failed": len(result.failed)})
        return redirect("development:index")
    return render(request, "development/import_preview.html", {"result": result})
