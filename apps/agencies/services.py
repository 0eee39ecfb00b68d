from dataclasses import dataclass

from django.db import transaction

from apps.agencies.models import Agency
from apps.agencies.registry import AgencyRecord, parse_registry
from apps.core.fixtures import read_fixture


@dataclass(frozen=True)
class AgencyLoadResult:
    created: int
    updated: int
    total: int


def agency_records_from_fixtures() -> list[AgencyRecord]:
    """The shipped registry files, curated (fixtures/agency_curation.json)."""
    return parse_registry(
        agencies_csv=read_fixture("dotgov_agencies_and_subs.csv"),
        federal_csv=read_fixture("dotgov_current_federal.csv"),
        ecfr_json=read_fixture("ecfr_agencies.json"),
        curation_json=read_fixture("agency_curation.json"),
    )


@transaction.atomic
def agency_reference_load(*, records: list[AgencyRecord]) -> AgencyLoadResult:
    """Upsert agencies and bureaus by name (idempotent). Endpoint counts are left alone: they
    are the agencies' own figures, not registry data."""
    existing = {(a.parent_id, a.name): a for a in Agency.objects.filter(is_synthetic=False)}
    created = updated = 0

    def upsert(*, name: str, parent: Agency | None, **values) -> Agency:
        nonlocal created, updated
        agency = existing.get((parent.pk if parent else None, name))
        if agency is None:
            created += 1
            return Agency.objects.create(name=name, parent=parent, **values)
        changed = [k for k, v in values.items() if getattr(agency, k) != v]
        if changed:
            for k in changed:
                setattr(agency, k, values[k])
            agency.save(update_fields=[*changed, "updated_at"])
            updated += 1
        return agency

    total = 0
    for record in records:
        tier = Agency.Tier.CFO_ACT if record.cfo_act else Agency.Tier.OTHER
        kind = Agency.Kind.DEPARTMENT if record.bureaus else Agency.Kind.INDEPENDENT
        parent = upsert(
            name=record.name, parent=None, abbreviation=record.abbreviation, kind=kind, tier=tier
        )
        total += 1
        for bureau in record.bureaus:
            upsert(
                name=bureau.name,
                parent=parent,
                abbreviation=bureau.abbreviation,
                kind=Agency.Kind.BUREAU,
                tier=tier,
            )
            total += 1
    return AgencyLoadResult(created=created, updated=updated, total=total)
