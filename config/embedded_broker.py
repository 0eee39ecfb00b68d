"""Celery without a broker server (`make run`): kombu's filesystem transport, one folder per
use under `data_dir`. kombu does not create its folders, and the transport needs the same
folder for data in and out (../shared/STACK-NOTES.md)."""

from pathlib import Path

URL = "filesystem://localhost//"  # "localhost" only names it: kombu warns at a URL without host


def transport_options(data_dir: Path) -> dict:
    """The transport's options, its folders created."""
    for folder in ("queue", "processed", "control"):
        (data_dir / folder).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(data_dir / "queue"),
        "data_folder_out": str(data_dir / "queue"),
        "processed_folder": str(data_dir / "processed"),
        "control_folder": str(data_dir / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }
