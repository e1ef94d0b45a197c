"""Small template helpers for the DKFDS look."""

from fnmatch import fnmatchcase

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def icon(name: str, label: str = "", css: str = ""):
    """An icon from the DKFDS sprite; decorative unless a label is given."""
    href = f"{static('vendor/dkfds/img/all-svg-icons.svg')}#{name}"
    classes = f"icon-svg {css}".strip()
    if label:
        return format_html(
            '<svg class="{}" focusable="false" role="img" aria-label="{}"><use href="{}"></use></svg>',
            classes,
            label,
            href,
        )
    return format_html(
        '<svg class="{}" focusable="false" aria-hidden="true"><use href="{}"></use></svg>', classes, href
    )


@register.simple_tag(takes_context=True)
def nav_class(context, *patterns: str) -> str:
    """'active current' when the current page matches one of the patterns.

    A pattern is a URL name ("cases:list"), a namespace ("cases", meaning all of it) or a
    shell pattern ("housing:offer_*"); a pattern starting with "!" excludes pages, so
    "Sager" can cover the cases namespace except the cohort page, which has its own item.
    """
    match = getattr(context.get("request"), "resolver_match", None)
    if match is None:
        return ""
    current = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name

    def matches(pattern: str) -> bool:
        return fnmatchcase(current, pattern) or match.namespace == pattern

    included = any(matches(p) for p in patterns if not p.startswith("!"))
    excluded = any(matches(p[1:]) for p in patterns if p.startswith("!"))
    return "active current" if included and not excluded else ""


@register.filter
def minutes(duration) -> int:
    """Whole minutes in a timedelta (for "try again in N minutes")."""
    return int(duration.total_seconds() // 60) if duration else 0


@register.simple_tag
def elided_pages(page):
    """Page numbers around the current one, with None for a gap: constant work per page."""
    return [
        None if number == page.paginator.ELLIPSIS else number
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    ]


@register.filter
def days_since(day) -> int | str:
    """Whole days from a date until today ("dag 85 af 90")."""
    from django.utils import timezone

    return (timezone.localdate() - day).days if day else ""
