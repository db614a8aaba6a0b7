"""JSON API of budget control: budget lines, the budget overview, what-if simulations."""
from flask_login import current_user

from budget import services, whatif
from budget.overview import overview
from budget.schemas import (BudgetLineInSchema, BudgetLineOutSchema, BudgetLineQuery, OverviewQuery,
                            OverviewSchema, SimulationInSchema, SimulationOutSchema)
from core.auth import roles_required
from core.dates import today
from core.extensions import db
from core.models import Role
from core.rest import make_api_blueprint, paginate
from core.schemas import page_of

bp = make_api_blueprint("budget_api", __name__)


@bp.post("/budget-lines")
@roles_required(Role.FINANCE)
@bp.arguments(BudgetLineInSchema())
@bp.response(201, BudgetLineOutSchema)
@bp.alt_response(200, schema=BudgetLineOutSchema, description="Een bestaande regel gewijzigd")
def create_line(data):
    """Begrotingsregel vastleggen (201) of het bedrag van een bestaande regel wijzigen (200)

    Rollen: finance."""
    line, created = services.set_budget_line_from(data, by=current_user)
    db.session.commit()
    return line, 201 if created else 200


@bp.get("/budget-lines")
@roles_required(Role.FINANCE)
@bp.arguments(BudgetLineQuery(), location="query")
@bp.response(200, page_of(BudgetLineOutSchema))
def lines(args):
    """Begrotingsregels binnen uw bereik

    Rollen: finance."""
    municipality = services.municipality_by_code(args["municipality"], current_user) if args.get("municipality") \
        else None
    return paginate(services.visible_lines(current_user, year=args.get("year"), municipality=municipality), args)


@bp.get("/budget-overview")
@roles_required(Role.FINANCE)
@bp.arguments(OverviewQuery(), location="query")
@bp.response(200, OverviewSchema)
def budget_overview(args):
    """Begroting, realisatie, verplichtingen en prognose per gemeente en financieringsbron, met de maanden

    Rollen: finance."""
    scope = services.overview_scope(current_user, municipality=args.get("municipality"),
                                    region_id=args.get("region_id"))
    return overview(scope, args["year"], today=today())


@bp.post("/simulations")
@roles_required(Role.FINANCE, Role.INKOPER)
@bp.arguments(SimulationInSchema())
@bp.response(200, SimulationOutSchema)
def simulation(data):
    """Wat-als: wat tot vijf tariefmodellen in een periode hadden betaald, naast wat is betaald (schrijft niets)

    Rollen: finance, inkoper."""
    basis = whatif.basis_for(current_user, today=today(), contract_id=data.get("contract_id"),
                             service=data.get("service"), region_id=data.get("region_id"))
    models = [whatif.model_of(m["name"], m["price_per_trajectory"], m.get("ceiling"), m["milestones"], n)
              for n, m in enumerate(data["models"])]
    return whatif.comparison(whatif.simulate(basis, data["start"], data["end"], models, user=current_user))
