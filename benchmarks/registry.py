"""The benchmarks `make bench` runs, in order."""

from benchmarks import readiness

BENCHMARKS = {
    "readiness": readiness.run,
}
