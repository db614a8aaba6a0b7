"""The budget part of `flask demo load`: who pays which Drechtsteden contract, the B1 contracts fed by the B1
procurement case's expected participants, and budget lines (primitieve begroting, then a voorjaarsnota) for the
four municipalities, sized on the forecast so that the Begroting shows room everywhere but one signal."""
from decimal import Decimal

import sqlalchemy as sa

from budget.models import BudgetVersion, FundingSource
from budget.overview import overview
from budget.services import set_budget_line, set_contract_funding
from contracts.models import Contract
from core.dates import today
from core.extensions import db
from core.models import Service
from core.money import round_money
from procurement.models import ProcurementCase

#: Budget as a share of the expected year total: the first municipality's SPUK runs short, the rest has room.
SHORT, ROOMY = Decimal("0.85"), Decimal("1.25")


def load(state: dict) -> None:
    region, finance = state["region"], state["users"]["financien@drechtsteden.demo"]
    municipalities = sorted(region.municipalities, key=lambda m: m.code)
    contracts = {c.reference: c for c in db.session.scalars(sa.select(Contract))}
    b1_case = db.session.scalar(sa.select(ProcurementCase).join(Service).where(Service.code == "b1_route"))
    for reference, contract in contracts.items():
        if reference.startswith("DS-B1") and b1_case is not None:
            contract.procurement_case = b1_case
        if reference.startswith("DS-OND"):
            set_contract_funding(contract, FundingSource.ONDERWIJSROUTE_TOESLAG, by=finance)
        if reference.startswith("DS-KNM"):
            set_contract_funding(contract, FundingSource.GEMEENTEFONDS, by=finance)
        if reference.startswith("DS-Z") and len(municipalities) > 2:
            set_contract_funding(contract, FundingSource.EIGEN_MIDDELEN, municipality=municipalities[2], by=finance)
    db.session.flush()
    year = today().year
    figures = overview(municipalities, year, today=today())
    for cell in figures.cells:
        target = cell.expected_year_total * (SHORT if (cell.municipality, cell.funding_source) == (
            municipalities[0], FundingSource.SPUK) else ROOMY)
        budget = max(Decimal("5000.00"), round_money(target / 1000).quantize(Decimal(1)) * 1000)
        set_budget_line(cell.municipality, year, cell.funding_source, budget * Decimal("0.9"), by=finance,
                        version=BudgetVersion.PRIMITIEF)
        set_budget_line(cell.municipality, year, cell.funding_source, budget, by=finance,
                        version=BudgetVersion.VOORJAARSNOTA)
    db.session.commit()
