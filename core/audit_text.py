"""The audit log in words: "Betaalrun 1 geëxporteerd", "Prijs per traject: - → € 10.500,00", never
`payment_run_exported`, "PaymentRun 1" or a Python dict. Every page that shows audit lines uses these functions.

The action and object labels are kept here, in one place. Values that a domain already names (statuses, routes,
procurement facts) are registered by that domain (`register_audit_labels`), so no label is written twice.
"""
from datetime import date

import sqlalchemy as sa
from flask import Flask, current_app, g

from core.extensions import db
from core.models import AuditEntry, Municipality, Service
from core.formats import format_date, format_decimal, format_money, format_period
from core.term_text import kpi_line, milestone_line

#: What happened, per action code: the words that follow the object ("Betaalrun 1" + "geëxporteerd").
ACTION_LABELS = {
    "login": "ingelogd", "login_failed": "inloggen mislukt", "logout": "uitgelogd",
    "user_created": "aangemaakt", "user_enabled": "ingeschakeld", "user_disabled": "uitgeschakeld",
    "user_updated": "gewijzigd", "api_token_issued": "API-token uitgegeven",
    "api_token_revoked": "API-token ingetrokken",
    "municipality_created": "aangemaakt", "region_created": "aangemaakt", "region_updated": "gewijzigd",
    "provider_created": "geregistreerd", "provider_updated": "gewijzigd",
    "provider_bank_details_changed": "bankgegevens gewijzigd",
    "provider_document_added": "document toegevoegd", "provider_document_superseded": "document vervangen",
    "provider_document_deleted": "document verwijderd",
    "contract_created": "vastgelegd", "contract_amended": "gewijzigd", "contract_tariff_changed": "tarief gewijzigd",
    "contract_document_added": "document toegevoegd", "contract_document_superseded": "document vervangen",
    "contract_document_deleted": "document verwijderd",
    "open_house_opened": "geopend", "open_house_applied": "ontvangen", "open_house_admitted": "toegelaten",
    "open_house_refused": "geweigerd", "open_house_suspended": "geschorst", "open_house_excluded": "uitgesloten",
    "procurement_case_created": "aangemaakt", "procurement_case_updated": "gewijzigd",
    "procurement_decision_recorded": "vastgelegd", "procurement_decision_approved": "goedgekeurd",
    "procurement_planning_set": "planning vastgesteld", "procurement_milestone_updated": "mijlpaal bijgewerkt",
    "route_score_updated": "gewijzigd", "purchasing_policy_updated": "inkoopbeleid gewijzigd",
    "pve_created": "gestart", "pve_version_saved": "nieuwe versie opgeslagen", "pve_concept": "terug naar concept",
    "pve_in_review": "ter review aangeboden", "pve_vastgesteld": "vastgesteld",
    "pve_comment_added": "opmerking geplaatst", "pve_comment_answered": "opmerking beantwoord",
    "pve_comment_resolved": "opmerking afgehandeld", "pve_attachment_added": "bijlage toegevoegd",
    "trajectory_created": "aangemeld", "progress_events_recorded": "ontvangen",
    "duo_obligation_fulfilled": "inburgeringsplicht voldaan (DUO)", "duo_transfer_flagged": "verhuizing gemeld (DUO)",
    "duo_trajectory_ended": "beëindigd (DUO)", "duo_term_changed": "inburgeringstermijn gewijzigd (DUO)",
    "duo_kennisgeving": "kennisgeving vastgelegd (DUO)", "trajectory_dates_set": "termijn en data gewijzigd",
    "duo_retry": "opnieuw in de wachtrij", "duo_transfer_resolved": "overdracht afgehandeld",
    "kpi_alert": "gesignaleerd", "kpi_alert_handled": "afgehandeld",
    "payment_run_created": "aangemaakt", "payment_run_calculated": "berekend",
    "payment_run_recalculated": "opnieuw berekend", "payment_run_approved": "goedgekeurd",
    "payment_run_cancelled": "geannuleerd", "payment_run_exported": "geëxporteerd",
    "paying_organisation_set": "vastgelegd", "ledger_account_set": "vastgelegd",
    "bank_detail_change_proposed": "voorgesteld", "bank_detail_change_approved": "goedgekeurd",
    "bank_detail_change_rejected": "afgewezen",
    "contract_evidence_rules_changed": "bewijsregels gewijzigd", "contract_funding_set": "financiering vastgelegd",
    "open_house_announced": "openbaar aangekondigd", "referral_refused": "aanmelding geweigerd",
    "trajectory_switched": "naar een andere route geschakeld",
    "duo_correction_resolved": "correctie bij DUO afgehandeld",
    "evidence_claim_accepted": "claim geaccepteerd", "evidence_claim_rejected": "claim afgewezen",
    "sampled_line_checked": "steekproefregel gecontroleerd", "sampling_rule_set": "steekproef vastgelegd",
    "budget_line_set": "begrotingsregel vastgelegd", "grant_indicator_code_set": "indicatorcode vastgelegd",
    "council_narrative_saved": "toelichting opgeslagen", "council_narrative_approved": "toelichting goedgekeurd",
}
#: What the line is about, per model class (AuditEntry.object_type).
OBJECT_LABELS = {
    "User": "Gebruiker", "Municipality": "Gemeente", "Region": "Regio", "Provider": "Aanbieder",
    "Contract": "Contract", "OpenHouse": "Open House", "Admission": "Aanmelding",
    "ProcurementCase": "Inkoopdossier", "ProcurementDecision": "Routebesluit", "RouteScore": "Routescore",
    "Pve": "PvE", "Trajectory": "Traject", "ProgressEvent": "Voortgangsmelding", "DuoOutboxItem": "DUO-bericht",
    "KpiAlert": "Signaal", "PaymentRun": "Betaalrun", "PayingOrganisation": "Betalende organisatie",
    "LedgerAccount": "Grootboekrekening", "BankDetailChange": "Wijziging bankgegevens",
}
#: The changed fields, per key of AuditEntry.changes.
FIELD_LABELS = {
    "price_per_trajectory": "Prijs per traject", "ceiling": "Plafond", "milestones": "Betaalschema",
    "kpis": "Prestatie-indicatoren", "amounts": "Vaste bedragen", "starts_on": "Begindatum", "ends_on": "Einddatum",
    "extension_count": "Aantal verlengingsopties", "extension_months": "Duur per verlenging (maanden)",
    "option_deadline": "Uiterste beslisdatum verlenging", "status": "Status", "municipalities": "Gemeenten",
    "municipality": "Gemeente", "service": "Dienst", "contract": "Contract", "title": "Titel", "name": "Naam",
    "kvk_number": "KvK-nummer", "iban": "IBAN", "bic": "BIC", "street": "Straat", "postcode": "Postcode",
    "city": "Plaats", "contact_name": "Contactpersoon", "contact_email": "E-mailadres contactpersoon",
    "keurmerk_valid_until": "Keurmerk geldig tot en met", "document": "Document", "sha256": "Controlegetal (SHA-256)",
    "checklist": "Eisen voor toelating", "expected_participants_per_year": "Verwachte deelnemers per jaar",
    "participants_by_municipality": "Deelnemers per gemeente", "term_years": "Looptijd (jaren)",
    "extension_years": "Verlengingsopties (jaren)", "delivery_starts_on": "Start levering", "facts": "Feiten",
    "weights": "Gewichten", "entity_activity_share": "Aandeel activiteiten van de entiteit (%)",
    "state_aid_ruled_out": "Staatssteun uitgesloten", "route": "Route", "procedure": "Procedure",
    "supersedes": "Vervangt besluit", "due_on": "Gepland op", "done_on": "Gereed op", "score": "Score",
    "explanation": "Toelichting", "single_source_threshold": "Grens enkelvoudig onderhands",
    "multiple_quote_threshold": "Grens meervoudig onderhands", "version": "Versie", "referral_date": "Aanmelddatum",
    "bsn": "BSN", "transfer_flagged_on": "Verhuizing gemeld op", "term_starts_on": "Inburgeringstermijn vanaf",
    "term_ends_on": "Inburgeringstermijn tot en met", "term_changed_on": "Termijn gewijzigd op",
    "term_extension_reason": "Reden verlenging termijn", "note": "Notitie", "period": "Periode", "total": "Totaal",
    "held_total": "Aangehouden", "account": "Grootboekrekening", "role": "Rol", "region": "Regio",
    "kennisgeving_on": "Datum kennisgeving", "pip_date": "Datum PIP",
    "term_extended_until": "Verlengde inburgeringstermijn tot en met",
    "pays_effort_in_extension": "Inspanning betaald in een verlengde termijn",
}
MONEY = {"price_per_trajectory", "ceiling", "total", "held_total", "amounts", "single_source_threshold",
         "multiple_quote_threshold"}
