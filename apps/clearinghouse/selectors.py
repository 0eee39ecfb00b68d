"""Reads of the clearinghouse catalog with one agency's remediation status laid over it.

"Not assessed" is the absence of a Remediation row, so every list starts from the catalog
and LEFT JOINs the agency's rows (a FilteredRelation: the join condition carries the agency,
and the unique index on (agency, vulnerability) serves it). The number of queries of a page
never depends on how many entries it shows."""

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce

from apps.agencies.models import Agency
from apps.clearinghouse.models import Remediation, Vulnerability

NOT_ASSESSED = Remediation.Status.NOT_ASSESSED
# The stored statuses of an open entry: every one that is not settled (Remediation's own
# SETTLED_STATUSES); "not assessed" is stored as no row at all.
OPEN_STORED_STATUSES = tuple(
    s for s in Remediation.Status if s not in Remediation.SETTLED_STATUSES and s != NOT_ASSESSED
)

SORTS = {
    "added": ("-date_added", "-cve_id"),
    "due": ("due_date", "cve_id"),
    "-due": ("-due_date", "cve_id"),
    "cve": ("cve_id",),
}
SORT_LABELS = {
    "added": "Newest added first",
    "due": "Due date, earliest first",
    "-due": "Due date, latest first",
    "cve": "CVE ID",
}
DEFAULT_SORT = "added"


@dataclass(frozen=True)
class RemediationFilters:
    """What the remediation list is narrowed to; every field optional."""

    q: str = ""
    vendor: str = ""
    product: str = ""
    status: str = ""  # "" for any, "not_assessed", or a stored Remediation status
    overdue: bool = False
    ransomware: bool = False
    sort: str = DEFAULT_SORT


def _open_q() -> Q:
    # Open = not assessed (no row) or not settled; listed rather than negated (~Q), so the
    # NULLs of the outer join count as open and no subquery replaces the join.
    return Q(mine__status__isnull=True) | Q(mine__status__in=OPEN_STORED_STATUSES)


def _overdue_q(today: date) -> Q:
    """Overdue: CISA's due date has passed (before today) and the entry is still open."""
    return Q(due_date__lt=today) & _open_q()


def _catalog_for_agency(agency: Agency) -> QuerySet[Vulnerability]:
    return Vulnerability.objects.annotate(
        mine=FilteredRelation("remediations", condition=Q(remediations__agency_id=agency.pk))
    )


def remediation_list_for_agency(
    *, agency: Agency, filters: RemediationFilters, today: date
) -> QuerySet[Vulnerability]:
    """The catalog filtered and ordered, each entry annotated with this agency's
    `agency_status` ("not_assessed" when there is no row), `agency_resolved_on`,
    `agency_assessed_at`, `agency_note` and `is_overdue`.

    The caller has already resolved `agency` through the user's scope."""
    qs = _catalog_for_agency(agency).annotate(
        agency_status=Coalesce(F("mine__status"), Value(NOT_ASSESSED.value)),
        agency_resolved_on=F("mine__resolved_on"),
        agency_assessed_at=F("mine__assessed_at"),
        agency_note=F("mine__note"),
        is_overdue=ExpressionWrapper(_overdue_q(today), output_field=BooleanField()),
    )
    if filters.q:
        term = filters.q.strip()
        qs = qs.filter(
            Q(cve_id__icontains=term)
            | Q(vendor_project__icontains=term)
            | Q(product__icontains=term)
            | Q(name__icontains=term)
        )
    if filters.vendor:
        qs = qs.filter(vendor_project=filters.vendor)
    if filters.product:
        qs = qs.filter(product=filters.product)
    # Filter on the annotations, not on mine__…: each filter() across the relation would
    # join the agency's rows again, where the annotations reuse the one join.
    if filters.status:
        qs = qs.filter(agency_status=filters.status)
    if filters.overdue:
        qs = qs.filter(is_overdue=True)
    if filters.ransomware:
        qs = qs.filter(known_ransomware_use=True)
    return qs.order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))


@dataclass(frozen=True)
class RemediationCounts:
    """The agency's standing over the whole catalog (filters do not apply)."""

    total: int
    overdue: int
    not_assessed: int
    not_affected: int
    affected: int
    mitigated: int
    remediated: int

    @property
    def resolved(self) -> int:
        return self.mitigated + self.remediated


def remediation_counts_for_agency(*, agency: Agency, today: date) -> RemediationCounts:
    """Counts of the agency's entries by status and overdue, in one aggregate query."""
    status = "mine__status"
    figures = _catalog_for_agency(agency).aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=_overdue_q(today)),
        not_assessed=Count("pk", filter=Q(mine__status__isnull=True)),
        not_affected=Count("pk", filter=Q(**{status: Remediation.Status.NOT_AFFECTED})),
        affected=Count("pk", filter=Q(**{status: Remediation.Status.AFFECTED})),
        mitigated=Count("pk", filter=Q(**{status: Remediation.Status.MITIGATED})),
        remediated=Count("pk", filter=Q(**{status: Remediation.Status.REMEDIATED})),
    )
    return RemediationCounts(**figures)


def vulnerability_vendors() -> list[str]:
    """Every vendor or project in the catalog, alphabetically (for the vendor filter)."""
    return list(
        Vulnerability.objects.order_by("vendor_project")
        .values_list("vendor_project", flat=True)
        .distinct()
    )


def vulnerability_products(*, vendor: str) -> list[str]:
    """The products of one vendor, alphabetically; none without a vendor (the full list of
    products is too long to be a usable menu)."""
    if not vendor:
        return []
    return list(
        Vulnerability.objects.filter(vendor_project=vendor)
        .order_by("product")
        .values_list("product", flat=True)
        .distinct()
    )
