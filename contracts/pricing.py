"""What a contract pays and on what evidence, as it changes after signing: tariff changes from a date (what a
milestone pays on a day is core.terms.amount_on) and the evidence rules (who may report what earns a milestone)."""
from datetime import date
from decimal import Decimal

from contracts.models import Contract, TariffChange
from core import audit
from core.errors import Conflict, DomainError
from core.extensions import db
from core.formats import format_date
from core.models import User
from core.money import parse_decimal, round_money
from core.scope import Action, require
from core.terms import amount_on, clean_sources, tariff_on


def change_tariff(contract: Contract, effective_on: date, price: Decimal, amounts: dict, reason: str,
                  by: User | None) -> TariffChange:
    """A new tariff from `effective_on`: milestones earned before that day keep their amounts."""
    require(by, Action.CONTRACTS, contract.municipalities)
    if not (reason or "").strip():
        raise DomainError("Geef de reden van de tariefwijziging.", field="reason")
    if not contract.starts_on < effective_on <= contract.ends_on:
        raise DomainError("De ingangsdatum ligt na de begindatum en uiterlijk op de einddatum van het contract.",
                          field="effective_on")
    if any(change.effective_on == effective_on for change in contract.tariff_changes):
        raise Conflict("Op deze datum gaat al een tariefwijziging in.", field="effective_on")
    if price is None or price < 0:
        raise DomainError("De prijs per traject mag niet negatief zijn.", field="price_per_trajectory")
    fixed = {m.code for m in contract.milestones if m.amount is not None}
    cleaned = {}
    for code, amount in (amounts or {}).items():
        if code not in fixed:
            raise DomainError(f"{code} is geen mijlpaal met een vast bedrag.", field="amounts")
        if Decimal(str(amount)) < 0:
            raise DomainError("Een bedrag mag niet negatief zijn.", field="amounts")
        cleaned[code] = str(round_money(Decimal(str(amount))))
    before = tariff_on(contract.price_per_trajectory, contract.tariff_changes, effective_on)[0]
    change = TariffChange(contract=contract, effective_on=effective_on, price_per_trajectory=price,
                          amounts=cleaned, reason=reason.strip(), created_by=by)
    db.session.add(change)
    db.session.flush()
    db.session.refresh(contract, ["tariff_changes"])
    audit.record(by, "contract_tariff_changed", contract,
                 f"Tarief {contract.reference} per {format_date(effective_on)}: {reason.strip()}",
                 {"price_per_trajectory": [before, price], "amounts": [None, cleaned]})
    return change


def tariff_periods(contract: Contract, today: date) -> dict:
    """The schedule's amounts per tariff period (from the start, then from each change), and the period in force
    today: what the contract and tariff pages show."""
    starts = [contract.starts_on, *(change.effective_on for change in contract.tariff_changes)]
    rows = [(m, [amount_on(m, contract.price_per_trajectory, contract.tariff_changes, day) for day in starts])
            for m in contract.milestones]
    prices = [tariff_on(contract.price_per_trajectory, contract.tariff_changes, day)[0] for day in starts]
    return {"starts": starts, "prices": prices, "rows": rows,
            "current": max((n for n, day in enumerate(starts) if day <= today), default=0)}


def set_evidence_sources(contract: Contract, sources: dict, reason: str, by: User | None) -> Contract:
    """The contract's evidence rules: per milestone code, the sources whose reports earn it (core.terms.SOURCES);
    a milestone left out keeps its rule. Needs a reason; the audit log keeps before and after."""
    require(by, Action.CONTRACTS, contract.municipalities)
    if not (reason or "").strip():
        raise DomainError("Geef de reden van de wijziging.", field="reason")
    by_code = {m.code: m for m in contract.milestones}
    unknown = sorted(set(sources) - set(by_code))
    if unknown:
        raise DomainError(f"Onbekende mijlpaal: {', '.join(unknown)}.", field="sources")
    errors, before = [], {code: list(m.sources) for code, m in by_code.items()}
    for code, chosen in sources.items():
        found = []
        by_code[code].sources = clean_sources(chosen, by_code[code].trigger, by_code[code].kind, 0, found)
        errors += [{"field": "sources", "message": f"{code}: {e['message']}"} for e in found]
    if errors:
        raise DomainError("De bewijsregels zijn niet geldig.", field="sources", errors=errors)
    changes = audit.diff(before, {code: list(m.sources) for code, m in by_code.items()})
    if not changes:
        raise DomainError("Er is niets gewijzigd.", field="reason")
    audit.record(by, "contract_evidence_rules_changed", contract,
                 f"Bewijsregels {contract.reference} gewijzigd: {reason.strip()}", changes)
    return contract


def amounts_from_form(contract: Contract, form) -> dict:
    """New fixed amounts typed per milestone (fields amount_<code>); empty keeps the current amount."""
    amounts = {}
    for milestone in contract.milestones:
        text = (form.get(f"amount_{milestone.code}") or "").strip()
        if milestone.amount is not None and text:
            try:
                amounts[milestone.code] = parse_decimal(text)
            except ValueError:
                raise DomainError(f"Het bedrag bij {milestone.code} is geen geldig bedrag.", field="reason") from None
    return amounts


def sources_from_form(contract: Contract, form) -> dict[str, list[str]]:
    """The ticked sources per milestone (checkboxes sources_<code>); none ticked is refused by the rules."""
    return {m.code: form.getlist(f"sources_{m.code}") for m in contract.milestones}
