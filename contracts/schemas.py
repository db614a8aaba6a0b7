"""JSON shapes of contracts (api.md): milestones and KPIs are checked by core.terms, not here."""
from marshmallow import fields, validate

from contracts.models import ContractDocumentKind, RunOff
from contracts.services import kpis_of, paid_total, schedule_of
from core.schemas import BaseSchema, DocumentInSchema, Id, Money, PageQuery
from procurement.models import ProcurementRoute

ROUTES = [r.value for r in ProcurementRoute]
STATUSES = ["concept", "active", "ended", "terminated"]
RUN_OFFS = [r.value for r in RunOff]


class MilestoneSchema(BaseSchema):
    code = fields.String()
    label = fields.String()
    kind = fields.String()
    trigger = fields.String()
    params = fields.Dict()
    amount = fields.String(allow_none=True)
    percentage = fields.String(allow_none=True)
    sources = fields.List(fields.String())


class KpiSchema(BaseSchema):
    kpi = fields.String()
    params = fields.Dict()
    norm = fields.String()
    direction = fields.String()


class ContractInSchema(BaseSchema):
    reference = fields.String(required=True, validate=validate.Length(min=1, max=40))
    provider_id = Id(required=True)
    service = fields.String(required=True)
    procurement_route = fields.String(required=True, validate=validate.OneOf(ROUTES))
    procurement_case_id = Id(allow_none=True)
    #: The adopted PvE version of the case that the contract is made from (GET /pves/{id}/contract-terms).
    pve_version_id = Id(allow_none=True)
    municipalities = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    price_per_trajectory = Money(required=True)
    ceiling = Money(allow_none=True)
    extension_count = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10))
    extension_months = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=120))
    option_deadline = fields.Date(allow_none=True)
    status = fields.String(validate=validate.OneOf(STATUSES[:2]))
    run_off = fields.String(required=True, validate=validate.OneOf(RUN_OFFS), metadata={
        "description": "Uitloop van trajecten die na het einde van het contract doorlopen: tot_einde_traject "
                       "(betaald tot het traject eindigt) of tot_datum (alleen wat uiterlijk op run_off_until "
                       "verdiend is)."})
    run_off_until = fields.Date(allow_none=True, metadata={
        "description": "Bij tot_datum: de laatste betaaldag, niet vóór end_date."})
    pays_effort_in_extension = fields.Boolean(load_default=False, metadata={
        "description": "Inspanningsmijlpalen worden na het einde van de inburgeringstermijn niet betaald; in een "
                       "door DUO verlengde termijn alleen als dit waar is."})
    #: Validated item by item by core.terms.validate_milestones, so errors carry their index.
    milestones = fields.List(fields.Raw(), required=True)
    kpis = fields.List(fields.Raw(), load_default=list)


class ContractAmendSchema(BaseSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=400))
    end_date = fields.Date()
    ceiling = Money(allow_none=True)
    extension_count = fields.Integer(validate=validate.Range(min=0, max=10))
    extension_months = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=120))
    option_deadline = fields.Date(allow_none=True)
    status = fields.String(validate=validate.OneOf(STATUSES))
    municipalities = fields.List(fields.String(), validate=validate.Length(min=1))
    kpis = fields.List(fields.Raw())
    run_off = fields.String(validate=validate.OneOf(RUN_OFFS))
    run_off_until = fields.Date(allow_none=True)
    pays_effort_in_extension = fields.Boolean()


class TariffChangeInSchema(BaseSchema):
    effective_on = fields.Date(required=True)
    price_per_trajectory = Money(required=True)
    amounts = fields.Dict(keys=fields.String(), values=Money(), load_default=dict)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class EvidenceRulesInSchema(BaseSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=400))
    #: Per milestone code, the sources whose reports earn it: duo, staff, provider (core.terms.SOURCES).
    sources = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)


class TariffChangeOutSchema(BaseSchema):
    effective_on = fields.Date()
    price_per_trajectory = Money()
    amounts = fields.Dict()
    reason = fields.String()


class ContractListItemSchema(BaseSchema):
    id = fields.Integer()
    reference = fields.String()
    provider_id = Id()
    service = fields.Function(lambda c: c.service.code)
    procurement_route = fields.Function(lambda c: c.procurement_route.value)
    start_date = fields.Date(attribute="starts_on")
    end_date = fields.Date(attribute="ends_on")
    status = fields.Function(lambda c: c.status.value)


class ContractOutSchema(ContractListItemSchema):
    procurement_case_id = Id(allow_none=True)
    pve_version_id = Id(allow_none=True)
    municipalities = fields.Function(lambda c: [m.code for m in c.municipalities])
    price_per_trajectory = Money()
    ceiling = Money(allow_none=True)
    extension_count = fields.Integer()
    extension_months = fields.Integer(allow_none=True)
    option_deadline = fields.Date(allow_none=True)
    run_off = fields.Function(lambda c: c.run_off.value)
    run_off_until = fields.Date(allow_none=True)
    pays_effort_in_extension = fields.Boolean()
    milestones = fields.Method("schedule")
    kpis = fields.Method("agreements")
    tariff_changes = fields.List(fields.Nested(TariffChangeOutSchema))
    paid_total = fields.Function(lambda c: str(paid_total(c.id)), metadata={"type": "string", "pattern": Money.PATTERN})

    def schedule(self, contract):
        return [{k: v for k, v in m.items() if v is not None} for m in schedule_of(contract)]

    def agreements(self, contract):
        return kpis_of(contract)


class ContractQuery(PageQuery):
    provider_id = Id()
    status = fields.String(validate=validate.OneOf(STATUSES))


class ContractDocumentInSchema(DocumentInSchema):
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in ContractDocumentKind]))


class ListedProviderSchema(BaseSchema):
    provider_id = Id()
    name = fields.String()
    city = fields.String(allow_none=True)


class ProviderListVersionSchema(BaseSchema):
    number = fields.Integer()
    published_on = fields.Date()
    providers = fields.List(fields.Nested(ListedProviderSchema))


class OpenHouseOutSchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    procurement_case_id = Id()
    service = fields.Function(lambda h: h.procurement_case.service.code)
    starts_on = fields.Date()
    ends_on = fields.Date()
    is_open = fields.Boolean()
    announced_on = fields.Date(allow_none=True, metadata={
        "description": "De openbare aankondiging; aanmelden en toelaten kan pas daarna."})
    announcement_url = fields.String(allow_none=True)
    list_versions = fields.List(fields.Nested(ProviderListVersionSchema), metadata={
        "description": "Elke gepubliceerde versie van de lijst van toegelaten aanbieders, oudste eerst; een "
                       "aanmelding noemt de versie die de deelnemer zag (provider_list_version)."})


class AnnouncementInSchema(BaseSchema):
    announced_on = fields.Date(required=True)
    url = fields.String(required=True, validate=validate.Length(min=1, max=500))
