#!/usr/bin/env python
"""Benchmark the concern lists (/referrals/) with a realistic amount of data.

A standalone script, not a test: it seeds its own data into the database named by
DATABASE_URL and then requests the pages through the real view stack (middleware,
view, django-filter, paginator, templates) with django.test.Client.

    createdb bench   # a THROW-AWAY database: the script fills it with invented data
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \
        .venv/bin/python tests/perf/bench_referrals.py [--concerns 100000] \
        [--departments 500] [--advisors 20] [--requests 200] [--explain]

It refuses to run against anything but PostgreSQL (unless --allow-sqlite) and
against a database that already holds concerns (unless --reuse, which measures
the data already there, e.g. from an earlier run, without seeding again).

Target (from the issue): at most 12 queries and p95 at most 150 ms per page.
See tests/perf/README.md for measured numbers.
"""

import argparse
import math
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_QUERIES = 12
TARGET_P95_MS = 150.0
BATCH = 5_000
USER_PREFIX = "bench-"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Seed a throw-away database and time the concern lists (/referrals/).",
    )
    parser.add_argument("--concerns", type=int, default=100_000, help="concerns to seed (default 100000)")
    parser.add_argument("--departments", type=int, default=500, help="departments to seed (default 500)")
    parser.add_argument("--districts", type=int, default=10, help="districts to seed (default 10)")
    parser.add_argument("--organisations", type=int, default=8, help="housing organisations (default 8)")
    parser.add_argument("--advisors", type=int, default=20, help="advisors to seed (default 20)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument("--seed", type=int, default=20260101, help="random seed (default 20260101)")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the queue's queries")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="the database already holds concerns: measure them, do not seed",
    )
    parser.add_argument(
        "--allow-sqlite", action="store_true", help="allow a non-PostgreSQL database (numbers mean little)"
    )
    return parser.parse_args(argv)


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "true"
    os.environ["SECURE"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def fail(message: str) -> None:
    print(f"bench_referrals: {message}", file=sys.stderr)
    sys.exit(2)


# --- Safety --------------------------------------------------------------------


def check_target(args) -> None:
    from django.db import connection

    if not os.environ.get("DATABASE_URL"):
        fail("set DATABASE_URL to a THROW-AWAY PostgreSQL database (the default is your development database).")
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        where = f"sqlite {settings_dict['NAME']}"
    else:
        host, port = settings_dict.get("HOST") or "localhost", settings_dict.get("PORT") or "default port"
        where = f"{connection.vendor} {host}:{port} database {settings_dict['NAME']}"
    print(f"Database: {where}")
    if connection.vendor != "postgresql" and not args.allow_sqlite:
        fail(
            f"refusing to run against {connection.vendor}: the numbers only mean something on PostgreSQL.\n"
            "Set DATABASE_URL=postgres://... to a THROW-AWAY database (or pass --allow-sqlite)."
        )
    if "referrals_referral" in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM referrals_referral)")
            has_referrals = cursor.fetchone()[0]
        if has_referrals and not args.reuse:
            fail(
                "the database already holds concerns. This script seeds its own invented data: point\n"
                "DATABASE_URL at a THROW-AWAY database, or pass --reuse to measure the data already there."
            )
        args.seed_data = not has_referrals
    else:
        args.seed_data = True
    if args.seed_data and "auth_user" in connection.introspection.table_names():
        from django.contrib.auth import get_user_model

        if get_user_model().objects.filter(username__startswith=USER_PREFIX).exists():
            fail(f"users named {USER_PREFIX}* exist already: use a fresh THROW-AWAY database.")


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
DESCRIPTION = (
    "Beboeren er ikke set i flere uger, postkassen er fuld, og naboerne siger, at der lugter fra "
    "lejemålet. Ejendomsfunktionæren har banket på uden svar. "
)


def bulk(model, objects, *, label: str):
    """bulk_create in batches of 5,000 and return the created objects (with pks)."""
    created = []
    for start in range(0, len(objects), BATCH):
        created.extend(model.objects.bulk_create(objects[start : start + BATCH], batch_size=BATCH))
    print(f"  {label:<28} {len(created):>9,}")
    return created


