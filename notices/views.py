"""The notice list, opening a notice (read, then on to its filing), and marking them all read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from notices import selectors, services
from projects.typing import SignedInRequest

PAGE_SIZE = 50


@login_required
def notice_list_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notices_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/notice_list.html", {"page": page})


@login_required
def notice_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = services.notice_read(notice=selectors.notice_for(request.user, pk))
    return redirect("projects:filing_detail", pk=notice.filing_id)


@login_required
@require_POST
def notices_read_all_view(request: SignedInRequest) -> HttpResponse:
    count = services.notices_read_all(user=request.user)
    if count:
        messages.success(request, f"已将 {count} 条通知标为已读")
    return redirect("notices:list")
