"""The benchmarks `make bench` runs, in order."""

from benchmarks import dashboard, readiness

BENCHMARKS = {
    "readiness": readiness.run,
    "dashboard": dashboard.run,
}
