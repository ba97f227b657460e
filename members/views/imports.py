"""Excel in and out: template, upload → preview → confirm, failed rows, filtered exports.

The uploaded file is kept under MEDIA_ROOT with a name we choose and remembered in the
session only, so a preview or a confirmation can never reach another user's file. The
preview's form carries that name as a token: a confirmation sent twice finds it already
imported and says so. When only the rows without error are imported, the errors file is kept
(also by a name in the session) until the next upload, to download, correct and upload again.
"""
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel import xlsx
from members import excel, services
from members.forms import ImportForm
from members.views.roster import filtered_roster
from organizations.scope import WRITE_ROLES, require_grant

SESSION_KEY = "member_import_file"
DONE_KEY = "member_import_done"
FAILED_KEY = "member_import_failed"


@require_grant(*WRITE_ROLES)
def import_template(request):
    return xlsx.download(excel.template_workbook(), "member-roster-template.xlsx")


@require_grant(*WRITE_ROLES)
def import_sample(request):
    return xlsx.download(excel.sample_workbook(request.user), "member-roster-sample.xlsx")


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
            _forget_failed_rows(request)
            name = default_storage.save(f"member-imports/{uuid.uuid4().hex}.xlsx",
                                        ContentFile(upload.read()))
            request.session[SESSION_KEY] = name
            return redirect("members:import_preview")
    return render(request, "members/import_upload.html", {
        "form": form, "max_mb": excel.IMPORT_MAX_BYTES // (1024 * 1024),
        "failed_rows": _kept_failed_rows(request)})


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


def _kept_failed_rows(request):
    """{"name", "count"} of the errors file left by importing only the valid rows."""
    kept = request.session.get(FAILED_KEY)
    return kept if kept and default_storage.exists(kept["name"]) else None


def _keep_failed_rows(request, result):
    name = default_storage.save(f"member-imports/{uuid.uuid4().hex}-failed.xlsx",
                                ContentFile(excel.failed_rows_workbook(result)))
    request.session[FAILED_KEY] = {"name": name, "count": len(result.failed)}


def _forget_failed_rows(request):
    kept = request.session.pop(FAILED_KEY, None)
    if kept and default_storage.exists(kept["name"]):
        default_storage.delete(kept["name"])


@require_grant(*WRITE_ROLES)
def import_preview(request):
    result = _stored_preview(request)
    if result is None:
        return redirect("members:import_upload")
    errors = [(row.number, header, message) for row in result.failed
              for header, message in row.errors]
    return render(request, "members/import_preview.html", {
        "result": result, "errors": errors[:300], "error_count": len(errors),
        "changed": result.changed[:100], "token": _token(request.session[SESSION_KEY]),
    })


def _token(stored_name):
    return stored_name.rsplit("/", 1)[-1].removesuffix(".xlsx")


@require_POST
@require_grant(*WRITE_ROLES)
def import_confirm(request):
    """Import the previewed file (rows=all) or only its rows without error (rows=valid)."""
    token = request.POST.get("token", "")
    if token and token == request.session.get(DONE_KEY):
        messages.info(request, _("这个文件已经导入过，没有重复导入。"))
        return redirect("members:roster")
    stored = request.session.get(SESSION_KEY)
    if stored and token and token != _token(stored):
        messages.warning(request, _("上传的文件已更换，请核对这份预览后再确认。"))
        return redirect("members:import_preview")
    result = _stored_preview(request)
    if result is None:
        messages.warning(request, _("没有待导入的文件（可能已经导入，请在名册中查看），"
                                    "请重新上传。"))
        return redirect("members:import_upload")
    valid_only = request.POST.get("rows") == "valid"
    try:
        added, updated = excel.import_rows(result, valid_only=valid_only)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("members:import_preview")
    except excel.AlreadyImported:
        # Both clicks read the file before the first one wrote it: the second wrote nothing.
        messages.info(request, _("这个文件已经导入过，没有重复导入。"))
        return redirect("members:roster")
    if result.failed:
        _keep_failed_rows(request, result)
    _forget_file(request)
    request.session[DONE_KEY] = _token(stored)
    messages.success(request, _("导入完成：新增 %(added)d 名，更新 %(updated)d 名。") % {
        "added": added, "updated": updated})
    if result.failed:
        messages.warning(request, _("另有 %(count)d 行有错误，未导入：请下载出错的行，"
                                    "改正后直接上传该文件。") % {"count": len(result.failed)})
        return redirect("members:import_upload")
    return redirect("members:roster")


@require_grant(*WRITE_ROLES)
def import_failed_rows(request):
    result = _stored_preview(request)
    if result is not None:
        content = excel.failed_rows_workbook(result)
    elif kept := _kept_failed_rows(request):
        with default_storage.open(kept["name"], "rb") as stored:
            content = stored.read()
    else:
        return redirect("members:import_upload")
    return xlsx.download(content, "member-roster-errors.xlsx")


@require_grant()
def export(request):
    members = filtered_roster(request).qs
    return xlsx.download(excel.export_workbook(members),
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
    return xlsx.download(content, f"member-roster-for-import-{timezone.localdate():%Y%m%d}.xlsx")
