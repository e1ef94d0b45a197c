from django.http import HttpRequest

from portal.menu import MenuItem, menu_for


def menu(request: HttpRequest) -> dict[str, list[MenuItem]]:
    """The main menu for the base layout (empty before login)."""
    user = getattr(request, "user", None)
    return {"menu": menu_for(user, request) if user is not None and user.is_authenticated else []}
