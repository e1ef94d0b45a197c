"""Database helpers that make SQLite (the demo) behave like PostgreSQL where users notice."""

from typing import Any

from django.db.backends.signals import connection_created
from django.db.models import CharField, Func
from django.dispatch import receiver


class Casefold(Func):
    """A text in lower case for searching, with Danish letters too ("MØLHOLM" finds
    "Mølholm"): PostgreSQL's LOWER knows them, SQLite's LOWER only knows ASCII, so on
    SQLite it calls Python's str.casefold (registered below)."""

    function = "LOWER"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(compiler, connection, function="bindeled_casefold", **extra_context)


@receiver(connection_created)
def _sqlite_casefold(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "bindeled_casefold", 1, lambda text: text.casefold() if text is not None else None, deterministic=True
        )
