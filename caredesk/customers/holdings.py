"""What caredesk holds about a customer, declared by each app for each of its models.

A customer may ask for everything we hold about them (subject access), or for it to be
erased; the retention schedule anonymises what is past its time. For that, one place
must know every row about a person in every app, and each app knows its own rows best.
So each app has a `personal_data.py` that declares each of its models, either

- `Holding`: rows about a customer, how to find them (a path to the customer, or a
  search such as calls by the customer's phone number), which fields are about the
  person (cleared when they are erased), which fields name files in the store, and how
  a row reads in an export; or
- `NoCustomerData`: the model holds nothing about a customer, and why.

Every caredesk model must be declared (privacy.tests.test_declarations fails for one
that is not), so a new model cannot quietly escape an export or an erasure. The
declarations are found the way Django finds admin modules: `personal_data` of every
installed app, imported on first use. They live here, at the bottom layer, so that
each app declares its own without importing privacy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.module_loading import autodiscover_modules

from caredesk.customers.models import Customer

# "from_address__lower__in": emails found by their addresses, whatever their case, many
# addresses at once (an `iexact` for each would be one OR a customer).
CharField.register_lookup(Lower)

# A row as the customer reads it: field name -> value (text, a number, true or false,
# an ISO time, a list, or None).
RowWords = dict[str, Any]


def _no_rows(customers: Sequence[Customer]) -> Q:
    return Q(pk__in=[])


@dataclass(frozen=True)
class StoredFile:
    """A file of a row, in the store (core.store): the field with its sha256, and the
    field with its name (or, with none, a name made from the row and `suffix`)."""

    sha: str
    name: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Holding:
    """One model's rows about customers.

    `path`: the ORM path from the model to the customer ("customer", "case__customer").
    `also`: rows found another way, for some customers (calls by their numbers, emails
    from their addresses before they were matched), as a Q added to the path's. It takes
    many customers at once so that the retention sweep erases thousands in one pass.
    `personal`: the fields that are about the person, cleared when they are erased.
    `not_personal`: the free-text fields that are not (a reference, a status code): each
    free-text field must be in one list or the other, so a new one is thought about.
    `files`: the row's files in the store (core.store), exported as the customer's.
    `in_store`: other fields naming a file in the store that is not exported (the ZIP
    of an earlier export): the store keeps a file while any row names it.
    `withheld`: fields never put in an export (an encrypted column, a search key):
    `export` then says what the row holds instead, if anything.
    `export`: the row in the customer's words, if the plain fields do not say it (the
    equality answers, decrypted)."""

    model: type[models.Model]
    what: str  # plain words for a heading: "Emails we received"
    path: str | None
    also: Callable[[Sequence[Customer]], Q] = _no_rows
    personal: tuple[str, ...] = ()
    not_personal: tuple[str, ...] = ()
    files: tuple[StoredFile, ...] = ()
    in_store: tuple[str, ...] = ()
    withheld: tuple[str, ...] = ()
    export: Callable[[Any], RowWords] | None = None
    order_by: tuple[str, ...] = ("pk",)

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    @property
    def found_otherwise(self) -> bool:
        """Whether some rows are found other than by the path (by a number, an address)."""
        return self.also is not _no_rows

    def of(self, customers: Sequence[Customer], merged: Sequence[int] | None = None) -> Q:
        """The rows about any of `customers` (and the records merged into theirs:
        `merged`, if the caller has read them already)."""
        found = self.also(customers)
        if self.path is not None:
            merged = merged_into(customers) if merged is None else merged
            ids = [customer.pk for customer in customers] + list(merged)
            found |= Q(**{f"{self.path}__in": ids})
        return found

    def rows(self, customer: Customer) -> QuerySet[Any]:
        """The rows about one customer, in the order an export shows them."""
        return self.model._default_manager.filter(self.of([customer])).order_by(*self.order_by)


@dataclass(frozen=True)
class NoCustomerData:
    """A model that holds nothing about any customer, and why (so that someone adding a
    field about a person to it sees this and thinks again). `in_store`: its fields that
    name a file in the store (core.store), which is kept while a row names it."""

    model: type[models.Model]
    why: str
    in_store: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return self.model._meta.label_lower


Declaration = Holding | NoCustomerData


@dataclass
class _Register:
    declared: dict[str, Declaration] = field(default_factory=dict)
    discovered: bool = False


_register = _Register()


def declare(*declarations: Declaration) -> None:
    """Declare models (from an app's personal_data.py). Declaring a model twice, in
    different ways, is a mistake that would hide one of them: it raises."""
    for declaration in declarations:
        before = _register.declared.get(declaration.key)
        if before is not None and before != declaration:
            raise ValueError(f"{declaration.key} is declared twice, differently.")
        _register.declared[declaration.key] = declaration


def declarations() -> Mapping[str, Declaration]:
    """Every declaration, by model label ("mail.inboundemail")."""
    if not _register.discovered:
        autodiscover_modules("personal_data")
        _register.discovered = True
    return dict(_register.declared)


def holdings() -> list[Holding]:
    """The models that hold something about customers, in the order of the apps."""
    return [d for d in declarations().values() if isinstance(d, Holding)]


def store_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field) that names a file in the store: a file no row names is
    unused, and removed (privacy.store_sweep)."""
    found: list[tuple[type[models.Model], str]] = []
    for declared in declarations().values():
        names = list(declared.in_store)
        if isinstance(declared, Holding):
            names = [stored.sha for stored in declared.files] + names
        found += [(declared.model, name) for name in names]
    return found


def merged_into(customers: Sequence[Customer]) -> list[int]:
    """The records merged into these (their own events stayed with them)."""
    return list(
        Customer.objects.filter(merged_into__in=[c.pk for c in customers]).values_list(
            "pk", flat=True
        )
    )


# The words of the rows a holding's foreign keys point at: field name -> id -> words.
Related = Mapping[str, Mapping[Any, str]]


def value_words(row: models.Model, name: str, related: Related | None = None) -> Any:
    """One field of a row as an export shows it: a choice's label, a related row's
    name (from `related` when given: see related_words), a time in ISO 8601 (UTC),
    bytes never."""
    field_ = row._meta.get_field(name)
    if isinstance(field_, models.ForeignKey):
        key = getattr(row, field_.attname)
        if key is None:
            return None
        known = related.get(name, {}) if related is not None else {}
        return known[key] if key in known else str(getattr(row, name))
    value = getattr(row, name)
    if value is None:
        return None
    choices = getattr(field_, "choices", None)
    if choices:
        shown = dict(choices).get(value, value)
        return str(shown)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return None
    return value


def related_words(holding: Holding, rows: Sequence[models.Model]) -> dict[str, dict[Any, str]]:
    """The words of every row that the shown foreign keys of `rows` point at (a case's
    reference and subject, an officer's name), read in one query a key rather than one a
    row: a customer with years of cases costs an export no more queries than one with a
    few. The rows pointed at come with what their own names read (`select_related`)."""
    if holding.export is not None:
        return {}
    found: dict[str, dict[Any, str]] = {}
    for field_ in holding.model._meta.concrete_fields:
        if not isinstance(field_, models.ForeignKey) or field_.name in holding.withheld:
            continue
        ids = {getattr(row, field_.attname) for row in rows} - {None}
        target: type[models.Model] = field_.remote_field.model  # resolved once apps load
        pointed = (
            target._base_manager.select_related().in_bulk(ids, field_name=field_.target_field.name)
            if ids
            else {}
        )
        found[field_.name] = {key: str(row) for key, row in pointed.items()}
    return found


def row_words(holding: Holding, row: models.Model, related: Related | None = None) -> RowWords:
    """The row as the customer reads it in an export (`related`: see related_words)."""
    if holding.export is not None:
        return holding.export(row)
    return {
        f.name: value_words(row, f.name, related)
        for f in row._meta.concrete_fields
        if f.name not in holding.withheld
    }
