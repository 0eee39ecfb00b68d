"""The benchmarks `make bench` runs, in order."""

from benchmarks import dashboard, readiness, reports

BENCHMARKS = {
    "readiness": readiness.run,
    "reports": reports.run,
    "dashboard": dashboard.run,
}
