"""The service catalogue: alfabetisering and the duaal traject are parts of a leerroute, not bought on their own."""
import pytest

from core.errors import DomainError
from core.models import Role
from core.services import orderable_service
from tests.factories import ALL_CONDITIONS_MET


@pytest.mark.parametrize("code, refused", [
    # leerroutes and participatietrajecten are bought on their own
    ("b1_route", None), ("z_route", None), ("knm", None), ("financieel_ontzorgen", None),
    # parts of a leerroute are bought with it, and recorded on the referral
    ("alfabetisering", "onderdeel van de leerroute"), ("duaal_traject", "leerroute gecombineerd met werk"),
    ("teleport", "Onbekende dienst"),
])
def test_only_leerroutes_and_participatietrajecten_are_orderable(ctx, code, refused):
    if refused is None:
        assert orderable_service(code).code == code
        return
    with pytest.raises(DomainError, match=refused) as caught:
        orderable_service(code)
    assert caught.value.field == "service"


def test_the_catalogue_keeps_every_code_of_the_api_and_says_which_are_parts(api, make_user):
    items = api(make_user(Role.ADMIN)).get("/api/v1/services?per_page=50").get_json()["items"]
    by_code = {i["code"]: i for i in items}
    assert {"b1_route", "onderwijsroute", "z_route", "alfabetisering", "knm", "map", "pvt",
            "maatschappelijke_begeleiding", "financieel_ontzorgen", "duaal_traject"} <= set(by_code)
    assert (by_code["alfabetisering"]["kind"], by_code["alfabetisering"]["orderable"]) == ("leerroute_onderdeel", False)
    assert (by_code["duaal_traject"]["kind"], by_code["duaal_traject"]["orderable"]) == ("leerroute_onderdeel", False)
    assert (by_code["z_route"]["kind"], by_code["z_route"]["orderable"]) == ("leerroute", True)


@pytest.mark.parametrize("path, body", [
    # neither a procurement case nor a contract can be for a part of a leerroute
    ("/api/v1/procurement-cases", {"expected_participants_per_year": 10, "price_per_trajectory": "900.00",
                                   "term_years": 2, "facts": ALL_CONDITIONS_MET}),
    ("/api/v1/contracts", {"run_off": "tot_einde_traject", "reference": "ALFA-1", "procurement_route": "aanbesteding", "start_date": "2026-01-01",
                           "end_date": "2026-12-31", "price_per_trajectory": "900.00", "milestones": []}),
])
def test_the_api_refuses_a_case_or_contract_for_alfabetisering(api, make_user, make_municipality, make_provider,
                                                                path, body):
    town = make_municipality()
    role = Role.INKOPER if "procurement" in path else Role.CONTRACTMANAGER
    if "contracts" in path:
        body = body | {"provider_id": make_provider().id}
    response = api(make_user(role, municipalities=[town])).post(path, json=body | {
        "service": "alfabetisering", "municipalities": [town.code]})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "service"
