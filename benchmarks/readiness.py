"""Fleet recompute against a floor: one hand-written SQL statement computing the same EV and
PV per agency, derived tasks included (coverage from deployments, KEV from remediation)."""

import bisect
import statistics
import time
from datetime import date

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.agencies.models import Agency
from apps.clearinghouse.models import Vulnerability
from apps.directives.selectors import directive_current
from apps.readiness.services import readiness_recompute

FLOOR_SQL = """
WITH d AS (
    SELECT id, issued_at, time_zone FROM directives_directive WHERE id = %(directive)s
), ms AS (
    SELECT m.id,
           (((d.issued_at AT TIME ZONE d.time_zone)::date + m.day_offset + 1)::timestamp
             AT TIME ZONE d.time_zone) - interval '1 microsecond' AS due
    FROM directives_milestone m JOIN d ON m.directive_id = d.id
), mw AS (
    SELECT ms.id, ms.due,
           COALESCE(LAG(ms.due) OVER (ORDER BY ms.due), (SELECT issued_at FROM d)) AS start
    FROM ms
), t AS (
    SELECT at.id, at.agency_id, tk.weight, tk.measure, tk.coverage_target,
           tk.coverage_category, at.status, at.percent, a.endpoint_count, mw.start,
           d.time_zone,
           at.status = 'not_applicable' AND at.na_accepted_at IS NOT NULL AS excluded,
           COALESCE(((at.extended_due + 1)::timestamp AT TIME ZONE d.time_zone)
                    - interval '1 microsecond', mw.due) AS due
    FROM tracking_agencytask at
    JOIN directives_task tk ON tk.id = at.task_id
    JOIN mw ON mw.id = tk.milestone_id
    JOIN agencies_agency a ON a.id = at.agency_id
    CROSS JOIN d
    WHERE tk.directive_id = d.id
), kev AS (
    -- One scan of the remediation records: counts per agency for every KEV cut-off date
    -- (the columns are generated from the cut-off list: one pair of counts per date).
    SELECT r.agency_id, {cutoff_columns}
    FROM clearinghouse_remediation r
    {kev_join}
    GROUP BY r.agency_id
), cov AS (
    SELECT dp.agency_id, tl.category, sum(dp.endpoints_covered) AS covered
    FROM deployments_tooldeployment dp
    JOIN deployments_defensetool tl ON tl.id = dp.tool_id
    WHERE dp.stage = 'operational' AND tl.ai_enabled
    GROUP BY dp.agency_id, tl.category
), c AS (
    SELECT t.agency_id, t.weight, t.excluded,
           CASE
             WHEN t.measure = 'manual' OR t.status = 'not_applicable' THEN
               CASE WHEN t.status IN ('completed', 'verified') THEN 1.0 ELSE t.percent / 100.0 END
             WHEN t.measure = 'tool_coverage' THEN
               CASE WHEN t.endpoint_count = 0 THEN 0.0
                    ELSE floor(100 * LEAST(1.0, LEAST(t.endpoint_count, COALESCE(cov.covered, 0))
                               / (t.coverage_target * t.endpoint_count))) / 100.0 END
             ELSE
               CASE WHEN {due_total} - COALESCE({not_affected}, 0) = 0 THEN 1.0
                    ELSE floor(100.0 * COALESCE({closed}, 0)
                               / ({due_total} - COALESCE({not_affected}, 0))) / 100.0 END
           END AS credit,
           CASE
             WHEN t.due <= t.start THEN CASE WHEN %(now)s >= t.due THEN 1.0 ELSE 0.0 END
             ELSE LEAST(1.0, GREATEST(0.0, EXTRACT(EPOCH FROM (%(now)s - t.start))
                                           / EXTRACT(EPOCH FROM (t.due - t.start))))
           END AS planned
    FROM t
    LEFT JOIN kev ON kev.agency_id = t.agency_id
    LEFT JOIN cov ON cov.agency_id = t.agency_id AND cov.category = t.coverage_category
)
SELECT agency_id,
       sum(weight * credit) FILTER (WHERE NOT excluded)
         / NULLIF(sum(weight) FILTER (WHERE NOT excluded), 0) AS ev,
       sum(weight * planned) FILTER (WHERE NOT excluded)
         / NULLIF(sum(weight) FILTER (WHERE NOT excluded), 0) AS pv
FROM c
GROUP BY agency_id
"""


