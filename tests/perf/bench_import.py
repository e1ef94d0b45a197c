#!/usr/bin/env python
"""Benchmark the CSV import of dwellings while other people log in and save master data.

A standalone script, not a test. It seeds departments into the throw-away database
named by DATABASE_URL (SQLite is the point: the demo runs on it), builds a CSV file of
--rows dwellings and imports it through the admin as an administrator would (upload,
preview, confirm) with django.test.Client. Meanwhile --users threads log in through the
real login form (django-axes, session, last_login) and save a district in the admin,
over and over, each on its own database connection, and time every request.

    DATABASE_URL=sqlite:////tmp/bench_import.sqlite3 \
        .venv/bin/python tests/perf/bench_import.py [--rows 50000] [--users 2] [--smoke] [--json]

It refuses a database that already holds dwellings. Without REDIS_URL Celery runs
eagerly, so the import runs in the upload's and the confirmation's requests, as in the
demo. Reported: the import's time (preview and import), and for the other users the
number of requests, the failures (HTTP 500, "database is locked") and the longest wait.
Exit code 1 when another user's request failed or waited longer than --max-wait seconds.
"""

import argparse
import json
import os
import statistics
import sys
import threading
import time
import traceback
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import _bench  # noqa: E402 (puts the project on sys.path too)

SCRIPT = "bench_import"
PASSWORD = "bench-import-kodeord-42"
USER_PREFIX = "benchimport-"
DWELLING_HEADER = "boligorganisation;afdelingsnummer;adresse;etage_dør;boligtype;værelser;m2;husleje"
UNITS = ["st. th.", "st. tv.", "1. th.", "1. tv.", "2. th.", "2. tv.", "3. th.", "3. tv.", "4. th.", "4. tv."]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Time the dwelling CSV import while others log in and write.")
    parser.add_argument("--rows", type=int, help="dwellings in the CSV file (default 50000, --smoke 2000)")
    parser.add_argument("--users", type=int, default=2, help="threads logging in and saving (default 2)")
    parser.add_argument("--max-wait", type=float, default=2.0, help="longest acceptable wait in seconds")
    parser.add_argument("--smoke", action="store_true", help="a small run (2,000 rows), for CI and the tests")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON line at the end")
    args = parser.parse_args(argv)
    if args.rows is None:
        args.rows = 2_000 if args.smoke else 50_000
    return args


def check_database() -> None:
    from django.db import connection

    if not os.environ.get("DATABASE_URL"):
        _bench.fail(SCRIPT, "set DATABASE_URL to a THROW-AWAY database, e.g. sqlite:////tmp/bench_import.sqlite3")
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"] in ("", ":memory:"):
        _bench.fail(SCRIPT, "an in-memory SQLite database has no locking to measure: use a file")
    if "housing_dwelling" in connection.introspection.table_names():
        from housing.models import Dwelling

        if Dwelling.objects.exists():
            _bench.fail(SCRIPT, "the database already holds dwellings: point DATABASE_URL at a THROW-AWAY database")


