#!/usr/bin/env python
"""Benchmark the caseworker's pages (cases and allocation) with a realistic amount of data.

A standalone script, not a test. It seeds its own invented data into the database
named by DATABASE_URL and then requests the pages through the real view stack
(middleware, session, role_required, paginator, templates) with django.test.Client.

    createdb bench   # a THROW-AWAY database: the script fills it with invented data
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \
        .venv/bin/python tests/perf/bench_cases.py [--citizens 5000] [--departments 500] \
        [--offers 10000] [--caseworkers 10] [--requests 200] [--explain] [--smoke]

Pages timed, all as one caseworker of "Hjemløseenheden" (Role.CASEWORKER):
/cases/ (page 1, ?side=2, a posted name search), /cases/<ref>/ (with the fitting open offers),
/housing/offers/ and /housing/offers/<id>/ (the matching page: candidates for one offer).

It refuses to run against anything but PostgreSQL (unless --allow-sqlite) and
against a database that already holds cases or vacancy offers (unless --reuse, which
measures the data already there without seeding again).

Target (from the issue): a constant number of queries (no query repeated per row)
and p95 at most 200 ms per page. --smoke (for CI) seeds a few hundred rows and checks
every page against the query targets only. See tests/perf/README.md for measured numbers.
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import _bench  # noqa: E402 (puts the project on sys.path too)
from _seed_cases import TEAM_NAME, USER_PREFIX, seed  # noqa: E402

SCRIPT = "bench_cases"
TARGET_P95_MS = 200.0
# flag: (full size, --smoke size, help)
SIZES = {
    "citizens": (50_000, 200, "citizens, one case each"),
    "departments": (5_000, 20, "departments with dwellings"),
    "offers": (100_000, 300, "vacancy offers"),
    "caseworkers": (10, 3, "caseworkers in Hjemløseenheden"),
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Seed a throw-away database and time the caseworker's case and allocation pages.",
    )
    _bench.add_arguments(
        parser,
        sizes=SIZES,
        seed=20261122,
        explain_help="print EXPLAIN ANALYZE of each page's slowest queries",
        reuse_help="the database already holds the cases and offers: measure them, do not seed",
    )
    args = parser.parse_args(argv)
    _bench.apply_sizes(args, SIZES)
    return args


def fail(message: str) -> None:
    _bench.fail(SCRIPT, message)


# --- Measuring -----------------------------------------------------------------


def pick_personas():
    """The caseworker, a case of theirs for the case page, a name to search for, and two open
    offers for the matching page: the one with the most candidates and one with few."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Exists, OuterRef, Q

    from cases.models import Case, CaseUserObjectPermission, Placement, ShelterStay
    from cases.selectors.allocation import add_candidate_counts
    from contacts.models import Advisor
    from housing.models import VacancyOffer

    advisor = (
        Advisor.objects.filter(
            active=True, user__is_active=True, function=Advisor.Function.HOMELESSNESS_CASEWORKER, team__name=TEAM_NAME
        )
        .order_by("user__username")
        .first()
    )
    if advisor is None:
        fail(f"no active homelessness caseworker in team {TEAM_NAME!r}.")
    user = get_user_model().objects.get(pk=advisor.user_id)

    # The case page: an open case assigned to this caseworker, in a shelter, no home on the
    # way, a single adult with the highest rent ability (fits family and elderly homes, so the
    # page's list of fitting open offers is full).
    case = (
        Case.objects.filter(closed_on__isnull=True, citizen__target_group="single_adult")
        .filter(Exists(CaseUserObjectPermission.objects.filter(content_object=OuterRef("pk"), user=user)))
        .filter(Exists(ShelterStay.objects.filter(case=OuterRef("pk"), left_on__isnull=True)))
        .exclude(Exists(Placement.objects.filter(case=OuterRef("pk")).exclude(status="declined")))
        .select_related("citizen")
        .order_by("-citizen__max_rent", "pk")
        .first()
    )
    if case is None:
        fail("no open case in a shelter assigned to the caseworker.")
    # A name to search for: the most common full name among the open cases.
    name = (
        Case.objects.filter(closed_on__isnull=True)
        .values("citizen__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "citizen__name")
        .first()["citizen__name"]
    )

    # Candidates per open offer, counted by the offer list's own code (the matching page's rules).
    open_offers = list(
        VacancyOffer.objects.filter(
            status=VacancyOffer.Status.OFFERED, dwelling__department__allocation_stop=False
        ).select_related("dwelling__department")
    )
    if not open_offers:
        fail("no open vacancy offer.")
    add_candidate_counts(user, open_offers)
    ranked = sorted((offer.candidates, offer.pk) for offer in open_offers)
    many = ranked[-1]
    few = next((o for o in ranked if o[0] >= 5), ranked[0])
    visible_open = Case.objects.filter(Q(team__members__user=user) | Q(user_grants__user=user)).distinct()
    return {
        "user": user,
        "case": case,
        "name": name,
        "offer_many": many,
        "offer_few": few,
        "open_cases_visible": visible_open.filter(closed_on__isnull=True).count(),
        "open_offers": len(ranked),
    }


def print_counts():
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q

    from cases.models import Case, CaseUserObjectPermission, Citizen, Placement, ShelterStay
    from housing.models import Department, Dwelling, VacancyOffer

    offers = VacancyOffer.objects.aggregate(
        all=Count("pk"), **{s: Count("pk", filter=Q(status=s)) for s in VacancyOffer.Status.values}
    )
    rows = [
        ("citizens", Citizen.objects.count()),
        ("cases", Case.objects.count()),
        ("  open", Case.objects.filter(closed_on__isnull=True).count()),
        ("shelter stays", ShelterStay.objects.count()),
        ("  open (in shelter now)", ShelterStay.objects.filter(left_on__isnull=True).count()),
        ("guardian grants (cases)", CaseUserObjectPermission.objects.count()),
        ("departments", Department.objects.count()),
        ("dwellings", Dwelling.objects.count()),
        ("vacancy offers", offers["all"]),
        *[(f"  {status}", offers[status]) for status in VacancyOffer.Status.values],
        ("placements", Placement.objects.count()),
        ("users", get_user_model().objects.count()),
    ]
    _bench.print_rows(rows)
    _bench.print_server(jit=True)  # JIT matters here: see "JIT" in tests/perf/README.md.


def shown_rows(html: str, *, row_marker: str | None):
    """The case list's "N sager" (row_marker None), else how often the row_marker regex matches."""
    if row_marker is None:
        match = re.search(r'<p class="mt-5" role="status">\s*(\d+)', html)
        return int(match.group(1)) if match else None
    return len(re.findall(row_marker, html))


def explain(label, result):
    """Print every query of one request, then EXPLAIN ANALYZE the three slowest."""
    captured = result["captured"]
    print(f"\n=== {label}: {len(captured)} queries (ms when captured) ===")
    _bench.print_queries(captured, width=160)
    for q in _bench.slowest_selects(captured):
        _bench.explain_query(f"slow query ({float(q['time']) * 1000:.1f} ms when captured)", q["sql"])


# --- The permission filter's cost: each page's main query with and without it ---------


def main_queries(personas, labels):
    """Per page label: a function running the page's main query through the page's own
    selector, with the permission filter (filtered=True) or without it. Without it means
    cases_visible_to() returns every case: the selector then builds the same query minus
    the visibility condition. (Offers have no filter for a caseworker.)"""
    from django.conf import settings
    from django.core.paginator import Paginator

    from cases.selectors import allocation, citizens
    from housing.models import VacancyOffer

    user, case = personas["user"], personas["case"]
    offers = {
        n: VacancyOffer.objects.select_related("dwelling__department").get(pk=pk)
        for n, pk in (personas["offer_many"], personas["offer_few"])
    }

    def case_page(number, **search):
        page = Paginator(citizens.case_list_for(user, **search), settings.CASES_PER_PAGE).page(number)
        return list(page.object_list)

    def offer_list():
        page = Paginator(allocation.offer_list_for(user), settings.OFFERS_PER_PAGE).page(1)
        allocation.add_candidate_counts(user, list(page.object_list))

    runs = {
        "case list": lambda: case_page(1),
        "case list, page 2": lambda: case_page(2),
        f"case list, q={personas['name']}": lambda: case_page(1, search=personas["name"]),
        "case page (fitting offers)": lambda: citizens.get_case_for(user, case.reference),
        "offer list (open offers)": offer_list,
    }
    for n, offer in offers.items():
        runs[f"matching page, {n:,} candidates"] = lambda offer=offer: list(
            allocation.candidates_for_offer(user, offer)[:25]
        )

    from cases.models import Case

    def everything(_user):
        return Case.objects.all()

    visible_to = citizens.cases_visible_to

    def unfiltered(run):
        def without_filter():
            # both modules' names: allocation imported the function from citizens
            citizens.cases_visible_to = allocation.cases_visible_to = everything
            try:
                return run()
            finally:
                citizens.cases_visible_to = allocation.cases_visible_to = visible_to

        return without_filter

    return {label: (runs[label], unfiltered(runs[label])) for label in labels if label in runs}


def compare_unfiltered(queries, *, requests):
    """Time each main query filtered and unfiltered, interleaved (ABBA), and print the ratio."""
    import statistics

    print(
        f"\nThe page's main query (its selector, evaluated), with the permission filter and without it,\n"
        f"interleaved, {requests} times each; load average {os.getloadavg()[0]:.2f}\n"
    )
    header = f"{'page':<40}{'filtered p50':>13}{'p95':>8}{'unfiltered p50':>16}{'p95':>8}{'ratio p50':>11}{'p95':>7}"
    print(header)
    print("-" * len(header))
    for label, (filtered, unfiltered) in queries.items():
        filtered(), unfiltered()  # warm-up
        timings = {filtered: [], unfiltered: []}
        for i in range(requests):
            for run in (filtered, unfiltered) if i % 2 == 0 else (unfiltered, filtered):
                started = time.perf_counter()
                run()
                timings[run].append((time.perf_counter() - started) * 1000)
        f = sorted(timings[filtered])
        u = sorted(timings[unfiltered])
        f50, f95 = statistics.median(f), _bench.percentile(f, 0.95)
        u50, u95 = statistics.median(u), _bench.percentile(u, 0.95)
        print(f"{label:<40}{f50:>13.1f}{f95:>8.1f}{u50:>16.1f}{u95:>8.1f}{f50 / u50:>10.2f}×{f95 / u95:>6.2f}×")
    print("(ms; ratio = filtered ÷ unfiltered. The caseworker sees every case, so both return the same rows.)")


def run(args) -> int:
    from django.test import Client

    personas = pick_personas()
    user, case = personas["user"], personas["case"]
    print_counts()
    many_n, many_id = personas["offer_many"]
    few_n, few_id = personas["offer_few"]
    print(
        f"\nCaseworker: {user.username} (team {TEAM_NAME}; {personas['open_cases_visible']:,} open cases visible)\n"
        f"Case page: {case.reference} ({case.citizen.get_target_group_display()}, "
        f"rent ability {case.citizen.max_rent} kr.)\n"
        f"Search: q={personas['name']!r}\n"
        f"Open offers (no allocation stop): {personas['open_offers']:,}; matching page: offer {many_id} "
        f"({many_n:,} candidates), offer {few_id} ({few_n:,} candidates)"
    )

    client = Client()
    client.force_login(user)
    pages = [
        # label, url, text that must be on the page, what marks one row (for the rows column)
        ("case list", "/cases/", "SAG-", None),
        ("case list, page 2", "/cases/?side=2", "SAG-", None),
        # The search term is posted and kept in the session (never in the address).
        (f"case list, q={personas['name']}", "/cases/?status=open", "SAG-", None),
        (
            "case page (fitting offers)",
            f"/cases/{case.reference}/",
            case.reference,
            r'action="/housing/offers/\d+/propose/"',
        ),
        (
            "offer list (open offers)",
            "/housing/offers/",
            "/housing/offers/",
            r'href="/housing/offers/\d+/">[^<]+</a><br>',
        ),
        (f"matching page, {many_n:,} candidates", f"/housing/offers/{many_id}/", "SAG-", r'name="case"'),
        (f"matching page, {few_n:,} candidates", f"/housing/offers/{few_id}/", "SAG-", r'name="case"'),
    ]
    table = _bench.Table(label_width=40, rows_width=7)
    table.start(args.requests)
    results = {}
    for label, url, expect, row_marker in pages:
        searching = label.startswith("case list, q=")
        if searching:
            client.post("/cases/", {"q": personas["name"], "status": "open"})
        result = _bench.measure(client, url, requests=args.requests, expect=expect)
        result["rows"] = shown_rows(result["html"], row_marker=row_marker)
        if searching:
            client.post("/cases/", {"q": "", "status": "open"})
        results[label] = result
        table.row(label, result, missed=missed(result, args))
    _bench.print_repeated(results)
    # Constant queries: the variants of one view (more or fewer rows) must make the same number.
    for view in ("case list", "matching page"):
        counts = {label: r["queries"] for label, r in results.items() if label.startswith(view)}
        if len(set(counts.values())) > 1:
            print(f"  {view}: the number of queries depends on the data: {counts}")
            for label in counts:
                results[label]["repeated"].append((counts[label], "query count differs between variants"))
    _bench.print_target(f"constant queries (none repeated per row) and p95 ≤ {TARGET_P95_MS:.0f} ms", smoke=args.smoke)
    print("(rows: cases found on the case lists, offers / candidates shown on the other pages)")
    compare_unfiltered(main_queries(personas, list(results)), requests=args.requests)
    if args.explain and _bench.can_explain():
        for label, result in results.items():
            explain(label, result)
    return _bench.conclude([label for label, result in results.items() if missed(result, args)])


def missed(result, args) -> bool:
    return _bench.misses_target(result, p95_ms=TARGET_P95_MS, smoke=args.smoke)


def main(argv=None) -> int:
    args = parse_args(argv)
    _bench.setup_django()
    _bench.check_target(
        args,
        script=SCRIPT,
        holds_data=[("cases_case", "cases"), ("housing_vacancyoffer", "vacancy offers")],
        user_prefix=USER_PREFIX,
        reuse_needs_data="--reuse, but the database holds no cases: run once without --reuse to seed.",
    )
    _bench.migrate()
    if args.seed_data:
        seed(args)
    else:
        print("--reuse: measuring the cases and offers already in the database (no seeding).")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
