"""Small template helpers for the DKFDS look."""

from django import template
from django.templatetags.static import static
from django.utils import timezone
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
    return (timezone.localdate() - day).days if day else ""