def seed(args) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db import transaction
    from django.utils import timezone
    from sequences.models import Sequence

    from contacts.models import CONCERN_FUNCTIONS, Advisor, Appointment, ContactPerson, RulesAcceptance, Team
    from housing.models import Department, District, HousingOrganisation
    from referrals.models import (
        AcuteReason,
        Category,
        Referral,
        ReferralCategory,
        ReferralUserObjectPermission,
    )
    from referrals.services.filing import place_key

    User = get_user_model()
    rng = random.Random(args.seed)
    now = timezone.now()
    started = time.perf_counter()
    print(f"Seeding (bulk_create, batches of {BATCH:,}):")

    with transaction.atomic():
        districts = bulk(
            District,
            [District(name=f"Bench-bydel {i + 1}", is_disadvantaged=i % 3 == 0) for i in range(args.districts)],
            label="districts",
        )
        organisations = bulk(
            HousingOrganisation,
            [
                HousingOrganisation(name=f"Bench Boligselskab {i + 1}", short_name=f"BB{i + 1}", cvr=valid_cvr(i))
                for i in range(args.organisations)
            ],
            label="housing organisations",
        )
        departments = bulk(
            Department,
            [
                Department(
                    organisation=organisations[i % len(organisations)],
                    number=str(100 + i),
                    name=f"Afdeling {STREETS[i % len(STREETS)]} {i + 1}",
                    district=districts[i % len(districts)],
                    address=f"{STREETS[i % len(STREETS)]} {i + 1}",
                    postal_code="2200",
                    number_of_homes=rng.randint(40, 900),
                )
                for i in range(args.departments)
            ],
            label="departments",
        )

        # Users: no usable password (force_login needs none).
        users = bulk(
            User,
            [
                User(
                    username=f"{USER_PREFIX}advisor{i + 1}",
                    first_name=rng.choice(FIRST),
                    last_name=rng.choice(LAST),
                    email=f"{USER_PREFIX}advisor{i + 1}@example.dk",
                    password="!",
                )
                for i in range(args.advisors)
            ]
            + [
                User(
                    username=f"{USER_PREFIX}contact{i + 1}",
                    first_name=rng.choice(FIRST),
                    last_name=rng.choice(LAST),
                    email=f"{USER_PREFIX}contact{i + 1}@example.dk",
                    password="!",
                )
                for i in range(len(departments))
            ],
            label="users",
        )
        advisor_users, contact_users = users[: args.advisors], users[args.advisors :]

        teams = bulk(Team, [Team(name=f"Bench team {i + 1}") for i in range(3)], label="teams")
        advisors = bulk(
            Advisor,
            [
                Advisor(
                    user=user,
                    team=teams[i % len(teams)],
                    function=CONCERN_FUNCTIONS[0] if i % 4 else CONCERN_FUNCTIONS[1],
                    phone="33 66 00 00",
                )
                for i, user in enumerate(advisor_users)
            ],
            label="advisors",
        )
        # Each advisor covers 1–2 districts; every district is covered by someone.
        coverage = []
        covered_by = defaultdict(list)
        for i, advisor in enumerate(advisors):
            own = {districts[i % len(districts)].pk}
            if i % 2 == 0:
                own.add(districts[(i + 1) % len(districts)].pk)
            for district_id in sorted(own):
                coverage.append(Advisor.districts.through(advisor_id=advisor.pk, district_id=district_id))
                covered_by[district_id].append(advisor.user_id)
        bulk(Advisor.districts.through, coverage, label="advisor ↔ district")

        contact_persons = bulk(
            ContactPerson,
            [ContactPerson(user=user, phone="20 12 34 56") for user in contact_users],
            label="contact persons",
        )
        roles = list(Appointment.Capacity.values)
        bulk(
            Appointment,
            [
                Appointment(contact_person=cp, department=dep, capacity=roles[i % len(roles)])
                for i, (cp, dep) in enumerate(zip(contact_persons, departments, strict=True))
            ],
            label="appointments",
        )
        bulk(
            RulesAcceptance,
            [RulesAcceptance(contact_person=cp, rules_version="2026-1", accepted_at=now) for cp in contact_persons],
            label="rules acceptances",
        )

        # Concerns: a few departments file far more than the rest (Zipf-like weights).
        weights = [1 / (rank + 5) ** 0.9 for rank in range(len(departments))]
        rng.shuffle(weights)
        reporter_of = {dep.pk: cp.user_id for dep, cp in zip(departments, contact_persons, strict=True)}
        all_advisor_ids = [user.pk for user in advisor_users]
        span = timedelta(days=730)
        created_ats = sorted(now - span * rng.random() for _ in range(args.concerns))
        chosen_departments = rng.choices(departments, weights=weights, k=args.concerns)
        categories = list(Category.values)
        category_weights = [4, 2, 2, 3, 2, 2, 1, 2, 2, 3, 1]
        acute_reasons = list(AcuteReason.values)
        outcomes = list(Referral.Outcome.values)
        per_year = Counter()
        referrals = []
        assigned_elsewhere = []  # (index, advisor user id) needing a django-guardian grant
        for i, (created_at, department) in enumerate(zip(created_ats, chosen_departments, strict=True)):
            year = timezone.localtime(created_at).year
            per_year[year] += 1
            age_days = (now - created_at).total_seconds() / 86400
            # Recent concerns are more often open; about 30 % open overall.
            p_open = min(1.0, 0.22 + 0.95 * math.exp(-age_days / 60))
            is_open = rng.random() < p_open
            is_acute = rng.random() < 0.03
            acknowledged = not is_open or rng.random() < 0.6
            status = (
                Referral.Status.CLOSED
                if not is_open
                else Referral.Status.IN_PROGRESS
                if acknowledged
                else Referral.Status.RECEIVED
            )
            advisers_here = covered_by[department.district_id]
            assigned_to = None
            if acknowledged and rng.random() < 0.5:
                if rng.random() < 0.03:
                    assigned_to = rng.choice(all_advisor_ids)
                    if assigned_to not in advisers_here:
                        assigned_elsewhere.append((i, assigned_to))
                else:
                    assigned_to = rng.choice(advisers_here)
            street = rng.choice(STREETS)
            address = f"{street} {rng.randint(1, 120)}"
            unit = rng.choice(["", "st. tv.", "1. th.", "2. tv.", "3. th.", "4. mf."])
            ack_at = created_at + timedelta(hours=rng.uniform(1, 30)) if acknowledged else None
            referrals.append(
                Referral(
                    reference=f"BH-{year}-{per_year[year]:05d}",
                    reporter_id=reporter_of[department.pk],
                    department=department,
                    address=address,
                    unit=unit,
                    place_key=place_key(address, unit),
                    resident_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    children_present=rng.choice(Referral.Children.values),
                    description=DESCRIPTION * rng.randint(1, 6),
                    observed_on=(created_at - timedelta(days=rng.randint(0, 10))).date(),
                    source=rng.choice(Referral.Source.values),
                    is_acute=is_acute,
                    acute_reasons=[rng.choice(acute_reasons)] if is_acute else [],
                    status=status,
                    acknowledge_due_at=created_at + timedelta(days=1),
                    acknowledged_at=ack_at,
                    acknowledged_by_id=(assigned_to or rng.choice(advisers_here)) if acknowledged else None,
                    assigned_to_id=assigned_to,
                    consent_to_share=rng.random() < 0.3,
                    closed_at=ack_at + timedelta(days=rng.uniform(1, 60)) if not is_open else None,
                    outcome=rng.choices(outcomes, weights=[3, 5, 4, 1, 1])[0] if not is_open else "",
                    created_at=created_at,
                )
            )
        referrals = bulk(Referral, referrals, label="concerns")
        del created_ats, chosen_departments

        referral_categories = []
        for referral in referrals:
            for code in set(rng.choices(categories, weights=category_weights, k=rng.randint(1, 3))):
                referral_categories.append(ReferralCategory(referral_id=referral.pk, code=code))
        bulk(ReferralCategory, referral_categories, label="concern categories")

        permissions = list(
            Permission.objects.filter(
                content_type__app_label="referrals", codename__in=["view_referral", "change_referral"]
            )
        )
        bulk(
            ReferralUserObjectPermission,
            [
                ReferralUserObjectPermission(content_object_id=referrals[i].pk, user_id=user_id, permission=perm)
                for i, user_id in assigned_elsewhere
                for perm in permissions
            ],
            label="guardian grants",
        )
        for year, last in per_year.items():
            Sequence.objects.update_or_create(name=f"BH-{year}", defaults={"last": last})

    seeded = time.perf_counter() - started
    started = time.perf_counter()
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # VACUUM too: a bulk load leaves the visibility map empty (no index-only scans),
            # and autovacuum would otherwise kick in half-way through the timing.
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
    print(f"Seeding took {seeded:.1f} s; (VACUUM) ANALYZE took {time.perf_counter() - started:.1f} s")


