"""Sample requests for the write matrix (test_write_matrix.py): one valid request per mutating route, built from
the sampled objects of the demo region (test_scope_matrix._samples plus test_write_matrix.sides). A new mutating
route must be added here: the matrix fails on a route it does not find."""
import io

from core.models import Role
from tests.factories import ALL_CONDITIONS_MET, PDF

#: Mutating routes that change no object in another's scope, with the reason.
NOT_WRITES = {
    "providers.create": "registers a new provider, related to the registering user's own region (core.scope rule 4; "
                        "tests/security/test_write_findings.py)",
    "providers_api.create": "as providers.create",
    "trajectories.upload": "stores the uploader's own file; its rows are checked against the uploader's scope when "
                           "they are imported (tests/trajectories)",
    "trajectories_api.progress_import": "as trajectories.upload",
    "core.login": "logs in: no object, no scope",
    "core.logout": "ends the own session",
    "duo_notificaties.create_notification": "DUO's machine endpoint (certificate or token), tested in "
                                            "tests/trajectories/duo",
    "budget.what_if": "a simulation: computes within the user's read scope, stores nothing",
    "budget_api.simulation": "a simulation: computes within the user's read scope, stores nothing",
}

PROVIDER = {"name": "Taalschool Matrix", "iban": "NL44RABO0123456789", "keurmerk_status": "geldig_tot",
            "keurmerk_valid_until": "2031-12-31"}
DOCUMENT = {"title": "Matrix", "kind": "overig"}


def _file(name="matrix.pdf", content=PDF):
    return (io.BytesIO(content), name)


def _html_document(s):
    return {"data": {**DOCUMENT, "file": _file()}, "content_type": "multipart/form-data"}


def _api_document(s):
    return {"data": {**DOCUMENT, "file": _file()}, "content_type": "multipart/form-data"}


