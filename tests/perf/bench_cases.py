#!/usr/bin/env python
"""Benchmark the caseworker's pages (cases and allocation) with a realistic amount of data.

A standalone script, not a test. It seeds its own invented data into the database
named by DATABASE_URL and then requests the pages through the real view stack
(middleware, session, role_required, paginator, templates) with django.test.Client.

    createdb bench   # a THROW-AWAY database: the script fills it with invented data
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \
        .venv/bin/python tests/perf/bench_cases.py [--citizens 5000] [--departments 500] \
        [--offers 10000] [--caseworkers 10] [--requests 200] [--explain]

Pages timed, all as one caseworker of "Hjemløseenheden" (Role.CASEWORKER):
/cases/ (page 1, ?side=2, a posted name search), /cases/<ref>/ (with the fitting open offers),
/housing/offers/ and /housing/offers/<id>/ (the matching page: candidates for one offer).

It refuses to run against anything but PostgreSQL (unless --allow-sqlite) and
against a database that already holds cases or vacancy offers (unless --reuse, which
measures the data already there without seeding again).

Target (from the issue): a constant number of queries (no query repeated per row)
and p95 at most 200 ms per page. See tests/perf/README.md for measured numbers.
"""

import argparse
import os
import re
import sys
import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for path in (ROOT, HERE):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

# The shared helpers: Django set-up, migrate, bulk_create in batches, the timing loop,
# nearest-rank percentile and the N+1 detector.
from bench_referrals import (  # noqa: E402
    FIRST,
    LAST,
    STREETS,
    bulk,
    measure,
    migrate,
    repeated_queries,
    setup_django,
    valid_cvr,
)

TARGET_P95_MS = 200.0
USER_PREFIX = "benchcases-"
TEAM_NAME = "Hjemløseenheden"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Seed a throw-away database and time the caseworker's case and allocation pages.",
    )
    parser.add_argument("--citizens", type=int, default=5_000, help="citizens, one case each (default 5000)")
    parser.add_argument("--departments", type=int, default=500, help="departments with dwellings (default 500)")
    parser.add_argument("--offers", type=int, default=10_000, help="vacancy offers (default 10000)")
    parser.add_argument("--caseworkers", type=int, default=10, help="caseworkers in Hjemløseenheden (default 10)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument("--seed", type=int, default=20261122, help="random seed (default 20261122)")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each page's slowest queries")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="the database already holds the cases and offers: measure them, do not seed",
    )
    parser.add_argument(
        "--allow-sqlite", action="store_true", help="allow a non-PostgreSQL database (numbers mean little)"
    )
    return parser.parse_args(argv)


def fail(message: str) -> None:
    print(f"bench_cases: {message}", file=sys.stderr)
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
    tables = set(connection.introspection.table_names())
    holds = []
    with connection.cursor() as cursor:
        for table, what in (("cases_case", "cases"), ("housing_vacancyoffer", "vacancy offers")):
            if table in tables:
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")  # noqa: S608 (fixed names)
                if cursor.fetchone()[0]:
                    holds.append(what)
    if holds and not args.reuse:
        fail(
            f"the database already holds {' and '.join(holds)}. This script seeds its own invented data: point\n"
            "DATABASE_URL at a THROW-AWAY database, or pass --reuse to measure the data already there."
        )
    if args.reuse and not holds:
        fail("--reuse, but the database holds no cases: run once without --reuse to seed.")
    args.seed_data = not holds
    if args.seed_data and "auth_user" in tables:
        from django.contrib.auth import get_user_model

        if get_user_model().objects.filter(username__startswith=USER_PREFIX).exists():
            fail(f"users named {USER_PREFIX}* exist already: use a fresh THROW-AWAY database.")


# --- Seeding -------------------------------------------------------------------

SHELTERS = [
    "Bocentret Nørrelund",
    "Herberget Hillerødgade",
    "Mændenes Hjem",
    "Kollegiet Gl. Køge Landevej",
    "Lindevangen",
    "Hus Forbi Herberg",
    "Dannebrogshjemmet",
    "Kvindehjemmet",
]


