"""Seeding for bench_cases.py: invented housing, dwellings, vacancy offers, citizens,
homelessness cases, shelter stays, grants and placements. The rows are built as model
instances (so Django's defaults and field conversions apply) and loaded with COPY on
PostgreSQL (bulk_create elsewhere): 50,000 citizens and 100,000 offers in well under a
minute. See "The seeded data" under bench_cases.py in README.md.

Not a test module: pytest collects nothing here.
"""

import random
import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from _bench import FIRST, LAST, STREETS, bulk, fail, vacuum_analyze, valid_cvr

USER_PREFIX = "benchcases-"
TEAM_NAME = "Hjemløseenheden"

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


def load(model, objects, *, label: str):
    """Insert the unsaved objects with COPY and give them their pks (bulk_create if not PostgreSQL).

    The ids are reserved from the table's sequence first, so the objects can be referred
    to right away, as after bulk_create.
    """
    from django.db import connection

    if connection.vendor != "postgresql" or not objects:
        return bulk(model, objects, label=label)
    meta = model._meta
    fields = [field for field in meta.concrete_fields if field is not meta.pk]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, %s), nextval(pg_get_serial_sequence(%s, %s)) + %s - 1)",
            [meta.db_table, meta.pk.column, meta.db_table, meta.pk.column, len(objects)],
        )
        first = cursor.fetchone()[0] - len(objects) + 1
    columns = ", ".join(connection.ops.quote_name(name) for name in [meta.pk.column, *(f.column for f in fields)])
    raw = connection.connection.cursor()  # the same connection and transaction as Django's
    with raw.copy(f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN") as copy:
        for pk, obj in enumerate(objects, first):
            obj.pk = pk
            obj._state.adding, obj._state.db = False, connection.alias
            copy.write_row([pk, *(field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields)])
    print(f"  {label:<28} {len(objects):>9,}  (COPY)")
    return objects


def seed(args) -> None:
    """Seed args.citizens citizens with one case each, args.offers offers, in one transaction."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db import transaction
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
    print("Seeding (COPY for the large tables, bulk_create for the rest):")

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
        dwellings = load(Dwelling, dwellings, label="dwellings")

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

        # --- Vacancy offers: ~30 % open, the rest matched / accepted / returned / withdrawn
        weights = {"offered": 30, "matched": 15, "accepted": 35, "returned": 18, "withdrawn": 2}
        statuses = rng.choices(list(weights), weights=list(weights.values()), k=args.offers)
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
        offers = load(VacancyOffer, offers, label="vacancy offers")

        # --- Citizens and their homelessness cases -----------------------------------------
        shelters = bulk(Shelter, [Shelter(name=name) for name in SHELTERS], label="shelters")
        groups = list(TargetGroup.values)  # family, youth, single_adult
        citizens = load(
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
        for opened_on, citizen, days, closed in plans:
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
                    # what stay_start keeps on the case
                    in_shelter_since=today - timedelta(days=days) if days is not None else None,
                )
            )
        cases = load(Case, cases, label="cases")
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
        load(ShelterStay, stays, label="shelter stays")

        # Each case assigned to one caseworker: django-guardian direct-FK grants.
        permissions = list(
            Permission.objects.filter(content_type__app_label="cases", codename__in=["view_case", "change_case"])
        )
        if len(permissions) != 2:
            fail("bench_cases", "the cases.view_case / cases.change_case permissions are missing (did migrate run?).")
        load(
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
        load(Placement, placements, label="placements")

    vacuum_analyze(started)
