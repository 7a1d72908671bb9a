"""
Payment terms and tax rates: short lists, read in full from QuickBooks at every run.

QuickBooks master (customers from QuickBooks, two-way, or not synced): they are pulled; a record renamed or changed
there updates the one linked here (never a second one), and one deleted or made inactive there is made inactive
here. FieldOffice master (customers to QuickBooks): they are pushed, compared with what QuickBooks holds now, so an
unchanged record costs nothing and a stale SyncToken cannot happen.
"""

from typing import Any

from django.core.exceptions import ValidationError

from apps.accounting import services as accounting
from apps.accounting.models import PaymentTerm, TaxRate
from apps.quickbooks.mapping import tax, terms
from apps.quickbooks.mapping.common import content_hash, name_key, remote_id, remote_sync_token, with_identity
from apps.quickbooks.mapping.desktop import lists as desktop_lists
from apps.quickbooks.models import IntegrationType, PrimarySystem, SyncAction
from apps.quickbooks.sync.backend import CREATE, UPDATE, Write
from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.links import LinkSet
from apps.quickbooks.sync.messages import plain_reason

TERM = "payment term"
TAX_RATE = "tax rate"


def _error_text(error: ValidationError) -> str:
    return "; ".join(error.messages)


def _desktop(ctx: RunContext) -> bool:
    """QuickBooks Desktop changes tax items but has no way to change a term; Online is the other way round."""
    return ctx.settings.integration_type == IntegrationType.DESKTOP


def lists_reads(ctx: RunContext) -> tuple[list[str], list[str]]:
    """Terms and the tax lists are short and not covered by change data capture: read in full at every run."""
    if not ctx.lists_master:
        return [], []
    return [], [terms.ENTITY, tax.ENTITY, tax.RATE_ENTITY, tax.AGENCY_ENTITY]


# Payment terms.


def terms_sync(ctx: RunContext) -> None:
    master = ctx.lists_master
    if not master:
        return
    links = ctx.link_set(PaymentTerm, terms.ENTITY).load_all()
    remote = {remote_id(obj): obj for obj in ctx.snapshot.of(terms.ENTITY)}
    local = {term.pk: term for term in PaymentTerm.objects.filter(division=ctx.division)}
    ctx.journal.stage("Payment terms", total=len(remote) if master == PrimarySystem.QUICKBOOKS else len(local))
    if master == PrimarySystem.QUICKBOOKS:
        _terms_pull(ctx, links, remote, local)
    else:
        _terms_push(ctx, links, remote, local)


def _terms_pull(ctx: RunContext, links: LinkSet, remote: dict[str, Any], local: dict[int, PaymentTerm]) -> None:
    unlinked_by_name = {name_key(term.name): term for term in local.values() if links.local(term.pk) is None}
    for qbo_id, obj in remote.items():
        ctx.journal.advance()
        link = links.remote(qbo_id)
        fields = terms.term_fields(obj)
        term = local.get(link.object_id) if link else None
        action = SyncAction.UPDATED
        if term is None:
            term = unlinked_by_name.pop(name_key(fields["name"]), None)
            action = SyncAction.LINKED if term else SyncAction.CREATED
        changed = term is None or any(getattr(term, name) != value for name, value in fields.items())
        if not changed and link and link.sync_token == remote_sync_token(obj):
            continue
        if changed and term is not None and not fields["active"] and term.active and action == SyncAction.UPDATED:
            action = SyncAction.DEACTIVATED
        if not ctx.preview:
            try:
                if term is None:
                    term = accounting.payment_term_create(division=ctx.division, by_master_system=True, **fields)
                elif changed:
                    term = accounting.payment_term_update(payment_term=term, by_master_system=True, **fields)
            except ValidationError as error:
                ctx.journal.log(TERM, SyncAction.FAILED, fields["name"], message=_error_text(error), qbo_id=qbo_id)
                continue
        if term is not None:  # In a preview, planned only (see ``sync.preview``).
            links.set(term.pk, qbo_id, remote_sync_token(obj), content_hash(terms.term_comparable(obj)))
        if changed or action != SyncAction.UPDATED:
            ctx.journal.log(TERM, action, fields["name"], qbo_id=qbo_id, object_id=term.pk if term else None)
    _deactivate_missing(ctx, links, remote, local, TERM)


def _deactivate_missing(ctx: RunContext, links: LinkSet, remote: dict, local: dict, entity: str) -> None:
    """Linked records QuickBooks no longer lists were deleted there: made inactive here, never deleted."""
    for qbo_id, link in list(links.by_remote.items()):
        record = local.get(link.object_id)
        if qbo_id in remote or record is None or not record.active:
            continue
        if not ctx.preview:
            if entity == TERM:
                accounting.payment_term_update(payment_term=record, by_master_system=True, active=False)
            else:
                accounting.tax_rate_update(tax_rate=record, by_master_system=True, active=False)
        ctx.journal.log(
            entity,
            SyncAction.DEACTIVATED,
            record.name,
            qbo_id=qbo_id,
            object_id=record.pk,
            message="Deleted in QuickBooks: made inactive here.",
        )


