"""Build a believable, invented Copenhagen-like world with the demo logins.

Every name here is made up; none comes from the source documents. Running the
command twice changes nothing: every row is found by its natural key first.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cases.demo import seed_demo_cases
from contacts.models import Advisor, Appointment, AssociationStaff, ContactPerson, Team
from contacts.services import administrators_group_ensure
from housing.models import Department, District, Dwelling, HousingOrganisation
from notifications.models import Notification
from referrals.demo import seed_demo_concerns

DEMO_PASSWORD = "bindeled-demo"

ORGANISATIONS = [
    # name, short name, CVR (valid modulus 11, invented)
    ("Boligselskabet Solsikken", "BSS", "12345674"),
    ("Hovedstadens Almene Boliger", "HAB", "21436585"),
    ("Boligforeningen Ringen", "BFR", "31457610"),
    ("Fællesboligerne Øresund", "FØ", "41726350"),
    ("Andelsforeningen Bikuben", "AFB", "51627385"),
]

DISTRICTS = [
    # name, disadvantaged area
    ("Nørrebro", True),
    ("Bispebjerg", True),
    ("Amager Øst", True),
    ("Amager Vest", False),
    ("Valby", False),
    ("Vesterbro/Kgs. Enghave", True),
    ("Østerbro", False),
    ("Brønshøj-Husum", True),
]

ESTATE_NAMES = [
    "Lindegården",
    "Rønnebærparken",
    "Kastanjehaven",
    "Svalereden",
    "Hyldebakken",
    "Stærekassen",
    "Pilegården",
    "Egeparken",
    "Tranehaven",
    "Kløvermarken",
    "Spurvehusene",
    "Birkely",
    "Mågestien",
    "Valmuehaven",
    "Ahornparken",
    "Havnegården",
    "Hasselbo",
    "Fyrrehøj",
    "Solbakken",
    "Ravnsborg Have",
    "Tjørnelunden",
    "Grønnegården",
    "Skovbrynet",
    "Vibehuset",
    "Humlehaven",
    "Sankt Knuds Gård",
    "Pæregården",
    "Bøgebakken",
    "Engblommen",
    "Kirsebærhaven",
    "Vandkunsten",
    "Ørnereden",
    "Mosegården",
    "Lærkehøj",
    "Strandlysten",
    "Rosenly",
    "Nøddebo",
    "Hvedemarken",
    "Granhaven",
    "Ugleparken",
]

STREETS = {
    "Nørrebro": ["Ravnsborg Tværgade", "Blågårdsvej", "Mimersgade", "Rovsingsgade", "Heimdalsgade"],
    "Bispebjerg": ["Tagensvej", "Frederiksborgvej", "Rentemestervej", "Bispebjerg Bakke"],
    "Amager Øst": ["Øresundsvej", "Amagerbrogade", "Holmbladsgade", "Lergravsvej"],
    "Amager Vest": ["Englandsvej", "Gerbrandsvej", "Sundholmsvej", "Brydes Allé"],
    "Valby": ["Valby Langgade", "Toftegårds Allé", "Gammel Køge Landevej", "Vigerslevvej"],
    "Vesterbro/Kgs. Enghave": ["Sydhavnsgade", "Mozarts Plads", "Wagnersvej", "Enghavevej"],
    "Østerbro": ["Vognmandsmarken", "Ryesgade", "Lyngbyvej", "Strandboulevarden"],
    "Brønshøj-Husum": ["Tingbjerg Allé", "Husumvej", "Frederikssundsvej", "Utterslev Torv"],
}

POSTAL_CODES = {
    "Nørrebro": "2200",
    "Bispebjerg": "2400",
    "Amager Øst": "2300",
    "Amager Vest": "2300",
    "Valby": "2500",
    "Vesterbro/Kgs. Enghave": "2450",
    "Østerbro": "2100",
    "Brønshøj-Husum": "2700",
}

TEAMS = ["Boligrådgivningen Nord", "Boligrådgivningen Syd", "Boligrådgivningen Vest", "Hjemløseenheden"]

FIRST_NAMES = [
    "Anne",
    "Bent",
    "Camilla",
    "Dorthe",
    "Erik",
    "Frida",
    "Gustav",
    "Hanne",
    "Ib",
    "Jette",
    "Kasper",
    "Lone",
    "Mads",
    "Nanna",
    "Ole",
    "Pia",
    "Rasmus",
    "Sanne",
    "Tobias",
    "Ulla",
    "Vagn",
    "Yasmin",
    "Ahmed",
    "Birgit",
    "Carsten",
    "Dina",
    "Emil",
    "Fatima",
    "Gert",
    "Helle",
]
LAST_NAMES = [
    "Holmgaard",
    "Vestergaard",
    "Brix",
    "Kjærsgaard",
    "Lindholm",
    "Maagaard",
    "Nørskov",
    "Overgaard",
    "Quist",
    "Rosendahl",
    "Skovmand",
    "Thygesen",
    "Uhrenholt",
    "Winther",
    "Aagaard",
]

# (username, first, last, role, extra) — the logins design.md promises.
DEMO_LOGINS = [
    ("admin", "Ada", "Administrator", "administrator", {}),
    ("kp.noerrebro", "Kirsten", "Kløvermark", "contact_person", {"district": "Nørrebro", "count": 2}),
    ("kp.amager", "Karim", "Kastrupgaard", "contact_person", {"district": "Amager Øst", "count": 1}),
    (
        "raad.noerrebro",
        "Rikke",
        "Rådgaard",
        "advisor",
        {"team": "Boligrådgivningen Nord", "districts": ["Nørrebro", "Bispebjerg"]},
    ),
    (
        "raad.amager",
        "Rune",
        "Amagerlund",
        "advisor",
        {"team": "Boligrådgivningen Syd", "districts": ["Amager Øst", "Amager Vest"]},
    ),
    ("hjem.sag", "Hilda", "Hjortshøj", "caseworker", {"team": "Hjemløseenheden"}),
    ("bl.org", "Bo", "Boligholm", "association_staff", {"organisation": "BSS"}),
]


class Command(BaseCommand):
    help = "Fill the database with an invented demo world and the demo logins (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo kører kun med DEBUG slået til – aldrig mod rigtige data.")
        started = timezone.now()
        with transaction.atomic():
            organisations = self._organisations()
            districts = self._districts()
            departments = self._departments(organisations, districts)
            self._dwellings(departments)
            teams = {name: Team.objects.get_or_create(name=name)[0] for name in TEAMS}
            self._people(departments, districts, teams)
            self._demo_logins(departments, districts, teams, organisations)
            concerns = seed_demo_concerns()
            cases = seed_demo_cases()
            # The demo's invented events queue e-mails nobody waits for: drop them
            # before the after-commit sends find them.
            Notification.objects.filter(created_at__gte=started).delete()
        self.stdout.write(f"{len(departments)} afdelinger, {concerns} bekymringshenvendelser, {cases} borgersager.")
        self.stdout.write(self.style.SUCCESS("Demodata er klar. Logins (adgangskode: bindeled-demo):"))
        for username, _first, _last, role, _extra in DEMO_LOGINS:
            self.stdout.write(f"  {username:<16} {role}")

    def _organisations(self):
        return {
            short: HousingOrganisation.objects.get_or_create(short_name=short, defaults={"name": name, "cvr": cvr})[0]
            for name, short, cvr in ORGANISATIONS
        }

    def _districts(self):
        return {
            name: District.objects.get_or_create(name=name, defaults={"is_disadvantaged": flag})[0]
            for name, flag in DISTRICTS
        }

    def _departments(self, organisations, districts):
        departments = []
        org_list = list(organisations.values())
        for index, estate in enumerate(ESTATE_NAMES):
            district_name = DISTRICTS[index % len(DISTRICTS)][0]
            organisation = org_list[index % len(org_list)]
            street = STREETS[district_name][index % len(STREETS[district_name])]
            stop = index % 13 == 5
            department, _ = Department.objects.get_or_create(
                organisation=organisation,
                number=str(100 + index * 7),
                defaults={
                    "name": estate,
                    "district": districts[district_name],
                    "address": f"{street} {10 + index}",
                    "postal_code": POSTAL_CODES[district_name],
                    "number_of_homes": 40 + (index * 37) % 400,
                    "allocation_stop": stop,
                    "allocation_stop_reason": (
                        "Beboersammensætningen: afdelingen er på listen over udsatte boligområder." if stop else ""
                    ),
                },
            )
            departments.append(department)
        return departments

    def _dwellings(self, departments):
        for index, department in enumerate(departments):
            street = department.address.rsplit(" ", 1)[0]
            for n in range(8):
                kind = Dwelling.Kind.YOUTH if n in (0, 1) else Dwelling.Kind.ELDERLY if n == 7 else Dwelling.Kind.FAMILY
                rooms = 1 if kind == Dwelling.Kind.YOUTH else 2 + (n + index) % 3
                if kind == Dwelling.Kind.YOUTH:
                    # Youth homes are small and cheap: most young candidates can pay at most 3,000 kr.
                    area = 26 + (n * 3 + index) % 9
                    rent = Decimal(1300 + area * 60 + (index % 5) * 50)
                else:
                    area = 30 + rooms * 20 + (n * 3) % 9
                    rent = Decimal(1500 + area * 68 + (index % 5) * 120)
                Dwelling.objects.get_or_create(
                    department=department,
                    address=f"{street} {10 + index + n // 4 * 2}",
                    unit=f"{n % 4 + 1}. {'th' if n % 2 else 'tv'}.",
                    defaults={"kind": kind, "rooms": rooms, "area_m2": area, "monthly_rent": rent},
                )

    def _user(self, username, first, last, *, login=False):
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.bindeled.dk"},
        )
        if created:
            if login:
                user.set_password(DEMO_PASSWORD)
            else:
                user.set_unusable_password()
            user.save(update_fields=["password"])
        return user

    def _people(self, departments, districts, teams):
        """Contact persons in every department and advisors covering every district."""
        capacities = list(Appointment.Capacity.values)
        for index, department in enumerate(departments):
            for slot in range(1 + index % 2):
                first = FIRST_NAMES[(index * 3 + slot) % len(FIRST_NAMES)]
                last = LAST_NAMES[(index + slot * 5) % len(LAST_NAMES)]
                user = self._user(f"kp.{department.pk}.{slot}", first, last)
                person, _ = ContactPerson.objects.get_or_create(
                    user=user, defaults={"phone": f"2{index:03d} {slot}{index % 10}{slot} 0{slot}"}
                )
                Appointment.objects.get_or_create(
                    contact_person=person,
                    department=department,
                    defaults={
                        "capacity": capacities[(index + slot) % len(capacities)],
                        "appointed_on": date(2023, 1 + index % 12, 1),
                    },
                )
        coverage = {
            "Boligrådgivningen Nord": ["Nørrebro", "Bispebjerg", "Østerbro", "Brønshøj-Husum"],
            "Boligrådgivningen Syd": ["Amager Øst", "Amager Vest"],
            "Boligrådgivningen Vest": ["Valby", "Vesterbro/Kgs. Enghave"],
        }
        for index, (team_name, district_names) in enumerate(coverage.items()):
            for slot in range(2):
                first = FIRST_NAMES[(index * 7 + slot + 11) % len(FIRST_NAMES)]
                last = LAST_NAMES[(index * 2 + slot + 3) % len(LAST_NAMES)]
                user = self._user(f"raad.{index}.{slot}", first, last)
                advisor, created = Advisor.objects.get_or_create(
                    user=user,
                    defaults={
                        "team": teams[team_name],
                        "function": Advisor.Function.HOUSING_ADVISOR
                        if slot == 0
                        else Advisor.Function.HOUSING_SOCIAL_WORKER,
                        "phone": f"3366 {index}{slot}{index}{slot}",
                    },
                )
                if created:
                    advisor.districts.set([districts[name] for name in district_names])

    def _demo_logins(self, departments, districts, teams, organisations):
        group = administrators_group_ensure()
        for username, first, last, role, extra in DEMO_LOGINS:
            user = self._user(username, first, last, login=True)
            if role == "administrator":
                if not user.is_staff:
                    user.is_staff = True
                    user.save(update_fields=["is_staff"])
                user.groups.add(group)
            elif role == "contact_person":
                person, _ = ContactPerson.objects.get_or_create(user=user, defaults={"phone": "2012 3456"})
                in_district = [d for d in departments if d.district.name == extra["district"]]
                for department, capacity in zip(
                    in_district[: extra["count"]],
                    [Appointment.Capacity.LEAD_CARETAKER, Appointment.Capacity.VOLUNTEER],
                    strict=False,
                ):
                    Appointment.objects.get_or_create(
                        contact_person=person,
                        department=department,
                        defaults={"capacity": capacity, "appointed_on": date(2024, 3, 1)},
                    )
            elif role in ("advisor", "caseworker"):
                advisor, created = Advisor.objects.get_or_create(
                    user=user,
                    defaults={
                        "team": teams[extra["team"]],
                        "function": Advisor.Function.HOUSING_ADVISOR
                        if role == "advisor"
                        else Advisor.Function.HOMELESSNESS_CASEWORKER,
                        "phone": "3366 0000",
                    },
                )
                if created and extra.get("districts"):
                    advisor.districts.set([districts[name] for name in extra["districts"]])
            elif role == "association_staff":
                AssociationStaff.objects.get_or_create(
                    user=user, defaults={"organisation": organisations[extra["organisation"]], "phone": "7012 3400"}
                )
