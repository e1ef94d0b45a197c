"""What the benchmark scripts in tests/perf/ share: Django set-up, the safety checks,
seeding helpers, the timing loop, the N+1 detector, EXPLAIN and the result table.

Not a test module: pytest collects nothing here (no test_ prefix, no test functions).
The scripts put this folder on sys.path and `import _bench`.
"""

import math
import os
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BATCH = 5_000
SMOKE_NOTE = "--smoke: p95 is reported but not checked (the numbers of a smoke run mean nothing)"


# --- Arguments -----------------------------------------------------------------


def add_arguments(parser, *, sizes, seed, explain_help, reuse_help):
    """The size flags (sizes: flag → (full, smoke, help)) and the flags both scripts have."""
    for name, (full, smoke, what) in sizes.items():
        parser.add_argument(f"--{name}", type=int, help=f"{what} (default {full}, --smoke {smoke})")
    parser.add_argument("--requests", type=int, help="timed requests per page (default 200, --smoke 10)")
    parser.add_argument("--seed", type=int, default=seed, help=f"random seed (default {seed})")
    parser.add_argument("--explain", action="store_true", help=explain_help)
    parser.add_argument("--reuse", action="store_true", help=reuse_help)
    parser.add_argument(
        "--allow-sqlite", action="store_true", help="allow a non-PostgreSQL database (numbers mean little)"
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a tiny run (a few hundred rows, 10 requests per page) that checks every page and its "
        "query targets but not p95; size flags given with it win",
    )


def apply_sizes(args, sizes) -> None:
    """Fill the size flags not given: the smoke sizes with --smoke, else the full ones."""
    for name, (full, smoke, _what) in {**sizes, "requests": (200, 10, "")}.items():
        attribute = name.replace("-", "_")
        if getattr(args, attribute) is None:
            setattr(args, attribute, smoke if args.smoke else full)


# --- Set-up and safety ---------------------------------------------------------


# Production-like, apart from HTTPS: DEBUG off (no query log, cached templates,
# hashed static names), throw-away keys.
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECURE": "false",
    "SECRET_KEY": "bench-" + "x" * 50,
    "FIELD_ENCRYPTION_KEYS": "YmVuY2gtYmVuY2gtYmVuY2gtYmVuY2gtYmVuY2gtMDE=",
    "CPR_LOOKUP_KEY": "YmVuY2gtYmVuY2gtYmVuY2gtYmVuY2gtYmVuY2gtMDI=",
    "LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def setup_django():
    """Django as production runs it (PRODUCTION_ENV), answering django.test.Client."""
    os.environ.update(PRODUCTION_ENV)
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    collectstatic()
    import django

    django.setup()


def collectstatic() -> None:
    """DEBUG off serves hashed static names: the manifest must exist (staticfiles/ is git-ignored)."""
    if (ROOT / "staticfiles" / "staticfiles.json").exists():
        return
    env = {**os.environ, **PRODUCTION_ENV}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)


def fail(script: str, message: str) -> None:
    print(f"{script}: {message}", file=sys.stderr)
    sys.exit(2)