# --- Measuring -----------------------------------------------------------------


def pick_personas():
    """The busiest advisor (most open concerns in their districts) and the busiest reporter."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q

    from contacts.models import CONCERN_FUNCTIONS, Advisor
    from referrals.models import Referral

    User = get_user_model()
    advisor = (
        Advisor.objects.filter(active=True, user__is_active=True, function__in=CONCERN_FUNCTIONS)
        .annotate(
            open=Count(
                "districts__departments__referrals",
                filter=~Q(districts__departments__referrals__status=Referral.Status.CLOSED),
            )
        )
        .order_by("-open", "pk")
        .first()
    )
    if advisor is None:
        fail("no active advisor in the database.")
    busiest = (
        Referral.objects.filter(reporter__contact_person__active=True)
        .values("reporter")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if busiest is None:
        fail("no concern filed by an active contact person.")
    return User.objects.get(pk=advisor.user_id), User.objects.get(pk=busiest["reporter"])


def percentile(sorted_values, fraction):
    """Nearest-rank percentile."""
    index = max(0, math.ceil(fraction * len(sorted_values)) - 1)
    return sorted_values[index]


def measure(client, url, *, requests, expect):
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
        "p50": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "max": timings[-1],
        "rows": shown_rows(response.content.decode()),
    }


def shown_rows(html: str):
    """The "N henvendelser vises" number of the queue page, if there is one."""
    import re

    match = re.search(r'<p role="status"[^>]*>\s*(\d+)', html)
    return int(match.group(1)) if match else None


def repeated_queries(captured, *, more_than=2):
    """Queries that differ only in their literals and run more than twice: an N+1."""
    import re

    shapes = Counter(re.sub(r"'[^']*'|\b\d+\b", "?", q["sql"]) for q in captured)
    return [(count, sql) for sql, count in shapes.most_common() if count > more_than]


def print_counts():
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count, Q

    from contacts.models import Advisor, ContactPerson
    from housing.models import Department, District
    from referrals.models import Referral, ReferralCategory, ReferralUserObjectPermission

    totals = Referral.objects.aggregate(
        all=Count("pk"),
        open=Count("pk", filter=~Q(status=Referral.Status.CLOSED)),
        received=Count("pk", filter=Q(status=Referral.Status.RECEIVED)),
        acute=Count("pk", filter=Q(is_acute=True)),
    )
    rows = [
        ("concerns", totals["all"]),
        ("  open", totals["open"]),
        ("  received (not acknowledged)", totals["received"]),
        ("  acute", totals["acute"]),
        ("concern categories", ReferralCategory.objects.count()),
        ("guardian grants", ReferralUserObjectPermission.objects.count()),
        ("districts", District.objects.count()),
        ("departments", Department.objects.count()),
        ("advisors", Advisor.objects.count()),
        ("contact persons", ContactPerson.objects.count()),
        ("users", get_user_model().objects.count()),
    ]
    print("\nRows:")
    for label, count in rows:
        print(f"  {label:<30} {count:>9,}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            print(f"\n{cursor.fetchone()[0]}")
            cursor.execute("SHOW shared_buffers")
            shared_buffers = cursor.fetchone()[0]
            cursor.execute("SHOW work_mem")
            print(f"shared_buffers={shared_buffers} work_mem={cursor.fetchone()[0]}")
    else:
        print(f"\n{connection.vendor} {connection.Database.sqlite_version}")


def explain(result, *, title):
    """EXPLAIN ANALYZE the page query and the slowest other queries of one request."""
    from django.db import connection

    captured = result["captured"]
    page_query = next(
        (
            q
            for q in captured
            if 'FROM "referrals_referral"' in q["sql"] and "LIMIT" in q["sql"] and "ORDER BY" in q["sql"]
        ),
        None,
    )
    slowest = sorted(captured, key=lambda q: float(q["time"]), reverse=True)[:3]
    chosen = ([("page query (LIMIT 25)", page_query)] if page_query else []) + [
        (f"slow query ({float(q['time']) * 1000:.1f} ms when captured)", q) for q in slowest if q is not page_query
    ]
    print(f"\n=== EXPLAIN ANALYZE: {title} ===")
    print("All queries of one request (ms when captured):")
    for n, q in enumerate(captured, 1):
        print(f"  {n:>2}. {float(q['time']) * 1000:7.1f}  {q['sql'][:150]}")
    for label, query in chosen:
        print(f"\n--- {label}\n{query['sql']}\n")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            for (line,) in cursor.fetchall():
                print(f"    {line}")


def run(args) -> int:
    from django.db import connection
    from django.test import Client

    from referrals.models import Referral

    advisor_user, reporter_user = pick_personas()
    districts = list(advisor_user.advisor.districts.values_list("name", flat=True))
    open_in_districts = (
        Referral.objects.filter(department__district__advisors__user=advisor_user)
        .exclude(status=Referral.Status.CLOSED)
        .count()
    )
    print_counts()
    print(f"\nAdvisor: {advisor_user.username} covering {', '.join(districts)} ({open_in_districts:,} open concerns)")
    print(f"Contact person: {reporter_user.username} ({reporter_user.filed_referrals.count():,} concerns filed)")

    advisor_client = Client()
    advisor_client.force_login(advisor_user)
    reporter_client = Client()
    reporter_client.force_login(reporter_user)
    pages = [
        ("advisor queue", advisor_client, "/referrals/", "queue-counts"),
        ("advisor queue, page 2", advisor_client, "/referrals/?side=2", "queue-counts"),
        (
            "advisor queue, isolation+not acute",
            advisor_client,
            "/referrals/?category=isolation&acute=no",
            "queue-counts",
        ),
        ("contact person: my concerns", reporter_client, "/referrals/", "BH-"),
    ]
    print(
        f"\nTiming {args.requests} requests per page after one warm-up (django.test.Client, in-process); "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}\n"
    )
    header = f"{'page':<38}{'rows':>8}{'queries':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
    print(header)
    print("-" * len(header))
    results = {}
    for label, client, url, expect in pages:
        result = measure(client, url, requests=args.requests, expect=expect)
        if result["rows"] is None and client is reporter_client:
            result["rows"] = reporter_user.filed_referrals.count()
        results[label] = result
        ok = result["queries"] <= TARGET_QUERIES and result["p95"] <= TARGET_P95_MS
        print(
            f"{label:<38}{result['rows'] or 0:>8,}{result['queries']:>9}{result['p50']:>9.1f}"
            f"{result['p95']:>9.1f}{result['max']:>9.1f}  {'ok' if ok else 'MISSES TARGET'}"
        )
    for label, result in results.items():
        for count, sql in repeated_queries(result["captured"]):
            print(f"  {label}: the same query {count}× per request (N+1?): {sql[:110]}…")
    print(f"\nLoad average after timing: {os.getloadavg()[0]:.2f} (other work on the machine skews p95/max)")
    print(f"Target: ≤ {TARGET_QUERIES} queries and p95 ≤ {TARGET_P95_MS:.0f} ms")
    if args.explain and connection.vendor != "postgresql":
        print("--explain needs PostgreSQL.")
    elif args.explain:
        explain(results["advisor queue"], title="advisor queue /referrals/")
        explain(results["advisor queue, isolation+not acute"], title="/referrals/?category=isolation&acute=no")
        explain(results["contact person: my concerns"], title="contact person /referrals/")
    connection.close()
    missed = [label for label, r in results.items() if r["queries"] > TARGET_QUERIES or r["p95"] > TARGET_P95_MS]
    if missed:
        print(f"Missed the target: {', '.join(missed)}")
        return 1
    print("All pages within the target.")
    return 0


def main(argv=None) -> int:
    args = parse_args(argv)
    setup_django()
    check_target(args)
    migrate()
    if args.seed_data:
        seed(args)
    else:
        print("--reuse: measuring the concerns already in the database (no seeding).")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
