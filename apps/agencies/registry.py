"""Parse the public .gov registry files into the portal's list of reporting organizations.

Pure: file contents in, plain records out, so the curation rules (fixtures/agency_curation.json)
are tested without a database. Sources: fixtures/SOURCES.md."""

import csv
import io
import json
import re
from dataclasses import dataclass, field

EXECUTIVE = "Federal - Executive"


@dataclass(frozen=True)
class BureauRecord:
    name: str
    abbreviation: str


@dataclass(frozen=True)
class AgencyRecord:
    name: str
    abbreviation: str
    cfo_act: bool
    bureaus: tuple[BureauRecord, ...] = field(default=())


def clean_name(raw: str) -> str:
    """The registrar's file pads some names with spaces and a stray comma."""
    return re.sub(r"\s+", " ", raw).strip().rstrip(",").strip()


def _key(name: str) -> str:
    # eCFR and the registrar spell the same body differently ("Department of Treasury",
    # "Coast Guard"): compare on words without articles, punctuation and "U.S."/"United States".
    words = re.sub(r"[^a-z0-9 ]", " ", name.lower().replace("u.s.", "us")).split()
    return " ".join(w for w in words if w not in {"the", "us", "united", "states", "of", "and"})


class _Abbreviations:
    """Abbreviations from the eCFR agency list, where one exists; blank otherwise."""

    def __init__(self, ecfr: dict):
        self.top: dict[str, tuple[str, dict[str, str]]] = {}
        for agency in ecfr["agencies"]:
            children = {_key(c["name"]): (c.get("short_name") or "") for c in agency["children"]}
            entry = ((agency.get("short_name") or ""), children)
            for name in (agency["name"], agency["display_name"]):
                self.top.setdefault(_key(name), entry)

    def of_agency(self, name: str) -> str:
        return self.top.get(_key(name), ("", {}))[0]

    def of_bureau(self, agency: str, bureau: str) -> str:
        _, children = self.top.get(_key(agency), ("", {}))
        return children.get(_key(bureau), "")


def parse_registry(
    *, agencies_csv: str, federal_csv: str, ecfr_json: str, curation_json: str
) -> list[AgencyRecord]:
    """Executive-branch agencies with their bureaus, in the registrar's order, then the
    registry's executive organizations that the registrar's list lacks."""
    curation = json.loads(curation_json)
    abbreviations = _Abbreviations(json.loads(ecfr_json))
    excluded = set(curation["non_executive"]["names"]) | set(curation["not_organizations"]["names"])
    excluded_bureaus = set(curation["not_organizations"]["bureaus"])
    renamed = curation["renamed"]["names"]
    cfo_act = set(curation["cfo_act"]["names"])

    registry_types: dict[str, set[str]] = {}
    for row in csv.DictReader(io.StringIO(federal_csv)):
        registry_types.setdefault(clean_name(row["Organization name"]), set()).add(
            row["Domain type"]
        )
    # Only bodies the registry types as legislative or judicial (and nothing executive).
    for name, types in registry_types.items():
        if EXECUTIVE not in types and any(t.startswith("Federal - ") for t in types):
            excluded.add(name)

    bureaus_of: dict[str, list[str]] = {}
    for row in csv.DictReader(io.StringIO(agencies_csv)):
        agency = clean_name(row["Agency"])
        if not agency or agency in excluded:
            continue
        bureau_list = bureaus_of.setdefault(renamed.get(agency, agency), [])
        bureau = clean_name(row["Bureau"] or "")
        if bureau and bureau not in excluded_bureaus and bureau not in bureau_list:
            bureau_list.append(bureau)

    additions = curation["registry_additions"]
    known = set(bureaus_of) | set(additions["same_as_listed"]) | set(additions["skip"])
    for name, types in registry_types.items():
        if EXECUTIVE in types and name not in known and name not in excluded:
            bureaus_of[name] = []

    records = []
    for name, bureaus in bureaus_of.items():
        records.append(
            AgencyRecord(
                name=name,
                abbreviation=abbreviations.of_agency(name),
                cfo_act=name in cfo_act,
                bureaus=tuple(
                    BureauRecord(name=b, abbreviation=abbreviations.of_bureau(name, b))
                    for b in bureaus
                ),
            )
        )
    return records