def check_target(args, *, script, holds_data, user_prefix, reuse_needs_data=None) -> None:
    """Refuse anything but a throw-away PostgreSQL database; set args.seed_data.

    holds_data: (table, what) pairs; the database "already holds data" when one of these
    tables has a row. reuse_needs_data: the message when --reuse finds nothing to measure
    (None: seed as if --reuse had not been given).
    """
    from django.db import connection

    if not os.environ.get("DATABASE_URL"):
        fail(script, "set DATABASE_URL to a THROW-AWAY PostgreSQL database (the default is your development database).")
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        where = f"sqlite {settings_dict['NAME']}"
    else:
        host, port = settings_dict.get("HOST") or "localhost", settings_dict.get("PORT") or "default port"
        where = f"{connection.vendor} {host}:{port} database {settings_dict['NAME']}"
    print(f"Database: {where}")
    if connection.vendor != "postgresql" and not args.allow_sqlite:
        fail(
            script,
            f"refusing to run against {connection.vendor}: the numbers only mean something on PostgreSQL.\n"
            "Set DATABASE_URL=postgres://... to a THROW-AWAY database (or pass --allow-sqlite).",
        )
    tables = set(connection.introspection.table_names())
    holds = []
    with connection.cursor() as cursor:
        for table, what in holds_data:
            if table in tables:
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")  # noqa: S608 (fixed names)
                if cursor.fetchone()[0]:
                    holds.append(what)
    if holds and not args.reuse:
        fail(
            script,
            f"the database already holds {' and '.join(holds)}. This script seeds its own invented data: point\n"
            "DATABASE_URL at a THROW-AWAY database, or pass --reuse to measure the data already there.",
        )
    if args.reuse and not holds and reuse_needs_data:
        fail(script, reuse_needs_data)
    args.seed_data = not holds
    if args.seed_data and "auth_user" in tables:
        from django.contrib.auth import get_user_model

        if get_user_model().objects.filter(username__startswith=user_prefix).exists():
            fail(script, f"users named {user_prefix}* exist already: use a fresh THROW-AWAY database.")


def migrate() -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.1f} s")


# --- Seeding -------------------------------------------------------------------


def valid_cvr(n: int) -> str:
    """The n-th CVR number with a valid modulus-11 check digit."""
    from housing.validators import cvr_is_valid

    base = 2000000 + n * 17
    while True:
        for digit in range(10):
            candidate = f"{base}{digit}"
            if cvr_is_valid(candidate):
                return candidate
        base += 1


STREETS = [
    "Blågårdsvej",
    "Mjølnerparken",
    "Tingbjerg Allé",
    "Urbanplanen",
    "Lindehaven",
    "Bispeparken",
    "Akacieparken",
    "Husumvej",
    "Folehaven",
    "Hørgården",
    "Sundholmsvej",
    "Rovsingsgade",
]
FIRST = ["Mette", "Lars", "Fatima", "Jens", "Aisha", "Søren", "Line", "Mads", "Hanne", "Omar", "Sofie", "Niels"]
LAST = ["Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Ali", "Yilmaz"]


def bulk(model, objects, *, label: str):
    """bulk_create in batches of 5,000 and return the created objects (with pks)."""
    created = []
    for start in range(0, len(objects), BATCH):
        created.extend(model.objects.bulk_create(objects[start : start + BATCH], batch_size=BATCH))
    print(f"  {label:<28} {len(created):>9,}")
    return created


def vacuum_analyze(seeding_started: float) -> None:
    """After seeding: VACUUM ANALYZE (ANALYZE on SQLite), and how long both took."""
    from django.db import connection

    seeded = time.perf_counter() - seeding_started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # VACUUM too: a bulk load leaves the visibility map empty (no index-only scans),
            # and autovacuum would otherwise kick in half-way through the timing.
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
    print(f"Seeding took {seeded:.1f} s; (VACUUM) ANALYZE took {time.perf_counter() - started:.1f} s")


# --- Measuring -----------------------------------------------------------------


def percentile(sorted_values, fraction):
    """Nearest-rank percentile."""
    index = max(0, math.ceil(fraction * len(sorted_values)) - 1)
    return sorted_values[index]