WRITES = {
    # Beheer: the region's admin; users and municipalities of the region
    "beheer.create_token": lambda s: {"args": {"user_id": s["target_user_id"]}},
    "beheer.create_user": lambda s: {"data": {"email": "nieuw@matrix.example.nl", "name": "Nieuw", "role": "inkoper",
                                              "region_id": s["region_id"]}},
    "beheer.edit_user": lambda s: {"args": {"user_id": s["target_user_id"]},
                                   "data": {"email": s["target_email"], "name": "Gewijzigd", "role": "inkoper",
                                            "region_id": s["region_id"]}},
    "beheer.municipalities": lambda s: {"data": {"code": "GM0999", "name": "Matrixdorp", "cost_centre": "M",
                                                 "region_id": s["region_id"]}},
    "beheer.regions": lambda s: {"data": {"name": "Matrixregio", "executing_organisation": "M",
                                          "municipality_codes": ["GM0505"]}},
    "beheer.revoke_token": lambda s: {"args": {"user_id": s["target_user_id"], "token_id": s["token_id"]}},
    "beheer.set_enabled": lambda s: {"args": {"user_id": s["target_user_id"], "action": "blokkeren"}},
    # Budget
    "budget.funding": lambda s: {"data": {"contract": s["contract_id"], "municipality": "", "funding_source":
                                          "eigen_middelen"}},
    "budget.lines": lambda s: {"data": {"municipality": "GM0505", "year": 2028, "funding_source": "eigen_middelen",
                                        "service": "", "version": "primitief", "amount": "1000,00"}},
    "budget_api.create_line": lambda s: {"json": {"municipality": "GM0505", "year": 2027,
                                                  "funding_source": "eigen_middelen", "amount": "1000.00"}},
    # Contracts and Open House
    "contracts.add_document": _html_document,
    "contracts.amend": lambda s: {"form": f"/contracten/{s['contract_id']}/wijzigen",
                                  "data": {"reason": "Matrix", "ends_on": s["contract_ends_on_later"]}},
    "contracts.create": lambda s: {"data": {"reference": "MATRIX-1", "provider": s["provider_id"], "service":
                                            "b1_route", "procurement_route": "aanbesteding", "municipalities":
                                            ["GM0505"], "starts_on": "2026-01-01", "ends_on": "2027-12-31",
                                            "price_per_trajectory": "10000,00", "run_off": "tot_einde_traject"}},
    "contracts.delete_document": lambda s: {},
    "contracts.evidence_rules": lambda s: {"form": f"/contracten/{s['contract_id']}/bewijsregels",
                                           "data": {"reason": "Matrix",
                                                    f"sources_{s['milestone_code']}": ["duo", "staff"]}},
    "contracts.tariff": lambda s: {"data": {"effective_on": s["tariff_day"], "price_per_trajectory": "11000,00",
                                            "reason": "Indexatie"}},
    "contracts_api.add_document": _api_document,
    "contracts_api.amend": lambda s: {"json": {"reason": "Matrix", "end_date": s["contract_ends_on_later"]}},
    "contracts_api.announce": lambda s: {"json": {"announced_on": s["today"], "url": "https://tenderned.nl/matrix"}},
    "contracts_api.change_tariff": lambda s: {"json": {"effective_on": s["tariff_day_api"],
                                                       "price_per_trajectory": "11000.00", "reason": "Indexatie"}},
    "contracts_api.create": lambda s: {"json": {"reference": "MATRIX-2", "provider_id": s["provider_id"],
                                                "service": "b1_route", "procurement_route": "aanbesteding",
                                                "municipalities": ["GM0505"], "start_date": "2026-01-01",
                                                "end_date": "2027-12-31", "price_per_trajectory": "10000.00",
                                                "run_off": "tot_einde_traject", "milestones": s["milestones"],
                                                "kpis": []}},
    "contracts_api.delete_document": lambda s: {"args": {"contract_document_id": s["api_contract_document_id"]}},
    "contracts_api.evidence_rules": lambda s: {"json": {"reason": "Matrix",
                                                        "sources": {s["milestone_code"]: ["duo"]}}},
    "open_house.announce": lambda s: {"data": {"announced_on": s["today"], "url": "https://tenderned.nl/matrix"}},
    "open_house.apply": lambda s: {"data": {"provider": s["applicant_id"]}},
    "open_house.create": lambda s: {"data": {"procurement_case": s["free_case_id"], "title": "Matrix",
                                             "starts_on": "2026-01-01", "ends_on": "2027-12-31",
                                             "price_per_trajectory": "10000,00"}},
    "open_house.decide": lambda s: {"args": {"admission_id": s["admission_id"]},
                                    "data": {f"a{s['admission_id']}-status": "refused",
                                             f"a{s['admission_id']}-motivation": "Matrix"}},
    # Reference data
    "core_api.create_municipality": lambda s: {"json": {"code": "GM0998", "name": "Matrixstad"}},
    "core_api.create_region": lambda s: {"json": {"name": "Matrixregio 2", "municipalities": ["GM0505"]}},
    # Trajectories, progress and DUO
    "duo.resolve_correction": lambda s: {"args": {"item_id": s["manual_item_id"]}},
    "duo.resolve_transfer": lambda s: {},
    "duo.retry": lambda s: {"args": {"item_id": s["failed_item_id"]}},
    "trajectories.add_event": lambda s: {"data": {"type": "start", "date": s["today"]}},
    "trajectories.create": lambda s: {"data": {"reference": "MATRIX-T1", "contract_id": s["contract_id"],
                                               "municipality": "GM0505", "referral_date": s["today"]}},
    "trajectories.import_action": lambda s: {"args": {"action": "discard"}},
    "trajectories.set_dates": lambda s: {"data": {"termijn-kennisgeving_on": "2020-01-01"}},
    "trajectories_api.set_dates": lambda s: {"json": {"kennisgeving_on": "2020-01-01"}},
    "trajectories.switch": lambda s: {"data": {"schakelen-contract_id": s["switch_contract_id"],
                                               "schakelen-reference": "MATRIX-S1", "schakelen-switched_on": s["today"],
                                               "schakelen-pip_date": s["today"]}},
    "trajectories_api.create_trajectory": lambda s: {"json": {"reference": "MATRIX-T2", "contract_id":
                                                              s["contract_id"], "municipality": "GM0505",
                                                              "referral_date": s["today"]}},
    "trajectories_api.progress_events": lambda s: {"json": {"events": [{
        "event_id": "MATRIX-E1", "trajectory": s["reference"], "type": "start", "date": s["today"]}]}},
    "trajectories_api.switch_trajectory": lambda s: {"json": {"contract_id": s["switch_contract_id"],
                                                              "reference": "MATRIX-S2", "switched_on": s["today"],
                                                              "pip_date": s["today"]}},
    # KPIs and verification
    "indicators.handle_alert": lambda s: {"args": {"alert_id": s["alert_id"]}, "data": {"note": "Gesprek gepland"}},
    "verification.accept": lambda s: {"args": {"claim_id": s["open_claim_id"]}, "data": {"note": "Gezien"}},
    "verification.reject": lambda s: {"args": {"claim_id": s["open_claim_id"]}, "data": {"reason": "Geen bewijs"}},
    "verification.sample": lambda s: {"data": {"justified": "ja", "reason": ""}},
    "verification_api.accept": lambda s: {"args": {"claim_id": s["open_claim_id"]}, "data": {"note": "Gezien"},
                                          "content_type": "multipart/form-data"},
    "verification_api.check": lambda s: {"json": {"justified": True}},
    "verification_api.reject": lambda s: {"args": {"claim_id": s["open_claim_id"]}, "json": {"reason": "Geen"}},
    # Payments
    "payments.approve": lambda s: {"args": {"run_id": s["draft_run_id"]}},
    "payments.cancel": lambda s: {"args": {"run_id": s["draft_run_id"]}},
    "payments.decide_bank_change": lambda s: {"args": {"change_id": s["change_id"], "decision": "afwijzen"}},
    "payments_api.approve_bank_change": lambda s: {"args": {"change_id": s["change_id"]}},
    "payments_api.reject_bank_change": lambda s: {"args": {"change_id": s["change_id"]}},
    "payments.index": lambda s: {"data": {"period": s["period"], "scope": f"r:{s['region_id']}"}},
    "payments.recalculate": lambda s: {"args": {"run_id": s["draft_run_id"]}},
    "payments.settings": lambda s: {"data": {"payer-scope": f"r:{s['region_id']}", "payer-name": "Matrix BV",
                                             "payer-iban": "NL91ABNA0417164300", "payer-bic": "ABNANL2A"}},
    "payments_api.approve": lambda s: {"args": {"run_id": s["draft_run_id"]}},
    "payments_api.cancel": lambda s: {"args": {"run_id": s["draft_run_id"]}},
    "payments_api.create": lambda s: {"json": {"period": s["period"], "region_id": s["region_id"]}},
    "payments_api.recalculate": lambda s: {"args": {"run_id": s["draft_run_id"]}},
    # Procurement and PvE
    "procurement.approve": lambda s: {"args": {"case_id": s["pending_case_id"]}},
    "procurement.create": lambda s: {"form": "/inkoop/nieuw", "data": {"service": "knm", "region_id": s["region_id"],
                                              "municipalities": ["GM0505", "GM0642", "GM0590", "GM0531"],
                                              "expected_participants_per_year": 10, "price_per_trajectory": "1000",
                                              "term_years": 2, "extension_years": 0}},
    "procurement.decide": lambda s: {"data": {"route": "open_house", "motivation": "Keuzevrijheid"}},
    "procurement.edit": lambda s: {"form": f"/inkoop/{s['case_id']}/wijzigen", "data": {"title": "Matrix"}},
    "procurement.milestone": lambda s: {"data": {"due_on": s["today"]}},
    "procurement.plan": lambda s: {"data": {"planning-route": "open_house", "planning-starts_on": s["today"]}},
    "procurement.policy": lambda s: {"data": {"single_source_threshold": "30000",
                                              "multiple_quote_threshold": "100000"}},
    "procurement.scores": lambda s: {"data": {"score_id": s["score_id"], "score": "3", "explanation": "Matrix"}},
    "procurement_api.approve": lambda s: {"args": {"case_id": s["pending_case_id"]}},
    "procurement_api.create_case": lambda s: {"json": {"service": "knm", "municipalities": ["GM0505"],
                                                       "expected_participants_per_year": 10,
                                                       "price_per_trajectory": "1000.00", "term_years": 2,
                                                       "facts": ALL_CONDITIONS_MET}},
    "procurement_api.decide": lambda s: {"json": {"route": "open_house", "motivation": "Keuzevrijheid"}},
    "pve.add_attachment": lambda s: {"data": {"file": _file()}, "content_type": "multipart/form-data"},
    "pve.add_comment": lambda s: {"data": {"section_key": s["section_key"], "body": "Matrix"}},
    "pve.answer_comment": lambda s: {"data": {"answer": "Matrix"}},
    "pve.change_status": lambda s: {"args": {"to": "in_review"}},
    "pve.create": lambda s: {"data": {"procurement_case_id": s["free_case_id"], "title": "Matrix"}},
    "pve.edit": lambda s: {"form": f"/pve/{s['pve_id']}/edit", "data": {"note": "Matrix", "action": "save"}},
    "pve.new_draft": lambda s: {},
    "pve.resolve_comment": lambda s: {},
    "pve_api.add_attachment": lambda s: {"data": {"file": _file()}, "content_type": "multipart/form-data"},
    "pve_api.add_comment": lambda s: {"json": {"section_key": s["section_key"], "body": "Matrix"}},
    "pve_api.answer_comment": lambda s: {"json": {"answer": "Matrix"}},
    "pve_api.create": lambda s: {"json": {"procurement_case_id": s["free_case_id"], "title": "Matrix"}},
    "pve_api.new_draft": lambda s: {},
    "pve_api.resolve_comment": lambda s: {},
    "pve_api.save": lambda s: {"json": {"note": "Matrix"}},
    "pve_api.status": lambda s: {"json": {"status": "in_review"}},
    # Providers (shared master data)
    "providers.add_document": _html_document,
    "providers.add_user": lambda s: {"data": {"email": "login@matrix.example.nl", "name": "Login"}},
    "providers.delete_document": lambda s: {},
    "providers.edit": lambda s: {"data": {**PROVIDER, "name": "Gewijzigd", "kvk_number": s["provider_kvk"],
                                          "iban": s["provider_iban"]}},
    "providers_api.add_document": _api_document,
    "providers_api.delete_document": lambda s: {"args": {"provider_document_id": s["api_provider_document_id"]}},
    "providers_api.update": lambda s: {"json": {"contact_name": "Matrix"}},
    # Reports
    "reports.approve": lambda s: {"query_string": s["report_args"]},
    "reports.indicator_code": lambda s: {"query_string": {"municipality": "GM0505", "year": 2026},
                                         "data": {"measure": s["measure"], "code": "M1"}},
    "reports.narrative": lambda s: {"query_string": s["report_args"], "data": {"toelichting": "Matrix"}},
}

