"""
The rules a model's records follow before they are saved, checked for many records at once.

``full_clean()`` asks the database, record by record, whether each related record exists and whether each unique
name is free: a few queries a record. Here what those questions need is loaded once for a whole batch (``Facts``)
and the same rules are checked against it, in the same order and with the same messages as ``full_clean()``: the
fields' own validation and the model's ``clean()`` are called as they are; the model's constraints are each
described once by what they compare (``UniqueRule``, ``CheckRule``), their messages taken from the model. Each
domain app describes its models' constraints and registers them (``rules_register``); a model whose constraints and
rules differ is refused at registration. The one-at-a-time services check their one record through the same code,
so both ways raise the same errors.

A record of the batch that passes takes its unique names at once: a later record of the same batch that wants one
of them is refused, as it would be had the first been saved before it was checked.
"""

import string
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import cache, reduce
from operator import or_
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured, ValidationError
from django.db import connection, models
from django.db.models.functions import Lower

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def db_lower(value: str) -> str:
    """``value`` as the database's ``LOWER()`` has it: SQLite lowers ASCII letters only."""
    if connection.vendor == "sqlite":
        return value.translate(_ASCII_LOWER)
    return value.lower()


@dataclass(frozen=True)
class UniqueRule:
    """
    One of the model's unique constraints, in memory: two records with the same ``key`` collide (a key of ``None``
    is exempt, as a NULL or a condition exempts it). ``candidates`` selects, for a set of keys, the stored records
    that may hold them, through the model's ``aliases``.
    """

    constraint: str
    fields: tuple[str, ...]
    key: Callable[[Any], Hashable | None]
    candidates: Callable[[set], models.Q]
    only: tuple[str, ...]
    aliases: tuple[tuple[str, models.Func], ...] = ()


@dataclass(frozen=True)
class CheckRule:
    """One of the model's check constraints, in memory: ``holds`` says whether a record satisfies it."""

    constraint: str
    fields: tuple[str, ...]
    holds: Callable[[Any], bool]


Rule = UniqueRule | CheckRule


def pairs_filter(first: str, second: str, keys: set) -> models.Q:
    """Stored records whose (``first``, ``second``) may be one of ``keys`` (a superset: each part matched alone)."""
    return models.Q(**{f"{first}__in": {key[0] for key in keys}, f"{second}__in": {key[1] for key in keys}})


def unique_lowered(constraint: str, *, scope: str, name: str) -> UniqueRule:
    """
    A unique constraint on ``scope`` (a foreign key) and ``Lower(name)``: a name of its own within its scope (a
    division, a customer), whatever the case.
    """
    scope_id = f"{scope}_id"
    alias = f"rules_lower_{name}"

    def key(record: models.Model) -> Hashable | None:
        owner = getattr(record, scope_id)
        return (owner, db_lower(getattr(record, name))) if owner else None

    return UniqueRule(
        constraint,
        fields=(scope, name),
        key=key,
        candidates=lambda keys: pairs_filter(scope_id, alias, keys),
        only=(scope_id, name),
        aliases=((alias, Lower(name)),),
    )


RULES: dict[type[models.Model], tuple[Rule, ...]] = {}


def rules_register(model: type[models.Model], rules: tuple[Rule, ...]) -> None:
    """
    ``rules`` describe ``model``'s constraints, each once: a constraint added without its rule would go unchecked,
    so the two must name the same constraints.
    """
    declared = {constraint.name for constraint in model._meta.constraints}
    described = {rule.constraint for rule in rules}
    if declared != described:
        raise ImproperlyConfigured(f"{model.__name__}'s constraints and rules differ: {declared ^ described}")
    RULES[model] = rules


def _identity(record: models.Model) -> Hashable:
    """Who holds a unique key: a stored record by its primary key, a new one by itself."""
    return record.pk if record.pk is not None else ("new", id(record))


@cache
def _foreign_keys(model: type[models.Model]) -> tuple[models.ForeignKey, ...]:
    return tuple(field for field in model._meta.concrete_fields if isinstance(field, models.ForeignKey))


@cache
def _foreign_key_names(model: type[models.Model]) -> frozenset[str]:
    return frozenset(field.name for field in _foreign_keys(model))


@cache
def _unique_fields_beyond_primary_key(model: type[models.Model]) -> bool:
    """Whether ``validate_unique()`` has anything to check (and to ask the database) beyond the primary key."""
    unique_checks, date_checks = model()._get_unique_checks(include_meta_constraints=False)
    return bool(date_checks) or any(fields != (model._meta.pk.name,) for _, fields in unique_checks)


@cache
def _constraints(model: type[models.Model]) -> dict[str, models.BaseConstraint]:
    return {constraint.name: constraint for constraint in model._meta.constraints}


