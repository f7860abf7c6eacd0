"""我的导出: ask for an export in the background, list one's exports, download one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kuaiji.accounts.permissions import staff_required
from kuaiji.core.storage import private_file_response

from . import services
from .models import ExportJob

PARAM_PREFIX = "param_"


@require_POST
@staff_required
def request_export(request):
    params = {
        key[len(PARAM_PREFIX) :]: value for key, value in request.POST.items() if key.startswith(PARAM_PREFIX)
    }
    try:
        services.request_export(
            staff=request.user,
            kind=request.POST.get("kind", ""),
            params=params,
            format=request.POST.get("format", ""),
            full_numbers=request.POST.get("document_numbers") == "full",
            request=request,
        )
    except ValidationError as error:
        return HttpResponseBadRequest(error.messages[0])
    messages.success(request, "已开始在后台生成，完成后会通知您；文件也会出现在下面的列表中。")
    return redirect("exports:list")


@require_GET
@staff_required
def export_list(request):
    jobs = ExportJob.objects.filter(created_by=request.user).order_by("-created_at")[:50]
    return render(request, "exports/list.html", {"jobs": jobs})


@require_GET
@staff_required
def download(request, job_uuid):
    job = services.job_for_download(job_uuid=job_uuid, staff=request.user, request=request)
    return private_file_response(job.file, download_name=job.file_name)
