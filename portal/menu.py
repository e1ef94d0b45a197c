"""The main menu: the pages each role works in, built here so templates test no roles."""

from dataclasses import dataclass
from fnmatch import fnmatchcase

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from contacts.roles import Role, role_of


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url: str
    active: bool


# Per role: (label, URL name, the pages it covers). A page is a URL name, a namespace
# ("cases" means all of it) or a shell pattern; "!" excludes, so "Sager" covers the
# cases namespace except the cohort page, which has its own item.
_START = (_("Forside"), "start", ("start",))
_DEPARTMENTS = (_("Afdelinger"), "contacts:department_list", ("contacts:department_*",))
_OFFERS = (_("Ledige boliger"), "allocation:offer_list", ("allocation",))
_CASES = (_("Sager"), "cases:list", ("cases", "!cases:cohorts"))
MENUS = {
    Role.CONTACT_PERSON: (
        _START,
        (_("Meld en bekymring"), "referrals:new", ("referrals:new", "referrals:rules")),
        (_("Mine henvendelser"), "referrals:list", ("referrals", "!referrals:new", "!referrals:rules")),
        (_("Hvem skal jeg ringe til?"), "contacts:department_list", ("contacts:department_*",)),
    ),
    Role.ADVISOR: (_START, (_("Henvendelser"), "referrals:list", ("referrals",)), _CASES, _DEPARTMENTS),
    Role.CASEWORKER: (_START, _CASES, _OFFERS, (_("Forsøg"), "cases:cohorts", ("cases:cohorts",)), _DEPARTMENTS),
    Role.ASSOCIATION_STAFF: (_START, _OFFERS, _DEPARTMENTS),
    Role.ADMINISTRATOR: (_START, (_("Administration"), "admin:index", ("admin",))),
}


def _matches(current: str, namespace: str, patterns: tuple[str, ...]) -> bool:
    def match(pattern: str) -> bool:
        return fnmatchcase(current, pattern) or namespace == pattern

    included = any(match(p) for p in patterns if not p.startswith("!"))
    return included and not any(match(p[1:]) for p in patterns if p.startswith("!"))


def menu_for(user: User | AnonymousUser, request: HttpRequest) -> list[MenuItem]:
    """The menu of the signed-in user's role, with the item of the current page marked."""
    match = getattr(request, "resolver_match", None)
    current = (f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name) if match else ""
    namespace = match.namespace if match else ""
    return [
        MenuItem(label=label, url=reverse(name), active=bool(match) and _matches(current, namespace, patterns))
        for label, name, patterns in MENUS.get(role_of(user), (_START,))
    ]