def seed(args) -> None:
    import random

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db import connection, transaction
    from django.utils import timezone
    from sequences.models import Sequence

    from cases.models import Case, CaseUserObjectPermission, Citizen, Placement, Shelter, ShelterStay, TargetGroup
    from contacts.models import Advisor, AssociationStaff, Team
    from housing.models import Department, District, Dwelling, HousingOrganisation, VacancyOffer

    User = get_user_model()
    rng = random.Random(args.seed)
    today = timezone.localdate()
    now = timezone.now()
    started = time.perf_counter()
    print("Seeding (bulk_create, batches of 5,000):")

    with transaction.atomic():
        # --- The housing side: organisations, districts, departments, dwellings ------------
        organisations = bulk(
            HousingOrganisation,
            [
                HousingOrganisation(
                    name=f"Bench Boligforening {i + 1}", short_name=f"BF{i + 1}", cvr=valid_cvr(1000 + i)
                )
                for i in range(8)
            ],
            label="housing organisations",
        )
        districts = bulk(
            District,
            [District(name=f"Bench-sager-bydel {i + 1}", is_disadvantaged=i % 3 == 0) for i in range(10)],
            label="districts",
        )
        departments = []
        for i in range(args.departments):
            stopped = rng.random() < 0.02
            departments.append(
                Department(
                    organisation=organisations[i % len(organisations)],
                    number=str(100 + i),
                    name=f"Afdeling {STREETS[i % len(STREETS)]} {i + 1}",
                    district=districts[i % len(districts)],
                    address=f"{STREETS[i % len(STREETS)]} {i + 1}",
                    postal_code="2400",
                    number_of_homes=rng.randint(40, 900),
                    allocation_stop=stopped,
                    allocation_stop_reason="Udsat boligområde: anvisningsstop fra 2026." if stopped else "",
                )
            )
        departments = bulk(Department, departments, label="departments")

        kinds = list(Dwelling.Kind.values)  # family, youth, elderly
        dwellings = []
        for department in departments:
            street = rng.choice(STREETS)
            for n in range(rng.randint(10, 40)):
                kind = rng.choices(kinds, weights=[60, 25, 15])[0]
                rooms = 1 if kind == "youth" else rng.randint(1, 5)
                dwellings.append(
                    Dwelling(
                        department=department,
                        address=f"{street} {n // 8 + 1}",
                        unit=f"{n % 8 // 2}. {'tv' if n % 2 else 'th'}.",
                        kind=kind,
                        rooms=rooms,
                        area_m2=25 + rooms * 20 + rng.randint(0, 15),
                        monthly_rent=Decimal(rng.randint(2_500, 9_000)),
                    )
                )
        dwellings = bulk(Dwelling, dwellings, label="dwellings")

        # --- People: the caseworkers of one team and the associations' staff ---------------
        caseworker_users = bulk(
            User,
            [
                User(
                    username=f"{USER_PREFIX}caseworker{i + 1}",
                    first_name=rng.choice(FIRST),
                    last_name=rng.choice(LAST),
                    email=f"{USER_PREFIX}caseworker{i + 1}@example.dk",
                    password="!",  # no usable password: force_login needs none
                )
                for i in range(args.caseworkers)
            ],
            label="caseworker users",
        )
        team, _created = Team.objects.get_or_create(name=TEAM_NAME)
        bulk(
            Advisor,
            [
                Advisor(user=user, team=team, function=Advisor.Function.HOMELESSNESS_CASEWORKER, phone="33 66 00 00")
                for user in caseworker_users
            ],
            label="caseworkers (advisors)",
        )
        staff_users = bulk(
            User,
            [
                User(
                    username=f"{USER_PREFIX}staff{i + 1}",
                    first_name=rng.choice(FIRST),
                    last_name=rng.choice(LAST),
                    email=f"{USER_PREFIX}staff{i + 1}@example.dk",
                    password="!",
                )
                for i in range(len(organisations))
            ],
            label="association staff users",
        )
        bulk(
            AssociationStaff,
            [
                AssociationStaff(user=user, organisation=org)
                for user, org in zip(staff_users, organisations, strict=True)
            ],
            label="association staff",
        )
        staff_of = {org.pk: user.pk for user, org in zip(staff_users, organisations, strict=True)}
        organisation_of = {department.pk: department.organisation_id for department in departments}

        # --- Vacancy offers: ~30 % open, the rest matched / accepted / returned ------------
        statuses = rng.choices(
            list(VacancyOffer.Status.values),  # offered, matched, accepted, returned
            weights=[30, 15, 35, 20],
            k=args.offers,
        )
        reasons = list(VacancyOffer.ReturnReason.values)
        offers = []
        for status in statuses:
            dwelling = rng.choice(dwellings)
            if status == VacancyOffer.Status.OFFERED:
                offered_on = today - timedelta(days=rng.randint(0, 21))
            else:
                offered_on = today - timedelta(days=rng.randint(14, 3 * 365))
            offers.append(
                VacancyOffer(
                    dwelling=dwelling,
                    offered_on=offered_on,
                    monthly_rent=Decimal(rng.randint(2_500, 9_000)),
                    available_from=offered_on + timedelta(days=rng.randint(14, 60)),
                    answer_by=offered_on + timedelta(days=rng.randint(14, 28)),
                    status=status,
                    return_reason=rng.choice(reasons) if status == VacancyOffer.Status.RETURNED else "",
                    offered_by_id=staff_of[organisation_of[dwelling.department_id]],
                    created_at=now - (today - offered_on),
                )
            )
        offers = bulk(VacancyOffer, offers, label="vacancy offers")

        # --- Citizens and their homelessness cases -----------------------------------------
        shelters = bulk(Shelter, [Shelter(name=name) for name in SHELTERS], label="shelters")
        groups = list(TargetGroup.values)  # family, youth, single_adult
        citizens = bulk(
            Citizen,
            [
                Citizen(
                    name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    # cpr left empty: encrypting 5,000 numbers is slow and no list page shows it.
                    birth_date=today - timedelta(days=rng.randint(18 * 365, 70 * 365)),
                    phone=f"2{rng.randint(0, 9_999_999):07d}",
                    max_rent=rng.randint(2_500, 8_000),
                    target_group=rng.choices(groups, weights=[25, 30, 45])[0],
                    created_at=now - timedelta(days=rng.randint(0, 900)),
                )
                for _ in range(args.citizens)
            ],
            label="citizens",
        )
        # Per citizen: in shelter now (~60 %, 1–120 days), closed (~10 %), or neither.
        plans = []
        for citizen in citizens:
            roll = rng.random()
            in_shelter_days = rng.randint(1, 120) if roll < 0.60 else None
            closed = 0.60 <= roll < 0.70
            opened_on = today - timedelta(days=rng.randint(1, 900))
            if in_shelter_days is not None:
                opened_on = min(opened_on, today - timedelta(days=in_shelter_days))
            plans.append((opened_on, citizen, in_shelter_days, closed))
        plans.sort(key=lambda plan: plan[0])  # references follow the opening date
        per_year = Counter()
        cases = []
        for opened_on, citizen, _days, closed in plans:
            per_year[opened_on.year] += 1
            closed_on = min(today, opened_on + timedelta(days=rng.randint(30, 400))) if closed else None
            cases.append(
                Case(
                    reference=f"SAG-{opened_on.year}-{per_year[opened_on.year]:05d}",
                    citizen=citizen,
                    kind=Case.Kind.HOMELESSNESS,
                    team=team,
                    opened_on=opened_on,
                    closed_on=closed_on,
                    close_reason=rng.choice([Case.CloseReason.HOUSED, Case.CloseReason.MOVED_AWAY]) if closed else "",
                    created_by=rng.choice(caseworker_users),
                )
            )
        cases = bulk(Case, cases, label="cases")
        for year, last in per_year.items():
            Sequence.objects.update_or_create(name=f"SAG-{year}", defaults={"last": last})

        # Shelter stays: the open one, and for ~40 % an earlier, ended stay.
        stays = []
        exits = list(ShelterStay.Exit.values)
        for case, (opened_on, _citizen, in_shelter_days, _closed) in zip(cases, plans, strict=True):
            if in_shelter_days is not None:
                stays.append(
                    ShelterStay(
                        case=case,
                        shelter=rng.choice(shelters),
                        entered_on=today - timedelta(days=in_shelter_days),
                    )
                )
            if rng.random() < 0.4:
                entered = opened_on - timedelta(days=rng.randint(0, 60))
                left = entered + timedelta(days=rng.randint(5, 150))
                if in_shelter_days is not None:
                    left = min(left, today - timedelta(days=in_shelter_days + 1))
                if left >= entered:
                    stays.append(
                        ShelterStay(
                            case=case,
                            shelter=rng.choice(shelters),
                            entered_on=entered,
                            left_on=left,
                            exit=rng.choice(exits),
                        )
                    )
        bulk(ShelterStay, stays, label="shelter stays")

        # Each case assigned to one caseworker: django-guardian direct-FK grants.
        permissions = list(
            Permission.objects.filter(content_type__app_label="cases", codename__in=["view_case", "change_case"])
        )
        if len(permissions) != 2:
            fail("the cases.view_case / cases.change_case permissions are missing (did migrate run?).")
        bulk(
            CaseUserObjectPermission,
            [
                CaseUserObjectPermission(
                    content_object_id=case.pk, user_id=caseworker_users[i % len(caseworker_users)].pk, permission=perm
                )
                for i, case in enumerate(cases)
                for perm in permissions
            ],
            label="guardian grants",
        )

        # Placements, so the "no home already on the way" exclusion has rows to look at:
        # the housed closed cases moved into accepted offers; ~8 % of the open cases have a
        # home on the way (matched or accepted offer); ~4 % declined a since-returned offer.
        by_status = {status: [o for o in offers if o.status == status] for status in VacancyOffer.Status.values}
        for offer_list in by_status.values():
            rng.shuffle(offer_list)
        placements = []

        def placement(case, offer, status, **extra):
            placements.append(
                Placement(
                    case=case,
                    offer=offer,
                    status=status,
                    proposed_by_id=rng.choice(caseworker_users).pk,
                    created_at=now - timedelta(days=rng.randint(1, 60)),
                    **extra,
                )
            )

        for case in cases:
            if case.closed_on and case.close_reason == Case.CloseReason.HOUSED and by_status["accepted"]:
                placement(case, by_status["accepted"].pop(), Placement.Status.MOVED_IN, move_in_on=case.closed_on)
            elif case.closed_on is None:
                roll = rng.random()
                if roll < 0.04 and by_status["matched"]:
                    placement(case, by_status["matched"].pop(), Placement.Status.PROPOSED)
                elif roll < 0.08 and by_status["accepted"]:
                    placement(
                        case,
                        by_status["accepted"].pop(),
                        rng.choice([Placement.Status.ACCEPTED, Placement.Status.LEASE_SIGNED]),
                        move_in_on=today + timedelta(days=rng.randint(5, 40)),
                    )
                elif roll < 0.12 and by_status["returned"]:
                    placement(
                        case, by_status["returned"].pop(), Placement.Status.DECLINED, declined_reason="For langt væk"
                    )
        bulk(Placement, placements, label="placements")

    seeded = time.perf_counter() - started
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


