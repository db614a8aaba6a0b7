"""JSON API of the reports: the year-end figures (JSON, CSV, XLSX) and the council report."""
from io import BytesIO

from flask import send_file
from flask_login import current_user

from core.auth import roles_required
from core.dates import today
from core.models import Role
from core.rest import BINARY, make_api_blueprint
from reports import services
from reports.schemas import (CouncilQuery, CouncilSchema, PublishableQuery, YearEndCsvQuery, YearEndQuery,
                             YearEndSchema)
from reports.yearend_files import MEDIA_TYPES, year_end_download

bp = make_api_blueprint("reports_api", __name__)


@bp.get("/reports/year-end")
@roles_required(Role.FINANCE)
@bp.arguments(YearEndQuery(), location="query")
@bp.response(200, YearEndSchema)
def year_end(args):
    """Jaarafsluiting van een gemeente: per financieringsbron en grootboekrekening gerealiseerd, overlopend,
    aangehouden en correcties op voorgaande jaren; verplichtingen naar het volgende jaar; de subsidiebijlage

    Rollen: finance."""
    return services.year_end_report(args["municipality"], args["year"], current_user)


def _add_file_route(suffix: str, query: YearEndQuery, doc: str) -> None:
    mimetype = MEDIA_TYPES[suffix]

    def download(args):
        report = services.year_end_report(args["municipality"], args["year"], current_user)
        body, _, name = year_end_download(report.result, report.years, report.codes, suffix,
                                          args.get("format", "excel"))
        return send_file(BytesIO(body), mimetype=mimetype, as_attachment=True, download_name=name)

    download.__doc__ = f"Jaarafsluiting van een gemeente als {suffix.upper()}-bestand{doc}\n\nRollen: finance."
    documented = bp.response(200, BINARY, content_type=mimetype, description="Het bestand")(download)
    view = roles_required(Role.FINANCE)(bp.arguments(query, location="query")(documented))
    bp.add_url_rule(f"/reports/year-end.{suffix}", endpoint=f"year_end_{suffix}", view_func=view)


_add_file_route("csv", YearEndCsvQuery(), ", in een van de twee journaalformaten (format)")
_add_file_route("xlsx", YearEndQuery(), "")


@bp.get("/reports/council")
@roles_required(Role.FINANCE, Role.CONTRACTMANAGER)
@bp.arguments(CouncilQuery(), location="query")
@bp.response(200, CouncilSchema)
def council(args):
    """Raadsrapportage van een gemeente of regio over een periode: aantallen per leerroute en participatietraject,
    indicatoren met trend, de procesindicatoren (tijdig PIP, start na het PIP, op koers binnen de termijn) per gemeente
    en per maand of kwartaal, geld per financieringsbron (alleen finance) en de signalen van de periode

    Rollen: finance, contractmanager."""
    return services.council_report_tables(current_user, args["start"], args["end"], today=today(),
                                          municipality=args.get("municipality"), region_id=args.get("region_id"))


def _add_council_file_route(suffix: str) -> None:
    mimetype = services.COUNCIL_MEDIA_TYPES[suffix]

    def download(args):
        document, charts = services.council_document_for(
            current_user, args["start"], args["end"], today=today(), publishable=args["publishable"],
            municipality=args.get("municipality"), region_id=args.get("region_id"))
        name = f"raadsrapportage-{args['start']:%Y%m%d}-{args['end']:%Y%m%d}" + (
            "-publiek" if args["publishable"] else "")
        return send_file(BytesIO(services.render_council(suffix, document, charts)), mimetype=mimetype,
                         as_attachment=True, download_name=f"{name}.{suffix}")

    download.__doc__ = (f"Raadsrapportage als {suffix.upper()}-bestand; met publishable=true de publieksversie "
                        "(geen persoonsgegevens, kleine aantallen onderdrukt)\n\nRollen: finance, contractmanager.")
    documented = bp.response(200, BINARY, content_type=mimetype, description="Het bestand")(download)
    view = roles_required(Role.FINANCE, Role.CONTRACTMANAGER)(
        bp.arguments(PublishableQuery(), location="query")(documented))
    bp.add_url_rule(f"/reports/council.{suffix}", endpoint=f"council_{suffix}", view_func=view)


for council_suffix in services.COUNCIL_MEDIA_TYPES:
    _add_council_file_route(council_suffix)
