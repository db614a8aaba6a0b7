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
from core.rest import doc, load_json, load_query, make_api_blueprint, paginate
from core.schemas import page_of

bp = make_api_blueprint("budget_api", __name__)
line_in, line_out, overview_out = BudgetLineInSchema(), BudgetLineOutSchema(), OverviewSchema()
simulation_in, simulation_out = SimulationInSchema(), SimulationOutSchema()
FINANCE = "finance"


@bp.post("/budget-lines")
@roles_required(Role.FINANCE)
@doc("Begrotingsregel vastleggen of wijzigen (201 nieuw, 200 gewijzigd)", body=BudgetLineInSchema,
     response=BudgetLineOutSchema, status=201, also=(200,), roles=FINANCE)
def create_line():
    line, created = services.set_budget_line_from(load_json(line_in), by=current_user)
    db.session.commit()
    return line_out.dump(line), 201 if created else 200


@bp.get("/budget-lines")
@roles_required(Role.FINANCE)
@doc("Begrotingsregels binnen uw bereik", query=BudgetLineQuery, response=page_of(BudgetLineOutSchema),
     roles=FINANCE)
def lines():
    args = load_query(BudgetLineQuery())
    municipality = services.municipality_by_code(args["municipality"], current_user) if args.get("municipality") \
        else None
    return paginate(services.visible_lines(current_user, year=args.get("year"), municipality=municipality), line_out)


@bp.get("/budget-overview")
@roles_required(Role.FINANCE)
@doc("Begroting, realisatie, verplichtingen en prognose per gemeente en financieringsbron", query=OverviewQuery,
     response=OverviewSchema, roles=FINANCE)
def budget_overview():
    args = load_query(OverviewQuery())
    scope = services.overview_scope(current_user, municipality=args.get("municipality"),
                                    region_id=args.get("region_id"))
    return overview_out.dump(overview(scope, args["year"], today=today()))


@bp.post("/simulations")
@roles_required(Role.FINANCE, Role.INKOPER)
@doc("Wat-als: wat tot vijf tariefmodellen in een periode hadden betaald, naast wat is betaald (schrijft niets)",
     body=SimulationInSchema, response=SimulationOutSchema, roles="finance, inkoper")
def simulation():
    data = load_json(simulation_in)
    basis = whatif.basis_for(current_user, today=today(), contract_id=data.get("contract_id"),
                             service=data.get("service"), region_id=data.get("region_id"))
    models = [whatif.model_of(m["name"], m["price_per_trajectory"], m.get("ceiling"), m["milestones"], n)
              for n, m in enumerate(data["models"])]
    result = whatif.simulate(basis, data["start"], data["end"], models, user=current_user)
    return simulation_out.dump(whatif.comparison(result))