class Facts:
    """
    What the rules of one model need from the database for a batch of its records: the related records that exist
    (by foreign key) and who holds each unique key. ``related_load`` and ``taken_load`` make one query each per
    foreign key and one for all the unique rules.
    """

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.rules = RULES[model]
        self.related: dict[str, dict[Any, models.Model]] = {}
        self.holders: dict[str, dict[Hashable, Hashable]] = {}
        self.keys_held: dict[str, dict[Hashable, Hashable]] = {}

    def related_load(self, records: Sequence[models.Model]) -> None:
        """The related records the batch refers to, also given to each record (so ``clean()`` asks for none)."""
        for field in _foreign_keys(self.model):
            ids = {getattr(record, field.attname) for record in records} - {None}
            manager = field.remote_field.model._base_manager
            found = manager.filter(pk__in=ids).complex_filter(field.get_limit_choices_to()) if ids else []
            self.related[field.name] = {related.pk: related for related in found}
            for record in records:
                related = self.related[field.name].get(getattr(record, field.attname))
                if related is not None and not field.is_cached(record):
                    field.set_cached_value(record, related)

    def taken_load(self, records: Sequence[models.Model]) -> None:
        """The stored records that hold any unique key the batch wants."""
        unique = [rule for rule in self.rules if isinstance(rule, UniqueRule)]
        wanted = {
            rule.constraint: {key for record in records if (key := rule.key(record)) is not None} for rule in unique
        }
        for rule in unique:
            self.holders[rule.constraint] = {}
            self.keys_held[rule.constraint] = {}
        filters = [rule.candidates(wanted[rule.constraint]) for rule in unique if wanted[rule.constraint]]
        if not filters:
            return
        aliases = {name: expression for rule in unique for name, expression in rule.aliases}
        only = {"pk", *(name for rule in unique for name in rule.only)}
        for stored in self.model._base_manager.alias(**aliases).filter(reduce(or_, filters)).only(*only):
            self._hold(stored)

    def _hold(self, record: models.Model) -> None:
        identity = _identity(record)
        for rule in self.rules:
            if not isinstance(rule, UniqueRule):
                continue
            held = self.keys_held[rule.constraint]
            if (previous := held.pop(identity, None)) is not None:
                self.holders[rule.constraint].pop(previous, None)
            if (key := rule.key(record)) is not None:
                self.holders[rule.constraint][key] = identity
                held[identity] = key

    def accept(self, record: models.Model) -> None:
        """``record`` passed: it now holds its unique keys (and gives up those it held before)."""
        self._hold(record)

    def violates(self, rule: Rule, record: models.Model) -> bool:
        if isinstance(rule, CheckRule):
            return not rule.holds(record)
        key = rule.key(record)
        holder = self.holders[rule.constraint].get(key) if key is not None else None
        return holder is not None and holder != _identity(record)

    def related_check(self, record: models.Model, field: models.ForeignKey) -> None:
        """What ``ForeignKey.validate`` checks, the record's existence looked up in what was loaded."""
        raw = getattr(record, field.attname)
        if field.blank and raw in field.empty_values:
            return
        value = field.to_python(raw)
        models.Field.validate(field, value, record)
        if value is not None and value not in self.related[field.name]:
            raise ValidationError(
                field.error_messages["invalid"],
                code="invalid",
                params={
                    "model": field.remote_field.model._meta.verbose_name,
                    "pk": value,
                    "field": field.remote_field.field_name,
                    "value": value,
                },
            )
        field.run_validators(value)
        setattr(record, field.attname, value)


def _errors_ordered(model: type[models.Model], errors: dict[str, list]) -> dict[str, list]:
    """Field errors in the model's field order, as ``clean_fields()`` gives them."""
    order = [field.name for field in model._meta.fields]
    ordered = {name: errors[name] for name in order if name in errors}
    ordered.update((name, value) for name, value in errors.items() if name not in ordered)
    return ordered


def _failed_fields(errors: dict[str, list]) -> set[str]:
    return {name for name in errors if name != NON_FIELD_ERRORS}


def _full_check(record: models.Model, facts: Facts) -> None:
    """``full_clean()``, step by step, with its database lookups answered by ``facts``."""
    model = type(record)
    errors: dict[str, list] = {}
    try:
        record.clean_fields(exclude=_foreign_key_names(model))
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for field in _foreign_keys(model):
        try:
            facts.related_check(record, field)
        except ValidationError as error:
            errors[field.name] = error.error_list
    if errors:
        errors = _errors_ordered(model, errors)
    try:
        record.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if _unique_fields_beyond_primary_key(model):
        # Not so of the registered models today: a unique field added later is checked as full_clean() checks it.
        try:
            record.validate_unique(exclude=_failed_fields(errors))
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    failed = _failed_fields(errors)
    constraints = _constraints(model)
    for rule in facts.rules:
        if failed.intersection(rule.fields) or not facts.violates(rule, record):
            continue
        constraint = constraints[rule.constraint]
        error = ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def records_validate(records: Sequence[models.Model]) -> list[ValidationError | None]:
    """
    Check ``records`` (all of one model, whose rules are registered) in order, as ``clean()`` then
    ``full_clean()`` would one at a time: the error of each record that fails, ``None`` for each that passes.

    ``clean()`` runs first on its own (it fills a customer's display name, which the other checks then see).
    """
    if not records:
        return []
    facts = Facts(type(records[0]))
    facts.related_load(records)
    outcomes: list[ValidationError | None] = []
    for record in records:
        try:
            record.clean()
        except ValidationError as error:
            outcomes.append(error)
        else:
            outcomes.append(None)
    facts.taken_load([record for record, outcome in zip(records, outcomes, strict=True) if outcome is None])
    for position, record in enumerate(records):
        if outcomes[position] is not None:
            continue
        try:
            _full_check(record, facts)
        except ValidationError as error:
            outcomes[position] = error
        else:
            facts.accept(record)
    return outcomes


def record_validate(record: models.Model) -> None:
    """Check one record as ``records_validate`` does; raise its error."""
    if (error := records_validate([record])[0]) is not None:
        raise error