DATES = {"starts_on", "ends_on", "option_deadline", "keurmerk_valid_until", "delivery_starts_on", "due_on",
         "done_on", "referral_date", "transfer_flagged_on", "term_starts_on", "term_ends_on", "term_changed_on",
         "kennisgeving_on", "pip_date", "term_extended_until"}
CODES = {"municipality", "municipalities", "participants_by_municipality", "service"}
#: Fields whose value is a dict keyed by data (a requirement, a milestone code) rather than by field names.
DATA_KEYS = {"checklist", "amounts"}
#: Fields whose value is itself a list: a change of them is [list, list] (or with None), not any pair.
LISTS = {"municipalities", "milestones", "kpis"}


def register_audit_labels(app: Flask, fields: dict | None = None, values: dict | None = None) -> None:
    """A domain names its own codes: `fields` labels keys ({"own_capacity": "..."}), `values` labels the values of
    a field ({"status": {"active": "Actief"}})."""
    labels = app.extensions.setdefault("audit_labels", {"fields": {}, "values": {}})
    labels["fields"].update(fields or {})
    for name, named in (values or {}).items():
        labels["values"].setdefault(name, {}).update({str(code): label for code, label in named.items()})


def _registered() -> dict:
    return current_app.extensions.get("audit_labels", {"fields": {}, "values": {}})


