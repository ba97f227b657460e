"""三单: communities' needs, units' resources matched to them, and the projects that follow."""
from django.contrib import messages
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kernel.forms import saved
from kernel.uploads import serve_file
from organizations.scope import STAFF_ROLES, covers
from pairing import selectors, services
from pairing.forms import NeedForm, ProjectForm, ProjectPhotoForm, ProjectUpdateForm
from pairing.models import Need, Project, ProjectPhoto, Resource
from pairing.views import (community_filter, form_page, readers, visible_communities,
                           writers)


@readers
def need_list(request):
    # How many resources of the community's units fit each need, counted in the same query.
    needs = Need.objects.visible_to(request.user).select_related("community").annotate(
        suggestion_count=Count(
            "community__co_building_units__resources",
            filter=Q(community__co_building_units__resources__category=F("category"),
                     community__co_building_units__resources__withdrawn_on__isnull=True,
                     community__co_building_units__archived_at__isnull=True),
            distinct=True))
    needs, community = community_filter(request, needs)
    show_closed = request.GET.get("closed") == "1"
    if not show_closed:
        needs = needs.open()
    projects = (Project.objects.visible_to(request.user)
                .select_related("community", "unit", "need"))
    projects, _community = community_filter(request, projects)
    return render(request, "pairing/need_list.html", {
        "needs": needs, "projects": projects, "community": community,
        "show_closed": show_closed, "communities": visible_communities(request),
        "resources": Resource.objects.visible_to(request.user).available()
        .select_related("unit").order_by("category", "unit__name"),
        "can_write": selectors.staff_communities(request.user).exists()})


@writers
def need_create(request):
    form = NeedForm(request.POST or None, user=request.user)
    if saved(form, lambda: services.need_post(need=form.instance)):
        messages.success(request, _("已发布需求。"))
        return redirect("pairing:need_list")
    return form_page(request, form, _("发布需求"), reverse("pairing:need_list"))


@writers
def project_create(request, pk):
    need = get_object_or_404(Need.objects.managed_by_staff(request.user).open()
                             .select_related("community"), pk=pk)
    form = ProjectForm(request.POST or None, need=need, user=request.user)
    project = saved(form, lambda: services.project_start(project=form.instance))
    if project:
        messages.success(request, _("已立项“%(title)s”。") % {"title": project.title})
        return redirect(project)
    if not form.fields["resource"].queryset.exists():
        messages.warning(request, _("暂无与该需求类别相符的共建单位资源，请先为共建单位登记资源。"))
    return form_page(request, form, _("立项：%(need)s") % {"need": need.title},
                     reverse("pairing:need_list"))


@readers
def project_detail(request, pk):
    project = get_object_or_404(Project.objects.visible_to(request.user).select_related(
        "community", "unit", "need", "resource"), pk=pk)
    return render(request, "pairing/project_detail.html", {
        "project": project, "photos": project.photos.all(),
        "can_edit": covers(request.user, project.community.path, STAFF_ROLES)})


@writers
def project_update(request, pk):
    project = get_object_or_404(Project.objects.managed_by_staff(request.user), pk=pk)
    form = ProjectUpdateForm(request.POST or None, instance=project)
    if saved(form, lambda: services.project_update(project=form.instance)):
        messages.success(request, _("已保存项目进展。"))
        return redirect(project)
    return form_page(request, form, _("更新项目：%(title)s") % {"title": project.title},
                     project.get_absolute_url())


@writers
def photo_create(request, pk):
    project = get_object_or_404(Project.objects.managed_by_staff(request.user), pk=pk)
    form = ProjectPhotoForm(request.POST or None, request.FILES or None, project=project)
    if saved(form, lambda: services.project_photo_add(photo=form.instance)):
        messages.success(request, _("已上传照片。"))
        return redirect(project)
    return form_page(request, form, _("上传项目照片"), project.get_absolute_url())


@readers
def photo_file(request, pk):
    photo = get_object_or_404(ProjectPhoto.objects.select_related("project").filter(
        project__in=Project.objects.visible_to(request.user)), pk=pk)
    if not photo.image:
        raise Http404
    return serve_file(photo.image)