def floor_sql(cutoffs: list[date], catalog_due: list[date]) -> str:
    """The floor statement for the given KEV cut-off dates (the distinct local due dates of
    the KEV tasks, milestone or extension), written out as conditional aggregates. Like the
    engine, cut-offs that include the same catalog entries count once, and a scope holding
    the whole catalog needs no due-date test (so no join)."""
    total = len(catalog_due)
    due = {c: bisect.bisect_right(catalog_due, c) for c in cutoffs}
    scopes: dict[int, date] = {}
    for cutoff in cutoffs:
        scopes.setdefault(due[cutoff], cutoff)
    columns = []
    for n, cutoff in scopes.items():
        test = "" if n == total else f"v.due_date <= DATE '{cutoff.isoformat()}' AND "
        columns += [
            f"count(*) FILTER (WHERE {test}r.status IN ('remediated', 'mitigated')) AS closed{n}",
            f"count(*) FILTER (WHERE {test}r.status = 'not_affected') AS not_affected{n}",
        ]
    pick = {"closed": [], "not_affected": [], "due_total": []}
    for cutoff in cutoffs:
        when = f"WHEN (t.due AT TIME ZONE t.time_zone)::date = DATE '{cutoff.isoformat()}' THEN"
        n = due[cutoff]
        pick["closed"].append(f"{when} {f'kev.closed{n}' if n else 0}")
        pick["not_affected"].append(f"{when} {f'kev.not_affected{n}' if n else 0}")
        pick["due_total"].append(f"{when} {n}")
    join = all(n == total for n in scopes)
    return FLOOR_SQL.format(
        cutoff_columns=",\n           ".join(columns or ["0 AS none"]),
        kev_join="" if join else "JOIN clearinghouse_vulnerability v ON v.id = r.vulnerability_id",
        **{k: f"(CASE {' '.join(v)} END)" if v else "0" for k, v in pick.items()},
    )


def floor_ev_pv(
    *, directive_id: int, now, cutoffs: list[date], catalog_due: list[date]
) -> dict[int, tuple[float, float]]:
    """EV and PV per agency by one SQL statement (the benchmark's floor and a cross-check)."""
    with connection.cursor() as cursor:
        cursor.execute(floor_sql(cutoffs, catalog_due), {"directive": directive_id, "now": now})
        return {a: (float(ev or 0), float(pv or 0)) for a, ev, pv in cursor.fetchall()}


def kev_cutoffs(directive) -> list[date]:
    """Distinct local due dates of the directive's KEV tasks across agencies (the engine's
    own list, so the floor judges the same scopes)."""
    from apps.directives.selectors import directive_schedule
    from apps.readiness import inputs

    schedule = directive_schedule(directive=directive)
    return inputs.kev_cutoff_dates(directive, inputs.task_metas(directive), schedule, {})


