"""Demo data: a B1-route PvE for Drechtsteden, reviewed and adopted, with a newer concept on top."""
import sqlalchemy as sa

from core.extensions import db
from core.models import Service
from procurement.models import ProcurementCase
from procurement.pve import services
from procurement.pve.models import Pve, PveStatus

KWALITEIT = ("- De aanbieder beschikt over een geldig **Blik op Werk keurmerk inburgeren**.\n"
             "- Docenten NT2 zijn gekwalificeerd (Bevoegd NT2-docent of gelijkwaardig).\n"
             "- Klassen tellen hoogstens 16 deelnemers.")


def _case(state: dict) -> ProcurementCase:
    """The region's B1-route case if the procurement demo made one, else a case of our own."""
    region = state["region"]
    b1 = db.session.scalar(sa.select(Service).where(Service.code == "b1_route"))
    case = db.session.scalar(sa.select(ProcurementCase).where(
        ProcurementCase.region_id == region.id, ProcurementCase.service_id == b1.id,
        ~ProcurementCase.id.in_(sa.select(Pve.procurement_case_id))).order_by(ProcurementCase.id))
    if case is None:
        case = ProcurementCase(service=b1, region=region, municipalities=list(region.municipalities),
                               created_by=state["users"]["inkoper@drechtsteden.demo"])
        db.session.add(case)
        db.session.flush()
    return case


def load(state: dict) -> None:
    author, colleague = state["users"]["inkoper@drechtsteden.demo"], state["users"]["inkoper2@drechtsteden.demo"]
    reviewer = state["users"]["contract@drechtsteden.demo"]
    pve = services.create_pve(_case(state), "PvE B1-route Drechtsteden 2027-2030", by=author)
    first = pve.latest
    sections = [s | {"body": KWALITEIT} if s["key"] == "kwaliteit" else s for s in first.sections]
    financing = first.financing | {"price_per_trajectory": "10000.00", "ceiling": "2500000.00"}
    services.save_version(pve, {"sections": sections, "financing": financing,
                                "note": "Prijs, plafond en klassengrootte ingevuld"}, by=author)
    services.change_status(pve, PveStatus.IN_REVIEW, by=author)
    comment = services.add_comment(pve, "duaal", "Noem ook de combinatie met een werkervaringsplaats.", by=reviewer)
    services.answer_comment(comment, "Toegevoegd in de volgende versie.", by=author)
    duaal = [s | {"body": s["body"] + " Ook een werkervaringsplaats telt als duaal traject."}
             if s["key"] == "duaal" else s for s in sections]
    services.save_version(pve, {"sections": duaal, "note": "Duale trajecten aangevuld na review"}, by=author)
    services.resolve_comment(comment, by=reviewer)
    services.change_status(pve, PveStatus.ADOPTED, by=colleague)
    services.start_new_draft(pve, by=author)
    db.session.flush()