#: The finance user who approves what write_fresh.MAKER_FINANCE made (four eyes).
APPROVER = "financien2@drechtsteden.demo"
#: The own side of a route where the first role the route allows is not the one to use: (role, email of the demo's
#: user, or None for any user of the role). Four eyes: the approver is never the maker (write_fresh: runs and bank
#: details by MAKER_FINANCE, decisions by MAKER_INKOPER, the report's text by MAKER_FINANCE); money is finance's
#: alone (no admin approves runs or bank details); reference data and regions are national.
OWN_SIDE = {**{endpoint: (Role.FINANCE, APPROVER) for endpoint in (
                "payments.approve", "payments_api.approve", "payments.decide_bank_change",
                "payments_api.approve_bank_change", "payments_api.reject_bank_change")},
            "procurement.approve": (Role.ADMIN, None), "procurement_api.approve": (Role.ADMIN, None),
            "core_api.create_municipality": (Role.NATIONAL_ADMIN, None),
            "core_api.create_region": (Role.NATIONAL_ADMIN, None), "beheer.regions": (Role.NATIONAL_ADMIN, None),
            "reports.approve": (Role.ADMIN, None),
            "procurement.scores": (Role.NATIONAL_ADMIN, None)}
#: HTML routes whose success is a page of 200 rather than a redirect: the new token or first password, shown once.
SUCCESS_200 = {"beheer.create_token": [200], "beheer.create_user": [200]}
_OWN_CHOICES = "the form offers only the user's own {}: another's is 'Not a valid choice', the form shown again"
_UNKNOWN = "a {} outside the user's scope is looked up within it and so unknown: a field error, nothing stored"
#: Answers besides 403 and 404 that a refused side may get on a route, with the reason.
FOREIGN_ANSWERS = {
    "budget.funding": ((200,), _OWN_CHOICES.format("contracts")),
    "budget.lines": ((200,), _OWN_CHOICES.format("municipalities")),
    "budget_api.create_line": ((422,), _UNKNOWN.format("municipality")),
    "beheer.create_user": ((422,), _OWN_CHOICES.format("region")),
    "beheer.municipalities": ((422,), _OWN_CHOICES.format("region")),
    "beheer.regions": ((422,), "a region's admin is told on the form that only the national admin makes regions"),
    "payments.index": ((200,), _OWN_CHOICES.format("scopes")),
    "payments.settings": ((200,), _OWN_CHOICES.format("scopes")),
    "payments_api.create": ((422,), _UNKNOWN.format("region")),
    "contracts.create": ((200,), _OWN_CHOICES.format("providers, cases and municipalities")),
    "contracts_api.create": ((422,), "a foreign procurement_case_id or pve_version_id is looked up without the "
                             "visibility filter (contracts/services.py contract_data, pve_version_by_id) and refused "
                             "because the case's municipalities are not the contract's: a field error"),
    "open_house.create": ((200,), _OWN_CHOICES.format("procurement cases")),
    "procurement.create": ((200,), _OWN_CHOICES.format("regions and municipalities")),
    "procurement_api.create_case": ((422,), "municipalities outside the scope are named in a field error"),
    "pve.create": ((200,), _OWN_CHOICES.format("procurement cases")),
    "trajectories.create": ((422,), _OWN_CHOICES.format("contracts and municipalities")),
    "trajectories_api.create_trajectory": ((422,), _UNKNOWN.format("contract")),
    "trajectories_api.progress_events": ((422,), _UNKNOWN.format("trajectory reference")),
    "trajectories.switch": ((422,), "the new contract must be one the user's scope offers: a field error"),
    "trajectories_api.switch_trajectory": ((422,), _UNKNOWN.format("contract")),
}


