"""The audit log reads in Dutch: every action and object has a label, every change a Dutch field name and a
formatted value; no action code, class name or Python repr reaches a page."""
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from contracts.models import AdmissionStatus
from contracts.services import amend_contract, create_contract
from core.services import orderable_service
from core.audit_text import ACTION_LABELS, OBJECT_LABELS, changes, describe
from core.extensions import db
from core.models import AuditEntry, Role
from procurement.pve.models import PveStatus

ROOT = Path(__file__).resolve().parents[2]
RECORD = re.compile(r"audit\.record\(\s*[^,]+,\s*(f?)\"([^\"]+)\"")
#: The actions composed at run time, with every value they take.
COMPOSED = {
    "open_house_{status}": [f"open_house_{s}" for s in AdmissionStatus if s != AdmissionStatus.APPLIED],
    "pve_{to.value}": [f"pve_{s}" for s in PveStatus],
    "{prefix}_document_added": ["provider_document_added", "contract_document_added"],
    "{prefix}_document_superseded": ["provider_document_superseded", "contract_document_superseded"],
    "{type(owner).__name__.lower()}_document_deleted": ["provider_document_deleted", "contract_document_deleted"],
}


def _recorded_actions() -> tuple[set[str], set[str]]:
    literal, composed = set(), set()
    for path in ROOT.glob("*/**/*.py"):
        if path.parts[len(ROOT.parts)] in ("tests", "node_modules", "benchmarks", "migrations"):
            continue
        for is_f, action in RECORD.findall(path.read_text()):
            (composed if is_f else literal).add(action)
    return literal, composed


def test_every_action_the_code_records_has_a_dutch_label():
    literal, composed = _recorded_actions()
    assert literal, "no audit.record call found"
    assert composed == set(COMPOSED), "a new composed action: list the values it takes in COMPOSED"
    missing = (literal | {a for values in COMPOSED.values() for a in values}) - ACTION_LABELS.keys()
    assert not missing


def test_every_labelled_object_is_a_model(app):
    assert OBJECT_LABELS.keys() <= {m.class_.__name__ for m in db.Model.registry.mappers}


@pytest.mark.parametrize("action, object_type, object_id, shown", [
    ("payment_run_exported", "PaymentRun", 1, "Betaalrun 1 geëxporteerd"),
    ("contract_amended", "Contract", 7, "Contract 7 gewijzigd"),
    ("open_house_admitted", "Admission", 3, "Aanmelding 3 toegelaten"),
    ("pve_vastgesteld", "Pve", 2, "PvE 2 vastgesteld"),
    ("login_failed", "User", None, "Gebruiker inloggen mislukt"),
    ("progress_events_recorded", "ProgressEvent", 12, "Voortgangsmelding 12 ontvangen"),
    # never a code, also not for one the table does not know
    ("teleported", "Spaceship", 4, "Gegeven 4 gewijzigd"),
])
def test_an_audit_line_says_what_happened_to_what(action, object_type, object_id, shown):
    assert describe(AuditEntry(action=action, object_type=object_type, object_id=object_id)) == shown


MILESTONE = {"code": "START", "label": "Start", "kind": "inspanning", "trigger": "start", "params": {}, "amount": None,
             "percentage": "20"}


@pytest.mark.parametrize("recorded, shown", [
    # money, dates and months as the pages show them
    ({"price_per_trajectory": [None, "10500.00"]}, [("Prijs per traject", "- → € 10.500,00")]),
    ({"ends_on": ["2027-12-31", "2028-12-31"]}, [("Einddatum", "31-12-2027 → 31-12-2028")]),
    ({"period": "2026-11", "total": "2500.00"}, [("Periode", "november 2026"), ("Totaal", "€ 2.500,00")]),
    # statuses and routes by the labels their domain registers
    ({"status": ["draft", "approved"]}, [("Status", "Concept → Goedgekeurd")]),
    ({"status": ["active", "terminated"]}, [("Status", "Actief → Ontbonden")]),
    ({"route": "quasi_inbesteden"}, [("Route", "Quasi-inbesteden")]),
    # municipalities and services by name
    ({"municipalities": ["GM0505", "GM0642"]}, [("Gemeenten", "Dordrecht, Zwijndrecht")]),
    ({"municipalities": [["GM0505"], ["GM0505", "GM0642"]]}, [("Gemeenten", "Dordrecht → Dordrecht, Zwijndrecht")]),
    ({"participants_by_municipality": {"GM0505": 180}}, [("Deelnemers per gemeente", "Dordrecht: 180")]),
    # nested terms and facts in words, yes/no for booleans
    ({"milestones": [None, [MILESTONE]]},
     [("Betaalschema", "- → START Start: 20 % van de prijs, inspanning bij start van het traject")]),
    ({"kpis": [[], [{"kpi": "dropout_rate", "params": {}, "norm": "0.15", "direction": "max"}]]},
     [("Prestatie-indicatoren", "- → Uitval: maximaal 15,0 %")]),
    ({"facts": {"own_capacity": False}},
     [("Feiten", "De eigen organisatie heeft de capaciteit en deskundigheid: nee")]),
    ({"checklist": [None, {"Geldig keurmerk": True}]}, [("Eisen voor toelating", "- → Geldig keurmerk: ja")]),
    ({"amounts": [None, {"AFR": "500.00"}]}, [("Vaste bedragen", "- → AFR: € 500,00")]),
    ({"weights": {"freedom_of_choice": 3}}, [("Gewichten", "Keuzevrijheid voor de deelnemer: 3")]),
])
def test_a_change_reads_as_dutch_label_and_formatted_values(ctx, make_municipality, recorded, shown):
    make_municipality(code="GM0505", name="Dordrecht")
    make_municipality(code="GM0642", name="Zwijndrecht")
    assert [(label, text.replace("\xa0", " ")) for label, text in changes(AuditEntry(changes=recorded))] == shown


def test_contract_history_and_audit_log_show_no_codes(ctx, login, make_user, make_municipality, make_provider):
    town = make_municipality(code="GM0505", name="Dordrecht")
    manager = make_user(Role.CONTRACTMANAGER, municipalities=[town])
    contract = create_contract({"reference": "DS-1", "provider": make_provider(), "service": orderable_service("b1_route"),
                                "procurement_route": "aanbesteding", "municipalities": [town],
                                "run_off": "tot_einde_traject",
                                "starts_on": date(2026, 1, 1), "ends_on": date(2026, 12, 31),
                                "price_per_trajectory": Decimal("10500.00"), "milestones": [MILESTONE]}, by=manager)
    amend_contract(contract, {"ceiling": Decimal("90000.00"), "status": "terminated"}, "Afgerond", by=manager)
    db.session.commit()
    client = login(make_user(Role.ADMIN))
    for url in (f"/contracten/{contract.id}", "/audit"):
        text = re.sub(r"<[^>]+>", "", client.get(url).get_data(as_text=True)).replace("\xa0", " ")
        assert "Prijs per traject: - → € 10.500,00" in text and "Status: Actief → Ontbonden" in text, url
        assert "Plafond: - → € 90.000,00" in text and "Betaalschema: - → START Start: 20 % van de prijs" in text, url
        for code in ("price_per_trajectory", "None", "contract_created", "contract_amended", "'code'", "Contract 1 "):
            assert code not in text.replace("Contract 1 vastgelegd", "").replace("Contract 1 gewijzigd", ""), (url, code)