def pick_personas():
    """The caseworker, a case of theirs for the case page, a name to search for, and two open
    offers for the matching page: the one with the most candidates and one with few."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Exists, OuterRef, Q

    from cases.models import Case, CaseUserObjectPermission, Placement, ShelterStay
    from cases.selectors.allocation import FITTING_GROUPS
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

    # Candidates per open offer (same rules as cases.selectors.allocation.candidates_for_offer).
    open_cases = list(
        Case.objects.filter(closed_on__isnull=True, kind="homelessness")
        .exclude(Exists(Placement.objects.filter(case=OuterRef("pk"), status__in=Placement.ACTIVE)))
        .values_list("citizen__max_rent", "citizen__target_group")
    )
    subsidy = settings.ALLOCATION_MAX_SUBSIDY

    def candidates(offer):
        groups = FITTING_GROUPS[offer.dwelling.kind]
        return sum(1 for rent, group in open_cases if group in groups and rent >= offer.monthly_rent - subsidy)

    open_offers = [
        (candidates(offer), offer.pk)
        for offer in VacancyOffer.objects.filter(
            status=VacancyOffer.Status.OFFERED, dwelling__department__allocation_stop=False
        ).select_related("dwelling")
    ]
    if not open_offers:
        fail("no open vacancy offer.")
    open_offers.sort()
    many = open_offers[-1]
    few = next((o for o in open_offers if o[0] >= 5), open_offers[0])
    visible_open = Case.objects.filter(Q(team__members__user=user) | Q(user_grants__user=user)).distinct()
    return {
        "user": user,
        "case": case,
        "name": name,
        "offer_many": many,
        "offer_few": few,
        "open_cases_visible": visible_open.filter(closed_on__isnull=True).count(),
        "open_offers": len(open_offers),
    }


def print_counts():
    from django.contrib.auth import get_user_model
    from django.db import connection
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
            work_mem = cursor.fetchone()[0]
            cursor.execute("SELECT current_setting('jit'), current_setting('jit_above_cost')")
            jit, jit_above_cost = cursor.fetchone()
            # JIT matters here: see "JIT" in tests/perf/README.md.
            print(f"shared_buffers={shared_buffers} work_mem={work_mem} jit={jit} jit_above_cost={jit_above_cost}")
    else:
        print(f"\n{connection.vendor} {connection.Database.sqlite_version}")


def shown_rows(html: str, *, row_marker: str | None):
    """The case list's "N sager" (row_marker None), else how often the row_marker regex matches."""
    if row_marker is None:
        match = re.search(r'<p class="mt-5" role="status">\s*(\d+)', html)
        return int(match.group(1)) if match else None
    return len(re.findall(row_marker, html))


