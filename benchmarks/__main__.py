"""`make bench`: benchmarks at the scale of DESIGN.md on PostgreSQL.

Creates (or reuses with --reuse) a dedicated database, loads `load_fleet --agencies N`, runs
each benchmark and prints its figures; `--write` appends them to benchmarks/results.md.
Figures are medians measured in one run (the machine is noisy), with ratios against a floor.
"""

import argparse
import os
import platform
import sys
import time
from datetime import UTC, datetime

import psycopg


def _create_database(url: str, reuse: bool) -> bool:
    """Make an empty benchmark database (or keep one that exists). True if it was made."""
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reuse:
            return False
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    return (
        f"{platform.node()}: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"PostgreSQL {pg}, {platform.system()} {platform.release()}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--agencies", type=int, default=500)
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench database")
    parser.add_argument("--write", action="store_true", help="append to benchmarks/results.md")
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crp_bench")
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    made = _create_database(url, args.reuse)

    import django

    django.setup()
    from django.core.management import call_command

    from benchmarks import registry

    lines = [
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {args.agencies} agencies",
        "",
        machine(),
        "",
    ]
    call_command("migrate", verbosity=0)
    if made:
        started = time.perf_counter()
        call_command("load_fleet", agencies=args.agencies, seed=7, verbosity=0)
        lines.append(
            f"- load_fleet --agencies {args.agencies}: {time.perf_counter() - started:.1f} s"
        )
    for name, bench in registry.BENCHMARKS.items():
        if args.names and name not in args.names:
            continue
        print(f"# {name}", flush=True)
        lines += bench()
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        with open(os.path.join(os.path.dirname(__file__), "results.md"), "a") as f:
            f.write("\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
