"""JSON shapes of the year-end figures and the council report (issue 23, "API")."""
from marshmallow import fields, validate

from budget.schemas import YEAR, CellSchema
from core.schemas import BaseSchema, Id, Money
from kpis.schemas import IndicatorSchema
from reports.yearend_files import CSV_FORMATS

CODE = validate.Length(min=1, max=6)


class YearEndQuery(BaseSchema):
    municipality = fields.String(required=True, validate=CODE)
    year = fields.Integer(required=True, validate=YEAR)


class YearEndCsvQuery(YearEndQuery):
    format = fields.String(load_default="excel", validate=validate.OneOf(
        CSV_FORMATS, error="Kies excel of machine."), metadata={"description": (
            'excel: ";" en decimale komma (Nederlandse Excel); machine: "," en decimale punt (financieel systeem); '
            "beide met ISO-datums, zoals het journaal van een betaalrun.")})


class YearEndRowSchema(BaseSchema):
    funding_source = fields.String()
    ledger_account = fields.String()
    cost_centre = fields.String()
    realised = Money()
    accrued = Money()
    held = Money()
    corrections_earlier_years = Money()
    charged = Money()


class CommitmentSchema(BaseSchema):
    funding_source = fields.String()
    contract = fields.Function(lambda c: c.contract.reference)
    carried = Money()


class GrantLineSchema(BaseSchema):
    year = fields.Integer()
    measure = fields.String()
    indicator_code = fields.String()
    amount = Money()


class YearEndSchema(BaseSchema):
    municipality = fields.Function(lambda r: r.result.municipality.code)
    year = fields.Function(lambda r: r.result.year)
    rows = fields.List(fields.Nested(YearEndRowSchema), attribute="result.rows")
    commitments = fields.List(fields.Nested(CommitmentSchema), attribute="result.commitments")
    grant = fields.List(fields.Nested(GrantLineSchema))


class CouncilQuery(BaseSchema):
    municipality = fields.String(validate=CODE, metadata={"description": "CBS-code; of `region_id`."})
    region_id = Id()
    start = fields.Date(required=True, data_key="from", metadata={"description": "Eerste dag (JJJJ-MM-DD)."})
    end = fields.Date(required=True, data_key="to", metadata={"description": "Laatste dag (JJJJ-MM-DD)."})


class PublishableQuery(CouncilQuery):
    publishable = fields.Boolean(load_default=False, metadata={
        "description": 'De publieksversie: kleine aantallen (1-4) als "< 5", ook waar een totaal ze zou verraden.'})


class VolumeSchema(BaseSchema):
    service = fields.Function(lambda row: row.service.code if row.service else None)
    kind = fields.Function(lambda row: row.service.kind.value if row.service else None)
    referred = fields.Function(lambda row: row.counts["referred"])
    running = fields.Function(lambda row: row.counts["running"])
    completed = fields.Function(lambda row: row.counts["completed"])
    uitval = fields.Function(lambda row: row.counts["uitval"])
    switched = fields.Function(lambda row: row.counts["switched"])
    afgeschaald = fields.Function(lambda row: row.counts["afgeschaald"])
    ended_otherwise = fields.Function(lambda row: row.counts["ended_otherwise"])


class MonthValueSchema(BaseSchema):
    month = fields.Function(lambda m: m.month.strftime("%Y-%m"))
    value = fields.Function(lambda m: None if m.indicator.result.value is None else float(m.indicator.result.value),
                            allow_none=True)
    status = fields.Function(lambda m: m.indicator.status)


class TrendSchema(BaseSchema):
    indicator = fields.Nested(IndicatorSchema, attribute="whole")
    by_month = fields.List(fields.Nested(MonthValueSchema))


class ProviderTrendsSchema(BaseSchema):
    provider_id = fields.Function(lambda p: p.provider.id)
    name = fields.Function(lambda p: p.provider.name)
    indicators = fields.List(fields.Nested(TrendSchema), attribute="trends")


class SignalSchema(BaseSchema):
    kind = fields.String()
    date = fields.Date(attribute="on", allow_none=True)
    message = fields.String()


class MoneySchema(BaseSchema):
    realised_in_period = Money()
    year = fields.Nested(CellSchema, attribute="cell")


class ProcessFiguresSchema(BaseSchema):
    """An indicator's counts: met and not met (together the denominator) and the ratio."""

    met = fields.Function(lambda r: int(r.numerator))
    not_met = fields.Function(lambda r: int(r.denominator - r.numerator))
    total = fields.Function(lambda r: int(r.denominator))
    value = fields.Function(lambda r: None if r.value is None else float(r.value), allow_none=True)


class ProcessMunicipalitySchema(BaseSchema):
    municipality = fields.Function(lambda pair: pair[0].code)
    figures = fields.Function(lambda pair: ProcessFiguresSchema().dump(pair[1]))


class ProcessPeriodSchema(BaseSchema):
    start = fields.Function(lambda pair: pair[0].start.isoformat(), data_key="from")
    end = fields.Function(lambda pair: pair[0].end.isoformat(), data_key="to")
    label = fields.Function(lambda pair: pair[0].label)
    figures = fields.Function(lambda pair: ProcessFiguresSchema().dump(pair[1]))


class ProcessSchema(BaseSchema):
    indicator = fields.String(attribute="kpi")
    name = fields.Function(lambda p: p.whole.name)
    weeks = fields.Integer(allow_none=True, metadata={"description": "De termijn in weken; null bij op koers."})
    whole = fields.Nested(ProcessFiguresSchema)
    by_municipality = fields.List(fields.Nested(ProcessMunicipalitySchema))
    by_period = fields.List(fields.Nested(ProcessPeriodSchema), attribute="by_bucket", metadata={
        "description": "Per maand (tot en met 6 maanden) of per kwartaal van de periode."})


class CouncilSchema(BaseSchema):
    scope = fields.String(attribute="label")
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    volumes = fields.List(fields.Nested(VolumeSchema))
    total = fields.Nested(VolumeSchema)
    indicators = fields.List(fields.Nested(TrendSchema))
    providers = fields.List(fields.Nested(ProviderTrendsSchema))
    #: Per funding source; null for a role that keeps no budgets (contract managers).
    money = fields.List(fields.Nested(MoneySchema), attribute="money_rows", allow_none=True)
    signals = fields.List(fields.Nested(SignalSchema))
    #: PIP within ten weeks, start after the PIP, on course within the termijn: the scope's trajectories.
    process = fields.List(fields.Nested(ProcessSchema))
