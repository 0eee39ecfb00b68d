"""Reads of tool deployments, scoped to the user, and the coverage figures built on them."""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404

from apps.accounts.models import User
from apps.agencies.models import Agency
from apps.agencies.selectors import agency_get_for_editor, agency_get_for_user
from apps.deployments.models import DefenseTool, ToolDeployment
from apps.directives.models import Directive, Task
from apps.readiness.scoring import DerivedProgress, tool_coverage_progress


def deployment_list_for_agency(*, agency: Agency) -> QuerySet[ToolDeployment]:
    """The agency's deployments with their catalog tool, by category then tool name.

    The caller has already resolved `agency` through the user's scope."""
    return (
        ToolDeployment.objects.filter(agency=agency)
        .select_related("tool")
        .order_by("tool__category", "tool__name", "pk")
    )


def deployment_get_for_user(
    *, user: User, agency_id: int, pk: int, to_edit: bool = False
) -> ToolDeployment:
    """One deployment of an agency the user may read; the same 404 for a missing deployment,
    one of another agency, or an agency outside the user's scope. With `to_edit`, a user who
    may only read the agency gets 403 (tracking's agency_get_for_editor, the one check of
    who changes an agency's records)."""
    if to_edit:
        agency = agency_get_for_editor(user=user, agency_id=agency_id)
    else:
        agency = agency_get_for_user(user=user, agency_id=agency_id)
    return deployment_for_agency(agency=agency, pk=pk)


def deployment_for_agency(*, agency: Agency, pk: int) -> ToolDeployment:
    """One deployment of an agency the caller has already resolved through the user's scope;
    404 if the agency has no such deployment."""
    try:
        deployment = deployment_list_for_agency(agency=agency).get(pk=pk)
    except ToolDeployment.DoesNotExist as exc:
        raise Http404("No such deployment.") from exc
    deployment.agency = agency  # already loaded and scoped; saves a query in templates
    return deployment


def defense_tool_catalog() -> QuerySet[DefenseTool]:
    """The whole tool catalog, by category then name (a few dozen rows)."""
    return DefenseTool.objects.order_by("category", "name")


@dataclass(frozen=True)
class CoverageRow:
    """One tool_coverage task of the current directive and where the agency stands on it."""

    task_code: str
    task_title: str
    milestone_day: int
    category: str
    category_label: str
    target: Decimal  # fraction of endpoints, e.g. 0.800
    endpoints: int
    reported: int  # sum over the deployments that count, before the cap (shown when capped)
    progress: DerivedProgress  # [R11] as the readiness engine derives it

    @property
    def covered(self) -> int:
        """Endpoints counted: the reported sum capped at the agency's endpoint count [R11]."""
        return self.progress.covered or 0

    @property
    def target_percent(self) -> int:
        return int(self.target * 100)

    @property
    def target_endpoints(self) -> int:
        """Endpoints needed to meet the target (rounded up: 50 % of 1,001 is 501)."""
        return math.ceil(self.target * self.endpoints)

    @property
    def share_percent(self) -> int:
        """Covered endpoints as a share of all endpoints, floored like the progress."""
        return 100 * self.covered // self.endpoints if self.endpoints else 0

    @property
    def endpoints_needed(self) -> int:
        """How many more endpoints must be covered to meet the target (0 once met)."""
        return max(0, self.target_endpoints - self.covered)

    @property
    def is_capped(self) -> bool:
        return self.reported > self.endpoints


def coverage_tasks(*, directive: Directive | None) -> list[Task]:
    """The directive's tool_coverage tasks, in milestone order (none without a directive)."""
    if directive is None:
        return []
    return list(
        Task.objects.filter(directive=directive, measure=Task.Measure.TOOL_COVERAGE)
        .select_related("milestone")
        .order_by("milestone__day_offset", "code")
    )


def deployment_coverage(
    *, agency: Agency, deployments: Iterable[ToolDeployment], tasks: Iterable[Task]
) -> list[CoverageRow]:
    """Coverage per tool_coverage task from deployments already fetched (no query), figured
    by the engine's own rule (scoring.tool_coverage_progress) from the deployments that
    count toward coverage (ToolDeployment.counts_toward_coverage) [R11]."""
    counting: dict[str, list[ToolDeployment]] = {}
    for d in deployments:
        if d.counts_toward_coverage:
            counting.setdefault(d.tool.category, []).append(d)
    labels = dict(DefenseTool.Category.choices)
    rows = []
    for task in tasks:
        counted = counting.get(task.coverage_category, [])
        rows.append(
            CoverageRow(
                task_code=task.code,
                task_title=task.title,
                milestone_day=task.milestone.day_offset,
                category=task.coverage_category,
                category_label=labels.get(task.coverage_category, task.coverage_category),
                target=task.coverage_target,
                endpoints=agency.endpoint_count,
                reported=sum(d.endpoints_covered for d in counted),
                progress=tool_coverage_progress(
                    endpoints=agency.endpoint_count,
                    target=task.coverage_target,
                    deployments=[(d.operational_since, d.endpoints_covered) for d in counted],
                ),
            )
        )
    return rows