def capture(client, url, *, expect):
    """One warm-up, then the queries of one request: queries (count), captured,
    repeated (see repeated_queries) and html."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up: templates, translations, connection
    assert response.status_code == 200, f"{url}: HTTP {response.status_code}"
    # The query log is a deque of at most 9,000 entries; once full (migrate fills it)
    # its length stops growing and CaptureQueriesContext would count nothing.
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries = list(captured.captured_queries)  # a lazy slice of the log: copy it now
    assert response.status_code == 200, f"{url}: HTTP {response.status_code}"
    assert expect in response.content.decode(), f"{url}: {expect!r} not on the page"
    reset_queries()
    return {
        "queries": len(queries),
        "captured": queries,
        "repeated": repeated_queries(queries),
        "html": response.content.decode(),
    }


def measure(client, url, *, requests, expect):
    """One warm-up, the queries of one request, then `requests` timed requests.

    Returns queries (count), captured, repeated (see repeated_queries), p50, p95, max (ms)
    and html (the last response's body).
    """
    from django.db import reset_queries

    captured = capture(client, url, expect=expect)
    queries = captured["captured"]
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, f"{url}: HTTP {response.status_code}"
    reset_queries()
    timings.sort()
    return {
        "queries": len(queries),
        "captured": queries,
        "repeated": repeated_queries(queries),
        "p50": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "max": timings[-1],
        "html": response.content.decode() if requests else captured["html"],
    }


def time_sql(sql) -> float:
    """One run of a captured query (its literals already in place), in ms."""
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql)
        cursor.fetchall()
        return (time.perf_counter() - started) * 1000


def measure_against_unfiltered(client, url, *, requests, main_sql, unfiltered_sql, unfiltered_page=None):
    """Time `requests` page requests and, interleaved with each, the page's main query
    as captured and the same query without the permission filter; with
    unfiltered_page (a context manager factory that takes the filter out), the whole
    page without it too.

    Interleaving request by request keeps the ratio honest while other work on the
    machine makes absolute times drift. Returns p50/p95 (ms) of the page ("p50",
    "p95", "max"), of the main query ("main_p50", "main_p95") and of the unfiltered
    one ("plain_p50", "plain_p95"), and the ratios main ÷ unfiltered; with
    unfiltered_page also "page_plain_p50/p95" and "page_ratio_p50/p95".
    """
    page, main, plain, page_plain = [], [], [], []
    for n in range(requests):
        if unfiltered_page is not None and n % 2:
            page_plain.append(_time_page(client, url, unfiltered_page))
        started = time.perf_counter()
        response = client.get(url)
        page.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, f"{url}: HTTP {response.status_code}"
        if unfiltered_page is not None and not n % 2:
            page_plain.append(_time_page(client, url, unfiltered_page))
        # Alternate which query goes first, so neither always gets the warmer cache.
        if n % 2:
            main.append(time_sql(main_sql))
            plain.append(time_sql(unfiltered_sql))
        else:
            plain.append(time_sql(unfiltered_sql))
            main.append(time_sql(main_sql))
    page.sort(), main.sort(), plain.sort()
    result = {
        "p50": statistics.median(page),
        "p95": percentile(page, 0.95),
        "max": page[-1],
        "main_p50": statistics.median(main),
        "main_p95": percentile(main, 0.95),
        "plain_p50": statistics.median(plain),
        "plain_p95": percentile(plain, 0.95),
        "html": response.content.decode(),
    }
    result["ratio_p50"] = result["main_p50"] / result["plain_p50"]
    result["ratio_p95"] = result["main_p95"] / result["plain_p95"]
    if page_plain:
        page_plain.sort()
        result["page_plain_p50"] = statistics.median(page_plain)
        result["page_plain_p95"] = percentile(page_plain, 0.95)
        result["page_ratio_p50"] = result["p50"] / result["page_plain_p50"]
        result["page_ratio_p95"] = result["p95"] / result["page_plain_p95"]
    return result


def _time_page(client, url, unfiltered_page) -> float:
    with unfiltered_page():
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, f"{url} (unfiltered): HTTP {response.status_code}"
    return elapsed


def repeated_queries(captured, *, more_than=2):
    """Queries that differ only in their literals and run more than twice: an N+1."""
    shapes = Counter(re.sub(r"'[^']*'|\b\d+\b", "?", q["sql"]) for q in captured)
    return [(count, sql) for sql, count in shapes.most_common() if count > more_than]


def misses_target(result, *, p95_ms, smoke, max_queries=None) -> bool:
    """A query repeated per row, too many queries, or (not with --smoke) p95 over the target."""
    return bool(
        result["repeated"]
        or (max_queries is not None and result["queries"] > max_queries)
        or (not smoke and result["p95"] > p95_ms)
    )


# --- Printing ------------------------------------------------------------------


def print_rows(rows) -> None:
    print("\nRows:")
    for label, count in rows:
        print(f"  {label:<30} {count:>9,}")


def print_server(*, jit=False) -> None:
    """The server's version and memory settings (and with jit=True its JIT settings)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        print(f"\n{connection.vendor} {connection.Database.sqlite_version}")
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        print(f"\n{cursor.fetchone()[0]}")
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
        cursor.execute("SHOW work_mem")
        settings = f"shared_buffers={shared_buffers} work_mem={cursor.fetchone()[0]}"
        if jit:
            cursor.execute("SELECT current_setting('jit'), current_setting('jit_above_cost')")
            settings += " jit={} jit_above_cost={}".format(*cursor.fetchone())
    print(settings)


class Table:
    """The result table: page, rows, queries, p50, p95, max, ok / MISSES TARGET."""

    def __init__(self, *, label_width, rows_width):
        self.label_width, self.rows_width = label_width, rows_width

    def start(self, requests) -> None:
        print(
            f"\nTiming {requests} requests per page after one warm-up (django.test.Client, in-process); "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}\n"
        )
        header = (
            f"{'page':<{self.label_width}}{'rows':>{self.rows_width}}"
            f"{'queries':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
        )
        print(header)
        print("-" * len(header))

    def row(self, label, result, *, missed) -> None:
        rows = f"{result['rows']:,}" if result["rows"] is not None else "–"
        print(
            f"{label:<{self.label_width}}{rows:>{self.rows_width}}{result['queries']:>9}{result['p50']:>9.1f}"
            f"{result['p95']:>9.1f}{result['max']:>9.1f}  {'MISSES TARGET' if missed else 'ok'}"
        )


