"""Where the shipped reference data lives (fixtures/, see fixtures/SOURCES.md)."""

from pathlib import Path

from django.conf import settings

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


def fixture_path(name: str) -> Path:
    return FIXTURES_DIR / name


def read_fixture(name: str) -> str:
    return fixture_path(name).read_text(encoding="utf-8")
