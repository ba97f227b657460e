"""Excel in and out: template, upload → preview → confirm, failed rows, filtered exports.

The uploaded file is kept under MEDIA_ROOT with a name we choose and remembered in the
session only, so a preview or a confirmation can never reach another user's file.
"""
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import excel, services
from members.forms import ImportForm
from members.views.roster import filtered_roster
from organizations.scope import WRITE_ROLES, require_grant

SESSION_KEY = "member_import_file"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(content, filename):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    response["Cache-Control"] = "private, no-store"
    return response


@require_grant(*WRITE_ROLES)
def import_template(request):
    return _xlsx_response(excel.template_workbook(), "member-roster-template.xlsx")


@require_grant(*WRITE_ROLES)
def import_sample(request):
    return _xlsx_response(excel.sample_workbook(request.user), "member-roster-sample.xlsx")


@require_grant(*WRITE_ROLES)
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            excel.read_rows(upload)
        except excel.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            upload.seek(0)
            _forget_file(request)
            name = default_storage.save(f"member-imports/{uuid.uuid4().hex}.xlsx",
                                        ContentFile(upload.read()))
            request.session[SESSION_KEY] = name
            return redirect("members:import_preview")
    return render(request, "members/import_upload.html", {
        "form": form, "max_mb": excel.IMPORT_MAX_BYTES // (1024 * 1024)})


def _stored_preview(request):
    name = request.session.get(SESSION_KEY)
    if not name or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as stored:
        try:
            return excel.preview(stored, request.user)
        except excel.ImportFileError:
            return None


def _forget_file(request):
    name = request.session.pop(SESSION_KEY, None)
    if name and default_storage.exists(name):
        default_storage.delete(name)


@require_grant(*WRITE_ROLES)
def import_preview(request):
    result = _stored_preview(request)
    if result is None:
        return redirect("members:import_upload")
    errors = [(row.number, header, message) for row in result.failed
              for header, message in row.errors]
    return render(request, "members/import_preview.html", {
        "result": result, "errors": errors[:300], "error_count": len(errors),
        "changed": result.changed[:100],
    })


@require_POST
@require_grant(*WRITE_ROLES)
def import_confirm(request):
    result = _stored_preview(request)
    if result is None:
        return redirect("members:import_upload")
    try:
        added, updated = excel.import_rows(result)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("members:import_preview")
    _forget_file(request)
    messages.success(request, _("导入完成：新增 %(added)d 名，更新 %(updated)d 名。") % {
        "added": added, "updated": updated})
    return redirect("members:roster")


@require_grant(*WRITE_ROLES)
def import_failed_rows(request):
    result = _stored_preview(request)
    if result is None:
        return redirect("members:import_upload")
    return _xlsx_response(excel.failed_rows_workbook(result), "member-roster-errors.xlsx")


@require_grant()
def export(request):
    members = filtered_roster(request).qs
    return _xlsx_response(excel.export_workbook(members),
                          f"member-roster-{timezone.localdate():%Y%m%d}.xlsx")


@require_POST
@require_grant(*WRITE_ROLES)
def export_for_import(request):
    """The filtered roster with full ID numbers, limited to members the user may change: the
    file to correct in Excel and import again. A POST, since each one is recorded."""
    members = filtered_roster(request).qs.editable_by(request.user)
    # The search text may be a name or a phone number: the log keeps the other filters only.
    filters = {key: value for key, value in request.GET.items() if key not in ("q", "page")}
    content = services.member_export_id_numbers(members=members, user=request.user,
                                                filters=filters)
    return _xlsx_response(content, f"member-roster-for-import-{timezone.localdate():%Y%m%d}.xlsx")
