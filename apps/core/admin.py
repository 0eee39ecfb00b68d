"""Admin policies shared by the apps' ModelAdmins.

The admin is the operators' tool (DESIGN: roles), not a second way to change the record:
every change to an agency's tasks, evidence, extensions, deployments and remediation goes
through a service that writes its audit row in the same transaction (STYLE rule 4), and an
admin form would change them without one. Reference data that the history points at is
retired, never deleted."""

from django.contrib import admin
from django.db import models


class ViewOnlyAdmin(admin.ModelAdmin):
    """Shows records the portal changes only through its audited services (or its jobs)."""

    # The admin still builds a (read-only) form; a URL field without a scheme default warns
    # that Django 6 changes it. Evidence links are https in practice.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class NoDeleteAdmin(admin.ModelAdmin):
    """Editable reference data that the audit history and the figures refer to: deleting it
    would orphan or cascade through the record, so the admin offers no delete."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