def run(repeat: int = 11) -> list[str]:
    directive = directive_current()
    agencies = Agency.objects.exclude(kind=Agency.Kind.DEPARTMENT).count()
    readiness_recompute(directive=directive)  # warm-up; stores derived progress once
    cutoffs = kev_cutoffs(directive)
    catalog_due = list(
        Vulnerability.objects.order_by("due_date").values_list("due_date", flat=True)
    )
    recompute, floor = [], []

    def engine(now):
        started = time.perf_counter()
        result = readiness_recompute(directive=directive, now=now)
        recompute.append(time.perf_counter() - started)
        return result

    def sql_floor(now):
        started = time.perf_counter()
        reference = floor_ev_pv(
            directive_id=directive.pk, now=now, cutoffs=cutoffs, catalog_due=catalog_due
        )
        floor.append(time.perf_counter() - started)
        return reference

    for i in range(repeat):
        now = timezone.now()
        # Alternate which goes first, so neither always follows the other's after-effects
        # (the recompute's writes, its worker connection closing).
        if i % 2:
            reference, result = sql_floor(now), engine(now)
        else:
            result, reference = engine(now), sql_floor(now)
        worst = max(
            max(abs(f.ev - reference[a][0]), abs(f.pv - reference[a][1]))
            for a, f in result.agencies.items()
        )
        assert worst < 1e-9, f"floor and engine disagree by {worst}"
    # Counted once more inside a transaction, where the KEV scan runs on this connection
    # instead of a second one, so every query of the computation is counted.
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        readiness_recompute(directive=directive, now=now)
    single = []
    agency_id = next(iter(result.agencies))
    for _ in range(repeat):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as one:
            readiness_recompute(directive=directive, agency_ids=[agency_id])
        single.append(time.perf_counter() - started)
    med, low = statistics.median(recompute), statistics.median(floor)
    pairs = sorted(r / f for r, f in zip(recompute, floor, strict=True))
    phases = _phases(directive, now, repeat)
    return [
        f"### Readiness recompute ({agencies} agencies, median of {repeat})",
        "",
        "| measure | value |",
        "|---|---|",
        f"| fleet recompute (gather, derive, score, store) | {med * 1000:.0f} ms |",
        f"| queries of a fleet recompute | {len(queries)} |",
        f"| floor: one SQL statement computing the same EV and PV | {low * 1000:.0f} ms |",
        f"| ratio recompute / floor (of the medians) | {med / low:.2f} (target ≤ 1.5) |",
        f"| ratio of each recompute to the floor run beside it: median (range) | "
        f"{statistics.median(pairs):.2f} ({pairs[0]:.2f}–{pairs[-1]:.2f}) |",
        f"| one agency's refresh | {statistics.median(single) * 1000:.0f} ms, {len(one)} queries |",
        f"| largest EV/PV difference engine vs floor | {worst:.1e} |",
        "",
        "Where a fleet recompute's time goes (each phase alone, median; in a real recompute",
        "the tasks are read and scored on a second connection while the KEV scan runs):",
        "",
        "| phase | time |",
        "|---|---|",
        *(f"| {name} | {ms:.0f} ms |" for name, ms in phases),
        "",
    ]


def _phases(directive, now, repeat: int) -> list[tuple[str, float]]:
    from apps.directives.selectors import directive_schedule
    from apps.readiness import inputs
    from apps.readiness.services import _store_current, figure_values

    schedule = directive_schedule(directive=directive)
    metas = inputs.task_metas(directive)
    cutoffs = inputs.kev_cutoff_dates(directive, metas, schedule, {})
    day = schedule.clock(now).day_number
    timings: dict[str, list[float]] = {}

    def timed(name, job):
        started = time.perf_counter()
        result = job()
        timings.setdefault(name, []).append(time.perf_counter() - started)
        return result

    for _ in range(repeat):
        timed("KEV scan (remediation counts per agency and scope)",
              lambda: inputs._kev_counts(cutoffs, {}))  # fmt: skip
        timed("read every agency task (13,500 rows)",
              lambda: inputs._task_values(list(metas), {}))  # fmt: skip
        with transaction.atomic():  # everything on this connection, one after the other
            gathered = timed(
                "gather: all reads, derivation, every task scored (no overlap)",
                lambda: inputs.gather(directive=directive, schedule=schedule, now=now),
            )
            values = timed(
                "finish each agency's figures",
                lambda agencies=gathered.agencies: {
                    a: figure_values(i.tally.figures(), i, schedule, now, day)
                    for a, i in agencies.items()
                },
            )
            timed(
                "store the current figures",
                lambda values=values: _store_current(directive, values, now, day),
            )
    return [(name, statistics.median(v) * 1000) for name, v in timings.items()]
