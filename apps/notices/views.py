"""A user's notices: the list (the bell in the header leads here), one notice, mark read
(one or all; POST only), and which kinds reach them by e-mail.

Every view reads through `apps.notices.selectors`, scoped to the signed-in user: another
user's notice answers 404. With htmx, marking one notice read answers with its row and the
header's bell (out of band); without JavaScript it redirects back."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.errors import DomainError
from apps.notices import selectors, services
from apps.notices.forms import EmailPreferencesForm

PAGE_SIZE = 25


def _safe_local(request: HttpRequest, url: str | None) -> str | None:
    """`url` if it stays on this site (a path of the portal), else None."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    """The user's notices, newest first; `?show=unread` keeps the unread ones only."""
    unread_only = request.GET.get("show") == "unread"
    notices = selectors.notice_list_for_user(user=request.user, unread_only=unread_only)
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "notices": page.object_list,
        "unread_only": unread_only,
        "query": "show=unread" if unread_only else "",
        "here": request.get_full_path(),
    }
    return render(request, "notices/notice_list.html", context)


@login_required
@require_GET
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One notice in full (a comment, the digest's items) and what it is about. Reading it
    does not mark it read: that is a POST (the buttons here and on the list)."""
    notice = selectors.notice_get_for_user(user=request.user, pk=pk)
    context = {"notice": notice, "crumb": notice.get_kind_display()}
    return render(request, "notices/notice_detail.html", context)


@login_required
@require_POST
def notice_mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notice read. `open` then goes to the page it is about; `next` (a path of the
    portal) back where the user was; htmx gets the row and the bell."""
    notice = selectors.notice_get_for_user(user=request.user, pk=pk)
    services.notice_mark_read(notice=notice)
    if request.POST.get("open"):
        target = _safe_local(request, notice.link)
        if target:
            return redirect(target)
    if request.htmx:
        return render(request, "notices/partials/_marked_read.html", {"notice": notice})
    return redirect(_safe_local(request, request.POST.get("next")) or reverse("notices:list"))


@login_required
@require_POST
def notice_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notices_mark_all_read(user=request.user)
    if count:
        messages.success(request, f"{count} notice{'s' if count != 1 else ''} marked read.")
    return redirect("notices:list")


@login_required
@require_http_methods(["GET", "POST"])
def notice_preferences(request: HttpRequest) -> HttpResponse:
    """Which kinds of notice the user is e-mailed about; every notice stays in the app."""
    settings = selectors.notice_email_settings(user=request.user)
    if request.method == "GET":
        form = EmailPreferencesForm(settings=settings)
        return _preferences_page(request, form)
    form = EmailPreferencesForm(request.POST, settings=settings)
    if form.is_valid():
        try:
            services.notice_email_preferences_set(
                user=request.user, email_kinds=form.cleaned_data["email_kinds"]
            )
        except DomainError as exc:
            form.add_error("email_kinds", exc.message)
        else:
            messages.success(request, "Your e-mail settings are saved.")
            return redirect("notices:preferences")
    return _preferences_page(request, form, status=422)


def _preferences_page(request: HttpRequest, form: EmailPreferencesForm, status: int = 200):
    context = {"form": form, "crumb": "E-mail settings"}
    return render(request, "notices/preferences.html", context, status=status)