def print_repeated(results) -> None:
    for label, result in results.items():
        for count, sql in result["repeated"]:
            print(f"  {label}: the same query {count}× per request (N+1?): {sql[:110]}…")


def print_target(target: str, *, smoke: bool) -> None:
    print(f"\nLoad average after timing: {os.getloadavg()[0]:.2f} (other work on the machine skews p95/max)")
    print(f"Target: {target}")
    if smoke:
        print(SMOKE_NOTE)


def conclude(missed) -> int:
    """Close the connection; 1 if a page (label in missed) missed the target, else 0."""
    from django.db import connection

    connection.close()
    if missed:
        print(f"Missed the target: {', '.join(missed)}")
        return 1
    print("All pages within the target.")
    return 0


# --- EXPLAIN -------------------------------------------------------------------


def can_explain() -> bool:
    from django.db import connection

    if connection.vendor != "postgresql":
        print("--explain needs PostgreSQL.")
        return False
    return True


def print_queries(captured, *, width) -> None:
    for n, q in enumerate(captured, 1):
        print(f"  {n:>2}. {float(q['time']) * 1000:7.1f}  {q['sql'][:width]}")


def slowest_selects(captured, *, n=3, besides=None):
    """The n slowest SELECTs (EXPLAIN ANALYZE would run an UPDATE and fails on BEGIN)."""
    selects = [q for q in captured if q["sql"].lstrip().upper().startswith("SELECT") and q is not besides]
    return sorted(selects, key=lambda q: float(q["time"]), reverse=True)[:n]


def explain_query(label, sql) -> None:
    from django.db import connection

    print(f"\n--- {label}\n{sql}\n")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        for (line,) in cursor.fetchall():
            print(f"    {line}")
