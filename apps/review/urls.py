from django.urls import path

from apps.review import views

app_name = "review"

# Oversight only: every view reads through apps.review.selectors, which answers anyone else
# with a 404. Decisions are POSTs carrying the queue's query string, so the answer returns
# to the same filters and page.
urlpatterns = [
    path("", views.verification_queue, name="verification_queue"),
    path("not-applicable/", views.na_queue, name="na_queue"),
    path("extensions/", views.extension_queue, name="extension_queue"),
    path("tasks/<int:pk>/verify/", views.task_decide, {"decision": "verify"}, name="task_verify"),
    path("tasks/<int:pk>/return/", views.task_decide, {"decision": "return"}, name="task_return"),
    path(
        "tasks/<int:pk>/accept-na/",
        views.task_decide,
        {"decision": "accept_na"},
        name="na_accept",
    ),
    path(
        "tasks/<int:pk>/reject-na/",
        views.task_decide,
        {"decision": "reject_na"},
        name="na_reject",
    ),
    path(
        "extensions/<int:pk>/approve/",
        views.extension_decide,
        {"decision": "approve"},
        name="extension_approve",
    ),
    path(
        "extensions/<int:pk>/deny/",
        views.extension_decide,
        {"decision": "deny"},
        name="extension_deny",
    ),
]