def _naming(endpoint: str, **foreign):
    """The route's sample with some body fields naming another region's objects ({field: sample key})."""
    def request(s):
        sample = WRITES[endpoint](s)
        body = "json" if "json" in sample else "data"
        sample[body] = sample[body] | {field: s[key] for field, key in foreign.items()}
        return sample
    return request


#: Requests of the own region's user that name another region's objects in the body: refused like a foreign side.
#: (Not open_house.apply: staff of the case's municipalities apply any registered provider, contracts.open_house.)
FOREIGN_BODIES = {
    "contracts.create": [_naming("contracts.create", procurement_case="foreign_case_id"),
                         _naming("contracts.create", pve_version="foreign_pve_version_id")],
    "contracts_api.create": [_naming("contracts_api.create", procurement_case_id="foreign_case_id"),
                             _naming("contracts_api.create", pve_version_id="foreign_pve_version_id"),
                             _naming("contracts_api.create", municipalities="foreign_codes")],
    "trajectories.create": [_naming("trajectories.create", contract_id="foreign_contract_id")],
    "trajectories.switch": [_naming("trajectories.switch", **{"schakelen-contract_id": "foreign_contract_id"})],
    "trajectories_api.switch_trajectory": [_naming("trajectories_api.switch_trajectory",
                                                   contract_id="foreign_contract_id")],
    "open_house.create": [_naming("open_house.create", procurement_case="foreign_case_id")],
    "pve.create": [_naming("pve.create", procurement_case_id="foreign_case_id")],
    "pve_api.create": [_naming("pve_api.create", procurement_case_id="foreign_case_id")],
    "procurement.create": [_naming("procurement.create", region_id="foreign_region_id")],
    "payments_api.create": [_naming("payments_api.create", region_id="foreign_region_id")],
    "budget.lines": [_naming("budget.lines", municipality="foreign_code")],
    "budget_api.create_line": [_naming("budget_api.create_line", municipality="foreign_code")],
    "trajectories_api.create_trajectory": [_naming("trajectories_api.create_trajectory",
                                                   contract_id="foreign_contract_id"),
                                           _naming("trajectories_api.create_trajectory", municipality="foreign_code")],
}
#: Routes where another provider's user writes for its own provider whatever the body names, with the reason.
ACTS_AS_ITSELF = {"open_house.apply": "a provider user's application is for its own provider: the form's provider is "
                                      "ignored (test_a_provider_applies_to_an_open_house_only_for_itself)"}