def _terms_push(ctx: RunContext, links: LinkSet, remote: dict[str, Any], local: dict[int, PaymentTerm]) -> None:
    remote_by_name = {name_key(str(obj.get("Name") or "")): obj for obj in remote.values()}
    writes: list[Write] = []
    for term in local.values():
        ctx.journal.advance()
        payload = terms.term_payload(term)
        wanted = content_hash(terms.term_comparable(payload))
        link = links.local(term.pk)
        current = remote.get(link.qbo_id) if link and link.qbo_id else None
        if current is None:
            current = remote_by_name.get(name_key(payload["Name"]))
            if current is not None and links.remote(remote_id(current)) is not None:
                current = None
        if current is None:
            if term.active:
                writes.append(Write(terms.ENTITY, CREATE, payload, key=term))
            continue
        if content_hash(terms.term_comparable(current)) == wanted:
            if link is None or link.qbo_id != remote_id(current):
                links.set(term.pk, remote_id(current), remote_sync_token(current), wanted)
                ctx.journal.log(TERM, SyncAction.LINKED, term.name, qbo_id=remote_id(current), object_id=term.pk)
            continue
        if _desktop(ctx):
            _term_change_report(ctx, links, term, current, wanted)
            continue
        update = with_identity(payload, remote_id(current), remote_sync_token(current))
        writes.append(Write(terms.ENTITY, UPDATE, update, key=term))
    _writes_apply(ctx, links, writes, TERM, terms.term_comparable, lambda term: term.name)


def _term_change_report(ctx: RunContext, links: LinkSet, term: PaymentTerm, current: dict, wanted: str) -> None:
    """
    A term Desktop cannot change (qbXML has no terms Mod): reported once per local version (the link keeps the
    version reported), never sent again as a second term.
    """
    link = links.local(term.pk)
    if link is not None and link.qbo_id == remote_id(current) and link.content_hash == wanted:
        return
    links.set(term.pk, remote_id(current), remote_sync_token(current), wanted)
    ctx.journal.log(
        TERM,
        SyncAction.SKIPPED,
        term.name,
        qbo_id=remote_id(current),
        object_id=term.pk,
        message=desktop_lists.TERM_UNCHANGEABLE.format(name=term.name),
    )


def _writes_apply(ctx, links: LinkSet, writes: list[Write], entity: str, comparable, label) -> None:
    if not writes:
        return
    for result in ctx.backend.write(writes):
        record = result.write.key
        if not result.ok:
            ctx.journal.log(
                entity,
                SyncAction.FAILED,
                label(record),
                object_id=record.pk,
                message=plain_reason(result.error, label(record)),
            )
            continue
        links.set(
            record.pk,
            remote_id(result.record),
            remote_sync_token(result.record),
            content_hash(comparable(result.record)),
        )
        action = SyncAction.CREATED if result.write.action == CREATE else SyncAction.UPDATED
        ctx.journal.log(entity, action, label(record), qbo_id=remote_id(result.record), object_id=record.pk)


# Tax rates.


def tax_rates_sync(ctx: RunContext) -> None:
    master = ctx.lists_master
    if not master:
        return
    links = ctx.link_set(TaxRate, tax.ENTITY).load_all()
    codes = {remote_id(code): code for code in ctx.snapshot.of(tax.ENTITY) if _is_rate_code(code)}
    rates = {remote_id(rate): rate for rate in ctx.snapshot.of(tax.RATE_ENTITY)}
    agencies = {remote_id(agency): agency for agency in ctx.snapshot.of(tax.AGENCY_ENTITY)}
    local = {rate.pk: rate for rate in TaxRate.objects.filter(division=ctx.division)}
    ctx.journal.stage("Tax rates", total=len(codes) if master == PrimarySystem.QUICKBOOKS else len(local))
    if master == PrimarySystem.QUICKBOOKS:
        _tax_pull(ctx, links, codes, rates, agencies, local)
    else:
        _tax_push(ctx, links, codes, agencies, local)


def _is_rate_code(code: dict[str, Any]) -> bool:
    """Online tells its ``TAX``/``NON`` markers by their ids; Desktop's records say whether they are a rate."""
    marked = code.get(desktop_lists.RATE_CODE)
    return tax.is_rate_code(code) if marked is None else bool(marked)


def _tax_fields_hash(fields: dict[str, Any]) -> str:
    return content_hash({key: fields[key] for key in ("name", "percent", "agency", "active")})


