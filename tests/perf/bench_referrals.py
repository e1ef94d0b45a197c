#!/usr/bin/env python
"""Benchmark the concern lists (/referrals/) with a realistic amount of data.

A standalone script, not a test: it seeds its own data into the database named by
DATABASE_URL and then requests the pages through the real view stack (middleware,
view, django-filter, paginator, templates) with django.test.Client.

    createdb bench   # a THROW-AWAY database: the script fills it with invented data
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \
        .venv/bin/python tests/perf/bench_referrals.py [--concerns 100000] \
        [--departments 500] [--advisors 20] [--requests 200] [--explain] [--smoke]

It refuses to run against anything but PostgreSQL (unless --allow-sqlite) and
against a database that already holds concerns (unless --reuse, which measures
the data already there, e.g. from an earlier run, without seeding again).

Target (from the issue): at most 12 queries and p95 at most 150 ms per page, and no
query repeated per row. --smoke (for CI) seeds a few hundred rows and checks every
page against the query targets only. See tests/perf/README.md for measured numbers.
"""

import argparse
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import _bench  # noqa: E402 (puts the project on sys.path too)
from _seed_referrals import USER_PREFIX, seed  # noqa: E402

SCRIPT = "bench_referrals"
TARGET_QUERIES = 12
TARGET_P95_MS = 150.0
# flag: (full size, --smoke size, help)
SIZES = {
    "concerns": (100_000, 300, "concerns to seed"),
    "departments": (500, 20, "departments to seed"),
    "districts": (10, 4, "districts to seed"),
    "organisations": (8, 8, "housing organisations"),
    "advisors": (20, 4, "advisors to seed"),
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Seed a throw-away database and time the concern lists (/referrals/).",
    )
    _bench.add_arguments(
        parser,
        sizes=SIZES,
        seed=20260101,
        explain_help="print EXPLAIN ANALYZE of the queue's queries",
        reuse_help="the database already holds concerns: measure them, do not seed",
    )
    args = parser.parse_args(argv)
    _bench.apply_sizes(args, SIZES)
    return args


def fail(message: str) -> None:
    _bench.fail(SCRIPT, message)


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


def shown_rows(html: str):
    """The "N henvendelser vises" number of the queue page, if there is one."""
    match = re.search(r'<p role="status"[^>]*>\s*(\d+)', html)
    return int(match.group(1)) if match else None


def print_counts():
    from django.contrib.auth import get_user_model
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
    _bench.print_rows(
        [
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
    )
    _bench.print_server()


def explain(result, *, title):
    """EXPLAIN ANALYZE the page query and the slowest other queries of one request."""
    captured = result["captured"]
    page_query = next(
        (
            q
            for q in captured
            if 'FROM "referrals_referral"' in q["sql"] and "LIMIT" in q["sql"] and "ORDER BY" in q["sql"]
        ),
        None,
    )
    chosen = ([("page query (LIMIT 25)", page_query)] if page_query else []) + [
        (f"slow query ({float(q['time']) * 1000:.1f} ms when captured)", q)
        for q in _bench.slowest_selects(captured, besides=page_query)
    ]
    print(f"\n=== EXPLAIN ANALYZE: {title} ===")
    print("All queries of one request (ms when captured):")
    _bench.print_queries(captured, width=150)
    for label, query in chosen:
        _bench.explain_query(label, query["sql"])


def run(args) -> int:
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
    table = _bench.Table(label_width=38, rows_width=8)
    table.start(args.requests)
    results = {}
    for label, client, url, expect in pages:
        result = _bench.measure(client, url, requests=args.requests, expect=expect)
        result["rows"] = shown_rows(result["html"])
        if result["rows"] is None and client is reporter_client:
            result["rows"] = reporter_user.filed_referrals.count()
        result["rows"] = result["rows"] or 0
        results[label] = result
        table.row(label, result, missed=missed(result, args))
    _bench.print_repeated(results)
    _bench.print_target(
        f"≤ {TARGET_QUERIES} queries and p95 ≤ {TARGET_P95_MS:.0f} ms, no query repeated per row", smoke=args.smoke
    )
    if args.explain and _bench.can_explain():
        explain(results["advisor queue"], title="advisor queue /referrals/")
        explain(results["advisor queue, isolation+not acute"], title="/referrals/?category=isolation&acute=no")
        explain(results["contact person: my concerns"], title="contact person /referrals/")
    return _bench.conclude([label for label, result in results.items() if missed(result, args)])


def missed(result, args) -> bool:
    return _bench.misses_target(result, max_queries=TARGET_QUERIES, p95_ms=TARGET_P95_MS, smoke=args.smoke)


def main(argv=None) -> int:
    args = parse_args(argv)
    _bench.setup_django()
    _bench.check_target(args, script=SCRIPT, holds_data=[("referrals_referral", "concerns")], user_prefix=USER_PREFIX)
    _bench.migrate()
    if args.seed_data:
        seed(args)
    else:
        print("--reuse: measuring the concerns already in the database (no seeding).")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