def explain(label, result):
    """Print every query of one request, then EXPLAIN ANALYZE the three slowest."""
    from django.db import connection

    captured = result["captured"]
    print(f"\n=== {label}: {len(captured)} queries (ms when captured) ===")
    for n, q in enumerate(captured, 1):
        print(f"  {n:>2}. {float(q['time']) * 1000:7.1f}  {q['sql'][:160]}")
    slowest = sorted(
        (q for q in captured if q["sql"].lstrip().upper().startswith("SELECT")),
        key=lambda q: float(q["time"]),
        reverse=True,
    )[:3]
    for q in slowest:
        print(f"\n--- slow query ({float(q['time']) * 1000:.1f} ms when captured)\n{q['sql']}\n")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
            for (line,) in cursor.fetchall():
                print(f"    {line}")


def run(args) -> int:
    from django.db import connection
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
    print(
        f"\nTiming {args.requests} requests per page after one warm-up (django.test.Client, in-process); "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}\n"
    )
    header = f"{'page':<40}{'rows':>7}{'queries':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
    print(header)
    print("-" * len(header))
    results = {}
    for label, url, expect, row_marker in pages:
        searching = label.startswith("case list, q=")
        if searching:
            client.post("/cases/", {"q": personas["name"], "status": "open"})
        result = measure(client, url, requests=args.requests, expect=expect)
        result["rows"] = shown_rows(client.get(url).content.decode(), row_marker=row_marker)
        if searching:
            client.post("/cases/", {"q": "", "status": "open"})
        result["repeated"] = repeated_queries(result["captured"])
        results[label] = result
        ok = not result["repeated"] and result["p95"] <= TARGET_P95_MS
        rows = f"{result['rows']:,}" if result["rows"] is not None else "–"
        print(
            f"{label:<40}{rows:>7}{result['queries']:>9}{result['p50']:>9.1f}"
            f"{result['p95']:>9.1f}{result['max']:>9.1f}  {'ok' if ok else 'MISSES TARGET'}"
        )
    for label, result in results.items():
        for count, sql in result["repeated"]:
            print(f"  {label}: the same query {count}× per request (N+1?): {sql[:110]}…")
    # Constant queries: the variants of one view (more or fewer rows) must make the same number.
    for view in ("case list", "matching page"):
        counts = {label: r["queries"] for label, r in results.items() if label.startswith(view)}
        if len(set(counts.values())) > 1:
            print(f"  {view}: the number of queries depends on the data: {counts}")
            for label in counts:
                results[label]["repeated"].append((counts[label], "query count differs between variants"))
    print(f"\nLoad average after timing: {os.getloadavg()[0]:.2f} (other work on the machine skews p95/max)")
    print(f"Target: constant queries (none repeated per row) and p95 ≤ {TARGET_P95_MS:.0f} ms")
    print("(rows: cases found on the case lists, offers / candidates shown on the other pages)")
    if args.explain and connection.vendor != "postgresql":
        print("--explain needs PostgreSQL.")
    elif args.explain:
        for label, result in results.items():
            explain(label, result)
    connection.close()
    missed = [label for label, r in results.items() if r["repeated"] or r["p95"] > TARGET_P95_MS]
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
        print("--reuse: measuring the cases and offers already in the database (no seeding).")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
