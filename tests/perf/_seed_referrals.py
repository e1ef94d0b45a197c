"""Seeding for bench_referrals.py: invented districts, departments, advisors, contact
persons and concerns, bulk-created. See "The seeded data" in README.md.

Not a test module: pytest collects nothing here.
"""

import math
import random
import time
from collections import Counter, defaultdict
from datetime import timedelta

from _bench import BATCH, FIRST, LAST, STREETS, bulk, vacuum_analyze, valid_cvr

USER_PREFIX = "bench-"
DESCRIPTION = (
    "Beboeren er ikke set i flere uger, postkassen er fuld, og naboerne siger, at der lugter fra "
    "lejemålet. Ejendomsfunktionæren har banket på uden svar. "
)


def seed(args) -> None:
    """Seed args.concerns concerns over args.departments departments, in one transaction."""
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
        # How closed concerns end, by weight. CASE_OPENED is left out: it needs a linked case.
        outcomes = {
            Referral.Outcome.NO_ACTION: 3,
            Referral.Outcome.HANDLED_BY_ADVISOR: 5,
            Referral.Outcome.OTHER_SOCIAL_SERVICES: 4,
            Referral.Outcome.OTHER_AUTHORITY: 1,
            Referral.Outcome.DUPLICATE: 1,
        }
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
                    outcome=rng.choices(list(outcomes), weights=list(outcomes.values()))[0] if not is_open else "",
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

    vacuum_analyze(started)
