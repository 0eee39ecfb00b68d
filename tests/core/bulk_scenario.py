"""One bulk_upsert scenario, run on PostgreSQL by the suite and on SQLite (the `make run`
database) in a subprocess, so both of its code paths are held to the same outcome."""

from datetime import UTC, datetime

from apps.agencies.models import Agency
from apps.core.bulk import bulk_upsert
from apps.directives.models import Directive
from apps.readiness.models import AgencyReadiness
from apps.readiness.services import STORED_FIGURES

FIRST = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)
FIELDS = ("agency", "red_since", *STORED_FIGURES)


def _row(agency: Agency, red_since, ev, pv, rating, forecast_at, milestone_states) -> tuple:
    """A row giving every column (the upsert writes what it is given: no model defaults)."""
    given = {"ev": ev, "pv": pv, "rating": rating, "forecast_at": forecast_at,
             "milestone_states": milestone_states, "spi": None, "ai_coverage": None}  # fmt: skip
    return (agency.pk, red_since, *(given.get(f, 0) for f in STORED_FIGURES))


def _agency(code: str) -> Agency:
    return Agency.objects.create(
        name=f"Bulk upsert agency {code}", abbreviation=code, kind=Agency.Kind.INDEPENDENT,
        tier=Agency.Tier.OTHER, endpoint_count=10,
    )  # fmt: skip


def run() -> dict:
    """Upsert two agencies' figures, then upsert again with one agency still red, one no
    longer red and a third new; return what is stored."""
    directive = Directive.objects.create(
        code="BULK-1", title="Bulk", issued_at=FIRST, window_days=30, time_zone="America/New_York"
    )
    stays, clears, new = _agency("STAY"), _agency("CLR"), _agency("NEW")

    def upsert(now: datetime, rows: list[tuple]) -> int:
        return bulk_upsert(
            AgencyReadiness, FIELDS, rows, unique_fields=("agency", "directive"),
            constants={"directive": directive.pk, "computed_at": now, "day_number": now.day},
            kept=("red_since",),
        )  # fmt: skip

    upsert(FIRST, [
        _row(stays, FIRST, 0.1, 0.5, "red", None, {"M1": "overdue"}),
        _row(clears, FIRST, 0.2, 0.5, "red", None, {}),
    ])  # fmt: skip
    count = upsert(LATER, [
        _row(stays, LATER, 0.3, 0.6, "red", datetime(2027, 1, 2, tzinfo=UTC), {"M1": "at_risk"}),
        _row(clears, None, 0.7, 0.6, "green", None, {}),
        _row(new, LATER, 0.0, 0.6, "red", None, {}),
    ])  # fmt: skip
    stored = {
        a.agency.abbreviation: {
            "red_since": a.red_since.isoformat() if a.red_since else None,
            "computed_at": a.computed_at.isoformat(),
            "day_number": a.day_number,
            "ev": a.ev,
            "rating": a.rating,
            "forecast_at": a.forecast_at.isoformat() if a.forecast_at else None,
            "milestone_states": a.milestone_states,
        }
        for a in AgencyReadiness.objects.filter(directive=directive).select_related("agency")
    }
    return {"count": count, "stored": stored}


EXPECTED = {
    "count": 3,
    "stored": {
        # still red: red since the first time, every other figure replaced
        "STAY": {
            "red_since": FIRST.isoformat(), "computed_at": LATER.isoformat(), "day_number": 21,
            "ev": 0.3, "rating": "red", "forecast_at": "2027-01-02T00:00:00+00:00",
            "milestone_states": {"M1": "at_risk"},
        },
        # no longer red: red_since cleared
        "CLR": {
            "red_since": None, "computed_at": LATER.isoformat(), "day_number": 21, "ev": 0.7,
            "rating": "green", "forecast_at": None, "milestone_states": {},
        },
        # inserted
        "NEW": {
            "red_since": LATER.isoformat(), "computed_at": LATER.isoformat(), "day_number": 21,
            "ev": 0.0, "rating": "red", "forecast_at": None, "milestone_states": {},
        },
    },
}  # fmt: skip
