"""任务清单 pages. Street officials issue tasks and accept or return items; community staff
assign and report their community's items; nobody else reaches them (404)."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel.forms import add_service_errors
from kernel.uploads import serve_file
from organizations.scope import STAFF_ROLES, STREET_ROLES, Role, covers, require_grant
from portal.inspection_forms import RectificationReturnForm
from portal.inspection_views import street_for_official
from portal.tasklists import services
from portal.tasklists.forms import AssignForm, ItemFilterForm, ReportForm, TaskForm
from portal.tasklists.models import Task, TaskItem, TaskItemEvent

ITEM_STATE_FILTERS = {
    "open": lambda items, today: items.open(),
    "overdue": lambda items, today: items.overdue(today),
    **{status: (lambda items, today, status=status: items.filter(status=status))
       for status in TaskItem.Status.values},
}


def _flash_errors(request, error):
    for message in error.messages:
        messages.error(request, message)


@require_grant(*STREET_ROLES)
def task_list(request, pk):
    street = street_for_official(request, pk)
    today = timezone.localdate()
    open_statuses = TaskItem.OPEN_STATUSES
    tasks = (Task.objects.overseen_by(request.user).filter(street=street)
             .annotate(items_total=Count("items"),
                       items_reported=Count("items", filter=Q(
                           items__status=TaskItem.Status.REPORTED)),
                       items_accepted=Count("items", filter=Q(
                           items__status=TaskItem.Status.ACCEPTED)),
                       items_overdue=Count("items", filter=Q(
                           items__status__in=open_statuses, items__deadline__lt=today)))
             .order_by("-issued_at", "-pk"))
    return render(request, "tasklists/task_list.html", {
        "street": street, "tasks": tasks, "today": today})


@require_grant(*STREET_ROLES)
def task_create(request, pk):
    street = street_for_official(request, pk)
    form = TaskForm(request.POST or None, request.FILES or None, street=street)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_issue(
                street=street, title=data["title"], instructions=data["instructions"],
                deadline=data["deadline"], attachment=data["attachment"],
                communities=data["communities"], breakdown=data["breakdown"],
                issued_by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已下发任务“%(title)s”，共 %(n)d 项。") % {
                "title": task.title, "n": task.items.count()})
            return redirect("tasklists:task_detail", pk=task.pk)
    return render(request, "form_page.html", {
        "form": form, "title": _("下发任务：%(name)s") % {"name": street.name},
        "cancel_url": reverse("tasklists:task_list", args=[street.pk])})


@require_grant(*STREET_ROLES)
def task_detail(request, pk):
    task = get_object_or_404(Task.objects.overseen_by(request.user).select_related(
        "street", "issued_by"), pk=pk)
    items = list(task.items.select_related("community", "grid", "point", "branch")
                 .order_by("community__sort_order", "community__name", "pk"))
    return render(request, "tasklists/task_detail.html", {
        "task": task, "items": items, "today": timezone.localdate()})


@require_grant(*STREET_ROLES, Role.COMMUNITY_STAFF)
def item_list(request):
    """The items the reader may see: a community's to-do list, or the street's view of all."""
    today = timezone.localdate()
    form = ItemFilterForm(request.GET or None)
    items = (TaskItem.objects.visible_to(request.user)
             .select_related("task", "community", "grid", "point", "branch"))
    if form.is_valid() and form.cleaned_data["state"] in ITEM_STATE_FILTERS:
        items = ITEM_STATE_FILTERS[form.cleaned_data["state"]](items, today)
    return render(request, "tasklists/item_list.html", {
        "form": form, "items": list(items[:500]), "today": today})


def _task_visible(user, task_id):
    """A task's attachment is read by its street's officials and by the communities it went
    to."""
    return (Task.objects.overseen_by(user).filter(pk=task_id).exists()
            or TaskItem.objects.visible_to(user).filter(task_id=task_id).exists())


@require_grant(*STREET_ROLES, Role.COMMUNITY_STAFF)
def task_attachment(request, pk):
    task = get_object_or_404(Task, pk=pk)
    if not _task_visible(request.user, task.pk) or not task.attachment:
        raise Http404
    return serve_file(task.attachment, download_name=task.title)


@require_grant(*STREET_ROLES, Role.COMMUNITY_STAFF)
def item_detail(request, pk):
    item = get_object_or_404(
        TaskItem.objects.visible_to(request.user)
        .select_related("task__street", "task__issued_by", "community", "grid", "point",
                        "branch")
        .prefetch_related(Prefetch("events", TaskItemEvent.objects.select_related("actor"))),
        pk=pk)
    is_staff = covers(request.user, item.community.path, STAFF_ROLES)
    can_review = item.status == TaskItem.Status.REPORTED \
        and covers(request.user, item.community.path, STREET_ROLES)
    return render(request, "tasklists/item_detail.html", {
        "item": item, "task": item.task, "today": timezone.localdate(),
        "can_work": is_staff and item.status in TaskItem.OPEN_STATUSES,
        "can_review": can_review})


def _staff_item(request, pk):
    return get_object_or_404(
        TaskItem.objects.managed_by_staff(request.user).select_related("task", "community"),
        pk=pk)


def _item_form_page(request, form, title, item):
    return render(request, "form_page.html", {
        "form": form, "title": title,
        "cancel_url": reverse("tasklists:item_detail", args=[item.pk])})


@require_grant(Role.COMMUNITY_STAFF)
def item_assign(request, pk):
    item = _staff_item(request, pk)
    form = AssignForm(request.POST or None, item=item,
                      initial={"assignee": item.assignee, "branch": item.branch_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.item_assign(item=item, actor=request.user,
                                 assignee=form.cleaned_data["assignee"],
                                 branch=form.cleaned_data["branch"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已分派：%(who)s。") % {"who": item.responsible})
            return redirect("tasklists:item_detail", pk=item.pk)
    return _item_form_page(request, form, _("分派：%(item)s") % {"item": item}, item)


@require_grant(Role.COMMUNITY_STAFF)
def item_report(request, pk):
    item = _staff_item(request, pk)
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.item_report(item=item, actor=request.user, note=data["note"],
                                 attachment=data["attachment"], done=data["done"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已报告完成，等待街道验收。") if data["done"]
                             else _("已记录进展。"))
            return redirect("tasklists:item_detail", pk=item.pk)
    return _item_form_page(request, form, _("报告办理情况：%(item)s") % {"item": item}, item)


@require_POST
@require_grant(*STREET_ROLES)
def item_accept(request, pk):
    item = get_object_or_404(TaskItem.objects.overseen_by(request.user), pk=pk)
    try:
        services.item_accept(item=item, actor=request.user)
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("已验收通过。"))
    return redirect("tasklists:item_detail", pk=item.pk)


@require_grant(*STREET_ROLES)
def item_return(request, pk):
    item = get_object_or_404(TaskItem.objects.overseen_by(request.user)
                             .select_related("task"), pk=pk)
    form = RectificationReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_return(item=item, actor=request.user,
                                 reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已退回社区重办。"))
            return redirect("tasklists:item_detail", pk=item.pk)
    return _item_form_page(request, form, _("退回：%(item)s") % {"item": item}, item)


@require_grant(*STREET_ROLES, Role.COMMUNITY_STAFF)
def event_attachment(request, pk):
    event = get_object_or_404(TaskItemEvent.objects.filter(
        item__in=TaskItem.objects.visible_to(request.user)), pk=pk)
    if not event.attachment:
        raise Http404
    return serve_file(event.attachment)