def _names() -> dict[str, str]:
    """Municipality and service codes by name, read once per request."""
    if "audit_names" not in g:
        g.audit_names = dict(db.session.execute(sa.select(Municipality.code, Municipality.name)).all()) | dict(
            db.session.execute(sa.select(Service.code, Service.name)).all())
    return g.audit_names


def describe(entry: AuditEntry) -> str:
    """'Betaalrun 1 geëxporteerd'."""
    thing = OBJECT_LABELS.get(entry.object_type, "Gegeven")
    return f"{thing} {entry.object_id or ''} {ACTION_LABELS.get(entry.action, 'gewijzigd')}".replace("  ", " ")


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name) or _registered()["fields"].get(name) or "Overig gegeven"


def value_text(name: str, value) -> str:
    """One value of a changed field, formatted as the pages format it."""
    if value is None or value == "" or value == []:
        return "-"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if name == "milestones" and isinstance(value, list):
        return "; ".join(milestone_line(m) for m in value)
    if name == "kpis" and isinstance(value, list):
        return "; ".join(kpi_line(k) for k in value)
    if isinstance(value, dict):
        key_text = (lambda k: _names().get(k, k)) if name in CODES else str if name in DATA_KEYS else field_label
        return "; ".join(f"{key_text(k)}: {value_text(name if name in MONEY else k, v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(value_text(name, v) for v in value)
    return _scalar(name, value)


def _scalar(name: str, value) -> str:
    if name in MONEY:
        return format_money(value)
    if name in DATES and isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    if name == "period":
        return format_period(value)
    if name in CODES:
        return _names().get(str(value), str(value))
    named = _registered()["values"].get(name, {})
    if str(value) in named:
        return named[str(value)]
    if isinstance(value, (int, float)):
        return format_decimal(value) if isinstance(value, float) else str(value)
    return str(value)


def _is_change(name: str, value) -> bool:
    """[old, new] as core.audit.diff records it, rather than a value recorded as it is."""
    return isinstance(value, list) and len(value) == 2 and (
        name not in LISTS or all(v is None or isinstance(v, list) for v in value))


def changes(entry: AuditEntry) -> list[tuple[str, str]]:
    """The entry's changes as (label, text): ('Prijs per traject', '- → € 10.500,00')."""
    return [(field_label(name), f"{value_text(name, value[0])} → {value_text(name, value[1])}"
             if _is_change(name, value) else value_text(name, value))
            for name, value in (entry.changes or {}).items()]