def seed(args):
    """Organisations, districts, departments (100 dwellings each), an administrator and the users."""
    from django.contrib.auth import get_user_model

    from contacts.services import administrators_group_ensure
    from housing.models import Department, District, HousingOrganisation

    User = get_user_model()
    organisations = _bench.bulk(
        HousingOrganisation,
        [
            HousingOrganisation(name=f"Bench Bolig {i}", short_name=f"BI{i}", cvr=_bench.valid_cvr(500 + i))
            for i in range(5)
        ],
        label="housing organisations",
    )
    districts = _bench.bulk(District, [District(name=f"Bench-bydel {i}") for i in range(8)], label="districts")
    departments = _bench.bulk(
        Department,
        [
            Department(
                organisation=organisations[i % 5],
                number=str(1000 + i),
                name=f"Bench-afdeling {i}",
                district=districts[i % 8],
                address=f"{_bench.STREETS[i % len(_bench.STREETS)]} {i}",
                postal_code="2200",
                number_of_homes=100,
            )
            for i in range((args.rows + 99) // 100)
        ],
        label="departments",
    )
    admin = User.objects.create_user(f"{USER_PREFIX}admin", password=PASSWORD, is_staff=True)
    admin.groups.add(administrators_group_ensure())
    for n in range(args.users):
        User.objects.create_user(f"{USER_PREFIX}user{n}", password=PASSWORD, is_staff=True).groups.add(
            administrators_group_ensure()
        )
    return admin, departments


def csv_bytes(departments, rows: int) -> bytes:
    lines = [DWELLING_HEADER]
    for i in range(rows):
        department = departments[i // 100]
        street = _bench.STREETS[(i // 10) % len(_bench.STREETS)]
        lines.append(
            f"{department.organisation.short_name};{department.number};{street} {i // 10};{UNITS[i % 10]};"
            f"familiebolig;{1 + i % 5};{40 + i % 80};{5000 + i % 3000},50"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- The import, as an administrator does it ----------------------------------------------


def run_import(client, data: bytes) -> dict:
    """Upload, wait for the preview, confirm, wait for the result. Returns the phases' seconds."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from housing.models import ImportJob

    started = time.perf_counter()
    response = client.post(
        reverse("admin:housing_dwelling_import"),
        {"import_file": SimpleUploadedFile("lejemaal.csv", data, content_type="text/csv"), "encoding": "auto"},
    )
    assert response.status_code == 302, f"upload: HTTP {response.status_code}"
    job = ImportJob.objects.latest("pk")
    wait_for(job, {ImportJob.State.PREVIEWED, ImportJob.State.INVALID, ImportJob.State.FAILED})
    previewed = time.perf_counter()
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEWED, f"preview: {job.state}, {job.invalid_count} rows in error"
    response = client.post(reverse("admin:housing_dwelling_import_confirm", args=[job.pk]))
    assert response.status_code == 302, f"confirm: HTTP {response.status_code}"
    wait_for(job, {ImportJob.State.DONE, ImportJob.State.FAILED})
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, f"import: {job.state}"
    finished = time.perf_counter()
    return {"preview_s": previewed - started, "import_s": finished - previewed, "total_s": finished - started}


def wait_for(job, states, timeout=3600.0) -> None:
    """With a worker the request returns at once; eagerly the job is done already."""
    deadline = time.monotonic() + timeout
    while type(job).objects.filter(pk=job.pk).values_list("state", flat=True).get() not in states:
        if time.monotonic() > deadline:
            raise TimeoutError(f"job {job.pk} not in {states} after {timeout} s")
        time.sleep(0.2)


# --- The other users ----------------------------------------------------------------------


_errors = threading.local()


def _record_error(sender, **kwargs) -> None:
    """The exception behind an HTTP 500, for the thread whose request it was."""
    error = sys.exc_info()[1]
    _errors.last = f"{type(error).__name__}: {error}" if error else "unknown error"


def quiet_clients() -> None:
    """Count a 500 as a failed request instead of raising it: the test client's own
    exception hook is process-wide and would raise one thread's error in another."""
    import logging

    from django.core.signals import got_request_exception

    got_request_exception.connect(_record_error, dispatch_uid="bench_import")
    logging.getLogger("django.request").setLevel(logging.CRITICAL)


class OtherUser(threading.Thread):
    """Logs in through the form, saves a district in the admin, logs out; again and again."""

    def __init__(self, username: str, district: tuple[int, str], stop: threading.Event):
        super().__init__(daemon=True)
        self.username, (self.district_id, self.district_name), self.stop = username, district, stop
        self.timings: list[tuple[str, float]] = []
        self.failures: list[str] = []

    def request(self, label, call, expect) -> None:
        _errors.last = None
        started = time.perf_counter()
        try:
            status = call().status_code
        except Exception as error:
            status, _errors.last = 500, f"{type(error).__name__}: {error}"
        detail = f"HTTP {status}" + (f" ({_errors.last})" if _errors.last else "")
        elapsed = time.perf_counter() - started
        self.timings.append((label, elapsed))
        if status not in expect:
            self.failures.append(f"{label}: {detail} after {elapsed:.2f} s")

    def run(self) -> None:
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        login, logout = reverse("login"), reverse("logout")
        change = reverse("admin:housing_district_change", args=[self.district_id])
        credentials = {"username": self.username, "password": PASSWORD}
        flip = False
        try:
            while not self.stop.is_set():
                client = Client(raise_request_exception=False)
                flip = not flip
                data = {"name": self.district_name, "is_disadvantaged": "on" if flip else ""}
                self.request("login", partial(client.post, login, credentials), {302})
                self.request("save district", partial(client.post, change, data), {302})
                self.request("log out", partial(client.post, logout), {302})
        except Exception:
            self.failures.append(traceback.format_exc())
        finally:
            connection.close()


def summary(users, seconds: float) -> dict:
    timings = sorted(elapsed for user in users for _label, elapsed in user.timings)
    failures = [failure for user in users for failure in user.failures]
    by_label: dict[str, list[float]] = {}
    for user in users:
        for label, elapsed in user.timings:
            by_label.setdefault(label, []).append(elapsed)
    return {
        "seconds": round(seconds, 2),
        "requests": len(timings),
        "failures": len(failures),
        "first_failures": failures[:5],
        "p50_ms": round(statistics.median(timings) * 1000, 1) if timings else None,
        "p95_ms": round(_bench.percentile(timings, 0.95) * 1000, 1) if timings else None,
        "longest_wait_s": round(timings[-1], 2) if timings else None,
        "longest_by_request_s": {label: round(max(values), 2) for label, values in sorted(by_label.items())},
    }


def with_other_users(args, districts, work):
    stop = threading.Event()
    users = [OtherUser(f"{USER_PREFIX}user{n}", districts[n % len(districts)], stop) for n in range(args.users)]
    for user in users:
        user.start()
    started = time.perf_counter()
    try:
        result = work()
    finally:
        stop.set()
        for user in users:
            user.join(timeout=60)
    return result, summary(users, time.perf_counter() - started)


def main(argv=None) -> int:
    args = parse_args(argv)
    _bench.setup_django()
    check_database()
    _bench.migrate()
    from django.db import connection
    from django.test import Client

    from housing.models import District, Dwelling

    admin, departments = seed(args)
    data = csv_bytes(departments, args.rows)
    districts = list(District.objects.values_list("pk", "name"))
    print(f"CSV file: {args.rows:,} dwellings, {len(data) / 1e6:.1f} MB; {args.users} other users")
    print(
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} (other work on the machine stretches every wait)"
    )

    quiet_clients()
    _none, baseline = with_other_users(args, districts, lambda: time.sleep(3))
    print(
        f"\nWithout an import ({baseline['seconds']} s): {baseline['requests']} requests, "
        f"p50 {baseline['p50_ms']} ms, longest {baseline['longest_wait_s']} s, {baseline['failures']} failed"
    )

    client = Client(raise_request_exception=False)
    client.force_login(admin)
    phases, during = with_other_users(args, districts, lambda: run_import(client, data))
    imported = Dwelling.objects.count()
    print(
        f"\nImport of {args.rows:,} dwellings: preview {phases['preview_s']:.1f} s, import {phases['import_s']:.1f} s, "
        f"total {phases['total_s']:.1f} s; {imported:,} dwellings in the database"
    )
    print(
        f"During the import: {during['requests']} requests by others, p50 {during['p50_ms']} ms, "
        f"p95 {during['p95_ms']} ms, longest wait {during['longest_wait_s']} s, {during['failures']} failed"
    )
    print(f"  longest per kind of request: {during['longest_by_request_s']}")
    print(f"Load average after the import: {os.getloadavg()[0]:.2f}")
    for failure in during["first_failures"]:
        print(f"  failed: {failure}")
    connection.close()
    ok = imported == args.rows and during["failures"] == 0 and (during["longest_wait_s"] or 0) <= args.max_wait
    if args.json:
        print(
            json.dumps(
                {"rows": args.rows, "imported": imported, **phases, "baseline": baseline, "during": during, "ok": ok}
            )
        )
    print("ok" if ok else f"MISSES TARGET: no failures and no wait over {args.max_wait} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