def _tax_pull(ctx, links: LinkSet, codes: dict, rates: dict, agencies: dict, local: dict[int, TaxRate]) -> None:
    unlinked_by_name = {name_key(rate.name): rate for rate in local.values() if links.local(rate.pk) is None}
    for qbo_id, code in codes.items():
        ctx.journal.advance()
        fields = tax.tax_code_fields(code, rates, agencies)
        fingerprint = _tax_fields_hash(fields)
        link = links.remote(qbo_id)
        record = local.get(link.object_id) if link else None
        if record is not None and link.content_hash == fingerprint and not ctx.full:
            continue
        action = SyncAction.UPDATED
        if record is None:
            record = unlinked_by_name.pop(name_key(fields["name"]), None)
            action = SyncAction.LINKED if record else SyncAction.CREATED
        changed = record is None or any(getattr(record, name) != value for name, value in fields.items())
        if changed and record is not None and not fields["active"] and record.active:
            action = SyncAction.DEACTIVATED
        if not ctx.preview:
            try:
                if record is None:
                    record = accounting.tax_rate_create(division=ctx.division, by_master_system=True, **fields)
                elif changed:
                    record = accounting.tax_rate_update(tax_rate=record, by_master_system=True, **fields)
            except ValidationError as error:
                ctx.journal.log(TAX_RATE, SyncAction.FAILED, fields["name"], message=_error_text(error), qbo_id=qbo_id)
                continue
        if record is not None:  # In a preview, planned only (see ``sync.preview``).
            links.set(record.pk, qbo_id, remote_sync_token(code), fingerprint)
        if changed or action != SyncAction.UPDATED:
            ctx.journal.log(TAX_RATE, action, fields["name"], qbo_id=qbo_id, object_id=record.pk if record else None)
    _deactivate_missing(ctx, links, codes, local, TAX_RATE)


def _tax_push(ctx, links: LinkSet, codes: dict, agencies: dict, local: dict[int, TaxRate]) -> None:
    """
    New local rates become QuickBooks tax codes; changes to rates already there are reported (see mapping.tax), or
    sent to QuickBooks Desktop, which changes its sales tax items (one it no longer has is added again).
    """
    codes_by_name = {name_key(str(code.get("Name") or "")): code for code in codes.values()}
    agency_ids = {name_key(tax.agency_name(agency)): remote_id(agency) for agency in agencies.values()}
    writes: list[Write] = []
    for record in local.values():
        ctx.journal.advance()
        fingerprint = content_hash(tax.tax_comparable_local(record))
        link = links.local(record.pk)
        current = codes.get(link.qbo_id) if link and link.qbo_id else None
        if current is not None and link.content_hash != fingerprint and _desktop(ctx):
            # Desktop changes a sales tax item (ItemSalesTaxMod); its agency stays unless one is named here.
            agency_id = agency_ids.get(name_key(record.agency)) if record.agency else None
            payload = tax.tax_code_update(record, agency_id or "")
            update = with_identity(payload, remote_id(current), remote_sync_token(current))
            writes.append(Write(tax.ENTITY, UPDATE, update, key=record))
            continue
        if link and link.qbo_id and (current is not None or not _desktop(ctx)):
            if link.content_hash != fingerprint:
                ctx.journal.log(
                    TAX_RATE,
                    SyncAction.SKIPPED,
                    record.name,
                    qbo_id=link.qbo_id,
                    object_id=record.pk,
                    message=f"{record.name} changed here, but QuickBooks does not let other apps change a tax rate: "
                    "make the same change in QuickBooks.",
                )
                links.touch(link, content_hash=fingerprint)
            continue
        existing = codes_by_name.get(name_key(record.name))
        if existing is not None and links.remote(remote_id(existing)) is None:
            links.set(record.pk, remote_id(existing), remote_sync_token(existing), fingerprint)
            ctx.journal.log(TAX_RATE, SyncAction.LINKED, record.name, qbo_id=remote_id(existing), object_id=record.pk)
            continue
        if not record.active:
            continue
        agency_name = record.agency or ctx.division.name
        agency_id = agency_ids.get(name_key(agency_name))
        if agency_id is None:
            agency_id = _agency_create(ctx, agency_name)
            if agency_id is None:
                continue
            agency_ids[name_key(agency_name)] = agency_id
        writes.append(Write(tax.ENTITY, CREATE, tax.tax_code_payload(record, agency_id or ""), key=record))
    for result in ctx.backend.write(writes):
        record = result.write.key
        if not result.ok:
            reason = plain_reason(result.error, record.name)
            ctx.journal.log(TAX_RATE, SyncAction.FAILED, record.name, object_id=record.pk, message=reason)
            continue
        fingerprint = content_hash(tax.tax_comparable_local(record))
        links.set(record.pk, remote_id(result.record), remote_sync_token(result.record), fingerprint)
        action = SyncAction.CREATED if result.write.action == CREATE else SyncAction.UPDATED
        ctx.journal.log(TAX_RATE, action, record.name, qbo_id=remote_id(result.record), object_id=record.pk)


def _agency_create(ctx: RunContext, name: str) -> str | None:
    (result,) = ctx.backend.write([Write(tax.AGENCY_ENTITY, CREATE, tax.agency_payload(name))])
    if not result.ok:
        ctx.journal.log("tax agency", SyncAction.FAILED, name, message=plain_reason(result.error, name))
        return None
    ctx.journal.log("tax agency", SyncAction.CREATED, name, qbo_id=remote_id(result.record))
    return remote_id(result.record)
