from django.contrib import admin

from apps.clearinghouse.models import FeedImport, Remediation, Vulnerability
from apps.core.admin import ViewOnlyAdmin


@admin.register(Vulnerability)
class VulnerabilityAdmin(ViewOnlyAdmin):
    """The catalog comes from the feed import (import_kev), which is idempotent by CVE."""

    list_display = (
        "cve_id",
        "vendor_project",
        "product",
        "date_added",
        "due_date",
        "known_ransomware_use",
    )
    list_filter = ("known_ransomware_use", "source", "date_added")
    search_fields = ("cve_id", "vendor_project", "product", "name")
    date_hierarchy = "date_added"


@admin.register(Remediation)
class RemediationAdmin(ViewOnlyAdmin):
    list_display = ("agency", "vulnerability", "status", "resolved_on", "assessed_at")
    list_filter = ("status",)
    search_fields = ("agency__name", "vulnerability__cve_id")
    list_select_related = ("agency", "vulnerability")
    raw_id_fields = ("agency", "vulnerability", "assessed_by")
    show_full_result_count = False  # ~800,000 rows at scale: skip the extra COUNT(*)


@admin.register(FeedImport)
class FeedImportAdmin(ViewOnlyAdmin):
    list_display = (
        "created_at",
        "source",
        "status",
        "catalog_version",
        "entries",
        "created",
        "updated",
    )
    list_filter = ("status",)
    readonly_fields = [f.name for f in FeedImport._meta.fields]
