"""Seeding for bench_referrals.py: invented districts, departments, advisors and contact
persons (bulk-created), and concerns with their categories and grants (generated in
PostgreSQL with INSERT … SELECT generate_series). See "The seeded data" in README.md.

Not a test module: pytest collects nothing here.
"""

import random
import time
from collections import defaultdict

from _bench import BATCH, FIRST, LAST, STREETS, bulk, vacuum_analyze, valid_cvr

USER_PREFIX = "bench-"
DESCRIPTION = (
    "Beboeren er ikke set i flere uger, postkassen er fuld, og naboerne siger, at der lugter fra "
    "lejemålet. Ejendomsfunktionæren har banket på uden svar. "
)


def seed(args) -> None:
    """Seed args.concerns concerns over args.departments departments, in one transaction."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from contacts.models import CONCERN_FUNCTIONS, Advisor, Appointment, ContactPerson, RulesAcceptance, Team
    from housing.models import Department, District, HousingOrganisation

    if connection.vendor != "postgresql":
        raise SystemExit("bench_referrals: seeding needs PostgreSQL (INSERT … SELECT generate_series); use --reuse")

    User = get_user_model()
    rng = random.Random(args.seed)
    now = timezone.now()
    started = time.perf_counter()
    print(f"Seeding (bulk_create in batches of {BATCH:,}, concerns in SQL):")

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

        # Concerns, their categories and grants: INSERT … SELECT over generate_series in
        # PostgreSQL, so a million concerns take minutes, not hours.
        _seed_concerns(
            args,
            departments=departments,
            contact_persons=contact_persons,
            covered_by=covered_by,
            advisor_user_ids=[user.pk for user in advisor_users],
            teams=teams,
            advisors=advisors,
        )

    vacuum_analyze(started)


def _seed_concerns(args, *, departments, contact_persons, covered_by, advisor_user_ids, teams, advisors) -> None:
    """args.concerns concerns over the last two years, as the Python seeding made them:

    Zipf-like weights per department (a few departments file far more than the rest),
    about 30 % open (recent ones more often), 3 % acute, 1–3 categories each, about
    half of the acknowledged ones assigned (3 % of those to a random advisor, with a
    django-guardian grant when that advisor does not cover the district), and a few
    concerns granted to a team's group.
    """
    from django.contrib.auth.models import Group, Permission
    from django.db import connection

    from referrals.models import CATEGORY_BITS, AcuteReason, Category, Referral
    from referrals.services.filing import place_key

    rng = random.Random(args.seed)
    weights = [1 / (rank + 5) ** 0.9 for rank in range(len(departments))]
    rng.shuffle(weights)
    total = sum(weights)
    slots = 200_000
    slot_department, slot_reporter, slot_district = [], [], []
    for department, contact_person, weight in zip(departments, contact_persons, weights, strict=True):
        for _ in range(max(1, round(weight / total * slots))):
            slot_department.append(department.pk)
            slot_reporter.append(contact_person.user_id)
            slot_district.append(department.district_id)
    coverage = [
        (district_id, k, user_id) for district_id, users in covered_by.items() for k, user_id in enumerate(users)
    ]
    units = ["", "st. tv.", "1. th.", "2. tv.", "3. th.", "4. mf."]
    # place_key() of "<street> <n>" and a unit is norm(street) + n + "|" + norm(unit).
    street_keys = [place_key(street, "").removesuffix("|") for street in STREETS]
    unit_keys = [place_key("", unit).removeprefix("|") for unit in units]
    assert place_key(f"{STREETS[0]} 7", units[2]) == f"{street_keys[0]}7|{unit_keys[2]}"
    categories = [
        code
        for code, weight in zip(Category.values, [4, 2, 2, 3, 2, 2, 1, 2, 2, 3, 1], strict=True)
        for _ in range(weight)
    ]
    # How closed concerns end, by weight. CASE_OPENED is left out: it needs a linked case.
    outcomes = [
        code
        for code, weight in [
            (Referral.Outcome.NO_ACTION, 3),
            (Referral.Outcome.HANDLED_BY_ADVISOR, 5),
            (Referral.Outcome.OTHER_SOCIAL_SERVICES, 4),
            (Referral.Outcome.OTHER_AUTHORITY, 1),
            (Referral.Outcome.DUPLICATE, 1),
        ]
        for _ in range(weight)
    ]
    view_change = {
        p.codename: p.pk
        for p in Permission.objects.filter(
            content_type__app_label="referrals", codename__in=["view_referral", "change_referral"]
        )
    }
    groups = []
    for team in teams:
        group = Group.objects.create(name=f"{USER_PREFIX}{team.name}")
        group.user_set.add(*[advisor.user_id for advisor in advisors if advisor.team_id == team.pk])
        groups.append(group.pk)

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [(args.seed % 1000) / 1000])
        cursor.execute(
            "CREATE TEMP TABLE bench_slot ON COMMIT DROP AS SELECT * FROM unnest(%s::bigint[], %s::int[], %s::bigint[])"
            " WITH ORDINALITY AS s(department_id, reporter_id, district_id, slot)",
            [slot_department, slot_reporter, slot_district],
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_cover ON COMMIT DROP AS SELECT * FROM unnest(%s::bigint[], %s::int[], %s::int[])"
            " AS c(district_id, k, user_id)",
            [[c[0] for c in coverage], [c[1] for c in coverage], [c[2] for c in coverage]],
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_cover_n ON COMMIT DROP AS"
            " SELECT district_id, count(*) AS n FROM bench_cover GROUP BY district_id"
        )
        # One random number per decision, drawn once, so every expression below that
        # reads it sees the same value.
        draws = [
            "open", "acute", "ack", "assign", "far", "adv", "any_adv", "ack_hours", "close_days", "outcome",
            "street", "number", "unit", "first", "last", "children", "descr", "observed", "source", "reason",
            "consent",
        ]  # fmt: skip
        cursor.execute(
            "CREATE TEMP TABLE bench_draw ON COMMIT DROP AS SELECT g AS i, "
            "now() - interval '730 days' * random() AS created_at, "
            f"1 + floor(random() * {len(slot_department)})::int AS slot, "
            + ", ".join(f"random() AS r_{name}" for name in draws)
            + " FROM generate_series(1, %s) AS g",
            [args.concerns],
        )
        cursor.execute(
            """
            CREATE TEMP TABLE bench_state ON COMMIT DROP AS
            SELECT d.*, s.department_id, s.reporter_id, s.district_id, n.n AS advisers_here,
                   d.r_open < least(1.0, 0.22 + 0.95 * exp(-extract(epoch FROM now() - d.created_at) / 86400 / 60))
                       AS is_open,
                   extract(year FROM d.created_at AT TIME ZONE %s)::int AS year
            FROM bench_draw d JOIN bench_slot s USING (slot) LEFT JOIN bench_cover_n n USING (district_id)
            """,
            [settings_time_zone()],
        )
        cursor.execute(
            """
            CREATE TEMP TABLE bench_who ON COMMIT DROP AS
            SELECT st.*, (NOT st.is_open OR st.r_ack < 0.6) AS acknowledged,
                   CASE WHEN (NOT st.is_open OR st.r_ack < 0.6) AND st.r_assign < 0.5 THEN
                        CASE WHEN st.r_far < 0.03 THEN (%s::int[])[1 + floor(st.r_any_adv * %s)::int]
                             ELSE here.user_id END
                   END AS assigned_to_id,
                   here.user_id AS adviser_here
            FROM bench_state st
            LEFT JOIN bench_cover here
              ON here.district_id = st.district_id AND here.k = floor(st.r_adv * st.advisers_here)::int
            """,
            [advisor_user_ids, len(advisor_user_ids)],
        )
        # Each concern's categories (1–3, weighted) and their bits, drawn before the
        # concerns are inserted, so each row is written once with its category_mask.
        cursor.execute(
            """
            CREATE TEMP TABLE bench_cat ON COMMIT DROP AS
            SELECT DISTINCT w.i, (%s::text[])[1 + floor(random() * %s)::int] AS code
            FROM bench_who w CROSS JOIN LATERAL generate_series(1, 1 + floor(random() * 3)::int + 0 * w.i)
            """,
            [categories, len(categories)],
        )
        cursor.execute(
            """
            CREATE TEMP TABLE bench_numbered ON COMMIT DROP AS
            SELECT w.*, m.mask,
                   'BH-' || w.year || '-' || lpad(w.n::text, greatest(5, length(w.n::text)), '0') AS reference
            FROM (
                SELECT w.*, row_number() OVER (PARTITION BY year ORDER BY created_at, i) AS n,
                       CASE WHEN acknowledged THEN created_at + interval '1 hour' * (1 + 29 * r_ack_hours) END AS ack_at
                FROM bench_who w
            ) AS w
            JOIN (SELECT c.i, bit_or(b.bit) AS mask
                  FROM bench_cat c JOIN unnest(%s::text[], %s::int[]) AS b(code, bit) USING (code)
                  GROUP BY c.i) AS m USING (i)
            """,
            [list(CATEGORY_BITS), list(CATEGORY_BITS.values())],
        )
        cursor.execute(
            """
            INSERT INTO referrals_referral (
                reference, reporter_id, department_id, district_id, category_mask, address, unit, place_key, resident_name, children_present,
                description, observed_on, source, is_acute, acute_reasons, status, acknowledge_due_at,
                acknowledged_at, acknowledged_by_id, assigned_to_id, consent_to_share, closed_at, outcome,
                created_at, updated_at)
            SELECT
                reference, reporter_id, department_id, district_id, mask,
                streets[1 + floor(r_street * cardinality(streets))::int] || ' ' || (1 + floor(r_number * 120)::int),
                units[1 + floor(r_unit * cardinality(units))::int],
                street_keys[1 + floor(r_street * cardinality(streets))::int] || (1 + floor(r_number * 120)::int)
                    || '|' || unit_keys[1 + floor(r_unit * cardinality(units))::int],
                firsts[1 + floor(r_first * cardinality(firsts))::int] || ' '
                    || lasts[1 + floor(r_last * cardinality(lasts))::int],
                children[1 + floor(r_children * cardinality(children))::int],
                repeat(%(description)s, 1 + floor(r_descr * 6)::int),
                (created_at - interval '1 day' * floor(r_observed * 11))::date,
                sources[1 + floor(r_source * cardinality(sources))::int],
                r_acute < 0.03,
                CASE WHEN r_acute < 0.03 THEN jsonb_build_array(reasons[1 + floor(r_reason * cardinality(reasons))::int])
                     ELSE '[]'::jsonb END,
                CASE WHEN NOT is_open THEN 'closed' WHEN acknowledged THEN 'in_progress' ELSE 'received' END,
                created_at + interval '1 day',
                ack_at,
                CASE WHEN acknowledged THEN coalesce(assigned_to_id, adviser_here) END,
                assigned_to_id,
                r_consent < 0.3,
                CASE WHEN NOT is_open THEN ack_at + interval '1 day' * (1 + 59 * r_close_days) END,
                CASE WHEN NOT is_open THEN outcomes[1 + floor(r_outcome * cardinality(outcomes))::int] ELSE '' END,
                created_at, now()
            FROM bench_numbered AS w,
            (SELECT %(streets)s::text[] AS streets, %(street_keys)s::text[] AS street_keys, %(units)s::text[] AS units,
                    %(unit_keys)s::text[] AS unit_keys, %(firsts)s::text[] AS firsts, %(lasts)s::text[] AS lasts,
                    %(children)s::text[] AS children, %(sources)s::text[] AS sources, %(reasons)s::text[] AS reasons,
                    %(outcomes)s::text[] AS outcomes) AS lists
            ORDER BY created_at, i
            """,
            {
                "description": DESCRIPTION,
                "streets": STREETS,
                "street_keys": street_keys,
                "units": units,
                "unit_keys": unit_keys,
                "firsts": FIRST,
                "lasts": LAST,
                "children": list(Referral.Children.values),
                "sources": list(Referral.Source.values),
                "reasons": list(AcuteReason.values),
                "outcomes": [str(code) for code in outcomes],
            },
        )
        print(f"  {'concerns':<28} {cursor.rowcount:>9,}")
        cursor.execute(
            """
            INSERT INTO referrals_referralcategory (referral_id, code)
            SELECT r.id, c.code
            FROM bench_numbered w JOIN referrals_referral r USING (reference) JOIN bench_cat c USING (i)
            """
        )
        print(f"  {'concern categories':<28} {cursor.rowcount:>9,}")
        # An advisor given a concern outside their districts needs a grant to see it.
        cursor.execute(
            """
            INSERT INTO referrals_referraluserobjectpermission (permission_id, user_id, content_object_id)
            SELECT p.id, r.assigned_to_id, r.id
            FROM referrals_referral r
            JOIN housing_department d ON d.id = r.department_id
            CROSS JOIN (SELECT unnest(%s::int[]) AS id) p
            WHERE r.assigned_to_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM contacts_advisor_districts ad JOIN contacts_advisor a ON a.id = ad.advisor_id
                WHERE a.user_id = r.assigned_to_id AND ad.district_id = d.district_id)
            """,
            [list(view_change.values())],
        )
        print(f"  {'guardian grants (users)':<28} {cursor.rowcount:>9,}")
        # A team reads along on a few concerns (view only) through its group.
        cursor.execute(
            """
            INSERT INTO referrals_referralgroupobjectpermission (permission_id, group_id, content_object_id)
            SELECT %s, (%s::int[])[1 + r.id %% %s], r.id
            FROM referrals_referral r
            WHERE random() < 0.002
            """,
            [view_change["view_referral"], groups, len(groups)],
        )
        print(f"  {'guardian grants (groups)':<28} {cursor.rowcount:>9,}")
        cursor.execute(
            """
            INSERT INTO sequences_sequence (name, last)
            SELECT 'BH-' || split_part(reference, '-', 2), max(split_part(reference, '-', 3)::int)
            FROM referrals_referral GROUP BY split_part(reference, '-', 2)
            ON CONFLICT (name) DO UPDATE SET last = excluded.last
            """
        )
    print(f"  (concerns in SQL: {time.perf_counter() - started:.1f} s)")


def settings_time_zone() -> str:
    from django.conf import settings

    return settings.TIME_ZONE
